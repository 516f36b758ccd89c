"""The schedules, evaluated by Dagster at a given instant: what they request, in Hanoi time."""

import datetime as dt
from zoneinfo import ZoneInfo

import dagster as dg
import pytest

from pipelines.definitions import defs
from pipelines.schedules import daily_partitions_refresh, daily_schedule, monthly_partitions_refresh

HANOI = ZoneInfo("Asia/Ho_Chi_Minh")


@pytest.fixture(scope="module")
def instance():
    with dg.instance_for_test() as instance:
        yield instance


def _evaluate(schedule, instance, at: dt.datetime) -> list[dg.RunRequest]:
    context = dg.build_schedule_context(instance=instance, scheduled_execution_time=at,
                                        repository_def=defs.get_repository_def())
    data = schedule.evaluate_tick(context)
    return list(data.run_requests or [])


def test_every_schedule_runs_in_hanoi_time():
    assert {s.execution_timezone for s in defs.schedules} == {"Asia/Ho_Chi_Minh"}
    assert (daily_partitions_refresh.cron_schedule, daily_schedule.cron_schedule,
            monthly_partitions_refresh.cron_schedule) == ("0 6 * * *", "30 6 * * *", "0 6 1 * *")


def test_daily_refresh_at_six_in_hanoi_requests_the_day_just_over(instance):
    # 06:00 on 2 July in Hanoi is 23:00 on 1 July in UTC: the Hanoi date decides the partition
    [request] = _evaluate(daily_partitions_refresh, instance, dt.datetime(2025, 7, 1, 23, 0, tzinfo=dt.timezone.utc))
    assert request.partition_key == "2025-07-01"
    assert request.job_name in (None, "daily_ingest_job")
    assert daily_partitions_refresh.job_name == "daily_ingest_job"


def test_monthly_refresh_on_the_first_requests_last_month(instance):
    [request] = _evaluate(monthly_partitions_refresh, instance, dt.datetime(2025, 8, 1, 6, 0, tzinfo=HANOI))
    assert request.partition_key == "2025-07-01"
    [january] = _evaluate(monthly_partitions_refresh, instance, dt.datetime(2026, 1, 1, 6, 0, tzinfo=HANOI))
    assert january.partition_key == "2025-12-01"


def test_lake_refresh_runs_the_unpartitioned_job_after_the_partitions(instance):
    [request] = _evaluate(daily_schedule, instance, dt.datetime(2025, 7, 2, 6, 30, tzinfo=HANOI))
    assert request.partition_key is None
    assert daily_schedule.job_name == "lake_job"
    lake_job = defs.resolve_job_def("lake_job")
    assert lake_job.partitions_def is None
    assert {"mart__ward_profile", "great_expectations_suites"} <= {n.name for n in lake_job.nodes}
