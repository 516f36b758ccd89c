"""Justice department: births, deaths and marriages registered by the wards (dates as dd/mm/yyyy)."""

from __future__ import annotations

import datetime as dt

import numpy as np
import polars as pl

from sample_deliveries import defects as d
from sample_deliveries import geo, names, tax
from sample_deliveries.common import (OFFICE_WEEK, VN_DATE, Run, Table, date_series, day_spread, old_era,
                                      to_strings, weighted_choice)
from sample_deliveries.identifiers import personal_ids, provinces, with_year

BIRTH_PLACES = {"Bệnh viện Phụ sản Hà Nội": 30, "Bệnh viện Phụ sản Trung ương": 20, "Bệnh viện Bạch Mai": 5,
                "Bệnh viện Đa khoa Hà Đông": 8, "Bệnh viện Đa khoa Đức Giang": 7, "Bệnh viện Thanh Nhàn": 5,
                "Bệnh viện Đa khoa Quốc tế Vinmec Times City": 4, "Bệnh viện Đa khoa Hồng Ngọc": 3,
                "Bệnh viện Đa khoa Sơn Tây": 4, "Bệnh viện Đa khoa huyện Sóc Sơn": 3, "Trung tâm Y tế huyện Đông Anh": 4,
                "Trung tâm Y tế huyện Thường Tín": 3, "Bệnh viện Quân y 108": 2, "Tại nhà": 0.5}
DEATH_PLACES = {"Tại nhà riêng": 45, "Bệnh viện Bạch Mai": 12, "Bệnh viện Hữu nghị Việt Đức": 8,
                "Bệnh viện E": 5, "Bệnh viện Thanh Nhàn": 5, "Bệnh viện Xanh Pôn": 4, "Bệnh viện K": 7,
                "Bệnh viện Quân y 108": 4, "Bệnh viện Đa khoa Hà Đông": 4, "Bệnh viện Hữu Nghị": 3,
                "Bệnh viện Đa khoa Đức Giang": 3}


def _numbers(run: Run, delivery: dt.date, n: int, per_day: float) -> list[str]:
    """Running registration numbers 'k/yyyy', disjoint across the deliveries of a year."""
    cap = run.volume(per_day, 20) * 2
    base = (delivery.timetuple().tm_yday - 1) * cap
    return [f"{base + i + 1}/{delivery.year}" for i in range(n)]


def _common(run: Run, delivery: dt.date, stream: str, per_day: float):
    rng = run.rng(stream, delivery)
    n = run.volume(per_day, 20, delivery, OFFICE_WEEK)
    reg = np.sort(day_spread(rng, delivery, n))
    era = old_era(reg)
    keys = geo.ward_key_columns(geo.pick(rng, n), era)
    return rng, n, reg, era, keys


def _dob_from_age(rng, ref_days: np.ndarray, age_years: np.ndarray) -> np.ndarray:
    return ref_days - np.round(age_years * 365.25).astype(np.int64) - 10 - rng.integers(0, 330, len(ref_days))


def _year(days: np.ndarray) -> np.ndarray:
    return np.asarray(days, dtype="datetime64[D]").astype("datetime64[Y]").astype(int) + 1970


