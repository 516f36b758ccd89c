"""Stage a large delivery in row batches, so memory stays flat however many rows the file has.

The raw text Parquet is read `BATCH_ROWS` rows at a time and each batch goes through the same
normalise → validate → publish code as a small delivery. Two things span batches:

- Duplicate keys. The contract keeps the first row of a key and quarantines the others, citing the
  first. Before the loop, the typed key columns of every row are written to a scratch Parquet file
  and DuckDB (which spills to disk) finds the repeated keys. A batch holding a repeat whose first
  row lies in an earlier batch gets that first row prepended ("carried"), so validation cites it
  exactly as it would in one frame; carried rows are then dropped from the batch's results.
- Outputs. Each batch's parts are written as they come and committed once, after the delivery's
  accounting holds (`StagedParts`); a publisher that aggregates merges its batches with `combine`.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import polars as pl
import pyarrow.parquet as pq

from assets.common.dataset import DatasetSpec
from assets.common.landing import ROW_NUMBER
from assets.common.validation import StructureError, _parse, _unique_keys, normalise_text
from warehouse.tables import LakeTable

BATCH_ROWS = int(os.environ.get("URBANLAKE_BATCH_ROWS", 1_000_000))
DUCKDB_MEMORY = os.environ.get("URBANLAKE_DUCKDB_MEMORY", "1GB")


@dataclass
class Batch:
    text: pl.DataFrame        # raw text of the batch, carried rows first
    carried: frozenset[int]   # row numbers of earlier rows prepended only to be cited as first of a key


def row_count(files: list[Path]) -> int:
    return sum(pq.ParquetFile(f).metadata.num_rows for f in files)


def raw_batches(files: list[Path], batch_rows: int, columns: list[str] | None = None) -> Iterator[pl.DataFrame]:
    """The delivery's raw rows in file order, at most `batch_rows` at a time."""
    for f in files:
        for record_batch in pq.ParquetFile(f).iter_batches(batch_size=batch_rows, columns=columns):
            yield pl.from_arrow(record_batch)


def _typed_keys(spec: DatasetSpec, text: pl.DataFrame, key: list[str]) -> pl.DataFrame:
    schema = spec.model.to_schema()
    return text.select(pl.col(ROW_NUMBER), *(_parse(pl.col(k), schema.columns[k].dtype.type).alias(k) for k in key)
                       ).filter(pl.all_horizontal(pl.col(key).is_not_null()))


def repeated_keys(spec: DatasetSpec, files: list[Path], batch_rows: int, workdir: Path) -> pl.DataFrame:
    """(`_row_number`, `_first`) of every row whose key an earlier row of the delivery already has."""
    keys = _unique_keys(spec.model.to_schema())
    found = pl.DataFrame(schema={ROW_NUMBER: pl.Int64, "_first": pl.Int64})
    if not keys:
        return found
    with tempfile.TemporaryDirectory(dir=workdir, prefix=".keys-") as tmp:
        writers: dict[int, pq.ParquetWriter] = {}
        try:
            for batch in raw_batches(files, batch_rows):
                try:
                    text = normalise_text(batch, spec.rename)
                except StructureError:
                    return found  # every row will be quarantined as file_structure: no key to compare
                if spec.prepare:
                    text = spec.prepare(text)
                for i, key in enumerate(keys):
                    if not set(key) <= set(text.columns):
                        continue  # a missing key column: every value is null, nothing repeats
                    typed = _typed_keys(spec, text, key).to_arrow()
                    if i not in writers:
                        writers[i] = pq.ParquetWriter(Path(tmp) / f"key{i}.parquet", typed.schema)
                    writers[i].write_table(typed)
        finally:
            for w in writers.values():
                w.close()
        pairs = [found]
        with duckdb.connect(config={"memory_limit": DUCKDB_MEMORY, "temp_directory": tmp}) as con:
            for i, key in enumerate(keys):
                if i not in writers:
                    continue
                cols = ", ".join(f'"{k}"' for k in key)
                path = (Path(tmp) / f"key{i}.parquet").as_posix()
                pairs.append(con.sql(f"""
                    WITH t AS (SELECT * FROM read_parquet('{path}')),
                         g AS (SELECT {cols}, min({ROW_NUMBER}) AS _first FROM t GROUP BY {cols} HAVING count(*) > 1)
                    SELECT t.{ROW_NUMBER}::BIGINT AS {ROW_NUMBER}, g._first::BIGINT AS _first
                    FROM t JOIN g USING ({cols}) WHERE t.{ROW_NUMBER} <> g._first""").pl())
    return pl.concat(pairs).unique(maintain_order=True)


def delivery_batches(spec: DatasetSpec, files: list[Path], workdir: Path,
                     batch_rows: int | None = None) -> Iterator[Batch]:
    """The delivery in batches; one batch (no key pass) when it fits in one."""
    batch_rows = batch_rows or BATCH_ROWS
    if row_count(files) <= batch_rows:
        yield Batch(pl.read_parquet(files), frozenset())
        return
    repeats = repeated_keys(spec, files, batch_rows, workdir)
    firsts = repeats["_first"].unique().implode()
    kept = pl.DataFrame()  # raw rows that are the first of a key repeated in a later batch
    for batch in raw_batches(files, batch_rows):
        numbers = pl.col(ROW_NUMBER).cast(pl.Int64)
        lo, hi = batch.select(numbers.min()).item(), batch.select(numbers.max()).item()
        needed = repeats.filter(pl.col(ROW_NUMBER).is_between(lo, hi) & (pl.col("_first") < lo))["_first"].unique()
        carried = kept.filter(numbers.is_in(needed.implode())).sort(ROW_NUMBER) if len(needed) else None
        yield Batch(pl.concat([carried, batch]) if carried is not None else batch, frozenset(needed.to_list()))
        kept = pl.concat([kept, batch.filter(numbers.is_in(firsts))]) if kept.width else batch.filter(numbers.is_in(firsts))


@dataclass
class StagedParts:
    """Parts of one delivery's table written batch by batch, committed (or removed) together."""

    table: LakeTable
    delivery: str
    partition_by: str | None = None
    files: list[str] = field(default_factory=list)
    rows: int = 0
    columns: dict | None = None

    def write(self, df: pl.DataFrame) -> None:
        """Write one batch's frame (split by `partition_by`); an empty frame only fixes the columns."""
        if self.columns is None:
            self.columns = dict(df.schema)
            if self.partition_by:
                self.columns[self.partition_by] = pl.String  # a directory level, read back as a column
        if df.is_empty():
            return
        self.files += self.table.write_parts(self.delivery, df, partition_by=self.partition_by)
        self.rows += df.height

    def commit(self, empty: pl.DataFrame, **facts) -> dict:
        """Make the written parts the delivery's content; with nothing written, one empty file."""
        if not self.files:
            self.files = self.table.write_parts(self.delivery, empty, partition_by=self.partition_by)
        return self.table.commit(self.delivery, self.files, self.rows, columns=self.columns, **facts)

    def discard(self) -> None:
        for f in self.files:
            (self.table.dir / f).unlink(missing_ok=True)

