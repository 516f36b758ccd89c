"""Asset checks every dataset carries: nothing lost, and the published table honours its contract.

Both recount from the files the manifests name, not from the numbers the staging step reported,
so a bug in the step (or a half-finished publish) shows up here.
"""

from __future__ import annotations

import dagster as dg
import pandera.polars as pa
import polars as pl
from pandera.errors import SchemaErrors

from assets.common.dataset import DatasetSpec
from assets.common.ingest import tables
from assets.common.staging import delivery_date_of
from assets.common.partitions import DeliveryWindow, in_window
from warehouse.lake import Lake

ROW_ACCOUNTING = "row_accounting"
SHARED_CONTRACT = "shared_contract"


def _count(files, expr: pl.Expr) -> int:
    if not files:
        return 0
    return int(pl.scan_parquet(files, hive_partitioning=True).select(expr).collect().item() or 0)


def row_accounting(spec: DatasetSpec, lake: Lake, window: DeliveryWindow | None = None) -> dg.AssetCheckResult:
    """For every delivery (dated in `window`, if given): rows in the raw file = rows published + quarantined."""
    raw, staging, quarantine = tables(spec, lake)
    raw_entries, staged, quarantined_entries = raw.deliveries(), staging.deliveries(), quarantine.deliveries()
    broken, rows = [], []
    for delivery_id, entry in sorted(raw_entries.items()):
        if not in_window(delivery_date_of(delivery_id), window):
            continue
        if not entry["files"]:  # a duplicate or an unreadable file: no rows came in (see raw.deliveries)
            continue
        rows_in = _count([raw.dir / f for f in entry["files"]], pl.len())
        staged_entry = staged.get(delivery_id)
        if staged_entry is None:
            broken.append(f"{delivery_id}: delivered but never staged")
            continue
        if staged_entry.get("superseded_by"):  # a replaced snapshot: its files are gone, its ledger is not
            published = staged_entry["rows_published"]
        else:
            published = _count([staging.dir / f for f in staged_entry["files"]], spec.published_rows)
        quarantined = _count([quarantine.dir / f for f in quarantined_entries.get(delivery_id, {}).get("files", [])],
                             pl.col("row_number").n_unique())
        rows.append((delivery_id, rows_in, published, quarantined))
        if rows_in != published + quarantined:
            broken.append(f"{delivery_id}: {rows_in} in ≠ {published} published + {quarantined} quarantined")
    totals = [sum(r[i] for r in rows) for i in (1, 2, 3)]
    return dg.AssetCheckResult(
        check_name=ROW_ACCOUNTING, passed=not broken,
        description="rows in = rows published + rows quarantined, for every delivery",
        metadata={"deliveries": len(rows), "rows_in": totals[0], "rows_published": totals[1],
                  "rows_quarantined": totals[2], "violations": dg.MetadataValue.json(broken[:50])},
    )


def validate_contract(frame: pl.DataFrame, model: type[pa.DataFrameModel], check_name: str) -> dg.AssetCheckResult:
    """A published frame against its pandera model, as a check result listing failures per rule."""
    try:
        model.validate(frame, lazy=True)
    except SchemaErrors as err:
        by_check = err.failure_cases.group_by("column", "check").len().sort("len", descending=True)
        return dg.AssetCheckResult(check_name=check_name, passed=False, metadata={
            "rows": frame.height,
            "failures": dg.MetadataValue.md("\n".join(f"- `{c}` {k}: {n}" for c, k, n in by_check.iter_rows()))})
    return dg.AssetCheckResult(check_name=check_name, passed=True, metadata={"rows": frame.height})


def shared_contract(spec: DatasetSpec, lake: Lake) -> dg.AssetCheckResult:
    """The published staging table, as analysts read it, validates against its pandera contract."""
    _, staging, _ = tables(spec, lake)
    scan = staging.scan()
    if scan is None:
        return dg.AssetCheckResult(check_name=SHARED_CONTRACT, passed=True, metadata={"rows": 0})
    return validate_contract(scan.drop("period", strict=False).collect(), spec.shared_model, SHARED_CONTRACT)
