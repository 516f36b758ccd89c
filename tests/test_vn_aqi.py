"""VN_AQI (Decision 1459/QĐ-TCMT) against worked examples computed by hand from the rules."""

import datetime as dt
import math

import numpy as np
import polars as pl
import pytest

from assets.environment.vn_aqi import (
    POLLUTANTS,
    category,
    category_columns,
    daily_index,
    hourly_index,
    nowcast,
    round_half_up,
    sub_index,
)

DAY = dt.datetime(2024, 3, 1)


def at(hour: int) -> dt.datetime:
    return DAY + dt.timedelta(hours=hour)


def observations(rows: list[dict]) -> pl.DataFrame:
    """Observation frame from partial rows; pollutants left out are null."""
    full = [{"station_id": "HN-AQ-001", **{p: None for p in POLLUTANTS}, **row} for row in rows]
    schema = {"station_id": pl.String, "date_observed": pl.Datetime("us"), **{p: pl.Float64 for p in POLLUTANTS}}
    return pl.DataFrame(full, schema=schema)


def hours(values: dict[int, float], pollutant: str, **extra) -> list[dict]:
    return [{"date_observed": at(h), pollutant: v, **extra} for h, v in values.items()]


# --- sub-indices -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("pollutant", "concentration", "expected"),
    [
        ("pm25", 37.5, 75.0),  # band 25-50: 50 + (100-50)/(50-25)*(37.5-25) = 50 + 2*12.5 = 75
        ("pm25", 10.0, 20.0),  # band 0-25: 0 + 50/25*10 = 20
        ("pm10", 385.0, 250.0),  # band 350-420: 200 + (300-200)/(420-350)*(385-350) = 200 + 100/70*35 = 250
        ("no2", 450.0, 125.0),  # band 200-700: 100 + 50/500*(450-200) = 100 + 25 = 125
        ("so2", 237.5, 75.0),  # band 125-350: 50 + 50/225*(237.5-125) = 50 + 50/225*112.5 = 75
        ("co", 20_000.0, 75.0),  # band 10000-30000: 50 + 50/20000*10000 = 75
        ("co", 100_000.0, 1000 / 3),  # band 90000-120000: 300 + 100/30000*10000 = 333.33...
        ("o3_1h", 180.0, 75.0),  # band 160-200: 50 + 50/40*20 = 75
        ("o3_8h", 145.0, 125.0),  # band 120-170: 100 + 50/50*25 = 125
    ],
)
def test_sub_index_interpolates_linearly_inside_the_band(pollutant, concentration, expected):
    assert sub_index(pollutant, concentration) == pytest.approx(expected, abs=1e-9)


def test_sub_index_at_a_breakpoint_is_the_index_level():
    # Exactly on a breakpoint both neighbouring bands give the level itself.
    pm25 = sub_index("pm25", np.array([0, 25, 50, 80, 150, 250, 350, 500]))
    assert pm25.tolist() == [0, 50, 100, 150, 200, 300, 400, 500]
    assert sub_index("o3_8h", np.array([100, 120, 170, 210, 400])).tolist() == [50, 100, 150, 200, 300]
    assert sub_index("co", 150_000) == 500


def test_sub_index_is_capped_at_500_above_the_table():
    assert sub_index("pm25", np.array([500.1, 1000.0])).tolist() == [500, 500]
    assert sub_index("pm10", 601) == 500
    assert sub_index("co", 200_000) == 500


def test_o3_8h_sub_index_is_undefined_above_400():
    # The 8-hour table stops at index 300 (400 µg/m³); above it the 1-hour table must be used instead.
    assert sub_index("o3_8h", 400) == 300
    assert math.isnan(sub_index("o3_8h", 400.5))


def test_sub_index_passes_nulls_through():
    # PM2.5 10 -> 50/25*10 = 20.
    assert np.isnan(sub_index("pm25", np.array([np.nan, 10.0]))).tolist() == [True, False]
    assert sub_index("pm25", pl.Series("pm25", [None, 10.0])).to_list() == [None, 20.0]
    frame = pl.DataFrame({"pm25": [10.0, None]}).select(sub_index("pm25", pl.col("pm25")))
    assert frame["pm25"].to_list() == [20.0, None]


def test_sub_index_rejects_an_unknown_pollutant():
    with pytest.raises(ValueError, match="unknown pollutant"):
        sub_index("o3", 100)


