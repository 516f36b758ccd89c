"""What the platform needs to know about one agency dataset, declared once per sector."""

from __future__ import annotations

import ast
import hashlib
import importlib
import inspect
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import cached_property
from types import ModuleType

import pandera.polars as pa
import polars as pl

from assets.common.pseudonyms import Pseudonymiser
from schemas.rules import WardKeyed
from warehouse.catalog import OPEN_LICENCE, SHARED_LICENCE, TableAbout

Publisher = Callable[[pl.DataFrame, Pseudonymiser], pl.DataFrame]

# Landing folder → the agency that publishes (2025 organisation of Hanoi's departments)
AGENCIES = {
    "justice": "Hanoi Department of Justice and the ward People's Committees (civil status)",
    "planning": "Hanoi Department of Construction and Department of Agriculture and Environment (cadastre)",
    "environment": "Hanoi Department of Agriculture and Environment (air-quality monitoring network)",
    "tax": "Hanoi Tax Department and State Treasury",
    "transport": "Hanoi Department of Construction (traffic management, public transport operator)",
    "public_services": "Hanoi Public Administrative Service Centre and the ward one-stop offices",
}
PLATFORM_TEAM = "team:urbanlake_platform"  # owner of what the lake computes across agencies
QUARANTINE_COLUMNS = {
    "delivery": "delivery: <delivery date>/<file name>", "source_file": "path of the file in the landing zone",
    "row_number": "1-based data row in the delivered file", "column": "column(s) the rule judged; null for row rules",
    "rule": "the contract rule that failed", "offending_value": "the delivered value(s); personal data redacted",
    "reason": "what is wrong, in words", "period": "",
}


def code_version(*code, settings: str = "") -> str:
    """A short hash of the source of these modules and functions (and of `settings`): changes whenever one does."""
    source = "".join(inspect.getsource(c) for c in code) + settings
    return hashlib.sha256(source.encode("utf-8")).hexdigest()[:12]


def _imported_at_load(module: ModuleType) -> Iterator[str]:
    """Names a module imports when it is loaded (`package.module`, `package.module.name`); an import inside a
    function runs later, if ever, and is not counted."""
    todo = list(ast.parse(inspect.getsource(module)).body)
    while todo:
        node = todo.pop()
        if isinstance(node, ast.ImportFrom) and node.module and not node.level:
            yield from (node.module, *(f"{node.module}.{alias.name}" for alias in node.names))
        elif isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            todo.extend(ast.iter_child_nodes(node))


def with_imports(*modules: ModuleType, packages: tuple[str, ...] = ("assets.common", "schemas")) -> list[ModuleType]:
    """`modules` and every module of `packages` they import when loaded, directly or not, read from their import
    statements (so a constant or a pattern imported by name counts as much as a function), in name order."""
    found: dict[str, ModuleType] = {}
    todo = list(modules)
    while todo:
        module = todo.pop()
        if module.__name__ in found:
            continue
        found[module.__name__] = module
        for name in _imported_at_load(module):
            if any(name.startswith(p + ".") for p in packages) and name not in found:
                try:
                    todo.append(importlib.import_module(name))
                except ModuleNotFoundError:  # `from package.module import name`: a name, not a module
                    continue
    return [found[name] for name in sorted(found)]


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
    partitioned_by: str | None = None          # "day"/"month" of the delivery date (assets/common/partitions.py)
    combine: Callable[[pl.DataFrame], pl.DataFrame] | None = None  # merges batches when publish aggregates

    @property
    def owner(self) -> str:
        """The Dagster owner of the dataset's assets: the delivering agency as a team."""
        return f"team:{self.agency}"

    @property
    def ward_keyed(self) -> bool:
        return issubclass(self.model, WardKeyed)

    def about(self, layer: str) -> TableAbout:
        """How this dataset's table in `layer` describes itself in the catalog."""
        facts = dict(publisher=AGENCIES.get(self.agency, self.agency), theme=self.sector,
                     frequency="irregular" if self.snapshot else "daily")
        if layer == "staging":
            return TableAbout.of_model(self.shared_model, title=self.name.replace("_", " "),
                                       description=self.description, temporal_column=self.period,
                                       licence=SHARED_LICENCE if self.personal else OPEN_LICENCE, **facts)
        if layer == "quarantine":
            return TableAbout(title=f"{self.name.replace('_', ' ')}: quarantined rows",
                              description=f"Rows of {self.name} that failed the contract, with rule and reason.",
                              columns=[{"name": n, "type": "", "description": d} for n, d in QUARANTINE_COLUMNS.items()],
                              licence=SHARED_LICENCE, **facts)
        return TableAbout(title=f"{self.name.replace('_', ' ')} as delivered",
                          description=f"{self.description} Every value as text, as the agency delivered it.", **facts)

    @cached_property
    def contract_version(self) -> str:
        """Changes whenever the contract, the code that runs it, the code that publishes (prepare, publish, combine:
        their modules whole) or the spec's settings change, with every module of `assets.common` and `schemas` they
        import when loaded: deliveries are then re-staged."""
        from assets.common import staging, validation
        steps = [inspect.getmodule(f) for f in (self.prepare, self.publish, self.combine) if f is not None]
        settings = repr((self.event_date, self.period, self.natural_key, self.personal, sorted(self.rename.items()),
                         self.snapshot, str(self.published_rows)))  # what staging reads of the spec besides code
        return code_version(*with_imports(inspect.getmodule(self.model), validation, *steps), staging.to_2025_wards,
                            settings=settings)


def publish_as_delivered(shared_model: type[pa.DataFrameModel]) -> Publisher:
    """For datasets without personal data: share the validated columns the shared contract lists."""
    columns = [c for c in shared_model.to_schema().columns if c != "source_delivery"]

    def publish(valid: pl.DataFrame, _: Pseudonymiser) -> pl.DataFrame:
        return valid.select("_row_number", *columns)
    return publish
