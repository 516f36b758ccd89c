"""Declarative automation of the computed tables, evaluated by Dagster over the real definitions:
an update of an input refreshes the tables computed from it, and only those, although most days of
the daily inputs were never delivered (plain eager() would wait for them forever)."""

import dagster as dg

from assets.common.derived import COMPUTED_TABLES
from pipelines.definitions import defs

WARD_PROFILE = dg.AssetKey(["mart", "ward_profile"])
TRANSIT_DAILY = dg.AssetKey(["mart", "transit_daily"])
HOURLY_INDEX = dg.AssetKey(["staging", "air_quality_hourly_index"])
DECEASED_OWNERS = dg.AssetKey(["mart", "deceased_business_owners"])


class Automation:
    """Successive evaluations of the computed tables' conditions, as the automation sensor ticks."""

    def __init__(self, instance):
        self.instance, self.cursor = instance, None
        self.tick()  # the first evaluation only records the state

    def tick(self) -> set[dg.AssetKey]:
        result = dg.evaluate_automation_conditions(defs=defs, instance=self.instance, cursor=self.cursor,
                                                   asset_selection=COMPUTED_TABLES)
        self.cursor = result.cursor
        return {r.key for r in result.results if r.true_subset.size}

    def materialized(self, *keys, partition=None):
        for key in keys:
            self.instance.report_runless_asset_event(dg.AssetMaterialization(asset_key=key, partition=partition))


def test_an_updated_input_refreshes_the_tables_computed_from_it_and_only_those():
    graph = defs.resolve_asset_graph()
    computed = COMPUTED_TABLES.resolve(graph)
    unpartitioned_inputs = {k for k in graph.get_all_asset_keys()
                            if k not in computed and graph.get(k).partitions_def is None}
    with dg.instance_for_test() as instance:
        automation = Automation(instance)
        automation.materialized(*unpartitioned_inputs)  # what lake_job publishes: wards, civil status, stops …
        # marts with an unpartitioned input (stops, deaths) follow at once; the ward profile waits for the
        # air-quality mart it joins
        assert automation.tick() == {TRANSIT_DAILY, DECEASED_OWNERS}
        automation.materialized(*computed)
        assert automation.tick() == set()
        automation.materialized(dg.AssetKey(["staging", "traffic_counts"]), partition="2025-07-01")
        assert automation.tick() == {WARD_PROFILE}
        assert automation.tick() == set()  # requested once, not on every tick


def test_a_mart_waits_for_the_reference_wards_it_joins():
    with dg.instance_for_test() as instance:
        automation = Automation(instance)
        automation.materialized(dg.AssetKey(["staging", "traffic_counts"]), partition="2025-07-01")
        automation.materialized(dg.AssetKey(["staging", "air_quality_observations"]), partition="2025-07-01")
        requested = automation.tick()
        assert WARD_PROFILE not in requested  # ref.wards_2025 and the civil-status tables do not exist yet
        assert HOURLY_INDEX in requested  # computed from the observations alone
