"""Contracts of the civil-status registers (Law on Civil Status 60/2014): births, deaths, marriages."""

from __future__ import annotations

import datetime as dt

import pandera.polars as pa
import polars as pl

from schemas.identifiers import PERSONAL_ID_PATTERN, personal_id_agrees, personal_id_valid
from schemas.rules import SharedWardKeyed, WardKeyed, not_after_delivery, rule

SEXES = ["Nam", "Nữ"]
REGISTRATION_NUMBER = r"^[0-9]{1,6}/[0-9]{4}$"  # "Số 123/2025": running number / year


def _personal_id_province(*columns: str):
    """A fresh check per model: pandera keeps its registration on the function object."""
    def check(cls, data: pa.PolarsData) -> pl.LazyFrame:
        pid = pl.col(data.key)  # only well-formed IDs are judged here; the pattern rule reports the rest
        return data.lazyframe.select((~pid.str.contains(PERSONAL_ID_PATTERN) | personal_id_valid(pid)).fill_null(True))
    return rule("personal_id_province", "personal ID must start with a province code 001-096", *columns)(check)


class BirthRegistration(WardKeyed):
    """One registered birth, as the ward's justice officer records it."""

    registration_number: str = pa.Field(str_matches=REGISTRATION_NUMBER, unique=True)
    registration_date: dt.date
    child_full_name: str
    child_sex: str = pa.Field(isin=SEXES)
    child_date_of_birth: dt.date
    child_place_of_birth: str
    child_ethnicity: str
    child_nationality: str
    child_personal_id: str = pa.Field(str_matches=PERSONAL_ID_PATTERN)
    mother_full_name: str
    mother_birth_year: int = pa.Field(in_range={"min_value": 1940, "max_value": 2015})
    mother_personal_id: str = pa.Field(nullable=True, str_matches=PERSONAL_ID_PATTERN)
    father_full_name: str = pa.Field(nullable=True)
    father_birth_year: int = pa.Field(nullable=True, in_range={"min_value": 1930, "max_value": 2015})
    father_personal_id: str = pa.Field(nullable=True, str_matches=PERSONAL_ID_PATTERN)

    check_pid = _personal_id_province("child_personal_id", "mother_personal_id", "father_personal_id")

    @rule("child_id_agrees", "child's personal ID does not encode the child's sex and year of birth", involves=("child_personal_id", "child_sex", "child_date_of_birth"))
    def child_id_agrees(cls, data: pa.PolarsData) -> pl.LazyFrame:
        return data.lazyframe.select(personal_id_agrees(
            pl.col("child_personal_id"), pl.col("child_sex"), pl.col("child_date_of_birth").dt.year()))

    @rule("parent_ids_agree", "a parent's personal ID does not encode that parent's sex and birth year", involves=("mother_personal_id", "mother_birth_year", "father_personal_id", "father_birth_year"))
    def parent_ids_agree(cls, data: pa.PolarsData) -> pl.LazyFrame:
        return data.lazyframe.select(
            personal_id_agrees(pl.col("mother_personal_id"), pl.lit("Nữ"), pl.col("mother_birth_year"))
            & personal_id_agrees(pl.col("father_personal_id"), pl.lit("Nam"), pl.col("father_birth_year")))

    @rule("registered_after_birth", "registration date is before the date of birth", involves=("registration_date", "child_date_of_birth"))
    def registered_after_birth(cls, data: pa.PolarsData) -> pl.LazyFrame:
        return data.lazyframe.select(
            (pl.col("registration_date") >= pl.col("child_date_of_birth")).fill_null(True))

    @rule("date_in_future", "a date is later than the day the file was delivered",
          involves=("registration_date", "child_date_of_birth", "_delivery_date"))
    def not_in_future(cls, data: pa.PolarsData) -> pl.LazyFrame:
        return data.lazyframe.select(not_after_delivery("registration_date", "child_date_of_birth"))


class DeathRegistration(WardKeyed):
    """One registered death."""

    registration_number: str = pa.Field(str_matches=REGISTRATION_NUMBER, unique=True)
    registration_date: dt.date
    deceased_full_name: str
    deceased_sex: str = pa.Field(isin=SEXES)
    deceased_date_of_birth: dt.date
    deceased_personal_id: str = pa.Field(str_matches=PERSONAL_ID_PATTERN)
    date_of_death: dt.date
    place_of_death: str

    check_pid = _personal_id_province("deceased_personal_id")

    @rule("deceased_id_agrees", "personal ID does not encode the deceased's sex and year of birth", involves=("deceased_personal_id", "deceased_sex", "deceased_date_of_birth"))
    def deceased_id_agrees(cls, data: pa.PolarsData) -> pl.LazyFrame:
        return data.lazyframe.select(personal_id_agrees(
            pl.col("deceased_personal_id"), pl.col("deceased_sex"), pl.col("deceased_date_of_birth").dt.year()))

    @rule("death_before_birth", "date of death is before the date of birth", involves=("deceased_date_of_birth", "date_of_death"))
    def death_not_before_birth(cls, data: pa.PolarsData) -> pl.LazyFrame:
        return data.lazyframe.select(
            (pl.col("date_of_death") >= pl.col("deceased_date_of_birth")).fill_null(True))

    @rule("registered_before_death", "registration date is before the date of death", involves=("date_of_death", "registration_date"))
    def registered_after_death(cls, data: pa.PolarsData) -> pl.LazyFrame:
        return data.lazyframe.select((pl.col("registration_date") >= pl.col("date_of_death")).fill_null(True))

    @rule("date_in_future", "a date is later than the day the file was delivered",
          involves=("registration_date", "date_of_death", "_delivery_date"))
    def not_in_future(cls, data: pa.PolarsData) -> pl.LazyFrame:
        return data.lazyframe.select(not_after_delivery("registration_date", "date_of_death"))


