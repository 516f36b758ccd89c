"""The landing zone: find deliveries and read them as delivered, every value a string.

Contract for agencies: put a file at `landing/<agency>/<dataset>/<YYYY-MM-DD>/<name>.<csv|json|ndjson|xlsx>`,
the folder date being the delivery date. CSV has a header row with the contract's column names, comma
(or semicolon) separated, UTF-8 (with or without BOM) or a legacy Windows code page (1258, or 1252: see
`encodings`), every row with the header's number of fields (`csv_shape`), no column named twice. Values are read as text so
that leading zeros survive; typing happens in validation, where a bad value becomes a quarantine row.
"""

from __future__ import annotations

import datetime as dt
import json
import tempfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import fastexcel
import polars as pl

from assets.common.csv_shape import RaggedFile, check_field_counts, header_fields, sniff_separator
from assets.common.encodings import UndecodableFile, detect_encoding
from assets.common.landing_paths import landing_files, plain_component


FORMATS = (".csv", ".json", ".ndjson", ".jsonl", ".xlsx")
ROW_NUMBER = "_row_number"
# The raw text is written once and read twice by staging: lz4 writes and reads it about 30 % faster than
# zstd, for files about 1.5× larger (a standard Parquet codec: Spark and Trino read it). No column
# statistics (about 10 % of the write): raw is read by row ranges, never filtered by value.
RAW_PARQUET = {"compression": "lz4", "statistics": False}
_CHUNK = 1 << 20


@dataclass(frozen=True)
class Delivery:
    """One file delivered by an agency."""

    dataset: str
    delivery_date: dt.date
    path: Path
    relative_path: str  # relative to the landing root: the file's name in quarantine rows and the ledger

    @property
    def id(self) -> str:
        return f"{self.delivery_date.isoformat()}/{self.path.name}"


@dataclass(frozen=True)
class Rejected:
    """A file in the landing zone that breaks the naming contract: reported, never silently skipped."""

    relative_path: str
    reason: str


def discover(landing: Path, agency: str, dataset: str) -> tuple[list[Delivery], list[Rejected]]:
    base = landing / plain_component(agency) / plain_component(dataset)
    files, refused = landing_files(landing, base)
    found = []
    rejected = [Rejected(p.relative_to(landing).as_posix(), reason) for p, reason in refused]
    for path in files:
        rel = path.relative_to(landing).as_posix()
        if path.parent.parent != base:
            rejected.append(Rejected(rel, "expected <agency>/<dataset>/<YYYY-MM-DD>/<file>"))
            continue
        try:
            date = dt.date.fromisoformat(path.parent.name)
        except ValueError:
            rejected.append(Rejected(rel, f"folder {path.parent.name!r} is not a delivery date YYYY-MM-DD"))
            continue
        if path.name.startswith("~$"):
            rejected.append(Rejected(rel, "an Excel lock file (~$…) of a workbook still open, not a delivery"))
            continue
        if path.suffix.lower() not in FORMATS:
            rejected.append(Rejected(rel, f"unsupported file type {path.suffix!r}; expected one of {FORMATS}"))
            continue
        found.append(Delivery(dataset, date, path, rel))
    return found, rejected


class UnreadableDelivery(Exception):
    """A delivered file that cannot be read as a table at all: the whole file is rejected, with this reason."""


def refuse_repeated(names: list, where: str, kind: str = "column") -> None:
    """A table naming a column twice is ambiguous (which value is the column's?): the file is rejected.
    Only exact repeats: names equal once trimmed or lower-cased are the contract's to judge (staging)."""
    first: dict[str, int] = {}
    for place, name in enumerate(names, 1):
        if name is None or name == "":
            continue
        if name in first:
            raise UnreadableDelivery(f"{where} names the {kind} {name!r} twice ({kind}s {first[name]} and {place}): "
                                     f"which of the two values is meant cannot be told; deliver each {kind} once")
        first[name] = place


def _object_once(pairs: list[tuple[str, object]]) -> dict:
    refuse_repeated([key for key, _ in pairs], "a JSON object", kind="key")  # json.loads would keep the last
    return dict(pairs)


def _transcode(path: Path, encoding: str, workdir: Path) -> Path:
    """Stream a non-UTF-8 file into a UTF-8 copy that polars can scan."""
    out = workdir / (path.stem + ".utf8" + path.suffix)
    with path.open("r", encoding=encoding, newline="") as src, out.open("w", encoding="utf-8", newline="") as dst:
        while chunk := src.read(_CHUNK):
            dst.write(chunk)
    return out


