"""Stage a large delivery in row batches, so memory stays flat however many rows the file has.

The raw text Parquet is read `BATCH_ROWS` rows at a time and each batch goes through the same
normalise → validate → publish code as a small delivery. Two things span batches:

- Duplicate keys. The contract keeps the first row of a key and quarantines the others, citing the
  first. Before the loop, the 64-bit hash of every row's typed key goes to scratch Arrow files split
  by hash (one file per batch's worth of rows), and each file in turn, sorted, gives the hashes seen
  more than once. A batch holding such a row gets the earlier rows of the same hash beside it
  (`Batch.earlier`): validation types their keys like its own rows' and compares the real values, so
  it cites the first row exactly as it would in one frame (a hash collision only brings a row more).
  Only the rows with a shared hash (`Batch.key_repeats`) are compared at all.
- Outputs. Each batch's parts are written as they come and committed once, after the delivery's
  accounting holds (`StagedParts`); a publisher that aggregates merges its batches with `combine`.
"""

from __future__ import annotations

import functools
import operator
import os
import tempfile
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq

from assets.common.dataset import DatasetSpec
from assets.common.file_structure import header_name
from assets.common.landing import ROW_NUMBER
from assets.common.validation import StructureError, _unique_keys, normalise_text, sharing_a_hash
from assets.common.value_types import typed_columns
from warehouse.tables import LakeTable

BATCH_ROWS = int(os.environ.get("URBANLAKE_BATCH_ROWS", 500_000))
WORKERS = int(os.environ.get("URBANLAKE_STAGE_WORKERS", 2))  # batches validated at once (both cores)
B, T = TypeVar("B"), TypeVar("T")


@dataclass
class Batch:
    text: pl.DataFrame  # raw text of the batch's rows
    # Raw text of earlier rows whose key hash a row of the batch shares: only their keys are read, so
    # that a repeat cites its first row (None: no such row)
    earlier: pl.DataFrame | None = None
    # Row numbers of the batch's rows whose key hash another row of the delivery shares: the only rows
    # that can be duplicates (None: not known, every row is a candidate)
    key_repeats: pl.Series | None = None


def row_count(files: list[Path]) -> int:
    return sum(pq.ParquetFile(f).metadata.num_rows for f in files)


def raw_batches(files: list[Path], batch_rows: int, columns: list[str] | None = None) -> Iterator[pl.DataFrame]:
    """The delivery's raw rows in file order, at most `batch_rows` at a time."""
    for f in files:
        # a slice of the scan reads only the row groups it covers, on every core (pyarrow's batches: 2.5× slower)
        scan = pl.scan_parquet(f).select(columns) if columns else pl.scan_parquet(f)
        for offset in range(0, row_count([f]), batch_rows):
            yield scan.slice(offset, batch_rows).collect()


def _key_columns(spec: DatasetSpec, files: list[Path], keys: list[list[str]]) -> list[str] | None:
    """The raw columns the keys are read from (None: all, when a `prepare` step may need any)."""
    if spec.prepare:
        return None
    wanted = {k for key in keys for k in key}
    raw = pq.ParquetFile(files[0]).schema_arrow.names
    return [c for c in raw if c == ROW_NUMBER or header_name(c, spec.rename) in wanted]


def _key_hashes(spec: DatasetSpec, batch: pl.DataFrame, keys: list[list[str]]) -> pl.DataFrame:
    """(`_row_number`, `_h`) of the batch's rows with a whole key: `_h` is the XOR of the 64-bit hashes of the
    typed key's columns, each seeded by the key's place in `keys` and its own in the key (about half the CPU
    of hashing the key as a struct; a collision only brings a row more to compare)."""
    text = normalise_text(batch, spec.rename)
    if spec.prepare:
        text = spec.prepare(text)
    schema = spec.model.to_schema()
    hashed = []
    for i, key in enumerate(keys):
        if not set(key) <= set(text.columns):
            continue  # a missing key column: every value is null, nothing repeats
        whole = pl.all_horizontal(pl.col(key).is_not_null())
        combined = functools.reduce(operator.xor, (pl.col(c).hash(seed=i * 64 + j) for j, c in enumerate(key)))
        hashed.append(typed_columns(text.select(ROW_NUMBER, *key), schema.select_columns(key)).lazy()
                      .select(ROW_NUMBER, combined.alias("_h"), whole.alias("_whole")).filter("_whole")
                      .drop("_whole").collect())
    return pl.concat(hashed) if hashed else pl.DataFrame(schema={ROW_NUMBER: pl.Int64, "_h": pl.UInt64})


