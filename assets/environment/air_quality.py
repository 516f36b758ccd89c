"""Air-quality observations delivered by the monitoring stations as FIWARE AirQualityObserved JSON."""

import polars as pl

from assets.common.dataset import DatasetSpec, publish_as_delivered
from schemas import environment as contract
from schemas.rules import empty_frame
from warehouse.lake import Lake
from warehouse.tables import LakeTable

# FIWARE keyValues attribute → contract column
FIWARE_NAMES = {"refDevice": "station_id", "dateObserved": "date_observed", "relativeHumidity": "relative_humidity",
                "wardCode": "ward_code", "districtCode": "district_code"}

AIR_QUALITY_OBSERVATIONS = DatasetSpec(
    name="air_quality_observations", agency="environment", sector="environment",
    description="Hourly air-quality observations of the monitoring stations (µg/m³), on the 2025 geography.",
    model=contract.AirQualityObservation, shared_model=contract.SharedAirQualityObservation,
    publish=publish_as_delivered(contract.SharedAirQualityObservation), rename=FIWARE_NAMES,
    event_date="date_observed", period="date_observed", natural_key=("station_id", "date_observed"),
    partitioned_by="day")


def published_observations(lake: Lake) -> pl.DataFrame:
    """station_id, ward_code, date_observed and the pollutants of every published observation."""
    scan = LakeTable(lake, "staging", AIR_QUALITY_OBSERVATIONS.name).scan()
    if scan is None:
        scan = empty_frame(contract.SharedAirQualityObservation).lazy()
    return scan.select("station_id", "ward_code", "date_observed", *contract.POLLUTANTS).collect()