def births(run: Run, delivery: dt.date) -> Table:
    rng, n, reg, era, keys = _common(run, delivery, "births", 450)
    dob = reg - np.minimum(rng.exponential(12, n).astype(np.int64), 60)
    girl = rng.random(n) < 0.472
    mother_age = np.clip(np.round(rng.normal(29, 5, n)), 17, 46)
    father_age = np.clip(mother_age + np.round(rng.normal(3, 3, n)), np.maximum(18, mother_age - 5), 65)
    has_father = rng.random(n) < 0.97
    child_year = _year(dob)
    mother_year, father_year = child_year - mother_age.astype(int), child_year - father_age.astype(int)
    mother = names.full_names(rng, np.ones(n, bool))
    father = names.full_names(rng, np.zeros(n, bool))
    family = np.where(has_father, names.family_of(father), names.family_of(mother))
    mother_id = personal_ids(rng, mother_year, np.ones(n, bool), provinces(rng, n, 0.55))
    father_id = personal_ids(rng, father_year, np.zeros(n, bool), provinces(rng, n, 0.55))
    frame = pl.DataFrame([
        pl.Series("registration_number", _numbers(run, delivery, n, 450)), *keys,
        date_series("registration_date", reg),
        pl.Series("child_full_name", names.full_names(rng, girl, family).tolist()),
        pl.Series("child_sex", np.where(girl, "Nữ", "Nam").tolist()),
        date_series("child_date_of_birth", dob),
        pl.Series("child_place_of_birth", weighted_choice(rng, list(BIRTH_PLACES), list(BIRTH_PLACES.values()), n).tolist()),
        pl.Series("child_ethnicity", names.ethnicities(rng, n).tolist()),
        pl.Series("child_nationality", names.nationalities(rng, n).tolist()),
        pl.Series("child_personal_id", personal_ids(rng, child_year, girl, 1).tolist()),
        pl.Series("mother_full_name", mother.tolist()),
        pl.Series("mother_birth_year", mother_year),
        pl.Series("mother_personal_id", np.where(rng.random(n) < 0.98, mother_id, None).tolist(), dtype=pl.String),
        pl.Series("father_full_name", np.where(has_father, father, None).tolist(), dtype=pl.String),
        pl.Series("father_birth_year", np.where(has_father, father_year, None).tolist(), dtype=pl.Int64),
        pl.Series("father_personal_id", np.where(has_father, father_id, None).tolist(), dtype=pl.String),
    ])
    defects = [d.lost_leading_zeros("child_personal_id"), d.id_sex_flipped("child_personal_id"),
               d.unknown_ward(), d.id_year_changed("child_personal_id"), d.duplicate(),
               d.missing("child_full_name", "child_sex", "registration_date", "mother_full_name"),
               d.future_date("registration_date"), d.lost_leading_zeros("mother_personal_id"),
               _registered_before_birth(), d.unparseable("mother_birth_year"),
               d.id_year_changed("father_personal_id")]
    return Table("justice", "birth_registrations", delivery, f"births_{delivery.isoformat()}.csv",
                 to_strings(frame, VN_DATE), era, defects, date_format=VN_DATE)


def _registered_before_birth() -> d.Defect:
    """The child is born after the registration (not after the delivery); its ID follows the new year."""
    def applies(row, ctx):
        return row["registration_date"] is not None and _parse(row["registration_date"]) < ctx.delivery

    def apply(row, ctx):
        reg = _parse(row["registration_date"])
        born = reg + dt.timedelta(days=ctx.rnd.randint(1, min(5, (ctx.delivery - reg).days)))
        row["child_date_of_birth"] = born.strftime(VN_DATE)
        row["child_personal_id"] = with_year(row["child_personal_id"], born.year)
    return d.Defect("registered_before_birth", apply, applies)


def _parse(text: str) -> dt.date:
    return dt.datetime.strptime(text, VN_DATE).date()


def deaths(run: Run, delivery: dt.date) -> Table:
    rng, n, reg, era, keys = _common(run, delivery, "deaths", 160)
    death = reg - np.minimum(rng.exponential(3, n).astype(np.int64), 30)
    band = rng.choice(4, size=n, p=[0.02, 0.05, 0.15, 0.78])
    age = np.select([band == 0, band == 1, band == 2],
                    [rng.uniform(0, 1, n), rng.uniform(1, 40, n), rng.uniform(40, 60, n)],
                    np.clip(rng.normal(78, 9, n), 60, 101))
    dob = death - np.round(age * 365.25).astype(np.int64) - 1
    female = rng.random(n) < 0.45
    frame = pl.DataFrame([
        pl.Series("registration_number", _numbers(run, delivery, n, 160)), *keys,
        date_series("registration_date", reg),
        pl.Series("deceased_full_name", names.full_names(rng, female).tolist()),
        pl.Series("deceased_sex", np.where(female, "Nữ", "Nam").tolist()),
        date_series("deceased_date_of_birth", dob),
        pl.Series("deceased_personal_id", personal_ids(rng, _year(dob), female, provinces(rng, n, 0.6)).tolist()),
        date_series("date_of_death", death),
        pl.Series("place_of_death", weighted_choice(rng, list(DEATH_PLACES), list(DEATH_PLACES.values()), n).tolist()),
    ])
    frame = _business_owners_among_the_dead(run, delivery, frame)
    defects = [d.lost_leading_zeros("deceased_personal_id"), d.unknown_ward(), d.id_sex_flipped("deceased_personal_id"),
               _death_before_birth(), d.duplicate(), d.id_year_changed("deceased_personal_id"),
               d.missing("deceased_full_name", "deceased_personal_id", "date_of_death", "place_of_death"),
               d.future_date("registration_date"),
               d.unparseable("date_of_death", ("31/02/2025", "2025-06-30", "abc", "00/00/0000"))]
    return Table("justice", "death_registrations", delivery, f"deaths_{delivery.isoformat()}.csv",
                 to_strings(frame, VN_DATE), era, defects, date_format=VN_DATE,
                 nfd_columns=("deceased_full_name",))


