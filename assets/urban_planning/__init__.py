"""Urban planning (Department of Construction, cadastre): construction permits and land-use parcels."""

from assets.common.dataset import DatasetSpec, publish_as_delivered
from schemas import urban_planning as contract

CONSTRUCTION_PERMITS = DatasetSpec(
    name="construction_permits", agency="planning", sector="urban_planning",
    description="Construction permits issued, on the 2025 ward geography.",
    model=contract.ConstructionPermit, shared_model=contract.SharedConstructionPermit,
    publish=publish_as_delivered(contract.SharedConstructionPermit),
    event_date="issue_date", period="issue_date", natural_key=("permit_number",))

LAND_PARCELS = DatasetSpec(
    name="land_parcels", agency="planning", sector="urban_planning",
    description="Land-use parcels of the latest cadastral snapshot, with zoning class and area.",
    model=contract.LandParcel, shared_model=contract.SharedLandParcel,
    publish=publish_as_delivered(contract.SharedLandParcel),
    event_date="surveyed_on", snapshot=True)

DATASETS = [CONSTRUCTION_PERMITS, LAND_PARCELS]
