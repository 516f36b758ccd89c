"""Dagster assets for one dataset: raw (as delivered) → staging (validated, shared) + quarantine."""


import warnings

import dagster as dg
import polars as pl

from assets.common.checks import ROW_ACCOUNTING, SHARED_CONTRACT, row_accounting, shared_contract
from assets.common.dataset import DatasetSpec
from assets.common.ingest import ingest_raw, tables
from assets.common.staging import stage
from assets.common.partitions import PARTITIONED_BY_TAG, delivery_window, partitions_def
from pipelines.resources import LakeResource
from warehouse.build import WAREHOUSE_POOL, build_warehouse, warehouse_is_stale

# A single-run backfill policy is what makes a range of days one run; Dagster 1.13 still calls the
# parameter beta and would print that warning at every import of the code location.
warnings.filterwarnings("ignore", message="Parameter `backfill_policy`", category=dg.BetaWarning)


def table_schema(model) -> dg.TableSchema:
    """Column names, types and descriptions of a pandera model, for the UI's column schema."""
    return dg.TableSchema(columns=[
        dg.TableColumn(name, str(col.dtype), description=col.description or "")
        for name, col in model.to_schema().columns.items()
    ])


def dataset_assets(spec: DatasetSpec) -> list[dg.AssetsDefinition]:
    raw_key = dg.AssetKey(["raw", spec.name])
    staging_key = dg.AssetKey(["staging", spec.name])
    quarantine_key = dg.AssetKey(["quarantine", spec.name])
    # A backfill of many days is one run over the range, not a run per day: the ledger makes a
    # range as cheap as its new deliveries, and a run costs seconds of start-up.
    partitioning = dict(partitions_def=partitions_def(spec.partitioned_by),
                        backfill_policy=dg.BackfillPolicy.single_run() if spec.partitioned_by else None)
    tags = {PARTITIONED_BY_TAG: spec.partitioned_by} if spec.partitioned_by else {}

    @dg.asset(key=raw_key, group_name=spec.sector, kinds={"parquet"}, owners=[spec.owner], tags=tags, **partitioning,
              description=f"{spec.description} As delivered by {spec.agency} (restricted zone).")
    def raw_asset(context: dg.AssetExecutionContext, lake: LakeResource) -> dg.MaterializeResult:
        """Copy the new or changed landing files (of the run's delivery dates) into the raw layer."""
        window = delivery_window(context)
        report = ingest_raw(spec, lake.lake, window)
        for r in report.rejected:
            context.log.warning(f"landing file not ingested: {r.relative_path}: {r.reason}")
        for r in report.skipped:
            context.log.warning(f"landing file skipped this run: {r.relative_path}: {r.reason}")
        raw, _, _ = tables(spec, lake.lake)
        return dg.MaterializeResult(metadata={
            "deliveries_ingested": len(report.ingested), "deliveries_unchanged": report.unchanged,
            "duplicate_deliveries": dg.MetadataValue.json(report.duplicates),
            "rejected_files": dg.MetadataValue.json([f"{r.relative_path}: {r.reason}" for r in report.rejected]),
            "skipped_files": dg.MetadataValue.json([f"{r.relative_path}: {r.reason}" for r in report.skipped]),
            "blank_lines_not_rows": dg.MetadataValue.json(report.blank_lines),
            "dagster/row_count": raw.row_count(),
            "path": dg.MetadataValue.path(str(raw.dir)),
            **_window_metadata(window),
        })

    @dg.multi_asset(
        name=f"stage_{spec.name}", group_name=spec.sector, can_subset=False, pool=WAREHOUSE_POOL, **partitioning,
        specs=[
            dg.AssetSpec(staging_key, deps=[raw_key], kinds={"parquet", "duckdb"}, description=spec.description,
                         owners=[spec.owner], tags=tags),
            dg.AssetSpec(quarantine_key, deps=[raw_key], kinds={"parquet"}, owners=[spec.owner], tags=tags,
                         description=f"Rows of {spec.name} that failed their contract, with rule and reason."),
        ],
        check_specs=[
            dg.AssetCheckSpec(ROW_ACCOUNTING, asset=staging_key, blocking=True,
                              description="rows in = rows published + rows quarantined, per delivery"),
            dg.AssetCheckSpec(SHARED_CONTRACT, asset=staging_key,
                              description=f"the published table validates against {spec.shared_model.__name__}"),
        ],
    )
    def staging_assets(context: dg.AssetExecutionContext, lake: LakeResource):
        """Validate and publish the raw deliveries (of the run's delivery dates) not yet staged as they are."""
        window = delivery_window(context)
        report = stage(spec, lake.lake, lake.pseudonymiser(), window)
        raw, staging, quarantine = tables(spec, lake.lake)
        if warehouse_is_stale(lake.lake, [t.manifest_path for t in (raw, staging, quarantine)]):
            build_warehouse(lake.lake)  # the ledger and views change only when a manifest did
        run = pl.DataFrame([{"delivery": k, **v} for k, v in report.staged.items()],
                           schema={"delivery": pl.String, "rows_in": pl.Int64, "rows_published": pl.Int64,
                                   "rows_quarantined": pl.Int64})
        yield dg.MaterializeResult(asset_key=staging_key, metadata={
            "deliveries_staged": run.height, "deliveries_unchanged": report.unchanged,
            "rows_in": int(run["rows_in"].sum()), "rows_published": int(run["rows_published"].sum()),
            "rows_quarantined": int(run["rows_quarantined"].sum()),
            "accounting": dg.MetadataValue.md(_markdown(run)),
            "dagster/row_count": staging.row_count(),
            "dagster/column_schema": table_schema(spec.shared_model),
            "warehouse_table": f"staging.{spec.name}", "path": dg.MetadataValue.path(str(staging.dir)),
            "data_docs": dg.MetadataValue.path(str(lake.lake.docs / "index.html")),
            **_window_metadata(window),
        })
        yield dg.MaterializeResult(asset_key=quarantine_key, metadata={
            "dagster/row_count": quarantine.row_count(),
            "warehouse_table": f"quarantine.{spec.name}", "path": dg.MetadataValue.path(str(quarantine.dir)),
        })
        yield row_accounting(spec, lake.lake, window)
        yield shared_contract(spec, lake.lake)

    return [raw_asset, staging_assets]


def _window_metadata(window) -> dict:
    """The delivery dates a partitioned run covered (the same on every partition of a backfill range)."""
    if window is None:
        return {}
    return {"delivery_dates": f"{window[0].isoformat()} to {window[1].isoformat()} (excluded)"}


def _markdown(frame: pl.DataFrame) -> str:
    if frame.is_empty():
        return "no new or changed deliveries"
    lines = ["| delivery | in | published | quarantined |", "|---|---:|---:|---:|"]
    lines += [f"| {d} | {i} | {p} | {q} |" for d, i, p, q in frame.iter_rows()]
    return "\n".join(lines)
