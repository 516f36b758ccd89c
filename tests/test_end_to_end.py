"""A real Dagster run over generated deliveries: accounting, warehouse, Parquet, quarantine, idempotence.

Expected figures come from the landing files and the generator's record of injected defects, never
from the lake's own numbers.
"""

import json
import re
import shutil
from pathlib import Path

import duckdb
import polars as pl

from assets.registry import DATASETS
from pipelines.summary import failed_checks

PERSONAL_ID = re.compile(r"^\d{12}$")


def _warehouse(home: Path):
    return duckdb.connect(str(home / "warehouse.duckdb"), read_only=True)


def test_run_succeeds_with_every_check_passing(lake_run):
    assert lake_run.result.success
    assert failed_checks(lake_run.result) == []
    evaluated = {e.asset_check_evaluation_data.check_name for e in lake_run.result.all_events
                 if e.event_type_value == "ASSET_CHECK_EVALUATION"}
    assert {"row_accounting", "shared_contract", "contract"} <= evaluated


def test_every_delivered_row_is_published_or_quarantined(lake_run):
    with _warehouse(lake_run.home) as con:
        ledger = pl.from_arrow(con.sql("select * from raw.deliveries where status = 'published'").arrow())
    delivered = lake_run.delivered_rows()
    assert dict(zip(ledger["source_file"], ledger["rows_in"])) == delivered
    assert (ledger["rows_in"] == ledger["rows_published"] + ledger["rows_quarantined"]).all()
    assert set(ledger["dataset"]) == {s.name for s in DATASETS}


# The rules that can catch each kind of defect the generator injects (a rule name, or the start of pandera's label).
RULES_FOR_DEFECT = {
    "date_in_future": ("date_in_future",),
    "duplicate_key": ("field_uniqueness", "multiple_fields_uniqueness"),
    "missing_required": ("not_nullable",),
    "unknown_ward": ("ward_known_in_era",),
    "unknown_value": ("isin(",),
    "bad_format": ("str_matches(", "leading_zeros_lost"),  # a code cut short reads as one that lost its zeros
    "out_of_range": ("in_range(", "online_needs_level_3"),  # a service level below 3 on an online record
    "unparseable_value": ("type",),
    "id_lost_leading_zeros": ("leading_zeros_lost",),
    "id_sex_mismatch": ("child_id_agrees", "parent_ids_agree", "deceased_id_agrees", "spouse_ids_agree"),
    "id_year_mismatch": ("child_id_agrees", "parent_ids_agree", "deceased_id_agrees", "spouse_ids_agree"),
    "tax_code_check_digit": ("tax_code_check_digit",),
    "tax_code_branch_000": ("tax_code_check_digit",),  # a branch suffix 000 is the head office's own code
    "tax_code_bad_province": ("tax_code_check_digit",),  # a 12-digit code is a citizen ID: province 001-096
    "registered_before_birth": ("registered_after_birth",),
    "death_before_birth": ("death_before_birth",),
    "below_marriage_age": ("below_marriage_age",),
    "window_order": ("window_order",),
    "online_needs_level_3": ("online_needs_level_3",),
    "on_time_flag_inconsistent": ("on_time_flag_inconsistent",),
    "resolved_before_submitted": ("resolved_before_submitted",),
}


def test_quarantine_holds_exactly_the_injected_defects_with_reasons(lake_run):
    landing = lake_run.home / "landing"
    injected = {(Path(d["file"]).relative_to(landing).as_posix(), d["row"]): d["defect"] for d in lake_run.report.defects}
    with _warehouse(lake_run.home) as con:
        tables = [s.name for s in DATASETS]
        quarantined = pl.concat([pl.from_arrow(con.sql(
            f"select source_file, row_number, rule, reason from quarantine.{t}").arrow()) for t in tables])
    assert set(zip(quarantined["source_file"], quarantined["row_number"])) == set(injected)
    assert quarantined["reason"].null_count() == 0 and quarantined["rule"].null_count() == 0
    for source_file, row, rule in quarantined.select("source_file", "row_number", "rule").iter_rows():
        defect = injected[(source_file, row)]
        assert rule.startswith(RULES_FOR_DEFECT[defect]), (source_file, row, defect, rule)
    assert quarantined["rule"].n_unique() >= 10  # many kinds of defect, each named by its rule


