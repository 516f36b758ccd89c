"""The pseudonym key: a secret from the environment, never logged or stored; the demo's key is labelled as such."""

from __future__ import annotations

import datetime as dt
import hashlib

import dagster as dg
import duckdb
import pytest

from assets.common.factory import dataset_assets
from assets.common.pseudonyms import DEMO_PSEUDONYM_KEY, DEMO_WARNING, KEY_VARIABLE, Pseudonymiser
from assets.registry import DATASETS
from pipelines import cli
from pipelines.resources import lake_resource_from_env
from sample_deliveries.generate import generate_with_report

SECRET = "a-secret-only-this-test-knows-5f3c9e"
DEATHS = next(s for s in DATASETS if s.name == "death_registrations")


@pytest.fixture
def fresh_env(tmp_path, monkeypatch):
    monkeypatch.setenv("URBANLAKE_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path / "dagster"))
    for name in (KEY_VARIABLE, "URBANLAKE_DEMO"):
        monkeypatch.setenv(name, "placeholder")  # so that monkeypatch restores the variable's absence
        monkeypatch.delenv(name)
    return tmp_path / "home"


def _materialize_deaths(home, key, instance=None) -> dg.ExecuteInProcessResult:
    generate_with_report(home / "landing", seed=3, scale=0.002, start=dt.date(2025, 7, 1), days=1,
                         datasets=[DEATHS.name])
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv(KEY_VARIABLE, key)
        return dg.materialize(dataset_assets(DEATHS), resources={"lake": lake_resource_from_env()},
                              instance=instance, raise_on_error=False)


def test_pseudonyms_are_keyed_not_plain_hashes():
    person = "001085012345"
    a, b = Pseudonymiser("k" * 16), Pseudonymiser("other-key-0123456")
    assert a.pseudonym(person) == a.pseudonym(person) != b.pseudonym(person)
    assert a.pseudonym(person) not in (hashlib.sha256(person.encode()).hexdigest()[:20],
                                       hashlib.md5(person.encode()).hexdigest()[:20])
    assert "k" * 16 not in repr(a)


def test_running_outside_the_demo_without_a_key_stops_with_a_clear_message(fresh_env, capsys):
    with pytest.raises(SystemExit) as stopped:
        cli.main(["run"])
    message = str(stopped.value.code)
    assert f"{KEY_VARIABLE} is not set" in message and "--demo" in message and "Traceback" not in message


def test_the_demo_uses_the_builtin_key_and_says_it_protects_nothing(fresh_env, capsys):
    cli.prepare_environment(demo=True)
    assert cli.os.environ[KEY_VARIABLE] == DEMO_PSEUDONYM_KEY
    assert DEMO_WARNING in capsys.readouterr().err and "NOT protected" in DEMO_WARNING


def test_a_missing_key_fails_a_dagster_run_naming_the_variable(fresh_env):
    with pytest.raises(dg.DagsterInvalidConfigError, match=KEY_VARIABLE):
        dg.materialize(dataset_assets(DEATHS), resources={"lake": lake_resource_from_env()})


def test_a_demo_lake_is_labelled_and_refuses_a_production_key(fresh_env):
    assert _materialize_deaths(fresh_env, DEMO_PSEUDONYM_KEY).success
    with duckdb.connect(str(fresh_env / "warehouse.duckdb"), read_only=True) as con:
        assert con.sql("select key_kind from main.pseudonym_key").fetchone() == ("demo",)
    mixed = _materialize_deaths(fresh_env, SECRET)
    assert not mixed.success
    failure = next(e for e in mixed.all_events if e.event_type_value == "STEP_FAILURE")
    assert "made with a demo key" in failure.step_failure_data.error.message


def test_the_key_is_in_no_log_no_run_record_and_no_file(fresh_env, capfd):
    instance = dg.DagsterInstance.ephemeral()
    result = _materialize_deaths(fresh_env, SECRET, instance)
    assert result.success
    output = capfd.readouterr()
    assert SECRET not in output.out + output.err
    records = instance.all_logs(result.run_id)
    assert records and not [r for r in records if SECRET in str(r)]
    assert SECRET not in str(instance.get_run_by_id(result.run_id))
    config = result.dagster_run.run_config
    assert SECRET not in str(config)
    secret = SECRET.encode()
    leaks = [p for p in fresh_env.rglob("*") if p.is_file() and secret in p.read_bytes()]
    assert leaks == []
