"""The landing sensor: a run for each partition (delivery date) that gained a complete, new file.

Completion contract for agencies (README, "Delivering a file by hand"): a file is complete once its
size and modification time are unchanged over two consecutive ticks (a minute apart). Agencies copy
files straight into the folder, or write them under a name starting with "." and rename them when
done (an atomic rename; dot-files are never read). There is no marker file: the agencies' exports
(SFTP drops, a workbook saved from Excel) cannot reliably write one, and a forgotten marker would
hold a delivery back silently.

A stable file whose SHA-256 equals a file already taken for the same dataset (re-delivered under
another date or name, or copied again over itself) starts no run; hashes are read once per stable
version of a file. Should the file holding that content change later, its twins are requested
again (raw then ingests them after all).

The cursor lives in Dagster (so a restarted daemon neither re-launches nor misses anything):
`{"pending": {path: stamp}, "taken": {path: [stamp, sha256, twin path or null]}}`, paths relative to
the landing zone, stamp "size:mtime_ns". Files that left the landing zone are dropped from it, so it
grows with the landing zone, not with history. Each request's run key hashes its job, partition and
files' stamps: evaluating the same state twice launches nothing twice.
"""

from __future__ import annotations

import hashlib
import json

import dagster as dg

from assets.common import landing
from assets.common.dataset import DatasetSpec
from assets.common.partitions import existing_key
from assets.registry import DATASETS
from pipelines.jobs import INGEST_JOBS, checks_without_gx, daily_ingest_job, dataset_keys, lake_job, monthly_ingest_job
from pipelines.resources import LakeResource
from warehouse.lake import Lake
from warehouse.tables import sha256_file

Found = tuple[DatasetSpec, landing.Delivery, str]  # dataset, delivery, stamp


def delivered_files(lake: Lake) -> dict[str, Found]:
    """Every delivery file in the landing zone that follows the naming contract, by relative path."""
    found = {}
    for spec in DATASETS:
        for delivery in landing.discover(lake.landing, spec.agency, spec.name)[0]:  # links are not followed
            stat = delivery.path.stat()
            found[delivery.relative_path] = (spec, delivery, f"{stat.st_size}:{stat.st_mtime_ns}")
    return found


def _target(spec: DatasetSpec, delivery: landing.Delivery) -> tuple[str, str | None] | None:
    """(job name, partition key) that ingests this delivery; None if its date has no partition yet."""
    if not spec.partitioned_by:
        return lake_job.name, None
    key = existing_key(spec.partitioned_by, delivery.delivery_date)
    return (INGEST_JOBS[spec.partitioned_by].name, key) if key else None


def _run_request(asset_graph, job_name: str, partition: str | None, datasets: set[str],
                 files: dict[str, str]) -> dg.RunRequest:
    run_key = hashlib.sha256(json.dumps([job_name, partition, sorted(files.items())]).encode()).hexdigest()
    names = sorted(datasets)
    return dg.RunRequest(
        run_key=run_key, job_name=job_name, partition_key=partition, asset_selection=dataset_keys(names),
        asset_check_keys=checks_without_gx(asset_graph, set(dataset_keys(names))),
        tags={"urbanlake/datasets": ",".join(names), "urbanlake/files": str(len(files))})


@dg.sensor(jobs=[daily_ingest_job, monthly_ingest_job, lake_job], minimum_interval_seconds=60,
           default_status=dg.DefaultSensorStatus.RUNNING,
           description="Starts a run per delivery date that gained a complete, new file (not a re-delivered copy).")
def landing_sensor(context: dg.SensorEvaluationContext, lake: LakeResource) -> dg.SensorResult:
    cursor = json.loads(context.cursor) if context.cursor else {"pending": {}, "taken": {}}
    current = delivered_files(lake.lake)
    taken = {path: entry for path, entry in cursor["taken"].items() if path in current}
    holder = {(current[p][0].name, e[1]): p for p, e in taken.items() if e[2] is None}
    pending: dict[str, str] = {}
    launch: dict[tuple[str, str | None], tuple[set[str], dict[str, str]]] = {}

    def request(path: str) -> bool:
        spec, delivery, stamp = current[path]
        target = _target(spec, delivery)
        if target is None:
            context.log.warning(f"{path}: delivery date has no partition (before 2024 or in the future); waiting")
            return False
        datasets, files = launch.setdefault(target, (set(), {}))
        datasets.add(spec.name)
        files[path] = stamp
        return True

    for path, (spec, delivery, stamp) in sorted(current.items()):
        previous = taken.get(path)
        if previous and previous[0] == stamp:
            continue
        if cursor["pending"].get(path) != stamp:
            pending[path] = stamp  # new or still changing: look again next tick
            continue
        checksum = sha256_file(delivery.path)
        if previous and previous[1] == checksum:
            taken[path] = [stamp, checksum, previous[2]]  # copied again over itself: same content
            continue
        twin = holder.get((spec.name, checksum))
        if twin and twin != path:
            context.log.info(f"{path}: identical to {twin}, already taken; no run")
            taken[path] = [stamp, checksum, twin]
            continue
        if not request(path):
            pending[path] = stamp
            continue
        taken[path] = [stamp, checksum, None]
        holder[(spec.name, checksum)] = path
        if previous and previous[2] is None:  # it held content its twins relied on: they are taken after all
            if holder.get((spec.name, previous[1])) == path:
                del holder[(spec.name, previous[1])]
            for other in sorted(p for p, e in taken.items() if e[2] == path):
                content = (spec.name, taken[other][1])
                if content in holder:
                    taken[other][2] = holder[content]
                elif request(other):
                    taken[other][2] = None
                    holder[content] = other

    requests = [_run_request(context.repository_def.asset_graph, job, partition, datasets, files)
                for (job, partition), (datasets, files) in sorted(launch.items(), key=lambda t: (t[0][0], t[0][1] or ""))]
    new_cursor = json.dumps({"pending": pending, "taken": taken}, separators=(",", ":"))
    if not requests:
        return dg.SensorResult(skip_reason=f"no new complete delivery ({len(pending)} file(s) waiting to be stable)",
                               cursor=new_cursor)
    return dg.SensorResult(run_requests=requests, cursor=new_cursor)