class MarriageRegistration(WardKeyed):
    """One registered marriage (Law on Marriage and Family 2014: husband at least 20, wife at least 18)."""

    registration_number: str = pa.Field(str_matches=REGISTRATION_NUMBER, unique=True)
    registration_date: dt.date
    husband_full_name: str
    husband_date_of_birth: dt.date
    husband_personal_id: str = pa.Field(str_matches=PERSONAL_ID_PATTERN)
    wife_full_name: str
    wife_date_of_birth: dt.date
    wife_personal_id: str = pa.Field(str_matches=PERSONAL_ID_PATTERN)

    check_pid = _personal_id_province("husband_personal_id", "wife_personal_id")

    @rule("spouse_ids_agree", "a spouse's personal ID does not encode that spouse's sex and year of birth", involves=("husband_personal_id", "husband_date_of_birth", "wife_personal_id", "wife_date_of_birth"))
    def spouse_ids_agree(cls, data: pa.PolarsData) -> pl.LazyFrame:
        return data.lazyframe.select(
            personal_id_agrees(pl.col("husband_personal_id"), pl.lit("Nam"), pl.col("husband_date_of_birth").dt.year())
            & personal_id_agrees(pl.col("wife_personal_id"), pl.lit("Nữ"), pl.col("wife_date_of_birth").dt.year()))

    @rule("below_marriage_age", "a spouse is below the legal age of marriage (20 for men, 18 for women)", involves=("husband_date_of_birth", "wife_date_of_birth", "registration_date"))
    def legal_age(cls, data: pa.PolarsData) -> pl.LazyFrame:
        reg = pl.col("registration_date")
        return data.lazyframe.select(
            ((pl.col("husband_date_of_birth").dt.offset_by("20y") <= reg)
             & (pl.col("wife_date_of_birth").dt.offset_by("18y") <= reg)).fill_null(True))

    @rule("date_in_future", "a date is later than the day the file was delivered",
          involves=("registration_date", "_delivery_date"))
    def not_in_future(cls, data: pa.PolarsData) -> pl.LazyFrame:
        return data.lazyframe.select(not_after_delivery("registration_date"))


PSEUDONYM = r"^[0-9a-f]{20}$"


def _pseudonym(description: str, nullable: bool = False):
    return pa.Field(str_matches=PSEUDONYM, nullable=nullable, description=description)


class SharedBirthRegistration(SharedWardKeyed):
    """A birth as shared across agencies: pseudonymised IDs, year of birth, no names or ethnicity."""

    registration_key: str = _pseudonym("keyed pseudonym of the registration number")
    registration_month: dt.date = pa.Field(description="first day of the month the birth was registered")
    child_pseudonym: str = _pseudonym("keyed pseudonym of the child's personal ID")
    child_sex: str = pa.Field(isin=SEXES, description="Nam (male) or Nữ (female)")
    child_birth_year: int = pa.Field(description="year of birth (dates of birth are shared as years)")
    child_nationality: str = pa.Field(description="nationality as registered")
    mother_pseudonym: str = _pseudonym("keyed pseudonym of the mother's personal ID", nullable=True)
    mother_birth_year: int = pa.Field(description="mother's year of birth")
    father_pseudonym: str = _pseudonym("keyed pseudonym of the father's personal ID", nullable=True)
    father_birth_year: int = pa.Field(nullable=True, description="father's year of birth, if registered")


class SharedDeathRegistration(SharedWardKeyed):
    """A death as shared across agencies: pseudonymised ID, birth year, month of death, age."""

    registration_key: str = _pseudonym("keyed pseudonym of the registration number")
    registration_month: dt.date = pa.Field(description="first day of the month the death was registered")
    deceased_pseudonym: str = _pseudonym("keyed pseudonym of the deceased's personal ID")
    deceased_sex: str = pa.Field(isin=SEXES, description="Nam (male) or Nữ (female)")
    deceased_birth_year: int = pa.Field(description="year of birth")
    death_month: dt.date = pa.Field(description="first day of the month of death (date generalised)")
    age_at_death: int = pa.Field(ge=0, le=130, description="age in completed years at death")


class SharedMarriageRegistration(SharedWardKeyed):
    """A marriage as shared across agencies: pseudonymised spouses and their birth years."""

    registration_key: str = _pseudonym("keyed pseudonym of the registration number")
    registration_month: dt.date = pa.Field(description="first day of the month the marriage was registered")
    husband_pseudonym: str = _pseudonym("keyed pseudonym of the husband's personal ID")
    husband_birth_year: int = pa.Field(description="husband's year of birth")
    wife_pseudonym: str = _pseudonym("keyed pseudonym of the wife's personal ID")
    wife_birth_year: int = pa.Field(description="wife's year of birth")