def test_warehouse_has_a_schema_per_layer_and_no_raw_personal_data(lake_run):
    with _warehouse(lake_run.home) as con:
        tables = {tuple(r) for r in con.sql("select table_schema, table_name from information_schema.tables").fetchall()}
        for spec in DATASETS:
            assert ("staging", spec.name) in tables and ("quarantine", spec.name) in tables
            assert ("raw", spec.name) not in tables
        assert {("ref", "wards_2025"), ("ref", "wards_before_reform"), ("ref", "ward_crosswalk"),
                ("raw", "deliveries"), ("staging", "air_quality_hourly_index")} <= tables
        assert con.sql("select count(*) from ref.wards_2025").fetchone() == (126,)
        shared_text = []
        for spec in DATASETS:
            frame = pl.from_arrow(con.sql(f"select * from staging.{spec.name}").arrow())
            shared_text += [v for c, t in frame.schema.items() if t == pl.String for v in frame[c].drop_nulls()]
    assert not [v for v in shared_text if PERSONAL_ID.match(v)], "a 12-digit personal ID reached the shared zone"
    births = pl.concat([pl.read_csv(f, infer_schema=False) for f in lake_run.report.files
                        if "birth_registrations" in str(f)])
    assert not set(births["child_full_name"].drop_nulls()) & set(shared_text)


def test_staging_rows_are_on_the_2025_geography_partitioned_by_month(lake_run):
    with _warehouse(lake_run.home) as con:
        codes = {r[0] for r in con.sql("select ward_code from ref.wards_2025").fetchall()}
        births = pl.from_arrow(con.sql("select * from staging.birth_registrations").arrow())
    assert set(births["ward_code"]) <= codes
    assert births["source_district_code"].null_count() < births.height  # pre-reform rows were keyed by district
    table_dir = lake_run.home / "lake/staging/birth_registrations"
    parts = sorted(p.name for p in table_dir.iterdir() if p.is_dir())
    assert parts and all(re.fullmatch(r"period=\d{4}-\d{2}", p) for p in parts)
    assert set(births["period"]) == {p.removeprefix("period=") for p in parts}
    on_disk = sum(pl.read_parquet(f).height for f in table_dir.rglob("*.parquet"))
    assert on_disk == births.height  # no stale version left once the grace period is over


def test_second_run_is_idempotent(lake_env):
    def snapshot():
        with _warehouse(lake_env.home) as con:
            return {s.name: con.sql(f"select count(*), sum(hash(t)) from staging.{s.name} t").fetchone()
                    for s in DATASETS}
    before = snapshot()
    result = lake_env.run_again()
    assert result.success
    staged = [m.metadata["deliveries_staged"].value for m in result.asset_materializations_for_node(
        "stage_birth_registrations") if m.asset_key.path[0] == "staging"]
    assert staged == [0]
    assert snapshot() == before


def test_redelivered_identical_file_is_not_ingested_twice(lake_env):
    landing = lake_env.home / "landing"
    original = next(f for f in lake_env.report.files if "construction_permits" in str(f))
    copy = landing / "planning/construction_permits/2025-07-09" / original.name
    copy.parent.mkdir(parents=True)
    shutil.copy(original, copy)
    with _warehouse(lake_env.home) as con:
        before = con.sql("select count(*) from staging.construction_permits").fetchone()
    try:
        assert lake_env.run_again().success
        with _warehouse(lake_env.home) as con:
            assert con.sql("select count(*) from staging.construction_permits").fetchone() == before
        manifest = json.loads((lake_env.home / "lake/raw/construction_permits/_manifest.json").read_text())
        assert manifest["deliveries"][f"2025-07-09/{original.name}"]["duplicate_of"].endswith(original.name)
    finally:
        shutil.rmtree(copy.parent)
