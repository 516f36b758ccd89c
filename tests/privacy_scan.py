"""A scanner for personal data in the shared zone: every column of every table, in Parquet and in DuckDB.

What it looks for comes from the restricted zone itself (`raw.*`, the deliveries as received): the
personal IDs, full names, card ids, dates of birth and addresses of the sample. It also flags any
12-digit number wherever it stands (a personal ID the sample did not deliver as such).
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import polars as pl

from warehouse.lake import Lake

# A 12-digit number standing alone whose first three digits are a province code (001-096): the shape of
# a personal ID. (Treasury payment ids hold a 12-digit run too, but start with the year: 25…)
TWELVE_DIGITS = r"(^|[^0-9])0([0-8][1-9]|9[0-6]|[1-8]0)[0-9]{9}([^0-9]|$)"
# A keyed pseudonym (20 hex characters) or a SHA-256 checksum (64): hex that may hold a run of digits
DIGEST = r"^([0-9a-f]{20}|[0-9a-f]{64})$"
HOUSEHOLD = "hộ kinh doanh "


def _nfc(values) -> set[str]:
    return {unicodedata.normalize("NFC", v).strip() for v in values if v and v.strip()}


@dataclass
class Needles:
    """Personal values of the sample, as delivered."""

    ids: set[str] = field(default_factory=set)        # 12-digit personal IDs (also used as tax numbers)
    cards: set[str] = field(default_factory=set)      # fare-card ids
    names: set[str] = field(default_factory=set)      # full names, household owners' included
    addresses: set[str] = field(default_factory=set)
    births: set[dt.date] = field(default_factory=set)  # exact dates of birth
    birth_texts: set[str] = field(default_factory=set)  # the same, as delivered (dd/mm/yyyy)

    @classmethod
    def from_restricted_zone(cls, lake: Lake) -> "Needles":
        found = cls()
        for path in sorted((lake.lake / "raw").glob("*/*/*.parquet")) + sorted((lake.lake / "raw").glob("*/*.parquet")):
            frame = pl.read_parquet(path, hive_partitioning=False)
            for column in frame.columns:
                values = frame[column].cast(pl.String).drop_nulls().to_list()
                if column.endswith("personal_id") or column == "tax_code":
                    found.ids |= {v.strip() for v in values if v.strip().isdigit() and len(v.strip()) == 12}
                elif column == "card_id":
                    found.cards |= _nfc(values)
                elif column.endswith("full_name"):
                    found.names |= _nfc(values)
                elif column == "business_name":
                    found.names |= {v[len(HOUSEHOLD):] for v in _nfc(values) if v.lower().startswith(HOUSEHOLD)}
                elif "address" in column:
                    found.addresses |= _nfc(values)
                elif column.endswith("date_of_birth"):
                    found.birth_texts |= _nfc(values)
                    found.births |= {d for d in (_date(v) for v in values) if d}
        return found

    def texts(self) -> list[str]:
        """Values searched for as substrings of any text (names and addresses are long enough to be telling)."""
        return sorted(v for v in self.names | self.addresses if len(v) >= 6)

    def birth_dates(self) -> list[str]:
        """Dates of birth as delivered and as ISO text: telling only where a column is about birth."""
        return sorted(self.birth_texts | {d.isoformat() for d in self.births})


def _date(text: str) -> dt.date | None:
    try:
        return dt.datetime.strptime(text.strip(), "%d/%m/%Y").date()
    except ValueError:
        return None


def scan_frame(frame: pl.DataFrame, where: str, needles: Needles) -> list[str]:
    """`where.column: what` for every personal value found in the frame."""
    hits, texts = [], needles.texts()
    for column in frame.columns:
        series = frame[column]
        if series.dtype == pl.Date and "birth" in column:
            exact = series.drop_nulls().unique().filter(series.drop_nulls().unique().dt.day() != 1)
            if exact.is_in(list(needles.births)).any():
                hits.append(f"{where}.{column}: exact date of birth")
        if series.dtype == pl.String and "birth" in column and series.str.contains_any(needles.birth_dates()).any():
            hits.append(f"{where}.{column}: date of birth of the sample")
        values = series.cast(pl.String, strict=False).drop_nulls().unique()
        values = pl.Series(column, [unicodedata.normalize("NFC", v) for v in values.to_list()], dtype=pl.String)
        if values.is_empty():
            continue
        numbers = set(values.str.extract_all(r"[0-9]+").explode().drop_nulls().to_list())
        if numbers & needles.ids:
            hits.append(f"{where}.{column}: personal ID of the sample")
        if numbers & needles.cards:
            hits.append(f"{where}.{column}: card id of the sample")
        if not series.dtype.is_float() and (values.str.contains(TWELVE_DIGITS) & ~values.str.contains(DIGEST)).any():
            hits.append(f"{where}.{column}: 12-digit number")
        if texts and values.str.contains_any(texts).any():
            hits.append(f"{where}.{column}: name or address of the sample")
    if {"column", "offending_value"} <= set(frame.columns):  # quarantine: the value of a birth column
        births = frame.filter(pl.col("column").str.contains("birth")).get_column("offending_value").drop_nulls()
        if births.str.contains_any(needles.birth_dates()).any():
            hits.append(f"{where}.offending_value: date of birth of the sample (in a quarantine row)")
    return hits


def shared_parquet_files(lake: Lake) -> list[Path]:
    """Every Parquet file on disk outside the restricted zone, current or retired."""
    return sorted(p for p in lake.lake.rglob("*.parquet") if p.relative_to(lake.lake).parts[0] != "raw")


def scan_shared_zone(lake: Lake, needles: Needles) -> tuple[list[str], int]:
    """All hits in the shared zone, and how many tables and files were scanned."""
    hits, scanned = [], 0
    for path in shared_parquet_files(lake):
        hits += scan_frame(pl.read_parquet(path, hive_partitioning=False), str(path.relative_to(lake.lake)), needles)
        scanned += 1
    with duckdb.connect(str(lake.warehouse), read_only=True) as con:
        tables = con.sql("select table_schema, table_name from information_schema.tables").fetchall()
        for schema, name in tables:
            frame = con.sql(f'select * from "{schema}"."{name}"').pl()
            hits += scan_frame(frame, f"warehouse {schema}.{name}", needles)
            scanned += 1
    return hits, scanned
