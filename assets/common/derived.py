"""Publishing a table the lake computes itself (indices, marts): whole, atomically, checked by its contract."""

import dagster as dg
import pandera.polars as pa
import polars as pl

from assets.common.checks import validate_contract
from assets.common.factory import table_schema
from assets.common.partitions import TIME_PARTITIONED
from warehouse.build import WAREHOUSE_POOL, build_warehouse
from warehouse.catalog import TableAbout
from warehouse.lake import Lake
from warehouse.tables import LakeTable

CONTRACT = "contract"

# Computed tables follow their inputs declaratively instead of on a job schedule: ingests are started
# by the landing sensor at any hour, a dataset and a day at a time, and a schedule would leave the
# marts stale until the next morning (or recompute them when nothing changed). Eager, except that a
# time-partitioned input does not count as missing: Dagster counts every day without a delivery as a
# missing partition, so plain eager() would never fire. Unpartitioned inputs (the reference wards the
# marts join) must exist. Needs the automation sensor (pipelines/definitions.py) and the daemon.
COMPUTED_TABLE_AUTOMATION = dg.AutomationCondition.eager().replace(
    "any_deps_missing", dg.AutomationCondition.any_deps_missing().ignore(TIME_PARTITIONED))
COMPUTED_TABLE_RUNS = dict(automation_condition=COMPUTED_TABLE_AUTOMATION, pool=WAREHOUSE_POOL)  # for @dg.asset
COMPUTED_TABLES = dg.AssetSelection.assets(
    ["staging", "air_quality_hourly_index"], ["mart", "air_quality_daily"], ["mart", "transit_daily"],
    ["mart", "ward_profile"], ["mart", "online_public_services"], ["mart", "deceased_business_owners"])


def contract_check_spec(key: dg.AssetKey, model: type[pa.DataFrameModel]) -> dg.AssetCheckSpec:
    return dg.AssetCheckSpec(CONTRACT, asset=key, description=f"the table validates against {model.__name__}")


def publish_derived(lake: Lake, layer: str, name: str, frame: pl.DataFrame, model: type[pa.DataFrameModel],
                    *, about: dict, period: str | None = None, **metadata) -> dg.MaterializeResult:
    """Validate, publish whole (partitioned by month of `period` if given), refresh the warehouse.

    `about`: title, description, publisher, theme and temporal_column of the table, for the catalog.
    """
    check = validate_contract(frame, model, CONTRACT)
    stored = frame.with_columns(pl.col(period).dt.strftime("%Y-%m").alias("period")) if period else frame
    table = LakeTable(lake, layer, name, about=TableAbout.of_model(model, **about))
    table.replace(stored, partition_by="period" if period else None)
    build_warehouse(lake)
    return dg.MaterializeResult(
        metadata={"dagster/row_count": frame.height, "dagster/column_schema": table_schema(model),
                  "warehouse_table": f"{layer}.{name}", "path": dg.MetadataValue.path(str(table.dir)),
                  "data_docs": dg.MetadataValue.path(str(lake.docs / "index.html")), **metadata},
        check_results=[check])
