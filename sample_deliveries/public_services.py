"""One-stop offices: administrative procedure records, the source of the online-services indicators.

Each procedure has a fixed online service level and processing time. Only level 3-4 procedures can be
submitted online, at a share (40-75%) that varies by ward. A delivery lists the dossiers of the last
six weeks with their state on the delivery date: about 90% resolved, mostly on time.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import polars as pl

from sample_deliveries import defects as d
from sample_deliveries import geo
from sample_deliveries.common import (ISO_DATETIME, OFFICE_WEEK, Run, Table, datetime_series, days_since_epoch,
                                      old_era, to_strings)

# (portal code, online service level, processing days, relative volume)
PROCEDURES = [
    ("1.001193", 4, 3, 10), ("1.000656", 4, 3, 4), ("1.000894", 3, 5, 5), ("2.000635", 4, 3, 8),
    ("2.000908", 2, 3, 14), ("1.001022", 4, 5, 6), ("1.003583", 3, 10, 3), ("1.004873", 3, 15, 4),
    ("1.009994", 4, 7, 5), ("1.000775", 2, 5, 3), ("1.002755", 3, 10, 3), ("1.001612", 4, 5, 6),
    ("1.000080", 1, 15, 2), ("1.004227", 3, 12, 3), ("1.008001", 2, 7, 2), ("1.005388", 4, 3, 5),
    ("1.001009", 3, 15, 2), ("1.003005", 1, 10, 1), ("1.009972", 4, 5, 4), ("1.000689", 2, 10, 2),
]
LOOKBACK_DAYS = 42


def online_shares(run: Run) -> np.ndarray:
    return run.cached("online_shares", lambda: run.rng("online_shares").uniform(0.40, 0.75, len(geo.places().district)))


def procedure_records(run: Run, delivery: dt.date) -> Table:
    rng = run.rng("procedures", delivery)
    n = run.volume(15_000, 20, delivery, OFFICE_WEEK)
    code, level, days, volume = (np.array(c) for c in zip(*PROCEDURES))
    proc = rng.choice(len(PROCEDURES), size=n, p=volume / volume.sum())
    place = geo.pick(rng, n)
    online = (level[proc] >= 3) & (rng.random(n) < online_shares(run)[place])
    sub_day = days_since_epoch(delivery) - rng.integers(1, LOOKBACK_DAYS + 1, n)
    office = rng.integers(int(7.5 * 3600), 17 * 3600, n)
    anytime = np.clip(rng.normal(14 * 3600, 4.5 * 3600, n), 0, 86399).astype(np.int64)
    submitted = sub_day * 86400 + np.where(online, anytime, office)
    due = submitted + days[proc] * 86400
    late = rng.random(n) < 0.12
    duration = np.where(late, days[proc] * 86400 + rng.uniform(0.5, 6, n) * 86400,
                        rng.uniform(0.1, 0.95, n) * days[proc] * 86400).astype(np.int64)
    resolved_at = submitted + duration
    resolved = resolved_at < days_since_epoch(delivery) * 86400
    district, ward = geo.keys(place, old_era(sub_day))
    stamp = delivery.strftime("%y%m%d")
    frame = pl.DataFrame([
        pl.Series("district_code", district, dtype=pl.String), pl.Series("ward_code", ward, dtype=pl.String),
        pl.Series("procedure_code", code[proc].tolist()),
        datetime_series("submitted_at", submitted),
        pl.Series("channel", np.where(online, "online", "offline").tolist()),
        pl.Series("online_service_level", level[proc].astype(np.int64)),
        datetime_series("due_at", due),
        datetime_series("resolved_at", resolved_at).set(pl.Series(~resolved), None),
        pl.Series("resolved_on_time", np.where(resolved, resolved_at <= due, None).tolist(), dtype=pl.Boolean),
    ]).sort("submitted_at", maintain_order=True)
    frame.insert_column(0, pl.Series("record_id", [f"H01-{stamp}-{i + 1:06d}" for i in range(n)]))
    era = old_era(frame["submitted_at"].dt.date().cast(pl.Int32).to_numpy())
    defects = [_online_at_level_2(), _on_time_flipped(), _resolved_before_submitted(), d.unknown_ward(),
               d.duplicate(), d.replace("out_of_range", "online_service_level", ["5", "0"]),
               d.replace("bad_format", "procedure_code", ["1.00119", "3.001193", "TTHC-1193"]),
               d.missing("procedure_code", "channel", "submitted_at", "due_at"),
               d.future_datetime("submitted_at", "due_at", "resolved_at"),
               d.replace("unknown_value", "channel", ["email", "trực tuyến", "Online"])]
    return Table("public_services", "procedure_records", delivery, f"procedures_{delivery.isoformat()}.csv",
                 to_strings(frame), era, defects)


def _online_at_level_2() -> d.Defect:
    def apply(row, ctx):
        row["channel"], row["online_service_level"] = "online", "2"
    return d.Defect("online_needs_level_3", apply)


def _on_time_flipped() -> d.Defect:
    def apply(row, ctx):
        row["resolved_on_time"] = "false" if row["resolved_on_time"] == "true" else "true"
    return d.Defect("on_time_flag_inconsistent", apply, lambda row, ctx: row["resolved_on_time"] is not None)


def _resolved_before_submitted() -> d.Defect:
    def apply(row, ctx):
        submitted = dt.datetime.strptime(row["submitted_at"], ISO_DATETIME)
        row["resolved_at"] = (submitted - dt.timedelta(hours=ctx.rnd.randint(1, 72))).strftime(ISO_DATETIME)
        row["resolved_on_time"] = "true"
    return d.Defect("resolved_before_submitted", apply, lambda row, ctx: row["resolved_on_time"] is not None)
