"""The main job: every asset, from the landing zone to the marts."""

import dagster as dg

lake_job = dg.define_asset_job(
    "lake_job", selection=dg.AssetSelection.all(),
    description="Ingest every delivery in the landing zone, validate, publish the lake and the warehouse.",
)
