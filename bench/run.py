"""`python -m bench` (or `make bench`): the city-scale benchmark; writes docs/benchmarks.md and its plot.

For each size, one fare-card taps delivery is generated and the same file goes through the floor
(polars and DuckDB, CSV → Parquet, no checks), the naive way (pandas + pandera-pandas) and urbanlake
(a Dagster materialization of the real assets). Every step runs in a fresh process, `--repeats`
times, interleaved; figures are medians. Then a Hanoi-scale day and the tiny-scale full run through
the CLI, and the warehouse design comparison.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import shutil
import statistics
from pathlib import Path

from bench import measure, report, warehouse_choice
from sample_deliveries.taps_bulk import DELIVERY, write_taps

PATHS = ["floor_polars", "floor_duckdb", "naive", "urbanlake"]
PROJECT = Path(__file__).resolve().parent.parent


def _env(home: Path) -> dict:
    from bench.paths import BENCH_KEY
    return {**os.environ, "URBANLAKE_HOME": str(home), "DAGSTER_HOME": str(home / ".dagster_home"),
            "URBANLAKE_PSEUDONYM_KEY": BENCH_KEY, "GX_ANALYTICS_ENABLED": "False", "DAGSTER_DISABLE_TELEMETRY": "1"}


def _checked(path: str, rows: int, m: measure.Measurement) -> measure.Measurement:
    r = m.result
    if r.get("rows_in") != rows or r["rows_published"] + r["rows_quarantined"] != rows:
        raise RuntimeError(f"{path}: {rows} rows delivered but {r} (in, published, quarantined)")
    return m


def scale_run(size: int, repeats: int, naive_max: int, work: Path, profile_rows: int | None) -> dict:
    """Every path on one generated delivery of `size` taps; the delivery is deleted afterwards."""
    csv = work / f"taps_{size}.csv"
    taps = write_taps(csv, size)
    print(f"{size:,} rows requested: {taps.rows:,} delivered, {csv.stat().st_size / 1e6:.0f} MB", flush=True)
    paths = [p for p in PATHS if p != "naive" or size <= naive_max]
    runs: dict[str, list] = {p: [] for p in paths}
    for _ in range(repeats):
        for p in paths:
            m = measure.run_step(["bench.paths", p, "--csv", str(csv), "--work", str(work / p),
                                  "--delivery-date", DELIVERY.isoformat()], env=_env(work / p))
            runs[p].append(_checked(p, taps.rows, m))
            print(f"  {p:<13}{m.wall_s:8.1f} s {m.peak_rss_bytes / 2**20:8.0f} MiB", flush=True)
    entry = {"rows": taps.rows, "requested": size, "csv_bytes": csv.stat().st_size, "defects": taps.defects,
             "paths": {p: _summary(measure.median_of(r)) for p, r in runs.items()}}
    if profile_rows == size:
        out = work / "profile.txt"
        measure.run_step(["bench.paths", "urbanlake", "--csv", str(csv), "--work", str(work / "profile"),
                          "--profile", str(out)], env=_env(work / "profile"))
        entry["profile"] = json.loads(Path(str(out) + ".json").read_text())
        entry["profile_text"] = out.read_text()
        entry["slice_costs"] = json.loads(Path(str(out) + ".slices.json").read_text())
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    return entry


def _summary(s: measure.Summary) -> dict:
    summary = {"wall_s": s.wall_s, "peak_rss_bytes": s.peak_rss_bytes, "runs": len(s.runs),
               "walls_s": [r.wall_s for r in s.runs], **s.result}
    if all("materialize_s" in r.result for r in s.runs):  # the in-process time, a median like the wall
        summary["materialize_s"] = statistics.median(r.result["materialize_s"] for r in s.runs)
    return summary


def job_runs(scale: float, days: int, repeats: int, work: Path) -> dict:
    """The whole lake job through the CLI (`urbanlake run`) on generated deliveries of every dataset."""
    landing_home = work / "generated"
    measure.run_step(["pipelines.cli", "generate", "--scale", str(scale), "--days", str(days)], env=_env(landing_home),
                     cwd=str(PROJECT))
    runs = []
    for i in range(repeats):
        home = work / f"run{i}"
        shutil.copytree(landing_home / "landing", home / "landing")
        runs.append(measure.run_step(["pipelines.cli", "run"], env=_env(home), cwd=str(PROJECT)))
        runs[-1].result = _ledger_totals(home)
        shutil.rmtree(home, ignore_errors=True)
    shutil.rmtree(landing_home, ignore_errors=True)
    return {"scale": scale, "days": days, **_summary(measure.median_of(runs))}


def _ledger_totals(home: Path) -> dict:
    import duckdb
    with duckdb.connect(str(home / "warehouse.duckdb"), read_only=True) as con:
        rows_in, published, quarantined, files, staged = con.execute(
            "SELECT sum(rows_in), sum(rows_published), sum(rows_quarantined), count(*), "
            "count(*) FILTER (WHERE status = 'published') FROM raw.deliveries").fetchone()
    # the ledger lists every delivered file, duplicates and rejected files included; only staged ones hold rows
    return {"rows_in": int(rows_in or 0), "rows_published": int(published or 0),
            "rows_quarantined": int(quarantined or 0), "deliveries": int(files), "staged_deliveries": int(staged)}


def _merged(previous: dict, new: dict) -> dict:
    """The last run's figures with this run's sizes and sections in place of theirs; both runs are named."""
    sizes = {s["requested"] for s in new["scales"]}
    scales = sorted([s for s in previous["scales"] if s["requested"] not in sizes] + new["scales"],
                    key=lambda s: s["requested"])
    runs = previous.get("runs", [{k: previous[k] for k in ("started", "finished")}])
    return {**previous, **{k: v for k, v in new.items() if k not in ("scales", "import_only") or v},
            "scales": scales, "started": previous["started"],
            "runs": [*runs, {"started": new["started"], "finished": new["finished"],
                             "remeasured": [f"{r:,} rows" for r in sorted(sizes)]}]}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000000,3000000,10000000,30000000", help="taps per delivery, comma-separated")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--naive-max", type=int, default=10_000_000, help="largest size for the pandas path")
    parser.add_argument("--profile-rows", type=int, default=10_000_000, help="size at which urbanlake is profiled")
    parser.add_argument("--no-warehouse", action="store_true", help="skip the warehouse design comparison")
    parser.add_argument("--day-scale", type=float, default=1.0, help="the Hanoi-scale day (1.0 ≈ 1.8M rows)")
    parser.add_argument("--job-repeats", type=int, default=3, help="runs of the Hanoi day and of the tiny sample")
    parser.add_argument("--single-run-from", type=int, default=None,
                        help="sizes from this many rows run once (when the machine's time is short; the page says so)")
    parser.add_argument("--skip-day", action="store_true", help="skip the Hanoi-scale day")
    parser.add_argument("--skip-tiny", action="store_true", help="skip the tiny-scale full run")
    parser.add_argument("--warehouse-rows", type=int, default=2_000_000)
    parser.add_argument("--work", type=Path, default=PROJECT / "data" / "bench", help="scratch space (GBs)")
    parser.add_argument("--out", type=Path, default=PROJECT / "docs", help="where benchmarks.md/.png/.json go")
    parser.add_argument("--merge", action="store_true",
                        help="re-measure only the given sizes/sections and keep the rest of the last run's figures "
                             "(the page names both runs)")
    parser.add_argument("--render", action="store_true", help="only re-render the page and plot from benchmarks.json")
    parser.add_argument("--smoke", action="store_true", help="tiny sizes, one run each: checks the benchmark works")
    args = parser.parse_args(argv)
    if args.smoke:  # one tiny delivery through every path, profiled; the job runs take minutes, so they are left out
        args.sizes, args.repeats, args.profile_rows, args.warehouse_rows = "3000", 1, 3000, 1000
        args.skip_day = args.skip_tiny = args.no_warehouse = True
    if args.render:
        report.write(json.loads((args.out / "benchmarks.json").read_text()), args.out)
        return 0
    sizes = [int(s) for s in args.sizes.split(",")]
    shutil.rmtree(args.work, ignore_errors=True)
    args.work.mkdir(parents=True)
    started = dt.datetime.now(dt.timezone.utc)
    results = {"started": started.isoformat(timespec="seconds"), "smoke": args.smoke, "repeats": args.repeats,
               "machine": report.machine(), "versions": report.versions(), "scales": []}

    previous = json.loads((args.out / "benchmarks.json").read_text()) if args.merge else None

    def save() -> None:  # after every section, so an interrupted run still leaves what it measured
        results["finished"] = dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")
        report.write(_merged(previous, results) if previous else results, args.out)
    try:
        if not args.smoke:
            results["import_only"] = _summary(measure.median_of(
                [measure.run_step(["bench.paths", "import_only"]) for _ in range(args.repeats)]))
        for size in sizes:
            repeats = 1 if args.single_run_from and size >= args.single_run_from else args.repeats
            results["scales"].append(scale_run(size, repeats, args.naive_max, args.work / "scale", args.profile_rows))
            save()
        if not args.skip_tiny:
            results["tiny_run"] = job_runs(0.02, 14, args.job_repeats, args.work / "tiny")
            save()
        if not args.skip_day:
            results["hanoi_day"] = job_runs(args.day_scale, 1, args.job_repeats, args.work / "day")
            save()
        if not args.no_warehouse:
            results["warehouse_choice"] = warehouse_choice.measure(args.warehouse_rows)
    finally:
        shutil.rmtree(args.work, ignore_errors=True)
    save()
    print(f"wrote {args.out / 'benchmarks.md'}")
    return 0
