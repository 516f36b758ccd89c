"""Each contract accepts clean rows and quarantines each kind of defect, through the path the lake ships.

Rows go through `normalise_text` and `validate` exactly as a delivery does (text in, typed and
checked on a collected polars frame), with the dataset's own rename, clean-up and event date.
"""

import datetime as dt

import polars as pl
import pytest

from assets.civil_status import BIRTHS, DEATHS, MARRIAGES
from assets.common.staging import to_2025_wards
from assets.common.file_structure import delivered_header
from assets.common.validation import normalise_text, validate
from assets.environment.air_quality import AIR_QUALITY_OBSERVATIONS
from assets.public_services import PROCEDURE_RECORDS
from assets.tax import BUSINESS_REGISTRATIONS, TAX_PAYMENTS
from assets.transport import FARE_CARD_TAPS, TRAFFIC_COUNTS, TRANSIT_STOPS
from assets.urban_planning import CONSTRUCTION_PERMITS, LAND_PARCELS
from tests import rows

DELIVERED = dt.date(2025, 7, 5)
CLEAN = [
    (BIRTHS, rows.BIRTH), (DEATHS, rows.DEATH), (MARRIAGES, rows.MARRIAGE), (CONSTRUCTION_PERMITS, rows.PERMIT),
    (LAND_PARCELS, rows.PARCEL), (AIR_QUALITY_OBSERVATIONS, rows.AIR), (BUSINESS_REGISTRATIONS, rows.BUSINESS),
    (TAX_PAYMENTS, rows.PAYMENT), (TRAFFIC_COUNTS, rows.TRAFFIC), (TRANSIT_STOPS, rows.STOP),
    (FARE_CARD_TAPS, rows.TAP), (PROCEDURE_RECORDS, rows.PROCEDURE),
]


def run_contract(spec, records: list[dict], delivered: dt.date = DELIVERED):
    text = normalise_text(pl.DataFrame(records, schema={k: pl.String for k in records[0]})
                          .with_row_index("_row_number", offset=1), spec.rename)
    if spec.prepare:
        text = spec.prepare(text)
    return validate(text, spec.model, delivery_id="d/f.csv", source_file="a/d/f.csv", delivery_date=delivered,
                    event_date=spec.event_date, personal=spec.personal)


@pytest.mark.parametrize(("spec", "row"), CLEAN, ids=[s.name for s, _ in CLEAN])
def test_clean_row_is_accepted(spec, row):
    outcome = run_contract(spec, [row])
    assert outcome.quarantine.height == 0, outcome.quarantine.to_dicts()
    assert outcome.valid.height == 1


