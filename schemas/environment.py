"""Contract of air-quality observations, after FIWARE's AirQualityObserved (concentrations in µg/m³)."""

from __future__ import annotations

import datetime as dt

import pandera.polars as pa
import polars as pl

from schemas import geography
from schemas.rules import SharedWardKeyed, WardKeyed, not_after_delivery, rule


def _concentration(maximum: float):
    return pa.Field(nullable=True, in_range={"min_value": 0, "max_value": maximum})


class AirQualityObservation(WardKeyed):
    """One hourly observation of a monitoring station; the lake computes VN_AQI itself."""

    station_id: str = pa.Field(str_matches=r"^HN-AQ-[0-9]{3}$")
    date_observed: dt.datetime
    pm25: float = _concentration(1_000)
    pm10: float = _concentration(1_500)
    no2: float = _concentration(4_000)
    so2: float = _concentration(3_000)
    co: float = _concentration(200_000)
    o3: float = _concentration(1_500)
    temperature: float = pa.Field(nullable=True, in_range={"min_value": -5, "max_value": 50})
    relative_humidity: float = pa.Field(nullable=True, in_range={"min_value": 0, "max_value": 1})

    class Config:
        unique = ["station_id", "date_observed"]

    @rule("no_readings", "the observation carries no pollutant concentration at all (a station that measured "
          "nothing that hour)", involves=("pm25", "pm10", "no2", "so2", "co", "o3"))
    def has_readings(cls, data: pa.PolarsData) -> pl.LazyFrame:
        return data.lazyframe.select(pl.any_horizontal(
            pl.col(c).is_not_null() for c in ("pm25", "pm10", "no2", "so2", "co", "o3")))

    @rule("not_on_the_hour", "an hourly observation must start on the hour (minutes and seconds 0)",
          involves=("date_observed",))
    def on_the_hour(cls, data: pa.PolarsData) -> pl.LazyFrame:
        return data.lazyframe.select((pl.col("date_observed").dt.truncate("1h") == pl.col("date_observed"))
                                     .fill_null(True))

    @rule("date_in_future", "a date is later than the day the file was delivered",
          involves=("date_observed", "_delivery_date"))
    def not_in_future(cls, data: pa.PolarsData) -> pl.LazyFrame:
        return data.lazyframe.select(not_after_delivery("date_observed"))


def _shared_concentration(pollutant: str):
    return pa.Field(nullable=True, ge=0, description=f"{pollutant} concentration, µg/m³, 1-hour value")


class SharedAirQualityObservation(SharedWardKeyed):
    """An hourly air-quality observation on the 2025 geography."""

    station_id: str = pa.Field(description="monitoring station id (refDevice)")
    date_observed: dt.datetime = pa.Field(description="start of the observed hour, Hanoi local time")
    pm25: float = _shared_concentration("PM2.5")
    pm10: float = _shared_concentration("PM10")
    no2: float = _shared_concentration("NO₂")
    so2: float = _shared_concentration("SO₂")
    co: float = _shared_concentration("CO")
    o3: float = _shared_concentration("O₃")
    temperature: float = pa.Field(nullable=True, description="air temperature, °C")
    relative_humidity: float = pa.Field(nullable=True, ge=0, le=1, description="relative humidity, 0-1")

    class Config:
        unique = ["station_id", "date_observed"]


CATEGORY_NAMES = ["Tốt", "Trung bình", "Kém", "Xấu", "Rất xấu", "Nguy hại"]
POLLUTANTS = ["pm25", "pm10", "no2", "so2", "co", "o3"]


def _sub_index(pollutant: str):
    return pa.Field(nullable=True, ge=0, le=500, description=f"VN_AQI sub-index of {pollutant}, unrounded")


class VnAqiCategory(pa.DataFrameModel):
    """The reading of an index: its dominant pollutant, category name and colour (null without an index)."""

    dominant_pollutant: str = pa.Field(nullable=True, isin=POLLUTANTS, description="pollutant with the largest sub-index")
    category: str = pa.Field(nullable=True, isin=CATEGORY_NAMES, description="category name (Tốt … Nguy hại)")
    category_en: str = pa.Field(nullable=True, description="category name in English")
    colour_rgb: str = pa.Field(nullable=True, description="category colour as R,G,B")


class AirQualityHourlyIndex(VnAqiCategory):
    """VN_AQI per station and hour, computed by the lake (Decision 1459/QĐ-TCMT; Nowcast for PM)."""

    station_id: str = pa.Field(description="monitoring station id")
    ward_code: str = pa.Field(isin=sorted(geography.ward_codes_2025()), description="2025 ward of the station")
    date_observed: dt.datetime = pa.Field(description="the hour, Hanoi local time")
    pm25_nowcast: float = pa.Field(nullable=True, description="PM2.5 Nowcast over the last 12 hours, µg/m³")
    pm10_nowcast: float = pa.Field(nullable=True, description="PM10 Nowcast over the last 12 hours, µg/m³")
    aqi_pm25: float = _sub_index("PM2.5 (Nowcast)")
    aqi_pm10: float = _sub_index("PM10 (Nowcast)")
    aqi_no2: float = _sub_index("NO₂ (1 hour)")
    aqi_so2: float = _sub_index("SO₂ (1 hour)")
    aqi_co: float = _sub_index("CO (1 hour)")
    aqi_o3: float = _sub_index("O₃ (1-hour table)")
    vn_aqi: int = pa.Field(nullable=True, ge=0, le=500,
                           description="hourly VN_AQI: largest sub-index rounded half up; null without PM")

    class Config:
        strict = True
        unique = ["station_id", "date_observed"]
