"""One fare-card taps delivery of N rows, for benchmarks: written in chunks, so N can be tens of millions.

    python -m sample_deliveries.taps_bulk --rows 10000000 --out data/bench/taps.csv

Each chunk is a day of taps by its own range of cards (so chunks never share a key by accident),
with the same ~1 % of defects as the daily generator (bad formats, missing values, future and
unparseable timestamps, duplicates of an earlier row), so quarantine is exercised at every size.
"""

from __future__ import annotations

import argparse
import datetime as dt
import time
from dataclasses import dataclass
from pathlib import Path

from sample_deliveries.common import Run
from sample_deliveries.defects import inject
from sample_deliveries.generate import DEFAULT_SEED
from sample_deliveries.transit import tap_table

CHUNK_ROWS = 2_000_000
CARDS_PER_CHUNK = 600_000
DELIVERY = dt.date(2025, 7, 2)


@dataclass
class BulkTaps:
    path: Path
    rows: int      # data rows written (header excluded)
    defects: int   # rows given a defect


def write_taps(path: Path, rows: int, *, seed: int = DEFAULT_SEED, delivery: dt.date = DELIVERY) -> BulkTaps:
    """Write about `rows` taps (a handful fewer: one tap per card and second) as one UTF-8 CSV."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    run = Run(seed=seed, scale=1.0, start=delivery, days=1)
    written = defects = 0
    with path.open("wb") as out:
        for chunk, start in enumerate(range(0, rows, CHUNK_ROWS)):
            n = min(CHUNK_ROWS, rows - start)
            table = tap_table(run, delivery, run.rng(f"taps/bulk/{chunk}", delivery), n,
                              min(CARDS_PER_CHUNK, max(10, n // 3)), first_card=chunk * CARDS_PER_CHUNK)
            defects += len(inject(table, run.rng(f"defects/taps/bulk/{chunk}", delivery)))
            table.frame.write_csv(out, include_header=chunk == 0)
            written += table.frame.height
    return BulkTaps(path, written, defects)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m sample_deliveries.taps_bulk", description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, required=True)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    args = parser.parse_args(argv)
    t0 = time.perf_counter()
    result = write_taps(args.out, args.rows, seed=args.seed)
    print(f"wrote {result.rows} taps ({result.defects} with a defect) to {result.path} "
          f"in {time.perf_counter() - t0:.1f}s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
