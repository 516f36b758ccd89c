"""A delivered file that is not what its name says: told apart by its first bytes, and rejected whole.

Without this, a workbook or a gzip archive named `.csv` is rejected as text that "cannot be decoded",
and a PDF or an HTML page (a portal's error or login page saved under the expected name) is read as a
one-column table whose rows are all quarantined, or as a header with no rows: both send the agency
looking in the wrong place. The reason names what the file is and what to deliver instead.
"""

from __future__ import annotations

import mmap
import re
from pathlib import Path

from assets.common.encodings import marked_encoding

_HEAD = 512
_ZIP = (b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08")  # an archive's first entry, an empty one, a spanned one
_OLE2 = bytes.fromhex("d0cf11e0a1b11ae1")  # Excel 97-2003 (.xls) and the other Office binary files
# a page, after an XML declaration, comments and a doctype, if any
_HTML = re.compile(r"\s*(<\?xml[^>]*>\s*)?(<!--.*?-->\s*)*(<!doctype\s+html|<html|<head|<body)",
                   re.IGNORECASE | re.DOTALL)
_NO_BOM = "text in UTF-16 or UTF-32 without a byte-order mark (every other byte is NUL)"
# the stream in which an Office file encrypted with a password keeps its content, named in UTF-16 in the directory
_ENCRYPTED = "EncryptedPackage".encode("utf-16-le")
_AS_XLSX = "save a workbook as \"Excel Workbook (.xlsx)\" under a .xlsx name, or export its sheet as CSV"


def _unmarked_wide_text(head: bytes) -> bool:
    """ASCII in UTF-16 (UTF-32) without a mark: one byte in two (three in four) NUL, always at the same places.
    NULs anywhere else (a value padded with them) are text damage, judged row by row in staging."""
    for width in (2, 4):
        lanes = [head[i::width] for i in range(width)]
        if len(head) >= 2 * width and sum(lane.count(0) >= 0.9 * len(lane) for lane in lanes) == width - 1 \
                and any(lane.count(0) <= 0.1 * len(lane) for lane in lanes):
            return True
    return False


def _kind(head: bytes, whole: bool) -> tuple[str, str] | None:
    """(what the file is, what to deliver instead) when its first bytes say it is no text table; else None."""
    if head.startswith(_ZIP):
        return "a ZIP archive (an Excel workbook is one)", _AS_XLSX
    if head.startswith(_OLE2):
        return "an Excel 97-2003 workbook (.xls) or another Office binary file", _AS_XLSX
    if head.startswith(b"\x1f\x8b"):
        return "gzip-compressed", "deliver the file uncompressed"
    if head.startswith(b"%PDF-"):
        return "a PDF document", "deliver the data itself, as CSV, JSON or a workbook"
    if head and not head.strip(b"\x00"):
        return (f"{'nothing but' if whole else 'starts with'} NUL bytes (a copy cut off or never written?)",
                "deliver the complete file again")
    marked = marked_encoding(head)
    if marked is None and _unmarked_wide_text(head):
        return _NO_BOM, "export it as UTF-8, or as Excel's \"Unicode Text\", which writes the mark"
    if _HTML.match(head.decode(marked or "utf-8", errors="ignore").removeprefix("\ufeff")):
        return ("an HTML page (a web portal's error or login page saved as the file?)",
                "deliver the data itself, as CSV, JSON or a workbook")
    return None


def _encrypted(path: Path) -> bool:
    """An Office binary file holding a password-encrypted document (Excel saves a protected .xlsx as one)."""
    with path.open("rb") as f, mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ) as contents:
        return contents.find(_ENCRYPTED) >= 0


def file_head(path: Path) -> bytes:
    """The file's first bytes, as many as `not_a_table` judges plus one (which tells whether the file ends there);
    its byte-order mark among them (`encodings.marked_encoding`)."""
    with path.open("rb") as f:
        return f.read(_HEAD + 1)


def not_a_table(path: Path, head: bytes) -> str | None:
    """Why a file named `.csv`, `.json`/`.ndjson` or `.xlsx` cannot be read as one, or None. `head`: `file_head`."""
    kind = _kind(head[:_HEAD], whole=len(head) <= _HEAD)
    if head.startswith(_OLE2) and _encrypted(path):
        kind = ("a password-protected (encrypted) Excel workbook, which the lake cannot open",
                "remove the password and save it again as \"Excel Workbook (.xlsx)\", or export its sheet as CSV")
    if path.suffix.lower() == ".xlsx":
        if head.startswith(_ZIP):
            return None
        what, advice = kind or ("text, not a workbook (a .xlsx file is a ZIP archive)",
                                "deliver a CSV export under a .csv name, or a workbook saved as .xlsx")
    elif kind is None:
        return None
    else:
        what, advice = kind
    named = "" if what == _NO_BOM else f", though it is named {path.suffix}"  # text, in an encoding not told
    return f"the file is {what}{named}: {advice}"
