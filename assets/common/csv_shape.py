"""The shape of a delivered CSV file: its delimiter, and whether every row has the header's fields.

The delimiter is sniffed from the header line (Excel in a Vietnamese or European locale writes ';').
Polars pads a row that is too short with nulls without a word, which would publish a file cut off
mid-row or a row missing a delimiter as if it were whole. So fields are counted per record, in polars
(vectorised, streamed): physical lines are joined into records while a quoted field is open, quoted
text is removed, delimiters are counted. A ragged file is rejected whole: its values may sit in the
wrong columns, and a truncated file is an incomplete delivery.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl

SEPARATORS = (",", ";", "\t", "|")
_LINE = "line"
_SHOWN = 5  # ragged rows named in the reason


class RaggedFile(ValueError):
    """Some rows have more or fewer fields than the header."""


def sniff_separator(path: Path) -> str:
    """The delimiter of a UTF-8 CSV file: the candidate found most often, outside quotes, in its header."""
    with path.open("r", encoding="utf-8-sig", newline="") as f:
        header = f.readline()
    unquoted = "".join(header.split('"')[::2])
    counts = {sep: unquoted.count(sep) for sep in SEPARATORS}
    best = max(SEPARATORS, key=lambda s: counts[s])
    return best if counts[best] else ","


def _field_counts(path: Path, separator: str) -> pl.LazyFrame:
    """One row per CSV record (header first): its first physical line number and its number of fields."""
    lines = pl.scan_csv(path, has_header=False, separator="\x1f", quote_char=None, infer_schema=False,
                        schema={_LINE: pl.String}, row_index_name="line_number", row_index_offset=1)
    line = pl.col(_LINE).fill_null("")
    open_after = line.str.count_matches('"', literal=True).cum_sum() % 2  # inside a quoted field after this line
    starts = (open_after.shift(1, fill_value=0) == 0).cast(pl.UInt32)
    records = (lines.with_columns(starts.cum_sum().alias("record"))
               .group_by("record", maintain_order=True)
               .agg(pl.col("line_number").first(), line.str.join("\n").alias(_LINE)))
    unquoted = pl.col(_LINE).str.replace_all(r'"[^"]*"?', "")
    return records.select(
        "record", "line_number", (pl.col(_LINE) == "").alias("blank"),
        (unquoted.str.count_matches(separator, literal=True) + 1).alias("fields"))


def check_field_counts(path: Path, separator: str) -> None:
    """Raise RaggedFile naming the rows whose number of fields differs from the header's."""
    counts = _field_counts(path, separator).collect(engine="streaming")
    if counts.height == 0:
        return
    width = counts["fields"][0]
    ragged = counts.slice(1).filter(~pl.col("blank") & (pl.col("fields") != width))
    if ragged.is_empty():
        return
    last = counts.height - 1
    described = [f"row {r - 1}{' (the last)' if r - 1 == last else ''} has {n} fields"
                 for r, n in ragged.select("record", "fields").head(_SHOWN).iter_rows()]
    more = f" and {ragged.height - _SHOWN} more rows" if ragged.height > _SHOWN else ""
    cut = (" The last row is short: the file was probably cut off mid-row."
           if ragged["record"][-1] - 1 == last and ragged["fields"][-1] < width else "")
    raise RaggedFile(f"{', '.join(described)}{more} where the header has {width} (a missing or unquoted "
                     f"delimiter?).{cut} Deliver the complete, corrected file under the same name.")