DEFECTS = [
    # (spec, clean row, changes, rule expected, column expected or None for a row-level rule)
    (BIRTHS, rows.BIRTH, {"child_personal_id": "01225000001"}, "str_matches('^[0-9]{12}$')", "child_personal_id"),
    (BIRTHS, rows.BIRTH, {"child_personal_id": "1.225E+09"}, "scientific_notation", "child_personal_id"),
    (BIRTHS, rows.BIRTH, {"child_personal_id": "1225000001"}, "leading_zeros_lost", "child_personal_id"),
    (BIRTHS, rows.BIRTH, {"child_personal_id": "099225000001"}, "personal_id_province", "child_personal_id"),
    (BIRTHS, rows.BIRTH, {"child_sex": "Nữ"}, "child_id_agrees", None),
    (BIRTHS, rows.BIRTH, {"child_date_of_birth": "01/05/2024"}, "child_id_agrees", None),
    (BIRTHS, rows.BIRTH, {"mother_personal_id": "001095000002"}, "parent_ids_agree", None),
    (BIRTHS, rows.BIRTH, {"child_full_name": ""}, "not_nullable", "child_full_name"),
    (BIRTHS, rows.BIRTH, {"ward_code": "99999"}, "ward_known_in_era", None),
    (BIRTHS, rows.BIRTH, {"district_code": "", "ward_code": "00004"}, "ward_known_in_era", None),
    (BIRTHS, rows.BIRTH, {"district_code": "002"}, "ward_known_in_era", None),
    (BIRTHS, rows.BIRTH, {"registration_date": "09/07/2025"}, "date_in_future", None),
    (BIRTHS, rows.BIRTH, {"registration_date": "30/04/2025"}, "registered_after_birth", None),
    (BIRTHS, rows.BIRTH, {"mother_birth_year": "abc"}, "type", "mother_birth_year"),
    (BIRTHS, rows.BIRTH, {"registration_date": "2025-13-45"}, "type", "registration_date"),
    (DEATHS, rows.DEATH, {"date_of_death": "1980-01-01"}, "death_before_birth", None),
    (DEATHS, rows.DEATH, {"deceased_sex": "Nữ"}, "deceased_id_agrees", None),
    (DEATHS, rows.DEATH, {"registration_date": "2025-06-30"}, "registered_before_death", None),
    (MARRIAGES, rows.MARRIAGE, {"wife_date_of_birth": "2008-01-01", "wife_personal_id": "001308000002"},
     "below_marriage_age", None),
    (MARRIAGES, rows.MARRIAGE, {"husband_personal_id": "001195000002"}, "spouse_ids_agree", None),
    (CONSTRUCTION_PERMITS, rows.PERMIT, {"floors": "0"}, "in_range(1, 100)", "floors"),
    (CONSTRUCTION_PERMITS, rows.PERMIT, {"floor_area_m2": "-3"}, "greater_than(0)", "floor_area_m2"),
    (CONSTRUCTION_PERMITS, rows.PERMIT, {"use_type": "castle"},
     "isin(['residential', 'commercial', 'mixed_use', 'public', 'industrial'])", "use_type"),
    (CONSTRUCTION_PERMITS, rows.PERMIT, {"ward_code": "00001"}, "ward_known_in_era", None),
    (LAND_PARCELS, rows.PARCEL, {"zoning_class": "X"}, "isin(['R', 'C', 'M', 'P', 'G', 'I', 'A', 'T'])",
     "zoning_class"),
    (AIR_QUALITY_OBSERVATIONS, rows.AIR, {"pm25": "-4"}, "in_range(0, 1000)", "pm25"),
    (AIR_QUALITY_OBSERVATIONS, rows.AIR, {"relativeHumidity": "74"}, "in_range(0, 1)", "relative_humidity"),
    (AIR_QUALITY_OBSERVATIONS, rows.AIR, {"dateObserved": "2025-07-02T10:30:00+07:00"}, "not_on_the_hour", None),
    (AIR_QUALITY_OBSERVATIONS, rows.AIR, {"dateObserved": "2025-07-09T10:00:00+07:00"}, "date_in_future", None),
    (BUSINESS_REGISTRATIONS, rows.BUSINESS, {"tax_code": "0100109107"}, "tax_code_check_digit", "tax_code"),
    (BUSINESS_REGISTRATIONS, rows.BUSINESS, {"tax_code": "0100109106-000"}, "tax_code_check_digit", "tax_code"),
    (BUSINESS_REGISTRATIONS, rows.BUSINESS, {"tax_code": "010010910"}, "str_matches('^([0-9]{10}|[0-9]{12}|[0-9]{13})$')",
     "tax_code"),
    (TAX_PAYMENTS, rows.PAYMENT, {"period": "2025-13"}, "str_matches('^[0-9]{4}-(0[1-9]|1[0-2])$')",
     "period"),
    (TAX_PAYMENTS, rows.PAYMENT, {"amount_vnd": "0"}, "greater_than(0)", "amount_vnd"),
    (TAX_PAYMENTS, rows.PAYMENT, {"amount_vnd": "1.5e6"}, "type", "amount_vnd"),
    # a year of two digits: polars' %Y reads it as the year 25
    (TAX_PAYMENTS, rows.PAYMENT, {"paid_on": "2/7/25"}, "type", "paid_on"),
    (LAND_PARCELS, rows.PARCEL, {"surveyed_on": "24-11-20"}, "type", "surveyed_on"),
    (TRAFFIC_COUNTS, rows.TRAFFIC, {"window_end": "2025-07-02T06:00:00"}, "window_order", None),
    (TRAFFIC_COUNTS, rows.TRAFFIC, {"intensity": "-5"}, "in_range(0, 30000)", "intensity"),
    (TRANSIT_STOPS, rows.STOP, {"stop_lat": "48.85"}, "in_range(20.5, 21.5)", "stop_lat"),
    (FARE_CARD_TAPS, rows.TAP, {"card_id": "12345"}, "str_matches('^[0-9]{10}$')", "card_id"),
    # Unicode digits: polars' \d would accept them, so the same card would get another pseudonym
    (FARE_CARD_TAPS, rows.TAP, {"card_id": "\u0661\u0662\u0663\u0664\u0665\u0666\u0667\u0668\u0669\u0660"},
     "str_matches('^[0-9]{10}$')", "card_id"),
    (FARE_CARD_TAPS, rows.TAP, {"stop_id": "HN-S\uff10\uff10\uff10\uff11"}, "str_matches('^HN-S[0-9]{4}$')", "stop_id"),
    (PROCEDURE_RECORDS, rows.PROCEDURE, {"online_service_level": "2"}, "online_needs_level_3", None),
    (PROCEDURE_RECORDS, rows.PROCEDURE, {"resolved_at": "2025-07-01T10:00:00"}, "resolved_before_submitted", None),
    (PROCEDURE_RECORDS, rows.PROCEDURE, {"resolved_on_time": "false"}, "on_time_flag_inconsistent", None),
]


