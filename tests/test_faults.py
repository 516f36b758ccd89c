"""Faults: a run killed mid-publish, two runs of the same datasets at once, a landing file that moves while read.

The kill and concurrency tests run the real raw and staging assets (with their checks and the
warehouse rebuild) in child processes over a generated landing zone: a lake that holds day 1 gets
day 2's deliveries, and a run publishing them is killed with SIGKILL at a commit point.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import signal
import time
from pathlib import Path

import duckdb
import polars as pl
import pytest

from assets.common import ingest, landing
from assets.registry import DATASETS
from sample_deliveries.generate import generate_with_report
from tests import fault_driver
from tests.conftest import TEST_KEY
from warehouse.build import delivery_ledger
from warehouse.lake import Lake
from warehouse.tables import LakeTable

NAMES = ["birth_registrations", "business_registrations"]
SPECS = [s for s in DATASETS if s.name in NAMES]
DAY_1, DAY_2 = dt.date(2025, 6, 30), dt.date(2025, 7, 1)
TABLES = [(layer, name) for name in NAMES for layer in ("raw", "staging", "quarantine")]

# (what is replaced, which occurrence, kill just before or just after the os.replace)
KILL_POINTS = {
    "raw data file written, raw manifest not swapped": ("*/raw/birth_registrations/_manifest.json", 1, "before"),
    "staging data file being renamed into place": ("*/staging/business_registrations/*.parquet", 1, "before"),
    "quarantine committed, staging manifest not swapped": ("*/staging/birth_registrations/_manifest.json", 1, "before"),
    "staging committed, warehouse not rebuilt": ("*/staging/birth_registrations/_manifest.json", 1, "after"),
    "new warehouse file built, not swapped in": ("*/warehouse.duckdb", 1, "before"),
    "second dataset's quarantine manifest not swapped": ("*/quarantine/business_registrations/_manifest.json", 1, "before"),
}


def _env(home: Path) -> dict:
    return {"URBANLAKE_HOME": str(home), "URBANLAKE_PSEUDONYM_KEY": TEST_KEY}


def _lake_content(home: Path) -> dict:
    """Every table as a reader of the lake sees it (manifest → Parquet), and as a warehouse reader sees it."""
    lake, content = Lake(home), {}
    for layer, name in TABLES:
        scan = LakeTable(lake, layer, name).scan()
        frame = scan.collect() if scan is not None else pl.DataFrame()
        content[f"lake {layer}.{name}"] = frame.sort(frame.columns) if frame.width else frame
    with duckdb.connect(str(lake.warehouse), read_only=True) as con:
        for layer, name in TABLES:
            if layer != "raw":
                frame = con.sql(f'select * from "{layer}"."{name}"').pl()
                content[f"warehouse {layer}.{name}"] = frame.sort(frame.columns)
    return content


def _same(a: pl.DataFrame, b: pl.DataFrame) -> bool:
    return a.shape == b.shape and a.equals(b)


@pytest.fixture(scope="module")
def lakes(tmp_path_factory):
    """`previous`: a lake holding day 1, with day 2 delivered; `final`: that lake after a clean complete run.

    The lake under test is always restored to the same path (`work`): warehouse views name absolute
    file paths, so a copy elsewhere would read the original's files.
    """
    root = tmp_path_factory.mktemp("faults")
    source = root / "source"
    generate_with_report(source, seed=5, scale=0.002, start=DAY_1, days=2, datasets=NAMES)
    previous = root / "work"
    for file in (f for f in source.rglob("*") if f.is_file()):
        if file.parent.name == DAY_1.isoformat():
            (previous / "landing" / file.relative_to(source)).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(file, previous / "landing" / file.relative_to(source))
    assert fault_driver.run(_env(previous), NAMES) == 0
    before = _lake_content(previous)
    shutil.copytree(source, previous / "landing", dirs_exist_ok=True)  # day 2 arrives
    template = root / "template"
    shutil.copytree(previous, template)
    assert fault_driver.run(_env(previous), NAMES) == 0
    return {"work": previous, "template": template, "before": before, "after": _lake_content(previous)}


def _restore(lakes) -> Path:
    """The lake holding day 1 with day 2 delivered, at the path its warehouse names."""
    shutil.rmtree(lakes["work"])
    shutil.copytree(lakes["template"], lakes["work"])
    return lakes["work"]


def _assert_exact_accounting(home: Path) -> None:
    ledger = delivery_ledger(Lake(home))
    assert ledger.height == 2 * len(NAMES) and set(ledger["status"]) == {"published"}
    assert (ledger["rows_in"] == ledger["rows_published"] + ledger["rows_quarantined"]).all()
    for row in ledger.iter_rows(named=True):  # rows in = the data rows of the delivered file
        assert row["rows_in"] == pl.read_csv(home / "landing" / row["source_file"], infer_schema=False).height
    for spec in SPECS:
        staged = LakeTable(Lake(home), "staging", spec.name).scan().collect()
        assert staged.select(spec.natural_key).is_duplicated().sum() == 0


def _assert_whole_versions_then_exact_recovery(home: Path, lakes: dict, label: str) -> None:
    seen = _lake_content(home)  # a separate reader, after the kill
    for table, frame in seen.items():
        assert _same(frame, lakes["before"][table]) or _same(frame, lakes["after"][table]), \
            f"{table} is neither its previous nor its next version after a kill ({label})"
    assert any(not _same(seen[t], lakes["after"][t]) for t in seen), "the kill came after everything was published"

    assert fault_driver.run(_env(home), NAMES) == 0
    assert list(home.glob(".warehouse.duckdb.*.tmp")) == [], "a killed build's file was left behind"
    recovered = _lake_content(home)
    for table, frame in recovered.items():
        assert _same(frame, lakes["after"][table]), f"{table} differs from a clean run's after recovery"
    _assert_exact_accounting(home)


@pytest.mark.parametrize("kill_point", list(KILL_POINTS))
def test_run_killed_mid_publish_keeps_whole_versions_and_the_next_run_loses_nothing(lakes, kill_point):
    home = _restore(lakes)
    assert fault_driver.run(_env(home), NAMES, kill=KILL_POINTS[kill_point]) == -9, "the kill point was not reached"
    _assert_whole_versions_then_exact_recovery(home, lakes, kill_point)


def _lake_entries(home: Path) -> set[Path]:
    """The lake's files and folders, walked again when the run removes a folder during the walk."""
    while True:
        try:
            return set((home / "lake").rglob("*"))
        except FileNotFoundError:  # a temporary folder of the run, gone between listing and opening it
            continue


