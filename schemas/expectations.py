"""Great Expectations suites of the published tables: the data-quality contract beyond the pandera models.

pandera checks each delivery's rows as they are staged; these suites check the *published* tables
whole (across deliveries) for what a row-by-row contract cannot see: keys unique across deliveries,
consistency between columns, plausible volumes, privacy rules of the marts. `warehouse/quality.py`
runs them and `assets/quality.py` reports them as the Dagster check `great_expectations`.

A suite validates one of two frames, both read with DuckDB from the manifest-named Parquet files:

- `query=None` (the marts, small): every row of the table, `SELECT * FROM layer.name`;
- `query=<SQL>` (staging tables, up to millions of rows): a *profile* aggregated in DuckDB over all
  rows (one row per month/day × ward, station, category …, plus table-wide counts such as duplicate
  keys), so every row is accounted for while GX only sees a few thousand rows. A row-level rule
  becomes a rule on the aggregate (every boarding count ≥ 1 ⇔ `min_boardings` ≥ 1 in every group).

Suites are functions of the GX expectations module (`gxe`) and its row-condition `Column` (`col`):
importing GX costs about 9 s, and this module is imported whenever Dagster loads the definitions.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from schemas.marts import ONLINE_TARGET, WARDS_2025

# Decision 1459/QĐ-TCMT: VN_AQI band, its English name and colour, and the index range it covers.
VN_AQI_BANDS = [("Tốt", "good", "0,228,0", 0, 50), ("Trung bình", "moderate", "255,255,0", 51, 100),
                ("Kém", "poor", "255,126,0", 101, 150), ("Xấu", "bad", "255,0,0", 151, 200),
                ("Rất xấu", "very bad", "143,63,151", 201, 300), ("Nguy hại", "hazardous", "126,0,35", 301, 500)]
CIVIL_COUNTS = ("births", "deaths", "marriages")
HANOI_BBOX = {"stop_lat": (20.5, 21.4), "stop_lon": (105.25, 106.05)}  # the city's extent, WGS84


@dataclass(frozen=True)
class Suite:
    layer: str
    name: str
    description: str
    expectations: Callable  # (gxe, col) -> list of GX expectation objects
    query: str | None = None  # DuckDB SQL of the profile; None: every row of the table
    id_columns: tuple[str, ...] = ()  # profile columns naming a failing group in the results

    @property
    def table(self) -> str:
        return f"{self.layer}.{self.name}"

    @property
    def strategy(self) -> str:
        return "profile" if self.query else "full"


SUITES: dict[tuple[str, str], Suite] = {}


def suite(layer: str, name: str, description: str, query: str | None = None, id_columns: tuple[str, ...] = ()):
    def register(build: Callable) -> Callable:
        SUITES[(layer, name)] = Suite(layer, name, description, build, query, id_columns)
        return build
    return register


def _zero(gxe, *columns: str) -> list:
    return [gxe.ExpectColumnValuesToBeBetween(column=c, min_value=0, max_value=0) for c in columns]


def _wards(gxe) -> list:
    return [gxe.ExpectTableRowCountToBeBetween(min_value=1),
            gxe.ExpectColumnValuesToBeInSet(column="ward_code", value_set=WARDS_2025)]


def _bands(gxe, col, *columns: str) -> list:
    return [gxe.ExpectColumnValuesToBeBetween(column=c, min_value=lo, max_value=hi,
                                              row_condition=col("category") == name)
            for name, _, _, lo, hi in VN_AQI_BANDS for c in columns] + [
        gxe.ExpectColumnPairValuesToBeInSet(column_A="category", column_B="category_en",
                                            value_pairs_set=[(n, en) for n, en, *_ in VN_AQI_BANDS]),
        gxe.ExpectColumnPairValuesToBeInSet(column_A="category", column_B="colour_rgb",
                                            value_pairs_set=[(n, rgb) for n, _, rgb, *_ in VN_AQI_BANDS])]


# ---- marts: every row -------------------------------------------------------------------------------

@suite("mart", "air_quality_daily", "Daily VN_AQI per station: bands, 18-hour rule, one row per station-day.")
def air_quality_daily(gxe, col):
    return [*_wards(gxe), *_bands(gxe, col, "vn_aqi"),
            gxe.ExpectCompoundColumnsToBeUnique(column_list=["station_id", "date"]),
            gxe.ExpectColumnValuesToBeBetween(column="vn_aqi", min_value=0, max_value=500),
            gxe.ExpectColumnValuesToBeNull(column="pm25_24h", row_condition=col("hours_observed") < 18),
            gxe.ExpectColumnValuesToBeNull(column="pm10_24h", row_condition=col("hours_observed") < 18),
            gxe.ExpectColumnValuesToBeNull(column="category", row_condition=col("vn_aqi").is_null()),
            gxe.ExpectColumnValuesToNotBeNull(column="category", row_condition=col("vn_aqi").is_not_null()),
            gxe.ExpectColumnPairValuesAToBeGreaterThanB(column_A="pm10_24h", column_B="pm25_24h", or_equal=True,
                                                        ignore_row_if="either_value_is_missing", mostly=0.95)]


@suite("mart", "transit_daily", "Boardings per day, route and stop: unique, plausible, stops known.")
def transit_daily(gxe, col):
    return [gxe.ExpectTableRowCountToBeBetween(min_value=1),
            gxe.ExpectCompoundColumnsToBeUnique(column_list=["service_date", "route_id", "stop_id"]),
            gxe.ExpectColumnValuesToBeBetween(column="boardings", min_value=1, max_value=100_000),
            gxe.ExpectColumnValuesToBeInSet(column="ward_code", value_set=WARDS_2025),
            gxe.ExpectColumnValuesToNotBeNull(column="ward_code", mostly=0.95)]  # boardings at known stops


@suite("mart", "ward_profile", "Every 2025 ward each month; small civil-status counts suppressed; AQI coherent.")
def ward_profile(gxe, col):
    return [*_wards(gxe),
            gxe.ExpectColumnDistinctValuesToEqualSet(column="ward_code", value_set=WARDS_2025),
            gxe.ExpectCompoundColumnsToBeUnique(column_list=["ward_code", "month"]),
            *[gxe.ExpectColumnValuesToNotBeInSet(column=c, value_set=[1, 2, 3, 4]) for c in CIVIL_COUNTS],
            *[gxe.ExpectColumnValuesToBeInSet(column="civil_status_suppressed", value_set=[True],
                                              row_condition=col(c).is_null()) for c in CIVIL_COUNTS],
            gxe.ExpectColumnValuesToBeBetween(column="permitted_floor_area_m2", min_value=0, max_value=0,
                                              row_condition=col("permits_issued") == 0),
            gxe.ExpectColumnValuesToBeBetween(column="permitted_floor_area_m2", min_value=1,
                                              row_condition=col("permits_issued") > 0),
            gxe.ExpectColumnPairValuesAToBeGreaterThanB(column_A="aqi_max", column_B="aqi_mean", or_equal=True,
                                                        ignore_row_if="either_value_is_missing"),
            gxe.ExpectColumnValuesToBeNull(column="aqi_mean", row_condition=col("aqi_max").is_null()),
            gxe.ExpectColumnValuesToBeBetween(column="days_aqi_above_100", min_value=0, max_value=0,
                                              row_condition=col("aqi_max") <= 100),
            gxe.ExpectColumnValuesToBeBetween(column="transit_boardings", min_value=0, max_value=50_000_000)]


@suite("mart", "online_public_services", "Shares within 0-1, consistent with each other and the 55% target.")
def online_public_services(gxe, col):
    return [*_wards(gxe),
            gxe.ExpectCompoundColumnsToBeUnique(column_list=["ward_code", "month"]),
            *[gxe.ExpectColumnValuesToBeBetween(column=c, min_value=0, max_value=1)
              for c in ("share_online", "share_level_3_4", "share_resolved_on_time")],
            gxe.ExpectColumnPairValuesAToBeGreaterThanB(column_A="share_level_3_4", column_B="share_online",
                                                        or_equal=True),  # online only at levels 3-4
            gxe.ExpectColumnValuesToBeInSet(column="city_target", value_set=[ONLINE_TARGET]),
            gxe.ExpectColumnValuesToBeInSet(column="below_target", value_set=[True],
                                            row_condition=col("share_online") < ONLINE_TARGET),
            gxe.ExpectColumnValuesToBeInSet(column="below_target", value_set=[False],
                                            row_condition=col("share_online") >= ONLINE_TARGET)]


@suite("mart", "deceased_business_owners",
       "Active businesses of deceased owners per ward and month of death: one row each, small counts suppressed.")
def deceased_business_owners(gxe, col):
    # no row-count floor: a month may well have no deceased owner of an active business
    return [gxe.ExpectColumnValuesToBeInSet(column="ward_code", value_set=WARDS_2025),
            gxe.ExpectCompoundColumnsToBeUnique(column_list=["ward_code", "month"]),
            gxe.ExpectColumnValuesToNotBeInSet(column="active_businesses", value_set=[1, 2, 3, 4]),
            gxe.ExpectColumnValuesToBeInSet(column="suppressed", value_set=[True],
                                            row_condition=col("active_businesses").is_null()),
            gxe.ExpectColumnValuesToBeInSet(column="suppressed", value_set=[False],
                                            row_condition=col("active_businesses").is_not_null())]


# ---- staging: profiles aggregated in DuckDB over every row --------------------------------------------

@suite("staging", "birth_registrations", "Per month and ward: plausible parents' ages, no child registered twice.",
       """SELECT registration_month AS month, ward_code, count(*) AS births,
            count(*) FILTER (WHERE year(registration_month) < child_birth_year) AS registered_before_birth,
            min(child_birth_year - mother_birth_year) AS min_mother_age,
            max(child_birth_year - mother_birth_year) AS max_mother_age,
            min(child_birth_year - father_birth_year) AS min_father_age,
            max(child_birth_year - father_birth_year) AS max_father_age,
            (SELECT count(*) - count(DISTINCT registration_key) FROM staging.birth_registrations) AS duplicate_keys,
            (SELECT count(*) - count(DISTINCT child_pseudonym) FROM staging.birth_registrations)
              AS children_registered_twice
          FROM staging.birth_registrations GROUP BY ALL""", ("month", "ward_code"))
def birth_registrations(gxe, col):
    return [*_wards(gxe), *_zero(gxe, "registered_before_birth", "duplicate_keys", "children_registered_twice"),
            gxe.ExpectColumnValuesToBeBetween(column="births", min_value=1, max_value=10_000),
            gxe.ExpectColumnValuesToBeBetween(column="min_mother_age", min_value=12),
            gxe.ExpectColumnValuesToBeBetween(column="max_mother_age", max_value=60),
            gxe.ExpectColumnValuesToBeBetween(column="min_father_age", min_value=14),
            gxe.ExpectColumnValuesToBeBetween(column="max_father_age", max_value=90)]


@suite("staging", "death_registrations", "Per month and ward: age at death agrees with birth year and death month.",
       """SELECT death_month, ward_code, count(*) AS deaths,
            count(*) FILTER (WHERE year(death_month) - deceased_birth_year - age_at_death NOT IN (0, 1))
              AS age_inconsistent,
            (SELECT count(*) - count(DISTINCT deceased_pseudonym) FROM staging.death_registrations) AS died_twice
          FROM staging.death_registrations GROUP BY ALL""", ("death_month", "ward_code"))
def death_registrations(gxe, col):
    return [*_wards(gxe), *_zero(gxe, "age_inconsistent", "died_twice"),
            gxe.ExpectColumnValuesToBeBetween(column="deaths", min_value=1, max_value=10_000)]


@suite("staging", "construction_permits", "Per month, ward, use and status: plausible floors and floor areas.",
       """SELECT date_trunc('month', issue_date)::DATE AS month, ward_code, use_type, status, count(*) AS permits,
            max(floors) AS max_floors, min(floor_area_m2 / floors) AS min_m2_per_floor,
            max(floor_area_m2 / floors) AS max_m2_per_floor,
            count(*) FILTER (WHERE NOT starts_with(parcel_id, source_ward_code || '-')) AS parcel_outside_ward,
            (SELECT count(*) - count(DISTINCT permit_number) FROM staging.construction_permits) AS duplicate_keys
          FROM staging.construction_permits GROUP BY ALL""", ("month", "ward_code", "use_type", "status"))
def construction_permits(gxe, col):
    return [*_wards(gxe), *_zero(gxe, "parcel_outside_ward", "duplicate_keys"),
            gxe.ExpectColumnValuesToBeBetween(column="max_floors", max_value=100),
            gxe.ExpectColumnValuesToBeBetween(column="min_m2_per_floor", min_value=10),
            gxe.ExpectColumnValuesToBeBetween(column="max_m2_per_floor", max_value=100_000)]


@suite("staging", "air_quality_observations", "Per station and day: one ward, hourly, complete, plausible values.",
       """SELECT date_observed::DATE AS day, station_id, ward_code, count(*) AS observations,
            count(*) - count(DISTINCT date_observed) AS duplicate_keys,
            count(*) FILTER (WHERE pm25 > pm10) AS hours_pm25_above_pm10,
            max(pm25) AS max_pm25, max(pm10) AS max_pm10, min(temperature) AS min_temperature,
            max(temperature) AS max_temperature
          FROM staging.air_quality_observations GROUP BY ALL""", ("day", "station_id"))
def air_quality_observations(gxe, col):
    return [*_wards(gxe), *_zero(gxe, "duplicate_keys"),
            gxe.ExpectCompoundColumnsToBeUnique(column_list=["day", "station_id"]),  # a station is in one ward
            gxe.ExpectColumnValuesToBeBetween(column="observations", min_value=18, max_value=24, mostly=0.9),
            gxe.ExpectColumnValuesToBeBetween(column="hours_pm25_above_pm10", max_value=6, mostly=0.95),
            gxe.ExpectColumnValuesToBeBetween(column="max_pm25", max_value=600),
            gxe.ExpectColumnValuesToBeBetween(column="max_pm10", max_value=1_000),
            gxe.ExpectColumnValuesToBeBetween(column="min_temperature", min_value=0),
            gxe.ExpectColumnValuesToBeBetween(column="max_temperature", max_value=45)]


@suite("staging", "air_quality_hourly_index", "Per band: the index within its band's range, colours and names.",
       """SELECT category, category_en, colour_rgb, count(*) AS hours, min(vn_aqi) AS min_vn_aqi,
            max(vn_aqi) AS max_vn_aqi,
            (SELECT count(*) - count(DISTINCT (station_id, date_observed)) FROM staging.air_quality_hourly_index)
              AS duplicate_keys
          FROM staging.air_quality_hourly_index GROUP BY ALL""", ("category",))
def air_quality_hourly_index(gxe, col):
    return [gxe.ExpectTableRowCountToBeBetween(min_value=1), *_zero(gxe, "duplicate_keys"),
            *_bands(gxe, col, "min_vn_aqi", "max_vn_aqi")]


@suite("staging", "business_registrations", "Per ward, type, status: tax codes match the type; individuals anonymous.",
       """SELECT ward_code, taxpayer_type, status, count(*) AS taxpayers, count(tax_code) AS with_tax_code,
            count(business_name) AS with_name, min(length(tax_code)) AS min_code_length,
            max(length(tax_code)) AS max_code_length,
            count(*) FILTER (WHERE NOT regexp_full_match(vsic_code, '[0-9]{4,5}')) AS malformed_vsic,
            count(*) FILTER (WHERE registration_date > current_date) AS registered_in_future,
            (SELECT count(*) - count(DISTINCT taxpayer_key) FROM staging.business_registrations) AS duplicate_keys,
            (SELECT count(tax_code) - count(DISTINCT tax_code) FROM staging.business_registrations)
              AS duplicate_tax_codes
          FROM staging.business_registrations GROUP BY ALL""", ("ward_code", "taxpayer_type", "status"))
def business_registrations(gxe, col):
    individual, typed = col("taxpayer_type") == "individual", col("taxpayer_type") != "individual"
    return [*_wards(gxe), *_zero(gxe, "malformed_vsic", "registered_in_future", "duplicate_keys",
                                 "duplicate_tax_codes"),
            *[gxe.ExpectColumnValuesToBeBetween(column=c, min_value=0, max_value=0, row_condition=individual)
              for c in ("with_tax_code", "with_name")],  # Decree 13: individuals only by pseudonym
            gxe.ExpectColumnPairValuesToBeEqual(column_A="with_tax_code", column_B="taxpayers", row_condition=typed),
            *[gxe.ExpectColumnValuesToBeBetween(column=c, min_value=n, max_value=n,
                                                row_condition=col("taxpayer_type") == t)
              for t, n in (("organisation", 10), ("branch", 13)) for c in ("min_code_length", "max_code_length")]]


@suite("staging", "tax_payments", "Per month and tax type: plausible amounts and periods; payers are registered.",
       """SELECT date_trunc('month', paid_on)::DATE AS month, tax_type, count(*) AS payments,
            sum(amount_vnd) AS amount_vnd, min(amount_vnd) AS min_amount_vnd, max(amount_vnd) AS max_amount_vnd,
            min(datediff('month', strptime(tax_period || '-01', '%Y-%m-%d'), paid_on)) AS min_months_after_period,
            max(datediff('month', strptime(tax_period || '-01', '%Y-%m-%d'), paid_on)) AS max_months_after_period,
            (SELECT count(*) - count(DISTINCT payment_id) FROM staging.tax_payments) AS duplicate_keys,
            (SELECT avg((taxpayer_key IN (SELECT taxpayer_key FROM staging.business_registrations))::INT)
               FROM staging.tax_payments) AS share_by_registered_taxpayers
          FROM staging.tax_payments GROUP BY ALL""", ("month", "tax_type"))
def tax_payments(gxe, col):
    return [gxe.ExpectTableRowCountToBeBetween(min_value=1), *_zero(gxe, "duplicate_keys"),
            gxe.ExpectColumnValuesToBeBetween(column="min_amount_vnd", min_value=1_000),
            gxe.ExpectColumnValuesToBeBetween(column="max_amount_vnd", max_value=50_000_000_000_000),
            gxe.ExpectColumnValuesToBeBetween(column="min_months_after_period", min_value=-12),
            gxe.ExpectColumnValuesToBeBetween(column="max_months_after_period", max_value=120),
            gxe.ExpectColumnValuesToBeBetween(column="share_by_registered_taxpayers", min_value=0.9, max_value=1)]


@suite("staging", "traffic_counts", "Per counter and day: one ward, hourly windows, plausible volumes and speeds.",
       """SELECT window_start::DATE AS day, counter_id, ward_code, count(*) AS counts, sum(intensity) AS vehicles,
            count(*) - count(DISTINCT (window_start, vehicle_type)) AS duplicate_keys, max(intensity) AS max_intensity,
            min(epoch(window_end - window_start)) / 60 AS min_window_minutes,
            max(epoch(window_end - window_start)) / 60 AS max_window_minutes, max(average_speed_kmh) AS max_speed_kmh
          FROM staging.traffic_counts GROUP BY ALL""", ("day", "counter_id"))
def traffic_counts(gxe, col):
    return [*_wards(gxe), *_zero(gxe, "duplicate_keys"),
            gxe.ExpectCompoundColumnsToBeUnique(column_list=["day", "counter_id"]),  # a counter is in one ward
            gxe.ExpectColumnValuesToBeBetween(column="min_window_minutes", min_value=1),
            gxe.ExpectColumnValuesToBeBetween(column="max_window_minutes", max_value=60),
            gxe.ExpectColumnValuesToBeBetween(column="max_intensity", max_value=20_000),
            gxe.ExpectColumnValuesToBeBetween(column="vehicles", min_value=1, max_value=500_000),
            gxe.ExpectColumnValuesToBeBetween(column="max_speed_kmh", max_value=120)]


@suite("staging", "transit_stops", "Stops lie within Hanoi.")
def transit_stops(gxe, col):
    return [*_wards(gxe), *[gxe.ExpectColumnValuesToBeBetween(column=c, min_value=lo, max_value=hi)
                            for c, (lo, hi) in HANOI_BBOX.items()]]


@suite("staging", "fare_card_taps", "Per service date: boardings ≥ 1, plausible volumes, keys unique overall.",
       """SELECT service_date, count(*) AS stop_hours, sum(boardings) AS boardings, min(boardings) AS min_boardings,
            max(boardings) AS max_boardings, count(DISTINCT stop_id) AS stops,
            count(*) - count(DISTINCT (hour, route_id, stop_id)) AS duplicate_keys
          FROM staging.fare_card_taps GROUP BY ALL""", ("service_date",))
def fare_card_taps(gxe, col):
    return [gxe.ExpectTableRowCountToBeBetween(min_value=1), *_zero(gxe, "duplicate_keys"),
            gxe.ExpectColumnValuesToBeBetween(column="min_boardings", min_value=1),
            gxe.ExpectColumnValuesToBeBetween(column="max_boardings", max_value=5_000),
            gxe.ExpectColumnValuesToBeBetween(column="boardings", min_value=1, max_value=10_000_000)]


@suite("staging", "procedure_records", "Per month, ward, channel and level: deadlines, resolution, channel coherent.",
       """SELECT date_trunc('month', submitted_at)::DATE AS month, ward_code, channel, online_service_level,
            count(*) AS records, count(*) FILTER (WHERE due_at <= submitted_at) AS due_before_submission,
            count(*) FILTER (WHERE resolved_at < submitted_at) AS resolved_before_submission,
            count(*) FILTER (WHERE resolved_on_time IS DISTINCT FROM (resolved_at <= due_at)) AS on_time_flag_wrong,
            max(datediff('day', submitted_at, due_at)) AS max_deadline_days,
            (SELECT count(*) - count(DISTINCT (record_id, source_delivery)) FROM staging.procedure_records)
              AS duplicate_keys,
            (SELECT count(*) FROM (SELECT record_id FROM staging.procedure_records GROUP BY ALL
               HAVING count(DISTINCT submitted_at) > 1)) AS dossiers_with_changing_submission
          FROM staging.procedure_records GROUP BY ALL""", ("month", "ward_code", "channel", "online_service_level"))
def procedure_records(gxe, col):
    return [*_wards(gxe), *_zero(gxe, "due_before_submission", "resolved_before_submission", "on_time_flag_wrong",
                                 "duplicate_keys", "dossiers_with_changing_submission"),
            gxe.ExpectColumnValuesToBeBetween(column="online_service_level", min_value=3, max_value=4,
                                              row_condition=col("channel") == "online"),
            gxe.ExpectColumnValuesToBeBetween(column="max_deadline_days", max_value=90)]
