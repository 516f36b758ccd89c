"""Where things live: the landing zone, the Parquet lake by layer, and the DuckDB warehouse file.

One root (`URBANLAKE_HOME`, default `./data`) holds everything a deployment writes:

    landing/<agency>/<dataset>/<delivery date>/<file>    what agencies deliver
    lake/raw|staging|mart|quarantine|ref/<table>/        Parquet, one manifest per table
    lake/docs/                                           Great Expectations Data Docs
    warehouse.duckdb                                     views over the lake, for analysts
    catalog.jsonld                                       DCAT-AP description of every published table
    lake/_pseudonyms.json                                which kind of key made the pseudonyms: demo or production
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

LAYERS = ("raw", "staging", "mart", "quarantine", "ref")


@dataclass(frozen=True)
class Lake:
    root: Path

    @classmethod
    def from_env(cls) -> "Lake":
        return cls(Path(os.environ.get("URBANLAKE_HOME", "data")).resolve())

    @property
    def landing(self) -> Path:
        return self.root / "landing"

    @property
    def lake(self) -> Path:
        return self.root / "lake"

    @property
    def warehouse(self) -> Path:
        return self.root / "warehouse.duckdb"

    @property
    def catalog(self) -> Path:
        """The DCAT-AP JSON-LD description of every published table, beside the lake."""
        return self.root / "catalog.jsonld"

    @property
    def pseudonym_record(self) -> Path:
        """Which kind of key (demo or production, never the key) made the lake's pseudonyms."""
        return self.lake / "_pseudonyms.json"

    @property
    def docs(self) -> Path:
        return self.lake / "docs"

    def table_dir(self, layer: str, name: str) -> Path:
        if layer not in LAYERS:
            raise ValueError(f"unknown layer {layer!r}; expected one of {LAYERS}")
        return self.lake / layer / name

    def manifests(self) -> list[Path]:
        return sorted(self.lake.glob("*/*/_manifest.json"))