def test_run_killed_from_outside_as_its_first_file_lands_loses_nothing(lakes):
    home = _restore(lakes)
    before = _lake_entries(home)
    process = fault_driver.start_run(_env(home), NAMES)
    try:
        while process.is_alive() and not (_lake_entries(home) - before):
            time.sleep(0.002)
    finally:
        os.kill(process.pid, signal.SIGKILL)  # kill -9 from another process, whatever the run was doing
        process.join(60)
    assert process.exitcode == -9, "the run ended before the kill"
    _assert_whole_versions_then_exact_recovery(home, lakes, "first new file in the lake")


def test_two_runs_of_the_same_datasets_at_once_are_serialized(lakes, tmp_path):
    home = _restore(lakes)
    work = tmp_path / "work.jsonl"
    runs = [fault_driver.start_run(_env(home), NAMES, work_log=str(work)) for _ in range(2)]
    for process in runs:
        process.join(120)
    assert [p.exitcode for p in runs] == [0, 0]

    done = [json.loads(line) for line in work.read_text().splitlines()]
    deliveries = [d["what"] for d in done]
    assert sorted(deliveries) == sorted(set(deliveries)), "a delivery was read or staged by both runs"
    assert len(deliveries) == 2 * len(NAMES)  # day 2's file of each dataset, read once and staged once
    for a in done:
        for b in done:
            if a["pid"] != b["pid"] and a["dataset"] == b["dataset"]:
                assert a["end"] <= b["start"] or b["end"] <= a["start"], "two runs worked on a dataset at once"
    for table, frame in _lake_content(home).items():
        assert _same(frame, lakes["after"][table]), f"{table} differs from a single run's"
    _assert_exact_accounting(home)


