"""Time partitions of the time-series datasets: the partition key is the delivery date (landing folder).

A daily dataset's partition `2025-07-01` holds the deliveries in `landing/<agency>/<dataset>/2025-07-01/`;
a monthly dataset's partition `2025-07-01` holds every delivery dated in July 2025. Partitions are in
Hanoi time and start on 1 January 2024 (before any sample or real delivery). `end_offset=1` makes the
current day (month) a partition already: an agency delivers during the day, and the sensor must be
able to ingest that delivery the same day rather than after midnight.
"""

from __future__ import annotations

import datetime as dt

import dagster as dg

TIMEZONE = "Asia/Ho_Chi_Minh"
START = "2024-01-01"
DAILY = dg.DailyPartitionsDefinition(start_date=START, timezone=TIMEZONE, end_offset=1)
MONTHLY = dg.MonthlyPartitionsDefinition(start_date=START, timezone=TIMEZONE, end_offset=1)
BY_NAME: dict[str, dg.TimeWindowPartitionsDefinition] = {"day": DAILY, "month": MONTHLY}
PARTITIONED_BY_TAG = "urbanlake/partitioned_by"  # on the assets of partitioned datasets: "day" or "month"
TIME_PARTITIONED = dg.AssetSelection.tag(PARTITIONED_BY_TAG, "day") | dg.AssetSelection.tag(PARTITIONED_BY_TAG, "month")


def partitions_def(partitioned_by: str | None) -> dg.TimeWindowPartitionsDefinition | None:
    """The partitions definition of a dataset declared `partitioned_by` "day", "month" or None."""
    if partitioned_by is None:
        return None
    if partitioned_by not in BY_NAME:
        raise ValueError(f"partitioned_by must be one of {sorted(BY_NAME)} or None, not {partitioned_by!r}")
    return BY_NAME[partitioned_by]


def partition_key(partitioned_by: str, delivery_date: dt.date) -> str:
    """The key of the partition a delivery dated `delivery_date` belongs to (its day, or its month's first day)."""
    return (delivery_date if partitioned_by == "day" else delivery_date.replace(day=1)).isoformat()


def existing_key(partitioned_by: str, delivery_date: dt.date, now: dt.datetime | None = None) -> str | None:
    """`partition_key`, or None when that partition does not exist (before the start, or in the future)."""
    key = partition_key(partitioned_by, delivery_date)
    with dg.partition_loading_context(effective_dt=now):
        return key if BY_NAME[partitioned_by].has_partition_key(key) else None


DeliveryWindow = tuple[dt.date, dt.date]  # delivery dates from the first, up to (excluding) the second


def delivery_window(context: dg.AssetExecutionContext) -> DeliveryWindow | None:
    """The delivery dates a run of a partitioned asset covers (one partition, or a backfill's range)."""
    if not context.has_partition_key and not context.has_partition_key_range:
        return None
    window = context.partition_time_window
    return window.start.date(), window.end.date()


def in_window(delivery_date: dt.date | str, window: DeliveryWindow | None) -> bool:
    if window is None:
        return True
    date = dt.date.fromisoformat(delivery_date) if isinstance(delivery_date, str) else delivery_date
    return window[0] <= date < window[1]
