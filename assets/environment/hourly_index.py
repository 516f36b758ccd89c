"""The hourly VN_AQI of every station, computed by the lake from the published observations."""

import dagster as dg
import polars as pl

from assets.common.derived import contract_check_spec, publish_derived
from assets.environment.vn_aqi import hourly_index
from pipelines.resources import LakeResource
from schemas.environment import AirQualityHourlyIndex
from warehouse.tables import LakeTable

KEY = dg.AssetKey(["staging", "air_quality_hourly_index"])
ABOUT = dict(title="air quality hourly index", theme="environment", temporal_column="date_observed",
             description="Hourly VN_AQI per station (Decision 1459/QĐ-TCMT, Nowcast for PM), computed by the lake.",
             publisher="urbanlake, from the monitoring network's observations")


@dg.asset(key=KEY, deps=[dg.AssetKey(["staging", "air_quality_observations"])], group_name="environment",
          kinds={"parquet", "duckdb"}, check_specs=[contract_check_spec(KEY, AirQualityHourlyIndex)],
          description="Hourly VN_AQI per station (Nowcast for PM), computed by the lake, not trusted from stations.")
def air_quality_hourly_index(lake: LakeResource) -> dg.MaterializeResult:
    scan = LakeTable(lake.lake, "staging", "air_quality_observations").scan()
    columns = ["station_id", "date_observed", "pm25", "pm10", "no2", "so2", "co", "o3"]
    observations = (scan.select(*columns, "ward_code").collect() if scan is not None
                    else pl.DataFrame(schema={c: pl.String for c in ["station_id", "ward_code"]}
                                      | {"date_observed": pl.Datetime("us")}
                                      | {c: pl.Float64 for c in columns[2:]}))
    index = hourly_index(observations.select(columns)).join(
        observations.select("station_id", "date_observed", "ward_code"), on=["station_id", "date_observed"])
    frame = index.select(list(AirQualityHourlyIndex.to_schema().columns))
    return publish_derived(lake.lake, "staging", "air_quality_hourly_index", frame, AirQualityHourlyIndex,
                           period="date_observed", about=ABOUT)
