"""Every agency dataset the lake ingests, in one list (the sensor and the definitions read it)."""

from assets import civil_status, public_services, tax, transport, urban_planning
from assets.common.dataset import DatasetSpec
from assets.environment.air_quality import AIR_QUALITY_OBSERVATIONS

DATASETS: list[DatasetSpec] = [
    *civil_status.DATASETS, *urban_planning.DATASETS, AIR_QUALITY_OBSERVATIONS, *tax.DATASETS,
    *transport.DATASETS, *public_services.DATASETS,
]
