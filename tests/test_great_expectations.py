"""Great Expectations on the published tables: real suites, real GX, a tiny lake, and a Dagster run.

GX's start-up (about 9 s, mostly its import) is paid once for the module: one runner call covers the
clean, defective, missing and broken tables, and the Dagster run reuses the imported GX.
"""

import datetime as dt
import json
import os
import signal
import socket
import threading

import dagster as dg
import polars as pl
import pytest

from assets.quality import CHECK_NAME, QUALITY_CHECKS
from pipelines.resources import LakeResource
from schemas.expectations import SUITES
from schemas.marts import DeceasedBusinessOwners, OnlinePublicServices, TransitDaily, WardProfile, WARDS_2025
from schemas.transport import SharedTransitBoardings
from warehouse import quality, quality_process
from warehouse.lake import Lake
from warehouse.quality import validate_tables
from warehouse.tables import LakeTable

MONTHS = [dt.date(2025, 6, 1), dt.date(2025, 7, 1)]


def ward_profile() -> pl.DataFrame:
    n = len(WARDS_2025) * len(MONTHS)
    frame = pl.DataFrame({
        "ward_code": [w for w in WARDS_2025 for _ in MONTHS], "ward_name": ["Phường"] * n,
        "month": MONTHS * len(WARDS_2025),
        "births": [12] * n, "deaths": [None] * n, "marriages": [5] * n, "civil_status_suppressed": [True] * n,
        "permits_issued": [2] * n, "permitted_floor_area_m2": [350.0] * n, "aqi_mean": [72.5] * n, "aqi_max": [104] * n,
        "days_aqi_above_100": [1] * n, "active_businesses": [40] * n, "tax_collected_vnd": [10**6] * n,
        "transit_boardings": [900] * n, "traffic_intensity": [5000] * n}, schema_overrides={"deaths": pl.Int64})
    return WardProfile.validate(frame)


def online_public_services(share_online=(0.6, 0.4, 0.7)) -> pl.DataFrame:
    frame = pl.DataFrame({
        "ward_code": WARDS_2025[:3], "month": [MONTHS[0]] * 3, "procedures_received": [10, 5, 20],
        "share_online": list(share_online), "share_level_3_4": [0.8, 0.6, 0.9],
        "share_resolved_on_time": [0.9, None, 1.0],
        "city_target": [0.55] * 3, "below_target": [s < 0.55 for s in share_online]})
    return frame


def transit_daily(duplicate=False) -> pl.DataFrame:
    stops = ["HN-S0001", "HN-S0002", "HN-S0001" if duplicate else "HN-S0003"]
    frame = pl.DataFrame({"service_date": [dt.date(2025, 7, 1)] * 3, "route_id": ["01"] * 3, "stop_id": stops,
                          "ward_code": WARDS_2025[:3], "boardings": [120, 45, 3]})
    return frame if duplicate else TransitDaily.validate(frame)


def deceased_business_owners(defects=False) -> pl.DataFrame:
    """Two wards in June; defective: a count of 2 shown, a suppressed count flagged as shown, a ward-month twice."""
    wards = [WARDS_2025[0], WARDS_2025[1]] + ([WARDS_2025[0]] if defects else [])
    frame = pl.DataFrame({"ward_code": wards, "month": [MONTHS[0]] * len(wards),
                          "active_businesses": [2, None, 6] if defects else [6, None],
                          "suppressed": [False, False, False] if defects else [False, True]},
                         schema_overrides={"active_businesses": pl.Int64})
    return frame if defects else DeceasedBusinessOwners.validate(frame)


def fare_taps(day: int, stops: list[str], delivery: str) -> pl.DataFrame:
    return SharedTransitBoardings.validate(pl.DataFrame({
        "source_delivery": [delivery] * len(stops), "service_date": [dt.date(2025, 7, day)] * len(stops),
        "hour": [8] * len(stops), "route_id": ["01"] * len(stops), "stop_id": stops, "boardings": [3] * len(stops)}))


def _publish_taps(lake: Lake, defects: bool) -> None:
    taps = LakeTable(lake, "staging", "fare_card_taps")  # two deliveries; the second repeats a key if defective
    for day, stops, delivery in ((1, ["HN-S0001", "HN-S0002"], "2025-07-02/a.csv"),
                                 (1 if defects else 2, ["HN-S0001"], "2025-07-03/b.csv")):
        taps.publish(delivery, fare_taps(day, stops, delivery).with_columns(period=pl.lit("2025-07")),
                     partition_by="period")


