"""The landing sensor, evaluated by Dagster's own test context over real files in a landing zone.

A run is requested for the partition (delivery date) of a new file once the file is complete (same
size and mtime on two ticks), never for an identical re-delivery, and never twice for the same state,
including after a restart that resumes from the cursor Dagster stored.
"""

import json
import os
import shutil

import dagster as dg
import pytest

from pipelines.definitions import defs
from pipelines.resources import LakeResource
from pipelines.sensors import landing_sensor


class Landing:
    """A landing zone and the sensor's ticks over it, each resuming from the cursor of the last."""

    def __init__(self, root):
        self.root = root
        self.lake = LakeResource(home=str(root), pseudonym_key="k" * 20)
        self.instance = dg.DagsterInstance.ephemeral()
        self.cursor = None

    def deliver(self, relative: str, text: str = "id,value\n1,2\n"):
        path = self.root / "landing" / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
        return path

    def tick(self, cursor: str | None = None) -> list[dg.RunRequest]:
        context = dg.build_sensor_context(instance=self.instance, resources={"lake": self.lake}, definitions=defs,
                                          cursor=self.cursor if cursor is None else cursor)
        result = landing_sensor(context)
        self.cursor = result.cursor
        return list(result.run_requests or [])


def _datasets(request: dg.RunRequest) -> set[tuple[str, str]]:
    return {tuple(k.path) for k in request.asset_selection}


@pytest.fixture
def zone(tmp_path):
    return Landing(tmp_path)


def test_new_daily_delivery_requests_its_day_partition_once_stable(zone):
    zone.deliver("environment/air_quality_observations/2025-07-03/stations.json", "[]")
    assert zone.tick() == []  # just appeared: maybe still being copied
    [request] = zone.tick()
    assert request.job_name == "daily_ingest_job"
    assert request.partition_key == "2025-07-03"
    assert _datasets(request) == {("raw", "air_quality_observations"), ("staging", "air_quality_observations"),
                                  ("quarantine", "air_quality_observations")}
    assert {k.name for k in request.asset_check_keys} == {"row_accounting", "shared_contract"}
    assert zone.tick() == []  # nothing new since


def test_monthly_dataset_requests_the_month_of_the_delivery_date(zone):
    zone.deliver("tax/tax_payments/2025-07-15/payments.csv")
    zone.deliver("tax/business_registrations/2025-07-02/registrations.csv")
    zone.tick()
    [request] = zone.tick()
    assert (request.job_name, request.partition_key) == ("monthly_ingest_job", "2025-07-01")
    assert {name for _, name in _datasets(request)} == {"tax_payments", "business_registrations"}


def test_one_request_per_delivery_date_and_unpartitioned_datasets_go_to_lake_job(zone):
    zone.deliver("transport/traffic_counts/2025-07-01/counts.csv")
    zone.deliver("transport/fare_card_taps/2025-07-01/taps.csv")
    zone.deliver("transport/fare_card_taps/2025-07-02/taps.csv", "other\n")
    zone.deliver("planning/construction_permits/2025-07-02/permits.csv")
    zone.tick()
    requests = {(r.job_name, r.partition_key): {n for _, n in _datasets(r)} for r in zone.tick()}
    assert requests == {("daily_ingest_job", "2025-07-01"): {"traffic_counts", "fare_card_taps"},
                        ("daily_ingest_job", "2025-07-02"): {"fare_card_taps"},
                        ("lake_job", None): {"construction_permits"}}


def test_a_file_still_growing_is_not_taken_until_it_stops(zone):
    path = zone.deliver("public_services/procedure_records/2025-07-04/records.csv", "record_id\n")
    assert zone.tick() == []
    with path.open("a") as f:
        f.write("r-1\n")  # the copy goes on
    assert zone.tick() == []
    [request] = zone.tick()
    assert request.partition_key == "2025-07-04"


def test_hidden_temporary_file_is_ignored_until_renamed(zone):
    temporary = zone.deliver("transport/traffic_counts/2025-07-05/.counts.csv.part")
    assert zone.tick() == [] and zone.tick() == []
    temporary.rename(temporary.with_name("counts.csv"))
    zone.tick()
    [request] = zone.tick()
    assert request.partition_key == "2025-07-05"


