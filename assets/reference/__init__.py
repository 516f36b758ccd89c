"""Reference data: Hanoi's administrative units before and after the 2025 reform, and the crosswalk."""


import dagster as dg
import polars as pl

from pipelines.resources import LakeResource
from schemas import geography
from warehouse.build import WAREHOUSE_POOL, build_warehouse
from warehouse.catalog import TableAbout
from warehouse.tables import LakeTable
from assets.common.dataset import PLATFORM_TEAM

_TABLES = {
    "wards_before_reform": ("The 526 communes/wards and 30 districts of Hanoi before 1 July 2025.",
                            lambda: geography.wards_before_reform().drop("legacy_key")),
    "wards_2025": ("The 126 communes/wards of Hanoi since 1 July 2025 (51 wards, 75 communes).",
                   lambda: geography.wards_2025().drop("ward_key")),
    "ward_crosswalk": ("Old district + ward → 2025 ward; split wards have several rows, one is_default "
                       "(where their records go) and area_weight (share for apportioning aggregates).",
                       geography.ward_crosswalk),
}


def _reference_asset(name: str, description: str, build) -> dg.AssetsDefinition:
    @dg.asset(key=["ref", name], pool=WAREHOUSE_POOL, group_name="reference", owners=[PLATFORM_TEAM], kinds={"parquet", "duckdb"}, description=description)
    def reference(lake: LakeResource) -> dg.MaterializeResult:
        frame: pl.DataFrame = build()
        table = LakeTable(lake.lake, "ref", name, about=TableAbout(
            title=name.replace("_", " "), description=description, theme="reference", frequency="irregular",
            publisher="Ministry of Home Affairs (administrative units), via the vietnamadminunits package",
            columns=[{"name": c, "type": str(t), "description": ""} for c, t in frame.schema.items()]))
        table.replace(frame)
        build_warehouse(lake.lake)
        return dg.MaterializeResult(metadata={
            "dagster/row_count": frame.height, "warehouse_table": f"ref.{name}",
            "dagster/column_schema": dg.TableSchema(columns=[
                dg.TableColumn(c, str(t)) for c, t in frame.schema.items()]),
        })
    return reference


REFERENCE_ASSETS = [_reference_asset(n, d, b) for n, (d, b) in _TABLES.items()]