# --- rounding -------------------------------------------------------------------------------------


def test_round_half_up_is_not_bankers_rounding():
    # Python's round() gives 20, 22, 0 for the first three (half to even); the rules want half up.
    assert round_half_up(np.array([20.5, 22.5, 0.5, 74.49, 75.5, 100.0])).tolist() == [21, 23, 1, 74, 76, 100]


def test_round_half_up_of_an_interpolated_half():
    # NO2 205: band 200-700, 100 + 50/500*(205-200) = 100 + 0.5 = 100.5 -> 101, despite float noise in 50/500.
    assert round_half_up(sub_index("no2", 205.0)) == 101
    # O3 161.2: band 160-200, 50 + 50/40*1.2 = 51.5 -> 52; in floats it comes out 51.499999999999986,
    # which a bare floor(x + 0.5) would send to 51.
    assert round_half_up(sub_index("o3_1h", 161.2)) == 52
    # PM10 352.45: band 350-420, 200 + 100/70*2.45 = 203.5 -> 204.
    assert round_half_up(sub_index("pm10", 352.45)) == 204


# --- Nowcast --------------------------------------------------------------------------------------


def test_nowcast_uses_half_when_the_ratio_is_at_most_one_half():
    # c = 10, 40, 20 (latest first): w* = 10/40 = 0.25 <= 1/2 -> w = 0.5
    # (10*1 + 40*0.5 + 20*0.25) / (1 + 0.5 + 0.25) = 35 / 1.75 = 20
    assert nowcast([10.0, 40.0, 20.0]) == pytest.approx(20.0)


def test_nowcast_uses_the_ratio_above_one_half_and_skips_a_missing_hour():
    # c1 = 30, c2 absent, c3 = 40: w* = 30/40 = 0.75 -> w = 0.75; hour 3 keeps its weight w^2 = 0.5625
    # (30 + 0.5625*40) / (1 + 0.5625) = 52.5 / 1.5625 = 33.6
    assert nowcast([30.0, np.nan, 40.0]) == pytest.approx(33.6)
    # c1 = 60, c2 = 48, c5 = 60: w* = 48/60 = 0.8; weights 1, 0.8, 0.8^4 = 0.4096
    # (60 + 0.8*48 + 0.4096*60) / (1 + 0.8 + 0.4096) = (60 + 38.4 + 24.576) / 2.2096 = 122.976 / 2.2096
    window = [60.0, 48.0, np.nan, np.nan, 60.0] + [np.nan] * 7
    assert nowcast(window) == pytest.approx(122.976 / 2.2096)


def test_nowcast_needs_two_of_the_three_latest_hours():
    assert math.isnan(nowcast([30.0, np.nan, np.nan] + [40.0] * 9))
    # The latest hour itself may be absent: c2 = 20, c3 = 40, w* = 0.5 -> w = 0.5
    # (0.5*20 + 0.25*40) / (0.5 + 0.25) = 20 / 0.75 = 26.67
    assert nowcast([np.nan, 20.0, 40.0]) == pytest.approx(20 / 0.75)


def test_nowcast_of_zeros_is_zero():
    assert nowcast([0.0, 0.0, 0.0]) == 0.0


def test_nowcast_is_vectorised_over_windows():
    windows = np.array([[10.0, 40.0, 20.0] + [np.nan] * 9, [30.0, np.nan, 40.0] + [np.nan] * 9])
    assert nowcast(windows) == pytest.approx([20.0, 33.6])


def test_nowcast_rejects_more_than_12_hours():
    with pytest.raises(ValueError):
        nowcast([1.0] * 13)


# --- hourly index ---------------------------------------------------------------------------------


def test_hourly_nowcast_follows_timestamps_across_a_gap():
    # No row at 01:00: at 02:00 the window is c1 = 30, c2 absent, c3 = 40 -> 33.6 (see above).
    # Shifting rows instead would give (30 + 0.75*40)/1.75 = 34.29.
    # AQI PM2.5: band 25-50, 50 + 2*(33.6-25) = 67.2 -> 67 Trung bình.
    out = hourly_index(observations(hours({0: 40.0, 2: 30.0}, "pm25")))
    assert out["pm25_nowcast"][0] is None and out["vn_aqi"][0] is None
    assert out["pm25_nowcast"][1] == pytest.approx(33.6)
    assert out["aqi_pm25"][1] == pytest.approx(67.2)
    assert out.select("vn_aqi", "dominant_pollutant", "category", "category_en", "colour_rgb").row(1) == (
        67, "pm25", "Trung bình", "moderate", "255,255,0",
    )