PUBLISHERS = {  # (layer, name) -> publish(lake, defects): the tiny lake, table by table
    ("mart", "ward_profile"): lambda lake, defects: LakeTable(lake, "mart", "ward_profile").replace(ward_profile()),
    ("mart", "online_public_services"): lambda lake, defects: LakeTable(lake, "mart", "online_public_services").replace(
        online_public_services((0.6, 1.7, 0.7) if defects else (0.6, 0.4, 0.7))),
    ("mart", "transit_daily"): lambda lake, defects: LakeTable(lake, "mart", "transit_daily").replace(
        transit_daily(duplicate=defects)),
    ("staging", "fare_card_taps"): _publish_taps,
    ("mart", "deceased_business_owners"): lambda lake, defects: LakeTable(lake, "mart", "deceased_business_owners")
    .replace(deceased_business_owners(defects)),
}


def publish_tiny_lake(lake: Lake, *, defects: bool) -> None:
    OnlinePublicServices.validate(online_public_services())  # the clean versions are valid per their contracts
    deceased_business_owners()
    TransitDaily.validate(transit_daily())
    for publish in PUBLISHERS.values():
        publish(lake, defects)


@pytest.fixture(scope="module")
def validated(tmp_path_factory):
    """One runner call, with the network unplugged: GX must not phone home or reach a cloud."""
    lake = Lake(tmp_path_factory.mktemp("gx_lake"))
    publish_tiny_lake(lake, defects=True)
    LakeTable(lake, "staging", "tax_payments").replace(pl.DataFrame({"payment_id": ["KB1"]}))  # breaks the profile SQL

    def unplugged(*args, **kwargs):
        raise OSError("network access during validation")
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(socket.socket, "connect", unplugged)
        mp.setattr(socket, "create_connection", unplugged)
        results = validate_tables(lake, run_name="test")
    return lake, results


def _failed(result: dict) -> set[tuple[str, str]]:
    return {(f["expectation"], str(f["column"])) for f in result["failed_expectations"]}


def test_a_clean_mart_passes_fully_validated(validated):
    _, results = validated
    r = results[("mart", "ward_profile")]
    assert r["status"] == "passed" and r["success"] and r["strategy"] == "full"
    assert r["rows_validated"] == len(WARDS_2025) * len(MONTHS)
    assert r["statistics"]["evaluated_expectations"] >= 10 and r["failed_expectations"] == []


def test_planted_defects_fail_with_the_expectation_listed(validated):
    _, results = validated
    online = results[("mart", "online_public_services")]
    assert online["status"] == "failed"
    assert ("expect_column_values_to_be_between", "share_online") in _failed(online)
    share = next(f for f in online["failed_expectations"] if f["column"] == "share_online")
    assert share["unexpected_count"] == 1 and share["partial_unexpected_list"] == [1.7]
    transit = results[("mart", "transit_daily")]
    assert ("expect_compound_columns_to_be_unique", "['service_date', 'route_id', 'stop_id']") in _failed(transit)
    owners = results[("mart", "deceased_business_owners")]
    assert _failed(owners) == {("expect_column_values_to_not_be_in_set", "active_businesses"),
                               ("expect_column_values_to_be_in_set", "suppressed"),
                               ("expect_compound_columns_to_be_unique", "['ward_code', 'month']")}


def test_large_tables_are_validated_on_a_profile_that_still_sees_every_row(validated):
    _, results = validated
    taps = results[("staging", "fare_card_taps")]
    assert taps["strategy"] == "profile" and taps["rows_validated"] == 1  # one service date
    dup = next(f for f in taps["failed_expectations"] if f["column"] == "duplicate_keys")
    assert dup["partial_unexpected_list"] == [1]  # the key repeated by the second delivery


def test_missing_tables_are_skipped_and_errors_are_reported_not_raised(validated):
    _, results = validated
    assert set(results) == set(SUITES)
    assert results[("mart", "air_quality_daily")]["status"] == "skipped"
    assert results[("staging", "birth_registrations")]["status"] == "skipped"
    broken = results[("staging", "tax_payments")]
    assert broken["status"] == "failed" and "paid_on" in broken["error"]
    json.dumps(list(results.values()))  # results are JSON-ready, for metadata and logs


def test_data_docs_are_built_into_the_lake(validated):
    lake, results = validated
    index = lake.docs / "index.html"
    assert index.exists() and results[("mart", "ward_profile")]["data_docs"] == str(index)
    page = results[("mart", "online_public_services")]["page"]
    assert page and os.path.exists(page) and page.startswith(str(lake.docs))
    assert "mart.online_public_services" in index.read_text(encoding="utf-8")