def test_identical_redelivery_under_another_date_or_name_requests_no_run(zone):
    original = zone.deliver("transport/traffic_counts/2025-07-01/counts.csv", "counter_id\nc-1\n")
    zone.tick()
    assert len(zone.tick()) == 1
    again = zone.root / "landing/transport/traffic_counts/2025-07-09/counts.csv"
    again.parent.mkdir()
    shutil.copy(original, again)
    shutil.copy(original, original.with_name("counts (1).csv"))
    original.write_bytes(original.read_bytes())  # copied again over itself: same content, new stamp
    os.utime(original, ns=(1, 1))
    assert zone.tick() == [] and zone.tick() == []
    taken = json.loads(zone.cursor)["taken"]
    assert taken["transport/traffic_counts/2025-07-09/counts.csv"][2] == "transport/traffic_counts/2025-07-01/counts.csv"


def test_twin_is_requested_after_all_when_the_file_it_copied_changes(zone):
    original = zone.deliver("transport/traffic_counts/2025-07-01/counts.csv", "counter_id\nc-1\n")
    zone.tick(), zone.tick()
    zone.deliver("transport/traffic_counts/2025-07-09/counts.csv", "counter_id\nc-1\n")
    zone.tick(), zone.tick()
    original.write_text("counter_id\nc-2\n")  # the agency corrects the original delivery
    zone.tick()
    requests = zone.tick()
    assert sorted(r.partition_key for r in requests) == ["2025-07-01", "2025-07-09"]


def test_a_restart_resuming_from_the_stored_cursor_launches_nothing_again(zone):
    zone.deliver("environment/air_quality_observations/2025-07-03/stations.json", "[]")
    zone.tick()
    before_launch = zone.cursor
    [request] = zone.tick()
    stored = zone.cursor
    zone.instance = dg.DagsterInstance.ephemeral()  # a new daemon process
    assert zone.tick(cursor=stored) == []
    # the daemon died before storing the cursor: the same state gives the same run key (Dagster dedups it)
    [again] = zone.tick(cursor=before_launch)
    assert again.run_key == request.run_key


def test_delivery_dated_in_the_future_waits_for_its_partition(zone):
    zone.deliver("transport/traffic_counts/2099-01-01/counts.csv")
    zone.tick()
    assert zone.tick() == []
    assert "transport/traffic_counts/2099-01-01/counts.csv" in json.loads(zone.cursor)["pending"]


def test_cursor_forgets_files_that_left_the_landing_zone(zone):
    path = zone.deliver("transport/traffic_counts/2025-07-01/counts.csv")
    zone.tick(), zone.tick()
    path.unlink()
    zone.tick()
    assert json.loads(zone.cursor) == {"pending": {}, "taken": {}}


def test_the_requested_run_ingests_the_new_delivery(tmp_path, monkeypatch):
    import datetime as dt

    from sample_deliveries.generate import generate_with_report
    from tests.conftest import TEST_KEY

    generate_with_report(tmp_path / "landing", seed=3, scale=0.002, start=dt.date(2025, 7, 3), days=1,
                         datasets=["traffic_counts"])
    monkeypatch.setenv("URBANLAKE_HOME", str(tmp_path))
    monkeypatch.setenv("URBANLAKE_PSEUDONYM_KEY", TEST_KEY)
    zone = Landing(tmp_path)
    zone.tick()
    [request] = zone.tick()
    # what the daemon launches for the request: its job, narrowed to its assets and checks, for its partition
    job = defs.resolve_job_def(request.job_name).get_subset(
        asset_selection=set(request.asset_selection), asset_check_selection=set(request.asset_check_keys))
    result = job.execute_in_process(instance=zone.instance, partition_key=request.partition_key, tags=request.tags)
    assert result.success
    ledger = json.loads((tmp_path / "lake/staging/traffic_counts/_manifest.json").read_text())["deliveries"]
    assert [d.split("/")[0] for d in ledger] == ["2025-07-03"]
    assert zone.tick() == []
