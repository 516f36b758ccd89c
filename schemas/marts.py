"""Contracts of the cross-agency marts: every column described, as analysts see it in the catalog and the UI."""

from __future__ import annotations

import datetime as dt

import pandera.polars as pa
import polars as pl

from schemas import geography
from schemas.environment import VnAqiCategory

WARDS_2025 = sorted(geography.ward_codes_2025())
SMALL_COUNT = 5  # civil-status counts of 1-4 in a ward-month are suppressed (Decree 13/2023)
ONLINE_TARGET = 0.55  # city target: 55% of public-service dossiers online at level 3 or above


def _ward():
    return pa.Field(isin=WARDS_2025, description="2025 commune/ward code")


def _share(description: str):
    return pa.Field(nullable=True, ge=0, le=1, description=description)


class AirQualityDaily(VnAqiCategory):
    """Daily VN_AQI per station (Decision 1459/QĐ-TCMT daily rules), with the station's 2025 ward."""

    station_id: str = pa.Field(description="monitoring station id")
    ward_code: str = _ward()
    date: dt.date = pa.Field(description="calendar day, Hanoi local time")
    hours_observed: int = pa.Field(ge=0, le=24, description="hours of the day with at least one measurement")
    pm25_24h: float = pa.Field(nullable=True, ge=0, description="24-hour mean PM2.5, µg/m³ (null below 18 hours)")
    pm10_24h: float = pa.Field(nullable=True, ge=0, description="24-hour mean PM10, µg/m³ (null below 18 hours)")
    vn_aqi: int = pa.Field(nullable=True, ge=0, le=500, description="daily VN_AQI; null without a PM index")

    class Config:
        strict = True
        unique = ["station_id", "date"]


class TransitDaily(pa.DataFrameModel):
    """Boardings per service date, route and stop (GTFS-ride board_alight style), from fare-card taps."""

    service_date: dt.date = pa.Field(description="date of travel")
    route_id: str = pa.Field(description="route (GTFS route_id)")
    stop_id: str = pa.Field(description="stop (GTFS stop_id)")
    ward_code: str = pa.Field(nullable=True, isin=WARDS_2025, description="2025 ward of the stop; null if the stop is unknown")
    boardings: int = pa.Field(ge=1, description="boarding taps that day")

    class Config:
        strict = True
        unique = ["service_date", "route_id", "stop_id"]


class WardMonthly(pa.DataFrameModel):
    """A mart with one row per 2025 ward and month."""

    ward_code: str = _ward()

    class Config:
        strict = True
        unique = ["ward_code", "month"]


class WardProfile(WardMonthly):
    """One row per 2025 ward and month: what every agency knows about the ward, side by side."""

    ward_name: str = pa.Field(description="2025 ward/commune name")
    month: dt.date = pa.Field(description="first day of the month")
    births: int = pa.Field(nullable=True, ge=0, description="births registered; null when 1-4 (suppressed)")
    deaths: int = pa.Field(nullable=True, ge=0, description="deaths registered; null when 1-4 (suppressed)")
    marriages: int = pa.Field(nullable=True, ge=0, description="marriages registered; null when 1-4 (suppressed)")
    civil_status_suppressed: bool = pa.Field(description="true when a civil-status count was suppressed")
    permits_issued: int = pa.Field(ge=0, description="construction permits issued in the month")
    permitted_floor_area_m2: float = pa.Field(ge=0, description="floor area of those permits, m²")
    aqi_mean: float = pa.Field(nullable=True, ge=0, le=500, description="mean daily VN_AQI of the ward's stations")
    aqi_max: int = pa.Field(nullable=True, ge=0, le=500, description="highest daily VN_AQI of the ward's stations")
    days_aqi_above_100: int = pa.Field(nullable=True, ge=0, le=31,
                                       description="days on which a station of the ward had a daily VN_AQI above 100")
    active_businesses: int = pa.Field(ge=0, description="taxpayers registered by the month's end and active")
    tax_collected_vnd: int = pa.Field(ge=0, description="tax paid in the month by taxpayers registered in the ward, VND")
    transit_boardings: int = pa.Field(ge=0, description="boardings at the ward's stops in the month")
    traffic_intensity: int = pa.Field(ge=0, description="vehicles counted by the ward's counters in the month")

    @pa.check("births", "deaths", "marriages", name="small_counts_suppressed")
    def small_counts_suppressed(cls, data: pa.PolarsData) -> pl.LazyFrame:
        count = pl.col(data.key)
        return data.lazyframe.select(((count == 0) | (count >= SMALL_COUNT)).fill_null(True))


class OnlinePublicServices(WardMonthly):
    """Per 2025 ward and month: dossiers received and how many went online, against the city target."""

    month: dt.date = pa.Field(description="first day of the month the dossiers were submitted")
    procedures_received: int = pa.Field(ge=1, description="dossiers submitted in the month (latest known state)")
    share_online: float = _share("share submitted online (public-service portal)")
    share_level_3_4: float = _share("share of dossiers whose procedure is offered online at level 3 or 4")
    share_resolved_on_time: float = _share("share resolved by the deadline, among those resolved; null if none")
    city_target: float = pa.Field(description="the city's target share of online dossiers (0.55)")
    below_target: bool = pa.Field(description="true where share_online is below the city target")


class DeceasedBusinessOwners(WardMonthly):
    """Active household businesses whose owner has died, per 2025 ward and month of death (joined on pseudonyms)."""

    month: dt.date = pa.Field(description="first day of the month of the owner's death")
    active_businesses: int = pa.Field(nullable=True, ge=SMALL_COUNT,
                                      description="active household businesses of deceased owners; null when 1-4 (suppressed)")
    suppressed: bool = pa.Field(description="true when the count was 1-4 and is not shown")
