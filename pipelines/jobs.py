"""The jobs: Dagster cannot mix partitions definitions in one job, so there is one per partitioning.

- `daily_ingest_job`: raw → staging + quarantine of the datasets partitioned by delivery day;
- `monthly_ingest_job`: the same for the datasets partitioned by delivery month (tax);
- `lake_job`: everything unpartitioned — reference data, the datasets delivered without a time
  partition (civil status, planning, snapshots), the computed tables and marts — and the Great
  Expectations suites of every table, partitioned ones included, so GX starts once.

`urbanlake run` (pipelines/lake_run.py) runs the three in that order over what the landing zone holds.
"""

import dagster as dg

from assets.quality import CHECK_NAME as GX_CHECK
from assets.registry import DATASETS
from schemas.expectations import SUITES

LAYERS = ("raw", "staging", "quarantine")


def dataset_keys(names) -> list[dg.AssetKey]:
    """raw, staging and quarantine asset keys of these datasets."""
    return [dg.AssetKey([layer, name]) for name in names for layer in LAYERS]


def datasets_partitioned_by(partitioned_by: str) -> list[str]:
    """The datasets declared `partitioned_by` "day" or "month"."""
    return [s.name for s in DATASETS if s.partitioned_by == partitioned_by]


def checks_without_gx(asset_graph, assets: set[dg.AssetKey]) -> list[dg.AssetCheckKey]:
    """The checks of these assets but their Great Expectations suite, for a run of a few datasets: GX takes
    ~8 s to start, and the lake_job (daily, and in `urbanlake run`) validates every table with it."""
    return sorted((k for k in asset_graph.asset_check_keys if k.asset_key in assets and k.name != GX_CHECK),
                  key=lambda k: k.to_user_string())


PARTITIONED_DATASETS = datasets_partitioned_by("day") + datasets_partitioned_by("month")
PARTITIONED = dg.AssetSelection.assets(*dataset_keys(PARTITIONED_DATASETS))
GX_CHECKS_OF_PARTITIONED = dg.AssetSelection.checks(*[
    dg.AssetCheckKey(dg.AssetKey([layer, name]), GX_CHECK) for layer, name in SUITES if name in PARTITIONED_DATASETS])

daily_ingest_job = dg.define_asset_job(
    "daily_ingest_job", selection=dg.AssetSelection.assets(*dataset_keys(datasets_partitioned_by("day"))) - GX_CHECKS_OF_PARTITIONED,
    description="Ingest, validate and publish the deliveries of a day (or a range of days) of the daily datasets.")

monthly_ingest_job = dg.define_asset_job(
    "monthly_ingest_job", selection=dg.AssetSelection.assets(*dataset_keys(datasets_partitioned_by("month"))) - GX_CHECKS_OF_PARTITIONED,
    description="Ingest, validate and publish the deliveries of a month (or a range of months) of the tax datasets.")

lake_job = dg.define_asset_job(
    "lake_job", selection=(dg.AssetSelection.all() - PARTITIONED) | GX_CHECKS_OF_PARTITIONED,
    description="Reference data, the unpartitioned datasets, computed tables and marts, and every table's "
                "Great Expectations suite; the warehouse is rebuilt.")

INGEST_JOBS = {"day": daily_ingest_job, "month": monthly_ingest_job}
