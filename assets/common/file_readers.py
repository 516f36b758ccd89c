"""Reading a delivered file as a table, and what makes a file unreadable as one (rejected whole).

CSV is streamed by polars (`landing`); these read the rest. JSON and Excel deliveries are small (a
workbook holds at most about a million rows), so they are read whole. A header naming a column twice,
or a JSON object with a key twice, is refused: the readers would keep one of the two values silently.
A Ctrl-Z (0x1A) ending a text file (alone, or on a last line of its own) is the end-of-file marker DOS-era
exporters write: not a row. A file whose lines end in a carriage return alone is read as lines. Blank
lines before the header are no header (polars would take the first for it), nor is Excel's delimiter
directive on the first line (`sep=;`, which Excel writes and reads where the list separator is not a comma).
"""

from __future__ import annotations

import codecs
import json
import os
import re
import shutil
from pathlib import Path

import polars as pl

from assets.common.characters import TRIMMED

_CHUNK = 1 << 20
_DOS_EOF = b"\x1a"
_DOS_EOF_ENDINGS = (b"\x1a\r\n", b"\x1a\n", _DOS_EOF)  # the marker, or the marker on a line of its own
_EXCEL_SEPARATOR = re.compile(rb'"?sep=([^\r\n])"?(?:\r?\n|\Z)', re.IGNORECASE)


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


def transcode_to_utf8(path: Path, encoding: str, workdir: Path) -> Path:
    """Stream a non-UTF-8 file into a UTF-8 copy that polars can scan."""
    out = workdir / (path.stem + ".utf8" + path.suffix)
    with path.open("r", encoding=encoding, newline="") as src, out.open("w", encoding="utf-8", newline="") as dst:
        while chunk := src.read(_CHUNK):
            dst.write(chunk)
    return out


def without_dos_eof(path: Path, workdir: Path) -> Path:
    """`path` itself, or a copy in `workdir` without its DOS end-of-file marker (our own copy is cut in place)."""
    size = path.stat().st_size
    with path.open("rb") as f:
        f.seek(max(size - 3, 0))
        tail = f.read()
    marker = next((m for m in _DOS_EOF_ENDINGS if tail.endswith(m)), None)
    if marker is None:
        return path
    if not path.is_relative_to(workdir):  # never touch the landing file
        path = Path(shutil.copyfile(path, workdir / (path.stem + ".without-eof" + path.suffix)))
    os.truncate(path, size - len(marker))
    return path


def with_line_feeds(path: Path, workdir: Path) -> Path:
    """`path` itself, or, when every line ends in a carriage return alone (classic Mac OS, Excel's "CSV
    (Macintosh)"), a copy in `workdir` ending them in line feeds: polars reads a lone CR as text, so the
    whole file would be one header line and no row."""
    with path.open("rb") as f:
        head = f.read(_CHUNK)
        if b"\n" in head or b"\r" not in head:
            return path
        while chunk := f.read(_CHUNK):
            if b"\n" in chunk:
                return path
    out = workdir / (path.stem + ".lf" + path.suffix)
    with path.open("rb") as src, out.open("wb") as dst:
        while chunk := src.read(_CHUNK):
            dst.write(chunk.replace(b"\r", b"\n"))
    return out


def without_lines_before_header(path: Path, workdir: Path) -> tuple[Path, int, str | None]:
    """`path` itself, or a copy in `workdir` starting at its header: after Excel's delimiter directive if the first
    line is one, and after blank lines (nothing but white space or invisible characters). Also the number of blank
    lines skipped, and the directive's delimiter (None: no directive)."""
    with path.open("rb") as f:
        head = f.read(_CHUNK).removeprefix(codecs.BOM_UTF8)
        whole = len(head) < _CHUNK
    directive = _EXCEL_SEPARATOR.match(head)
    skipped = directive.end() if directive else 0
    # decoded only to be trimmed: any byte that is not UTF-8 (a legacy code page) round-trips unchanged
    text = head[skipped:].decode("utf-8", "surrogateescape").lstrip(TRIMMED).encode("utf-8", "surrogateescape")
    if not text and whole:
        raise UnreadableDelivery(f"the file holds only Excel's delimiter line ({directive[0].decode().strip()}): no "
                                 "header row" if directive else "the file holds only blank lines: no header row")
    # spaces on the header's own line are kept
    start = skipped + head[skipped:len(head) - len(text)].rfind(b"\n") + 1
    separator = directive[1].decode() if directive else None
    if not start:
        return path, 0, separator
    out = workdir / (path.stem + ".from-header" + path.suffix)
    with path.open("rb") as src, out.open("wb") as dst:
        src.seek(start + (len(codecs.BOM_UTF8) if src.read(3) == codecs.BOM_UTF8 else 0))
        shutil.copyfileobj(src, dst, _CHUNK)
    return out, head[skipped:start].count(b"\n"), separator


