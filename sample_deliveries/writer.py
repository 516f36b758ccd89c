"""Writing deliveries as agencies do: UTF-8 CSV, NFD names, legacy Windows-1258 CSV, FIWARE JSON.

Bytes depend only on the table, so identical tables give identical files.
"""

from __future__ import annotations

import json
import unicodedata
from functools import cache
from pathlib import Path

import numpy as np
import polars as pl

from schemas.geography import REFORM_DATE
from sample_deliveries.common import Table

# Windows-1258 has the vowels with circumflex, breve and horn (and đ) precomposed, but the five tone
# marks only as combining characters: a toned vowel is written base letter + tone mark.
_TONE_MARKS = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}


@cache
def _cp1258_char(char: str) -> bytes:
    try:
        return char.encode("cp1258")
    except UnicodeEncodeError:
        decomposed = unicodedata.normalize("NFD", char)
        tones = "".join(m for m in decomposed[1:] if m in _TONE_MARKS)
        base = unicodedata.normalize("NFC", "".join(m for m in decomposed if m not in _TONE_MARKS))
        return base.encode("cp1258") + tones.encode("cp1258")


def encode_cp1258(text: str) -> bytes:
    """Vietnamese text in Windows-1258 (decode with 'cp1258', then NFC, to get the text back)."""
    return b"".join(_cp1258_char(c) for c in unicodedata.normalize("NFC", text))


def output_path(landing: Path, table: Table, file_name: str | None = None) -> Path:
    folder = landing / table.agency / table.dataset / table.delivery.isoformat()
    folder.mkdir(parents=True, exist_ok=True)
    return folder / (file_name or table.file_name)


def drops_district(table: Table) -> bool:
    """New-era files (delivered from the reform on, every row after it) have no district column."""
    return table.delivery >= REFORM_DATE and not bool(np.any(table.old_era))


def final_frame(table: Table) -> pl.DataFrame:
    frame = table.frame
    if "district_code" in frame.columns and drops_district(table):
        frame = frame.drop("district_code")
    if table.nfd_columns:
        frame = frame.with_columns(
            pl.col(c).map_elements(lambda s: unicodedata.normalize("NFD", s), return_dtype=pl.String)
            for c in table.nfd_columns)
    return frame


def write_csv(landing: Path, table: Table) -> list[Path]:
    path = output_path(landing, table)
    frame = final_frame(table)
    if table.encoding.lower() in ("utf-8", "utf8"):
        frame.write_csv(path)
    else:
        text = frame.write_csv()
        data = encode_cp1258(text) if table.encoding == "cp1258" else text.encode(table.encoding)
        path.write_bytes(data)
    return [path]


def _json_value(value: str | None, kind: str):
    """Typed JSON value of a text cell; an unparseable number stays a string (a defect)."""
    if value is None or kind == "str":
        return value
    try:
        return float(value)
    except ValueError:
        return value


def write_json_groups(landing: Path, table: Table, to_object, file_name) -> list[Path]:
    """One JSON array file per group (station); `to_object(row)` builds one object."""
    paths = []
    frame = table.frame
    groups = np.asarray(table.group)
    bounds = np.flatnonzero(np.r_[True, groups[1:] != groups[:-1], True])
    for lo, hi in zip(bounds[:-1], bounds[1:]):
        rows = frame.slice(int(lo), int(hi - lo)).to_dicts()
        objects = [to_object(row, _json_value) for row in rows]
        path = output_path(landing, table, file_name(groups[lo]))
        path.write_text(json.dumps(objects, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        paths.append(path)
    return paths
