"""Run the Great Expectations suites of `schemas/expectations.py` on the lake and build the Data Docs.

One GX context per call (importing GX is most of its cost, about 9 s), ephemeral and offline: no
analytics, no cloud, suites from code. Its validation results are kept as JSON in `lake/docs/_results`
(the last `KEEP_RUNS` runs per table), so the Data Docs built into `lake/docs` (open
`lake/docs/index.html`) show every table's latest validation and its history, even after a run that
validated only some tables.

Strategy: DuckDB reads each table from the files its manifest names (in-memory views, the warehouse
file is never opened). Marts are small and validated fully: every row goes to GX as a pandas frame.
Staging tables reach millions of rows and GX on pandas costs about 3.5 s per million, so their suites
validate a *profile* instead: SQL aggregates computed by DuckDB over every row (per month/day × ward,
station, category …, with table-wide duplicate-key counts), a few hundred to a few thousand rows. No
row is sampled away; a failing expectation names the failing group (`id_columns`), and the rows
behind it are one query away in the warehouse.

Measured on 2 cores: GX import and context 7.5-10 s (once per call); a 3,024-row mart read in 0.03 s
and validated in 0.5 s; a 1M-row fare-taps table profiled by DuckDB in 0.4 s (10M rows: 4-6 s, mostly
the duplicate-key count) and its 30-row profile validated in 0.07 s, where validating it fully on
pandas took 0.7 s to load plus 2.1 s for only three expectations; Data Docs 0.5-0.9 s.
"""

from __future__ import annotations

import os
import shutil
import time
from collections.abc import Iterable
from urllib.parse import unquote

import duckdb
from filelock import FileLock

from schemas.expectations import SUITES, Suite
from warehouse.build import register_views
from warehouse.lake import Lake
from warehouse.sql_text import quoted_table
from warehouse.tables import LakeTable

KEEP_RUNS = 30  # validation results kept per table (and their pages)
SITE = "lake"


def validate_tables(lake: Lake, tables: Iterable[tuple[str, str]] | None = None, *,
                    run_name: str | None = None, context=None) -> dict[tuple[str, str], dict]:
    """Validate `tables` ((layer, name) keys of SUITES; default all), build the Data Docs; JSON-ready results.

    A table not published yet is `skipped`; an error while validating a table makes it `failed` with
    the error text. Nothing raises out of here for a table's sake. `context`: one `_context(lake)` made
    beforehand (warehouse/quality_process.py).
    """
    keys = list(SUITES) if tables is None else list(tables)
    con, unreadable = _lake_connection(lake)
    index = lake.docs / "index.html"
    results: dict[tuple[str, str], dict] = {}
    try:
        context, ids = context or _context(lake), []
    except Exception as err:  # GX itself is broken: every table fails, the run goes on
        context = None
        results = {k: _result(SUITES[k], "failed", error=f"GX start-up: {type(err).__name__}: {err}") for k in keys}
    for key in keys if context else []:
        s = SUITES[key]
        if not LakeTable(lake, *key).files():
            results[key] = _result(s, "skipped", error="table not published yet")
            continue
        if key in unreadable:
            results[key] = _result(s, "failed", error=unreadable[key])
            continue
        started = time.perf_counter()
        try:
            frame = con.sql(s.query or f"SELECT * FROM {quoted_table(s.layer, s.name)}").df()
            result, rid = _validate(context, s, frame, run_name)
            ids.append(rid)
            failed = [_failure(r) for r in result.results if not r.success]
            results[key] = _result(s, "passed" if result.success else "failed", rows_validated=len(frame),
                                   statistics=_jsonable(dict(result.statistics)),
                                   failed_expectations=failed, page=_page(context, rid))
        except Exception as err:
            results[key] = _result(s, "failed", error=f"{type(err).__name__}: {err}")
        results[key]["seconds"] = round(time.perf_counter() - started, 3)
    con.close()
    if context is not None and ids:
        from great_expectations.data_context.types.resource_identifiers import ExpectationSuiteIdentifier
        try:
            with FileLock(str(lake.lake / ".docs.lock")):
                _prune(lake)
                context.build_data_docs(site_names=[SITE], resource_identifiers=ids + [  # new pages only
                    ExpectationSuiteIdentifier(name=s.table) for s in SUITES.values()])
        except Exception as err:
            for r in results.values():
                r["data_docs_error"] = f"{type(err).__name__}: {err}"
    for r in results.values():
        r["data_docs"] = str(index) if index.exists() else None
    return results


def _lake_connection(lake: Lake) -> tuple[duckdb.DuckDBPyConnection, dict[tuple[str, str], str]]:
    """In-memory DuckDB with the lake's views (never the warehouse file), and the unreadable tables."""
    con = duckdb.connect()
    _, unreadable = register_views(con, lake)
    return con, {tuple(table.split(".", 1)): error for table, error in unreadable.items()}