def test_hourly_nowcast_is_null_when_two_of_the_three_latest_hours_are_missing():
    # Hours 0-8 and 11 at 20: at 08:00 nowcast 20 -> 50/25*20 = 40; at 11:00 only 11 of 9, 10, 11 -> null.
    out = hourly_index(observations(hours({**{h: 20.0 for h in range(9)}, 11: 20.0}, "pm25")))
    assert out["vn_aqi"][8] == 40
    assert out["pm25_nowcast"][9] is None and out["vn_aqi"][9] is None


def test_hourly_index_is_null_without_pm():
    out = hourly_index(observations(hours({0: 450.0, 1: 450.0}, "no2")))
    assert out["aqi_no2"].to_list() == [125.0, 125.0]
    assert out.select("vn_aqi", "dominant_pollutant", "category", "category_en", "colour_rgb").null_count().row(0) == (
        2, 2, 2, 2, 2,
    )


def test_hourly_dominant_pollutant_can_be_a_gas():
    # 01:00: PM2.5 nowcast of 10, 10 = 10 -> 20; PM10 nowcast 50 -> 50; NO2 450 -> 125; SO2 237.5 -> 75;
    # CO 20000 -> 75; O3 180 (1-hour table) -> 75. Index max = 125 -> Kém, dominant NO2.
    rows = [
        {"date_observed": at(0), "pm25": 10.0, "pm10": 50.0},
        {"date_observed": at(1), "pm25": 10.0, "pm10": 50.0, "no2": 450.0, "so2": 237.5, "co": 20_000.0, "o3": 180.0},
    ]
    last = hourly_index(observations(rows)).row(1, named=True)
    assert (last["aqi_pm25"], last["aqi_pm10"], last["aqi_no2"]) == pytest.approx((20.0, 50.0, 125.0))
    assert (last["aqi_so2"], last["aqi_co"], last["aqi_o3"]) == pytest.approx((75.0, 75.0, 75.0))
    assert (last["vn_aqi"], last["dominant_pollutant"]) == (125, "no2")
    assert (last["category"], last["category_en"], last["colour_rgb"]) == ("Kém", "poor", "255,126,0")


def test_hourly_index_rounds_half_up():
    # PM10 20.5 twice: nowcast 20.5, band 0-50 -> 50/50*20.5 = 20.5 -> 21 (banker's would give 20).
    # NO2 205 -> 100.5 -> 101 beats it.
    out = hourly_index(observations(hours({0: 20.5, 1: 20.5}, "pm10")))
    assert out["vn_aqi"][1] == 21
    out = hourly_index(observations(hours({0: 20.5, 1: 20.5}, "pm10", no2=205.0)))
    assert (out["vn_aqi"][1], out["dominant_pollutant"][1], out["category"][1]) == (101, "no2", "Kém")


def test_hourly_o3_uses_the_1_hour_table():
    # O3 145 on the 1-hour table: band 0-160, 50/160*145 = 45.3125 (the 8-hour table would give 125).
    out = hourly_index(observations(hours({0: 145.0}, "o3")))
    assert out["aqi_o3"][0] == pytest.approx(45.3125)


def test_hourly_keeps_stations_apart_and_input_order():
    # B at 01:00 has only itself in its window (A's 00:00 must not count) -> null.
    # B at 02:00: nowcast of 100, 100 = 100 -> band 80-150, 150 + 50/70*20 = 164.29 -> 164 Xấu.
    rows = [
        {"station_id": "HN-AQ-002", "date_observed": at(2), "pm25": 100.0},
        {"station_id": "HN-AQ-001", "date_observed": at(0), "pm25": 10.0},
        {"station_id": "HN-AQ-002", "date_observed": at(1), "pm25": 100.0},
        {"station_id": "HN-AQ-001", "date_observed": at(1), "pm25": 10.0},
    ]
    out = hourly_index(observations(rows))
    assert out.select("station_id", "date_observed").rows() == [(r["station_id"], r["date_observed"]) for r in rows]
    assert out["vn_aqi"].to_list() == [164, None, None, 20]
    assert out["category"][0] == "Xấu"


