"""Parquet tables whose current version is named by a manifest, so that publishing is atomic.

Data files are immutable and never overwritten: each write gets a new name. A table's current content
is the list of files in `_manifest.json`, grouped by delivery; swapping the manifest (write to a
temporary file, then `os.replace`) is the commit. A crash before the swap leaves the previous
version in place, and files no manifest names any more are removed only after a grace period, so a
reader still on the previous version keeps working.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import time
import uuid
from contextlib import contextmanager
from pathlib import Path

import polars as pl
from filelock import FileLock

from warehouse.catalog import TableAbout
from warehouse.lake import Lake

# How long a replaced file stays for readers of the previous version: an analyst's working day.
GC_GRACE_SECONDS = float(os.environ.get("URBANLAKE_GC_GRACE_SECONDS", 12 * 3600))
FULL_TABLE = "*"  # delivery key of tables rebuilt whole (reference data, marts)
HIVE_NULL = "__HIVE_DEFAULT_PARTITION__"  # Hive's name for a null partition value


def write_parquet_atomic(df: pl.DataFrame, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex}.tmp")
    df.write_parquet(tmp, compression="zstd", statistics=True)
    os.replace(tmp, path)


def write_json_atomic(obj: dict, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex}.tmp")
    tmp.write_text(json.dumps(obj, indent=1, ensure_ascii=False, default=str), encoding="utf-8")
    os.replace(tmp, path)


class LakeTable:
    """One table of the lake (`layer.name`), stored as immutable Parquet files named by its manifest."""

    def __init__(self, lake: Lake, layer: str, name: str, *, restricted: bool = False,
                 about: TableAbout | None = None):
        """`restricted` tables hold personal data as delivered and stay out of the shared warehouse;
        `about` is how the table describes itself in the catalog."""
        self.lake, self.layer, self.name, self.restricted, self.about = lake, layer, name, restricted, about
        self.dir = lake.table_dir(layer, name)
        self.manifest_path = self.dir / "_manifest.json"

    @property
    def qualified_name(self) -> str:
        return f"{self.layer}.{self.name}"

    def manifest(self) -> dict:
        if not self.manifest_path.exists():
            return {"table": self.qualified_name, "deliveries": {}, "columns": []}
        return json.loads(self.manifest_path.read_text(encoding="utf-8"))

    def deliveries(self) -> dict[str, dict]:
        return self.manifest()["deliveries"]

    def files(self, only_delivery: str | None = None) -> list[Path]:
        return [self.dir / f for key, entry in sorted(self.deliveries().items())
                if only_delivery in (None, key) for f in entry["files"]]

    def scan(self) -> pl.LazyFrame | None:
        files = self.files()
        if not files:
            return None
        return pl.scan_parquet(files, hive_partitioning=True, missing_columns="insert")

    @contextmanager
    def _locked(self):
        self.dir.mkdir(parents=True, exist_ok=True)
        with FileLock(str(self.dir / ".lock")):
            yield

    def new_file(self, stem: str, partition: str | None = None) -> tuple[str, Path]:
        """A fresh (relative name, path) for a data file that `commit` will later make current."""
        rel = f"{partition + '/' if partition else ''}{_safe(stem)}-{uuid.uuid4().hex[:8]}.parquet"
        (self.dir / rel).parent.mkdir(parents=True, exist_ok=True)
        return rel, self.dir / rel

    def commit(self, delivery: str, files: list[str], rows: int, *, columns: dict | None = None,
               supersede: bool = False, **facts) -> dict:
        """Make `files` the current content of `delivery` (the atomic step).

        With `supersede` (snapshot datasets) the newest delivery is the table: committing it retires
        the older ones, and a late re-delivery of an older snapshot is kept only in the ledger.
        Replaced files are retired, not deleted: readers of the previous version keep them for the
        grace period.
        """
        with self._locked():
            manifest = self.manifest()
            now = dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")
            checksums = {f: sha256_file(self.dir / f) for f in files}
            entry = {"files": files, "rows": rows, "published_at": now, "checksums": checksums, **facts}
            deliveries = manifest["deliveries"]
            retiring = list(deliveries.get(delivery, {}).get("files", []))
            if supersede:
                newer = max((k for k, e in deliveries.items() if k > delivery and e["files"]), default=None)
                if newer:
                    retiring += files
                    entry.update(files=[], superseded_by=newer)
                for key, old in deliveries.items():
                    if key < delivery and old["files"] and not newer:
                        retiring += old["files"]
                        old.update(files=[], superseded_by=delivery)
            deliveries[delivery] = entry
            retired = manifest.setdefault("retired", {})
            retired.update({f: time.time() for f in retiring if f not in entry["files"]})
            if columns is not None:
                manifest["columns"] = [{"name": n, "type": str(t)} for n, t in columns.items()]
            manifest.update(updated_at=now, restricted=self.restricted)
            if self.about is not None:
                manifest["about"] = self.about.as_dict()
            self._collect_garbage(manifest)
            write_json_atomic(manifest, self.manifest_path)
        return entry

    def publish(self, delivery: str, df: pl.DataFrame, *, partition_by: str | None = None,
                stem: str | None = None, supersede: bool = False, **facts) -> dict:
        """Replace what `delivery` contributed to this table with `df`, atomically; return the entry."""
        files = self.write_parts(delivery, df, partition_by=partition_by, stem=stem)
        columns = dict(df.schema)
        if partition_by:
            columns[partition_by] = pl.String  # a directory level, read back as a column
        return self.commit(delivery, files, df.height, columns=columns, supersede=supersede, **facts)

    def write_parts(self, delivery: str, df: pl.DataFrame, *, partition_by: str | None = None,
                    stem: str | None = None) -> list[str]:
        """Write `df` as new data files (one per value of `partition_by`) that only `commit` makes current."""
        files = []
        parts = (df.partition_by(partition_by, as_dict=True, maintain_order=True).items()
                 if partition_by and not df.is_empty() else [((None,), df)])
        for (value,), part in parts:
            # An empty delivery (or null period) still sits under a partition directory: a scan mixing
            # hive and flat files fails in polars and DuckDB alike.
            rel, path = self.new_file(stem or delivery, f"{partition_by}={HIVE_NULL if value is None else value}"
                                      if partition_by else None)
            write_parquet_atomic(part.drop(partition_by) if partition_by else part, path)
            files.append(rel)
        return files

    def replace(self, df: pl.DataFrame, *, partition_by: str | None = None, **facts) -> dict:
        """Publish a table that is rebuilt whole on every run."""
        return self.publish(FULL_TABLE, df, partition_by=partition_by, stem=self.name, **facts)

    def row_count(self) -> int:
        """Rows of the current version, as the manifest records them."""
        return sum(e["rows"] for e in self.deliveries().values() if e["files"])

    def describe(self) -> None:
        """Bring the catalog description in the manifest up to date without touching the data."""
        if self.about is None or not self.manifest_path.exists():
            return
        with self._locked():
            manifest = self.manifest()
            if manifest.get("about") != self.about.as_dict():
                manifest["about"] = self.about.as_dict()
                write_json_atomic(manifest, self.manifest_path)

    def remove(self, delivery: str) -> None:
        """Withdraw everything `delivery` contributed (its files are retired, not deleted at once)."""
        with self._locked():
            manifest = self.manifest()
            entry = manifest["deliveries"].pop(delivery, None)
            if entry is None:
                return
            manifest.setdefault("retired", {}).update({f: time.time() for f in entry["files"]})
            manifest["updated_at"] = dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")
            self._collect_garbage(manifest)
            write_json_atomic(manifest, self.manifest_path)

    def record(self, delivery: str, **facts) -> dict:
        """Note a delivery that contributes no files (e.g. a duplicate of another delivery)."""
        return self.commit(delivery, [], 0, **facts)

    def _collect_garbage(self, manifest: dict) -> None:
        """Delete files retired more than the grace period ago, and orphans of crashed writes as old
        (unnamed Parquet files, and temporary files of a write killed before its rename)."""
        live = {f for entry in manifest["deliveries"].values() for f in entry["files"]}
        retired = manifest.get("retired", {})
        cutoff = time.time() - GC_GRACE_SECONDS
        for path in [*self.dir.rglob("*.parquet"), *self.dir.rglob(".*.tmp")]:
            rel = path.relative_to(self.dir).as_posix()
            if rel in live:
                continue
            if retired.get(rel, path.stat().st_mtime) < cutoff:
                path.unlink(missing_ok=True)
                retired.pop(rel, None)


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        while chunk := f.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def _safe(delivery: str) -> str:
    return "".join(c if c.isalnum() or c in "-_." else "_" for c in delivery)
