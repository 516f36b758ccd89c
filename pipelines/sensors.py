"""A sensor on the landing zone: a new or changed delivery file starts a run for its dataset.

A file is taken only once it is stable (same size and modification time on two consecutive ticks),
so a delivery still being copied is not ingested half-written.
"""


import hashlib
import json

import dagster as dg

from assets.registry import DATASETS
from pipelines.jobs import lake_job
from assets.common.landing_paths import landing_files
from pipelines.resources import LakeResource


def landing_state(lake: LakeResource) -> dict[str, dict[str, str]]:
    """dataset → {relative path: "size:mtime"} of every file in its landing folder."""
    state = {}
    for spec in DATASETS:
        base = lake.lake.landing / spec.agency / spec.name
        files, _ = landing_files(lake.lake.landing, base)  # links are not followed, as in ingestion
        state[spec.name] = {p.relative_to(base).as_posix(): f"{p.stat().st_size}:{p.stat().st_mtime_ns}"
                            for p in files}
    return state


@dg.sensor(job=lake_job, minimum_interval_seconds=60, default_status=dg.DefaultSensorStatus.RUNNING,
           description="Starts a run for the datasets whose landing folder gained or changed files.")
def landing_sensor(context: dg.SensorEvaluationContext, lake: LakeResource):
    cursor = json.loads(context.cursor) if context.cursor else {"seen": {}, "launched": {}}
    current = landing_state(lake)
    changed = [name for name, files in current.items()
               if files and files == cursor["seen"].get(name) and files != cursor["launched"].get(name)]
    launched = {**cursor["launched"], **{name: current[name] for name in changed}}
    context.update_cursor(json.dumps({"seen": current, "launched": launched}))
    if not changed:
        return dg.SkipReason("no new, changed and stable delivery in the landing zone")
    selection = [dg.AssetKey([layer, name]) for name in changed for layer in ("raw", "staging", "quarantine")]
    run_key = hashlib.sha256(json.dumps({n: current[n] for n in changed}, sort_keys=True).encode()).hexdigest()
    return dg.RunRequest(run_key=run_key, asset_selection=selection, tags={"changed_datasets": ",".join(changed)})