def test_hourly_output_columns_and_types():
    out = hourly_index(observations(hours({0: 10.0, 1: 10.0}, "pm25")))
    assert out.schema == pl.Schema({
        "station_id": pl.String, "date_observed": pl.Datetime("us"),
        "pm25_nowcast": pl.Float64, "pm10_nowcast": pl.Float64,
        **{f"aqi_{p}": pl.Float64 for p in POLLUTANTS},
        "vn_aqi": pl.Int64, "dominant_pollutant": pl.String,
        "category": pl.String, "category_en": pl.String, "colour_rgb": pl.String,
    })
    assert hourly_index(observations([])).height == 0


def test_hourly_runs_vectorised_over_many_stations():
    # 500 stations x 48 hours of constant PM2.5 37.5 -> nowcast 37.5 -> 75 from each station's second hour.
    rows = [
        {"station_id": f"HN-AQ-{s:03d}", "date_observed": at(h), "pm25": 37.5} for s in range(500) for h in range(48)
    ]
    out = hourly_index(observations(rows))
    assert out.height == 24_000
    first_hour = out["date_observed"] == at(0)
    assert out.filter(first_hour)["vn_aqi"].null_count() == 500
    assert out.filter(~first_hour)["vn_aqi"].unique().to_list() == [75]


def test_observations_must_be_one_row_per_station_and_whole_hour():
    with pytest.raises(ValueError, match="duplicate_hour"):
        hourly_index(observations(hours({0: 1.0}, "pm25") * 2))
    with pytest.raises(ValueError, match="off_the_hour"):
        daily_index(observations([{"date_observed": at(0) + dt.timedelta(minutes=30), "pm25": 1.0}]))


# --- daily index ----------------------------------------------------------------------------------


def full_day(value: float) -> dict[int, float]:
    return {h: value for h in range(24)}


def day_rows(**series: dict[int, float]) -> list[dict]:
    """Rows for DAY whose pollutant values come from hour -> value maps."""
    all_hours = sorted({h for values in series.values() for h in values})
    return [{"date_observed": at(h), **{p: v.get(h) for p, v in series.items()}} for h in all_hours]


def test_daily_o3_takes_the_8_hour_sub_index_when_larger():
    # O3 145 at 00-07, 20 after: largest 8-hour mean = 145 (window 00-07) -> 100 + 50/50*(145-120) = 125;
    # largest 1-hour 145 -> 50/160*145 = 45.3125. O3 = 125. PM2.5 mean 20 -> 40. Index 125, dominant O3.
    o3 = {h: 145.0 if h < 8 else 20.0 for h in range(24)}
    row = daily_index(observations(day_rows(pm25=full_day(20.0), o3=o3))).row(0, named=True)
    assert (row["o3_max_1h"], row["o3_max_8h"], row["aqi_o3"]) == pytest.approx((145.0, 145.0, 125.0))
    assert (row["aqi_pm25"], row["vn_aqi"], row["dominant_pollutant"], row["category"]) == (40.0, 125, "o3", "Kém")


def test_daily_o3_uses_the_1_hour_table_when_the_8_hour_mean_exceeds_400():
    # O3 500 at 00-07: 8-hour mean 500 > 400, off the 8-hour table (a cap would wrongly give 300).
    # Largest 1-hour 500: band 400-800, 200 + 100/400*(500-400) = 225 -> Rất xấu.
    o3 = {h: 500.0 for h in range(8)}
    row = daily_index(observations(day_rows(pm25=full_day(20.0), o3=o3))).row(0, named=True)
    assert row["o3_max_8h"] == 500.0
    assert (row["aqi_o3"], row["vn_aqi"]) == (225.0, 225)
    assert (row["category"], row["colour_rgb"]) == ("Rất xấu", "143,63,151")


def test_daily_8_hour_mean_needs_6_of_its_8_hours():
    # O3 200 at 00-04 (5 hours): no window has 6 hours -> no 8-hour mean; 1-hour 200 -> band 160-200 = 100.
    # O3 200 at 00-05 (6 hours): window 00-07 holds 6 -> mean 200 -> 150 + 50/40*(200-170) = 187.5.
    five = daily_index(observations(day_rows(o3={h: 200.0 for h in range(5)}))).row(0, named=True)
    six = daily_index(observations(day_rows(o3={h: 200.0 for h in range(6)}))).row(0, named=True)
    assert five["o3_max_8h"] is None and five["aqi_o3"] == pytest.approx(100.0)
    assert six["o3_max_8h"] == pytest.approx(200.0) and six["aqi_o3"] == pytest.approx(187.5)


