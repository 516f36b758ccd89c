"""Scheduled runs: the whole lake every morning, Hanoi time, after the agencies' nightly exports."""

import dagster as dg

from pipelines.jobs import lake_job

daily_schedule = dg.ScheduleDefinition(
    name="daily_lake_refresh", job=lake_job, cron_schedule="0 6 * * *",
    execution_timezone="Asia/Ho_Chi_Minh", default_status=dg.DefaultScheduleStatus.RUNNING,
)
