"""The landing sensor starts a run for a dataset once its new files are stable, and only once."""

import dagster as dg

from pipelines.definitions import defs
from pipelines.resources import LakeResource
from pipelines.sensors import landing_sensor


def _tick(instance, lake, cursor):
    context = dg.build_sensor_context(instance=instance, cursor=cursor, resources={"lake": lake},
                                      definitions=defs)
    result = landing_sensor(context)
    return result, context.cursor


def test_sensor_waits_for_a_stable_file_then_runs_its_dataset_once(tmp_path):
    lake = LakeResource(home=str(tmp_path), pseudonym_key="k" * 20)
    instance = dg.DagsterInstance.ephemeral()
    path = tmp_path / "landing/planning/construction_permits/2025-07-03/permits.csv"
    path.parent.mkdir(parents=True)
    path.write_text("permit_number\n")
    first, cursor = _tick(instance, lake, None)
    assert isinstance(first, dg.SkipReason)  # just appeared: maybe still being copied
    second, cursor = _tick(instance, lake, cursor)
    assert isinstance(second, dg.RunRequest)
    assert {k.path[1] for k in second.asset_selection} == {"construction_permits"}
    third, cursor = _tick(instance, lake, cursor)
    assert isinstance(third, dg.SkipReason)  # nothing new since
