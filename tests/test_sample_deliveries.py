"""The sample generator that stands in for Hanoi's agencies: deterministic, laid out as agencies deliver,
keyed in the right administrative era, in the agencies' encodings, with about 1% defective rows."""

from __future__ import annotations

import datetime as dt
import json
import re
import unicodedata
from collections import defaultdict
from pathlib import Path

import polars as pl
import pytest
from stdnum.vn import mst

from sample_deliveries import civil_status, tax
from sample_deliveries.__main__ import main
from sample_deliveries.common import Run
from sample_deliveries.generate import generate, generate_with_report
from schemas import geography
from schemas.transport import CARD_ID, ROUTE_ID, STOP_ID

SEED, SCALE, START, DAYS = 20250701, 0.002, dt.date(2025, 6, 30), 3  # spans the 1 July 2025 reform
DATES = [START + dt.timedelta(days=i) for i in range(DAYS)]
LAYOUT = {  # dataset -> (agency, file name pattern, delivered every day)
    "birth_registrations": ("justice", r"births_{d}\.csv", True),
    "death_registrations": ("justice", r"deaths_{d}\.csv", True),
    "marriage_registrations": ("justice", r"marriages_{d}\.csv", True),
    "construction_permits": ("planning", r"permits_{d}\.csv", True),
    "land_parcels": ("planning", r"parcels_{d}\.csv", False),
    "air_quality_observations": ("environment", r"HN-AQ-\d{{3}}_{d}\.json", True),
    "business_registrations": ("tax", r"registrations_{d}\.csv", True),
    "tax_payments": ("tax", r"payments_{d}\.csv", True),
    "traffic_counts": ("transport", r"traffic_counts_{d}\.csv", True),
    "transit_stops": ("transport", r"stops_{d}\.csv", False),
    "fare_card_taps": ("transport", r"taps_{d}\.csv", True),
    "procedure_records": ("public_services", r"procedures_{d}\.csv", True),
}
OLD_PAIRS = geography.district_ward_pairs_before()
NEW_CODES = geography.ward_codes_2025()


@pytest.fixture(scope="module")
def sample(tmp_path_factory):
    landing = tmp_path_factory.mktemp("run1") / "landing"
    return landing, generate_with_report(landing, seed=SEED, scale=SCALE, start=START, days=DAYS)


def _defective_rows(report) -> dict[str, set[int]]:
    rows = defaultdict(set)
    for r in report.defects:
        rows[r["file"]].add(r["row"])
    return rows


def _read(path: Path, encoding: str = "utf-8") -> pl.DataFrame:
    text = unicodedata.normalize("NFC", path.read_bytes().decode(encoding))
    return pl.read_csv(text.encode("utf-8"), infer_schema=False)


def _files(landing: Path, dataset: str) -> list[Path]:
    return sorted(landing.glob(f"*/{dataset}/*/*"))


def test_same_seed_and_scale_give_byte_identical_files(sample, tmp_path):
    landing, report = sample
    again = generate(tmp_path / "landing", seed=SEED, scale=SCALE, start=START, days=DAYS)
    assert [p.relative_to(tmp_path / "landing") for p in again] == [p.relative_to(landing) for p in report.files]
    for a, b in zip(report.files, again):
        assert a.read_bytes() == b.read_bytes(), a


def test_a_different_seed_gives_different_files(sample, tmp_path):
    landing, report = sample
    other = generate(tmp_path / "landing", seed=SEED + 1, scale=SCALE, start=START, days=DAYS)
    same_name = {p.relative_to(tmp_path / "landing"): p for p in other}
    differing = [p for p in report.files if p.read_bytes() != same_name[p.relative_to(landing)].read_bytes()]
    assert len(differing) == len(report.files)


def test_generate_returns_the_sorted_files_it_wrote(sample):
    landing, report = sample
    assert report.files == sorted(report.files)
    assert set(report.files) == {p for p in landing.rglob("*") if p.is_file()}


def test_layout_is_agency_dataset_delivery_date_file_for_all_twelve_datasets(sample):
    landing, report = sample
    seen = defaultdict(set)
    for path in report.files:
        agency, dataset, day, name = path.relative_to(landing).parts
        assert LAYOUT[dataset][0] == agency
        assert re.fullmatch(LAYOUT[dataset][1].format(d=day), name), path
        seen[dataset].add(dt.date.fromisoformat(day))
    assert set(seen) == set(LAYOUT)
    for dataset, (_, _, daily) in LAYOUT.items():
        assert seen[dataset] == (set(DATES) if daily else {START}), dataset


