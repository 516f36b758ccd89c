"""Defect injection: about 1% of the rows of every delivery get exactly one defect each.

A dataset lists the defects that make sense for it (each breaks one rule of its schema). For a delivery
of n rows, max(1, round(rate·n)) distinct rows are drawn from the delivery's own random stream, and the
kinds are dealt round-robin from a random offset, so counts are deterministic and every kind shows up.
A kind that does not apply to a row (no father to corrupt, no earlier row to copy) passes to the next.
Only the chosen rows are touched: they are read as dicts, corrupted in Python and scattered back.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from typing import Callable

import numpy as np
import polars as pl

from sample_deliveries import geo
from sample_deliveries.common import ISO_DATETIME, Table
from sample_deliveries.identifiers import wrong_check_digit as _wrong_check_digit

RATE = 0.01


@dataclass
class RowContext:
    rnd: random.Random
    table: Table
    old_era: bool

    @property
    def delivery(self) -> dt.date:
        return self.table.delivery

    def future_date(self) -> dt.date:
        return self.delivery + dt.timedelta(days=self.rnd.randint(1, 30))


@dataclass(frozen=True)
class Defect:
    name: str
    apply: Callable[[dict, RowContext], None]
    applies: Callable[[dict, RowContext], bool] = lambda row, ctx: True
    duplicate: bool = False


def inject(table: Table, rng: np.random.Generator, rate: float = RATE) -> list[dict]:
    """Corrupt rows of `table.frame` in place; returns what was injected (frame index, defect)."""
    n, kinds = table.frame.height, table.defects
    if n < 2 or not kinds:
        return []
    count = min(n // 2, max(1, int(round(rate * n))))
    rows = np.sort(rng.choice(n, size=count, replace=False))
    rnd = random.Random(int(rng.integers(0, 2**62)))
    chosen = set(rows.tolist())
    group_start = _group_starts(table.group) if table.group is not None else None
    offset = rnd.randrange(len(kinds))
    frame = table.frame
    originals = frame[rows].to_dicts()
    new_rows, records, sources = [], [], {}
    for k, (i, row) in enumerate(zip(rows.tolist(), originals)):
        ctx = RowContext(rnd, table, bool(table.old_era[i]))
        for step in range(len(kinds)):
            kind = kinds[(offset + k + step) % len(kinds)]
            if kind.duplicate:
                lo = 0 if group_start is None else int(group_start[i])
                source = _earlier_clean_row(rnd, lo, i, chosen)
                if source is None:
                    continue
                row = frame.row(source, named=True)
                sources[i] = source
                break
            if kind.applies(row, ctx):
                kind.apply(row, ctx)
                break
        else:  # nothing applies: leave the row clean
            chosen.discard(i)
            new_rows.append(row)
            continue
        new_rows.append(row)
        records.append({"dataset": table.dataset, "delivery": table.delivery.isoformat(), "index": i,
                        "defect": kind.name, **({"copy_of": sources[i]} if i in sources else {})})
    columns = []
    for name in frame.columns:
        s = frame[name].clone()
        s.scatter(rows, [r[name] for r in new_rows])
        columns.append(s)
    table.frame = pl.DataFrame(columns)
    return records


def _group_starts(group: np.ndarray) -> np.ndarray:
    """For contiguous groups, the index where each row's group begins."""
    group = np.asarray(group)
    change = np.r_[True, group[1:] != group[:-1]]
    return np.maximum.accumulate(np.where(change, np.arange(len(group)), 0))


def _earlier_clean_row(rnd: random.Random, lo: int, i: int, chosen: set[int]) -> int | None:
    for _ in range(20):
        if i <= lo:
            return None
        j = rnd.randrange(lo, i)
        if j not in chosen:
            return j
    return None


# ---- generic defects -------------------------------------------------------------------------------

def duplicate() -> Defect:
    """A copy of an earlier clean row of the same file (same natural key)."""
    return Defect("duplicate_key", lambda row, ctx: None, duplicate=True)


