"""Shared fixtures: a generated landing zone and real Dagster runs of the whole lake over it."""

import datetime as dt
import json
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
    result: object  # pipelines.lake_run.LakeRunResult: the ingest runs per partitioning, then lake_job
    instance: dg.DagsterInstance

    def run_again(self):
        return run_lake_job(self.instance)

    def delivered_rows(self) -> dict[str, int]:
        """The data rows of every generated landing file (by path under landing/), counted in the file itself."""
        import polars as pl

        def rows(path: Path) -> int:
            if path.suffix == ".json":
                return len(json.loads(path.read_text(encoding="utf-8")))
            return pl.read_csv(path, infer_schema=False, encoding="utf8-lossy").height
        return {f.relative_to(self.home / "landing").as_posix(): rows(f) for f in self.report.files}


def run_lake_job(instance: dg.DagsterInstance, selection=None):
    """What `urbanlake run` does: every partition the landing zone holds, then everything unpartitioned.

    With `selection` (unpartitioned asset keys), only those, in one run of `lake_job`.
    """
    if selection is not None:
        from pipelines.definitions import defs
        return defs.resolve_job_def("lake_job").execute_in_process(
            instance=instance, raise_on_error=False, asset_selection=selection)
    from pipelines.lake_run import materialize_lake
    from warehouse.lake import Lake
    return materialize_lake(instance, Lake.from_env())


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
