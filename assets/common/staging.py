"""Raw → staging + quarantine: validate each delivery batch by batch and publish it atomically.

Staging re-processes a delivery only when its raw checksum or the contract changed, and replaces that
delivery's rows atomically. Given a delivery window (a partitioned run), it touches only the
deliveries dated in it; cross-delivery keys are still judged against every delivery.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import polars as pl

from assets.common import decimal_locale
from assets.common.batches import Batch, StagedParts, delivery_batches, in_order
from assets.common.dataset import DatasetSpec
from assets.common.file_structure import delivered_header, header_name, unknown_columns
from assets.common.ingest import tables
from assets.common.partitions import DeliveryWindow, in_window
from assets.common.pseudonyms import Pseudonymiser
from assets.common.validation import QUARANTINE_SCHEMA, StructureError, normalise_text, validate
from schemas import geography
from schemas.rules import RULE_REASONS, empty_frame
from warehouse.lake import Lake
from warehouse.locks import one_run_per_dataset
from warehouse.tables import LakeTable

_PERIOD = "period"
_COMBINE_ROWS = 1_000_000  # batches' aggregate rows held before they are folded together

@dataclass
class StageReport:
    staged: dict[str, dict] = field(default_factory=dict)  # delivery → row accounting
    unchanged: int = 0


def to_2025_wards(valid: pl.DataFrame) -> pl.DataFrame:
    """Put every row on the 2025 geography; old district + ward go to the crosswalk's default successor."""
    successors = geography.ward_crosswalk().filter(pl.col("is_default")).select(
        pl.col("district_code"), pl.col("ward_code_before").alias("ward_code"), "ward_code_2025")
    return (valid.join(successors, on=["district_code", "ward_code"], how="left", nulls_equal=False)
            .rename({"district_code": "source_district_code", "ward_code": "source_ward_code"})
            .with_columns(pl.coalesce("ward_code_2025", "source_ward_code").alias("ward_code"))
            .drop("ward_code_2025"))


class PublishedKeys:
    """The natural keys a dataset has published, by delivery: read once per staging step, kept current."""

    def __init__(self, spec: DatasetSpec, staging: LakeTable):
        self.key = list(spec.natural_key)
        columns = ["source_delivery", *self.key]
        scan = staging.scan()
        self.frame = (scan.select(columns).collect() if scan is not None
                      else empty_frame(spec.shared_model).select(columns))
        self._others: dict[str, pl.DataFrame] = {}  # per delivery: the keys the others hold, for all its batches

    def held_elsewhere(self, shared: pl.DataFrame, delivery_id: str) -> pl.DataFrame:
        """`_row_number` and key of the rows whose key another delivery already published."""
        others = self._others.get(delivery_id)
        if others is None:
            others = self._others[delivery_id] = (
                self.frame.filter(pl.col("source_delivery") != delivery_id).select(self.key).unique())
        return shared.join(others, on=self.key, how="semi").select("_row_number", *self.key)

    def replace(self, delivery_id: str, shared: pl.DataFrame) -> None:
        self._others.clear()
        self.frame = pl.concat([self.frame.filter(pl.col("source_delivery") != delivery_id),
                                shared.select(self.frame.columns)])


def _quarantine_rows(frame: pl.DataFrame, delivery_id: str, source_file: str, column: str | None,
                     rule: str, reason: str, value: pl.Expr | None = None) -> pl.DataFrame:
    return frame.select(
        pl.lit(delivery_id).alias("delivery"), pl.lit(source_file).alias("source_file"),
        pl.col("_row_number").cast(pl.Int64).alias("row_number"), pl.lit(column, pl.String).alias("column"),
        pl.lit(rule).alias("rule"), (value if value is not None else pl.lit(None, pl.String)).alias("offending_value"),
        pl.lit(reason).alias("reason"))


