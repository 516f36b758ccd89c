"""Materialize the whole lake in-process (`urbanlake run`, the tests): every partition the landing zone holds.

Dagster cannot mix partitions definitions in a job, so this runs the daily and the monthly ingest job
each once over the range of delivery dates present (a single run per range: the assets' backfill
policy), then the unpartitioned `lake_job` (reference, other datasets, marts, GX). A backfill of a
few partitions of some datasets (`urbanlake backfill`) runs the same way, followed by the computed
tables downstream of them.
"""

from __future__ import annotations

import datetime as dt
import os
import socket
from dataclasses import dataclass, field

import dagster as dg

from assets.common import landing
from assets.common.partitions import existing_key, partition_key
from assets.registry import DATASETS
from pipelines.jobs import INGEST_JOBS, PARTITIONED, checks_without_gx, dataset_keys
from warehouse import quality_process
from warehouse.lake import Lake

# Dagster's tags for a run over a partition range (what a single-run backfill from the UI sets).
RANGE_START, RANGE_END = "dagster/asset_partition_range_start", "dagster/asset_partition_range_end"
# Which process runs an in-process run, so a later CLI can tell that it died (see release_dead_runs).
HOST_TAG, PID_TAG = "urbanlake/host", "urbanlake/pid"


def _process_tags() -> dict[str, str]:
    # No run retries: the CLI reports a failure itself, and the daemon cannot relaunch an in-process run.
    return {HOST_TAG: socket.gethostname(), PID_TAG: str(os.getpid()), "dagster/max_retries": "0"}


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # alive, under another user
        pass
    return True


def release_dead_runs(instance: dg.DagsterInstance) -> list[str]:
    """Mark failed the in-process runs of this host whose process is gone, and free their pool slots.

    A killed `urbanlake run` would otherwise hold the "warehouse" pool slot for ever (no daemon
    monitors an in-process run), and every later run would wait for it. Returns their run ids.
    """
    released = []
    in_progress = dg.RunsFilter(statuses=[dg.DagsterRunStatus.STARTED, dg.DagsterRunStatus.STARTING],
                                tags={HOST_TAG: socket.gethostname()})
    for run in instance.get_runs(filters=in_progress):
        if _alive(int(run.tags[PID_TAG])):
            continue
        instance.report_run_failed(run, message=f"its process {run.tags.get(PID_TAG)} is gone; a later run released it")
        instance.event_log_storage.free_concurrency_slots_for_run(run.run_id)
        released.append(run.run_id)
    return released


@dataclass
class LakeRunResult:
    """The in-process runs of one materialization, read like one result (success, events, summary)."""

    results: list[dg.ExecuteInProcessResult] = field(default_factory=list)
    outside_partitions: list[str] = field(default_factory=list)  # landing files no partition covers

    @property
    def success(self) -> bool:
        return all(r.success for r in self.results)

    @property
    def run_ids(self) -> list[str]:
        return [r.run_id for r in self.results]

    @property
    def all_events(self) -> list[dg.DagsterEvent]:
        return [e for r in self.results for e in r.all_events]

    def asset_materializations_for_node(self, node_name: str) -> list[dg.AssetMaterialization]:
        return [m for r in self.results if r.job_def.has_node_named(node_name)
                for m in r.asset_materializations_for_node(node_name)]

    def get_asset_check_evaluations(self) -> list[dg.AssetCheckEvaluation]:
        return [e for r in self.results for e in r.get_asset_check_evaluations()]


def delivered_partitions(lake: Lake, now: dt.datetime | None = None,
                         names: set[str] | None = None) -> tuple[dict[str, list[str]], list[str]]:
    """Per partitioning ("day", "month"): the sorted partition keys with a delivery in the landing zone
    (of the datasets `names`, if given); and the landing files whose delivery date has no partition
    (before 2024, or in the future)."""
    keys: dict[str, set[str]] = {}
    outside = []
    for spec in DATASETS:
        if not spec.partitioned_by or (names is not None and spec.name not in names):
            continue
        for delivery in landing.discover(lake.landing, spec.agency, spec.name)[0]:
            key = existing_key(spec.partitioned_by, delivery.delivery_date, now)
            if key is None:
                outside.append(delivery.relative_path)
            else:
                keys.setdefault(spec.partitioned_by, set()).add(key)
    return {by: sorted(k) for by, k in keys.items()}, outside


