"""How should analysts' warehouse be published? Three designs measured in one run, same data, same machine.

0. in_place — the baseline, the obvious design: the run writes native tables into the warehouse file.
1. tables   — a new DuckDB file with the data copied into native tables, swapped in with os.replace.
2. views    — what urbanlake ships: Parquet files + a new DuckDB file of views, swapped in.
3. ducklake — a DuckLake catalog (SQLite metadata, Parquet data), committed in place.

For each: the time to publish a new version of a table of N rows, the time of an analyst's query
(aggregate by ward, on a connection already open), and whether a writer can commit while another
process has the warehouse open read-only. Prints figures and ratios against the in_place baseline;
`python -m bench` runs it too and puts the figures in docs/benchmarks.md.

    .venv/bin/python -m bench.warehouse_choice --rows 2000000
"""

from __future__ import annotations

import argparse
import importlib
import multiprocessing as mp
import os
import pathlib
import shutil
import tempfile
import time

import duckdb
import polars as pl

QUERY = "SELECT ward, count(*), avg(v) FROM {} GROUP BY ward"


def frame(rows: int, version: int) -> pl.DataFrame:
    return pl.DataFrame({"id": pl.int_range(rows, eager=True), "ward": pl.int_range(rows, eager=True) % 126,
                         "v": (pl.int_range(rows, eager=True) * (version + 1) % 1000).cast(pl.Float64)})


def timed(fn, repeat: int = 3) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best


def _load_ducklake(con: duckdb.DuckDBPyConnection) -> None:
    for module, name in (("duckdb_extension_sqlite_scanner", "sqlite_scanner"), ("duckdb_extension_ducklake", "ducklake")):
        path = next(pathlib.Path(importlib.import_module(module).__file__).parent.rglob(f"{name}.duckdb_extension"))
        con.execute(f"LOAD '{path}'")


def _hold_open(target: str, kind: str, ready, done) -> None:
    """Another process: an analyst with the warehouse open read-only until told to stop."""
    con = duckdb.connect(target, read_only=True) if kind != "ducklake" else duckdb.connect()
    if kind == "ducklake":
        _load_ducklake(con)
        con.execute(f"ATTACH 'ducklake:sqlite:{target}' AS lake (READ_ONLY)")
    ready.set()
    done.wait(60)
    con.close()


class Design:
    def __init__(self, root: pathlib.Path, kind: str):
        self.root, self.kind = root, kind
        self.version = 0
        self.root.mkdir(parents=True)

    @property
    def target(self) -> str:
        return str(self.root / ("meta.sqlite" if self.kind == "ducklake" else "warehouse.duckdb"))

    def publish(self, df: pl.DataFrame) -> None:
        self.version += 1
        if self.kind == "in_place":
            with duckdb.connect(self.target) as con:
                con.register("df", df.to_arrow())
                con.execute("CREATE OR REPLACE TABLE t AS SELECT * FROM df")
            return
        if self.kind == "ducklake":
            with duckdb.connect() as con:
                _load_ducklake(con)
                con.execute(f"ATTACH 'ducklake:sqlite:{self.target}' AS lake (DATA_PATH '{self.root}/data/')")
                con.register("df", df.to_arrow())
                con.execute("CREATE OR REPLACE TABLE lake.t AS SELECT * FROM df")
            return
        tmp = self.root / f".w{self.version}.tmp"
        with duckdb.connect(str(tmp)) as con:
            if self.kind == "views":
                parquet = self.root / f"t-{self.version}.parquet"
                df.write_parquet(parquet)
                con.execute(f"CREATE VIEW t AS SELECT * FROM read_parquet('{parquet}')")
            else:
                con.register("df", df.to_arrow())
                con.execute("CREATE TABLE t AS SELECT * FROM df")
        os.replace(tmp, self.target)

    def query_time(self) -> float:
        """Best of five, on one analyst connection opened beforehand."""
        if self.kind == "ducklake":
            con = duckdb.connect()
            _load_ducklake(con)
            con.execute(f"ATTACH 'ducklake:sqlite:{self.target}' AS lake (READ_ONLY)")
        else:
            con = duckdb.connect(self.target, read_only=True)
        with con:
            sql = QUERY.format("lake.t" if self.kind == "ducklake" else "t")
            return timed(lambda: con.execute(sql).fetchall(), repeat=5)

    def publish_while_read(self, df: pl.DataFrame) -> str:
        ctx = mp.get_context("spawn")
        ready, done = ctx.Event(), ctx.Event()
        reader = ctx.Process(target=_hold_open, args=(self.target, self.kind, ready, done))
        reader.start()
        ready.wait(60)
        try:
            self.publish(df)
            outcome = "commits"
        except Exception as exc:  # the measurement is whether it fails
            outcome = f"fails: {str(exc).splitlines()[0][:80]}"
        done.set()
        reader.join()
        return outcome


def measure(rows: int) -> dict:
    """Every design on the same frames: publish time, query time, and whether it commits under a reader."""
    base = pathlib.Path(tempfile.mkdtemp(prefix="urbanlake-bench-"))
    try:
        first, second = frame(rows, 0), frame(rows, 1)
        results = {}
        for kind in ("in_place", "tables", "views", "ducklake"):
            design = Design(base / kind, kind)
            design.publish(first)
            results[kind] = {"publish_s": timed(lambda: design.publish(second)),
                             "query_s": design.query_time(),
                             "with_reader_open": design.publish_while_read(first)}
        return {"rows": rows, "designs": results}
    finally:
        shutil.rmtree(base, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=2_000_000)
    args = parser.parse_args()
    results = measure(args.rows)["designs"]
    print(f"rows per table version: {args.rows:,}")
    print(f"{'design':<10}{'publish s':>11}{'ratio':>7}{'query s':>10}{'ratio':>7}   writer while a reader is open")
    baseline = results["in_place"]
    for kind, r in results.items():
        print(f"{kind:<10}{r['publish_s']:>11.3f}{r['publish_s'] / baseline['publish_s']:>7.2f}"
              f"{r['query_s']:>10.4f}{r['query_s'] / baseline['query_s']:>7.2f}   {r['with_reader_open']}")


if __name__ == "__main__":
    main()
