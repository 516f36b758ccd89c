"""The per-dataset lock: one run at a time ingests or stages a dataset, whatever process it runs in.

Two runs of the same dataset (a sensor's and a backfill's, or two hosts on shared storage) would
otherwise read the same manifests, each publish the same delivery, and the later commit would
replace rows the earlier one had checked for duplicate keys. The lock is a file lock in the lake,
held for a whole step (landing → raw, or raw → staging + quarantine), so the second run waits and
then finds the work done (both steps are idempotent). It is released when the process dies, SIGKILL
included, since the kernel drops the `flock`.
"""

from __future__ import annotations

import functools
import os

from filelock import FileLock, Timeout

from warehouse.lake import Lake

# How long a step waits for another run of the same dataset before failing with a clear error.
LOCK_TIMEOUT_SECONDS = float(os.environ.get("URBANLAKE_LOCK_TIMEOUT_SECONDS", 3600))


class DatasetBusy(RuntimeError):
    """Another run held the dataset's lock for longer than the timeout."""


def dataset_lock_path(lake: Lake, dataset: str):
    return lake.lake / ".locks" / f"{dataset}.lock"


def dataset_lock(lake: Lake, dataset: str) -> FileLock:
    path = dataset_lock_path(lake, dataset)
    path.parent.mkdir(parents=True, exist_ok=True)
    return FileLock(str(path), timeout=LOCK_TIMEOUT_SECONDS)


def one_run_per_dataset(step):
    """Decorate `step(spec, lake, ...)` so that it holds the dataset's lock for its whole duration."""
    @functools.wraps(step)
    def locked(spec, lake: Lake, *args, **kwargs):
        try:
            with dataset_lock(lake, spec.name):
                return step(spec, lake, *args, **kwargs)
        except Timeout as err:
            raise DatasetBusy(f"{spec.name}: another run has held {err.lock_file} for more than "
                              f"{LOCK_TIMEOUT_SECONDS:.0f} s; not ingesting in parallel with it") from err
    return locked
