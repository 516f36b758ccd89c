"""Atomic, idempotent publishing: manifests name the current files; a crash keeps the last good version."""

import os

import duckdb
import polars as pl
import pytest

from warehouse import tables
from warehouse.build import build_warehouse
from warehouse.lake import Lake
from warehouse.tables import LakeTable


def _frame(values):
    return pl.DataFrame({"ward_code": ["00004"] * len(values), "value": values,
                         "period": ["2025-07"] * len(values)})


def test_republishing_a_delivery_replaces_its_rows_instead_of_adding(tmp_path):
    table = LakeTable(Lake(tmp_path), "staging", "t")
    table.publish("2025-07-01/a.csv", _frame([1, 2]), partition_by="period")
    table.publish("2025-07-02/b.csv", _frame([3]), partition_by="period")
    table.publish("2025-07-01/a.csv", _frame([10, 20]), partition_by="period")
    assert sorted(table.scan().collect()["value"].to_list()) == [3, 10, 20]
    assert table.scan().collect()["period"].unique().to_list() == ["2025-07"]


def test_crash_before_the_manifest_swap_leaves_the_previous_version(tmp_path, monkeypatch):
    table = LakeTable(Lake(tmp_path), "staging", "t")
    table.publish("d", _frame([1, 2]))

    def crash(*args, **kwargs):
        raise OSError("disk full")
    monkeypatch.setattr(tables, "write_json_atomic", crash)
    with pytest.raises(OSError):
        table.publish("d", _frame([7, 8, 9]))
    assert table.scan().collect()["value"].to_list() == [1, 2]


def test_unreferenced_files_are_collected_only_after_the_grace_period(tmp_path, monkeypatch):
    table = LakeTable(Lake(tmp_path), "staging", "t")
    table.publish("d", _frame([1]))
    first = table.files()
    table.publish("d", _frame([2]))
    assert all(p.exists() for p in first), "a reader still on the old version needs its files"
    monkeypatch.setattr(tables, "GC_GRACE_SECONDS", -1)
    table.publish("d", _frame([3]))
    assert not any(p.exists() for p in first)
    assert len(list(table.dir.rglob("*.parquet"))) == 1


def test_snapshot_delivery_supersedes_the_previous_one(tmp_path):
    table = LakeTable(Lake(tmp_path), "staging", "stops")
    table.publish("2025-07-01/s.csv", _frame([1, 2]), supersede=True)
    table.publish("2025-08-01/s.csv", _frame([3]), supersede=True)
    assert table.scan().collect()["value"].to_list() == [3]
    assert table.deliveries()["2025-07-01/s.csv"]["superseded_by"] == "2025-08-01/s.csv"


def test_warehouse_views_follow_the_manifests_and_restricted_tables_stay_out(tmp_path):
    lake = Lake(tmp_path)
    LakeTable(lake, "staging", "t").publish("d", _frame([1, 2]), partition_by="period")
    LakeTable(lake, "raw", "personal", restricted=True).publish("d", _frame([9]))
    build_warehouse(lake)
    with duckdb.connect(str(lake.warehouse), read_only=True) as con:
        assert con.sql("select sum(value), min(period) from staging.t").fetchone() == (3, "2025-07")
        names = {r[0] for r in con.sql("select table_schema || '.' || table_name from information_schema.tables").fetchall()}
    assert "staging.t" in names and "raw.personal" not in names


def test_a_reader_keeps_its_version_while_the_warehouse_is_rebuilt(tmp_path):
    lake = Lake(tmp_path)
    table = LakeTable(lake, "staging", "t")
    table.publish("d", _frame([1, 2]))
    build_warehouse(lake)
    reader = duckdb.connect(str(lake.warehouse), read_only=True)
    table.publish("d", _frame([5, 5, 5]))
    build_warehouse(lake)  # must not fail although a reader holds the file
    assert reader.sql("select sum(value) from staging.t").fetchone() == (3,)
    reader.close()
    with duckdb.connect(str(lake.warehouse), read_only=True) as fresh:
        assert fresh.sql("select sum(value) from staging.t").fetchone() == (15,)


def test_grace_period_counts_from_retirement_not_from_writing(tmp_path):
    table = LakeTable(Lake(tmp_path), "mart", "m")
    table.publish(tables.FULL_TABLE, _frame([1]))
    old = table.files()[0]
    day_ago = old.stat().st_mtime - 86_400
    os.utime(old, (day_ago, day_ago))  # yesterday's version, written long before the grace period
    table.publish(tables.FULL_TABLE, _frame([2]))
    assert old.exists(), "a reader who opened the warehouse a minute ago still needs yesterday's file"


def test_late_redelivery_of_an_older_snapshot_does_not_replace_the_newer_one(tmp_path):
    table = LakeTable(Lake(tmp_path), "staging", "stops")
    table.publish("2025-07-10/s.csv", _frame([1]), supersede=True)
    table.publish("2025-08-01/s.csv", _frame([2, 3]), supersede=True)
    table.publish("2025-07-10/s.csv", _frame([9]), supersede=True)  # a corrected old list arrives late
    assert sorted(table.scan().collect()["value"].to_list()) == [2, 3]
    assert table.deliveries()["2025-07-10/s.csv"]["superseded_by"] == "2025-08-01/s.csv"


def test_unreadable_table_keeps_the_previous_warehouse(tmp_path):
    lake = Lake(tmp_path)
    table = LakeTable(lake, "staging", "t")
    table.publish("d", _frame([1, 2]))
    build_warehouse(lake)
    table.files()[0].write_bytes(b"not parquet")
    with pytest.raises(RuntimeError, match="staging.t"):
        build_warehouse(lake)
    with duckdb.connect(str(lake.warehouse), read_only=True) as con:
        assert con.sql("select count(*) from information_schema.tables where table_name = 't'").fetchone() == (1,)
    assert not list(tmp_path.glob(".warehouse.duckdb.*.tmp"))


def test_a_mart_over_a_never_published_input_is_empty_not_an_error(tmp_path):
    from schemas.marts import TransitDaily
    from schemas.transport import SharedTransitBoardings, SharedTransitStop
    from warehouse.marts import run_mart
    frame = run_mart(Lake(tmp_path), "transit_daily", {"staging.fare_card_taps": SharedTransitBoardings,
                                                       "staging.transit_stops": SharedTransitStop})
    assert frame.height == 0
    TransitDaily.validate(frame)
