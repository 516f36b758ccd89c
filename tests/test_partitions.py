"""Partitioned ingestion, materialized by Dagster: a partition (or a backfill's range) ingests exactly
the deliveries dated in it, re-running it changes nothing, and a CLI backfill refreshes what is computed
from it."""

import datetime as dt
import json

import dagster as dg
import duckdb
import polars as pl
import pytest

from assets.common.factory import dataset_assets
from assets.registry import DATASETS
from pipelines.lake_run import RANGE_END, RANGE_START, backfill
from pipelines.resources import LakeResource
from tests.conftest import TEST_KEY

SPECS = {s.name: s for s in DATASETS}


@pytest.fixture(scope="module")
def home(tmp_path_factory):
    """Three days of traffic counts and tax payments, 30 June to 2 July 2025."""
    from sample_deliveries.generate import generate_with_report

    root = tmp_path_factory.mktemp("partitions")
    generate_with_report(root / "landing", seed=11, scale=0.002, start=dt.date(2025, 6, 30), days=3,
                         datasets=["traffic_counts", "tax_payments"])
    return root


@pytest.fixture(scope="module")
def instance():
    return dg.DagsterInstance.ephemeral()


def _materialize(name, home, instance, **how):
    return dg.materialize(dataset_assets(SPECS[name]), instance=instance, raise_on_error=False,
                          resources={"lake": LakeResource(home=str(home), pseudonym_key=TEST_KEY)}, **how)


def _ledger(home, layer, name) -> dict:
    path = home / "lake" / layer / name / "_manifest.json"
    return json.loads(path.read_text())["deliveries"] if path.exists() else {}


def _landing_dates(home, agency, name) -> list[str]:
    return sorted(p.name for p in (home / "landing" / agency / name).iterdir())


def test_partitioning_of_the_time_series_datasets():
    by = {name: spec.partitioned_by for name, spec in SPECS.items()}
    assert {n for n, p in by.items() if p == "day"} == {"air_quality_observations", "traffic_counts",
                                                        "fare_card_taps", "procedure_records"}
    assert {n for n, p in by.items() if p == "month"} == {"business_registrations", "tax_payments"}
    raw = dataset_assets(SPECS["traffic_counts"])[0]
    assert raw.partitions_def.timezone == "Asia/Ho_Chi_Minh"
    assert raw.backfill_policy == dg.BackfillPolicy.single_run()


def test_a_day_partition_ingests_only_that_days_deliveries_and_rerunning_it_changes_nothing(home, instance):
    assert _landing_dates(home, "transport", "traffic_counts") == ["2025-06-30", "2025-07-01", "2025-07-02"]
    result = _materialize("traffic_counts", home, instance, partition_key="2025-07-01")
    assert result.success
    staged = _ledger(home, "staging", "traffic_counts")
    assert [d.split("/")[0] for d in _ledger(home, "raw", "traffic_counts")] == ["2025-07-01"]
    assert [d.split("/")[0] for d in staged] == ["2025-07-01"]
    [entry] = staged.values()
    delivered = pl.read_csv(home / "landing" / entry["source_file"], infer_schema=False).height  # counted apart
    assert entry["rows_in"] == delivered > 0
    assert entry["rows_published"] + entry["rows_quarantined"] == delivered

    again = _materialize("traffic_counts", home, instance, partition_key="2025-07-01")
    assert again.success
    [staging_metadata] = [m.metadata for m in again.asset_materializations_for_node("stage_traffic_counts")
                          if m.asset_key.path[0] == "staging"]
    assert staging_metadata["deliveries_staged"].value == 0
    assert _ledger(home, "staging", "traffic_counts") == staged  # same files, same commit time


