"""Damage that spreadsheets and encodings do to delivered values, recognised before typing.

Each defect becomes a quarantine row with its own rule and a reason that says what probably
happened, instead of a bare "cannot be read as a date": the agency can fix the export. Nothing is
guessed: a code that lost its leading zeros is not padded, an Excel serial day number is not
converted (Excel has a 1900 and a 1904 date system, and a CSV does not say which). The one
conversion made is unambiguous: integers grouped in thousands with one kind of separator used at
least twice ("15.000.000", "15,000,000"). A single group ("1.234") is ambiguous between a Vietnamese
thousands separator and an English decimal point, and is quarantined; in a decimal column it is read as
a decimal point, unless the column shows that its file writes decimals with a comma ("12,5": a
Vietnamese locale), where "1.234" is quarantined too (`decimal_locale`). Everything is vectorised.
"""

from __future__ import annotations

import re

import pandera.polars as pa
import polars as pl

from assets.common import decimal_locale
from assets.common.characters import INVISIBLE, SOFT_HYPHEN, code_point

RULE_REASONS = {
    "leading_zeros_lost": "a code has fewer digits than the contract requires: a spreadsheet probably "
                          "dropped its leading zero(s); export the column as text (the lake does not guess them)",
    "scientific_notation": "a code was written in scientific notation (e.g. 7.9E+11) by a spreadsheet: its "
                           "digits are lost; export the column as text",
    "excel_serial_date": "a date was delivered as an Excel serial day number; deliver dates as yyyy-mm-dd or "
                         "dd/mm/yyyy",
    "ambiguous_number": "a number with a single separator group (1.234 or 1,234) is ambiguous (in a decimal column: "
                        "1.234 where the file writes decimals with a comma); deliver digits only, with a decimal "
                        "point for a fraction",
    "mojibake": "text looks like UTF-8 that was read as Windows-1252 and saved again (e.g. 'Nguyá»…n' for "
                "'Nguyễn'); re-export the file as UTF-8",
    "control_character": "text holds a control character (such as NUL or ESC, invisible in most tools), which no "
                         "name or address has: the export is probably damaged; re-export the file",
    "invisible_character": "text holds an invisible formatting character inside it (a zero-width space or joiner, a "
                           "direction mark, a soft hyphen, a byte-order mark: shown here as <U+200B> and the like), as "
                           "copied from a web page or a word processor: it would be published unseen and break "
                           "matching and search; remove it and export again",
    "spreadsheet_error": "a cell holds a spreadsheet error (#N/A, #VALUE!, #REF!, #DIV/0!…): the formula behind it "
                         "failed; mend the sheet and export it again",
    "missing_as_text": "a value is a word for nothing (NULL, None, N/A, NaN): an export wrote a missing value as text; "
                       "leave the cell empty, and deliver a required value",
}
DAMAGE_RULES = tuple(RULE_REASONS)
INTEGERS = (pl.Int8, pl.Int16, pl.Int32, pl.Int64, pl.UInt8, pl.UInt16, pl.UInt32, pl.UInt64)

_GROUPED = r"^-?[0-9]{1,3}(?:\.[0-9]{3}){2,}$|^-?[0-9]{1,3}(?:,[0-9]{3}){2,}$"
_ONE_GROUP = r"^-?[0-9]{1,3}[.,][0-9]{3}$"
_SCIENTIFIC = r"^[0-9]+(?:[.,][0-9]+)?[eE]\+?[0-9]+$"  # also after a clean-up stripped the dot
_MAX_ZEROS = 4  # leading zeros a code may plausibly have lost
_SERIAL = r"^[0-9]{5}(?:[.,][0-9]+)?$"  # 10000-99999: 1927-2173 in the 1900 date system
# A UTF-8 lead byte read as Windows-1252 (Â Ã Ä Å Æ, or á º/» for the Vietnamese block U+1EA0-U+1EFF)
# followed by what a continuation byte 0x80-0xBF becomes in Windows-1252.
_CONTINUATION = "\u0080-\u00bf\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192\u02c6\u02dc\u2013\u2014\u2018-\u201e\u2020-\u2022\u2026\u2030\u2039\u203a\u20ac\u2122"
_MOJIBAKE = f"[ÂÃÄÅÆ][{_CONTINUATION}]|á[º»][{_CONTINUATION}]"
_CONTROL = r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]"
_MISSING_WORD = r"^(?i:null|none|n/a|nan)$"  # what databases and pandas write for a missing value
# what Excel, LibreOffice and Google Sheets show, and export, for a formula that failed (a VLOOKUP with no match: #N/A)
_SPREADSHEET_ERROR = r"^#(?:N/A|VALUE!|REF!|DIV/0!|NAME\?|NUM!|NULL!|SPILL!|CALC!|FIELD!|BLOCKED!|ERROR!|GETTING_DATA)$"
_CONTROL_CODES = (*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0x7F)
_INVISIBLE = f"[{INVISIBLE}]"  # at the ends of a value they were trimmed like white space (not the soft hyphen)
# inside a value: a soft hyphen after a mojibake lead (Ã, or á» …) is a garbled letter (`_MOJIBAKE`), not an invisible one
_INVISIBLE_INSIDE = f"[{INVISIBLE.replace(SOFT_HYPHEN, '')}]|(?:^|[^ÂÃÄÅÆº»]){SOFT_HYPHEN}"


