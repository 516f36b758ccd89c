"""Which character encoding a delivered text file is in, judged from its bytes.

UTF-8 (with or without a byte-order mark), and UTF-16 or UTF-32 with a BOM, are recognised from the bytes.
A file that is not valid UTF-8 is a legacy Windows export: Vietnamese offices export Windows-1258
(base letters plus combining tone marks), Western software Windows-1252. The two code pages share
most bytes, so the file is decoded with both and the decoding that reads as more Vietnamese wins
(letters of the Vietnamese alphabet count for it; letters foreign to Vietnamese, tone marks left
on a consonant and "ă" followed by a vowel, which no Vietnamese syllable has, count against it).
A tie goes to Windows-1258, the contract's legacy code page. A file neither code page can decode is
rejected whole, and so is a UTF-8 file with a few bytes that are not (a damaged copy): it is not legacy.
"""

from __future__ import annotations

import codecs
import re
import unicodedata
from collections import Counter
from pathlib import Path

LEGACY = ("cp1258", "cp1252")  # in order of preference on a tie
_CHUNK = 1 << 20
_VIETNAMESE = set("aăâbcdđeêghiklmnoôơpqrstuưvxy"
                  "àáảãạằắẳẵặầấẩẫậèéẻẽẹềếểễệìíỉĩịòóỏõọồốổỗộờớởỡợùúủũụừứửữựỳýỷỹỵ")
# "ă" always closes on a consonant (ăn, ắt, ặng); "ăo" is Portuguese "ão" read as Windows-1258.
_BREVE_BEFORE_VOWEL = re.compile(r"[ăằắẳẵặ][aeiouy]", re.IGNORECASE)


class UndecodableFile(ValueError):
    """The bytes are neither UTF-8 nor a Windows code page the lake reads."""


def _weight(char: str) -> int:
    if char.isascii():
        return 0
    if unicodedata.combining(char):
        return -5  # a tone mark that did not compose with a vowel
    if char.isalpha():
        return 1 if char.lower() in _VIETNAMESE else -2
    return 0


def vietnamese_score(text: str) -> int:
    """How much a decoded text reads as Vietnamese (higher is more plausible)."""
    nfc = unicodedata.normalize("NFC", text)
    counts = Counter(c for c in nfc if not c.isascii())
    return sum(n * _weight(c) for c, n in counts.items()) - 5 * len(_BREVE_BEFORE_VOWEL.findall(nfc))


def _is_utf8(path: Path) -> bool:
    decoder = codecs.getincrementaldecoder("utf-8")()
    with path.open("rb") as f:
        try:
            while chunk := f.read(_CHUNK):
                if not (chunk.isascii() and not decoder.getstate()[0]):  # ASCII after a whole character is valid
                    decoder.decode(chunk)
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            return False
    return True


def _damaged_utf8(path: Path) -> str | None:
    """Why a file that is not valid UTF-8 is still UTF-8, damaged, when it is: more characters decode as UTF-8
    beyond ASCII than bytes fail to. A legacy file rarely holds a valid UTF-8 sequence (a Windows-1258 letter
    is followed by a letter or a tone mark, not a byte 0x80-0xBF); read as one, this file's every accented
    letter would be garbled, and the mojibake rule knows Windows-1252's garbling, not Windows-1258's."""
    decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
    decoded, failed, first, offset, line = 0, 0, None, 0, 1  # line: of the first failure, counted as read
    with path.open("rb") as f:
        while chunk := f.read(_CHUNK):
            carried = len(decoder.getstate()[0])  # bytes of a character begun in the chunk before
            text = decoder.decode(chunk)
            bad = text.count("\ufffd")
            if first is None:
                if bad:
                    before = text[:text.index("\ufffd")]
                    first, line = offset - carried + len(before.encode("utf-8")), line + before.count("\n")
                else:
                    line += text.count("\n")
            decoded += len(text) - len(text.encode("ascii", "ignore")) - bad
            failed += bad
            offset += len(chunk)
        carried = len(decoder.getstate()[0])
        if decoder.decode(b"", final=True):  # the file ends inside a character
            failed, first = failed + 1, offset - carried if first is None else first
    if first is None or decoded <= failed:
        return None
    return (f"the file is UTF-8 except for {failed} byte sequence(s) that are not, the first at offset {first} "
            f"(line {line}): a damaged copy, or text pasted from another encoding. Read as a legacy code page, "
            "every accented letter would be garbled; correct those bytes and deliver the file again under the "
            "same name")


def _legacy_scores(path: Path) -> dict[str, int]:
    """Score of every legacy code page that decodes the whole file (streamed, chunk by chunk)."""
    scores, failures = dict.fromkeys(LEGACY, 0), {}
    offset = 0
    with path.open("rb") as f:
        while chunk := f.read(_CHUNK):
            for encoding in [e for e in LEGACY if e not in failures]:
                try:
                    scores[encoding] += vietnamese_score(chunk.decode(encoding))
                except UnicodeDecodeError as err:
                    failures[encoding] = (offset + err.start, chunk[err.start])
            offset += len(chunk)
    if len(failures) == len(LEGACY):
        position, byte = min(failures.values())
        raise UndecodableFile(
            f"the file cannot be decoded: it is not UTF-8, and byte 0x{byte:02X} at offset {position} exists in "
            f"neither Windows-1258 nor Windows-1252; export the file as UTF-8")
    return {e: s for e, s in scores.items() if e not in failures}


def marked_encoding(head: bytes) -> str | None:
    """'utf-8-sig', 'utf-32' or 'utf-16' when the bytes start with that encoding's byte-order mark."""
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if head[:4] in (codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE):  # before UTF-16: FF FE starts both little-endian BOMs
        return "utf-32"
    if head[:2] in (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE):
        return "utf-16"
    return None


def detect_encoding(path: Path, head: bytes | None = None) -> str:
    """'utf-8', 'utf-8-sig', 'utf-16' (Excel's "Unicode text"), 'utf-32', 'cp1258' or 'cp1252'. `head`: the file's
    first bytes, if they were read already.

    Raises UndecodableFile for bytes no supported encoding can decode.
    """
    if head is None:
        with path.open("rb") as f:
            head = f.read(4)
    if marked := marked_encoding(head):
        return marked
    if _is_utf8(path):
        return "utf-8"
    if damage := _damaged_utf8(path):
        raise UndecodableFile(damage)
    scores = _legacy_scores(path)
    return max(scores, key=lambda e: (scores[e], -LEGACY.index(e)))
