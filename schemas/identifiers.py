"""Vietnamese identifiers as vectorised polars expressions: the 12-digit personal ID (CCCD) and the tax code (MST).

Structures from ../shared/reference/vietnam-rules.md. The MST check digit is python-stdnum's
`stdnum.vn.mst`, applied once per distinct value.
"""

from __future__ import annotations

import polars as pl
from stdnum.vn import mst

PERSONAL_ID_PATTERN = r"^[0-9]{12}$"
# Circular 07/2016 province codes run 001-096.
_PROVINCE = pl.int_range(1, 97, eager=True).cast(pl.String).str.zfill(3)


def personal_id_province_ok(pid: pl.Expr) -> pl.Expr:
    return pid.str.slice(0, 3).is_in(_PROVINCE.implode())


def personal_id_sex(pid: pl.Expr) -> pl.Expr:
    """'Nam' (male) for an even 4th digit, 'Nữ' (female) for an odd one."""
    digit = pid.str.slice(3, 1).cast(pl.Int32, strict=False)
    return pl.when(digit % 2 == 0).then(pl.lit("Nam")).when(digit.is_not_null()).then(pl.lit("Nữ"))


def personal_id_birth_year(pid: pl.Expr) -> pl.Expr:
    """Digits 4-6: century (0/1 → 1900s, 2/3 → 2000s, …) and the last two digits of the year."""
    century = pid.str.slice(3, 1).cast(pl.Int32, strict=False) // 2
    return 1900 + 100 * century + pid.str.slice(4, 2).cast(pl.Int32, strict=False)


def personal_id_agrees(pid: pl.Expr, sex: pl.Expr | None = None, birth_year: pl.Expr | None = None) -> pl.Expr:
    """True where the ID's encoded sex and birth year agree with the record (nulls are not judged here)."""
    ok = pl.lit(True)
    if sex is not None:
        ok = ok & (personal_id_sex(pid) == sex).fill_null(True)
    if birth_year is not None:
        ok = ok & (personal_id_birth_year(pid) == birth_year).fill_null(True)
    return ok


def personal_id_valid(pid: pl.Expr) -> pl.Expr:
    return pid.str.contains(PERSONAL_ID_PATTERN) & personal_id_province_ok(pid)


def compact_tax_code(code: pl.Expr) -> pl.Expr:
    """Branch codes are often written 0100109106-001; the lake stores digits only."""
    return code.str.replace_all(r"[\s\-\.]", "")


def _tax_code_ok(value: str) -> bool:
    if len(value) in (10, 13):
        return mst.is_valid(value)
    if len(value) == 12:  # individuals and household businesses since 1 July 2025 (Circular 86/2024)
        # ASCII only: str.isdigit and int() also take Arabic-Indic or fullwidth digits
        return value.isascii() and value.isdigit() and 1 <= int(value[:3]) <= 96
    return False


def tax_code_valid(code: pl.Expr) -> pl.Expr:
    """10 digits with check digit, 13 digits (valid parent + branch 001-999), or a 12-digit personal ID."""
    def check(series: pl.Series) -> pl.Series:
        distinct = series.drop_nulls().unique()
        verdict = {v: _tax_code_ok(v) for v in distinct.to_list()}
        return series.replace_strict(verdict, default=None, return_dtype=pl.Boolean)

    return code.map_batches(check, return_dtype=pl.Boolean)
