"""A decimal column written in a Vietnamese locale: there the comma marks decimals and the dot thousands.

A CSV exported by a spreadsheet in a Vietnamese locale writes twelve and a half as `12,5` and one
thousand two hundred and fifty as `1.250`, which the lake would read as 1.25. So when a decimal column
of a delivery holds a decimal comma anywhere, its `1.250` is ambiguous and quarantined. The delivery is
judged whole (a large one before its batches), so the same value never gets two outcomes in one file.
A JSON number or a numeric workbook cell carries no locale, and is read back without a trailing zero in
its fraction (1.25, 1.025): in those files only text like `1.250` is judged. Not ambiguous: `0.375`
(no locale groups thousands so), and a value whose thousands reading the column's range rules out
(`stop_lat` 21.028).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandera.polars as pa
import polars as pl

from assets.common.characters import TRIMMED
from assets.common.file_structure import header_name

DOT_GROUP = r"^-?[1-9][0-9]{0,2}\.[0-9]{3}$"
# a comma that can only be a decimal one: not followed by exactly 3 digits ("12,5"), or after dotted thousands
# ("1.234,5"); white space or invisible characters around, as a raw value may have them (staging trims them)
_EDGE = f"[{TRIMMED}]*"
_DECIMAL_COMMA = f"^{_EDGE}-?(?:[0-9]+,(?:[0-9]{{1,2}}|[0-9]{{4,}})|[0-9]{{1,3}}(?:\\.[0-9]{{3}})+,[0-9]+){_EDGE}$"
_LOWER = ("greater_than", "greater_than_or_equal_to")
_UPPER = ("less_than", "less_than_or_equal_to")


@dataclass(frozen=True)
class DecimalCommas:
    """A delivery's decimal columns written with a decimal comma, each with an example: judged once per delivery."""

    examples: dict[str, str] = field(default_factory=dict)
    typed_numbers: bool = False  # JSON or a workbook: its numbers never end their fraction with a 0


def decimal_columns(schema: pa.DataFrameSchema) -> list[str]:
    return [n for n, c in schema.columns.items() if c.dtype.type.is_float()]


def decimal_comma_examples(text: pl.LazyFrame | pl.DataFrame, columns: dict[str, str]) -> dict[str, str]:
    """For each decimal column (contract name → its name in `text`), a value written with a decimal comma, if any."""
    if not columns:
        return {}
    found = text.lazy().select(
        pl.col(delivered).filter(pl.col(delivered).str.contains(",", literal=True)
                                 & pl.col(delivered).str.contains(_DECIMAL_COMMA)).first().alias(name)
        for name, delivered in columns.items()).collect()
    return {name: value.strip(TRIMMED) for name, value in found.row(0, named=True).items() if value is not None}


def of_delivery(files: list[Path], schema: pa.DataFrameSchema, rename: dict[str, str],
                source_file: str) -> DecimalCommas:
    """The delivery's decimal columns written with a decimal comma, judged over its raw text once (streamed)."""
    typed_numbers = not source_file.lower().endswith(".csv")  # JSON or a workbook
    if not files:
        return DecimalCommas(typed_numbers=typed_numbers)
    decimals = set(decimal_columns(schema))
    delivered = {header_name(c, rename): c for c in pl.read_parquet_schema(files[0])}
    return DecimalCommas(decimal_comma_examples(pl.scan_parquet(files), {
        name: column for name, column in delivered.items() if name in decimals}), typed_numbers)


def _thousands_fit(thousands: pl.Expr, column: pa.Column) -> pl.Expr:
    """Whether the thousands reading of a value passes the column's bounds (open or closed alike)."""
    fits = pl.lit(True)
    for check in column.checks:
        stats = check.statistics or {}
        if check.name == "in_range" or check.name in _LOWER:
            fits = fits & (thousands >= stats["min_value"]) if "min_value" in stats else fits
        if check.name == "in_range" or check.name in _UPPER:
            fits = fits & (thousands <= stats["max_value"]) if "max_value" in stats else fits
    return fits


def ambiguous_dotted(value: pl.Expr, column: pa.Column, example: str, personal: bool, generic_reason: str,
                     typed_numbers: bool = False):
    """(cheap test, precise test, reason) for a dotted thousand in a column whose file writes decimal commas."""
    thousands = value.str.replace(".", "", literal=True)
    precise = value.str.contains(DOT_GROUP) & _thousands_fit(thousands.cast(pl.Float64, strict=False), column)
    if typed_numbers:  # a number typed as such reads 1.25: only text can be 1.250
        precise = precise & value.str.ends_with("0")
    reason = generic_reason if personal else pl.format(
        "{} is ambiguous: this file writes decimals with a comma ({}), so its dot may separate thousands ({}); "
        "deliver numbers with a decimal point and no thousands separator", value, pl.lit(example), thousands)
    return value.str.contains(".", literal=True), precise, reason
