"""Transport department: hourly traffic counts per counter and vehicle type (the previous day's windows).

Motorcycles are about 80% of the flow; flows peak at the morning and evening rush and speeds drop then.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import polars as pl

from sample_deliveries import defects as d
from sample_deliveries import geo
from sample_deliveries.common import ISO_DATETIME, Run, Table, days_since_epoch, datetime_series, old_era, to_strings

VEHICLES = ("motorcycle", "car", "bus", "truck", "bicycle")
SHARE = np.array([0.80, 0.14, 0.012, 0.02, 0.028])
FREE_SPEED = np.array([35.0, 40.0, 24.0, 35.0, 14.0])


def counters(run: Run) -> dict:
    def build():
        rng = run.rng("traffic_counters")
        n = run.volume(300, 3)
        return {"id": [f"HN-TC-{i + 1:04d}" for i in range(n)], "place": geo.pick(rng, n),
                "capacity": rng.lognormal(np.log(2500), 0.5, n), "has_speed": rng.random(n) < 0.9}
    return run.cached("traffic_counters", build)


def _profile(hour: np.ndarray) -> np.ndarray:
    """Share of the peak hour's flow: a night trough, rush peaks at 7-9 and 17-19."""
    bump = lambda c, w: np.exp(-(((hour - c) / w) ** 2))  # noqa: E731
    return np.clip(0.04 + 0.55 * bump(12.5, 5.5) + 0.5 * bump(7.8, 1.3) + 0.55 * bump(17.8, 1.5), 0, 1.2)


def traffic_counts(run: Run, delivery: dt.date) -> Table:
    c = counters(run)
    day = delivery - dt.timedelta(days=1)
    rng = run.rng("traffic", delivery)
    k = len(c["id"])
    counter = np.repeat(np.arange(k), 24 * len(VEHICLES))
    hour = np.tile(np.repeat(np.arange(24), len(VEHICLES)), k)
    vtype = np.tile(np.arange(len(VEHICLES)), 24 * k)
    n = len(counter)
    night = (hour >= 22) | (hour < 5)
    share = SHARE[vtype] * np.where(vtype == 3, np.where(night, 4.0, 0.5), 1.0)
    weekend = 0.8 if day.weekday() >= 5 else 1.0
    mean = c["capacity"][counter] * _profile(hour) * share * weekend * rng.lognormal(0, 0.1, n)
    intensity = rng.poisson(mean)
    congestion = 0.5 * _profile(hour) * (c["capacity"][counter] / 2500) ** 0.3
    speed = np.round(np.clip(FREE_SPEED[vtype] * (1 - np.minimum(congestion, 0.7)) * rng.lognormal(0, 0.08, n), 3, 90), 1)
    speed = np.where(c["has_speed"][counter] & (intensity > 0), speed, np.nan)
    start = days_since_epoch(day) * 86400 + hour * 3600
    era = old_era(np.full(n, days_since_epoch(day)))
    district, ward = geo.keys(c["place"][counter], era)
    frame = pl.DataFrame([
        pl.Series("counter_id", [c["id"][i] for i in counter]),
        pl.Series("district_code", district, dtype=pl.String), pl.Series("ward_code", ward, dtype=pl.String),
        datetime_series("window_start", start), datetime_series("window_end", start + 3600),
        pl.Series("vehicle_type", [VEHICLES[v] for v in vtype]),
        pl.Series("intensity", intensity.astype(np.int64)),
        pl.Series("average_speed_kmh", speed, nan_to_null=True),
    ])
    defects = [d.replace("out_of_range", "intensity", ["-5", "-1", "45000"]), _window_reversed(), d.unknown_ward(),
               d.duplicate(), d.replace("out_of_range", "average_speed_kmh", ["400.0", "-12.5"]),
               d.replace("unknown_value", "vehicle_type", ["tractor", "xe máy", "Motorcycle"]),
               d.future_datetime("window_start", "window_end"),
               d.missing("counter_id", "vehicle_type", "intensity", "window_end"),
               d.unparseable("intensity", ["abc", "1,234", "N/A"])]
    return Table("transport", "traffic_counts", delivery, f"traffic_counts_{delivery.isoformat()}.csv",
                 to_strings(frame), era, defects)


def _window_reversed() -> d.Defect:
    """The window ends an hour before it starts (the key, the start, is untouched)."""
    def apply(row, ctx):
        start = dt.datetime.strptime(row["window_start"], ISO_DATETIME)
        row["window_end"] = (start - dt.timedelta(hours=1)).strftime(ISO_DATETIME)
    return d.Defect("window_order", apply,
                    lambda row, ctx: row["window_start"] is not None and row["window_end"] is not None)