def test_a_partial_run_keeps_the_other_tables_in_the_docs_and_prunes_old_runs(validated, monkeypatch):
    lake, _ = validated
    monkeypatch.setattr(quality, "KEEP_RUNS", 1)
    for run in ("again-1", "again-2"):
        results = validate_tables(lake, [("mart", "ward_profile")], run_name=run)
    assert list(results) == [("mart", "ward_profile")]
    kept = sorted((lake.docs / "_results" / "mart" / "ward_profile").glob("*/*/*.json"))
    assert [p.parent.parent.name for p in kept] == ["again-2"]
    index = (lake.docs / "index.html").read_text(encoding="utf-8")
    assert "again-2" in index and "again-1" not in index and "mart.online_public_services" in index


def _stub(layer: str, name: str) -> dg.AssetsDefinition:
    """Test scaffolding: an asset with the real key that publishes the tiny lake's table (if it has one)."""
    @dg.asset(key=[layer, name])
    def stub(lake: LakeResource) -> None:
        if (layer, name) in PUBLISHERS:
            PUBLISHERS[(layer, name)](lake.lake, True)
    return stub


def test_through_dagster_a_failed_expectation_fails_the_check_not_the_run(tmp_path):
    stubs = [_stub(layer, name) for layer, name in SUITES]
    result = dg.materialize([*stubs, *QUALITY_CHECKS], raise_on_error=False,
                            resources={"lake": LakeResource(home=str(tmp_path), pseudonym_key="x" * 20)})
    assert result.success
    checks = {e.asset_key.path[1]: e for e in result.get_asset_check_evaluations() if e.check_name == CHECK_NAME}
    assert set(checks) == {name for _, name in SUITES}
    assert checks["ward_profile"].passed and checks["air_quality_daily"].passed  # the latter skipped: not published
    online = checks["online_public_services"]
    assert not online.passed and online.severity == dg.AssetCheckSeverity.ERROR
    failed = {(f["expectation"], str(f["column"])) for f in online.metadata["failed_expectations"].value}
    assert ("expect_column_values_to_be_between", "share_online") in failed
    assert online.metadata["data_docs"].value == str(tmp_path / "lake" / "docs" / "index.html")
    assert (tmp_path / "lake" / "docs" / "index.html").exists()


def _comparable(results: dict) -> dict:
    """What a validation found, without where its page went or how long it took."""
    return {key: {k: v for k, v in r.items() if k not in ("page", "seconds")} for key, r in results.items()}


def test_gx_started_ahead_in_a_process_validates_like_in_process(validated):
    lake, results = validated
    with quality_process.started(lake, force=True):
        assert lake in quality_process._STARTED
        ahead = quality_process.validate(lake, list(SUITES), run_name="ahead")
    assert lake not in quality_process._STARTED
    assert _comparable(ahead) == _comparable(results)
    assert "ahead" in (lake.docs / "index.html").read_text(encoding="utf-8")


def test_an_unused_or_failed_gx_process_is_ended_and_the_check_validates_here(validated, monkeypatch):
    lake, results = validated
    with quality_process.started(lake, force=True):
        process = quality_process._STARTED[lake]
    assert process.poll() is not None and lake not in quality_process._STARTED  # never asked: ended
    with quality_process.started(lake, force=True):
        quality_process._STARTED[lake].kill()
        fallback = quality_process.validate(lake, [("mart", "ward_profile")], run_name="fallback")
    assert _comparable(fallback)[("mart", "ward_profile")] == _comparable(results)[("mart", "ward_profile")]


def test_an_unused_gx_process_ends_even_when_started_with_sigterm_ignored(validated):
    # nohup-style launchers and some CI runners start us with SIGTERM ignored, and children inherit that
    lake, _ = validated
    previous = signal.signal(signal.SIGTERM, signal.SIG_IGN)
    try:
        ended = threading.Event()

        def start_and_leave():
            with quality_process.started(lake, force=True):
                processes.append(quality_process._STARTED[lake])
            ended.set()
        processes: list = []
        worker = threading.Thread(target=start_and_leave, daemon=True)
        worker.start()
        finished = ended.wait(60)
    finally:
        signal.signal(signal.SIGTERM, previous)
    if not finished and processes:
        processes[0].kill()  # unblock the stuck thread before failing
    assert finished, "leaving `started` did not end the GX process"
    assert processes[0].poll() is not None