def test_a_single_run_backfill_of_a_range_ingests_every_day_in_it(home, instance):
    # what the UI's backfill launches for a single-run backfill policy: one run tagged with the range
    result = _materialize("traffic_counts", home, instance, tags={RANGE_START: "2025-06-30", RANGE_END: "2025-07-02"})
    assert result.success
    assert sorted({d.split("/")[0] for d in _ledger(home, "staging", "traffic_counts")}) == [
        "2025-06-30", "2025-07-01", "2025-07-02"]
    check = next(e.asset_check_evaluation_data for e in result.all_events
                 if e.event_type_value == "ASSET_CHECK_EVALUATION"
                 and e.asset_check_evaluation_data.check_name == "row_accounting")
    assert check.passed and check.metadata["deliveries"].value == 3
    materialized = instance.get_materialized_partitions(dg.AssetKey(["staging", "traffic_counts"]))
    assert materialized == {"2025-06-30", "2025-07-01", "2025-07-02"}


def test_a_month_partition_takes_the_deliveries_dated_in_that_month(home, instance):
    result = _materialize("tax_payments", home, instance, partition_key="2025-06-01")
    assert result.success
    assert [d.split("/")[0] for d in _ledger(home, "staging", "tax_payments")] == ["2025-06-30"]
    assert _materialize("tax_payments", home, instance, partition_key="2025-07-01").success
    assert [d.split("/")[0] for d in _ledger(home, "staging", "tax_payments")] == [
        "2025-06-30", "2025-07-01", "2025-07-02"]


def test_backfill_refuses_unknown_or_unpartitioned_datasets_and_reversed_ranges(instance):
    with pytest.raises(ValueError, match="unknown dataset"):
        backfill(instance, ["births"], dt.date(2025, 7, 1), dt.date(2025, 7, 1))
    with pytest.raises(ValueError, match="not partitioned"):
        backfill(instance, ["birth_registrations"], dt.date(2025, 7, 1), dt.date(2025, 7, 1))
    with pytest.raises(ValueError, match="after"):
        backfill(instance, ["traffic_counts"], dt.date(2025, 7, 2), dt.date(2025, 7, 1))


def test_cli_backfill_ingests_the_range_then_refreshes_the_tables_computed_from_it(tmp_path, monkeypatch, capsys):
    from pipelines.cli import main
    from sample_deliveries.generate import generate_with_report

    generate_with_report(tmp_path / "landing", seed=5, scale=0.002, start=dt.date(2025, 7, 1), days=2,
                         datasets=["traffic_counts"])
    monkeypatch.setenv("URBANLAKE_HOME", str(tmp_path))
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path / "dagster_home"))
    monkeypatch.setenv("URBANLAKE_PSEUDONYM_KEY", TEST_KEY)
    assert main(["backfill", "traffic_counts", "--from", "2025-07-02", "--to", "2025-07-02"]) == 0
    out = capsys.readouterr().out
    assert "daily_ingest_job, partitions 2025-07-02 to 2025-07-02" in out and "(lake_job)" in out
    assert [d.split("/")[0] for d in _ledger(tmp_path, "staging", "traffic_counts")] == ["2025-07-02"]
    # the ward profile was refreshed after the backfill staged the day: it counts that day's vehicles
    with duckdb.connect(str(tmp_path / "warehouse.duckdb"), read_only=True) as con:
        staged = con.sql("select sum(intensity) from staging.traffic_counts").fetchone()[0]
        counted = con.sql("select sum(traffic_intensity) from mart.ward_profile").fetchone()[0]
    assert staged > 0 and counted == staged


def test_urbanlake_run_covers_the_dates_delivered_and_reports_dates_without_a_partition(tmp_path):
    from pipelines.lake_run import delivered_partitions
    from warehouse.lake import Lake

    for relative in ("transport/traffic_counts/2025-07-01/a.csv", "transport/fare_card_taps/2025-06-28/b.csv",
                     "transport/traffic_counts/2099-01-01/c.csv", "tax/tax_payments/2025-07-15/d.csv",
                     "planning/construction_permits/2025-05-01/e.csv"):
        path = tmp_path / "landing" / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("id\n1\n")
    ranges, outside = delivered_partitions(Lake(tmp_path))
    assert ranges == {"day": ["2025-06-28", "2025-07-01"], "month": ["2025-07-01"]}
    assert outside == ["transport/traffic_counts/2099-01-01/c.csv"]
