"""docs/benchmarks.md, its plot and the raw figures (JSON), from one run of `python -m bench`."""

from __future__ import annotations

import json
import os
import platform
from importlib.metadata import version
from pathlib import Path

import psutil

from bench import targets

LABELS = {"floor": "floor (fastest of polars / DuckDB, no checks)", "naive": "naive (pandas + pandera-pandas)",
          "urbanlake": "urbanlake (Dagster: ingest, validate, quarantine, publish)"}
PHASE_NAMES = {
    "materialize": "Dagster materialization (everything below, plus Dagster's own work)",
    "ingest_raw": "raw asset: landing → text Parquet", "sha256_file": "… SHA-256 of the landing file",
    "write_as_text_parquet": "… CSV → text Parquet (the line below, then the polars sink, with the fields per row "
                             "counted beside it in a thread)",
    "detect_encoding": "… … encoding detection (pure-ASCII reads skip the UTF-8 decoder)",
    "stage": "staging asset: every delivery",
    "in_order": "… batches through the two worker threads (trim, type, validate, quarantine, aggregate), "
                "as the main thread sees it: reading, hash pass, waiting for the workers",
    "repeated_keys": "… … repeated keys across batches (hash pass, hashing and sorting in the workers)",
    "combine_boardings": "… … fold the batches' boardings together",
    "publish": "… write Parquet parts (LakeTable)",
    "build_warehouse": "… rebuild the DuckDB warehouse + catalog", "row_accounting": "check row_accounting",
    "shared_contract": "check shared_contract"}

SLICE_PHASE_NAMES = {
    "hash_pass": "hash pass: the typed key of every row, hashed and spilled by hash (the delivery's, ÷ its slices)",
    "read": "read the slice from the raw text Parquet",
    "normalise_text": "trim, NFC (`normalise_text`)",
    "damage": "damage tests: control characters, spreadsheet and encoding damage (`coercion.damage`)",
    "without": "set the damaged values aside (`coercion.without`)",
    "typed_columns": "type the text (`typed_columns`)",
    "pandera": "pandera's checks (polars backend, collected frame)",
    "duplicates": "duplicate keys among the rows whose hash repeats (`_duplicates`)",
    "first_cause": "one cause per failing cell (`_first_cause_per_cell`)",
    "offending_values": "quarantine rows' delivered values (`_offending_values`)",
    "publish": "aggregate the valid taps to boardings",
}

