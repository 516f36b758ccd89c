"""The catalog of published tables: a `catalog` table in the warehouse and a DCAT-AP JSON-LD file.

Each table describes itself in its manifest (`about`: title, description, publisher, theme, update
frequency, licence, temporal column, columns with types and descriptions), written by the asset that
publishes it; the catalog adds what only the data can tell: row count, temporal coverage, last
modified, size and a SHA-256 checksum over the table's current files.
"""

from __future__ import annotations

import hashlib
import json
from collections import OrderedDict
from dataclasses import asdict, dataclass, field

import duckdb
import pandera.polars as pa
import polars as pl

from warehouse.sql_text import identifier, quoted_table

OPEN_LICENCE = "https://creativecommons.org/licenses/by/4.0/"
SHARED_LICENCE = "Shared data (Law on Data 60/2024/QH15): for use by Hanoi's agencies, not for re-publication"
FREQUENCIES = {  # EU frequency vocabulary used by DCAT-AP
    "daily": "http://publications.europa.eu/resource/authority/frequency/DAILY",
    "irregular": "http://publications.europa.eu/resource/authority/frequency/IRREG",
}


@dataclass(frozen=True)
class TableAbout:
    """What a table is, as its publisher states it."""

    title: str
    description: str
    publisher: str
    theme: str
    frequency: str = "daily"
    licence: str = OPEN_LICENCE
    temporal_column: str | None = None
    columns: list[dict] = field(default_factory=list)  # name, type, description

    @classmethod
    def of_model(cls, model: type[pa.DataFrameModel], **facts) -> "TableAbout":
        columns = [{"name": n, "type": str(c.dtype), "description": c.description or ""}
                   for n, c in model.to_schema().columns.items()]
        return cls(columns=columns, **facts)

    def as_dict(self) -> dict:
        return asdict(self)


def table_checksum(entries: dict) -> str:
    """SHA-256 over the (name, checksum) of every current file: changes iff the content changes."""
    pairs = sorted((f, e.get("checksums", {}).get(f, "")) for e in entries.values() for f in e["files"])
    return hashlib.sha256("\n".join(f"{f}:{c}" for f, c in pairs).encode()).hexdigest()


def _data_facts(con: duckdb.DuckDBPyConnection, schema: str, name: str, temporal_column: str | None) -> tuple:
    """Row count, temporal coverage and (column, type) pairs of the view `schema.name`, read from its data."""
    quoted = quoted_table(schema, name)
    rows = con.execute(f"SELECT count(*) FROM {quoted}").fetchone()[0]
    start = end = None
    if temporal_column:
        column = identifier(temporal_column)
        start, end = con.execute(f"SELECT CAST(min({column}) AS DATE), CAST(max({column}) AS DATE) "
                                 f"FROM {quoted}").fetchone()
    types = con.execute("SELECT column_name, data_type FROM information_schema.columns "
                        "WHERE table_schema = ? AND table_name = ? ORDER BY ordinal_position", [schema, name]).fetchall()
    return rows, start, end, tuple(types)


# The data facts of recent table versions: a run rebuilds the warehouse after every step, and most
# tables have not changed since the last build. Data files are immutable and uniquely named
# (warehouse/tables.py), so a table's directory and file list identify its content.
_FACTS: OrderedDict[tuple, tuple] = OrderedDict()
_FACTS_KEPT = 1024


def _cached_data_facts(con: duckdb.DuckDBPyConnection, manifest: dict, location: str) -> tuple:
    schema, name = manifest["table"].split(".", 1)
    temporal_column = (manifest.get("about") or {}).get("temporal_column")
    files = tuple(sorted(f for e in manifest["deliveries"].values() for f in e["files"]))
    key = (location, manifest["table"], files, temporal_column)
    if key in _FACTS:
        _FACTS.move_to_end(key)
    else:
        _FACTS[key] = _data_facts(con, schema, name, temporal_column)
        if len(_FACTS) > _FACTS_KEPT:
            _FACTS.popitem(last=False)
    return _FACTS[key]


