"""Contract of administrative procedure records, the source of the online-services indicators."""

from __future__ import annotations

import datetime as dt

import pandera.polars as pa
import polars as pl

from schemas.rules import SharedWardKeyed, WardKeyed, not_after_delivery, rule


class ProcedureRecord(WardKeyed):
    """One dossier of an administrative procedure received by a ward's one-stop office."""

    record_id: str = pa.Field(str_matches=r"^H01-[0-9]{6}-[0-9]{6}$", unique=True)
    procedure_code: str = pa.Field(str_matches=r"^[12]\.[0-9]{6}$")  # national public-service portal code
    submitted_at: dt.datetime
    channel: str = pa.Field(isin=["online", "offline"])
    online_service_level: int = pa.Field(in_range={"min_value": 1, "max_value": 4})
    due_at: dt.datetime
    resolved_at: dt.datetime = pa.Field(nullable=True)
    resolved_on_time: bool = pa.Field(nullable=True)

    @rule("online_needs_level_3", "an online submission needs a procedure offered at online level 3 or 4", involves=("channel", "online_service_level"))
    def online_level(cls, data: pa.PolarsData) -> pl.LazyFrame:
        return data.lazyframe.select(
            ((pl.col("channel") != "online") | (pl.col("online_service_level") >= 3)).fill_null(True))

    @rule("resolved_before_submitted", "resolved before it was submitted, or due before it was submitted", involves=("submitted_at", "resolved_at", "due_at"))
    def resolution_order(cls, data: pa.PolarsData) -> pl.LazyFrame:
        return data.lazyframe.select(
            ((pl.col("resolved_at") >= pl.col("submitted_at")).fill_null(True)
             & (pl.col("due_at") >= pl.col("submitted_at")).fill_null(True)))

    @rule("on_time_flag_inconsistent", "resolved_on_time disagrees with resolved_at and due_at", involves=("resolved_at", "due_at", "resolved_on_time"))
    def on_time_consistent(cls, data: pa.PolarsData) -> pl.LazyFrame:
        expected = pl.col("resolved_at") <= pl.col("due_at")
        return data.lazyframe.select(
            (pl.col("resolved_on_time") == expected).fill_null(pl.col("resolved_at").is_null() == pl.col("resolved_on_time").is_null()))

    @rule("date_in_future", "a date is later than the day the file was delivered",
          involves=("submitted_at", "resolved_at", "_delivery_date"))
    def not_in_future(cls, data: pa.PolarsData) -> pl.LazyFrame:
        return data.lazyframe.select(not_after_delivery("submitted_at", "resolved_at"))


class SharedProcedureRecord(SharedWardKeyed):
    """An administrative procedure dossier on the 2025 geography, in its state on the delivery date."""

    record_id: str = pa.Field(description="dossier number; recurs in later deliveries while the dossier is open")
    procedure_code: str = pa.Field(description="procedure code of the national public-service portal")
    submitted_at: dt.datetime = pa.Field(description="when the dossier was received, Hanoi local time")
    channel: str = pa.Field(isin=["online", "offline"], description="online (public-service portal) or at the counter")
    online_service_level: int = pa.Field(ge=1, le=4, description="online level of the procedure (1-4)")
    due_at: dt.datetime = pa.Field(description="legal deadline")
    resolved_at: dt.datetime = pa.Field(nullable=True, description="when it was resolved; null while open")
    resolved_on_time: bool = pa.Field(nullable=True, description="resolved no later than due_at; null while open")

    class Config:
        unique = ["record_id", "source_delivery"]