GAP_NOTE = [
    "How urbanlake stages a large delivery. Landing reads the file twice cheaply (its SHA-256, which spots a "
    "re-delivery; a UTF-8 check, which skips the decoder on pure-ASCII reads), then streams it into a text "
    "Parquet (lz4, no column statistics: written once, read twice by row ranges), the floor's own work; the "
    "delimiter totals, which show every row has the header's fields (per-record counting only when a file has "
    "quotes or the totals differ), are counted with numpy beside the sink in a thread. Staging reads that "
    "Parquet in slices of 500 000 rows, one slice ahead of the two worker threads; each slice is trimmed, "
    "typed, validated by the pandera contract (polars backend), its failures written as quarantine rows and "
    "its valid taps aggregated to boardings. Keys repeated anywhere in the delivery are found first: the "
    "64-bit hash of every row's typed key (hashed and split by hash in the worker threads) goes to Arrow "
    "scratch files; each file gives the hashes seen twice. A slice holding a repeat gets the earlier rows of "
    "that hash beside it: only their keys are typed and compared with its own, so validation compares real "
    "values and cites the first row. No step holds the whole delivery, so memory stays flat (the slices are "
    "read with polars; pyarrow's batch reader kept memory growing with the file).",
    "",
    "Where the time goes beyond the floor (see the profile above, where the worker threads' share shows as "
    "the time the main thread waits for them, and the slice table, which splits that share by step):",
    "",
    "1. **Start-up**, paid by every run whatever its size, on one core: Python, Dagster, pandera (which "
    "imports pandas) and polars, then Dagster's instance (its storage imports SQLAlchemy and Alembic: about "
    "0.7 s). That is the start-up line under the table above, and the difference between the urbanlake and "
    "materialization columns. The targets table judges the whole process and shows the materialization "
    "alone beside it. A partitioned backfill pays start-up once for its whole range (one run per range).",
    "2. **Landing beyond the floor**: the SHA-256 (one core, before the sink, since it decides whether the "
    "file is a re-delivery) and the SHA-256 of the raw file written.",
    "3. **Staging**, on both cores: per 500 000-row slice, pandera's checks (about a hundred polars queries "
    "per slice, about half of it the three pattern checks), trimming, the damage tests, typing, aggregation and "
    "the quarantine rows; plus the hash pass over the key columns.",
    "",
    "Staging is CPU-bound: with a slice read ahead, both cores are busy about 90 % of the time, and more "
    "worker threads or larger slices (1 000 000 rows: 400 MB more memory) gain nothing measurable. Each slice "
    "already does as little as its contract allows: one character-class scan in the damage tests, "
    "boardings grouped by the hour's start, failing rows' values found by search, a key hashed column by "
    "column (XOR of the columns' hashes: half the CPU of hashing it as a struct), hashes sorted alone, the "
    "earlier rows of a repeated key typed alone. What was tried and not kept: the hash pass as one polars "
    "streaming query (partitioned Arrow sink) was at most 0.2 s faster than the threaded pass, and that before "
    "it handled the few timestamps not in ISO form (parsing every form on every row cost 1 s more); running the "
    "contract's own checks once over each slice as a screen, and letting pandera explain only the flagged rows "
    "of many slices at once, cut the checks' CPU time by about a fifth but no wall time measurable in "
    "alternating runs, and holding the flagged rows kept their slices' string buffers alive (+170 MB). "
    "Closing the rest would take a run worker that keeps the code location loaded between runs, and one pass "
    "over the delivery instead of two (landing, then staging).",
]


def machine() -> dict:
    return {"cores": os.cpu_count(), "memory_bytes": psutil.virtual_memory().total, "platform": platform.platform(),
            "processor": platform.processor() or platform.machine()}


def versions() -> dict:
    return {"python": platform.python_version(),
            **{p: version(p) for p in ("polars", "duckdb", "pandas", "pandera", "dagster", "pyarrow")}}


def _mib(n: float) -> str:
    return f"{n / 2**20:,.0f}"


def plot(results: dict, out: Path) -> None:
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    scales = results["scales"]
    fig, (wall, mem) = plt.subplots(1, 2, figsize=(11, 4.2))
    for key, style in (("floor", "o-"), ("naive", "s-"), ("urbanlake", "^-")):
        pts = [(s["rows"], targets.floor_of(s["paths"]) if key == "floor" else s["paths"][key]) for s in scales
               if key == "floor" or key in s["paths"]]
        rows = [r for r, _ in pts]
        wall.plot(rows, [p["wall_s"] for _, p in pts], style, label=LABELS[key])
        mem.plot(rows, [p["peak_rss_bytes"] / 2**30 for _, p in pts], style, label=LABELS[key])
    for ax, title, unit in ((wall, "wall time (median)", "seconds"), (mem, "peak RSS of the process tree", "GiB")):
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_xlabel("rows in the delivery (fare-card taps)")
        ax.set_ylabel(unit)
        ax.set_title(title)
        ax.grid(True, which="both", alpha=0.3)
    mem.axhline(2 * 10**9 / 2**30, color="grey", linestyle=":", label="2 GB target")
    wall.legend(fontsize=7)
    mem.legend(fontsize=7)
    fig.tight_layout()
    fig.savefig(out, dpi=110)
    plt.close(fig)


