"""Build the analysts' DuckDB warehouse: one schema per layer, a view per published table.

Analysts keep `warehouse.duckdb` open read-only for hours, and DuckDB allows either many readers or
one writer on a file, never both. So a run never opens that file for writing: it builds a new file
beside it (views over the manifest-named Parquet files, plus the delivery ledger) and swaps it in
with `os.replace`. A reader already connected keeps the version it opened (the old inode and the
Parquet files it names survive the GC grace period); a new connection sees the new version. Each
view names an exact file list, so a reader sees a whole version of every table, never a mix.
"""

from __future__ import annotations

import json
import os
import uuid
from pathlib import Path

import duckdb
import polars as pl
from filelock import FileLock

from warehouse.catalog import catalog_frame, catalog_row, dcat_jsonld
from warehouse.lake import LAYERS, Lake
from warehouse.sql_text import identifier, literal_list, quoted_table
from warehouse.tables import write_json_atomic

# The Dagster concurrency pool of every step that rebuilds the warehouse (dagster.yaml limits it to
# one step at a time across runs). The file lock below already makes rebuilds safe; the pool makes
# the other runs wait in Dagster, visibly, instead of blocked inside a step.
WAREHOUSE_POOL = "warehouse"


def _view_sql(schema: str, name: str, files: list[str], hive: bool) -> str:
    return (f"CREATE OR REPLACE VIEW {quoted_table(schema, name)} AS SELECT * FROM read_parquet("
            f"{literal_list(files)}, union_by_name = true, hive_partitioning = {str(hive).lower()})")


def read_manifests(lake: Lake) -> list[tuple[Path, dict]]:
    """Every table's manifest path and content, read once for a whole build."""
    return [(path, json.loads(path.read_text(encoding="utf-8"))) for path in lake.manifests()]


def delivery_ledger(lake: Lake, manifests: list[tuple[Path, dict]] | None = None) -> pl.DataFrame:
    """Every file the lake has been delivered, what became of it and its row accounting: `raw.deliveries`."""
    manifests = [m for _, m in (read_manifests(lake) if manifests is None else manifests)]
    staged = {(m["table"].split(".", 1)[1], d): e for m in manifests if m["table"].startswith("staging.")
              for d, e in m["deliveries"].items()}
    rows = []
    for manifest in manifests:
        layer, dataset = manifest["table"].split(".", 1)
        if layer != "raw":
            continue
        for delivery, e in manifest["deliveries"].items():
            s = staged.get((dataset, delivery), {})
            status = (f"duplicate of {e['duplicate_of']}" if e.get("duplicate_of")
                      else f"rejected: {e['rejected']}" if e.get("rejected")
                      else "published" if "rows_in" in s else "not staged yet")
            rows.append({"dataset": dataset, "delivery": delivery, "source_file": e.get("source_file"),
                         "source_sha256": e.get("source_sha256"), "status": status, "rows_in": s.get("rows_in"),
                         "rows_published": s.get("rows_published"), "rows_quarantined": s.get("rows_quarantined"),
                         "published_at": s.get("published_at"),
                         "unknown_columns": ", ".join(s.get("unknown_columns") or []) or None})
    schema = {"dataset": pl.String, "delivery": pl.String, "source_file": pl.String, "source_sha256": pl.String,
              "status": pl.String, "rows_in": pl.Int64, "rows_published": pl.Int64, "rows_quarantined": pl.Int64,
              "published_at": pl.String, "unknown_columns": pl.String}
    return pl.DataFrame(rows, schema=schema).sort("dataset", "delivery")


def pseudonym_key_kind(lake: Lake) -> pl.DataFrame:
    """`main.pseudonym_key`: whether the shared pseudonyms come from the demo's public key or a secret one."""
    path = lake.pseudonym_record
    record = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {"key": None, "note": "no pseudonyms yet"}
    return pl.DataFrame([{"key_kind": record["key"], "note": record["note"]}],
                        schema={"key_kind": pl.String, "note": pl.String})


def register_views(con: duckdb.DuckDBPyConnection, lake: Lake, manifests: list[tuple[Path, dict]] | None = None,
                   ) -> tuple[list[str], dict[str, str]]:
    """Create a schema per layer and a view per shared table of the lake.

    Returns the views made and, for tables whose files cannot be read, the error (one broken table
    never hides the others).
    """
    made, unreadable = [], {}
    for layer in LAYERS:
        con.execute(f"CREATE SCHEMA IF NOT EXISTS {identifier(layer)}")
    for path, manifest in read_manifests(lake) if manifests is None else manifests:
        if manifest.get("restricted"):
            continue  # personal data as delivered never enters the shared warehouse
        files = [str(path.parent / f) for e in manifest["deliveries"].values() for f in e["files"]]
        if not files:
            continue
        schema, name = manifest["table"].split(".", 1)
        hive = any("=" in f.split("/")[0] for e in manifest["deliveries"].values() for f in e["files"])
        try:
            con.execute(_view_sql(schema, name, files, hive))
        except duckdb.Error as err:
            unreadable[manifest["table"]] = f"cannot read the table: {type(err).__name__}: {err}"
            continue
        made.append(manifest["table"])
    return made, unreadable


def warehouse_is_stale(lake: Lake, manifests: list[Path]) -> bool:
    """True if the warehouse is missing or older than one of these manifests (each commit rewrites one)."""
    if not lake.warehouse.exists():
        return True
    built = lake.warehouse.stat().st_mtime_ns
    return any(m.exists() and m.stat().st_mtime_ns > built for m in manifests)


def build_warehouse(lake: Lake) -> list[str]:
    """Rebuild the warehouse file from the manifests and swap it in atomically; return what it holds."""
    lake.root.mkdir(parents=True, exist_ok=True)
    with FileLock(str(lake.root / ".warehouse.lock")):
        for orphan in lake.root.glob(f".{lake.warehouse.name}.*.tmp"):  # left by a build that was killed
            orphan.unlink(missing_ok=True)
        tmp = lake.warehouse.with_name(f".{lake.warehouse.name}.{uuid.uuid4().hex}.tmp")
        try:
            manifests = read_manifests(lake)
            with duckdb.connect(str(tmp)) as con:
                made, unreadable = register_views(con, lake, manifests)
                if unreadable:  # keep the previous warehouse rather than publish one missing tables
                    raise RuntimeError(f"warehouse not rebuilt, tables cannot be read: {unreadable}")
                catalog = _catalog(con, manifests, made)
                tables = {"raw.deliveries": delivery_ledger(lake, manifests), "main.catalog": catalog,
                          "main.pseudonym_key": pseudonym_key_kind(lake)}
                for qualified, df in tables.items():
                    schema, name = qualified.split(".", 1)
                    con.register("_frame", df.to_arrow())
                    con.execute(f"CREATE OR REPLACE TABLE {quoted_table(schema, name)} AS SELECT * FROM _frame")
                    con.unregister("_frame")
                    made.append(qualified)
                con.execute("CHECKPOINT")
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise
        os.replace(tmp, lake.warehouse)
        write_json_atomic(dcat_jsonld(catalog, lake.lake.as_uri()), lake.catalog)
        return made


def _catalog(con: duckdb.DuckDBPyConnection, manifests: list[tuple[Path, dict]], views: list[str]) -> pl.DataFrame:
    rows = []
    for path, manifest in manifests:
        if manifest["table"] in views:
            size = sum((path.parent / f).stat().st_size for e in manifest["deliveries"].values() for f in e["files"])
            rows.append(catalog_row(con, manifest, size, str(path.parent)))
    return catalog_frame(rows)
