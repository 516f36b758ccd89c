"""Great Expectations as Dagster asset checks: one check `great_expectations` per suite, one GX start-up per run.

dagster-ge does not support GX 1.x, so this is the integration: a single `multi_asset_check` (GX's
start-up, about 9 s, is paid once per run, not once per table) that validates the selected tables
with `warehouse.quality.validate_tables` (in a process started ahead by `urbanlake run`, see
`warehouse/quality_process.py`) and reports each as a check result. A failed expectation
fails that table's check (severity ERROR), never the run; the failed expectations, the figures and
links to the Data Docs (`lake/docs/index.html`) are in the check's metadata.
"""

import dagster as dg

from pipelines.resources import LakeResource
from schemas.expectations import SUITES
from warehouse.quality_process import validate

CHECK_NAME = "great_expectations"


def _spec(layer: str, name: str) -> dg.AssetCheckSpec:
    suite = SUITES[(layer, name)]
    how = ("every row" if suite.strategy == "full"
           else "a profile aggregated by DuckDB over every row (see the suite's profile query)")
    return dg.AssetCheckSpec(CHECK_NAME, asset=dg.AssetKey([layer, name]),
                             description=f"GX suite {suite.table} on {how}: {suite.description}")


@dg.multi_asset_check(
    specs=[_spec(layer, name) for layer, name in SUITES], can_subset=True, name="great_expectations_suites",
    description="Validates the published tables with their Great Expectations suites and builds the Data Docs.")
def great_expectations_suites(context: dg.AssetCheckExecutionContext, lake: LakeResource):
    selected = [tuple(k.asset_key.path) for k in context.selected_asset_check_keys if k.name == CHECK_NAME]
    results = validate(lake.lake, selected, run_name=context.run.run_id)
    for (layer, name), r in results.items():
        if r["error"] and r["status"] == "failed":
            context.log.error(f"GX could not validate {r['table']}: {r['error']}")
        yield dg.AssetCheckResult(
            asset_key=dg.AssetKey([layer, name]), check_name=CHECK_NAME, passed=r["status"] != "failed",
            severity=dg.AssetCheckSeverity.ERROR, description=_summary(r), metadata=_metadata(r))


def _summary(r: dict) -> str:
    if r["status"] == "skipped":
        return f"skipped: {r['error']}"
    if r["error"]:
        return f"could not validate: {r['error']}"
    stats = r["statistics"]
    return (f"{r['status']}: {stats.get('successful_expectations')} of {stats.get('evaluated_expectations')} "
            f"expectations met on {r['rows_validated']} {'rows' if r['strategy'] == 'full' else 'profile rows'}")


def _metadata(r: dict) -> dict:
    stats = r["statistics"]
    metadata = {
        "status": r["status"], "strategy": r["strategy"], "rows_validated": r["rows_validated"],
        "evaluated_expectations": int(stats.get("evaluated_expectations") or 0),
        "success_percent": float(stats.get("success_percent") or 0.0) if stats else 0.0,
        "failed_expectations": dg.MetadataValue.json(r["failed_expectations"]),
        "failed_expectation_types": ", ".join(sorted({f["expectation"] for f in r["failed_expectations"]})) or "none",
    }
    if r.get("seconds") is not None:
        metadata["seconds"] = float(r["seconds"])
    if r["error"]:
        metadata["error"] = r["error"]
    if r.get("data_docs"):
        metadata["data_docs"] = dg.MetadataValue.path(r["data_docs"])
    if r.get("page"):
        metadata["data_docs_page"] = dg.MetadataValue.path(r["page"])
    return metadata


QUALITY_CHECKS = [great_expectations_suites]