def _scale_table(results: dict) -> list[str]:
    lines = ["| rows | runs | CSV MB | floor polars s | floor DuckDB s | naive s | urbanlake s | of which "
             "materialization s | urbanlake ÷ floor | naive ÷ urbanlake | peak MiB floor / naive / urbanlake | "
             "quarantined naive / urbanlake |",
             "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---|"]
    for s in results["scales"]:
        p = s["paths"]
        naive, ul, fl = p.get("naive"), p["urbanlake"], targets.floor_of(p)
        naive_s = f"{naive['wall_s']:.1f}" if naive else "skipped (> 16 GB)"
        speedup = f"{naive['wall_s'] / ul['wall_s']:.2f}" if naive else "–"
        naive_mib = _mib(naive["peak_rss_bytes"]) if naive else "–"
        naive_q = f"{naive['rows_quarantined']:,}" if naive else "–"
        in_process = f"{ul['materialize_s']:.1f}" if "materialize_s" in ul else "–"  # older runs lack it
        lines.append(
            f"| {s['rows']:,} | {ul['runs']} | {s['csv_bytes'] / 1e6:,.0f} | {p['floor_polars']['wall_s']:.1f} | "
            f"{p['floor_duckdb']['wall_s']:.1f} | {naive_s} | {ul['wall_s']:.1f} | {in_process} | "
            f"{ul['wall_s'] / fl['wall_s']:.2f} | "
            f"{speedup} | {_mib(fl['peak_rss_bytes'])} / {naive_mib} / {_mib(ul['peak_rss_bytes'])} | "
            f"{naive_q} / {ul['rows_quarantined']:,} |")
    return lines


def _runs_note(results: dict) -> list[str]:
    if len(results.get("runs", [])) < 2:
        return []
    first, *later = results["runs"]
    return [f"The figures come from {len(results['runs'])} runs of the command: the first {first['started']} – "
            f"{first['finished']}; then " + "; ".join(f"{', '.join(r['remeasured'])} re-measured (every path) "
                                                   f"{r['started']} – {r['finished']} with `--merge`" for r in later)
            + ". A later run re-measures the sizes it names (after a change that matters most at those sizes); "
            "the other sizes keep the earlier run's figures. Ratios are always within one run."]


def _naive_skipped(results: dict) -> list[str]:
    done = [s for s in results["scales"] if "naive" in s["paths"]]
    skipped = [s["rows"] for s in results["scales"] if "naive" not in s["paths"]]
    if not skipped or not done:
        return []
    last = done[-1]
    per_row = last["paths"]["naive"]["peak_rss_bytes"] / last["rows"]
    return [f"The naive path was not run at {', '.join(f'{r:,}' for r in skipped)} rows: it holds the whole delivery "
            f"in pandas ({last['paths']['naive']['peak_rss_bytes'] / 2**30:.1f} GiB at {last['rows']:,} rows), so it "
            f"would need about {per_row * max(skipped) / 2**30:.0f} GiB, more than this shared machine can give it.", ""]


def _staged(run: dict) -> str:
    staged = run.get("staged_deliveries")  # absent from pages measured before it was counted
    if staged is None or staged == run["deliveries"]:
        return "" if staged is None else ", every one staged"
    return f", {staged} staged, the others duplicates or rejected"


def _job_lines(title: str, run: dict | None) -> list[str]:
    if not run:
        return [f"- {title}: not run."]
    return [f"- {title} (`urbanlake run`, generator `--scale {run['scale']} --days {run['days']}`, "
            f"{run['deliveries']} delivery files{_staged(run)}): **{run['wall_s']:.1f} s** wall (median of {run['runs']}: "
            f"{', '.join(f'{w:.1f}' for w in run['walls_s'])}), peak RSS {_mib(run['peak_rss_bytes'])} MiB; "
            f"{run['rows_in']:,} rows in = {run['rows_published']:,} published + {run['rows_quarantined']:,} "
            f"quarantined ({run['rows_in'] / run['wall_s']:,.0f} rows/s)."]


def _profile_lines(results: dict) -> list[str]:
    prof = next(((s["rows"], s["profile"], s["profile_text"]) for s in results["scales"] if "profile" in s), None)
    if prof is None:
        return ["Not profiled in this run."]
    rows, data, text = prof
    lines = [f"pyinstrument over one urbanlake run of {rows:,} rows (wall {data['total_s']:.1f} s inside the "
             "process, after the imports and with the Dagster instance up; `…` = inside the line above):", "",
             "| phase | seconds | share |", "|---|---:|---:|"]
    for name, label in PHASE_NAMES.items():
        if name in data["phases_s"]:
            sec = data["phases_s"][name]
            lines.append(f"| {label} | {sec:.1f} | {sec / data['total_s']:.0%} |")
    lines.append(f"| outside the materialization (rest) | {data['total_s'] - data['phases_s'].get('materialize', 0):.1f} | "
                 f"{1 - data['phases_s'].get('materialize', 0) / data['total_s']:.0%} |")
    head = "\n".join(text.splitlines()[:70])
    lines += ["", "<details><summary>profile (top of pyinstrument's tree)</summary>", "", "```", head, "```",
              "", "</details>"]
    return lines