def _business_owners_among_the_dead(run: Run, delivery: dt.date, frame: pl.DataFrame) -> pl.DataFrame:
    """Make some of the deceased (a twentieth, at least 3) owners of household businesses the tax department registered under
    their personal ID in the same day's delivery: the cross-agency case of `mart.deceased_business_owners`."""
    owners = tax.owners_registered_by_personal_id(run, delivery)
    k = min(owners.height, max(3, frame.height // 20))
    if k == 0:
        return frame
    owners = owners.head(k)
    ids = owners["personal_id"].to_list()
    born = [dt.date(1900 + 100 * (int(p[3]) // 2) + int(p[4:6]), 1, 1) + dt.timedelta(days=int(p[-3:]) % 365)
            for p in ids]
    planted = pl.DataFrame({
        "deceased_full_name": owners["full_name"], "deceased_sex": ["Nam" if int(p[3]) % 2 == 0 else "Nữ" for p in ids],
        "deceased_date_of_birth": pl.Series(born, dtype=pl.Date), "deceased_personal_id": ids,
    })
    head = frame.head(k).with_columns(planted.get_columns())
    return pl.concat([head, frame.slice(k)])


def _death_before_birth() -> d.Defect:
    def apply(row, ctx):
        born = _parse(row["deceased_date_of_birth"])
        row["date_of_death"] = (born - dt.timedelta(days=ctx.rnd.randint(1, 3000))).strftime(VN_DATE)
    return d.Defect("death_before_birth", apply, lambda row, ctx: row["deceased_date_of_birth"] is not None)


def marriages(run: Run, delivery: dt.date) -> Table:
    rng, n, reg, era, keys = _common(run, delivery, "marriages", 220)
    husband_age = 20 + rng.gamma(2.0, 4.0, n)
    wife_age = np.maximum(18, husband_age - rng.normal(2.5, 2.5, n))
    h_dob, w_dob = _dob_from_age(rng, reg, husband_age.astype(int)), _dob_from_age(rng, reg, wife_age.astype(int))
    ones = np.ones(n, bool)
    frame = pl.DataFrame([
        pl.Series("registration_number", _numbers(run, delivery, n, 220)), *keys,
        date_series("registration_date", reg),
        pl.Series("husband_full_name", names.full_names(rng, ~ones).tolist()),
        date_series("husband_date_of_birth", h_dob),
        pl.Series("husband_personal_id", personal_ids(rng, _year(h_dob), ~ones, provinces(rng, n, 0.6)).tolist()),
        pl.Series("wife_full_name", names.full_names(rng, ones).tolist()),
        date_series("wife_date_of_birth", w_dob),
        pl.Series("wife_personal_id", personal_ids(rng, _year(w_dob), ones, provinces(rng, n, 0.6)).tolist()),
    ])
    defects = [d.lost_leading_zeros("husband_personal_id"), d.unknown_ward(), d.id_sex_flipped("wife_personal_id"),
               _below_marriage_age(), d.duplicate(), d.id_year_changed("husband_personal_id"),
               d.missing("husband_full_name", "wife_full_name", "wife_personal_id", "registration_date"),
               d.future_date("registration_date"), d.lost_leading_zeros("wife_personal_id")]
    return Table("justice", "marriage_registrations", delivery, f"marriages_{delivery.isoformat()}.csv",
                 to_strings(frame, VN_DATE), era, defects, encoding="cp1258", date_format=VN_DATE)


def _below_marriage_age() -> d.Defect:
    """The wife is 16 or 17 on the registration date; her ID still agrees with her birth year."""
    def apply(row, ctx):
        reg = _parse(row["registration_date"])
        born = reg - dt.timedelta(days=ctx.rnd.randint(16 * 366, 17 * 365 + 300))
        row["wife_date_of_birth"] = born.strftime(VN_DATE)
        row["wife_personal_id"] = with_year(row["wife_personal_id"], born.year)
    return d.Defect("below_marriage_age", apply,
                    lambda row, ctx: row["registration_date"] is not None and row["wife_personal_id"] is not None)
