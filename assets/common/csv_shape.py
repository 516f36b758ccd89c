"""The shape of a delivered CSV file: its delimiter, and whether every row has the header's fields.

The delimiter is sniffed from the header line (Excel in a Vietnamese or European locale writes ';').
Polars pads a row that is too short with nulls without a word, which would publish a file cut off
mid-row or a row missing a delimiter as if it were whole. So fields are counted per record, in polars
(vectorised, streamed): physical lines are joined into records while a quoted field is open, quoted
text is removed, delimiters are counted. A ragged file is rejected whole: its values may sit in the
wrong columns, and a truncated file is an incomplete delivery.

Most deliveries need none of that: in a file without quotes, where every record is one line, the
rows all have the header's width exactly when the delimiters total the header's count times the
lines, provided no row has more (which polars refuses to read). `fields_add_up` checks
that total with byte counts, about ten times faster than counting per record.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from itertools import islice
from pathlib import Path

import numpy as np
import polars as pl

from assets.common.characters import TRIMMED

SEPARATORS = (",", ";", "\t", "|")
_LINE = "line"
_SHOWN = 5  # ragged rows named in the reason
_SNIFF_LINES = 3  # lines searched for the delimiter: the header, or a title and the header under it


class RaggedFile(ValueError):
    """Some rows have more or fewer fields than the header."""


def sniff_separator(path: Path) -> str:
    """The delimiter of a UTF-8 CSV file: the candidate found most often, outside quotes, in its header; if the
    header has none (one column, or a title line above the header), in the next line that has one."""
    with path.open("r", encoding="utf-8-sig", newline="") as f:
        for line in islice(f, _SNIFF_LINES):
            unquoted = "".join(line.split('"')[::2])
            counts = {sep: unquoted.count(sep) for sep in SEPARATORS}
            best = max(SEPARATORS, key=lambda s: counts[s])
            if counts[best]:
                return best
    return ","


def header_fields(path: Path, separator: str) -> list[str]:
    """The header record's fields as delivered (polars renames a repeated name, so it cannot tell).

    A quote opened in the header and closed lines later, or never, would make polars read the rows as
    one header name, and the file as empty: RaggedFile."""
    with path.open("r", encoding="utf-8-sig", newline="") as f:
        try:
            fields = next(csv.reader(f, delimiter=separator), [])
        except csv.Error as err:
            raise RaggedFile(f"the header cannot be read ({err}): a quote in it does not close") from err
    broken = [i for i, name in enumerate(fields, 1) if "\n" in name or "\r" in name]
    if broken:
        raise RaggedFile(f"header column {broken[0]} runs over a line break: a quote in the header does not close "
                         "on its line. Deliver the header on one line, each quote closed.")
    return fields


_CHUNK = 1 << 24


def fields_add_up(path: Path, separator: str) -> bool:
    """True when the file has no quote and its delimiters total the header's times its lines: then no
    row is short and no line is blank (a blank line, with none, spoils the total; a one-column file has
    no delimiter to count, so it is never shown this way). False means only "not shown this way":
    count per record instead."""
    sep, total, lines = separator.encode(), 0, 0
    with path.open("rb") as f:
        header = f.readline()
        if b'"' in header:
            return False
        width_seps, last = header.count(sep), header[-1:]
        if not width_seps:
            return False
        while chunk := f.read(_CHUNK):
            if b'"' in chunk:
                return False
            # numpy counts about twice as fast as bytes.count, and lets go of the GIL while it compares
            data = np.frombuffer(chunk, np.uint8)
            total += int(np.count_nonzero(data == sep[0]))
            lines += int(np.count_nonzero(data == ord("\n")))
            last = chunk[-1:]
    lines += last != b"\n"  # a last line without its newline is a line too
    return total == width_seps * lines


_LINE_SEPARATOR = "\x1f"  # the line reader's separator: text never holds it, so a line is one field
_OTHER_CONTROL_BYTES = (0x1E, 0x1D, 0x1C, *range(1, 9), 0x0B, 0x0C, *range(0x0E, 0x1C))


def _absent_control_byte(path: Path) -> str:
    """A control byte the file does not hold, for the rare file that holds 0x1F (one search per byte tried)."""
    for byte in _OTHER_CONTROL_BYTES:
        needle = bytes([byte])
        with path.open("rb") as f:
            if not any(needle in chunk for chunk in iter(lambda: f.read(_CHUNK), b"")):
                return chr(byte)
    raise RaggedFile("the file holds every control character, so it is not text: re-export it")


def _field_counts(path: Path, separator: str, line_separator: str) -> pl.LazyFrame:
    """One row per CSV record (header first): its number, whether it is blank, its number of fields."""
    lines = pl.scan_csv(path, has_header=False, separator=line_separator, quote_char=None, infer_schema=False,
                        schema={_LINE: pl.String})
    line = pl.col(_LINE).fill_null("")
    quotes = line.str.count_matches('"', literal=True)
    open_after = quotes.cum_sum() % 2  # inside a quoted field after this line
    starts = open_after.shift(1, fill_value=0) == 0
    unquoted = pl.when(quotes > 0).then(line.str.replace_all(r'"[^"]*"?', "")).otherwise(line)
    numbered = lines.with_columns(starts.cast(pl.UInt32).cum_sum().alias("record"), (starts & (open_after == 0))
                                  .alias("single"), quotes.alias("quotes"))
    single = numbered.filter("single").select(
        # blank (no record): nothing but white space or invisible characters, and no delimiter (a tab-delimited
        # row of only tabs is a record)
        "record", ((line.str.strip_chars(TRIMMED) == "") & ~line.str.contains(separator, literal=True)).alias("blank"),
        (unquoted.str.count_matches(separator, literal=True) + 1).alias("fields"))
    # only records spanning lines (a quoted newline) are joined: few, and grouping every line is slow
    joined = (numbered.filter(~pl.col("single")).group_by("record").agg(line.str.join("\n").alias(_LINE))
              .select("record", pl.lit(False).alias("blank"),
                      (pl.col(_LINE).str.replace_all(r'"[^"]*"?', "").str.count_matches(separator, literal=True) + 1)
                      .alias("fields")))
    return pl.concat([single, joined]).sort("record")


@dataclass(frozen=True)
class FieldCounts:
    counted_every_record: bool  # so a row too long, which the delimiter totals can hide, was judged too
    blank_rows: tuple[int, ...] = ()  # data rows (1-based, as polars numbers them) that are blank lines


def check_field_counts(path: Path, separator: str, *, trust_totals: bool = True) -> FieldCounts:
    """Raise RaggedFile naming the rows whose number of fields differs from the header's.

    With `trust_totals`, a file whose delimiters add up passes at once (`fields_add_up`: it can have
    no blank line). A blank line, or one of only spaces, is no record: its row number is returned."""
    if trust_totals and fields_add_up(path, separator):
        return FieldCounts(counted_every_record=False)
    def unusual_records(line_separator: str) -> pl.DataFrame:  # blank, or not the header's width
        return (_field_counts(path, separator, line_separator)
                .with_columns(pl.col("fields").first().alias("width"), (pl.len() - 1).alias("last"))
                .filter((pl.col("record") > 1) & (pl.col("blank") | (pl.col("fields") != pl.col("width"))))
                .collect())
    try:
        counts = unusual_records(_LINE_SEPARATOR)
    except pl.exceptions.ComputeError:  # a value holds 0x1F: a line would split into fields
        counts = unusual_records(_absent_control_byte(path))
    blank = tuple(r - 1 for r in counts.filter("blank")["record"].to_list())
    ragged = counts.filter(~pl.col("blank"))
    if ragged.is_empty():
        return FieldCounts(counted_every_record=True, blank_rows=blank)
    width, last = ragged["width"][0], ragged["last"][0]
    described = [f"row {r - 1}{' (the last)' if r - 1 == last else ''} has {n} fields"
                 for r, n in ragged.select("record", "fields").head(_SHOWN).iter_rows()]
    more = f" and {ragged.height - _SHOWN} more rows" if ragged.height > _SHOWN else ""
    cut = (" The last row is short: the file was probably cut off mid-row."
           if ragged["record"][-1] - 1 == last and ragged["fields"][-1] < width else "")
    every_row = ragged.height + len(blank) == last
    if every_row and width == 1:  # a "header" without a delimiter above wider rows (a ragged row has 2 fields or more)
        hint = "is the first line a title or a note above the header? The header must be the file's first line"
    elif every_row and (ragged["fields"] == width + 1).all():
        hint = ("every row has one field more than the header: a delimiter at the end of each row, or a column "
                "without a name?")
    else:
        hint = "a missing or unquoted delimiter?"
    raise RaggedFile(f"{', '.join(described)}{more} where the header has {width} ({hint}).{cut} "
                     "Deliver the complete, corrected file under the same name.")
