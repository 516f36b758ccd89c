"""Public services (one-stop offices, the public-service portal): administrative procedure records."""

from assets.common.dataset import DatasetSpec, publish_as_delivered
from schemas import public_services as contract

PROCEDURE_RECORDS = DatasetSpec(
    name="procedure_records", agency="public_services", sector="public_services",
    description="Administrative procedure dossiers received by the wards, online and at the counter.",
    model=contract.ProcedureRecord, shared_model=contract.SharedProcedureRecord,
    publish=publish_as_delivered(contract.SharedProcedureRecord),
    event_date="submitted_at", period="submitted_at", natural_key=("record_id",))

DATASETS = [PROCEDURE_RECORDS]