@pytest.mark.parametrize(("spec", "row", "changes", "rule", "column"), DEFECTS,
                         ids=[f"{d[0].name}:{next(iter(d[2]))}={next(iter(d[2].values()))}" for d in DEFECTS])
def test_defect_is_quarantined_with_its_rule(spec, row, changes, rule, column):
    outcome = run_contract(spec, [row, {**row, **changes}])
    assert outcome.valid["_row_number"].to_list() == [1], outcome.quarantine.to_dicts()
    failed = outcome.quarantine.filter(pl.col("row_number") == 2)
    assert failed.height >= 1
    match = failed.filter((pl.col("column") == column) if column else pl.col("column").is_null())
    match = match.filter(pl.col("rule") == rule)
    assert match.height == 1, failed.to_dicts()
    assert match["reason"].item()
    assert outcome.rows_in == outcome.valid.height + outcome.quarantine["row_number"].n_unique()


def test_duplicate_key_keeps_the_first_row_and_names_it():
    outcome = run_contract(CONSTRUCTION_PERMITS, [rows.PERMIT, rows.PERMIT, {**rows.PERMIT, "permit_number": "7/GPXD"}])
    assert outcome.valid["_row_number"].to_list() == [1, 3]
    dup = outcome.quarantine.row(0, named=True)
    assert (dup["row_number"], dup["rule"]) == (2, "field_uniqueness")
    assert "row 1" in dup["reason"]


def test_in_a_large_batch_each_repeat_cites_the_first_row_of_its_key():
    # 200 000 rows, so polars works in parallel: the first row of a key must still be the earliest one
    n = 200_000
    frame = pl.DataFrame({"_row_number": [str(i) for i in range(1, n + 1)],
                          "card_id": [f"{i % (n - 50):010d}" for i in range(n)],  # the last 50 repeat the first 50
                          "route_id": ["32"] * n, "stop_id": ["HN-S0001"] * n,
                          "tapped_at": [f"2025-07-01T{(i % 86400) // 3600:02d}:{(i % 3600) // 60:02d}:{i % 60:02d}"
                                        for i in range(n)]})
    frame = frame.with_columns(pl.when(pl.int_range(pl.len()) >= n - 50)
                               .then(pl.col("tapped_at").gather(pl.int_range(pl.len()) - (n - 50)))
                               .otherwise(pl.col("tapped_at")).alias("tapped_at"))
    outcome = validate(normalise_text(frame, {}), FARE_CARD_TAPS.model, delivery_id="d", source_file="f",
                       delivery_date=dt.date(2025, 7, 2), event_date="tapped_at")
    dups = outcome.quarantine.filter(pl.col("rule") == "multiple_fields_uniqueness").sort("row_number")
    assert dups["row_number"].to_list() == list(range(n - 49, n + 1))
    assert dups["reason"].to_list() == [f"duplicate key: same card_id, tapped_at as row {r - (n - 50)} of this delivery"
                                        for r in range(n - 49, n + 1)]


def test_composite_key_duplicates_are_quarantined():
    later = {**rows.TRAFFIC, "vehicle_type": "car"}
    outcome = run_contract(TRAFFIC_COUNTS, [rows.TRAFFIC, later, rows.TRAFFIC])
    assert outcome.valid["_row_number"].to_list() == [1, 2]
    assert outcome.quarantine["rule"].to_list() == ["multiple_fields_uniqueness"]


