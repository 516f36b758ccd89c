"""Runs of the lake's real assets in child processes, for the fault tests: killed mid-publish, or two at once.

The children are forked from a forkserver that has imported Dagster, polars, pandera and DuckDB once,
so a run starts in about a second instead of the ~8 s a fresh interpreter takes to import them. The
forkserver only imports (a polars thread pool started before a fork would deadlock the child).
A child kills itself with SIGKILL at an exact publishing moment: just before (or after) the Nth
`os.replace` whose destination matches a pattern — every commit of the lake (data file, manifest,
warehouse swap) is an `os.replace`, so these are the moments that matter.
"""

from __future__ import annotations

import fnmatch
import json
import multiprocessing
import os
import signal
import time

import dagster as dg

from assets.common import landing, staging
from assets.common.factory import dataset_assets
from assets.registry import DATASETS
from pipelines.resources import lake_resource_from_env

# Libraries only, including what Dagster imports lazily on its first run (instance storage, executor):
# the project's modules start polars threads at import.
PRELOAD = ["dagster", "polars", "pandera.polars", "duckdb", "pyarrow.dataset", "sqlalchemy", "alembic.command",
           "alembic.runtime.migration", "hypothesis", "vietnamadminunits", "rich", "requests", "pygments",
           "structlog", "fsspec", "upath", "dagster._core.storage.sqlite_storage",
           "dagster._core.execution.execute_in_process", "dagster._core.instance.factory",
           "dagster._core.executor.in_process"]
_CONTEXT = multiprocessing.get_context("forkserver")
_CONTEXT.set_forkserver_preload(PRELOAD)


def _kill_at(pattern: str, nth: int, when: str) -> None:
    real_replace, seen = os.replace, [0]

    def replace(src, dst, *args, **kwargs):
        hit = fnmatch.fnmatch(str(dst), pattern)
        if hit:
            seen[0] += 1
        if hit and seen[0] == nth and when == "before":
            os.kill(os.getpid(), signal.SIGKILL)
        real_replace(src, dst, *args, **kwargs)
        if hit and seen[0] == nth and when == "after":
            os.kill(os.getpid(), signal.SIGKILL)
    os.replace = replace


def _record_work(log_path: str, hold_seconds: float) -> None:
    """Log every delivery read or staged (with start and end times), holding each a little longer."""
    def logged(step: str, function, about):
        def wrapper(*args, **kwargs):
            start = time.monotonic()
            time.sleep(hold_seconds)
            try:
                return function(*args, **kwargs)
            finally:
                dataset, what = about(*args)
                entry = {"pid": os.getpid(), "step": step, "dataset": dataset, "what": what, "start": start,
                         "end": time.monotonic()}
                with open(log_path, "a") as log:
                    log.write(json.dumps(entry) + "\n")
        return wrapper
    landing.write_as_text_parquet = logged("read", landing.write_as_text_parquet,
                                           lambda d, *_: (d.dataset, f"read {d.relative_path}"))
    staging.stage_delivery = logged("stage", staging.stage_delivery,
                                   lambda spec, lake, d, *_: (spec.name, f"stage {spec.name}/{d}"))


def _materialize(env: dict, datasets: list[str], kill: tuple[str, int, str] | None, work_log: str | None) -> None:
    os.environ.update(env)
    if kill:
        _kill_at(*kill)
    if work_log:
        _record_work(work_log, 0.2)
    assets = [a for spec in DATASETS if spec.name in datasets for a in dataset_assets(spec)]
    from tests.materialize import materialize_datasets
    from warehouse.lake import Lake
    result = materialize_datasets(assets, Lake.from_env(), resources={"lake": lake_resource_from_env()})
    os._exit(0 if result.success else 1)


def start_run(env: dict, datasets: list[str], *, kill: tuple[str, int, str] | None = None,
              work_log: str | None = None) -> multiprocessing.Process:
    """Start materializing the raw and staging assets of `datasets` in a child process."""
    process = _CONTEXT.Process(target=_materialize, args=(env, datasets, kill, work_log))
    process.start()
    return process


def run(env: dict, datasets: list[str], *, kill: tuple[str, int, str] | None = None, timeout: float = 120) -> int:
    """Run to the end (or to the kill) and return the exit code: 0 success, -9 killed."""
    process = start_run(env, datasets, kill=kill)
    process.join(timeout)
    if process.exitcode is None:
        process.kill()
        raise TimeoutError(f"run did not finish in {timeout} s")
    return process.exitcode
