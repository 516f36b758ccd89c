"""Cross-agency marts on the 2025 ward geography: what the platform exists for."""

import dagster as dg

from assets.common.dataset import PLATFORM_TEAM
from assets.common.derived import COMPUTED_TABLE_RUNS, contract_check_spec, publish_derived
from pipelines.resources import LakeResource
from schemas import civil_status, marts, public_services, tax, transport, urban_planning
from schemas.marts import DeceasedBusinessOwners, OnlinePublicServices, WardProfile
from warehouse.marts import run_mart

PUBLISHER = "urbanlake, from the published data of Hanoi's agencies"

_PROFILE_INPUTS = {
    "staging.birth_registrations": civil_status.SharedBirthRegistration,
    "staging.death_registrations": civil_status.SharedDeathRegistration,
    "staging.marriage_registrations": civil_status.SharedMarriageRegistration,
    "staging.construction_permits": urban_planning.SharedConstructionPermit,
    "staging.business_registrations": tax.SharedBusinessRegistration,
    "staging.tax_payments": tax.SharedTaxPayment,
    "staging.traffic_counts": transport.SharedTrafficCount,
    "mart.air_quality_daily": marts.AirQualityDaily,
    "mart.transit_daily": marts.TransitDaily,
}


_PROCEDURE_INPUTS = {"staging.procedure_records": public_services.SharedProcedureRecord}
_OWNER_INPUTS = {
    "staging.death_registrations": civil_status.SharedDeathRegistration,
    "staging.business_registrations": tax.SharedBusinessRegistration,
}




def _mart(name: str, model, inputs: dict, params: dict, description: str, about: str, *,
          extra_deps: tuple[dg.AssetKey, ...] = (), **metadata) -> dg.AssetsDefinition:
    """A mart: the SQL `warehouse/sql/<name>.sql` over `inputs`, published with its contract check."""
    key = dg.AssetKey(["mart", name])

    @dg.asset(**COMPUTED_TABLE_RUNS, key=key, group_name="cross_agency", owners=[PLATFORM_TEAM],
              kinds={"parquet", "duckdb"}, deps=[dg.AssetKey(q.split(".")) for q in inputs] + list(extra_deps),
              check_specs=[contract_check_spec(key, model)], description=description)
    def mart(lake: LakeResource) -> dg.MaterializeResult:
        frame = run_mart(lake.lake, name, inputs, params)
        return publish_derived(lake.lake, "mart", name, frame, model, about=dict(
            title=name.replace("_", " "), theme="cross_agency", temporal_column="month", publisher=PUBLISHER,
            description=about), **metadata)
    return mart


ward_profile = _mart(
    "ward_profile", WardProfile, _PROFILE_INPUTS, {"small": marts.SMALL_COUNT},
    "Per ward and month: births, deaths, marriages, permits, VN_AQI, businesses, tax, transit, traffic.",
    "Per 2025 ward and month: civil status, permits, VN_AQI, businesses, tax, transit and traffic. "
    "Old-ward records count in the crosswalk's default successor; counts of 1-4 suppressed.",
    extra_deps=(dg.AssetKey(["ref", "wards_2025"]),),
    apportioning=dg.MetadataValue.md(
        "Rows keyed by an old district + ward are counted in the 2025 ward the crosswalk marks `is_default` "
        "for that old ward; an old ward split across several new wards is not apportioned fractionally. "
        "Civil-status counts of 1-4 are suppressed. SQL: `warehouse/sql/ward_profile.sql`."))

online_public_services = _mart(
    "online_public_services", OnlinePublicServices, _PROCEDURE_INPUTS, {"target": marts.ONLINE_TARGET},
    "Per ward and month: dossiers, share online, share at level 3-4, on time, vs the 55% target.",
    "Per 2025 ward and month: dossiers received, share online, share at level 3-4, share "
    "resolved on time, against the city's 55% target.")

deceased_business_owners = _mart(
    "deceased_business_owners", DeceasedBusinessOwners, _OWNER_INPUTS, {"small": marts.SMALL_COUNT},
    "Per ward and month of death: active household businesses whose owner died (1-4 suppressed).",
    "Active household businesses (taxpayers who are individuals) whose owner's death is registered, "
    "per 2025 ward of the business and month of death; deaths and tax registrations joined on "
    "keyed pseudonyms of the personal ID. Counts of 1-4 suppressed.")


CROSS_AGENCY_ASSETS = [ward_profile, online_public_services, deceased_business_owners]
