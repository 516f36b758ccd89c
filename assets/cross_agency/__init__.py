"""Cross-agency marts on the 2025 ward geography: what the platform exists for."""

import dagster as dg

from assets.common.derived import COMPUTED_TABLE_RUNS, contract_check_spec, publish_derived
from pipelines.resources import LakeResource
from schemas import civil_status, marts, public_services, tax, transport, urban_planning
from schemas.marts import DeceasedBusinessOwners, OnlinePublicServices, WardProfile
from warehouse.marts import run_mart
from assets.common.dataset import PLATFORM_TEAM

PUBLISHER = "urbanlake, from the published data of Hanoi's agencies"
WARD_PROFILE = dg.AssetKey(["mart", "ward_profile"])
ONLINE_SERVICES = dg.AssetKey(["mart", "online_public_services"])
DECEASED_OWNERS = dg.AssetKey(["mart", "deceased_business_owners"])

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


@dg.asset(**COMPUTED_TABLE_RUNS, key=WARD_PROFILE, group_name="cross_agency", owners=[PLATFORM_TEAM], kinds={"parquet", "duckdb"},
          deps=[dg.AssetKey(q.split(".")) for q in _PROFILE_INPUTS] + [dg.AssetKey(["ref", "wards_2025"])],
          check_specs=[contract_check_spec(WARD_PROFILE, WardProfile)],
          description="Per ward and month: births, deaths, marriages, permits, VN_AQI, businesses, tax, transit, traffic.")
def ward_profile(lake: LakeResource) -> dg.MaterializeResult:
    frame = run_mart(lake.lake, "ward_profile", _PROFILE_INPUTS, {"small": marts.SMALL_COUNT})
    return publish_derived(lake.lake, "mart", "ward_profile", frame, WardProfile, about=dict(
        title="ward profile", theme="cross_agency", temporal_column="month", publisher=PUBLISHER,
        description="Per 2025 ward and month: civil status, permits, VN_AQI, businesses, tax, transit and traffic. "
                    "Old-ward records count in the crosswalk's default successor; counts of 1-4 suppressed."),
        apportioning=dg.MetadataValue.md(
        "Rows keyed by an old district + ward are counted in the 2025 ward the crosswalk marks `is_default` "
        "for that old ward; an old ward split across several new wards is not apportioned fractionally. "
        "Civil-status counts of 1-4 are suppressed. SQL: `warehouse/sql/ward_profile.sql`."))


@dg.asset(**COMPUTED_TABLE_RUNS, key=ONLINE_SERVICES, group_name="cross_agency", owners=[PLATFORM_TEAM], kinds={"parquet", "duckdb"},
          deps=[dg.AssetKey(["staging", "procedure_records"])],
          check_specs=[contract_check_spec(ONLINE_SERVICES, OnlinePublicServices)],
          description="Per ward and month: dossiers, share online, share at level 3-4, on time, vs the 55% target.")
def online_public_services(lake: LakeResource) -> dg.MaterializeResult:
    frame = run_mart(lake.lake, "online_public_services",
                     {"staging.procedure_records": public_services.SharedProcedureRecord},
                     {"target": marts.ONLINE_TARGET})
    return publish_derived(lake.lake, "mart", "online_public_services", frame, OnlinePublicServices, about=dict(
        title="online public services", theme="cross_agency", temporal_column="month", publisher=PUBLISHER,
        description="Per 2025 ward and month: dossiers received, share online, share at level 3-4, share "
                    "resolved on time, against the city's 55% target."))


_OWNER_INPUTS = {
    "staging.death_registrations": civil_status.SharedDeathRegistration,
    "staging.business_registrations": tax.SharedBusinessRegistration,
}


@dg.asset(**COMPUTED_TABLE_RUNS, key=DECEASED_OWNERS, group_name="cross_agency", owners=[PLATFORM_TEAM], kinds={"parquet", "duckdb"},
          deps=[dg.AssetKey(q.split(".")) for q in _OWNER_INPUTS],
          check_specs=[contract_check_spec(DECEASED_OWNERS, DeceasedBusinessOwners)],
          description="Per ward and month of death: active household businesses whose owner died (1-4 suppressed).")
def deceased_business_owners(lake: LakeResource) -> dg.MaterializeResult:
    frame = run_mart(lake.lake, "deceased_business_owners", _OWNER_INPUTS, {"small": marts.SMALL_COUNT})
    return publish_derived(lake.lake, "mart", "deceased_business_owners", frame, DeceasedBusinessOwners, about=dict(
        title="deceased business owners", theme="cross_agency", temporal_column="month", publisher=PUBLISHER,
        description="Active household businesses (taxpayers who are individuals) whose owner's death is registered, "
                    "per 2025 ward of the business and month of death; deaths and tax registrations joined on "
                    "keyed pseudonyms of the personal ID. Counts of 1-4 suppressed."))


CROSS_AGENCY_ASSETS = [ward_profile, online_public_services, deceased_business_owners]
