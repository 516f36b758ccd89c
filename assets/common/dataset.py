"""What the platform needs to know about one agency dataset, declared once per sector."""

from __future__ import annotations

import hashlib
import inspect
from collections.abc import Callable
from dataclasses import dataclass, field

import pandera.polars as pa
import polars as pl

from assets.common.pseudonyms import Pseudonymiser
from schemas.rules import WardKeyed

Publisher = Callable[[pl.DataFrame, Pseudonymiser], pl.DataFrame]


@dataclass(frozen=True)
class DatasetSpec:
    """One delivered dataset: where it lands, its contract, and how it is shared.

    `publish` turns validated rows (typed contract columns, `ward_code` already on the 2025 geography
    with `source_district_code`/`source_ward_code` kept, and `_row_number`) into the shared form; it
    keeps `_row_number` unless it aggregates rows.
    """

    name: str                                  # table name in every layer and the landing folder
    agency: str                                # landing/<agency>/
    sector: str                                # Dagster group
    description: str                           # one line, shown in the UI
    model: type[pa.DataFrameModel]             # contract of the delivery
    shared_model: type[pa.DataFrameModel]      # contract of the published table
    publish: Publisher
    event_date: str | None = None              # decides the ward era and "not after delivery"
    period: str | None = None                  # shared column whose month partitions the table
    natural_key: tuple[str, ...] = ()          # shared columns unique across deliveries
    personal: tuple[str, ...] = ()             # delivered columns holding personal data
    rename: dict[str, str] = field(default_factory=dict)  # delivered header → contract column
    prepare: Callable[[pl.DataFrame], pl.DataFrame] | None = None  # text clean-up before validation
    snapshot: bool = False                     # each delivery is a full snapshot replacing the last
    published_rows: pl.Expr = field(default_factory=pl.len)  # rows a shared frame stands for

    @property
    def ward_keyed(self) -> bool:
        return issubclass(self.model, WardKeyed)

    @property
    def contract_version(self) -> str:
        """Changes whenever the contract or the publishing code changes, so deliveries are re-staged."""
        from assets.common import validation
        from schemas import rules
        modules = [inspect.getmodule(self.model), rules, validation]
        source = "".join(inspect.getsource(m) for m in modules) + inspect.getsource(self.publish)
        return hashlib.sha256(source.encode("utf-8")).hexdigest()[:12]


def publish_as_delivered(shared_model: type[pa.DataFrameModel]) -> Publisher:
    """For datasets without personal data: share the validated columns the shared contract lists."""
    columns = [c for c in shared_model.to_schema().columns if c != "source_delivery"]

    def publish(valid: pl.DataFrame, _: Pseudonymiser) -> pl.DataFrame:
        return valid.select("_row_number", *columns)
    return publish