def test_every_row_dataset_has_rows_at_a_tiny_scale(sample):
    _, report = sample
    assert set(report.rows) == set(LAYOUT)
    assert all(n >= 20 for n in report.rows.values()), report.rows


# (dataset, event column, how to read its date) for the ward-keyed CSV datasets
EVENTS = {
    "birth_registrations": ("registration_date", "%d/%m/%Y"),
    "death_registrations": ("registration_date", "%d/%m/%Y"),
    "construction_permits": ("issue_date", "%Y-%m-%d"),
    "business_registrations": ("registration_date", "%Y-%m-%d"),
    "traffic_counts": ("window_start", "%Y-%m-%dT%H:%M:%S"),
    "procedure_records": ("submitted_at", "%Y-%m-%dT%H:%M:%S"),
    "land_parcels": ("surveyed_on", "%Y-%m-%d"),
}


def _check_era(district: str | None, ward: str, event: dt.date) -> bool:
    if event < geography.REFORM_DATE:
        return f"{district}/{ward}" in OLD_PAIRS
    return district is None and ward in NEW_CODES


def test_rows_carry_old_district_ward_pairs_before_the_reform_and_2025_codes_after(sample):
    landing, report = sample
    defective = _defective_rows(report)
    eras = defaultdict(int)
    for dataset, (column, fmt) in EVENTS.items():
        for path in _files(landing, dataset):
            delivery = dt.date.fromisoformat(path.parent.name)
            df = _read(path).with_row_index("row", offset=1)
            if "district_code" not in df.columns:
                assert delivery >= geography.REFORM_DATE, path
                df = df.with_columns(pl.lit(None, pl.String).alias("district_code"))
            for row, district, ward, when in df.select("row", "district_code", "ward_code", column).iter_rows():
                if row in defective[str(path)]:
                    continue
                event = dt.datetime.strptime(when, fmt).date()
                assert _check_era(district, ward, event), (path, row, district, ward, when)
                eras[event < geography.REFORM_DATE] += 1
    assert eras[True] > 0 and eras[False] > 0


def test_new_era_files_omit_the_district_column_and_mixed_files_keep_it_empty(sample):
    landing, _ = sample
    before, reform_day, after = (_read(p) for p in _files(landing, "traffic_counts"))
    assert "district_code" in before.columns and "district_code" in reform_day.columns  # 30 June's windows
    assert "district_code" not in after.columns
    births_reform_day = _read(_files(landing, "birth_registrations")[1])
    assert births_reform_day["district_code"].null_count() > 0  # 1 July rows beside 30 June rows


def test_air_quality_objects_are_fiware_keyvalues_with_era_keys(sample):
    landing, report = sample
    defective = _defective_rows(report)
    for path in _files(landing, "air_quality_observations"):
        objects = json.loads(path.read_text(encoding="utf-8"))
        assert len(objects) == 24
        for row, obj in enumerate(objects, start=1):
            if row in defective[str(path)]:
                continue
            assert obj["type"] == "AirQualityObserved" and obj["id"].endswith(obj["dateObserved"])
            assert obj["refDevice"] == path.name.split("_")[0]
            when = dt.datetime.fromisoformat(obj["dateObserved"])
            assert when.date() == dt.date.fromisoformat(path.parent.name) - dt.timedelta(days=1)
            assert _check_era(obj.get("districtCode"), obj["wardCode"], when.date())
            assert obj["relativeHumidity"] is None or 0 <= obj["relativeHumidity"] <= 1
            assert obj["pm25"] is None or 0 <= obj["pm25"] <= 1000


def test_marriages_are_windows_1258_not_utf8_and_round_trip_vietnamese_names(sample):
    landing, report = sample
    defective = _defective_rows(report)
    run = Run(seed=SEED, scale=SCALE, start=START, days=DAYS)
    for path in _files(landing, "marriage_registrations"):
        data = path.read_bytes()
        with pytest.raises(UnicodeDecodeError):
            data.decode("utf-8")
        decoded = _read(path, "cp1258")
        expected = civil_status.marriages(run, dt.date.fromisoformat(path.parent.name)).frame
        clean = [i for i in range(decoded.height) if i + 1 not in defective[str(path)]]
        for column in ("husband_full_name", "wife_full_name"):
            assert decoded[column].gather(clean).to_list() == expected[column].gather(clean).to_list()
        assert any(ch in "".join(decoded["wife_full_name"].drop_nulls()) for ch in "ễịươầ")


