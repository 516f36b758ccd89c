"""SQL built from file and configuration names is quoted; landing paths cannot leave the landing zone."""

from __future__ import annotations

import os

import duckdb
import polars as pl
import pytest

from assets.common.landing import discover
from assets.common.landing_paths import UnsafeLandingPath
from schemas.marts import TransitDaily
from warehouse.build import build_warehouse
from warehouse.catalog import TableAbout
from warehouse.lake import Lake
from warehouse.marts import _empty_table
from warehouse.sql_text import identifier, literal
from warehouse.tables import LakeTable

ODD = 'we"ird \'name; DROP SCHEMA staging'


def test_tables_paths_and_columns_with_quotes_are_published_and_queryable(tmp_path):
    lake = Lake(tmp_path / "it's a \"lake\" [1]")
    about = TableAbout(title="odd", description="odd names", publisher="test", theme="test",
                       temporal_column='day "of" it\'s')
    frame = pl.DataFrame({"ward_code": ["00004", "00007"], 'day "of" it\'s': [None, None]},
                         schema={"ward_code": pl.String, 'day "of" it\'s': pl.Date})
    LakeTable(lake, "staging", ODD, about=about).replace(frame)
    LakeTable(lake, "staging", "plain").replace(pl.DataFrame({"x": [1]}))
    made = build_warehouse(lake)
    assert f"staging.{ODD}" in made and "staging.plain" in made
    with duckdb.connect(str(lake.warehouse), read_only=True) as con:
        assert con.sql(f"select count(*) from staging.{identifier(ODD)}").fetchone() == (2,)
        assert con.sql("select count(*) from staging.plain").fetchone() == (1,)
        assert con.execute("select row_count from main.catalog where table_name = ?",
                           [f"staging.{ODD}"]).fetchone() == (2,)


def test_quoted_names_reach_duckdb_unchanged_and_cannot_inject():
    assert identifier('a"b') == '"a""b"' and literal("it's") == "'it''s'"
    with duckdb.connect() as con:
        assert con.sql(f"select {literal(ODD)} as v").pl().equals(pl.DataFrame({"v": [ODD]}))
        con.execute("create schema mart; create schema staging")
        _empty_table(con, f"mart.{ODD}", TransitDaily)  # a mart input that was never published
        assert con.sql(f"select * from mart.{identifier(ODD)}").pl().columns == list(TransitDaily.to_schema().columns)
        assert con.sql("select count(*) from information_schema.schemata where schema_name = 'staging'").fetchone() == (1,)


def _deliver(landing, rel, text="a\n1\n"):
    path = landing / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def test_symbolic_links_out_of_the_landing_zone_are_refused_not_followed(tmp_path):
    landing, outside = tmp_path / "landing", tmp_path / "outside"
    secret = _deliver(outside, "passwd.csv", "user,password\nroot,x\n")
    _deliver(outside, "2025-07-02/other.csv")
    _deliver(landing, "justice/births/2025-07-01/ok.csv")
    (landing / "justice/births/2025-07-01/link.csv").symlink_to(secret)
    (landing / "justice/births/2025-07-03").symlink_to(outside / "2025-07-02", target_is_directory=True)
    (landing / "justice/deaths").symlink_to(outside, target_is_directory=True)
    found, rejected = discover(landing, "justice", "births")
    assert [d.relative_path for d in found] == ["justice/births/2025-07-01/ok.csv"]
    assert {r.relative_path: "symbolic link" in r.reason for r in rejected} == {
        "justice/births/2025-07-01/link.csv": True, "justice/births/2025-07-03": True}
    found, rejected = discover(landing, "justice", "deaths")
    assert found == [] and [r.relative_path for r in rejected] == ["justice/deaths"]


@pytest.mark.parametrize("agency, dataset", [("..", "births"), ("justice", "../../outside"),
                                             ("/etc", "births"), ("justice", "births/../../x")])
def test_folder_names_that_would_leave_the_landing_zone_are_refused(tmp_path, agency, dataset):
    _deliver(tmp_path, "outside/2025-07-01/x.csv")
    with pytest.raises(UnsafeLandingPath):
        discover(tmp_path / "landing", agency, dataset)


def test_a_file_name_with_dots_stays_a_file_name(tmp_path):
    landing = tmp_path / "landing"
    _deliver(landing, "justice/births/2025-07-01/a..b.csv")
    found, rejected = discover(landing, "justice", "births")
    assert [d.path for d in found] == [landing / "justice/births/2025-07-01/a..b.csv"] and rejected == []
    assert all(os.path.realpath(d.path).startswith(os.path.realpath(landing)) for d in found)