def _shared_and_quarantined(spec: DatasetSpec, raw_text: pl.DataFrame, keys: PublishedKeys | None,
                            delivery_id: str, raw_entry: dict, pseudonymiser: Pseudonymiser,
                            earlier: pl.DataFrame | None = None, key_repeats: pl.Series | None = None,
                            decimal_commas: decimal_locale.DecimalCommas | None = None,
                            ) -> tuple[pl.DataFrame, pl.DataFrame]:
    """The rows' shared form (with `_row_number` where rows are kept) and their quarantine rows.

    `earlier` rows (raw text of an earlier batch), `key_repeats` and `decimal_commas` are passed on to
    `validation.validate`.
    """
    source = raw_entry["source_file"]
    try:
        text = normalise_text(raw_text, spec.rename)
        earlier = normalise_text(earlier, spec.rename) if earlier is not None else None
    except StructureError as err:  # the header itself is broken: every row waits for a corrected file
        return empty_frame(spec.shared_model), _quarantine_rows(raw_text, delivery_id, source, None, "file_structure", str(err))
    if spec.prepare:
        text = spec.prepare(text)
        earlier = spec.prepare(earlier) if earlier is not None else None
    outcome = validate(text, spec.model, delivery_id=delivery_id, source_file=source,
                       delivery_date=dt.date.fromisoformat(raw_entry["delivery_date"]),
                       event_date=spec.event_date, personal=spec.personal, key_repeats=key_repeats, earlier=earlier,
                       header=delivered_header(raw_text.columns, spec.rename), rename=spec.rename,
                       decimal_commas=decimal_commas)
    valid, quarantined = outcome.valid, outcome.quarantine
    valid = to_2025_wards(valid) if spec.ward_keyed else valid
    shared = spec.publish(valid, pseudonymiser).with_columns(pl.lit(delivery_id).alias("source_delivery"))
    if keys is None:
        return shared, quarantined
    dups = keys.held_elsewhere(shared, delivery_id)
    rejected = _quarantine_rows(dups, delivery_id, source, ",".join(spec.natural_key), "unique_across_deliveries",
                                RULE_REASONS["unique_across_deliveries"])
    return (shared.join(dups.select("_row_number"), on="_row_number", how="anti"),
            pl.concat([quarantined, rejected], how="diagonal_relaxed"))


def _published_rows(spec: DatasetSpec, shared: pl.DataFrame) -> int:
    """The delivered rows a shared frame stands for (aggregating datasets publish fewer rows than they take)."""
    return int(shared.select(spec.published_rows).item()) if shared.height else 0


