"""Shared fixtures: a generated landing zone and a real Dagster run of the lake job over it."""

import datetime as dt
import os
from dataclasses import dataclass
from pathlib import Path

import dagster as dg
import pytest

os.environ.setdefault("GX_ANALYTICS_ENABLED", "False")
os.environ.setdefault("DAGSTER_DISABLE_TELEMETRY", "1")

TEST_KEY = "test-pseudonym-key-0123456789"


@dataclass
class LakeRun:
    home: Path
    report: object  # sample_deliveries.generate.Report
    result: dg.ExecuteInProcessResult
    instance: dg.DagsterInstance

    def run_again(self) -> dg.ExecuteInProcessResult:
        return run_lake_job(self.instance)


def run_lake_job(instance: dg.DagsterInstance, selection=None) -> dg.ExecuteInProcessResult:
    from pipelines.definitions import defs
    job = defs.resolve_job_def("lake_job")
    return job.execute_in_process(instance=instance, raise_on_error=False, asset_selection=selection)


@pytest.fixture(scope="session")
def lake_run(tmp_path_factory) -> LakeRun:
    """Two days of tiny deliveries either side of the 2025 reform, materialized once for the session."""
    from sample_deliveries.generate import generate_with_report

    home = tmp_path_factory.mktemp("urbanlake")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("URBANLAKE_HOME", str(home))
        mp.setenv("URBANLAKE_PSEUDONYM_KEY", TEST_KEY)
        mp.setenv("URBANLAKE_GC_GRACE_SECONDS", "0")
        report = generate_with_report(home / "landing", seed=7, scale=0.002, start=dt.date(2025, 6, 30), days=2)
        instance = dg.DagsterInstance.ephemeral()
        result = run_lake_job(instance)
        yield LakeRun(home, report, result, instance)


@pytest.fixture
def lake_env(lake_run, monkeypatch):
    """The environment of the session's lake, for tests that run the job again."""
    monkeypatch.setenv("URBANLAKE_HOME", str(lake_run.home))
    monkeypatch.setenv("URBANLAKE_PSEUDONYM_KEY", TEST_KEY)
    return lake_run
