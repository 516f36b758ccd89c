"""Planning department: daily construction permits and the first-day cadastral snapshot of parcels."""

from __future__ import annotations

import datetime as dt

import numpy as np
import polars as pl

from sample_deliveries import defects as d
from sample_deliveries import geo
from sample_deliveries.common import (OFFICE_WEEK, Run, Table, date_series, day_spread, days_since_epoch,
                                      old_era, to_strings, weighted_choice)

USE_TYPES = {"residential": 72, "mixed_use": 11, "commercial": 9, "public": 5, "industrial": 3}
# floors: (low, high) per use type; footprint m²: (median, sigma)
FLOORS = {"residential": (2, 7), "mixed_use": (5, 30), "commercial": (3, 25), "public": (2, 9), "industrial": (1, 4)}
FOOTPRINT = {"residential": (70, 0.4), "mixed_use": (1200, 0.7), "commercial": (600, 0.8), "public": (900, 0.6),
             "industrial": (3000, 0.8)}
STATUSES = {"issued": 88, "amended": 8, "expired": 2.5, "revoked": 1.5}
ZONING = {"R": 55, "A": 12, "C": 8, "G": 8, "M": 6, "P": 6, "I": 3, "T": 2}
ZONING_AREA = {"R": (90, 0.6), "A": (1500, 0.9), "C": (400, 0.9), "G": (2500, 1.0), "M": (800, 0.8),
               "P": (2000, 0.9), "I": (8000, 0.9), "T": (3000, 1.2)}


def _parcel_ids(rng, ward: list, n: int, numbers: np.ndarray | None = None) -> list[str]:
    sheet = rng.integers(1, 150, n)
    number = rng.integers(1, 3000, n) if numbers is None else numbers
    return [f"{w}-{s}-{k}" for w, s, k in zip(ward, sheet.tolist(), number.tolist())]


def _lognormal(rng, table: dict, kinds: np.ndarray) -> np.ndarray:
    median = np.array([table[k][0] for k in kinds], dtype=float)
    sigma = np.array([table[k][1] for k in kinds], dtype=float)
    return median * np.exp(sigma * rng.standard_normal(len(kinds)))


def permits(run: Run, delivery: dt.date) -> Table:
    rng = run.rng("permits", delivery)
    n = run.volume(120, 20, delivery, OFFICE_WEEK)
    issued = np.sort(day_spread(rng, delivery, n))
    era = old_era(issued)
    district, ward = geo.keys(geo.pick(rng, n), era)
    use = weighted_choice(rng, list(USE_TYPES), list(USE_TYPES.values()), n)
    low = np.array([FLOORS[u][0] for u in use])
    high = np.array([FLOORS[u][1] for u in use])
    floors = low + np.floor(rng.beta(2, 3, n) * (high - low + 1)).astype(int)
    area = np.round(_lognormal(rng, FOOTPRINT, use) * floors, 1)
    cap = run.volume(120, 20) * 2
    base = (delivery.timetuple().tm_yday - 1) * cap
    frame = pl.DataFrame([
        pl.Series("permit_number", [f"{base + i + 1}/GPXD" for i in range(n)]),
        pl.Series("district_code", district, dtype=pl.String), pl.Series("ward_code", ward, dtype=pl.String),
        date_series("issue_date", issued),
        pl.Series("parcel_id", _parcel_ids(rng, ward, n)),
        pl.Series("use_type", use.tolist()),
        pl.Series("floors", floors),
        pl.Series("floor_area_m2", np.clip(area, 20, 400_000)),
        pl.Series("status", weighted_choice(rng, list(STATUSES), list(STATUSES.values()), n).tolist()),
    ])
    defects = [d.replace("out_of_range", "floors", ["0", "-3", "150"]), d.unknown_ward(), d.duplicate(),
               d.missing("parcel_id", "use_type", "issue_date", "floors"), d.future_date("issue_date"),
               d.replace("out_of_range", "floor_area_m2", ["0", "-85.5", "750000"]),
               d.unparseable("floors", ["abc", "5 tầng", "N/A"]),
               d.replace("bad_format", "parcel_id", lambda row, ctx: row["parcel_id"].replace("-", "/")),
               d.replace("unknown_value", "use_type", ["housing", "nhà ở", "other"]),
               d.replace("unknown_value", "status", ["pending", "đã cấp"])]
    return Table("planning", "construction_permits", delivery, f"permits_{delivery.isoformat()}.csv",
                 to_strings(frame), era, defects)


def parcels(run: Run, delivery: dt.date) -> Table:
    rng = run.rng("parcels", delivery)
    n = run.volume(20_000, 20)
    first = days_since_epoch(dt.date(2008, 1, 1))
    surveyed = rng.integers(first, days_since_epoch(delivery), n)
    era = old_era(surveyed)
    district, ward = geo.keys(geo.pick(rng, n), era)
    zoning = weighted_choice(rng, list(ZONING), list(ZONING.values()), n)
    numbers = 1 + (np.arange(n, dtype=np.int64) * 7919 + int(rng.integers(0, 99_999))) % 99_999  # distinct
    frame = pl.DataFrame([
        pl.Series("parcel_id", _parcel_ids(rng, ward, n, numbers)),
        pl.Series("district_code", district, dtype=pl.String), pl.Series("ward_code", ward, dtype=pl.String),
        pl.Series("zoning_class", zoning.tolist()),
        pl.Series("area_m2", np.round(np.clip(_lognormal(rng, ZONING_AREA, zoning), 12, 5_000_000), 1)),
        date_series("surveyed_on", surveyed),
    ])
    defects = [d.unknown_ward(), d.duplicate(), d.replace("out_of_range", "area_m2", ["0", "-120.5", "25000000"]),
               d.replace("unknown_value", "zoning_class", ["X", "ODT", "r"]), d.future_date("surveyed_on"),
               d.missing("zoning_class", "area_m2", "parcel_id"),
               d.replace("bad_format", "parcel_id", lambda row, ctx: row["parcel_id"].replace("-", "")),
               d.unparseable("area_m2", ["1.234,5", "abc", "N/A"])]
    return Table("planning", "land_parcels", delivery, f"parcels_{delivery.isoformat()}.csv",
                 to_strings(frame), era, defects)
