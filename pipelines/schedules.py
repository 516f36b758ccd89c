"""Schedules, in Hanoi time, after the agencies' nightly exports.

The landing sensor ingests deliveries as they arrive and the computed tables follow their inputs by
declarative automation (assets/common/derived.py), so the schedules are the safety net and the
daily pass over what has no sensor trigger:

- 06:00 `daily_partitions_refresh`: yesterday's partition of the daily datasets (a day is complete
  once it is over; a delivery the sensor missed, e.g. while the daemon was down, is taken here);
- 06:00 on the 1st `monthly_partitions_refresh`: last month's partition of the tax datasets;
- 06:30 `daily_lake_refresh`: `lake_job` — reference data, the unpartitioned datasets, the marts and
  every table's Great Expectations suite, after the partitions above are in.

Dagster's `build_schedule_from_partitioned_job` would request the newest partition, and with
`end_offset=1` (deliveries are ingested the day they arrive) that is the day just begun, still empty;
hence schedules that name the previous period.
"""

import datetime as dt
from zoneinfo import ZoneInfo

import dagster as dg

from assets.common.partitions import TIMEZONE
from pipelines.jobs import daily_ingest_job, lake_job, monthly_ingest_job

HANOI = ZoneInfo(TIMEZONE)


def _hanoi_date(context: dg.ScheduleEvaluationContext) -> dt.date:
    return context.scheduled_execution_time.astimezone(HANOI).date()


@dg.schedule(job=daily_ingest_job, cron_schedule="0 6 * * *", execution_timezone=TIMEZONE,
             default_status=dg.DefaultScheduleStatus.RUNNING,
             description="Yesterday's deliveries of the daily datasets, whatever the sensor did.")
def daily_partitions_refresh(context: dg.ScheduleEvaluationContext) -> dg.RunRequest:
    day = (_hanoi_date(context) - dt.timedelta(days=1)).isoformat()
    return dg.RunRequest(run_key=f"daily-{day}", partition_key=day)


@dg.schedule(job=monthly_ingest_job, cron_schedule="0 6 1 * *", execution_timezone=TIMEZONE,
             default_status=dg.DefaultScheduleStatus.RUNNING,
             description="Last month's deliveries of the tax datasets, whatever the sensor did.")
def monthly_partitions_refresh(context: dg.ScheduleEvaluationContext) -> dg.RunRequest:
    month = (_hanoi_date(context).replace(day=1) - dt.timedelta(days=1)).replace(day=1).isoformat()
    return dg.RunRequest(run_key=f"monthly-{month}", partition_key=month)


daily_schedule = dg.ScheduleDefinition(
    name="daily_lake_refresh", job=lake_job, cron_schedule="30 6 * * *",
    execution_timezone=TIMEZONE, default_status=dg.DefaultScheduleStatus.RUNNING,
    description="Reference data, unpartitioned datasets, marts and Great Expectations, every morning.",
)

SCHEDULES = [daily_partitions_refresh, monthly_partitions_refresh, daily_schedule]