def catalog_row(con: duckdb.DuckDBPyConnection, manifest: dict, byte_size: int, location: str) -> dict:
    """The catalog row of a table whose view `con` holds; `location` is the table's directory."""
    about = manifest.get("about") or {}
    schema, name = manifest["table"].split(".", 1)
    rows, start, end, types = _cached_data_facts(con, manifest, location)
    described = {c["name"]: c for c in about.get("columns", [])}
    columns = [{"name": n, "type": t, "description": described.get(n, {}).get("description", "")} for n, t in types]
    return {
        "table_name": manifest["table"], "layer": schema,
        "title": about.get("title", name.replace("_", " ")), "description": about.get("description", ""),
        "publisher": about.get("publisher", "urbanlake"), "theme": about.get("theme", schema),
        "temporal_start": start, "temporal_end": end, "update_frequency": about.get("frequency", "irregular"),
        "last_modified": manifest.get("updated_at"), "row_count": rows, "byte_size": byte_size,
        "licence": about.get("licence", OPEN_LICENCE), "checksum_sha256": table_checksum(manifest["deliveries"]),
        "columns": json.dumps(columns, ensure_ascii=False),
    }


def catalog_frame(rows: list[dict]) -> pl.DataFrame:
    schema = {"table_name": pl.String, "layer": pl.String, "title": pl.String, "description": pl.String,
              "publisher": pl.String, "theme": pl.String, "temporal_start": pl.Date, "temporal_end": pl.Date,
              "update_frequency": pl.String, "last_modified": pl.String, "row_count": pl.Int64,
              "byte_size": pl.Int64, "licence": pl.String, "checksum_sha256": pl.String, "columns": pl.String}
    return pl.DataFrame(rows, schema=schema).sort("table_name")


def dcat_jsonld(catalog: pl.DataFrame, lake_uri: str) -> dict:
    """The catalog as DCAT-AP 3 JSON-LD, one dcat:Dataset per table with its Parquet distribution."""
    datasets = []
    for row in catalog.iter_rows(named=True):
        layer, name = row["table_name"].split(".", 1)
        dataset = {
            "@id": f"urn:urbanlake:{row['table_name']}", "@type": "dcat:Dataset",
            "dct:identifier": row["table_name"], "dct:title": row["title"], "dct:description": row["description"],
            "dct:publisher": {"@type": "foaf:Agent", "foaf:name": row["publisher"]},
            "dcat:theme": row["theme"], "dcat:keyword": [layer, row["theme"]],
            "dct:accrualPeriodicity": {"@id": FREQUENCIES.get(row["update_frequency"], FREQUENCIES["irregular"])},
            "dct:modified": row["last_modified"], "dct:license": row["licence"],
            "dct:spatial": "Hà Nội (province code 01)", "urbanlake:rowCount": row["row_count"],
            "csvw:tableSchema": {"csvw:column": [
                {"csvw:name": c["name"], "csvw:datatype": c["type"], "dct:description": c["description"]}
                for c in json.loads(row["columns"])]},
            "dcat:distribution": [{
                "@type": "dcat:Distribution", "dcat:accessURL": {"@id": f"{lake_uri}/{layer}/{name}/"},
                "dcat:mediaType": "application/vnd.apache.parquet", "dcat:byteSize": row["byte_size"],
                "spdx:checksum": {"@type": "spdx:Checksum", "spdx:algorithm": "spdx:checksumAlgorithm_sha256",
                                  "spdx:checksumValue": row["checksum_sha256"]}}],
        }
        if row["temporal_start"]:
            dataset["dct:temporal"] = {"@type": "dct:PeriodOfTime", "dcat:startDate": str(row["temporal_start"]),
                                       "dcat:endDate": str(row["temporal_end"])}
        datasets.append(dataset)
    return {
        "@context": {"dcat": "http://www.w3.org/ns/dcat#", "dct": "http://purl.org/dc/terms/",
                     "foaf": "http://xmlns.com/foaf/0.1/", "spdx": "http://spdx.org/rdf/terms#",
                     "csvw": "http://www.w3.org/ns/csvw#", "urbanlake": "urn:urbanlake:vocab:"},
        "@id": "urn:urbanlake:catalog", "@type": "dcat:Catalog",
        "dct:title": "urbanlake: the shared data of Hanoi's agencies",
        "dct:publisher": {"@type": "foaf:Agent", "foaf:name": "Hanoi People's Committee (urbanlake)"},
        "dcat:dataset": datasets,
    }