def _read_json(path: Path) -> pl.DataFrame:
    text = path.read_text(encoding="utf-8-sig")
    if path.suffix.lower() in (".ndjson", ".jsonl"):
        records = [json.loads(line, object_pairs_hook=_object_once) for line in text.splitlines() if line.strip()]
    else:
        records = json.loads(text, object_pairs_hook=_object_once)
        if isinstance(records, dict):
            records = [records]
    if isinstance(records, list):  # NGSI "normalized" attributes {"type": …, "value": v} are read as v
        records = [{k: v["value"] if isinstance(v, dict) and "value" in v else v for k, v in r.items()}
                   if isinstance(r, dict) else r for r in records]
    if not isinstance(records, list) or not all(isinstance(r, dict) for r in records):
        raise UnreadableDelivery("JSON must be an array of objects, or one object per line (NDJSON)")
    # Each value is kept as its JSON text (nested objects too), so nothing is reinterpreted here.
    columns: dict[str, list] = {}
    for i, rec in enumerate(records):
        for key in rec:
            columns.setdefault(key, [None] * len(records))
        for key, value in rec.items():
            columns[key][i] = value if isinstance(value, str) or value is None else json.dumps(value, ensure_ascii=False)
    return pl.DataFrame({k: pl.Series(k, v, dtype=pl.String) for k, v in columns.items()}, height=len(records))


def _read_excel(path: Path) -> pl.DataFrame:
    sheets = {name: df for name, df in pl.read_excel(path, sheet_id=0, infer_schema_length=0).items()
              if df.height or df.width}
    if len(sheets) != 1:
        raise UnreadableDelivery(f"the workbook has {len(sheets)} sheets with data ({', '.join(sheets) or 'none'}); "
                                 "deliver exactly one sheet per file")
    [(name, frame)] = sheets.items()
    header = fastexcel.read_excel(path).load_sheet(name, header_row=None, n_rows=1).to_polars()
    refuse_repeated([None if v is None else str(v) for v in header.row(0)] if header.height else [],
                    f"the header row of sheet {name!r}")
    return frame


def write_as_text_parquet(delivery: Delivery, out: Path, workdir: Path | None = None) -> tuple[int, str]:
    """Write the delivery as a Parquet file of strings plus `_row_number`; return (rows, encoding).

    Raises UnreadableDelivery, with a reason an agency can act on, for a file that is not a table.
    """
    suffix = delivery.path.suffix.lower()
    encoding = "utf-8"
    if delivery.path.stat().st_size == 0:
        raise UnreadableDelivery("the file is empty (0 bytes); a day without records is a file with the header only")
    try:
        with tempfile.TemporaryDirectory(dir=workdir) as tmp:
            if suffix == ".csv":
                encoding = detect_encoding(delivery.path)
                source = delivery.path if encoding == "utf-8" else _transcode(delivery.path, encoding, Path(tmp))
                separator = sniff_separator(source)
                refuse_repeated(header_fields(source, separator), "the header")
                frame = pl.scan_csv(source, infer_schema=False, row_index_name=ROW_NUMBER, row_index_offset=1,
                                    separator=separator, truncate_ragged_lines=False)
                with ThreadPoolExecutor(1, thread_name_prefix="field-counts") as pool:
                    # counted beside the sink (a byte count in Python, while polars parses in its own threads);
                    # a file whose rows do not all have the header's fields is rejected by it, sunk or not
                    shape = pool.submit(check_field_counts, source, separator)
                    try:
                        frame.sink_parquet(out, **RAW_PARQUET)  # streams: never whole in memory
                    except pl.exceptions.ComputeError:
                        # a row too long, offset in the totals by one too short: name it, unless every
                        # record was counted already (a file with quotes)
                        if not shape.result():
                            check_field_counts(source, separator, trust_totals=False)
                        raise
                    shape.result()
            else:
                df = _read_excel(delivery.path) if suffix == ".xlsx" else _read_json(delivery.path)
                df.with_row_index(ROW_NUMBER, offset=1).write_parquet(out, **RAW_PARQUET)
        rows = pl.scan_parquet(out).select(pl.len()).collect().item()
    except UnreadableDelivery:
        raise
    except UndecodableFile as err:
        raise UnreadableDelivery(str(err)) from err
    except RaggedFile as err:
        raise UnreadableDelivery(f"cannot read the file as CSV ({encoding}): {err}") from err
    except Exception as err:  # whatever the parser met in the file: report it, never crash the run
        message = str(err).strip().splitlines()[0] if str(err).strip() else ""
        raise UnreadableDelivery(f"cannot read the file as {suffix[1:].upper()} "
                                 f"({encoding}): {type(err).__name__}: {message[:300]}") from err
    return rows, encoding
