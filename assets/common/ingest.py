"""Landing → raw: every dataset's first step, incremental and idempotent.

A delivery is identified by `<delivery date>/<file name>`. Raw skips a file whose checksum it already
holds, and records a file identical to another delivery as a duplicate instead of ingesting it twice.
Given a delivery window (a partitioned run: one day, one month or a backfill's range), it touches only
the deliveries dated in it; duplicates are still judged against every delivery. A delivery landed by
an older version of the landing code is landed again (and so re-staged): a file the old code rejected,
or read differently, is judged by today's rules.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field

from assets.common import landing
from assets.common.dataset import DatasetSpec, code_version, with_imports
from assets.common.partitions import DeliveryWindow, in_window
from warehouse.lake import Lake
from warehouse.locks import one_run_per_dataset
from warehouse.tables import LakeTable, sha256_file


def tables(spec: DatasetSpec, lake: Lake) -> tuple[LakeTable, LakeTable, LakeTable]:
    """(raw, staging, quarantine) tables of a dataset.

    Raw is restricted, whether or not the contract names personal columns: an agency may deliver
    columns the contract does not know, and only the validated projection is shared.
    """
    return (LakeTable(lake, "raw", spec.name, restricted=True, about=spec.about("raw")),
            LakeTable(lake, "staging", spec.name, about=spec.about("staging")),
            LakeTable(lake, "quarantine", spec.name, about=spec.about("quarantine")))


@functools.cache
def landing_version() -> str:
    """Changes whenever the code that turns a landing file into raw text changes: `landing` and the modules of
    this package it imports, directly or not."""
    return code_version(*with_imports(landing, packages=("assets.common",)))


@dataclass
class RawReport:
    ingested: list[str] = field(default_factory=list)
    duplicates: dict[str, str] = field(default_factory=dict)
    rejected: list[landing.Rejected] = field(default_factory=list)
    unchanged: int = 0
    skipped: list[landing.Rejected] = field(default_factory=list)  # moved while read: taken next run
    blank_lines: dict[str, int] = field(default_factory=dict)  # per delivery: blank lines, no records


def _checksum(path, entry: dict) -> tuple[str, dict]:
    """The file's SHA-256 and its stamp; a file whose size and mtime are unchanged is not read again."""
    stat = path.stat()
    stamp = {"source_size": stat.st_size, "source_mtime_ns": stat.st_mtime_ns}
    if all(entry.get(k) == v for k, v in stamp.items()):
        return entry["source_sha256"], stamp
    return sha256_file(path), stamp


def _moved_since(path, stamp: dict) -> str | None:
    """Why the file is no longer what was stamped before reading it (gone, or written meanwhile), if it is not."""
    try:
        stat = path.stat()
    except FileNotFoundError:
        return "the file disappeared while it was being read; it will be taken if it comes back"
    if (stat.st_size, stat.st_mtime_ns) != (stamp["source_size"], stamp["source_mtime_ns"]):
        return "the file changed while it was being read; the next run takes the finished file"
    return None


@one_run_per_dataset
def ingest_raw(spec: DatasetSpec, lake: Lake, window: DeliveryWindow | None = None) -> RawReport:
    """Copy new or changed deliveries (dated in `window`, if given) from the landing zone into raw, as text."""
    raw, _, _ = tables(spec, lake)
    raw.describe()
    report = RawReport()
    deliveries, report.rejected = landing.discover(lake.landing, spec.agency, spec.name)
    deliveries = [d for d in deliveries if in_window(d.delivery_date, window)]
    known = raw.deliveries()
    owner = {e["source_sha256"]: k for k, e in known.items() if e["files"]}  # content → delivery holding it
    for delivery in deliveries:
        entry = known.get(delivery.id, {})
        try:
            checksum, stamp = _checksum(delivery.path, entry)
        except FileNotFoundError:
            report.skipped.append(landing.Rejected(delivery.relative_path, "the file disappeared before it was read"))
            continue
        twin = owner.get(checksum) if owner.get(checksum) != delivery.id else None
        # unchanged, unless it was a duplicate whose twin has since changed content, or landed by older code
        if entry.get("source_sha256") == checksum and (
                twin if entry.get("duplicate_of") else entry.get("landing") == landing_version()):
            report.unchanged += 1
            continue
        facts = {"source_file": delivery.relative_path, "source_sha256": checksum,
                 "delivery_date": delivery.delivery_date.isoformat(), "landing": landing_version(), **stamp}
        if owner.get(entry.get("source_sha256")) == delivery.id:
            del owner[entry["source_sha256"]]  # it no longer holds its previous content
        if twin:
            raw.record(delivery.id, duplicate_of=twin, **facts)
            report.duplicates[delivery.id] = twin
            continue
        rel, path = raw.new_file(delivery.path.stem, f"delivery_date={delivery.delivery_date}")
        try:
            landed = landing.write_as_text_parquet(delivery, path, workdir=raw.dir)
        except landing.UnreadableDelivery as err:
            path.unlink(missing_ok=True)
            if moved := _moved_since(delivery.path, stamp):  # not the agency's fault: nothing recorded
                report.skipped.append(landing.Rejected(delivery.relative_path, moved))
                continue
            raw.record(delivery.id, rejected=str(err), **facts)
            report.rejected.append(landing.Rejected(delivery.relative_path, str(err)))
            continue
        if moved := _moved_since(delivery.path, stamp):  # the checksum may not be what was read
            path.unlink(missing_ok=True)
            report.skipped.append(landing.Rejected(delivery.relative_path, moved))
            continue
        if landed.blank_lines:
            facts["blank_lines"] = report.blank_lines[delivery.id] = landed.blank_lines
        raw.commit(delivery.id, [rel], landed.rows, encoding=landed.encoding, **facts)
        owner[checksum] = delivery.id
        report.ingested.append(delivery.id)
    return report