def test_missing_required_column_quarantines_every_row_once():
    row = {k: v for k, v in rows.PERMIT.items() if k != "parcel_id"}
    outcome = run_contract(CONSTRUCTION_PERMITS, [row, {**row, "permit_number": "9/GPXD"}])
    assert outcome.valid.height == 0
    assert outcome.quarantine.select("row_number", "column", "rule").rows() == [
        (1, None, "file_structure"), (2, None, "file_structure")]
    assert "no column parcel_id" in outcome.quarantine["reason"][0]


def test_personal_values_are_redacted_in_quarantine():
    outcome = run_contract(BIRTHS, [{**rows.BIRTH, "child_personal_id": "01225000001"}])
    values = " ".join(v for v in outcome.quarantine["offending_value"].to_list() if v)
    assert "01225000001" not in values
    assert "<personal data: 11 characters>" in values


def test_nfd_text_is_stored_in_nfc():
    nfd = "Nguye\u0302\u0303n Va\u0306n An"
    outcome = run_contract(BIRTHS, [{**rows.BIRTH, "child_full_name": nfd}])
    assert outcome.valid["child_full_name"].item() == "Nguyễn Văn An"


@pytest.mark.parametrize(("others", "ambiguous"), [
    (["12,5"], True),       # a decimal comma: the file's locale is Vietnamese, its dot separates thousands
    (["1.234,75"], True),   # dotted thousands before a decimal comma
    (["1,234"], False),     # 1,234 could be English thousands: no sign of a decimal comma
    (["420.5"], False),     # a decimal point elsewhere
])
def test_a_dotted_thousand_is_ambiguous_only_in_a_column_written_with_decimal_commas(others, ambiguous):
    records = [{**rows.PERMIT, "floor_area_m2": "1.250"}] + [{**rows.PERMIT, "floor_area_m2": v} for v in others]
    outcome = run_contract(CONSTRUCTION_PERMITS, records)
    first = outcome.quarantine.filter(pl.col("row_number") == 1)
    if ambiguous:
        assert first.select("rule", "column").rows() == [("ambiguous_number", "floor_area_m2")]
        assert first["reason"].item().startswith(
            f"floor_area_m2: 1.250 is ambiguous: this file writes decimals with a comma ({others[0]}), "
            "so its dot may separate thousands (1250)")
    else:
        assert first.height == 0 and outcome.valid.filter(pl.col("_row_number") == 1)["floor_area_m2"].item() == 1.25


def test_a_row_repeating_the_header_is_one_quarantine_row_and_a_row_naming_only_some_columns_is_data():
    header = [" Permit_Number", *[c for c in rows.PERMIT if c != "permit_number"]]  # as one exporter spelled it
    repeat = [h.strip() for h in header]
    almost = [*repeat[:-1], "issued"]  # every value but one is its column's name: a (bad) record, not a header
    # a second quoted UTF-8 export joined by cat: polars keeps the quotes that follow its byte-order mark
    joined = [f'\ufeff"{repeat[0]}"', *repeat[1:]]
    raw = pl.DataFrame([list(rows.PERMIT.values()), repeat, almost, joined], schema=header, orient="row")
    raw = raw.with_row_index("_row_number", offset=1)
    outcome = validate(normalise_text(raw, CONSTRUCTION_PERMITS.rename), CONSTRUCTION_PERMITS.model,
                       delivery_id="d/f.csv", source_file="a/d/f.csv", delivery_date=DELIVERED, event_date=None,
                       header=delivered_header(raw.columns, CONSTRUCTION_PERMITS.rename))
    headers = outcome.quarantine.filter(pl.col("rule") == "repeated_header")
    assert headers["row_number"].to_list() == [2, 4]
    assert outcome.quarantine.filter(pl.col("row_number").is_in([2, 4])).height == 2  # no other rule judged them
    assert outcome.quarantine.filter(pl.col("row_number") == 3)["rule"].n_unique() > 1
    assert outcome.valid["_row_number"].to_list() == [1]


