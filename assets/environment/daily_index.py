"""The daily VN_AQI of every station: the mart analysts and the ward profile read."""

import dagster as dg
import polars as pl

from assets.common.derived import COMPUTED_TABLE_RUNS, contract_check_spec, publish_derived
from assets.environment.air_quality import published_observations
from assets.environment.vn_aqi import daily_index
from pipelines.resources import LakeResource
from schemas.marts import AirQualityDaily

KEY = dg.AssetKey(["mart", "air_quality_daily"])


@dg.asset(**COMPUTED_TABLE_RUNS, key=KEY, deps=[dg.AssetKey(["staging", "air_quality_observations"])], group_name="environment", owners=["team:environment"],
          kinds={"parquet", "duckdb"}, check_specs=[contract_check_spec(KEY, AirQualityDaily)],
          description="Daily VN_AQI per station with dominant pollutant, category and colour (code: assets/environment/vn_aqi.py).")
def air_quality_daily(lake: LakeResource) -> dg.MaterializeResult:
    observations = published_observations(lake.lake)
    # A station's ward is where it stands now: the 2025 ward of its latest observation.
    wards = observations.sort("date_observed").group_by("station_id").agg(pl.col("ward_code").last())
    daily = daily_index(observations.drop("ward_code")).join(wards, on="station_id", how="left")
    frame = daily.select(list(AirQualityDaily.to_schema().columns))
    return publish_derived(lake.lake, "mart", "air_quality_daily", frame, AirQualityDaily, about=dict(
        title="air quality daily", theme="environment", temporal_column="date",
        description="Daily VN_AQI per station and 2025 ward, with dominant pollutant, category name and colour.",
        publisher="urbanlake, from the monitoring network's observations"))
