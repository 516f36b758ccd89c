"""deploy/dagster.yaml against a real PostgreSQL server: a materialization's run and events are stored there."""

from __future__ import annotations

import shutil
from pathlib import Path

import dagster as dg
import psycopg2
import pytest
import yaml

from tests.conftest import TEST_KEY, run_lake_job
from tests.postgres_server import postgres_bin, running_postgres

PROJECT = Path(__file__).resolve().parent.parent
DEPLOY_YAML = PROJECT / "deploy" / "dagster.yaml"
REFERENCE = [dg.AssetKey(["ref", name]) for name in ("wards_before_reform", "wards_2025", "ward_crosswalk")]

pytestmark = pytest.mark.skipif(
    postgres_bin() is None,
    reason="PostgreSQL server not installed (apt-get install postgresql; .ci/run installs it)")


@pytest.fixture(scope="module")
def postgres():
    with running_postgres() as server:
        yield server


@pytest.fixture
def deployment_env(postgres, tmp_path, monkeypatch):
    """DAGSTER_HOME holding deploy/dagster.yaml, its secrets in the environment, a fresh lake."""
    home = tmp_path / "dagster_home"
    home.mkdir()
    shutil.copy(DEPLOY_YAML, home / "dagster.yaml")
    for name, value in {"DAGSTER_PG_USERNAME": postgres.user, "DAGSTER_PG_PASSWORD": postgres.password,
                        "DAGSTER_PG_HOST": postgres.host, "DAGSTER_PG_PORT": str(postgres.port),
                        "DAGSTER_PG_DB": postgres.db_name, "DAGSTER_COMPUTE_LOG_DIR": str(tmp_path / "logs"),
                        "DAGSTER_HOME": str(home), "URBANLAKE_HOME": str(tmp_path / "data"),
                        "URBANLAKE_PSEUDONYM_KEY": TEST_KEY}.items():
        monkeypatch.setenv(name, value)
    return home


def test_deployment_config_takes_every_database_secret_from_the_environment():
    db = yaml.safe_load(DEPLOY_YAML.read_text())["storage"]["postgres"]["postgres_db"]
    secrets = {k: v for k, v in db.items() if k != "scheme"}
    assert set(secrets) == {"username", "password", "hostname", "port", "db_name"}
    assert all(set(value) == {"env"} for value in secrets.values()), db


def test_deployment_instance_stores_runs_events_and_schedules_in_postgres(deployment_env, postgres):
    with dg.DagsterInstance.from_config(str(deployment_env)) as instance:
        assert type(instance.run_storage).__name__ == "PostgresRunStorage"
        assert type(instance.event_log_storage).__name__ == "PostgresEventLogStorage"
        assert type(instance.schedule_storage).__name__ == "PostgresScheduleStorage"
        assert type(instance.run_coordinator).__name__ == "QueuedRunCoordinator"
        result = run_lake_job(instance, selection=REFERENCE)
        assert result.success
        run_id = result.run_id

    with dg.DagsterInstance.from_config(str(deployment_env)) as reopened:
        assert reopened.get_run_by_id(run_id).status == dg.DagsterRunStatus.SUCCESS
        for key in REFERENCE:
            assert reopened.get_latest_materialization_event(key).run_id == run_id

    con = psycopg2.connect(host=postgres.host, port=postgres.port, user=postgres.user,
                           password=postgres.password, dbname=postgres.db_name)
    try:
        cur = con.cursor()
        cur.execute("select status from runs where run_id = %s", (run_id,))
        assert cur.fetchall() == [("SUCCESS",)]
        cur.execute("select asset_key from event_logs where run_id = %s and dagster_event_type = "
                    "'ASSET_MATERIALIZATION' order by asset_key", (run_id,))
        assert [row[0] for row in cur.fetchall()] == sorted(key.to_string() for key in REFERENCE)
        cur.execute("select to_regclass('instigators') is not null and to_regclass('job_ticks') is not null")
        assert cur.fetchone() == (True,)  # schedule and sensor state has its tables here too
    finally:
        con.close()
