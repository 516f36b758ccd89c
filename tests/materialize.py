"""Tests' materialization of a chosen set of assets (the real assets, over the deliveries in the landing zone).

`urbanlake run` runs the jobs (pipelines/lake_run.py); tests that need only some datasets, or assets
built with their own resources, materialize those assets the same way: one run per partitioning over
the range of delivery dates present, then the unpartitioned assets.
"""

from __future__ import annotations

import dagster as dg

from assets.common.partitions import BY_NAME
from pipelines.lake_run import RANGE_END, RANGE_START, LakeRunResult, delivered_partitions
from warehouse.lake import Lake


def materialize_datasets(assets: list[dg.AssetsDefinition], lake: Lake, instance: dg.DagsterInstance | None = None,
                         resources: dict | None = None) -> LakeRunResult:
    """`dg.materialize` of assets of any partitionings: each partitioned group over the range of delivery
    dates its datasets have in the landing zone (nothing if none), then the unpartitioned assets."""
    names = {key.path[-1] for a in assets for key in a.keys}
    keys_by, _ = delivered_partitions(lake, names=names)
    outcome = LakeRunResult()
    for by, pdef in sorted(BY_NAME.items()):
        group = [a for a in assets if a.partitions_def == pdef]
        if group and keys_by.get(by):
            first, last = keys_by[by][0], keys_by[by][-1]
            outcome.results.append(dg.materialize(group, instance=instance, resources=resources, raise_on_error=False,
                                                  tags={RANGE_START: first, RANGE_END: last}))
    unpartitioned = [a for a in assets if a.partitions_def is None]
    if unpartitioned:
        outcome.results.append(dg.materialize(unpartitioned, instance=instance, resources=resources,
                                              raise_on_error=False))
    return outcome