def missing(*columns: str) -> Defect:
    def apply(row, ctx):
        row[ctx.rnd.choice([c for c in columns if row.get(c) is not None])] = None
    return Defect("missing_required", apply, lambda row, ctx: any(row.get(c) is not None for c in columns))


def replace(name: str, column: str, values) -> Defect:
    """Set `column` to one of `values` (or `values(row, ctx)`): out of range, unparseable, unknown."""
    def apply(row, ctx):
        row[column] = values(row, ctx) if callable(values) else ctx.rnd.choice(list(values))
    return Defect(name, apply, lambda row, ctx: row.get(column) is not None)


def unparseable(column: str, values=("abc", "N/A", "không rõ", "#VALUE!")) -> Defect:
    return replace("unparseable_value", column, values)


def lost_leading_zeros(column: str) -> Defect:
    """What a spreadsheet does to '001…': the number loses its leading zeros."""
    def apply(row, ctx):
        row[column] = str(int(row[column]))
    return Defect("id_lost_leading_zeros", apply, lambda row, ctx: (row.get(column) or "x")[0] == "0")


def id_sex_flipped(column: str) -> Defect:
    def apply(row, ctx):
        pid = row[column]
        row[column] = pid[:3] + str(int(pid[3]) ^ 1) + pid[4:]
    return Defect("id_sex_mismatch", apply, lambda row, ctx: len(row.get(column) or "") == 12)


def id_year_changed(column: str) -> Defect:
    def apply(row, ctx):
        pid = row[column]
        yy = (int(pid[4:6]) + ctx.rnd.randint(1, 9)) % 100
        row[column] = f"{pid[:4]}{yy:02d}{pid[6:]}"
    return Defect("id_year_mismatch", apply, lambda row, ctx: len(row.get(column) or "") == 12)


def wrong_check_digit(column: str) -> Defect:
    def apply(row, ctx):
        row[column] = _wrong_check_digit(row[column])
    return Defect("tax_code_check_digit", apply, lambda row, ctx: len(row.get(column) or "") in (10, 13))


def branch_000(column: str) -> Defect:
    def apply(row, ctx):
        row[column] = row[column][:10] + "000"
    return Defect("tax_code_branch_000", apply, lambda row, ctx: len(row.get(column) or "") in (10, 13))


def unknown_ward() -> Defect:
    """A ward code unknown in the row's era: '99999', an old code after the reform, a 2025 code
    before it, or a district + ward pair that never existed."""
    def apply(row, ctx):
        rnd = ctx.rnd
        if ctx.old_era:
            variant = rnd.randrange(3)
            if variant == 0:  # 2025 code on an old-era row
                row["district_code"], row["ward_code"] = None, rnd.choice(geo.codes_2025())
            elif variant == 1:  # pair that does not exist
                others = [d for d in geo.districts() if (d, row["ward_code"]) not in geo.old_pairs()]
                row["district_code"] = rnd.choice(others)
            else:
                row["ward_code"] = "99999"
        else:
            row["ward_code"] = rnd.choice(["99999", rnd.choice(geo.old_only_ward_codes())])
    return Defect("unknown_ward", apply, lambda row, ctx: row.get("ward_code") is not None)


def future_date(column: str) -> Defect:
    """A date after the delivery date, in the table's date format."""
    def apply(row, ctx):
        row[column] = ctx.future_date().strftime(ctx.table.date_format)
    return Defect("date_in_future", apply, lambda row, ctx: row.get(column) is not None)


def future_datetime(column: str, *shift_with: str) -> Defect:
    """A timestamp after the delivery date; `shift_with` columns move by the same amount."""
    def apply(row, ctx):
        old = dt.datetime.strptime(row[column], ISO_DATETIME)
        delta = dt.datetime.combine(ctx.future_date(), old.time()) - old
        for c in (column, *shift_with):
            if row.get(c) is not None:
                row[c] = (dt.datetime.strptime(row[c], ISO_DATETIME) + delta).strftime(ISO_DATETIME)
    return Defect("date_in_future", apply, lambda row, ctx: row.get(column) is not None)