def run_partition_range(instance: dg.DagsterInstance, partitioned_by: str, first: str, last: str,
                        selection: list[dg.AssetKey] | None = None, run_config: dict | None = None,
                        ) -> dg.ExecuteInProcessResult:
    """One run of the ingest job of `partitioned_by` over the partitions `first`..`last` (inclusive)."""
    from pipelines.definitions import defs

    job = defs.resolve_job_def(INGEST_JOBS[partitioned_by].name)
    if selection is not None:
        job = without_gx(job, set(selection))
    return job.execute_in_process(instance=instance, raise_on_error=False, run_config=run_config,
                                  tags={RANGE_START: first, RANGE_END: last, **_process_tags()})


def without_gx(job: dg.JobDefinition, assets: set[dg.AssetKey]) -> dg.JobDefinition:
    """The job narrowed to these assets and their checks but Great Expectations (`checks_without_gx`)."""
    from pipelines.definitions import defs

    checks = set(checks_without_gx(defs.resolve_asset_graph(), assets))
    return job.get_subset(asset_selection=assets, asset_check_selection=checks)


def materialize_lake(instance: dg.DagsterInstance, lake: Lake, run_config: dict | None = None) -> LakeRunResult:
    """Every partition present in the landing zone, then everything unpartitioned."""
    from pipelines.definitions import defs

    release_dead_runs(instance)
    ranges, outside = delivered_partitions(lake)
    outcome = LakeRunResult(outside_partitions=outside)
    with quality_process.started(lake):  # GX starts while the deliveries are ingested
        for partitioned_by, keys in ranges.items():
            outcome.results.append(run_partition_range(instance, partitioned_by, keys[0], keys[-1],
                                                       run_config=run_config))
        outcome.results.append(defs.resolve_job_def("lake_job").execute_in_process(
            instance=instance, raise_on_error=False, run_config=run_config, tags=_process_tags()))
    return outcome


def backfill(instance: dg.DagsterInstance, datasets: list[str], first: dt.date, last: dt.date,
             run_config: dict | None = None) -> LakeRunResult:
    """Re-ingest the deliveries dated `first`..`last` of these datasets, then the tables computed from them."""
    from pipelines.definitions import defs

    specs = {s.name: s for s in DATASETS}
    unknown = [n for n in datasets if n not in specs]
    if unknown:
        raise ValueError(f"unknown dataset(s) {unknown}; expected some of {sorted(specs)}")
    unpartitioned = [n for n in datasets if not specs[n].partitioned_by]
    if unpartitioned:
        raise ValueError(f"{unpartitioned} are not partitioned by delivery date: `urbanlake run` ingests them whole")
    if first > last:
        raise ValueError(f"--from {first} is after --to {last}")
    release_dead_runs(instance)
    outcome = LakeRunResult()
    for partitioned_by in sorted({specs[n].partitioned_by for n in datasets}):
        names = [n for n in datasets if specs[n].partitioned_by == partitioned_by]
        first_key, last_key = (existing_key(partitioned_by, d) for d in (first, last))
        for day, key in ((first, first_key), (last, last_key)):
            if key is None:
                raise ValueError(f"no {partitioned_by} partition {partition_key(partitioned_by, day)}: "
                                 "partitions run from 2024-01-01 to today")
        outcome.results.append(run_partition_range(instance, partitioned_by, first_key, last_key,
                                                   dataset_keys(names), run_config))
    staged = dg.AssetSelection.assets(*(dg.AssetKey(["staging", n]) for n in datasets))
    # the reference tables too: marts join them, and on a fresh lake they may not be built yet
    computed = ((staged.downstream(include_self=False) - PARTITIONED) | dg.AssetSelection.groups("reference")
                ).resolve(defs.resolve_asset_graph())
    if computed:
        job = without_gx(defs.resolve_job_def("lake_job"), set(computed))
        outcome.results.append(job.execute_in_process(instance=instance, raise_on_error=False, run_config=run_config,
                                                      tags=_process_tags()))
    return outcome
