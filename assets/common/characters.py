"""Characters delivered text is trimmed of, and the invisible ones it must not hold inside a value."""

from __future__ import annotations

# Format characters with no width, which no Vietnamese text needs but a value copied from a web page or a word
# processor carries: zero-width space, non-joiner and joiner, word joiner, byte-order mark (zero-width no-break
# space). Inside a value they are quarantined (`coercion`: invisible_character).
INVISIBLE = "\u200b\u200c\u200d\u2060\ufeff"
# Unicode's White_Space: what polars' `str.strip_chars()` trims
WHITE_SPACE = ("\t\n\x0b\x0c\r \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a"
               "\u2028\u2029\u202f\u205f\u3000")
# What a value and a header name are trimmed of at their ends
TRIMMED = WHITE_SPACE + INVISIBLE
