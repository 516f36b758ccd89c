"""Contracts of the transport feeds: traffic counts, transit stops and fare-card taps."""

from __future__ import annotations

import datetime as dt

import pandera.polars as pa
import polars as pl

from schemas.rules import Shared, SharedWardKeyed, WardKeyed, not_after_delivery, rule

VEHICLE_TYPES = ["motorcycle", "car", "bus", "truck", "bicycle"]
STOP_ID = r"^HN-S[0-9]{4}$"
CARD_ID = r"^[0-9]{10}$"  # fare card number
ROUTE_ID = r"^([0-9]{2,3}[A-Z]?|M[0-9][A-Z]?)$"  # bus routes "32", "E01" style digits; metro lines "M2A"


class TrafficCount(WardKeyed):
    """Vehicles counted by one counter over one window, after FIWARE's TrafficFlowObserved."""

    counter_id: str = pa.Field(str_matches=r"^HN-TC-[0-9]{4}$")
    window_start: dt.datetime
    window_end: dt.datetime
    vehicle_type: str = pa.Field(isin=VEHICLE_TYPES)
    intensity: int = pa.Field(in_range={"min_value": 0, "max_value": 30_000})
    average_speed_kmh: float = pa.Field(nullable=True, in_range={"min_value": 0, "max_value": 150})

    class Config:
        unique = ["counter_id", "window_start", "vehicle_type"]

    @rule("window_order", "window end must be after its start and at most 24 hours later", involves=("window_start", "window_end"))
    def window_order(cls, data: pa.PolarsData) -> pl.LazyFrame:
        span = pl.col("window_end") - pl.col("window_start")
        return data.lazyframe.select(((span > pl.duration(seconds=0)) & (span <= pl.duration(hours=24))).fill_null(True))

    @rule("date_in_future", "a date is later than the day the file was delivered",
          involves=("window_start", "_delivery_date"))
    def not_in_future(cls, data: pa.PolarsData) -> pl.LazyFrame:
        return data.lazyframe.select(not_after_delivery("window_start"))


class TransitStop(WardKeyed):
    """One transit stop (GTFS stops.txt) with the ward it lies in."""

    stop_id: str = pa.Field(str_matches=STOP_ID, unique=True)
    stop_name: str
    stop_lat: float = pa.Field(in_range={"min_value": 20.5, "max_value": 21.5})
    stop_lon: float = pa.Field(in_range={"min_value": 105.2, "max_value": 106.1})


class FareCardTap(pa.DataFrameModel):
    """One boarding tap of a fare card; the card number is personal data."""

    card_id: str = pa.Field(str_matches=CARD_ID)
    route_id: str = pa.Field(str_matches=ROUTE_ID)
    stop_id: str = pa.Field(str_matches=STOP_ID)
    tapped_at: dt.datetime

    class Config:
        unique = ["card_id", "tapped_at"]
        strict = False

    @rule("date_in_future", "a date is later than the day the file was delivered",
          involves=("tapped_at", "_delivery_date"))
    def not_in_future(cls, data: pa.PolarsData) -> pl.LazyFrame:
        return data.lazyframe.select(not_after_delivery("tapped_at"))


class SharedTrafficCount(SharedWardKeyed):
    """Vehicles counted per counter, window and vehicle type, on the 2025 geography."""

    counter_id: str = pa.Field(description="traffic counter id")
    window_start: dt.datetime = pa.Field(description="start of the counting window, Hanoi local time")
    window_end: dt.datetime = pa.Field(description="end of the counting window")
    vehicle_type: str = pa.Field(isin=VEHICLE_TYPES, description="motorcycle, car, bus, truck or bicycle")
    intensity: int = pa.Field(ge=0, description="vehicles counted in the window")
    average_speed_kmh: float = pa.Field(nullable=True, ge=0, description="mean speed, km/h")

    class Config:
        unique = ["counter_id", "window_start", "vehicle_type"]


class SharedTransitStop(SharedWardKeyed):
    """A transit stop of the latest GTFS-style stop list."""

    stop_id: str = pa.Field(unique=True, description="stop id (GTFS stop_id)")
    stop_name: str = pa.Field(description="stop name")
    stop_lat: float = pa.Field(description="latitude, WGS84")
    stop_lon: float = pa.Field(description="longitude, WGS84")


class SharedTransitBoardings(Shared):
    """Boardings per service date, hour, route and stop, aggregated from fare-card taps (no card ids)."""

    service_date: dt.date = pa.Field(description="date of travel")
    hour: int = pa.Field(ge=0, le=23, description="hour of the day the taps fall in, Hanoi local time")
    route_id: str = pa.Field(description="route (GTFS route_id)")
    stop_id: str = pa.Field(description="stop (GTFS stop_id)")
    boardings: int = pa.Field(ge=1, description="number of boarding taps")

    class Config:
        unique = ["source_delivery", "service_date", "hour", "route_id", "stop_id"]
