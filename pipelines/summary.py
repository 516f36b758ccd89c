"""The closing report of a run: where the lake and warehouse are, and rows published/quarantined per table."""

from __future__ import annotations

import dagster as dg
import polars as pl

from pipelines.lake_run import RANGE_END, RANGE_START, LakeRunResult
from warehouse.build import delivery_ledger
from warehouse.lake import Lake


def accounting_by_table(ledger: pl.DataFrame) -> pl.DataFrame:
    return (ledger.filter(pl.col("status") == "published").group_by("dataset")
            .agg(pl.len().alias("deliveries"), pl.col("rows_in").sum(), pl.col("rows_published").sum(),
                 pl.col("rows_quarantined").sum())
            .sort("dataset"))


def failed_checks(result: dg.ExecuteInProcessResult | LakeRunResult) -> list[str]:
    return [f"{e.asset_check_evaluation_data.asset_key.to_user_string()}:{e.asset_check_evaluation_data.check_name}"
            for e in result.all_events
            if e.event_type_value == "ASSET_CHECK_EVALUATION" and not e.asset_check_evaluation_data.passed]


def print_summary(lake: Lake, result: LakeRunResult) -> None:
    ledger = delivery_ledger(lake)
    table = accounting_by_table(ledger)
    print()
    for run in result.results:
        print(f"run {run.run_id} ({run.job_def.name}{_partitions(run)}): {'succeeded' if run.success else 'FAILED'}")
    print(f"landing zone : {lake.landing}")
    print(f"parquet lake : {lake.lake}")
    print(f"warehouse    : {lake.warehouse}   (duckdb -readonly {lake.warehouse})")
    if lake.docs.exists():
        print(f"data docs    : {lake.docs / 'index.html'}")
    print()
    header = f"{'table':<28}{'deliveries':>11}{'rows in':>12}{'published':>12}{'quarantined':>13}"
    print(header)
    print("-" * len(header))
    for name, deliveries, rows_in, published, quarantined in table.iter_rows():
        print(f"{name:<28}{deliveries:>11}{rows_in:>12,}{published:>12,}{quarantined:>13,}")
    if table.height:
        print("-" * len(header))
        print(f"{'total':<28}{table['deliveries'].sum():>11}{table['rows_in'].sum():>12,}"
              f"{table['rows_published'].sum():>12,}{table['rows_quarantined'].sum():>13,}")
    for row in ledger.filter(pl.col("status") != "published").iter_rows(named=True):
        print(f"{row['source_file']}: {row['status']}")
    for path in result.outside_partitions:
        print(f"{path}: not ingested: its delivery date has no partition (2024-01-01 to today)")
    for check in failed_checks(result):
        print(f"FAILED CHECK {check}")


def _partitions(run: dg.ExecuteInProcessResult) -> str:
    tags = run.dagster_run.tags
    first, last = tags.get(RANGE_START), tags.get(RANGE_END)
    return f", partitions {first} to {last}" if first else ""
