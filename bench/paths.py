"""The measured steps, each run in its own process by `bench.run`: `python -m bench.paths <step> …`.

Every step ends by reporting its row accounting (rows in, published, quarantined) to the parent.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import shutil
import time
from pathlib import Path

from bench.measure import report

BENCH_KEY = "benchmark-pseudonym-key-not-a-secret"


def _parquet_rows(path: Path) -> int:
    import pyarrow.parquet as pq
    return pq.ParquetFile(path).metadata.num_rows


def floor_polars(csv: Path, work: Path) -> dict:
    """The bare conversion with polars: stream the CSV, as text, into Parquet."""
    import polars as pl
    out = work / "floor_polars.parquet"
    pl.scan_csv(csv, infer_schema=False).sink_parquet(out)
    rows = _parquet_rows(out)
    return {"rows_in": rows, "rows_published": rows, "rows_quarantined": 0}


def floor_duckdb(csv: Path, work: Path) -> dict:
    """The bare conversion with DuckDB: COPY … TO … (FORMAT parquet), every column as text."""
    import duckdb
    out = work / "floor_duckdb.parquet"
    with duckdb.connect() as con:
        con.execute(f"COPY (SELECT * FROM read_csv('{csv}', all_varchar = true)) TO '{out}' (FORMAT parquet)")
    rows = _parquet_rows(out)
    return {"rows_in": rows, "rows_published": rows, "rows_quarantined": 0}


def naive(csv: Path, work: Path, delivery_date: dt.date) -> dict:
    from bench.naive import convert
    return convert(csv, work / "naive.parquet", delivery_date)


def materialize_delivery(home: Path, partition_key: str | None = None, instance=None):
    """The real Dagster materialization of fare_card_taps' raw and staging assets (the delivery's day) over the lake at `home`."""
    import dagster as dg

    from assets.common.factory import dataset_assets
    from assets.transport import FARE_CARD_TAPS
    from pipelines.resources import LakeResource

    return dg.materialize(dataset_assets(FARE_CARD_TAPS), partition_key=partition_key, instance=instance,
                          resources={"lake": LakeResource(home=str(home), pseudonym_key=BENCH_KEY)})


def checked_accounting(result) -> dict:
    """Rows in (raw), published (boardings) and quarantined (distinct rows), as the materialization's own
    row_accounting check recounted them from the lake's files."""
    from assets.common.checks import ROW_ACCOUNTING

    evaluation = next(e for e in result.get_asset_check_evaluations() if e.check_name == ROW_ACCOUNTING)
    if not evaluation.passed:
        raise SystemExit(f"the row accounting check failed: {evaluation.metadata['violations'].value}")
    return {k: evaluation.metadata[k].value for k in ("rows_in", "rows_published", "rows_quarantined")}


def urbanlake(csv: Path, work: Path, delivery_date: dt.date, profile: Path | None = None) -> dict:
    """A lake holding only this delivery: landing → raw → staging + quarantine → warehouse, via Dagster.

    Reports, besides the accounting, `materialize_s`: the materialization alone, once the code is
    imported and a Dagster instance is up, as in a running deployment."""
    home = work / "lake"
    shutil.rmtree(home, ignore_errors=True)
    target = home / "landing" / "transport" / "fare_card_taps" / delivery_date.isoformat() / csv.name
    target.parent.mkdir(parents=True)
    try:
        os.link(csv, target)  # the same bytes, without the cost of a copy
    except OSError:
        shutil.copyfile(csv, target)
    import dagster as dg

    import assets.common.factory, pipelines.resources  # noqa: F401,E401  (imports apart from the materialization)
    from pipelines.loaded_code import freeze_loaded_code
    freeze_loaded_code()  # as the code location does once it is loaded, in a run worker
    with dg.DagsterInstance.ephemeral() as instance:  # a deployment's instance is up before a run starts
        started = time.perf_counter()
        if profile is None:
            result = materialize_delivery(home, delivery_date.isoformat(), instance)
        else:
            from bench.profile import profiled
            result = profiled(lambda: materialize_delivery(home, delivery_date.isoformat(), instance), profile)
        materialize_s = time.perf_counter() - started
    if profile is not None and result.success:
        from bench.profile import slice_costs
        Path(str(profile) + ".slices.json").write_text(json.dumps(slice_costs(home)), encoding="utf-8")
    if not result.success:
        raise SystemExit("the materialization failed")
    return {**checked_accounting(result), "materialize_s": materialize_s}


def import_only() -> dict:
    """What every run pays before any data moves: importing the code location."""
    import pipelines.definitions  # noqa: F401
    return {}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.paths")
    parser.add_argument("step", choices=["floor_polars", "floor_duckdb", "naive", "urbanlake", "import_only"])
    parser.add_argument("--csv", type=Path)
    parser.add_argument("--work", type=Path)
    parser.add_argument("--delivery-date", type=dt.date.fromisoformat, default=dt.date(2025, 7, 2))
    parser.add_argument("--profile", type=Path, help="urbanlake only: write a pyinstrument profile here")
    args = parser.parse_args(argv)
    if args.step == "import_only":
        report(import_only())
        return 0
    args.work.mkdir(parents=True, exist_ok=True)
    if args.step == "floor_polars":
        report(floor_polars(args.csv, args.work))
    elif args.step == "floor_duckdb":
        report(floor_duckdb(args.csv, args.work))
    elif args.step == "naive":
        report(naive(args.csv, args.work, args.delivery_date))
    else:
        report(urbanlake(args.csv, args.work, args.delivery_date, args.profile))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
