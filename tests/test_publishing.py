"""Atomic, idempotent publishing: manifests name the current files; a crash keeps the last good version."""

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