def test_death_names_are_unicode_nfd(sample):
    landing, _ = sample
    for path in _files(landing, "death_registrations"):
        names = pl.read_csv(path, infer_schema=False)["deceased_full_name"].drop_nulls().to_list()
        assert all(unicodedata.is_normalized("NFD", n) for n in names)
        assert any(not unicodedata.is_normalized("NFC", n) for n in names)


def test_personal_ids_agree_with_sex_and_birth_year_on_clean_birth_rows(sample):
    landing, report = sample
    defective = _defective_rows(report)
    checked = 0
    for path in _files(landing, "birth_registrations"):
        for row, sex, dob, pid in _read(path).with_row_index("row", offset=1).select(
                "row", "child_sex", "child_date_of_birth", "child_personal_id").iter_rows():
            if row in defective[str(path)]:
                continue
            year = int(dob[-4:])
            assert len(pid) == 12 and pid[:3] == "001"
            assert int(pid[3]) == (year // 100 - 19) * 2 + (sex == "Nữ") and pid[4:6] == f"{year % 100:02d}"
            checked += 1
    assert checked > 50


def test_payments_reference_valid_tax_codes_of_the_register(sample):
    landing, report = sample
    defective = _defective_rows(report)
    delivered = set(_read(_files(landing, "business_registrations")[0])["tax_code"].drop_nulls())
    codes = set(tax.register(Run(seed=SEED, scale=SCALE, start=START, days=DAYS))["tax_code"])
    assert len(codes & delivered) >= 0.97 * len(codes)  # the first-day snapshot, ~1% of rows corrupted
    for path in _files(landing, "tax_payments"):
        df = _read(path).with_row_index("row", offset=1)
        clean = df.filter(~pl.col("row").is_in(sorted(defective[str(path)])))
        assert set(clean["tax_code"]) <= codes
        assert all(mst.is_valid(c) for c in clean["tax_code"] if len(c) != 12)


def test_procedure_records_are_online_only_at_level_3_and_flag_on_time_consistently(sample):
    landing, report = sample
    defective = _defective_rows(report)
    for path in _files(landing, "procedure_records"):
        df = _read(path).with_row_index("row", offset=1).filter(~pl.col("row").is_in(sorted(defective[str(path)])))
        assert df.filter((pl.col("channel") == "online") & (pl.col("online_service_level").cast(pl.Int32) < 3)).is_empty()
        for resolved, due, on_time in df.select("resolved_at", "due_at", "resolved_on_time").iter_rows():
            assert (resolved is None) == (on_time is None)
            if resolved is not None:
                assert on_time == ("true" if resolved <= due else "false")


TAP_OK = (pl.col("card_id").str.contains(CARD_ID) & pl.col("route_id").str.contains(ROUTE_ID)
          & pl.col("stop_id").str.contains(STOP_ID))


def test_about_one_percent_of_rows_are_defective(sample):
    landing, report = sample
    rows = bad = 0
    for path in _files(landing, "fare_card_taps"):
        delivery = dt.date.fromisoformat(path.parent.name)
        df = _read(path)
        tapped = df["tapped_at"].str.strptime(pl.Datetime, "%Y-%m-%dT%H:%M:%S", strict=False)
        ok = df.select(TAP_OK.fill_null(False)).to_series() & tapped.is_not_null() & (tapped.dt.date() <= delivery) \
            & df.select(pl.struct("card_id", "tapped_at").is_first_distinct()).to_series()
        rows += df.height
        bad += int((~ok).sum())
        assert int((~ok).sum()) == sum(1 for r in report.defects if r["file"] == str(path))
    assert rows > 5000 and 0.003 <= bad / rows <= 0.03


def test_every_delivery_has_defects_and_each_defective_row_one_defect(sample):
    _, report = sample
    keys = [(r["file"], r["row"]) for r in report.defects]
    assert len(keys) == len(set(keys))
    per_delivery = {(r["dataset"], r["delivery"]) for r in report.defects}
    assert len(per_delivery) == sum(len(DATES) if daily else 1 for _, _, daily in LAYOUT.values())


def test_cli_writes_the_sample_and_prints_a_one_line_summary(tmp_path, capsys):
    assert main(["--landing", str(tmp_path), "--seed", "7", "--scale", "0.001", "--start", "2025-07-05",
                 "--days", "1"]) == 0
    out = capsys.readouterr().out.strip()
    assert "\n" not in out and out.startswith("wrote ")
    assert (tmp_path / "transport" / "transit_stops" / "2025-07-05" / "stops_2025-07-05.csv").exists()
