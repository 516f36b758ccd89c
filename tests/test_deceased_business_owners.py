"""Cross-agency join on pseudonyms: deaths against active tax registrations of individuals."""

from __future__ import annotations

import datetime as dt

import duckdb
import polars as pl
import pytest

from assets.common.factory import dataset_assets
from tests.materialize import materialize_datasets
from assets.common.pseudonyms import Pseudonymiser
from assets.cross_agency import _OWNER_INPUTS, deceased_business_owners
from assets.registry import DATASETS
from pipelines.resources import lake_resource_from_env
from sample_deliveries.generate import generate_with_report
from tests.conftest import TEST_KEY
from warehouse.lake import Lake
from warehouse.marts import run_mart
from warehouse.tables import LakeTable

NAMES = ["death_registrations", "business_registrations"]


@pytest.fixture(scope="module")
def lake(tmp_path_factory):
    home = tmp_path_factory.mktemp("owners")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("URBANLAKE_HOME", str(home))
        mp.setenv("URBANLAKE_PSEUDONYM_KEY", TEST_KEY)
        generate_with_report(home / "landing", seed=7, scale=0.002, start=dt.date(2025, 6, 30), days=3, datasets=NAMES)
        assets = [a for s in DATASETS if s.name in NAMES for a in dataset_assets(s)] + [deceased_business_owners]
        assert materialize_datasets(assets, Lake(home), resources={"lake": lake_resource_from_env()}).success
    return Lake(home)


def _table(lake: Lake, layer: str, name: str) -> pl.DataFrame:
    return LakeTable(lake, layer, name).scan().collect()


def test_the_sample_has_deaths_of_owners_of_active_household_businesses(lake):
    deaths, businesses = _table(lake, "raw", "death_registrations"), _table(lake, "raw", "business_registrations")
    owners = businesses.filter((pl.col("tax_code").str.len_chars() == 12) & (pl.col("status") == "active"))
    assert deaths.join(owners, left_on="deceased_personal_id", right_on="tax_code").height >= 3


def test_the_join_on_pseudonyms_finds_every_published_owner_death(lake):
    raw_deaths, raw_businesses = _table(lake, "raw", "death_registrations"), _table(lake, "raw", "business_registrations")
    people = set(raw_deaths["deceased_personal_id"].drop_nulls()) & set(
        raw_businesses.filter(pl.col("status") == "active")["tax_code"].drop_nulls())
    pseudonym = Pseudonymiser(TEST_KEY).pseudonym
    deaths = _table(lake, "staging", "death_registrations").filter(
        pl.col("deceased_pseudonym").is_in([pseudonym(p) for p in people]))
    businesses = _table(lake, "staging", "business_registrations").filter(
        (pl.col("taxpayer_type") == "individual") & (pl.col("status") == "active"))
    expected = (deaths.select("deceased_pseudonym", "death_month")
                .join(businesses.select("taxpayer_key", "ward_code"), left_on="deceased_pseudonym", right_on="taxpayer_key")
                .group_by("ward_code", pl.col("death_month").alias("month")).agg(pl.len().alias("n"))  # business's ward
                .sort("ward_code", "month"))
    assert expected["n"].sum() >= 2, "published deaths of business owners in the sample"

    unsuppressed = run_mart(lake, "deceased_business_owners", _OWNER_INPUTS, {"small": 1})
    found = unsuppressed.select("ward_code", "month", pl.col("active_businesses").cast(pl.UInt32).alias("n"))
    assert found.sort("ward_code", "month").equals(expected)


def test_published_counts_below_five_are_suppressed(lake):
    with duckdb.connect(str(lake.warehouse), read_only=True) as con:
        published = con.sql("select ward_code, month, active_businesses, suppressed from mart.deceased_business_owners").pl()
    true_counts = run_mart(lake, "deceased_business_owners", _OWNER_INPUTS, {"small": 1}).select(
        "ward_code", "month", "active_businesses")
    joined = true_counts.join(published, on=["ward_code", "month"], suffix="_published")
    assert joined.height == true_counts.height == published.height > 0
    for n, shown, suppressed in joined.select("active_businesses", "active_businesses_published", "suppressed").iter_rows():
        assert (shown, suppressed) == ((None, True) if n < 5 else (n, False)), n  # Decree 13/2023: 1-4 hidden


def test_a_count_at_the_threshold_is_shown_and_one_below_it_is_suppressed(lake):
    shown = run_mart(lake, "deceased_business_owners", _OWNER_INPUTS, {"small": 1})
    smallest = shown["active_businesses"].min()
    at = run_mart(lake, "deceased_business_owners", _OWNER_INPUTS, {"small": smallest})
    above = run_mart(lake, "deceased_business_owners", _OWNER_INPUTS, {"small": smallest + 1})
    key = pl.col("active_businesses").is_null()
    at_rows = at.join(shown.filter(pl.col("active_businesses") == smallest).select("ward_code", "month"),
                      on=["ward_code", "month"])
    above_rows = above.join(at_rows.select("ward_code", "month"), on=["ward_code", "month"])
    assert at_rows.height and not at_rows.filter(key | pl.col("suppressed")).height  # n == small: shown
    assert above_rows.height == at_rows.height and above_rows.filter(key & pl.col("suppressed")).height == above_rows.height


def test_the_published_mart_shows_a_ward_month_of_five_owners_and_hides_one_of_four(tmp_path):
    """The sample's counts are all below five: on staging tables built for it, one ward-month has four owner deaths
    and another five, and the asset (with its own threshold) must hide the first and show the second."""
    import dagster as dg

    from pipelines.resources import LakeResource
    lake, keys = Lake(tmp_path), [f"pseudonym-{i}" for i in range(9)]
    staged = {
        "death_registrations": pl.DataFrame({"deceased_pseudonym": keys, "death_month": [dt.date(2025, 7, 1)] * 9}),
        "business_registrations": pl.DataFrame({"taxpayer_key": keys, "ward_code": ["00004"] * 4 + ["00007"] * 5,
                                                "taxpayer_type": "individual", "status": "active"}),
    }
    for name, frame in staged.items():
        table = LakeTable(lake, "staging", name)
        table.commit("d", table.write_parts("d", frame), frame.height)
    result = dg.materialize([deceased_business_owners],
                            resources={"lake": LakeResource(home=str(tmp_path), pseudonym_key=TEST_KEY)})
    assert result.success
    published = _table(lake, "mart", "deceased_business_owners")
    assert sorted(published.select("ward_code", "active_businesses", "suppressed").rows()) == [
        ("00004", None, True), ("00007", 5, False)]