def _one_delivery(tmp_path) -> tuple[Lake, Path]:
    lake = Lake(tmp_path)
    path = lake.landing / "justice" / "birth_registrations" / "2025-07-01" / "births.csv"
    path.parent.mkdir(parents=True)
    path.write_text("registration_number,child_full_name\n1/2025,Nguyễn Văn An\n2/2025,Trần Thị Bình\n")
    return lake, path


def _spec():
    return next(s for s in DATASETS if s.name == "birth_registrations")


@pytest.mark.parametrize("fault", ["disappears", "changes"])
def test_landing_file_moving_while_read_is_skipped_whole_and_taken_next_run(tmp_path, monkeypatch, fault):
    lake, path = _one_delivery(tmp_path)
    read = landing.write_as_text_parquet

    def read_then_move(delivery, out, workdir=None):
        result = read(delivery, out, workdir)
        if fault == "disappears":
            path.unlink()
        else:
            path.write_text(path.read_text() + "3/2025,Lê Văn Cường\n")
        return result
    monkeypatch.setattr(landing, "write_as_text_parquet", read_then_move)
    report = ingest.ingest_raw(_spec(), lake)
    raw = LakeTable(lake, "raw", "birth_registrations")
    assert report.ingested == [] and [s.relative_path for s in report.skipped] == [path.relative_to(lake.landing).as_posix()]
    assert "disappeared" in report.skipped[0].reason or "changed" in report.skipped[0].reason
    assert raw.deliveries() == {} and list(raw.dir.rglob("*.parquet")) == [], "something was half-ingested"

    monkeypatch.setattr(landing, "write_as_text_parquet", read)
    if fault == "disappears":
        _one_delivery(tmp_path / "again")
        shutil.copy(tmp_path / "again" / path.relative_to(tmp_path), path)
    report = ingest.ingest_raw(_spec(), lake)
    assert report.ingested == ["2025-07-01/births.csv"]
    assert raw.row_count() == (2 if fault == "disappears" else 3)


def test_landing_file_gone_between_discovery_and_read_is_skipped_in_a_real_run(tmp_path, monkeypatch):
    lake, path = _one_delivery(tmp_path)
    discover = landing.discover

    def discover_then_vanish(*args):
        found = discover(*args)
        path.unlink()
        return found
    monkeypatch.setattr(landing, "discover", discover_then_vanish)
    monkeypatch.setenv("URBANLAKE_HOME", str(tmp_path))
    monkeypatch.setenv("URBANLAKE_PSEUDONYM_KEY", TEST_KEY)
    import dagster as dg

    from assets.common.factory import dataset_assets
    from pipelines.resources import lake_resource_from_env
    raw_asset = dataset_assets(_spec())[0]
    result = dg.materialize([raw_asset], resources={"lake": lake_resource_from_env()})
    metadata = result.asset_materializations_for_node(raw_asset.op.name)[0].metadata
    assert result.success
    assert "disappeared" in metadata["skipped_files"].value[0]
    assert LakeTable(lake, "raw", "birth_registrations").deliveries() == {}


def test_temporary_files_of_a_killed_write_are_collected_after_the_grace_period(tmp_path, monkeypatch):
    from warehouse import tables
    table = LakeTable(Lake(tmp_path), "staging", "t")
    table.publish("d", pl.DataFrame({"x": [1]}))
    orphan = table.dir / ".d-0123abcd.parquet.0f0f.tmp"  # what write_parquet_atomic leaves when killed
    orphan.write_bytes(b"PAR1")
    table.publish("e", pl.DataFrame({"x": [2]}))
    assert orphan.exists(), "kept for the grace period"
    monkeypatch.setattr(tables, "GC_GRACE_SECONDS", -1)
    table.publish("f", pl.DataFrame({"x": [3]}))
    assert not orphan.exists() and sorted(table.scan().collect()["x"].to_list()) == [1, 2, 3]