def made_visible(text: pl.Series) -> pl.Series:
    """`text` with each control character `_CONTROL` matches shown as its Unicode picture (NUL → ␀, ESC → ␛,
    DEL → ␡) and each invisible character as its code point (<U+200B>): a quarantined value shows what is wrong
    with it, and a NUL cannot cut it short in a CSV export or a terminal."""
    if text.str.contains(_CONTROL).any():
        for code in _CONTROL_CODES:
            text = text.str.replace_all(chr(code), chr(0x2421 if code == 0x7F else 0x2400 + code), literal=True)
    if text.str.contains(_INVISIBLE).any():
        for char in INVISIBLE:
            text = text.str.replace_all(char, code_point(char), literal=True)
    return text


def code_lengths(column: pa.Column) -> set[int] | None:
    """The digit counts a code column allows (`^[0-9]{12}$` → {12}; `^[0-9]{4,5}$` → {4, 5}), or None.

    Contracts spell a digit `[0-9]`: polars' `\\d` is Unicode and also matches Arabic-Indic or fullwidth digits.
    """
    for check in column.checks:
        pattern = (check.statistics or {}).get("pattern") if check.name == "str_matches" else None
        if not pattern:
            continue
        quantifiers = re.findall(r"\[0-9\]\{(\d+)(?:,(\d+))?\}", pattern)
        if quantifiers and re.fullmatch(r"\^\(?(?:\|?\[0-9\]\{\d+(?:,\d+)?\})+\)?\$", pattern):
            return {n for low, high in quantifiers for n in range(int(low), int(high or low) + 1)}
    return None


def integer_text(text: pl.Expr) -> pl.Expr:
    """Digits of an integer grouped in thousands ("15.000.000", "15,000,000"); other text unchanged."""
    return pl.when(text.str.contains(_GROUPED)).then(text.str.replace_all(r"[.,]", "")).otherwise(text)


def _problem(rows: pl.Expr, column: str, rule: str, reason: pl.Expr | str) -> list[pl.Expr]:
    reason = pl.lit(f"{column}: {reason}") if isinstance(reason, str) else pl.format(f"{column}: {{}}", reason)
    return [rows, pl.lit(column).alias("column"), pl.lit(rule).alias("rule"), reason.alias("reason")]


def _serial_reason(value: pl.Expr) -> pl.Expr:
    days = value.str.replace(",", ".").cast(pl.Float64, strict=False).floor().cast(pl.Int64)
    in_1900 = (pl.date(1899, 12, 30) + pl.duration(days=days)).dt.strftime("%Y-%m-%d")
    in_1904 = (pl.date(1904, 1, 1) + pl.duration(days=days)).dt.strftime("%Y-%m-%d")
    return pl.format("{} is an Excel serial day number ({} in Excel's 1900 date system, {} in its 1904 one); "
                     "deliver dates as yyyy-mm-dd or dd/mm/yyyy", value, in_1900, in_1904)


