"""Where things happen: old (district, ward) places with their default 2025 successor, keyed by era.

A place is an old ward; its 2025 code is the crosswalk's default successor, so the old and new keys of
one fixed site (a station, a counter, a stop) always agree. A row gets the keys of its own era:
district + old ward before 1 July 2025, the 2025 ward alone (no district) from then on.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import numpy as np
import polars as pl

from schemas import geography


@dataclass(frozen=True)
class Places:
    district: np.ndarray  # old district code per old ward
    ward_before: np.ndarray  # old ward code
    ward_2025: np.ndarray  # default 2025 successor
    lat: np.ndarray
    lon: np.ndarray
    weight: np.ndarray  # relative population weight (urban wards are denser)
    name_before: np.ndarray
    name_2025: np.ndarray


@cache
def places() -> Places:
    old = geography.wards_before_reform()
    xw = geography.ward_crosswalk().filter(pl.col("is_default"))
    new_names = geography.wards_2025().select("ward_code", pl.col("ward_name").alias("name_2025"))
    df = (old.join(xw.select("district_code", pl.col("ward_code_before").alias("ward_code"), "ward_code_2025"),
                   on=["district_code", "ward_code"], how="inner")
          .join(new_names, left_on="ward_code_2025", right_on="ward_code", how="left")
          .sort("ward_code"))
    urban = (df["district_type"] == "Quận").to_numpy()
    weight = np.where(urban, 3.0, 1.0) * np.where((df["ward_type"] == "Phường").to_numpy(), 1.5, 1.0)
    return Places(
        district=df["district_code"].to_numpy().astype(object),
        ward_before=df["ward_code"].to_numpy().astype(object),
        ward_2025=df["ward_code_2025"].to_numpy().astype(object),
        lat=df["latitude"].to_numpy(), lon=df["longitude"].to_numpy(),
        weight=weight / weight.sum(),
        name_before=df["ward_name"].to_numpy().astype(object),
        name_2025=df["name_2025"].to_numpy().astype(object),
    )


def pick(rng: np.random.Generator, n: int) -> np.ndarray:
    """Indices of `n` places, denser in urban wards."""
    p = places()
    return rng.choice(len(p.district), size=n, p=p.weight)


def keys(idx: np.ndarray, old_era: np.ndarray) -> tuple[list, list]:
    """(district_code, ward_code) columns for places `idx` in the era of each row."""
    p = places()
    old_era = np.asarray(old_era, dtype=bool)
    district = np.where(old_era, p.district[idx], None)
    ward = np.where(old_era, p.ward_before[idx], p.ward_2025[idx])
    return district.tolist(), ward.tolist()


def ward_key_columns(idx: np.ndarray, old_era: np.ndarray) -> list[pl.Series]:
    district, ward = keys(idx, old_era)
    return [pl.Series("district_code", district, dtype=pl.String), pl.Series("ward_code", ward, dtype=pl.String)]


@cache
def old_pairs() -> frozenset[tuple[str, str]]:
    df = geography.wards_before_reform()
    return frozenset(zip(df["district_code"], df["ward_code"]))


@cache
def codes_2025() -> tuple[str, ...]:
    return tuple(sorted(geography.ward_codes_2025()))


@cache
def districts() -> tuple[str, ...]:
    return tuple(sorted(set(geography.wards_before_reform()["district_code"])))


@cache
def old_only_ward_codes() -> tuple[str, ...]:
    """Old ward codes that are not 2025 codes: unknown after the reform."""
    return tuple(sorted(set(geography.wards_before_reform()["ward_code"]) - set(codes_2025())))
