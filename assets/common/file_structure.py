"""A delivery's columns against its contract: their names as the contract spells them, and what an agency
is told when its file does not fit (a required column missing, the header under title lines, the records
nested in an API's wrapper, the header repeated among the rows)."""

from __future__ import annotations

import json
import unicodedata

import pandera.polars as pa
import polars as pl

from assets.common.characters import TRIMMED, shown
from assets.common.landing import ROW_NUMBER

_LOOK_AHEAD = 20  # first rows searched for the real header, or for nested records


def _as_written(delivered: str) -> str:
    """A delivered column name trimmed and in NFC, like a value."""
    return unicodedata.normalize("NFC", delivered.strip(TRIMMED))


def header_name(delivered: str, rename: dict[str, str]) -> str:
    """A delivered column name as the contract spells it: as written (`_as_written`), renamed, lower case."""
    name = _as_written(delivered)
    return rename.get(name, name).lower()


def delivered_header(columns: list[str], rename: dict[str, str]) -> dict[str, str]:
    """Each delivered column's contract name → its name as the header wrote it (`_as_written`)."""
    return {header_name(c, rename): _as_written(c) for c in columns if c != ROW_NUMBER}


def unknown_columns(columns: list[str], schema: pa.DataFrameSchema) -> list[str]:
    """Delivered columns (contract spelling, invisible characters shown) the contract does not know: ignored, never
    published."""
    return [shown(c) for c in columns if c not in schema.columns and not c.startswith("_")]


def repeated_header_rows(text: pl.DataFrame, header: dict[str, str]) -> pl.Series:
    """Positions of the rows whose every value is its column's delivered name: a header where records belong
    (exports joined, each keeping its header line)."""
    named = {c: h for c, h in header.items() if c in text.columns}
    if not named:
        return pl.Series(dtype=pl.Int64)
    first, *_ = named
    # the first column alone over every row (after `cat` of two UTF-8 exports the second header keeps its
    # byte-order mark, trimmed with the value, before which a quote opened no quoted field); the rest only where
    # it matched, usually no row
    spellings = [named[first], f'"{named[first]}"']
    at = text[first].is_in(spellings).arg_true().cast(pl.Int64)
    if len(at) and len(named) > 1:
        rows = text.select(pl.col(list(named)[1:]).gather(at))
        at = at.filter(rows.select(pl.all_horizontal(pl.col(c) == h for c, h in list(named.items())[1:])).to_series())
    return at


def _header_row_below(text: pl.DataFrame, required: set[str], rename: dict[str, str]) -> int | None:
    """The number of an early row whose values name every required column: the header, under title lines (an
    Excel report's "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM") that were taken for the header."""
    values = [c for c in text.columns if c != ROW_NUMBER]
    for number, *row in text.head(_LOOK_AHEAD).select(ROW_NUMBER, *values).iter_rows():
        if required <= {header_name(v, rename) for v in row if isinstance(v, str)}:
            return number
    return None


def _records_nested_in(text: pl.DataFrame, required: set[str], rename: dict[str, str]) -> str | None:
    """A column whose early values are JSON lists of records holding every required column: an API's wrapper
    (`{"count": 2, "data": [...]}`) read as a record. JSON readers keep a nested list as its JSON text."""
    for column in (c for c in text.columns if c != ROW_NUMBER):
        for value in text[column].head(_LOOK_AHEAD).drop_nulls():
            if not value.startswith("["):
                continue
            try:
                records = json.loads(value)
            except ValueError:
                continue
            if records and all(isinstance(r, dict) for r in records) and required <= {
                    header_name(k, rename) for k in records[0]}:
                return column
    return None


def missing_columns_reason(text: pl.DataFrame, schema: pa.DataFrameSchema, rename: dict[str, str]) -> str | None:
    """Why the file's columns cannot be mapped onto the contract (None: every required column is there)."""
    missing = [n for n, c in schema.columns.items() if n not in text.columns and not c.nullable]
    if not missing:
        return None
    reason = f"the file has no column {', '.join(missing)}, which the contract requires"
    if unknown := unknown_columns(text.columns, schema):
        reason += f"; it has columns the contract does not know: {', '.join(unknown)} (renamed?)"
    required = {n for n, c in schema.columns.items() if not c.nullable}
    if (below := _header_row_below(text, required, rename)) is not None:
        reason += (f"; row {below} (counted, as in this quarantine, from the row after the first) names every "
                   "required column: it is probably the header, under lines (a title?) that must go, since the "
                   "header must be the first row")
    elif (wrapper := _records_nested_in(text, required, rename)) is not None:
        reason += (f"; its column {wrapper!r} holds a list of records with the contract's columns: deliver those "
                   "records themselves, as an array of objects or one object per line (NDJSON)")
    return reason
