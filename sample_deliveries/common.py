"""What every sector generator shares: the run's parameters, seeded random streams, volumes, time helpers.

Every random draw comes from a numpy Generator derived from (seed, stream name, day), never from
Python's salted `hash`, so the same seed, scale, start and days give byte-identical deliveries.
"""

from __future__ import annotations

import datetime as dt
import zlib
from dataclasses import dataclass, field

import numpy as np
import polars as pl

from schemas.geography import REFORM_DATE

EPOCH = dt.date(1970, 1, 1)
ISO_DATE = "%Y-%m-%d"
VN_DATE = "%d/%m/%Y"  # what the justice department's registry software exports
ISO_DATETIME = "%Y-%m-%dT%H:%M:%S"

# Share of a weekday's volume handled on Saturday / Sunday by offices that close at the weekend.
OFFICE_WEEK = (1.0, 1.0, 1.0, 1.0, 1.0, 0.35, 0.1)
TRANSIT_WEEK = (1.0, 1.0, 1.0, 1.0, 1.0, 0.8, 0.7)


@dataclass(frozen=True)
class Run:
    """The parameters of one generation run; every generator gets it."""

    seed: int
    scale: float
    start: dt.date
    days: int
    cache: dict = field(default_factory=dict, compare=False, hash=False, repr=False)

    def rng(self, stream: str, day: dt.date | None = None) -> np.random.Generator:
        """An independent random stream per (seed, stream name, day)."""
        key = [self.seed & 0xFFFFFFFF, self.seed >> 32, zlib.crc32(stream.encode("utf-8"))]
        if day is not None:
            key.append(day.toordinal())
        return np.random.default_rng(np.random.SeedSequence(key))

    def volume(self, per_day: float, minimum: int, day: dt.date | None = None,
               week: tuple[float, ...] | None = None) -> int:
        """max(minimum, round(per_day · scale · weekday factor))."""
        factor = week[day.weekday()] if (week and day is not None) else 1.0
        return max(minimum, int(round(per_day * self.scale * factor)))

    def delivery_dates(self) -> list[dt.date]:
        return [self.start + dt.timedelta(days=i) for i in range(self.days)]

    def cached(self, key, build):
        """Memoise pools (business register, stops, stations) shared across days of one run."""
        if key not in self.cache:
            self.cache[key] = build()
        return self.cache[key]


@dataclass
class Table:
    """One delivery before it is written: string columns (None = empty), plus what the writer needs."""

    agency: str
    dataset: str
    delivery: dt.date
    file_name: str
    frame: pl.DataFrame
    old_era: np.ndarray  # bool per row: the event date is before the reform
    defects: list = field(default_factory=list)
    fmt: str = "csv"  # or "json"
    encoding: str = "utf-8"
    date_format: str = ISO_DATE
    nfd_columns: tuple[str, ...] = ()
    group: np.ndarray | None = None  # rows of the same output file (air quality: one file per station)
    context: dict = field(default_factory=dict)  # what dataset-specific defects need


def days_since_epoch(d: dt.date) -> int:
    return (d - EPOCH).days


def date_series(name: str, days: np.ndarray) -> pl.Series:
    """Days since 1970-01-01 → a polars Date column."""
    return pl.Series(name, np.asarray(days, dtype=np.int32)).cast(pl.Date)


def datetime_series(name: str, seconds: np.ndarray) -> pl.Series:
    """Seconds since 1970-01-01 (local wall time) → a polars Datetime column."""
    return pl.from_epoch(pl.Series(name, np.asarray(seconds, dtype=np.int64)), time_unit="s")


def old_era(event_days: np.ndarray) -> np.ndarray:
    """True where the event date (days since epoch) falls before 1 July 2025."""
    return np.asarray(event_days) < days_since_epoch(REFORM_DATE)


def weighted_choice(rng: np.random.Generator, values, weights, size: int) -> np.ndarray:
    """Draw `size` items of `values` with relative `weights` (returns a numpy array of the values)."""
    p = np.asarray(weights, dtype=float)
    return np.asarray(values, dtype=object)[rng.choice(len(p), size=size, p=p / p.sum())]


def day_spread(rng: np.random.Generator, delivery: dt.date, n: int,
               lags=(0, 1, 2, 3), weights=(0.2, 0.65, 0.1, 0.05)) -> np.ndarray:
    """Event dates of a daily delivery: mostly the previous day, some the same day or a little older."""
    lag = rng.choice(np.asarray(lags), size=n, p=np.asarray(weights) / np.sum(weights))
    return days_since_epoch(delivery) - lag


def to_strings(frame: pl.DataFrame, date_format: str = ISO_DATE,
               datetime_format: str = ISO_DATETIME) -> pl.DataFrame:
    """Format every column as text, the way it will appear in the file (null stays null)."""
    exprs = []
    for name, dtype in frame.schema.items():
        col = pl.col(name)
        if dtype == pl.Date:
            exprs.append(col.dt.strftime(date_format))
        elif dtype == pl.Datetime:
            exprs.append(col.dt.strftime(datetime_format))
        elif dtype == pl.Boolean:
            exprs.append(pl.when(col).then(pl.lit("true")).when(col.not_()).then(pl.lit("false")))
        else:
            exprs.append(col.cast(pl.String))
    return frame.select(e.alias(n) for e, n in zip(exprs, frame.columns))
