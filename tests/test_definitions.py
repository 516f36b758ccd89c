"""The code location passes Dagster's validation, and the embedded dagster.yaml loads as an
instance with the run queue, the warehouse pool, run monitoring and run retries it promises."""

import os
import shutil
from pathlib import Path

import dagster as dg

from pipelines.definitions import defs

PROJECT = Path(__file__).resolve().parent.parent


def test_definitions_pass_dagster_validation():
    # what `dagster definitions validate -m pipelines.definitions` checks, without a second interpreter
    dg.Definitions.validate_loadable(defs)
    assert {j.name for j in defs.resolve_all_job_defs()} >= {"lake_job", "daily_ingest_job", "monthly_ingest_job"}


def test_embedded_instance_queues_runs_limits_the_warehouse_pool_monitors_and_retries(tmp_path, monkeypatch):
    shutil.copy(PROJECT / "dagster.yaml", tmp_path / "dagster.yaml")
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path))  # the yaml reads it for its SQLite storage
    with dg.DagsterInstance.from_config(str(tmp_path)) as instance:
        config = instance.get_concurrency_config()
        assert config.run_queue_config.max_concurrent_runs == 2
        assert config.pool_config.default_pool_limit == 1
        assert instance.run_monitoring_enabled
        assert instance.run_retries_enabled and instance.run_retries_max_retries == 2
        assert not instance.run_retries_retry_on_asset_or_op_failure
        assert not instance.telemetry_enabled
    pools = {defs.resolve_assets_def(key).op.pool for key in
             [dg.AssetKey(["staging", "traffic_counts"]), dg.AssetKey(["mart", "ward_profile"]),
              dg.AssetKey(["ref", "wards_2025"])]}
    assert pools == {"warehouse"}
    assert defs.resolve_assets_def(dg.AssetKey(["raw", "traffic_counts"])).op.pool is None


def test_a_killed_cli_run_releases_its_warehouse_slot_for_the_next_run():
    import socket
    import subprocess

    from pipelines.lake_run import HOST_TAG, PID_TAG, release_dead_runs

    finished = subprocess.Popen(["true"])
    finished.wait()  # a pid whose process is gone, like a `urbanlake run` killed with SIGKILL
    with dg.instance_for_test(overrides={"concurrency": {"pools": {"default_limit": 1}}}) as instance:
        host = socket.gethostname()
        dead = dg.DagsterRun(job_name="daily_ingest_job", status=dg.DagsterRunStatus.STARTED,
                             tags={HOST_TAG: host, PID_TAG: str(finished.pid)})
        alive = dg.DagsterRun(job_name="lake_job", status=dg.DagsterRunStatus.STARTED,
                              tags={HOST_TAG: host, PID_TAG: str(os.getpid())})
        for run in (dead, alive):
            instance.add_run(run)
        storage = instance.event_log_storage
        storage.initialize_concurrency_limit_to_default("warehouse")
        assert storage.claim_concurrency_slot("warehouse", dead.run_id, "stage_traffic_counts").is_claimed

        assert release_dead_runs(instance) == [dead.run_id]
        assert storage.get_concurrency_info("warehouse").active_slot_count == 0
        assert instance.get_run_by_id(dead.run_id).status == dg.DagsterRunStatus.FAILURE
        assert instance.get_run_by_id(alive.run_id).status == dg.DagsterRunStatus.STARTED


def test_shared_deployment_instance_keeps_the_embedded_queue_pools_monitoring_retries_and_telemetry():
    # Dagster's yaml has no includes: the two files repeat these blocks, and must not drift apart
    import yaml

    embedded, shared = (yaml.safe_load((PROJECT / f).read_text()) for f in ("dagster.yaml", "deploy/dagster.yaml"))
    for block in ("telemetry", "concurrency", "run_monitoring", "run_retries"):
        assert shared[block] == embedded[block], block
