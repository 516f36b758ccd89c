"""Delivered text typed by the contract's dtypes: the forms each type accepts, and the form an agency is told.

A value in none of its type's forms becomes a null here and a quarantine row of rule `type` in
`validation`, whose reason names the form expected.
"""

from __future__ import annotations

import datetime as dt

import pandera.polars as pa
import polars as pl

from assets.common import coercion

TRUE_WORDS, FALSE_WORDS = ["true", "1", "yes", "có"], ["false", "0", "no", "không"]


def _is_datetime(dtype) -> bool:  # the class or an instance with a time unit or zone
    return dtype == pl.Datetime or isinstance(dtype, pl.Datetime)


def expected_form(dtype: pl.DataType) -> str:
    """What a value of this type must look like, in the words of the quarantine reason."""
    if dtype == pl.Date:
        return "deliver a date as yyyy-mm-dd or dd/mm/yyyy"
    if _is_datetime(dtype):
        return ("deliver a timestamp as yyyy-mm-ddThh:mm:ss (or with a space for the T), Hanoi time unless it "
                "carries its UTC offset or Z")
    if dtype == pl.Boolean:
        return f"deliver one of {', '.join(TRUE_WORDS)} or {', '.join(FALSE_WORDS)}"
    if dtype in coercion.INTEGERS:
        return "deliver a whole number in digits (thousands may be grouped: 15.000.000)"
    if dtype.is_float():
        return "deliver a number with a decimal point (420.5), not a decimal comma"
    return f"deliver a value of type {dtype}"


def parse(text: pl.Expr, dtype: pl.DataType) -> pl.Expr:
    """The value of delivered text as `dtype`; null when the text is in none of the type's forms."""
    if dtype == pl.String:
        return text
    if dtype == pl.Date:
        # Excel exports write a date cell as "2025-07-02 00:00:00"; a date with another time is not a date.
        day = text.str.strip_suffix(" 00:00:00")
        return pl.coalesce(day.str.to_date("%Y-%m-%d", strict=False), day.str.to_date("%d/%m/%Y", strict=False))
    if _is_datetime(dtype):
        # Timestamps are stored as naive Hanoi local time (UTC+7 all year); an explicit offset or Z is honoured.
        zoned = text.str.replace(r"Z$", "+00:00")
        with_offset = pl.coalesce(*(zoned.str.to_datetime(f, strict=False, time_unit="us") for f in
                                    ("%Y-%m-%dT%H:%M:%S%z", "%Y-%m-%dT%H:%M:%S%.f%z", "%Y-%m-%d %H:%M:%S%z",
                                     "%Y-%m-%d %H:%M:%S%.f%z")))
        local = with_offset.dt.convert_time_zone("Asia/Ho_Chi_Minh").dt.replace_time_zone(None)
        return pl.coalesce(local, *(text.str.to_datetime(f, strict=False, time_unit="us") for f in
                                    ("%Y-%m-%dT%H:%M:%S", "%Y-%m-%dT%H:%M:%S%.f", "%Y-%m-%d %H:%M:%S",
                                     "%Y-%m-%d %H:%M:%S%.f", "%Y-%m-%d %H:%M")))
    if dtype == pl.Boolean:
        lower = text.str.to_lowercase()
        return pl.when(lower.is_in(TRUE_WORDS)).then(True).when(lower.is_in(FALSE_WORDS)).then(False)
    if dtype in coercion.INTEGERS:
        text = coercion.integer_text(text)
    return text.cast(dtype, strict=False)


_EARLIEST = {pl.Date: dt.date(1000, 1, 1), pl.Datetime: dt.datetime(1000, 1, 1)}  # four-digit years only
_ISO = {pl.Date: lambda t: t.str.to_date("%Y-%m-%d", strict=False),
        pl.Datetime: lambda t: t.str.to_datetime("%Y-%m-%dT%H:%M:%S", strict=False, time_unit="us")}


def typed_columns(text: pl.DataFrame, schema: pa.DataFrameSchema) -> pl.DataFrame:
    """`parse` of every contract column; dates and timestamps in the ISO form almost every value has are
    parsed first, and only the (few) other values go through `parse`'s list of forms."""
    kinds = {n: (pl.Datetime if _is_datetime(c.dtype.type) else c.dtype.type) for n, c in schema.columns.items()}
    typed = text.with_columns((_ISO[k](pl.col(n)) if k in _ISO else parse(pl.col(n), schema.columns[n].dtype.type)).alias(n)
                              for n, k in kinds.items())
    for name, kind in kinds.items():
        if kind not in _ISO:
            continue
        rest = (text[name].is_not_null() & typed[name].is_null()).arg_true()
        if len(rest):
            parsed = text.select(parse(pl.col(name).gather(rest), schema.columns[name].dtype.type)).to_series()
            typed = typed.with_columns(typed[name].scatter(rest, parsed))
        # %Y takes a year of any length: 2/7/25 is read as the year 25. No record holds such a date: not read.
        early = (typed[name] < _EARLIEST[kind]).arg_true()
        if len(early):
            typed = typed.with_columns(typed[name].scatter(early, None))
    return typed