def stage_delivery(spec: DatasetSpec, lake: Lake, delivery_id: str, raw_entry: dict,
                   pseudonymiser: Pseudonymiser, keys: PublishedKeys | None) -> dict:
    """Validate one raw delivery batch by batch, publish its valid rows and its quarantine rows; return the accounting."""
    raw, staging, quarantine = tables(spec, lake)
    files = [raw.dir / f for f in raw_entry["files"]]
    columns = list(spec.shared_model.to_schema().columns)
    shared_parts = StagedParts(staging, delivery_id, _PERIOD if spec.period else None)
    quarantine_parts = StagedParts(quarantine, delivery_id)
    to_combine: list[pl.DataFrame] = []  # the aggregate so far, then the batches' aggregates since
    unfolded, published_keys = 0, []
    accounting = {"rows_in": 0, "rows_published": 0, "rows_quarantined": 0}
    decimal_commas = decimal_locale.of_delivery(files, spec.model.to_schema(), spec.rename, raw_entry["source_file"])
    try:
        def work(batch: Batch) -> tuple[pl.DataFrame, pl.DataFrame]:
            return _shared_and_quarantined(spec, batch.text, keys, delivery_id, raw_entry, pseudonymiser, batch.earlier,
                                           batch.key_repeats, decimal_commas)
        for batch, (shared, quarantined) in in_order(work, delivery_batches(spec, files, workdir=raw.dir)):
            quarantined = quarantined.cast(QUARANTINE_SCHEMA).select(QUARANTINE_SCHEMA.keys())
            shared = shared.drop("_row_number", strict=False).select(columns)
            accounting["rows_in"] += batch.text.height
            accounting["rows_quarantined"] += quarantined["row_number"].n_unique()
            quarantine_parts.write(quarantined)
            if keys is not None:
                published_keys.append(shared.select(keys.frame.columns))
            if spec.combine:  # folded now and then, so it stays about the size of the aggregate
                to_combine.append(shared)
                unfolded += shared.height  # since the last fold: a large aggregate is not folded at every batch
                if unfolded > _COMBINE_ROWS:
                    to_combine, unfolded = [spec.combine(pl.concat(to_combine))], 0
            else:
                accounting["rows_published"] += _published_rows(spec, shared)
                shared_parts.write(_with_period(spec, shared))
        if spec.combine:
            shared = (spec.combine(pl.concat(to_combine)) if to_combine
                      else empty_frame(spec.shared_model).select(columns))
            accounting["rows_published"] = _published_rows(spec, shared)
            shared_parts.write(_with_period(spec, shared))
        if accounting["rows_in"] != accounting["rows_published"] + accounting["rows_quarantined"]:
            # Checked before anything is committed, so a faulty step never reaches the shared zone.
            raise RuntimeError(f"{spec.name} {delivery_id}: rows in ≠ published + quarantined: {accounting}")
    except BaseException:
        shared_parts.discard()
        quarantine_parts.discard()
        raise
    empty = _with_period(spec, empty_frame(spec.shared_model).select(columns))
    # Quarantine first: if the run dies between the two commits, staging still names the previous
    # version and the delivery is re-staged on the next run (its checksum no longer matches).
    quarantine_parts.commit(pl.DataFrame(schema=QUARANTINE_SCHEMA))
    delivered = list(pl.read_parquet_schema(files[0])) if files else []
    shared_parts.commit(empty, supersede=spec.snapshot, source_file=raw_entry["source_file"],
                        source_sha256=raw_entry["source_sha256"], landing=raw_entry.get("landing"),
                        contract=spec.contract_version, **accounting,
                        unknown_columns=unknown_columns(  # ignored, recorded
                            [header_name(c, spec.rename) for c in delivered], spec.model.to_schema()))
    if keys is not None:
        keys.replace(delivery_id, pl.concat(published_keys) if published_keys else keys.frame.clear())
    return accounting


def _with_period(spec: DatasetSpec, shared: pl.DataFrame) -> pl.DataFrame:
    if not spec.period:
        return shared
    return shared.with_columns(pl.col(spec.period).dt.strftime("%Y-%m").alias(_PERIOD))


def delivery_date_of(delivery_id: str) -> str:
    """The delivery date of a delivery id `<YYYY-MM-DD>/<file name>`."""
    return delivery_id.split("/", 1)[0]


@one_run_per_dataset
def stage(spec: DatasetSpec, lake: Lake, pseudonymiser: Pseudonymiser,
          window: DeliveryWindow | None = None) -> StageReport:
    """Stage every raw delivery (dated in `window`, if given) that is new, changed, landed again, or under an
    older contract."""
    raw, staging, quarantine = tables(spec, lake)
    staging.describe()
    quarantine.describe()
    staged, report = staging.deliveries(), StageReport()
    keys = None  # read only if some delivery needs staging
    for delivery_id, entry in sorted(raw.deliveries().items()):
        if not in_window(delivery_date_of(delivery_id), window):
            continue
        if not entry["files"]:  # a duplicate of another delivery, or a file that could not be read
            if delivery_id in staged:  # it held rows before: they go, the twin or nothing replaces them
                staging.remove(delivery_id)
                quarantine.remove(delivery_id)
            continue
        previous = staged.get(delivery_id, {})
        if (previous.get("source_sha256") == entry["source_sha256"] and previous.get("landing") == entry.get("landing")
                and previous.get("contract") == spec.contract_version):
            report.unchanged += 1
            continue
        if keys is None and spec.natural_key:
            keys = PublishedKeys(spec, staging)
        report.staged[delivery_id] = stage_delivery(spec, lake, delivery_id, entry, pseudonymiser, keys)
    return report
