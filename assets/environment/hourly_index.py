"""The hourly VN_AQI of every station, computed by the lake from the published observations."""

import dagster as dg

from assets.common.derived import COMPUTED_TABLE_RUNS, contract_check_spec, publish_derived
from assets.environment.air_quality import published_observations
from assets.environment.vn_aqi import hourly_index
from pipelines.resources import LakeResource
from schemas.environment import AirQualityHourlyIndex

KEY = dg.AssetKey(["staging", "air_quality_hourly_index"])
ABOUT = dict(title="air quality hourly index", theme="environment", temporal_column="date_observed",
             description="Hourly VN_AQI per station (Decision 1459/QĐ-TCMT, Nowcast for PM), computed by the lake.",
             publisher="urbanlake, from the monitoring network's observations")


@dg.asset(**COMPUTED_TABLE_RUNS, key=KEY, deps=[dg.AssetKey(["staging", "air_quality_observations"])], group_name="environment", owners=["team:environment"],
          kinds={"parquet", "duckdb"}, check_specs=[contract_check_spec(KEY, AirQualityHourlyIndex)],
          description="Hourly VN_AQI per station (Nowcast for PM), computed by the lake, not trusted from stations.")
def air_quality_hourly_index(lake: LakeResource) -> dg.MaterializeResult:
    observations = published_observations(lake.lake)
    index = hourly_index(observations.drop("ward_code")).join(
        observations.select("station_id", "date_observed", "ward_code"), on=["station_id", "date_observed"])
    frame = index.select(list(AirQualityHourlyIndex.to_schema().columns))
    return publish_derived(lake.lake, "staging", "air_quality_hourly_index", frame, AirQualityHourlyIndex,
                           period="date_observed", about=ABOUT)