def test_a_dotted_value_that_cannot_be_thousands_is_read_as_a_decimal_beside_decimal_commas():
    permits = run_contract(CONSTRUCTION_PERMITS, [{**rows.PERMIT, "floor_area_m2": "0.375"},
                                                  {**rows.PERMIT, "floor_area_m2": "12,5"}])
    assert permits.valid["floor_area_m2"].to_list() == [0.375]  # no locale writes a thousand as 0.375
    stops = run_contract(TRANSIT_STOPS, [{**rows.STOP, "stop_lat": "21.028"}, {**rows.STOP, "stop_lat": "21,0285"}])
    assert stops.valid["stop_lat"].to_list() == [21.028]  # 21028 is no latitude the contract allows


@pytest.mark.parametrize("word", ["NULL", "N/A", "#N/A"])
def test_a_word_for_nothing_quarantines_a_required_name_but_not_an_optional_one(word):
    required = run_contract(BUSINESS_REGISTRATIONS, [{**rows.BUSINESS, "business_name": word}])
    assert required.quarantine["rule"].to_list() == ["spreadsheet_error" if word.startswith("#") else "missing_as_text"]
    fatherless = {**rows.BIRTH, "father_full_name": word, "father_personal_id": "", "father_birth_year": ""}
    assert run_contract(BIRTHS, [fatherless]).valid.height == 1  # a birth without a known father is a birth


def test_every_timestamp_form_the_type_reason_names_is_read_as_hanoi_time():
    forms = ["2025-07-02T07:15:03", "2025-07-02 07:15:03", "2025-07-02T07:15:03.000", "2025-07-02 07:15:03.000",
             "2025-07-02T00:15:03Z", "2025-07-02T07:15:03+07:00", "2025-07-02 07:15:03+07:00",
             "2025-07-02 00:15:03.000+00:00"]
    records = [{**rows.TAP, "card_id": f"{1234567890 + i}", "tapped_at": t} for i, t in enumerate(forms)]
    outcome = run_contract(FARE_CARD_TAPS, records)
    assert outcome.quarantine.is_empty()
    assert set(outcome.valid["tapped_at"]) == {dt.datetime(2025, 7, 2, 7, 15, 3)}
    minutes = run_contract(FARE_CARD_TAPS, [{**rows.TAP, "tapped_at": "2025-07-02 07:15"}]).valid["tapped_at"]
    assert minutes.to_list() == [dt.datetime(2025, 7, 2, 7, 15)]
    wrong = run_contract(FARE_CARD_TAPS, [{**rows.TAP, "tapped_at": "02/07/2025 07:15"}]).quarantine
    assert wrong["rule"].to_list() == ["type"] and "yyyy-mm-ddThh:mm:ss" in wrong["reason"].item()


def test_branch_tax_code_with_hyphen_is_accepted_as_13_digits():
    outcome = run_contract(BUSINESS_REGISTRATIONS, [{**rows.BUSINESS, "tax_code": "0100109106-001"}])
    assert outcome.valid["tax_code"].item() == "0100109106001"


def test_old_era_rows_map_to_their_2025_ward():
    outcome = run_contract(BIRTHS, [rows.BIRTH])
    shared = to_2025_wards(outcome.valid)
    # Phúc Xá (Ba Đình district, 00001) became part of Phường Hồng Hà (00097) on 1 July 2025.
    assert shared.select("source_district_code", "source_ward_code", "ward_code").row(0) == ("001", "00001", "00097")


def test_age_at_death_counts_completed_years():
    from assets.civil_status import publish_deaths
    from assets.common.pseudonyms import Pseudonymiser
    cases = [("2025-01-22", "2025-07-03", "001225000001", 0),   # died the year it was born
             ("1988-07-04", "2025-07-03", "001088000033", 36),  # the day before its 37th birthday
             ("1988-07-03", "2025-07-03", "001088000033", 37)]  # on the birthday
    for born, died, pid, age in cases:
        row = {**rows.DEATH, "deceased_date_of_birth": born, "date_of_death": died,
               "registration_date": "2025-07-04", "deceased_personal_id": pid}
        valid = run_contract(DEATHS, [row]).valid
        shared = publish_deaths(to_2025_wards(valid), Pseudonymiser("k" * 16))
        assert shared["age_at_death"].item() == age, (born, died)


