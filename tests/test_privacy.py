"""Nothing personal in the shared zone: every table and column of the lake (but raw) and of the warehouse."""

from __future__ import annotations

import polars as pl

from tests.conftest import TEST_KEY
from tests.privacy_scan import Needles, scan_frame, scan_shared_zone, shared_parquet_files
from warehouse.lake import Lake


def test_shared_zone_holds_no_id_name_card_or_date_of_birth_of_the_sample(lake_run):
    lake = Lake(lake_run.home)
    needles = Needles.from_restricted_zone(lake)
    assert len(needles.ids) > 100 and len(needles.names) > 100 and needles.cards and needles.births
    hits, scanned = scan_shared_zone(lake, needles)
    assert scanned > 40 and len(shared_parquet_files(lake)) > 20
    assert hits == [], "personal data in the shared zone:\n" + "\n".join(hits)


def test_the_scanner_flags_personal_values_planted_in_a_shared_table(lake_run):
    needles = Needles.from_restricted_zone(Lake(lake_run.home))
    person, name, card = sorted(needles.ids)[0], sorted(needles.names)[0], sorted(needles.cards)[0]
    born = next(d for d in sorted(needles.births) if d.day != 1)
    planted = pl.DataFrame({
        "ward_code": ["00004"] * 2, "note": [f"paid by {person}", None], "holder": [None, name],
        "card": [card, None], "other_id": ["079203000123", None], "birth_date": [born, None],
        "pseudonym": ["0123456789012abcdef0", None],  # a pseudonym with a digit run is not a hit
        "column": ["deceased_date_of_birth", "x"], "offending_value": [born.strftime("%d/%m/%Y"), None],
    })
    hits = scan_frame(planted, "staging.planted", needles)
    assert hits == ["staging.planted.note: personal ID of the sample", "staging.planted.note: 12-digit number",
                    "staging.planted.holder: name or address of the sample",
                    "staging.planted.card: card id of the sample", "staging.planted.other_id: 12-digit number",
                    "staging.planted.birth_date: exact date of birth",
                    "staging.planted.offending_value: date of birth of the sample (in a quarantine row)"]


def test_the_pseudonym_key_is_in_no_file_of_the_lake_or_the_warehouse(lake_run):
    secret = TEST_KEY.encode()
    files = [p for p in lake_run.home.rglob("*") if p.is_file() and "landing" not in p.parts]
    assert any(p.name == "warehouse.duckdb" for p in files)
    assert [p for p in files if secret in p.read_bytes()] == []
