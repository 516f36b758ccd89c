"""Run one measured step in a fresh process; wall time and peak RSS of its whole process tree."""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import psutil

SAMPLE_SECONDS = 0.05
RESULT_PREFIX = "BENCH_RESULT "


@dataclass
class Measurement:
    wall_s: float
    peak_rss_bytes: int
    result: dict = field(default_factory=dict)  # what the step printed: its row accounting


def _tree_rss(proc: psutil.Process) -> int:
    total = 0
    for p in [proc, *proc.children(recursive=True)]:
        try:
            total += p.memory_info().rss
        except (psutil.NoSuchProcess, psutil.AccessDenied):
            pass
    return total


PROJECT = Path(__file__).resolve().parent.parent


def run_step(args: list[str], env: dict | None = None, cwd: str | None = None) -> Measurement:
    """Start `python -m <args>` and sample the RSS of it and its children until it exits.

    Threads of DuckDB and polars are in the process, so they count; children (a CLI's subprocesses) too.
    """
    cmd = [sys.executable, "-m", *args]
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
                            cwd=cwd or str(PROJECT))
    watched, peak = psutil.Process(proc.pid), 0
    while proc.poll() is None:
        try:
            peak = max(peak, _tree_rss(watched))
        except psutil.NoSuchProcess:
            break
        time.sleep(SAMPLE_SECONDS)
    stdout, stderr = proc.communicate()
    wall = time.perf_counter() - start
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed ({proc.returncode}):\n{stderr[-3000:]}")
    lines = [line for line in stdout.splitlines() if line.startswith(RESULT_PREFIX)]
    result = json.loads(lines[-1][len(RESULT_PREFIX):]) if lines else {}
    return Measurement(wall, peak, result)


def report(result: dict) -> None:
    """Called by a step: hand its row accounting back to the parent."""
    print(RESULT_PREFIX + json.dumps(result), flush=True)


@dataclass
class Summary:
    """The median of several runs of one step, and every run's accounting."""

    wall_s: float
    peak_rss_bytes: int
    runs: list[Measurement]

    @property
    def result(self) -> dict:
        return self.runs[-1].result


def median_of(runs: list[Measurement]) -> Summary:
    return Summary(statistics.median(r.wall_s for r in runs), int(statistics.median(r.peak_rss_bytes for r in runs)),
                   runs)
