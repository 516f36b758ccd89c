"""The landing zone: find deliveries and read them as delivered, every value a string.

Contract for agencies: put a file at `landing/<agency>/<dataset>/<YYYY-MM-DD>/<name>.<csv|json|ndjson|xlsx>`,
the folder date being the delivery date. CSV has a header row with the contract's column names, comma
(or semicolon) separated, UTF-8 (with or without BOM) or a legacy Windows code page (1258, or 1252: see
`encodings`), every row with the header's number of fields (`csv_shape`), no column named twice
(`file_readers`). Values are read as text so that leading zeros survive; typing happens in
validation, where a bad value becomes a quarantine row.
"""

from __future__ import annotations

import datetime as dt
import tempfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from assets.common.csv_quotes import misplaced_quote
from assets.common.csv_shape import RaggedFile, check_field_counts, header_fields, sniff_separator
from assets.common.encodings import UndecodableFile, detect_encoding, marked_encoding
from assets.common.file_signatures import file_head, not_a_table
from assets.common.file_readers import (UnreadableDelivery, blank_row, read_excel, read_json, refuse_repeated,
                                        transcode_to_utf8, with_line_feeds, without_dos_eof,
                                        without_lines_before_header)
from assets.common.landing_paths import landing_files, plain_component


FORMATS = (".csv", ".json", ".ndjson", ".jsonl", ".xlsx")
ROW_NUMBER = "_row_number"
# The raw text is written once and read twice by staging: lz4 writes and reads it about 30 % faster than
# zstd, for files about 1.5× larger (a standard Parquet codec: Spark and Trino read it). No column
# statistics (about 10 % of the write): raw is read by row ranges, never filtered by value.
RAW_PARQUET = {"compression": "lz4", "statistics": False}


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


@dataclass(frozen=True)
class Landed:
    rows: int
    encoding: str
    blank_lines: int = 0  # blank lines of a CSV file: no records (the rows after them keep their numbers)


def _drop_rows(path: Path, row_numbers: tuple[int, ...]) -> None:
    kept = path.with_name(f".{path.name}.kept.tmp")  # the lake's temporary-file form: collected if a crash leaves it
    pl.scan_parquet(path).filter(~pl.col(ROW_NUMBER).is_in(row_numbers)).sink_parquet(kept, **RAW_PARQUET)
    kept.replace(path)


def _land_csv(path: Path, encoding: str, out: Path, tmp: Path) -> int:
    """Write a CSV delivery as text Parquet (`write_as_text_parquet`); returns its number of blank lines."""
    # polars and the shape and quote checks read UTF-8 with or without its byte-order mark: no copy to drop it
    source = path if encoding in ("utf-8", "utf-8-sig") else transcode_to_utf8(path, encoding, tmp)
    source = with_line_feeds(without_dos_eof(source, tmp), tmp)
    source, leading_blank_lines, directed = without_lines_before_header(source, tmp)  # directed: Excel's "sep=;"
    separator = directed or sniff_separator(source)
    refuse_repeated(header_fields(source, separator), "the header")
    frame = pl.scan_csv(source, infer_schema=False, row_index_name=ROW_NUMBER, row_index_offset=1,
                        separator=separator, truncate_ragged_lines=False)
    try:
        with ThreadPoolExecutor(1, thread_name_prefix="field-counts") as pool:
            # counted beside the sink (a byte count in Python, while polars parses in its own threads);
            # a file whose rows do not all have the header's fields is rejected by it, sunk or not
            shape = pool.submit(check_field_counts, source, separator)
            try:
                frame.sink_parquet(out, **RAW_PARQUET)  # streams: never whole in memory
            except pl.exceptions.ComputeError:
                # a row too long, offset in the totals by one too short: name it, unless every
                # record was counted already (a file with quotes)
                if not shape.result().counted_every_record:
                    check_field_counts(source, separator, trust_totals=False)
                raise
            blank_rows = shape.result().blank_rows
    except (RaggedFile, pl.exceptions.ComputeError) as err:
        misplaced = misplaced_quote(source, separator)  # the likelier cause, in the agency's terms
        if misplaced:
            raise RaggedFile(misplaced) from err
        raise
    if blank_rows:  # rare (a hand-edited file): written again without them
        _drop_rows(out, blank_rows)
    return leading_blank_lines + len(blank_rows)


def write_as_text_parquet(delivery: Delivery, out: Path, workdir: Path | None = None) -> Landed:
    """Write the delivery as a Parquet file of strings plus `_row_number`: its rows, encoding and blank lines.

    Raises UnreadableDelivery, with a reason an agency can act on, for a file that is not a table.
    """
    suffix = delivery.path.suffix.lower()
    encoding, blank_lines = "utf-8", 0
    if delivery.path.stat().st_size == 0:
        raise UnreadableDelivery("the file is empty (0 bytes); a day without records is a file with the header only")
    head = file_head(delivery.path)
    if reason := not_a_table(delivery.path, head):
        raise UnreadableDelivery(reason)
    try:
        with tempfile.TemporaryDirectory(dir=workdir) as tmp:
            if suffix == ".csv":
                encoding = detect_encoding(delivery.path, head)
                blank_lines = _land_csv(delivery.path, encoding, out, Path(tmp))
            else:
                if suffix == ".xlsx":
                    df = read_excel(delivery.path)
                else:
                    encoding = marked_encoding(head) or "utf-8"  # JSON is UTF-8, or marked
                    df = read_json(delivery.path, encoding)
                numbered = df.with_row_index(ROW_NUMBER, offset=1)
                if suffix == ".xlsx" and df.width:  # a blank sheet row is no record; the rows after it keep their number
                    blank = df.select(blank_row(df.columns)).to_series()
                    numbered, blank_lines = numbered.filter(~blank), int(blank.sum())
                numbered.write_parquet(out, **RAW_PARQUET)
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
    return Landed(rows, encoding, blank_lines)
