"""The Dagster code location: every asset, check, job, schedule and sensor of urbanlake."""

from __future__ import annotations

import dagster as dg

from assets.common.factory import dataset_assets
from assets.common.derived import COMPUTED_TABLES
from assets.cross_agency import CROSS_AGENCY_ASSETS
from assets.environment.daily_index import air_quality_daily
from assets.environment.hourly_index import air_quality_hourly_index
from assets.quality import QUALITY_CHECKS
from assets.transport.transit_daily import transit_daily
from assets.reference import REFERENCE_ASSETS
from assets.registry import DATASETS
from pipelines.jobs import daily_ingest_job, lake_job, monthly_ingest_job
from pipelines.loaded_code import freeze_loaded_code
from pipelines.resources import lake_resource_from_env
from pipelines.schedules import SCHEDULES
from pipelines.sensors import landing_sensor

# Evaluates the declarative automation of the computed tables (assets/common/derived.py); running by
# default, so a daemon alone keeps the marts current after every ingest.
computed_tables_automation = dg.AutomationConditionSensorDefinition(
    "computed_tables_automation", target=COMPUTED_TABLES, minimum_interval_seconds=60,
    default_status=dg.DefaultSensorStatus.RUNNING,
    description="Refreshes the computed tables and marts once their inputs were updated.")

defs = dg.Definitions(
    assets=[
        *REFERENCE_ASSETS, *(a for spec in DATASETS for a in dataset_assets(spec)),
        air_quality_hourly_index, air_quality_daily, transit_daily, *CROSS_AGENCY_ASSETS,
    ],
    asset_checks=QUALITY_CHECKS,
    jobs=[lake_job, daily_ingest_job, monthly_ingest_job],
    schedules=SCHEDULES,
    sensors=[landing_sensor, computed_tables_automation],
    resources={"lake": lake_resource_from_env()},
)

freeze_loaded_code()  # last: the code location is loaded (see pipelines/loaded_code.py)