def test_every_contract_spells_a_digit_as_ascii():
    """polars' \\d matches any Unicode digit (Arabic-Indic, fullwidth): a code in such digits would pass and be
    pseudonymised apart from the same code in ASCII digits. `coercion.code_lengths` also reads `[0-9]{n}` only."""
    from assets.registry import DATASETS
    patterns = [check.statistics["pattern"] for spec in DATASETS for model in (spec.model, spec.shared_model)
                for column in model.to_schema().columns.values() for check in column.checks
                if check.name == "str_matches"]
    assert len(patterns) > 10
    assert [p for p in patterns if "\\d" in p] == []


def test_a_control_character_is_shown_by_its_picture_in_quarantine():
    outcome = run_contract(TRANSIT_STOPS, [{**rows.STOP, "stop_name": "Bờ\x00Hồ\x1b\x7f"}])
    assert outcome.quarantine.select("rule", "offending_value").rows() == [("control_character", "Bờ␀Hồ␛␡")]


def test_an_invisible_character_is_trimmed_at_the_ends_and_quarantined_by_its_code_point_inside():
    outcome = run_contract(TRANSIT_STOPS, [
        {**rows.STOP, "stop_id": "\ufeff" + rows.STOP["stop_id"], "stop_name": "\u200bBờ Hồ\u2060 "},
        {**rows.STOP, "stop_id": "HN-S0002", "stop_name": "Bờ\u200bHồ"},
        {**rows.STOP, "stop_id": "HN-S\u200d0003"}])
    assert outcome.valid.select("stop_id", "stop_name").rows() == [(rows.STOP["stop_id"], "Bờ Hồ")]
    assert sorted(outcome.quarantine.select("rule", "column", "offending_value").rows()) == [
        ("invisible_character", "stop_id", "HN-S<U+200D>0003"), ("invisible_character", "stop_name", "Bờ<U+200B>Hồ")]


def test_a_header_name_is_trimmed_of_invisible_characters_like_a_value():
    stop = {("\u200bstop_name\ufeff" if k == "stop_name" else k): v for k, v in rows.STOP.items()}
    outcome = run_contract(TRANSIT_STOPS, [stop])
    assert outcome.quarantine.height == 0, outcome.quarantine.to_dicts()
    assert outcome.valid["stop_name"].to_list() == [rows.STOP["stop_name"]]


def test_a_value_with_a_control_and_an_invisible_character_is_one_quarantine_row_naming_the_control():
    outcome = run_contract(TRANSIT_STOPS, [{**rows.STOP, "stop_name": "Bờ\u200cHồ\x00"}])
    assert outcome.quarantine.select("rule", "offending_value").rows() == [("control_character", "Bờ<U+200C>Hồ␀")]


def test_every_format_character_of_the_basic_plane_is_invisible_to_the_lake():
    import unicodedata

    from assets.common.characters import INVISIBLE
    assert set(INVISIBLE) == {chr(c) for c in range(0x10000) if unicodedata.category(chr(c)) == "Cf"}


def test_an_unknown_column_is_named_with_its_invisible_characters_shown():
    from assets.common.file_structure import unknown_columns
    assert unknown_columns(["stop_id", "note\u200bs"], TRANSIT_STOPS.model.to_schema()) == ["note<U+200B>s"]


@pytest.mark.parametrize(("garbled", "letter"), [("TrÃ\u00ad", "Trí"), ("Sá»\u00ad", "Sử")])
def test_a_soft_hyphen_ending_a_garbled_letter_is_kept_as_evidence_of_mojibake(garbled, letter):
    """Byte 0xAD of a UTF-8 letter read as Windows-1252 is a soft hyphen: trimmed as an invisible character, it
    would leave a clean-looking value and the mojibake would be published."""
    assert garbled.encode("cp1252").decode("utf-8") == letter
    outcome = run_contract(TRANSIT_STOPS, [{**rows.STOP, "stop_name": garbled},
                                           {**rows.STOP, "stop_id": "HN-S0002", "stop_name": "Bờ\u00adHồ"}])
    assert outcome.valid.height == 0
    assert outcome.quarantine.select("rule", "offending_value").rows() == [
        ("mojibake", garbled.replace("\u00ad", "<U+00AD>")), ("invisible_character", "Bờ<U+00AD>Hồ")]
    # in a code, where no mojibake rule runs, the garbled letter fails the pattern: it is not called invisible
    code = run_contract(TRANSIT_STOPS, [{**rows.STOP, "stop_id": f"HN-S{garbled}"}])
    assert code.quarantine["rule"].to_list() == ["str_matches('^HN-S[0-9]{4}$')"]
