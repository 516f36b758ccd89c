"""Daily boardings per route and stop, located in their 2025 ward."""

import dagster as dg

from assets.common.derived import COMPUTED_TABLE_RUNS, contract_check_spec, publish_derived
from pipelines.resources import LakeResource
from schemas.marts import TransitDaily
from schemas.transport import SharedTransitBoardings, SharedTransitStop
from warehouse.marts import run_mart

KEY = dg.AssetKey(["mart", "transit_daily"])


@dg.asset(**COMPUTED_TABLE_RUNS, key=KEY, owners=["team:transport"], deps=[dg.AssetKey(["staging", "fare_card_taps"]), dg.AssetKey(["staging", "transit_stops"])],
          group_name="transport", kinds={"parquet", "duckdb"}, check_specs=[contract_check_spec(KEY, TransitDaily)],
          description="Boardings per service date, route and stop, GTFS-ride style (SQL: warehouse/sql/transit_daily.sql).")
def transit_daily(lake: LakeResource) -> dg.MaterializeResult:
    frame = run_mart(lake.lake, "transit_daily", {"staging.fare_card_taps": SharedTransitBoardings,
                                                  "staging.transit_stops": SharedTransitStop})
    return publish_derived(lake.lake, "mart", "transit_daily", frame, TransitDaily, about=dict(
        title="transit daily", theme="transport", temporal_column="service_date",
        description="Boardings per service date, route and stop (GTFS-ride style), from fare-card taps.",
        publisher="urbanlake, from the public transport operator's fare-card taps"))
