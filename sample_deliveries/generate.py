"""Entry point: write a landing zone of agency deliveries, deterministic in (seed, scale, start, days).

    landing/<agency>/<dataset>/<YYYY-MM-DD delivery date>/<file>

`generate` returns the files written; `generate_with_report` also returns what defects were injected
(dataset, delivery, file, 1-based row in the file, defect kind), kept in memory only.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import numpy as np

from sample_deliveries import civil_status, environment, planning, public_services, tax, traffic, transit, writer
from sample_deliveries.common import Run, Table
from sample_deliveries.defects import inject

DEFAULT_SEED = 20250701
DEFAULT_SCALE = 0.02
DEFAULT_START = dt.date(2025, 6, 24)
DEFAULT_DAYS = 14

# (dataset, builder, delivered on the first day only)
DATASETS: list[tuple[str, Callable[[Run, dt.date], Table], bool]] = [
    ("birth_registrations", civil_status.births, False),
    ("death_registrations", civil_status.deaths, False),
    ("marriage_registrations", civil_status.marriages, False),
    ("construction_permits", planning.permits, False),
    ("land_parcels", planning.parcels, True),
    ("air_quality_observations", environment.air_quality, False),
    ("business_registrations", tax.business_registrations, False),
    ("tax_payments", tax.tax_payments, False),
    ("traffic_counts", traffic.traffic_counts, False),
    ("transit_stops", transit.transit_stops, True),
    ("fare_card_taps", transit.fare_card_taps, False),
    ("procedure_records", public_services.procedure_records, False),
]


@dataclass
class Report:
    files: list[Path] = field(default_factory=list)
    rows: dict[str, int] = field(default_factory=dict)  # dataset -> rows written over all deliveries
    defects: list[dict] = field(default_factory=list)


def _write(landing: Path, table: Table, records: list[dict]) -> list[Path]:
    if table.fmt == "json":
        paths = environment.write(landing, table)
        starts = np.flatnonzero(np.r_[True, table.group[1:] != table.group[:-1]])
        ids = table.context["station_ids"]
        for r in records:
            g = int(table.group[r["index"]])
            r["file"] = str(writer.output_path(landing, table, f"{ids[g]}_{table.delivery.isoformat()}.json"))
            first = int(starts[np.searchsorted(starts, r["index"], side="right") - 1])
            r["row"] = r["index"] - first + 1
            if "copy_of" in r:
                r["copy_of_row"] = r["copy_of"] - first + 1
        return paths
    paths = writer.write_csv(landing, table)
    for r in records:
        r["file"], r["row"] = str(paths[0]), r["index"] + 1
        if "copy_of" in r:
            r["copy_of_row"] = r["copy_of"] + 1
    return paths


def generate_with_report(landing: Path, *, seed: int = DEFAULT_SEED, scale: float = DEFAULT_SCALE,
                         start: dt.date = DEFAULT_START, days: int = DEFAULT_DAYS,
                         datasets: list[str] | None = None) -> Report:
    landing = Path(landing)
    run = Run(seed=seed, scale=scale, start=start, days=days)
    report = Report()
    for delivery in run.delivery_dates():
        for name, build, first_only in DATASETS:
            if (first_only and delivery != start) or (datasets is not None and name not in datasets):
                continue
            table = build(run, delivery)
            records = inject(table, run.rng(f"defects/{name}", delivery))
            report.files += _write(landing, table, records)
            report.rows[name] = report.rows.get(name, 0) + table.frame.height
            report.defects += records
    report.files.sort()
    return report


def generate(landing: Path, *, seed: int = DEFAULT_SEED, scale: float = DEFAULT_SCALE,
             start: dt.date = DEFAULT_START, days: int = DEFAULT_DAYS) -> list[Path]:
    """Write the sample deliveries under `landing`; returns the files written, sorted."""
    return generate_with_report(landing, seed=seed, scale=scale, start=start, days=days).files