def damage(text: pl.DataFrame, schema: pa.DataFrameSchema, personal: tuple[str, ...] = (),
           position: str = "_pos", decimal_commas: decimal_locale.DecimalCommas | None = None) -> list[pl.DataFrame]:
    """Quarantine problems (`position`, column, rule, reason) for values damaged by a spreadsheet or an encoding.

    The reason never repeats a personal value (the quarantine shows those redacted). `decimal_commas`: the
    delivery's decimal columns written with a decimal comma, and an example of each (None: judged from `text`).
    """
    if decimal_commas is None:
        decimal_commas = decimal_locale.DecimalCommas(decimal_locale.decimal_comma_examples(
            text, {n: n for n in decimal_locale.decimal_columns(schema) if text.schema.get(n) == pl.String}))
    checks = []  # (cheap test every damaged value passes, precise test, column, rule, reason)
    for name, column in schema.columns.items():
        if name not in text.columns or text.schema[name] != pl.String:
            continue
        value, dtype = pl.col(name), column.dtype.type
        lengths = code_lengths(column) if dtype == pl.String else None
        if dtype == pl.String:  # in a code too: there it would fail the pattern for a reason nobody can see
            checks.append((value.str.len_bytes() != value.str.len_chars(), value.str.contains(_INVISIBLE_INSIDE), name,
                           "invisible_character", RULE_REASONS["invisible_character"]))
        if lengths:
            digits = value.str.len_chars()
            odd_length = ~digits.is_in(sorted(lengths))
            exponent = value.str.contains("[Ee]")  # one scan; polars scans twice as slowly for two literals
            checks.append((exponent, value.str.contains(_SCIENTIFIC), name, "scientific_notation",
                           RULE_REASONS["scientific_notation"]))
            # a spreadsheet strips every leading zero, so what is left starts with another digit;
            # up to 4 missing: Hanoi IDs start 001, tax codes 01, ward codes 000
            short = value.str.contains(r"^[1-9][0-9]*$") & pl.any_horizontal(
                digits.is_between(n - _MAX_ZEROS, n - 1) for n in lengths)
            reason = pl.format("has {} digits where the contract requires {}: a spreadsheet probably dropped its "
                               "leading zero(s); export the column as text (the lake does not guess them)",
                               digits, pl.lit(" or ".join(map(str, sorted(lengths)))))
            checks.append((odd_length, short, name, "leading_zeros_lost", reason))
        elif dtype == pl.String and not any(c.name in ("str_matches", "isin") for c in column.checks):
            reason = RULE_REASONS["mojibake"]  # free text: in a constrained column mojibake fails the constraint
            checks.append((value.str.len_bytes() != value.str.len_chars(), value.str.contains(_MOJIBAKE), name,
                           "mojibake", reason))
            # no cheaper test than the pattern itself; tab, line feed and carriage return are text (a quoted newline)
            checks.append((value.str.contains(_CONTROL), pl.lit(True), name, "control_character",
                           RULE_REASONS["control_character"]))
            if not column.nullable:  # an optional name (a father's) written N/A leaves the record whole
                # a failed formula (a VLOOKUP without a match: #N/A) would be published as a name; in a
                # constrained, numeric or date column it fails that column's own check. A few fixed tokens.
                checks.append((value.str.starts_with("#"), value.str.contains(_SPREADSHEET_ERROR), name,
                               "spreadsheet_error", pl.format("{} is a spreadsheet error: the formula behind the "
                                                              "cell failed; mend the sheet and export it again", value)))
                # likewise the word a database or pandas writes for a missing value: published, it would be a name
                checks.append((value.str.len_bytes() <= 4, value.str.contains(_MISSING_WORD), name,
                               "missing_as_text", RULE_REASONS["missing_as_text"]))
        if dtype in (pl.Date, pl.Datetime):
            undelimited = ~value.str.contains("[-/]")
            reason = RULE_REASONS["excel_serial_date"] if name in personal else _serial_reason(value)
            checks.append((undelimited, value.str.contains(_SERIAL), name, "excel_serial_date", reason))
        if dtype in INTEGERS:
            separated = value.str.contains("[.,]")
            reason = RULE_REASONS["ambiguous_number"] if name in personal else pl.format(
                "{} is ambiguous: {} with a Vietnamese thousands separator, a fraction with an English decimal "
                "point; deliver digits only", value, value.str.replace_all(r"[.,]", ""))
            checks.append((separated, value.str.contains(_ONE_GROUP), name, "ambiguous_number", reason))
        elif name in decimal_commas.examples:  # the file writes 12,5: its 1.234 is probably 1234, not 1.234
            cheap, precise, reason = decimal_locale.ambiguous_dotted(
                value, column, decimal_commas.examples[name], name in personal, RULE_REASONS["ambiguous_number"],
                decimal_commas.typed_numbers)
            checks.append((cheap, precise, name, "ambiguous_number", reason))
    if not checks:
        return []
    # cheap tests over every row; the regular expressions only over the few rows they leave
    checked = list(dict.fromkeys(name for _, _, name, _, _ in checks))  # each test reads its own column only
    frame = text.select(checked).with_row_index(position).with_columns(pl.col(position).cast(pl.Int64))
    suspects = frame.filter(pl.any_horizontal(cheap.fill_null(False) for cheap, *_ in checks))
    found = [suspects.filter((cheap & precise).fill_null(False)).select(_problem(pl.col(position), name, rule, reason))
             for cheap, precise, name, rule, reason in checks]
    return [f for f in found if f.height]


def without(text: pl.DataFrame, problems: list[pl.DataFrame], position: str = "_pos") -> pl.DataFrame:
    """`text` with the damaged values set to null, so that no other rule judges a damaged value."""
    if not problems:
        return text
    cells = pl.concat([p.select(position, "column") for p in problems])
    row = pl.int_range(0, pl.len(), dtype=pl.Int64)
    return text.with_columns(
        pl.when(row.is_in(positions[position].implode())).then(None).otherwise(pl.col(column)).alias(column)
        for (column,), positions in cells.group_by("column"))
