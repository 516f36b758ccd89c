"""The catalog table and the DCAT-AP JSON-LD describe every published table truthfully."""

import hashlib
import json

import duckdb
import pytest


@pytest.fixture(scope="module")
def catalog(lake_run):
    with duckdb.connect(str(lake_run.home / "warehouse.duckdb"), read_only=True) as con:
        cur = con.execute("select * from catalog")
        names = [d[0] for d in cur.description]
        rows = {r[0]: dict(zip(names, r)) for r in cur.fetchall()}
        views = {f"{s}.{n}" for s, n in con.execute(
            "select table_schema, table_name from information_schema.tables where table_type = 'VIEW'").fetchall()}
        counts = {t: con.execute(f"select count(*) from {t}").fetchone()[0] for t in views}
        coverage = con.execute("select min(month), max(month) from mart.ward_profile").fetchone()
    return rows, views, counts, coverage


def test_every_published_table_is_in_the_catalog_with_its_row_count(catalog):
    rows, views, counts, _ = catalog
    assert set(rows) == views
    assert {t: r["row_count"] for t, r in rows.items()} == counts
    for r in rows.values():
        assert r["title"] and r["description"] and r["publisher"] and r["licence"] and r["last_modified"]


def test_checksum_covers_the_current_files(lake_run, catalog):
    rows, *_ = catalog
    manifest = json.loads((lake_run.home / "lake/staging/birth_registrations/_manifest.json").read_text())
    files = sorted(f for e in manifest["deliveries"].values() for f in e["files"])
    base = lake_run.home / "lake/staging/birth_registrations"
    lines = [f"{f}:{hashlib.sha256((base / f).read_bytes()).hexdigest()}" for f in files]
    assert rows["staging.birth_registrations"]["checksum_sha256"] == hashlib.sha256("\n".join(lines).encode()).hexdigest()
    assert rows["staging.birth_registrations"]["byte_size"] == sum((base / f).stat().st_size for f in files)


def test_temporal_coverage_and_column_descriptions(catalog):
    rows, _, _, (first, last) = catalog
    profile = rows["mart.ward_profile"]
    assert (profile["temporal_start"], profile["temporal_end"]) == (first, last)
    columns = json.loads(rows["staging.birth_registrations"]["columns"])
    assert {c["name"] for c in columns} >= {"ward_code", "child_pseudonym", "registration_month"}
    assert all(c["description"] for c in columns if c["name"] != "period")


def test_dcat_ap_jsonld_lists_every_table_with_distribution_and_checksum(lake_run, catalog):
    rows, *_ = catalog
    doc = json.loads((lake_run.home / "catalog.jsonld").read_text(encoding="utf-8"))
    assert doc["@type"] == "dcat:Catalog" and doc["@context"]["dcat"] == "http://www.w3.org/ns/dcat#"
    datasets = {d["dct:identifier"]: d for d in doc["dcat:dataset"]}
    assert set(datasets) == set(rows)
    births = datasets["staging.birth_registrations"]
    assert births["dct:publisher"]["foaf:name"] == rows["staging.birth_registrations"]["publisher"]
    dist = births["dcat:distribution"][0]
    assert dist["spdx:checksum"]["spdx:checksumValue"] == rows["staging.birth_registrations"]["checksum_sha256"]
    assert dist["dcat:mediaType"] == "application/vnd.apache.parquet"
    assert births["dct:temporal"]["dcat:startDate"] == str(rows["staging.birth_registrations"]["temporal_start"])
    assert births["csvw:tableSchema"]["csvw:column"]
