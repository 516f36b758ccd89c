"""Valid Vietnamese identifiers: 12-digit personal IDs (CCCD) and tax codes (MST), vectorised.

Personal ID: province (001 Hanoi … 096), century+sex digit, two year digits, six random digits.
Tax code: 10 digits with python-stdnum's check digit; 13 = a valid parent + branch 001-999;
12 = the owner's personal ID for household businesses registered since 1 July 2025.
"""

from __future__ import annotations

import numpy as np
import polars as pl
from stdnum.vn import mst

# Circular 07/2016 province codes (63 provinces before the 2025 mergers); Hanoi is 001.
PROVINCES = np.array([
    1, 2, 4, 6, 8, 10, 11, 12, 14, 15, 17, 19, 20, 22, 24, 25, 26, 27, 30, 31, 33, 34, 35, 36, 37,
    38, 40, 42, 44, 45, 46, 48, 49, 51, 52, 54, 56, 58, 60, 62, 64, 66, 67, 68, 70, 72, 74, 75, 77,
    79, 80, 82, 83, 84, 86, 87, 89, 91, 92, 93, 94, 95, 96])
# Neighbours of Hanoi send most of its migrants.
_NEAR = {2: 1, 19: 3, 22: 2, 24: 3, 25: 3, 26: 3, 27: 3, 30: 3, 31: 2, 33: 3, 34: 3, 35: 3, 36: 4,
         37: 3, 38: 4, 40: 4, 42: 2, 79: 1}
_WEIGHTS = np.array([_NEAR.get(int(p), 0.4) for p in PROVINCES], dtype=float)
_WEIGHTS[0] = 0.0


def provinces(rng: np.random.Generator, n: int, hanoi_share: float) -> np.ndarray:
    """Province codes of birth registration: Hanoi for `hanoi_share`, neighbours more often otherwise."""
    other = PROVINCES[rng.choice(len(PROVINCES), size=n, p=_WEIGHTS / _WEIGHTS.sum())]
    return np.where(rng.random(n) < hanoi_share, 1, other)


def century_sex_digit(year: np.ndarray, female: np.ndarray) -> np.ndarray:
    return (np.asarray(year) // 100 - 19) * 2 + np.asarray(female, dtype=np.int64)


def personal_ids(rng: np.random.Generator, year: np.ndarray, female: np.ndarray,
                 province: np.ndarray | int = 1) -> np.ndarray:
    """12-digit IDs consistent with each person's birth year and sex."""
    year = np.asarray(year, dtype=np.int64)
    n = len(year)
    prov = np.broadcast_to(np.asarray(province, dtype=np.int64), (n,))
    value = (prov * 10**9 + century_sex_digit(year, female) * 10**8 + (year % 100) * 10**6
             + rng.integers(0, 10**6, size=n))
    return pl.Series(value).cast(pl.String).str.zfill(12).to_numpy().astype(object)


def with_year(pid: str, year: int) -> str:
    """The same ID with its century+sex and year digits rewritten for another birth year."""
    female = int(pid[3]) % 2
    return f"{pid[:3]}{(year // 100 - 19) * 2 + female}{year % 100:02d}{pid[6:]}"


def check_digit(first9: str) -> str | None:
    """python-stdnum's MST check digit, or None when no valid code has this prefix."""
    d = mst.calc_check_digit(first9)
    return d if len(d) == 1 else None


_MULT = 7_654_321  # odd and not a multiple of 5: a permutation of 0 … 10**7 - 1


def tax_codes(prefix: str, first_index: int, n: int, salt: int) -> tuple[list[str], int]:
    """`n` distinct valid 10-digit codes `prefix` + 7 digits + check, taken in a salted permutation
    order from `first_index`; returns the codes and the next unused index (disjoint blocks stay unique)."""
    out: list[str] = []
    i = first_index
    while len(out) < n:
        batch = np.arange(i, i + max(64, int((n - len(out)) * 1.2)), dtype=np.int64)
        i = int(batch[-1]) + 1
        body = (batch * _MULT + salt) % 10**7
        for b in body.tolist():
            if b == 0:
                continue
            first9 = f"{prefix}{b:07d}"
            d = check_digit(first9)
            if d is not None:
                out.append(first9 + d)
                if len(out) == n:
                    break
    return out, i


def wrong_check_digit(code: str) -> str:
    """The same 10 digits (or parent of a 13-digit code) with a check digit that does not validate."""
    d = int(code[9])
    bad = str((d + 1 + (d == 9)) % 10)
    while mst.is_valid(code[:9] + bad):
        bad = str((int(bad) + 1) % 10)
    return code[:9] + bad + code[10:]