def test_daily_24_hour_mean_needs_18_of_24_hours():
    # 18 hours: 12 at 30 and 6 at 45 -> (360 + 270)/18 = 35 -> band 25-50: 50 + 2*(35-25) = 70.
    # 17 hours: no mean, no PM sub-index, no index.
    eighteen = {h: 30.0 if h < 12 else 45.0 for h in range(18)}
    rows = [{"station_id": "HN-AQ-001", **r} for r in day_rows(pm25=eighteen)]
    rows += [{"station_id": "HN-AQ-002", **r} for r in day_rows(pm25={h: 35.0 for h in range(17)})]
    out = daily_index(observations(rows))
    assert out.select("station_id", "pm25_24h", "aqi_pm25", "vn_aqi", "hours_observed").rows() == [
        ("HN-AQ-001", 35.0, 70.0, 70, 18),
        ("HN-AQ-002", None, None, None, 17),
    ]


def test_daily_uses_the_largest_1_hour_gas_values_and_rounds_half_up():
    # PM10: 12 hours at 20 and 12 at 21 -> mean 20.5 -> 20.5 -> 21. NO2 maxima 450 -> 125; SO2 125 -> 50.
    pm10 = {h: 20.0 if h < 12 else 21.0 for h in range(24)}
    row = daily_index(observations(day_rows(pm10=pm10, no2={3: 100.0, 9: 450.0, 15: 300.0}, so2={2: 125.0})))
    row = row.row(0, named=True)
    assert (row["pm10_24h"], row["aqi_pm10"]) == (20.5, 20.5)
    assert (row["no2_max_1h"], row["aqi_no2"], row["so2_max_1h"], row["aqi_so2"]) == (450.0, 125.0, 125.0, 50.0)
    assert (row["vn_aqi"], row["dominant_pollutant"]) == (125, "no2")
    no_gas = daily_index(observations(day_rows(pm10=pm10))).row(0, named=True)
    assert (no_gas["vn_aqi"], no_gas["category"], no_gas["colour_rgb"]) == (21, "Tốt", "0,228,0")


def test_daily_rows_are_calendar_days_per_station():
    rows = [{"date_observed": at(h), "pm25": 10.0} for h in (22, 23, 24, 25)]
    out = daily_index(observations(rows))
    assert out.select("station_id", "date", "hours_observed").rows() == [
        ("HN-AQ-001", dt.date(2024, 3, 1), 2),
        ("HN-AQ-001", dt.date(2024, 3, 2), 2),
    ]
    assert out.schema["date"] == pl.Date and out.schema["vn_aqi"] == pl.Int64
    assert out.columns[2:9] == [
        "pm25_24h", "pm10_24h", "no2_max_1h", "so2_max_1h", "co_max_1h", "o3_max_1h", "o3_max_8h",
    ]


# --- categories -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("index", "name", "name_en", "colour"),
    [
        (0, "Tốt", "good", "0,228,0"),
        (50, "Tốt", "good", "0,228,0"),
        (51, "Trung bình", "moderate", "255,255,0"),
        (100, "Trung bình", "moderate", "255,255,0"),
        (101, "Kém", "poor", "255,126,0"),
        (150, "Kém", "poor", "255,126,0"),
        (151, "Xấu", "bad", "255,0,0"),
        (200, "Xấu", "bad", "255,0,0"),
        (201, "Rất xấu", "very bad", "143,63,151"),
        (300, "Rất xấu", "very bad", "143,63,151"),
        (301, "Nguy hại", "hazardous", "126,0,35"),
        (500, "Nguy hại", "hazardous", "126,0,35"),
    ],
)
def test_category_boundaries(index, name, name_en, colour):
    found = category(index)
    assert (found.name, found.name_en, found.colour_rgb) == (name, name_en, colour)


def test_category_columns_are_null_for_a_missing_index():
    out = category_columns(np.array([50.0, 51.0, np.nan]))
    assert out.rows() == [("Tốt", "good", "0,228,0"), ("Trung bình", "moderate", "255,255,0"), (None, None, None)]


def test_category_rejects_an_index_outside_0_to_500():
    with pytest.raises(ValueError):
        category(501)
