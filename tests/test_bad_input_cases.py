"""The corpus of real-world delivery defects (tests/cases/cases.csv), each through a real Dagster run.

Per dataset: a fresh lake, the baseline deliveries of `tests/cases/<dataset>/_baseline/` published by a
materialization of the dataset's raw and staging assets (from `pipelines.definitions`), then every case
file of that dataset delivered as `delivered_as` and a second materialization. Every case is its own
test; the lake of a dataset is shared by its cases, which use keys of their own, so one case cannot
hide another's outcome. The table says what must happen; these tests hold the lake to it.
"""

from __future__ import annotations

import csv
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

import dagster as dg
import polars as pl
import pytest

from assets.common.ingest import tables
from assets.registry import DATASETS
from tests.conftest import TEST_KEY
from warehouse.build import delivery_ledger
from warehouse.lake import Lake

CASES_DIR = Path(__file__).parent / "cases"
CASES = list(csv.DictReader((CASES_DIR / "cases.csv").open(encoding="utf-8")))
SPECS = {spec.name: spec for spec in DATASETS}
BASELINE = "_baseline"
SHOWN_VALUE_LIMIT = 300  # a quarantined value is shortened to 200 characters plus its length


@dataclass
class CorpusRun:
    """A dataset's lake after its baseline and then every case of the corpus were delivered."""

    lake: Lake
    result: dg.ExecuteInProcessResult
    ledger: dict[str, dict]
    staging: pl.DataFrame
    quarantine: pl.DataFrame
    baseline_before: pl.DataFrame
    baseline_after: pl.DataFrame


def materialize(spec):
    """The dataset's raw and staging assets as the code location defines them (checks included), over
    every partition (delivery date) of the landing zone if the dataset is partitioned."""
    from pipelines.definitions import defs
    from tests.materialize import materialize_datasets
    assets = [defs.resolve_assets_def(dg.AssetKey([layer, spec.name])) for layer in ("raw", "staging")]
    return materialize_datasets(assets, Lake.from_env())  # the assets carry the lake resource of the definitions


def _frame(table) -> pl.DataFrame:
    scan = table.scan()
    return pl.DataFrame() if scan is None else scan.collect()


def _baseline_rows(spec, lake: Lake, keep: set[str]) -> pl.DataFrame:
    _, staging, quarantine = tables(spec, lake)
    published = _frame(staging)
    return (published.filter(pl.col("source_delivery").is_in(sorted(keep))).drop("period", strict=False)
            .sort(pl.all()))


def _run_corpus(spec, home: Path) -> CorpusRun:
    lake = Lake(home)
    folder = lake.landing / spec.agency / spec.name
    shutil.copytree(CASES_DIR / spec.name / BASELINE, folder)
    first = materialize(spec)
    assert first.success, "the baseline deliveries did not materialize"
    cases = [c for c in CASES if c["dataset"] == spec.name]
    redelivered = {c["delivered_as"] for c in cases}
    baseline = {p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()} - redelivered
    before = _baseline_rows(spec, lake, baseline)
    for case in cases:
        target = folder / case["delivered_as"]
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(CASES_DIR / case["file"], target)
    result = materialize(spec)
    _, staging, quarantine = tables(spec, lake)
    ledger = {row["delivery"]: row for row in delivery_ledger(lake).filter(pl.col("dataset") == spec.name).to_dicts()}
    return CorpusRun(lake, result, ledger, _frame(staging), _frame(quarantine), before,
                     _baseline_rows(spec, lake, baseline))


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    """The corpus run of a dataset, made on first use and shared by that dataset's cases."""
    runs: dict[str, CorpusRun | Exception] = {}

    def run(dataset: str) -> CorpusRun:
        if dataset not in runs:
            home = tmp_path_factory.mktemp(dataset)
            with pytest.MonkeyPatch.context() as mp:
                mp.setenv("URBANLAKE_HOME", str(home))
                mp.setenv("URBANLAKE_PSEUDONYM_KEY", TEST_KEY)
                try:
                    runs[dataset] = _run_corpus(SPECS[dataset], home)
                except Exception as err:  # reported by every case of the dataset, not re-run for each
                    runs[dataset] = err
        if isinstance(runs[dataset], Exception):
            raise runs[dataset]
        return runs[dataset]
    return run