def _refuse_wrapped(record: dict) -> None:
    """An object whose one key holds a list of objects is an API's wrapper around the records, not a record:
    read as one, its one column would match no contract column, and the whole file would be one quarantined row."""
    if len(record) != 1:
        return
    [(key, value)] = record.items()
    if isinstance(value, list) and all(isinstance(v, dict) for v in value):  # an empty wrapper too: no record
        raise UnreadableDelivery(f"the JSON is one object whose key {key!r} holds {len(value)} records: deliver "
                                 "the records themselves, as an array of objects or one object per line (NDJSON)")


def read_json(path: Path, encoding: str) -> pl.DataFrame:
    """The records of a JSON (array or one object) or NDJSON file, every value as text. JSON is exchanged in
    UTF-8 (or UTF-16/32 with a byte-order mark): a stray byte is refused, not read as a legacy code page,
    which would turn every accented letter of the file into mojibake."""
    try:
        text = path.read_text(encoding=encoding).rstrip().removesuffix(_DOS_EOF.decode())  # JSON ignores the spaces
    except UnicodeDecodeError as err:
        raise UnreadableDelivery(f"the file is not valid {encoding.upper().removesuffix('-SIG')}: byte "
                                 f"0x{err.object[err.start]:02X} at offset {err.start} is not part of a character; "
                                 "export the JSON as UTF-8") from err
    if path.suffix.lower() in (".ndjson", ".jsonl"):
        records = [json.loads(line, object_pairs_hook=_object_once) for line in text.splitlines() if line.strip()]
    else:
        records = json.loads(text, object_pairs_hook=_object_once)
        if isinstance(records, dict):
            _refuse_wrapped(records)
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


def blank_row(columns: list[str]) -> pl.Expr:
    """True for a row whose every cell is empty or only white space or invisible characters: no record."""
    return pl.all_horizontal(pl.col(columns).str.strip_chars(TRIMMED).fill_null("") == "")


def read_excel(path: Path) -> pl.DataFrame:
    """The one sheet with data, every cell as text, blank rows kept in place (`blank_row`: no records, but
    the rows after them keep their numbers). Read once, header as a row: the reader would rename a
    repeated name (`floors_1`), so the header is judged as delivered, then made the column names."""
    read = pl.read_excel(path, sheet_id=0, has_header=False, infer_schema_length=0, drop_empty_rows=False,
                         read_options={"dtypes": "string"})
    sheets = {}
    for name, df in read.items():
        filled = df.with_row_index("_sheet_row").filter(~blank_row(df.columns)) if df.width else df
        if filled.height:
            sheets[name] = df.slice(filled["_sheet_row"][0])  # from the header: its first row not blank
    if len(sheets) != 1:
        raise UnreadableDelivery(f"the workbook has {len(sheets)} sheets with data ({', '.join(sheets) or 'none'}); "
                                 "deliver exactly one sheet per file")
    [(name, cells)] = sheets.items()
    header = list(cells.row(0))
    refuse_repeated(header, f"the header row of sheet {name!r}")
    rows = cells.slice(1)
    rows.columns = [h or f"__UNNAMED__{i}" for i, h in enumerate(header)]  # the reader's name for a blank header
    # a column with neither a name nor a value is no column, as when the reader takes the header itself
    return rows.select(c for c, h in zip(rows.columns, header) if h or rows[c].null_count() < rows.height)