def _context(lake: Lake):
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "False")
    import great_expectations as gx
    import great_expectations.expectations as gxe
    from great_expectations.data_context.types.base import (DataContextConfig, InMemoryStoreBackendDefaults,
                                                            ProgressBarsConfig)
    from great_expectations.expectations.row_conditions import Column

    config = DataContextConfig(
        store_backend_defaults=InMemoryStoreBackendDefaults(init_temp_docs_sites=False),
        analytics_enabled=False, progress_bars=ProgressBarsConfig(globally=False),
        data_docs_sites={SITE: {"class_name": "SiteBuilder", "show_how_to_buttons": False,
                                "store_backend": {"class_name": "TupleFilesystemStoreBackend",
                                                  "base_directory": str(lake.docs)}}})
    config.stores["validation_results_store"] = {"class_name": "ValidationResultsStore", "store_backend": {
        "class_name": "TupleFilesystemStoreBackend", "base_directory": str(lake.docs / "_results")}}
    context = gx.get_context(project_config=config, mode="ephemeral")
    source = context.data_sources.add_pandas("lake")
    for s in SUITES.values():  # every suite, so the docs list them all even after a partial run
        context.suites.add(gx.ExpectationSuite(name=s.table, expectations=s.expectations(gxe, Column), notes=[
            s.description, f"Strategy: **{s.strategy}**" + (f", the expectations apply to this profile query:"
                                                           f"\n\n```sql\n{s.query}\n```" if s.query else
                                                           ", every row of the table.")]))
        batch = source.add_dataframe_asset(s.table).add_batch_definition_whole_dataframe("current")
        context.validation_definitions.add(gx.ValidationDefinition(name=s.table, data=batch,
                                                                   suite=context.suites.get(s.table)))
    return context


def _validate(context, s: Suite, frame, run_name: str | None):
    from great_expectations.core.run_identifier import RunIdentifier
    from great_expectations.data_context.types.resource_identifiers import (ExpectationSuiteIdentifier,
                                                                            ValidationResultIdentifier)

    run_id = RunIdentifier(run_name=run_name or "manual")
    result_format = {"result_format": "SUMMARY", "partial_unexpected_count": 5}
    if s.id_columns:
        result_format["unexpected_index_column_names"] = list(s.id_columns)
    result = context.validation_definitions.get(s.table).run(
        batch_parameters={"dataframe": frame}, result_format=result_format, run_id=run_id)
    batch_id = next((r.expectation_config.kwargs.get("batch_id") for r in result.results), None)
    rid = ValidationResultIdentifier(expectation_suite_identifier=ExpectationSuiteIdentifier(name=s.table),
                                     run_id=run_id, batch_identifier=batch_id or f"lake-{s.table}")
    return result, rid


def _failure(r) -> dict:
    """A failed expectation in JSON: type, column(s), its arguments, what was observed."""
    config, res = r.expectation_config, r.result or {}
    kwargs = {k: f"<{len(v)} values>" if isinstance(v, list) and len(v) > 20 else v
              for k, v in config.kwargs.items() if k != "batch_id"}
    pair = [kwargs["column_A"], kwargs["column_B"]] if "column_A" in kwargs else None
    out = {"expectation": config.type, "column": kwargs.get("column") or kwargs.get("column_list") or pair,
           "kwargs": kwargs}
    for k in ("observed_value", "element_count", "unexpected_count", "unexpected_percent",
              "partial_unexpected_list", "partial_unexpected_index_list"):
        if k in res:
            out[k] = res[k]
    if r.exception_info and r.exception_info.get("raised_exception"):
        out["exception"] = r.exception_info.get("exception_message")
    return _jsonable(out)


def _jsonable(value):
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set)):
        return [_jsonable(v) for v in value]
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if hasattr(value, "item"):  # numpy scalars
        return _jsonable(value.item())
    if hasattr(value, "dict"):  # GX pydantic objects, e.g. row conditions
        return _jsonable(value.dict())
    return str(value)


def _page(context, rid) -> str | None:
    urls = context.get_docs_sites_urls(resource_identifier=rid, site_name=SITE, only_if_exists=False)
    return unquote(urls[0]["site_url"].removeprefix("file://")) if urls else None


def _result(s: Suite, status: str, **facts) -> dict:
    base = {"table": s.table, "status": status, "success": {"passed": True, "failed": False}.get(status),
            "strategy": s.strategy,
            "rows_validated": 0, "statistics": {}, "failed_expectations": [], "error": None, "page": None}
    return {**base, **facts}


def _prune(lake: Lake) -> None:
    """Keep the last KEEP_RUNS validation results per table, and only their pages."""
    for suite_dir in (lake.docs / "_results").glob("*/*"):  # <layer>/<name>/<run name>/<run time>/
        runs = sorted((t for run in suite_dir.glob("*") for t in run.glob("*")), key=lambda p: p.name)
        for old in runs[:-KEEP_RUNS] if len(runs) > KEEP_RUNS else []:
            rel = old.relative_to(lake.docs / "_results")
            shutil.rmtree(old, ignore_errors=True)
            shutil.rmtree(lake.docs / "validations" / rel, ignore_errors=True)