def _of(frame: pl.DataFrame, column: str, delivery: str) -> pl.DataFrame:
    return frame.filter(pl.col(column) == delivery) if frame.height else frame


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_defective_delivery_has_the_outcome_the_corpus_defines(case, corpus):
    run = corpus(case["dataset"])
    delivery, outcome = case["delivered_as"], case["outcome"]
    assert run.result.success, "the run failed instead of rejecting or quarantining"
    entry = run.ledger[delivery]
    published = _of(run.staging, "source_delivery", delivery)
    quarantined = _of(run.quarantine, "delivery", delivery)
    said = " | ".join([entry["status"], entry["unknown_columns"] or "", *quarantined["reason"].to_list()])
    assert case["reason_contains"] in said

    if outcome in ("rejected", "duplicate"):
        assert entry["status"].startswith("rejected: " if outcome == "rejected" else "duplicate of ")
        assert published.height == 0 and quarantined.height == 0, "rows published from a file not ingested"
        return
    assert outcome == "ingested" and entry["status"] == "published"
    rows_in = entry["rows_in"]
    assert (entry["rows_published"], entry["rows_quarantined"]) == (int(case["published"]), int(case["quarantined"]))
    assert rows_in == published.height + quarantined["row_number"].n_unique()  # recounted from the Parquet files
    assert set(quarantined["rule"].unique()) == ({r for r in case["rules"].split(";") if r} if quarantined.height else set())
    assert all(len(v) <= SHOWN_VALUE_LIMIT for v in quarantined["offending_value"].drop_nulls())
    if case["published_value"]:
        column, value = case["published_value"].split("=", 1)
        assert value.replace("\\n", "\n") in published[column].cast(pl.String).to_list()


@pytest.mark.parametrize("dataset", sorted({c["dataset"] for c in CASES}))
def test_the_corpus_leaves_the_rest_of_the_lake_untouched_and_balanced(dataset, corpus):
    run = corpus(dataset)
    assert run.baseline_before.height > 0
    assert run.baseline_after.equals(run.baseline_before), "a defective delivery changed another delivery's rows"
    checks = {e.check_name: e.passed for e in run.result.get_asset_check_evaluations()}
    assert checks == {"row_accounting": True, "shared_contract": True}
    for delivery, entry in run.ledger.items():
        if entry["status"] == "published":
            assert entry["rows_in"] == entry["rows_published"] + entry["rows_quarantined"], delivery


def test_every_case_file_exists_and_every_case_file_is_in_the_table():
    listed = {c["file"] for c in CASES}
    on_disk = {p.relative_to(CASES_DIR).as_posix() for p in CASES_DIR.rglob("*")
               if p.is_file() and p.name != "cases.csv" and f"/{BASELINE}/" not in f"/{p.relative_to(CASES_DIR).as_posix()}"}
    assert listed == on_disk
    assert len({c["id"] for c in CASES}) == len(CASES)
    assert {c["outcome"] for c in CASES} <= {"ingested", "rejected", "duplicate"}


def cases_markdown() -> str:
    """The corpus as the table of docs/reliability.md (`python -m tests.test_bad_input_cases` prints it)."""
    lines = ["| case | dataset | defect | what must happen |", "|---|---|---|---|"]
    lines += [f"| `{c['id']}` | {c['dataset']} | {c['defect']} | {c['expected']} |".replace("\n", " ") for c in CASES]
    return "\n".join(lines)


def test_reliability_doc_lists_every_case_of_the_corpus():
    doc = (Path(__file__).parent.parent / "docs" / "reliability.md").read_text(encoding="utf-8")
    assert cases_markdown() in doc, "regenerate the table: python -m tests.test_bad_input_cases"


@pytest.mark.parametrize("dataset", sorted({c["dataset"] for c in CASES}))
def test_every_rule_the_corpus_quarantines_by_is_named_in_the_contracts_doc(dataset, corpus):
    """An agency reading a quarantine row can look its rule up in docs/contracts.md."""
    contracts = (Path(__file__).parent.parent / "docs" / "contracts.md").read_text(encoding="utf-8")
    cells = [re.split(r"(?<!\\)\|", line) for line in contracts.splitlines() if line.startswith("| `")]
    named = set(re.findall(r"`([^`]+)`", contracts)) | {  # rules in backticks, and each column's checks
        check.strip().replace("\\|", "|") for row in cells if len(row) == 6 for check in row[4].split(";")}
    rules = corpus(dataset).quarantine["rule"].unique().to_list()
    assert rules and [r for r in rules if r not in named] == []


if __name__ == "__main__":
    print(cases_markdown())
