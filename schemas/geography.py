"""Hanoi's administrative units in both eras, read offline from the `vietnamadminunits` package.

Before 1 July 2025 Hanoi had 30 district-level units and 526 communes/wards; the 2025 reform abolished
the district level and left 126 communes/wards. Codes are strings (5-digit ward, 3-digit district) and
keep their leading zeros. Ward codes overlap between eras (00004 is Trúc Bạch before, Ba Đình after),
so a code means nothing without its era.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
import importlib.util
from functools import cache
from pathlib import Path

import polars as pl

HANOI_PROVINCE_CODE = "01"
HANOI_KEY = "thanhphohanoi"
REFORM_DATE = dt.date(2025, 7, 1)  # district level abolished; new ward codes in force


def _package_data(name: str) -> Path:
    # Located, not imported: importing the package pulls in geopy and costs seconds at every start.
    return Path(importlib.util.find_spec("vietnamadminunits").submodule_search_locations[0]) / "data" / name


def _query(sql: str) -> list[tuple]:
    with sqlite3.connect(str(_package_data("dataset.db"))) as conn:
        return conn.execute(sql, (HANOI_PROVINCE_CODE,)).fetchall()


@cache
def wards_before_reform() -> pl.DataFrame:
    """The 526 communes/wards of Hanoi (with their 30 districts) in force before 1 July 2025."""
    rows = _query(
        "SELECT DISTINCT districtCode, district, districtType, wardCode, ward, wardType, "
        "wardLat, wardLon, provinceKey || '_' || districtKey || '_' || wardKey "
        "FROM admin_units_legacy WHERE provinceCode = ? ORDER BY wardCode"
    )
    return pl.DataFrame(
        rows,
        schema=["district_code", "district_name", "district_type", "ward_code", "ward_name",
                "ward_type", "latitude", "longitude", "legacy_key"],
        orient="row",
    )


@cache
def wards_2025() -> pl.DataFrame:
    """The 126 communes/wards of Hanoi created by the 2025 reform (51 wards, 75 communes)."""
    rows = _query(
        "SELECT DISTINCT wardCode, ward, wardType, wardLat, wardLon, wardAreaKm2, wardKey "
        "FROM admin_units WHERE provinceCode = ? ORDER BY wardCode"
    )
    return pl.DataFrame(
        rows,
        schema=["ward_code", "ward_name", "ward_type", "latitude", "longitude", "area_km2", "ward_key"],
        orient="row",
    )


@cache
def ward_crosswalk() -> pl.DataFrame:
    """Old (district, ward) → 2025 ward, one row per pair; split old wards have several rows.

    `is_default` marks the one new ward a record of a split old ward is assigned to when nothing more
    precise than its old ward is known (the package's default successor). `area_weight` is the new
    ward's share of the summed area of all successors of that old ward, for apportioning aggregates.
    """
    converter = json.loads(_package_data("converter_2025.json").read_text(encoding="utf-8"))
    whole = converter["DICT_PROVINCE_WARD_NO_DIVIDED"][HANOI_KEY]
    split = converter["DICT_PROVINCE_WARD_DIVIDED"][HANOI_KEY]
    new_by_key = {r["ward_key"]: r for r in wards_2025().iter_rows(named=True)}
    pairs = []
    for new_key, old_keys in whole.items():
        for old_key in old_keys:
            pairs.append((old_key, new_key, True, 1.0))
    for old_key, successors in split.items():
        total_area = sum(s["newWardAreaKm2"] for s in successors)
        for s in successors:
            pairs.append((old_key, s["newWardKey"], bool(s["isDefaultNewWard"]),
                          s["newWardAreaKm2"] / total_area))
    keyed = pl.DataFrame(pairs, schema=["legacy_key", "ward_key", "is_default", "area_weight"],
                         orient="row")
    new = pl.DataFrame(
        [(k, r["ward_code"], r["ward_name"]) for k, r in new_by_key.items()],
        schema=["ward_key", "ward_code_2025", "ward_name_2025"], orient="row",
    )
    old = wards_before_reform().select(
        "legacy_key", "district_code", "district_name", "ward_code", "ward_name"
    )
    return (
        keyed.join(old, on="legacy_key", how="inner")
        .join(new, on="ward_key", how="inner")
        .select(
            pl.col("district_code"), pl.col("district_name"),
            pl.col("ward_code").alias("ward_code_before"), pl.col("ward_name").alias("ward_name_before"),
            "ward_code_2025", "ward_name_2025", "is_default", "area_weight",
        )
        .sort("district_code", "ward_code_before", "ward_code_2025")
    )


@cache
def default_successor() -> dict[tuple[str, str], str]:
    """(district_code, old ward_code) → the 2025 ward code its records are assigned to."""
    xw = ward_crosswalk().filter(pl.col("is_default"))
    return {(d, w): n for d, w, n in xw.select("district_code", "ward_code_before", "ward_code_2025").iter_rows()}


@cache
def ward_codes_2025() -> frozenset[str]:
    return frozenset(wards_2025()["ward_code"].to_list())


@cache
def district_ward_pairs_before() -> frozenset[str]:
    """Valid `district_code/ward_code` pairs before the reform."""
    df = wards_before_reform()
    return frozenset(f"{d}/{w}" for d, w in zip(df["district_code"], df["ward_code"]))
