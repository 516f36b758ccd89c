"""Public services (one-stop offices, the public-service portal): administrative procedure records."""

from assets.common.dataset import DatasetSpec, publish_as_delivered
from schemas import public_services as contract

PROCEDURE_RECORDS = DatasetSpec(
    name="procedure_records", agency="public_services", sector="public_services",
    description="Administrative procedure dossiers, one row per dossier per delivery: its state on that day.",
    model=contract.ProcedureRecord, shared_model=contract.SharedProcedureRecord,
    publish=publish_as_delivered(contract.SharedProcedureRecord),
    # Agencies re-send open dossiers with their new state, so a record_id recurs across deliveries;
    # the latest delivery holds the current state (the online-services mart reads only that).
    event_date="submitted_at", period="submitted_at", partitioned_by="day")

DATASETS = [PROCEDURE_RECORDS]
