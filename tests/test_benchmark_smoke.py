"""The benchmark's smoke run: one tiny delivery through every path, so `make bench` cannot rot."""

import json

from bench.run import main


def test_every_benchmark_path_accounts_for_every_delivered_row(tmp_path):
    assert main(["--smoke", "--work", str(tmp_path / "work"), "--out", str(tmp_path / "docs")]) == 0

    results = json.loads((tmp_path / "docs" / "benchmarks.json").read_text())
    [scale] = results["scales"]
    assert set(scale["paths"]) == {"floor_polars", "floor_duckdb", "naive", "urbanlake"}
    for name, path in scale["paths"].items():
        assert path["rows_in"] == scale["rows"], name
        assert path["rows_published"] + path["rows_quarantined"] == scale["rows"], name
    assert scale["paths"]["urbanlake"]["rows_quarantined"] > 0  # the defects reached quarantine
    assert scale["paths"]["naive"]["rows_quarantined"] > 0
    urbanlake = scale["paths"]["urbanlake"]  # the materialization alone is part of its process's wall time
    assert 0 < urbanlake["materialize_s"] < urbanlake["wall_s"]
    page = (tmp_path / "docs" / "benchmarks.md").read_text()
    assert "![wall time and peak memory against rows](benchmarks.png)" in page
    assert (tmp_path / "docs" / "benchmarks.png").stat().st_size > 10_000
