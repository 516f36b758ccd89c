"""Transport (Department of Transport, transit operator): traffic counts, stops, fare-card boardings."""

from __future__ import annotations

import polars as pl

from assets.common.dataset import DatasetSpec, publish_as_delivered
from assets.common.pseudonyms import Pseudonymiser
from schemas import transport as contract


def publish_boardings(valid: pl.DataFrame, _: Pseudonymiser) -> pl.DataFrame:
    """Card ids never leave the restricted zone: taps are shared only as counts per stop and hour."""
    hour = pl.col("_hour")  # grouped by the hour's start, one key instead of a date and an hour: half the cost
    return (valid.group_by(pl.col("tapped_at").dt.truncate("1h").alias("_hour"), "route_id", "stop_id")
            .agg(pl.len().cast(pl.Int64).alias("boardings"))
            .select(hour.dt.date().alias("service_date"), hour.dt.hour().cast(pl.Int64).alias("hour"), "route_id",
                    "stop_id", "boardings")
            .sort("service_date", "hour", "route_id", "stop_id"))


def combine_boardings(batches: pl.DataFrame) -> pl.DataFrame:
    """Boardings of a delivery staged in batches: the same stop and hour summed across batches."""
    return (batches.group_by("service_date", "hour", "route_id", "stop_id", "source_delivery")
            .agg(pl.col("boardings").sum()).sort("service_date", "hour", "route_id", "stop_id")
            .select(batches.columns))


TRAFFIC_COUNTS = DatasetSpec(
    name="traffic_counts", agency="transport", sector="transport",
    description="Vehicles counted per counter, hour and vehicle type (FIWARE TrafficFlowObserved).",
    model=contract.TrafficCount, shared_model=contract.SharedTrafficCount,
    publish=publish_as_delivered(contract.SharedTrafficCount),
    event_date="window_start", period="window_start", natural_key=("counter_id", "window_start", "vehicle_type"),
    partitioned_by="day")

TRANSIT_STOPS = DatasetSpec(
    name="transit_stops", agency="transport", sector="transport",
    description="Transit stops (GTFS stops) with the 2025 ward each lies in.",
    model=contract.TransitStop, shared_model=contract.SharedTransitStop,
    publish=publish_as_delivered(contract.SharedTransitStop), snapshot=True)

FARE_CARD_TAPS = DatasetSpec(
    name="fare_card_taps", agency="transport", sector="transport",
    description="Boardings per service date, hour, route and stop, aggregated from fare-card taps.",
    model=contract.FareCardTap, shared_model=contract.SharedTransitBoardings, publish=publish_boardings,
    event_date="tapped_at", period="service_date", personal=("card_id",),
    published_rows=pl.col("boardings").sum(), partitioned_by="day", combine=combine_boardings)

DATASETS = [TRAFFIC_COUNTS, TRANSIT_STOPS, FARE_CARD_TAPS]
