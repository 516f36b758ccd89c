"""python -m sample_deliveries --landing PATH --seed N --scale X --start YYYY-MM-DD --days N"""

from __future__ import annotations

import argparse
import datetime as dt
import time
from pathlib import Path

from sample_deliveries.generate import (DEFAULT_DAYS, DEFAULT_SCALE, DEFAULT_SEED, DEFAULT_START,
                                        generate_with_report)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m sample_deliveries",
                                     description="Write deterministic sample agency deliveries into a landing zone.")
    parser.add_argument("--landing", type=Path, required=True, help="landing zone root")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--scale", type=float, default=DEFAULT_SCALE, help="1.0 = a Hanoi-scale day")
    parser.add_argument("--start", type=dt.date.fromisoformat, default=DEFAULT_START, help="first delivery date")
    parser.add_argument("--days", type=int, default=DEFAULT_DAYS, help="number of daily deliveries")
    args = parser.parse_args(argv)
    t0 = time.perf_counter()
    report = generate_with_report(args.landing, seed=args.seed, scale=args.scale, start=args.start, days=args.days)
    print(f"wrote {len(report.files)} files, {sum(report.rows.values())} rows ({len(report.defects)} with a defect) "
          f"for {args.days} days from {args.start} to {args.landing} in {time.perf_counter() - t0:.1f}s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
