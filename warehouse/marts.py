"""Run the marts' SQL (warehouse/sql/<mart>.sql) with DuckDB over the current version of the lake.

The SQL reads the same views analysts see (staging.*, ref.*, mart.*), built in a private in-memory
database, so it never touches the warehouse file. A table that has never been published yet appears
as an empty table with its contract's columns, so a mart is computed (empty where data is missing)
instead of failing on a missing table.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import pandera.polars as pa
import polars as pl

from schemas.rules import empty_frame
from warehouse.build import register_views
from warehouse.lake import Lake
from warehouse.sql_text import quoted_table

SQL_DIR = Path(__file__).parent / "sql"


def mart_sql(name: str) -> str:
    return (SQL_DIR / f"{name}.sql").read_text(encoding="utf-8")


def _empty_table(con: duckdb.DuckDBPyConnection, qualified: str, model: type[pa.DataFrameModel]) -> None:
    con.register("_empty", empty_frame(model).to_arrow())
    schema, name = qualified.split(".", 1)
    con.execute(f"CREATE TABLE {quoted_table(schema, name)} AS SELECT * FROM _empty")
    con.unregister("_empty")


def run_mart(lake: Lake, name: str, inputs: dict[str, type[pa.DataFrameModel]],
             params: dict | None = None) -> pl.DataFrame:
    """Execute `sql/<name>.sql` over the lake; `inputs` maps each table it reads to that table's contract."""
    with duckdb.connect() as con:
        present, unreadable = register_views(con, lake)
        if broken := {t: e for t, e in unreadable.items() if t in inputs}:
            raise RuntimeError(f"mart {name}: input tables cannot be read: {broken}")
        for qualified, model in inputs.items():
            if qualified not in present:
                _empty_table(con, qualified, model)
        return con.execute(mart_sql(name), params or {}).pl()
