"""Vietnamese Air Quality Index (VN_AQI) of Decision 1459/QĐ-TCMT (2019), vectorised with numpy and polars.

Concentrations are in µg/m³. Sub-indices stay unrounded; an index is the largest sub-index rounded
half up, and exists only when a PM2.5 or PM10 sub-index does. Ties for the dominant pollutant go to
the first of pm25, pm10, no2, so2, co, o3.

Hourly: NO2, SO2, CO and O3 (1-hour table) use the hour's value; PM2.5 and PM10 the Nowcast over the
12 hours ending at that hour, looked up by timestamp so that absent hours stay absent.

Daily (calendar day of the naive local timestamp), with 75 % completeness rules:
- PM2.5 and PM10 24-hour mean: mean of the hours present, null unless at least 18 of the 24 are present.
- O3 8-hour mean: the 17 windows [h, h+8) lying inside the day, each kept only with at least 6 of its
  8 hours present; o3_max_8h is the largest kept window (null if none).
- Largest 1-hour values (NO2, SO2, CO, O3): any hour present suffices.
hours_observed counts the hours of the day with at least one pollutant measured.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
import polars as pl
from numpy.lib.stride_tricks import sliding_window_view
from numpy.typing import ArrayLike

INDEX_LEVELS = np.array([0, 50, 100, 150, 200, 300, 400, 500], dtype=float)
# Concentration at each index level; the O3 8-hour table stops at index 300.
BREAKPOINTS: dict[str, tuple[float, ...]] = {
    "o3_1h": (0, 160, 200, 300, 400, 800, 1000, 1200),
    "o3_8h": (0, 100, 120, 170, 210, 400),
    "co": (0, 10_000, 30_000, 45_000, 60_000, 90_000, 120_000, 150_000),
    "so2": (0, 125, 350, 550, 800, 1600, 2100, 2630),
    "no2": (0, 100, 200, 700, 1200, 2350, 3100, 3850),
    "pm10": (0, 50, 150, 250, 350, 420, 500, 600),
    "pm25": (0, 25, 50, 80, 150, 250, 350, 500),
}
POLLUTANTS = ("pm25", "pm10", "no2", "so2", "co", "o3")
NOWCAST_HOURS = 12
DAY_MIN_HOURS = 18  # of 24
O3_8H_MIN_HOURS = 6  # of 8


class Category(NamedTuple):
    """An index band: its upper bound, Vietnamese and English names, and RGB colour."""

    upper: int
    name: str
    name_en: str
    colour_rgb: str


CATEGORIES = (
    Category(50, "Tốt", "good", "0,228,0"),
    Category(100, "Trung bình", "moderate", "255,255,0"),
    Category(150, "Kém", "poor", "255,126,0"),
    Category(200, "Xấu", "bad", "255,0,0"),
    Category(300, "Rất xấu", "very bad", "143,63,151"),
    Category(500, "Nguy hại", "hazardous", "126,0,35"),
)
_UPPERS = np.array([c.upper for c in CATEGORIES])


def sub_index(pollutant: str, concentration: ArrayLike | pl.Series | pl.Expr):
    """Unrounded sub-index on the `pollutant` table of an array, pl.Series or pl.Expr (null in, null out)."""
    if pollutant not in BREAKPOINTS:
        raise ValueError(f"unknown pollutant {pollutant!r}; expected one of {sorted(BREAKPOINTS)}")
    if isinstance(concentration, pl.Expr):
        return concentration.map_batches(lambda s: sub_index(pollutant, s), return_dtype=pl.Float64)
    if isinstance(concentration, pl.Series):
        values = sub_index(pollutant, concentration.cast(pl.Float64).to_numpy())
        return pl.Series(concentration.name, values, dtype=pl.Float64).fill_nan(None)
    bp = np.asarray(BREAKPOINTS[pollutant], dtype=float)
    # Above the top breakpoint the sub-index is capped at 500. The O3 8-hour table is undefined above
    # 400 µg/m³, so it gives NaN there and the caller falls back on the 1-hour table.
    right = np.nan if pollutant == "o3_8h" else INDEX_LEVELS[-1]
    c = np.asarray(concentration, dtype=float)
    return np.where(np.isnan(c), np.nan, np.interp(c, bp, INDEX_LEVELS[: bp.size], right=right))[()]


def round_half_up(x: ArrayLike):
    """Round half up, floor(x + 0.5), not to even; NaN stays NaN."""
    # Rounding to 9 decimals first stops float noise from tipping a true .5 down: O3 161.2 µg/m³
    # interpolates to 51.499999999999986, not 51.5.
    return np.floor(np.round(np.asarray(x, dtype=float), 9) + 0.5)[()]


def category(index: int) -> Category:
    """Category of one VN_AQI value between 0 and 500."""
    if not 0 <= index <= 500:
        raise ValueError(f"VN_AQI must lie in 0-500, got {index}")
    return CATEGORIES[int(np.searchsorted(_UPPERS, index))]


def _pick(choices, pos: np.ndarray) -> list:
    """choices[pos] for each position; the position just past the end stands for null."""
    return np.array([*choices, None], dtype=object)[pos].tolist()


def category_columns(index: ArrayLike) -> pl.DataFrame:
    """Columns category, category_en and colour_rgb for an array of indices, null where NaN."""
    index = np.asarray(index, dtype=float)
    pos = np.where(np.isnan(index), len(CATEGORIES), np.searchsorted(_UPPERS, np.nan_to_num(index)))
    return pl.DataFrame(
        {name: pl.Series(name, _pick([c[field] for c in CATEGORIES], pos), dtype=pl.String)
         for name, field in (("category", 1), ("category_en", 2), ("colour_rgb", 3))}
    )


def nowcast(values: ArrayLike):
    """Nowcast of hourly windows, latest hour first on the last axis (at most 12 hours, NaN = absent)."""
    c = np.asarray(values, dtype=float)
    if c.shape[-1] > NOWCAST_HOURS:
        raise ValueError(f"a Nowcast window holds at most {NOWCAST_HOURS} hours, got {c.shape[-1]}")
    pad = [(0, 0)] * (c.ndim - 1) + [(0, NOWCAST_HOURS - c.shape[-1])]
    c = np.pad(c, pad, constant_values=np.nan)
    present = ~np.isnan(c)
    with np.errstate(invalid="ignore", divide="ignore"):
        ratio = np.fmin.reduce(c, axis=-1) / np.fmax.reduce(c, axis=-1)
        # When Cmax is 0 the ratio is NaN, w falls to 1/2 and the Nowcast is 0, as it should.
        w = np.where(ratio > 0.5, ratio, 0.5)
        weights = np.where(present, w[..., None] ** np.arange(NOWCAST_HOURS), 0.0)
        result = (weights * np.nan_to_num(c)).sum(axis=-1) / weights.sum(axis=-1)
    enough = present[..., :3].sum(axis=-1) >= 2
    return np.where(enough, result, np.nan)[()]


def _prepare(observations: pl.DataFrame) -> pl.DataFrame:
    """Checked copy of the observations with Float64 pollutant columns."""
    missing = {"station_id", "date_observed", *POLLUTANTS} - set(observations.columns)
    if missing:
        raise ValueError(f"observations lack columns {sorted(missing)}")
    df = observations.select("station_id", "date_observed", *(pl.col(p).cast(pl.Float64) for p in POLLUTANTS))
    checks = df.select(
        null_key=pl.any_horizontal(pl.col("station_id", "date_observed").is_null()).any(),
        off_the_hour=(pl.col("date_observed").dt.truncate("1h") != pl.col("date_observed")).any(),
        duplicate_hour=pl.struct("station_id", "date_observed").is_duplicated().any(),
    ).row(0, named=True)
    failed = [name for name, bad in checks.items() if bad]
    if failed:
        raise ValueError(f"observations are not one row per station and whole hour: {failed}")
    return df


def _summarise(frame: pl.DataFrame, subs: dict[str, np.ndarray]) -> pl.DataFrame:
    """Add the sub-indices, vn_aqi, dominant_pollutant and category columns; NaN becomes null."""
    matrix = np.column_stack([subs[p] for p in POLLUTANTS])
    has_pm = ~np.isnan(matrix[:, :2]).all(axis=1)
    index = np.where(has_pm, round_half_up(np.fmax.reduce(matrix, axis=1)), np.nan)
    top = np.where(has_pm, np.argmax(np.nan_to_num(matrix, nan=-1.0), axis=1), len(POLLUTANTS))
    frame = frame.with_columns(
        *(pl.Series(f"aqi_{p}", subs[p], dtype=pl.Float64) for p in POLLUTANTS),
        vn_aqi=pl.Series(index, dtype=pl.Float64).fill_nan(None).cast(pl.Int64),
        dominant_pollutant=pl.Series(_pick(POLLUTANTS, top), dtype=pl.String),
    )
    frame = frame.with_columns(pl.col(pl.Float64).fill_nan(None))
    return pl.concat([frame, category_columns(index)], how="horizontal")


def hourly_index(observations: pl.DataFrame) -> pl.DataFrame:
    """Hourly VN_AQI, one row per observation in input order (PM by Nowcast, gases by the hour's value)."""
    df = _prepare(observations)
    station = df["station_id"].rank("dense").to_numpy().astype(np.int64)
    hour = df["date_observed"].dt.epoch("s").to_numpy() // 3600
    # A key per (station, hour) lets each row find the 11 hours before it by timestamp, gaps included.
    key = (station << 32) + hour
    order = np.argsort(key)
    sorted_key = key[order]
    wanted = key[:, None] - np.arange(NOWCAST_HOURS)
    slot = np.minimum(np.searchsorted(sorted_key, wanted), max(df.height - 1, 0))
    found = sorted_key[slot] == wanted
    rows = order[slot]

    def windows(column: str) -> np.ndarray:
        return np.where(found, df[column].to_numpy()[rows], np.nan)

    pm25, pm10 = nowcast(windows("pm25")), nowcast(windows("pm10"))
    subs = {"pm25": sub_index("pm25", pm25), "pm10": sub_index("pm10", pm10)}
    subs |= {p: sub_index(p, df[p].to_numpy()) for p in ("no2", "so2", "co")}
    subs["o3"] = sub_index("o3_1h", df["o3"].to_numpy())
    frame = df.select("station_id", "date_observed").with_columns(
        pm25_nowcast=pl.Series(pm25, dtype=pl.Float64), pm10_nowcast=pl.Series(pm10, dtype=pl.Float64)
    )
    return _summarise(frame, subs)


def _window_means(grid: np.ndarray, width: int, min_hours: int) -> np.ndarray:
    """Means of every `width`-hour window of each row of an hourly grid, NaN below `min_hours` present."""
    windows = sliding_window_view(grid, width, axis=1)
    count = (~np.isnan(windows)).sum(axis=-1)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(count >= min_hours, np.nan_to_num(windows).sum(axis=-1) / count, np.nan)


def daily_index(observations: pl.DataFrame) -> pl.DataFrame:
    """Daily VN_AQI, one row per station and calendar day, sorted by station_id and date."""
    df = _prepare(observations).with_columns(date=pl.col("date_observed").dt.date())
    keys = df.select("station_id", "date").unique().sort("station_id", "date").with_row_index("day")
    df = df.join(keys, on=["station_id", "date"], how="left")
    day, hour = df["day"].to_numpy(), df["date_observed"].dt.hour().to_numpy()
    grids = {}
    for p in POLLUTANTS:  # one (station-day x 24 hours) grid per pollutant
        grids[p] = np.full((keys.height, 24), np.nan)
        grids[p][day, hour] = df[p].to_numpy()
    stats = {
        "pm25_24h": _window_means(grids["pm25"], 24, DAY_MIN_HOURS)[:, 0],
        "pm10_24h": _window_means(grids["pm10"], 24, DAY_MIN_HOURS)[:, 0],
        **{f"{p}_max_1h": np.fmax.reduce(grids[p], axis=1) for p in ("no2", "so2", "co", "o3")},
        "o3_max_8h": np.fmax.reduce(_window_means(grids["o3"], 8, O3_8H_MIN_HOURS), axis=1),
    }
    subs = {
        "pm25": sub_index("pm25", stats["pm25_24h"]),
        "pm10": sub_index("pm10", stats["pm10_24h"]),
        **{p: sub_index(p, stats[f"{p}_max_1h"]) for p in ("no2", "so2", "co")},
        # fmax ignores the NaN that the 8-hour table gives above 400 µg/m³, leaving the 1-hour sub-index.
        "o3": np.fmax(sub_index("o3_1h", stats["o3_max_1h"]), sub_index("o3_8h", stats["o3_max_8h"])),
    }
    hours_observed = (~np.isnan(np.stack(list(grids.values())))).any(axis=0).sum(axis=1)
    frame = keys.drop("day").with_columns(pl.Series(name, v, dtype=pl.Float64) for name, v in stats.items())
    return _summarise(frame, subs).with_columns(hours_observed=pl.Series(hours_observed, dtype=pl.Int64))
