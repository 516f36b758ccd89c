"""A delivered file that is not what its name says: told apart by its first bytes, and rejected whole.

Without this, a workbook or a gzip archive named `.csv` is rejected as text that "cannot be decoded",
and a PDF or an HTML page (a portal's error or login page saved under the expected name) is read as a
one-column table whose rows are all quarantined, or as a header with no rows: both send the agency
looking in the wrong place. The reason names what the file is and what to deliver instead.
"""

from __future__ import annotations

import codecs
import re
from pathlib import Path

_HEAD = 512
_ZIP = b"PK\x03\x04"
_OLE2 = bytes.fromhex("d0cf11e0a1b11ae1")  # Excel 97-2003 (.xls) and the other Office binary files
_HTML = re.compile(rb"\s*(<!doctype\s+html|<html|<\?xml[^>]*>\s*<html)", re.IGNORECASE)
_BOMS = (codecs.BOM_UTF8, codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
_NO_BOM = "text in UTF-16 or UTF-32 without a byte-order mark (every other byte is NUL)"
_AS_XLSX = "save a workbook as \"Excel Workbook (.xlsx)\" under a .xlsx name, or export its sheet as CSV"


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
    bom = next((b for b in _BOMS if head.startswith(b)), b"")
    if not bom and head.count(0) * 4 >= len(head):  # ASCII in UTF-16 is every other byte NUL
        return _NO_BOM, "export it as UTF-8, or as Excel's \"Unicode Text\", which writes the mark"
    if _HTML.match(head[len(bom):]):
        return ("an HTML page (a web portal's error or login page saved as the file?)",
                "deliver the data itself, as CSV, JSON or a workbook")
    return None


def not_a_table(path: Path) -> str | None:
    """Why a file named `.csv`, `.json`/`.ndjson` or `.xlsx` cannot be read as one, or None."""
    with path.open("rb") as f:
        head = f.read(_HEAD)
    kind = _kind(head, whole=len(head) < _HEAD)
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