def _write_key_hashes(spec: DatasetSpec, files: list[Path], keys: list[list[str]], batch_rows: int,
                      tmp: Path, parts: int, workers: int | None = None) -> list[Path]:
    """The key hashes of every row, spread over `parts` Arrow files by hash (a repeated key always
    lands in one file); returns the files written. Uncompressed Arrow: written and read back at memory speed."""
    def split(batch: pl.DataFrame) -> dict[int, pa.Table]:  # in the worker threads, like the hashing
        hashed = _key_hashes(spec, batch, keys).with_columns((pl.col("_h") % parts).alias("_part"))
        return {part: frame.to_arrow()
                for (part,), frame in hashed.partition_by("_part", as_dict=True, include_key=False).items()}

    writers: dict[int, pa.RecordBatchStreamWriter] = {}
    try:
        # the key columns alone: twice the rows per read hold about the memory of a whole batch
        for _, by_part in in_order(split, raw_batches(files, 2 * batch_rows, _key_columns(spec, files, keys)), workers):
            for part, table in by_part.items():
                if part not in writers:
                    writers[part] = pa.ipc.new_stream(tmp / f"keys-{part}.arrow", table.schema)
                writers[part].write_table(table)
    finally:
        for w in writers.values():
            w.close()
    return [tmp / f"keys-{part}.arrow" for part in sorted(writers)]


def repeated_keys(spec: DatasetSpec, files: list[Path], rows: int, batch_rows: int, workdir: Path,
                  workers: int | None = None) -> pl.DataFrame:
    """(`_row_number`, `_h`) of every row whose key hash another row of the delivery shares.

    A superset of the rows with a repeated key (a hash collision adds a few rows): carrying them is
    harmless, since validation compares the real values. The hashes are split into files of about
    `batch_rows` rows each, so finding repeats holds one file at a time: memory does not grow with the delivery.
    """
    keys = _unique_keys(spec.model.to_schema())
    found = pl.DataFrame(schema={ROW_NUMBER: pl.Int64, "_h": pl.UInt64})
    if not keys:
        return found
    parts = -(-rows // batch_rows)
    with tempfile.TemporaryDirectory(dir=workdir, prefix=".keys-") as tmp:
        try:
            written = _write_key_hashes(spec, files, keys, batch_rows, Path(tmp), parts, workers)
        except StructureError:
            return found  # every row will be quarantined as file_structure: no key to compare
        repeats = (shared for _, shared in in_order(lambda f: sharing_a_hash(pl.read_ipc_stream(f)), iter(written),
                                                    workers))
        return pl.concat([found, *repeats]).sort(ROW_NUMBER)


def delivery_batches(spec: DatasetSpec, files: list[Path], workdir: Path,
                     batch_rows: int | None = None, workers: int | None = None) -> Iterator[Batch]:
    """The delivery in batches; one batch (no key pass) when it fits in one. `workers`: threads of the key pass."""
    batch_rows = batch_rows or BATCH_ROWS
    rows = row_count(files)
    if rows <= batch_rows:
        yield Batch(pl.read_parquet(files))
        return
    shared = repeated_keys(spec, files, rows, batch_rows, workdir, workers)
    numbers = pl.col(ROW_NUMBER).cast(pl.Int64)
    kept = None  # raw rows of earlier batches whose key hash a later row shares
    for batch in raw_batches(files, batch_rows):
        lo, hi = batch.select(numbers.min()).item(), batch.select(numbers.max()).item()
        here = shared.filter(pl.col(ROW_NUMBER).is_between(lo, hi))
        needed = shared.filter((pl.col(ROW_NUMBER) < lo) & pl.col("_h").is_in(here["_h"].unique().implode()))[
            ROW_NUMBER].unique()
        earlier = kept.filter(numbers.is_in(needed.implode())).sort(ROW_NUMBER) if len(needed) else None
        yield Batch(batch, earlier, key_repeats=here[ROW_NUMBER])
        # kept: the rows so far whose hash comes again after this batch (no more: memory stays flat)
        after = shared.filter(pl.col(ROW_NUMBER) > hi)["_h"].implode()
        recurring = shared.filter((pl.col(ROW_NUMBER) <= hi) & pl.col("_h").is_in(after))[ROW_NUMBER].implode()
        mine = batch.filter(numbers.is_in(recurring))
        kept = mine if kept is None else pl.concat([kept.filter(numbers.is_in(recurring)), mine])


def in_order(work: Callable[[B], T], batches: Iterator[B], workers: int | None = None) -> Iterator[tuple[B, T]]:
    """`work` on each batch, `workers` at a time in threads (polars and DuckDB release the GIL), results in
    batch order. One batch more than `workers` is read ahead, so that a worker finding its batch done
    starts the next while the main thread takes the results; memory stays bounded."""
    workers = workers or WORKERS
    if workers <= 1:
        yield from ((b, work(b)) for b in batches)
        return
    with ThreadPoolExecutor(workers, thread_name_prefix="stage") as pool:
        pending: deque = deque()
        for batch in batches:
            pending.append((batch, pool.submit(work, batch)))
            if len(pending) > workers:
                done, future = pending.popleft()
                yield done, future.result()
        while pending:
            done, future = pending.popleft()
            yield done, future.result()


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