def _slice_lines(results: dict) -> list[str]:
    c = next((s["slice_costs"] for s in results["scales"] if "slice_costs" in s), None)
    if c is None:
        return []
    n = -(-c["rows"] // c["batch_rows"])
    phases = c["phases_s"]
    hash_s = phases.get("hash_pass", 0.0)  # over the whole delivery; every other step over the slices staged
    per_slice = {k: (v / n if k == "hash_pass" else v / c["slices"]) for k, v in phases.items()}
    total = hash_s / n + (c["wall_s"] - hash_s) / c["slices"]
    lines = [f"What a worker pays for one slice of {c['batch_rows']:,} rows: after the profiled run, its delivery "
             f"was staged again in one thread (the hash pass over all {n} slices, then the first {c['slices']} "
             f"slices, as a worker stages them), under pyinstrument. Polars' own threads still work inside each "
             f"step: {c['cpu_s'] / c['wall_s']:.1f} cores were busy on average.", "",
             "| step | seconds per slice | share |", "|---|---:|---:|"]
    for name, label in SLICE_PHASE_NAMES.items():
        if name in per_slice:
            lines.append(f"| {label} | {per_slice[name]:.3f} | {per_slice[name] / total:.0%} |")
    rest = total - sum(per_slice.values())
    lines += [f"| the rest (slicing, joins and frame copies between the steps) | {rest:.3f} | {rest / total:.0%} |",
              f"| **a slice, all told** | **{total:.3f}** | 100% |", "",
              f"{n} slices at that cost take {total * n:.1f} s in one thread; the two worker threads share them."]
    return lines


def _warehouse_lines(results: dict) -> list[str]:
    wc = results.get("warehouse_choice")
    if not wc:
        return ["Not run."]
    base = wc["designs"]["in_place"]
    names = {"in_place": "in_place (baseline: write tables into the warehouse file)",
             "tables": "tables (new DuckDB file with native tables, swapped in)",
             "views": "**views (shipped: new DuckDB file of views over Parquet, swapped in)**",
             "ducklake": "ducklake (SQLite catalog, Parquet data, committed in place)"}
    lines = [f"`.venv/bin/python -m bench.warehouse_choice --rows {wc['rows']}` (run by `make bench`): publishing "
             f"a new version of a {wc['rows']:,}-row table, an analyst's aggregate query on an open connection "
             "(best of 5), and whether the run can publish while another process holds the warehouse open "
             "read-only.", "",
             "| design | publish s | ratio | query s | ratio | writer while a reader is open |",
             "|---|---:|---:|---:|---:|---|"]
    for kind, r in wc["designs"].items():
        lines.append(f"| {names[kind]} | {r['publish_s']:.3f} | {r['publish_s'] / base['publish_s']:.2f} | "
                     f"{r['query_s']:.4f} | {r['query_s'] / base['query_s']:.2f} | {r['with_reader_open']} |")
    lines += ["", "Reading: writing in place is ruled out by DuckDB's locking. Of the designs that let a run "
              "publish while analysts read, views over Parquet publish fastest (the Parquet files are written "
              "once and shared by the lake and the warehouse; a copy grows with the data) and answer about as "
              "fast as native tables; DuckLake works offline (via the `duckdb-extension-*` wheels) but adds a "
              "second catalog to operate."]
    return lines


def markdown(results: dict) -> str:
    m, v = results["machine"], results["versions"]
    imp = results.get("import_only", {"wall_s": float("nan"), "peak_rss_bytes": float("nan")})
    lines = [
        "# Benchmarks", "",
        "Generated by `make bench` (`python -m bench`); every figure below comes from the run of "
        f"{results['started']} – {results['finished']} (UTC){' (**smoke run: tiny sizes, not figures**)' if results['smoke'] else ''}.",
        *_runs_note(results),
        f"Machine: {m['cores']} cores, {m['memory_bytes'] / 2**30:.1f} GiB, {m['platform']}. Versions: "
        + ", ".join(f"{k} {val}" for k, val in v.items()) + ".",
        "",
        "This machine can be shared with other work, so absolute times are noisy: each figure "
        f"is the median of {results['repeats']} runs (the `runs` column says where fewer were affordable), paths interleaved, and the targets are judged as ratios "
        "against the baselines measured in the same run on the same files. A round is one run of every path, "
        "one after another; a time target's verdict is on the medians, a target met on them is called met only "
        "when every round's own ratio meets it too (else: not settled), and a miss says in how many rounds, "
        "if any, the target was met. Every step runs in a fresh "
        "process; peak memory is the RSS of its whole process tree (threads and children included), sampled "
        "every 50 ms. Every path's row accounting is checked: rows delivered = published + quarantined "
        "(urbanlake's are the figures its own row_accounting check recounted from the lake's files).",
        "", "## Targets", "", "| target | measured | verdict |", "|---|---|---|",
        *[f"| {t['target']} | {t['measured']} | {t['verdict']} |" for t in targets.judge(results)],
        "", "## One delivery of fare-card taps, by size", "",
        "The same generated file (`python -m sample_deliveries.taps_bulk`, ~1 % of rows with a defect: bad "
        "formats, missing values, future or unparseable timestamps, duplicate keys) through three paths:",
        "", "1. **floor**: the bare CSV → Parquet conversion, all text, no checks: polars `scan_csv(…).sink_parquet(…)` "
        "and DuckDB `COPY (SELECT * FROM read_csv(…, all_varchar = true)) TO … (FORMAT parquet)`; the faster counts.",
        "2. **naive**: pandas `read_csv`, pandera's pandas backend with a model mirroring the contract "
        "(`bench/naive.py`), `to_parquet` of the valid rows; a row with any failure case counts as quarantined.",
        "3. **urbanlake**: `dg.materialize` of the real `raw.fare_card_taps` and `stage_fare_card_taps` assets "
        "(with their checks) on a lake holding only that delivery: landing → raw text Parquet → typed, "
        "validated, quarantined, aggregated to boardings, committed, warehouse rebuilt.",
        "", "![wall time and peak memory against rows](benchmarks.png)", "", *_scale_table(results), "",
        *_naive_skipped(results),
        f"Python start-up plus importing the code location (`import pipelines.definitions`) alone: "
        f"{imp['wall_s']:.1f} s, {_mib(imp['peak_rss_bytes'])} MiB — paid by every urbanlake run above, "
        "and by no other path at that size.",
        "", "## What dominates an urbanlake run", "", *_profile_lines(results), "",
        *(lines + [""] if (lines := _slice_lines(results)) else []), *GAP_NOTE,
        *(["", budget] if (budget := targets.floor_budget(results)) else []),
        "", "## The whole job: a Hanoi-scale day and the tiny sample", "",
        *_job_lines("Hanoi-scale day across all sectors, every dataset at its daily volume", results.get("hanoi_day")),
        *_job_lines("Tiny sample, every asset (the README's `make run`)", results.get("tiny_run")),
        "", "At the tiny scale almost no data moves: the wall time is orchestration (Dagster's in-process "
        "executor, one step per asset, checks), imports, Great Expectations (started in a helper process while "
        "the deliveries are ingested, so its start-up overlaps them) and the warehouse rebuilds.",
        "", "## Warehouse design: `bench/warehouse_choice.py`", "", *_warehouse_lines(results), ""]
    return "\n".join(lines)


def write(results: dict, out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    plot(results, out / "benchmarks.png")
    (out / "benchmarks.md").write_text(markdown(results), encoding="utf-8")
    (out / "benchmarks.json").write_text(json.dumps(results, indent=1), encoding="utf-8")
