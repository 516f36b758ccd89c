"""The code location passes Dagster's validation, and the embedded dagster.yaml loads as an
instance with the run queue, the warehouse pool, run monitoring and run retries it promises."""

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
