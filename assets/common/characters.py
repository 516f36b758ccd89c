"""Characters delivered text is trimmed of, and the invisible ones it must not hold inside a value."""

from __future__ import annotations

# Unicode's format characters (category Cf) of the Basic Multilingual Plane: invisible (the zero-width space,
# joiners, direction marks and embeddings, the word joiner, the soft hyphen, the byte-order mark) but for a few
# signs of Arabic and Syriac script, and needed by no Vietnamese value; a value copied from a web page or a word
# processor carries them. Inside a value they are quarantined (`coercion`: invisible_character).
_FORMAT_RANGES = ((0x00AD, 0x00AD), (0x0600, 0x0605), (0x061C, 0x061C), (0x06DD, 0x06DD), (0x070F, 0x070F),
                  (0x0890, 0x0891), (0x08E2, 0x08E2), (0x180E, 0x180E), (0x200B, 0x200F), (0x202A, 0x202E),
                  (0x2060, 0x2064), (0x2066, 0x206F), (0xFEFF, 0xFEFF), (0xFFF9, 0xFFFB))
INVISIBLE = "".join(chr(c) for low, high in _FORMAT_RANGES for c in range(low, high + 1))
# The soft hyphen is also what byte 0xAD of a UTF-8 letter (í, ậ, ử) becomes when UTF-8 is read as Windows-1252:
# evidence of mojibake (`coercion`), so it is never trimmed away, and not called invisible after a mojibake lead
SOFT_HYPHEN = "\u00ad"
# Unicode's White_Space: what polars' `str.strip_chars()` trims
WHITE_SPACE = ("\t\n\x0b\x0c\r \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a"
               "\u2028\u2029\u202f\u205f\u3000")
# What a value, a header name and a blank line are trimmed of at their ends
TRIMMED = WHITE_SPACE + INVISIBLE.replace(SOFT_HYPHEN, "")


def code_point(char: str) -> str:
    """How a quarantine row, a reason or the ledger shows an invisible character: `<U+200B>`."""
    return f"<U+{ord(char):04X}>"


def shown(text: str) -> str:
    """`text` with each invisible character written as its code point."""
    return "".join(code_point(c) if c in INVISIBLE else c for c in text)
