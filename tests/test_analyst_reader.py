"""An analyst keeps the warehouse open read-only in another process across a full materialization."""

import datetime as dt
import json
import subprocess
import sys
import textwrap
import time

import dagster as dg
import duckdb

from sample_deliveries.generate import generate
from tests.conftest import TEST_KEY, run_lake_job

TABLES = ["staging.birth_registrations", "staging.fare_card_taps", "mart.transit_daily", "mart.ward_profile"]
QUERY = "select count(*), sum(hash(t)) from {} t"

# `kept` holds one connection for the whole run; `fresh` reconnects for every query. They run in
# separate processes: within one process DuckDB would hand `fresh` the instance `kept` holds.
READER = textwrap.dedent("""
    import json, os, sys, time, duckdb
    kind, warehouse, out, stop, tables = sys.argv[1:5] + [json.loads(sys.argv[5])]
    query = "select count(*), sum(hash(t)) from {} t"
    kept = duckdb.connect(warehouse, read_only=True) if kind == "kept" else None
    with open(out, "w") as log:
        log.write(json.dumps({"ready": True}) + "\\n"); log.flush()
        while not os.path.exists(stop):
            for table in tables:
                try:
                    con = kept or duckdb.connect(warehouse, read_only=True)
                    value = con.execute(query.format(table)).fetchone()
                    if not kept:
                        con.close()
                    log.write(json.dumps({"kind": kind, "table": table, "value": [str(v) for v in value]}) + "\\n")
                except Exception as exc:
                    log.write(json.dumps({"kind": kind, "table": table, "error": repr(exc)}) + "\\n")
            log.flush()
            time.sleep(0.1)
""")


def _snapshot(warehouse):
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return {t: [str(v) for v in con.execute(QUERY.format(t)).fetchone()] for t in TABLES}


def test_reader_is_never_blocked_and_sees_whole_versions(tmp_path, monkeypatch):
    monkeypatch.setenv("URBANLAKE_HOME", str(tmp_path))
    monkeypatch.setenv("URBANLAKE_PSEUDONYM_KEY", TEST_KEY)
    generate(tmp_path / "landing", seed=11, scale=0.002, start=dt.date(2025, 6, 30), days=1)
    instance = dg.DagsterInstance.ephemeral()
    assert run_lake_job(instance).success
    warehouse = tmp_path / "warehouse.duckdb"
    old = _snapshot(warehouse)

    stop = tmp_path / "stop"
    logs = {kind: tmp_path / f"{kind}.jsonl" for kind in ("kept", "fresh")}
    readers = [subprocess.Popen([sys.executable, "-c", READER, kind, str(warehouse), str(log), str(stop),
                                 json.dumps(TABLES)]) for kind, log in logs.items()]
    try:
        while not all(log.exists() and log.read_text() for log in logs.values()):
            time.sleep(0.05)
        generate(tmp_path / "landing", seed=11, scale=0.002, start=dt.date(2025, 7, 1), days=1)
        result = run_lake_job(instance)  # a full materialization while both readers hold the file
        time.sleep(1)
    finally:
        stop.touch()
        for reader in readers:
            reader.wait(timeout=60)
    assert result.success

    new = _snapshot(warehouse)
    assert all(old[t] != new[t] for t in TABLES), "the second delivery day must change every table"
    records = [json.loads(line) for log in logs.values() for line in log.read_text().splitlines()[1:]]
    assert not [r for r in records if "error" in r]
    kept = [r for r in records if r["kind"] == "kept"]
    fresh = [r for r in records if r["kind"] == "fresh"]
    assert kept and fresh
    assert all(r["value"] == old[r["table"]] for r in kept), "an open connection keeps its version"
    assert all(r["value"] in (old[r["table"]], new[r["table"]]) for r in fresh), "never a half-published table"
    assert any(r["value"] == new[r["table"]] for r in fresh), "a new connection sees the new version"
