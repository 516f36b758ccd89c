"""Civil status (justice service, ward committees): births, deaths and marriages, pseudonymised."""

from __future__ import annotations

import polars as pl

from assets.common.dataset import DatasetSpec
from assets.common.pseudonyms import Pseudonymiser
from schemas import civil_status as contract

WARD = ["ward_code", "source_district_code", "source_ward_code"]


def _month(column: str) -> pl.Expr:
    return pl.col(column).dt.truncate("1mo")


def publish_births(valid: pl.DataFrame, p: Pseudonymiser) -> pl.DataFrame:
    return valid.select(
        "_row_number", *WARD,
        p.expr("registration_number").alias("registration_key"), _month("registration_date").alias("registration_month"),
        p.expr("child_personal_id").alias("child_pseudonym"), "child_sex",
        pl.col("child_date_of_birth").dt.year().cast(pl.Int64).alias("child_birth_year"), "child_nationality",
        p.expr("mother_personal_id").alias("mother_pseudonym"), "mother_birth_year",
        p.expr("father_personal_id").alias("father_pseudonym"), "father_birth_year",
    )


def publish_deaths(valid: pl.DataFrame, p: Pseudonymiser) -> pl.DataFrame:
    born, died = pl.col("deceased_date_of_birth"), pl.col("date_of_death")
    def month_day(d: pl.Expr) -> pl.Expr:  # dt.month()/day() are Int8: widen before arithmetic
        return d.dt.month().cast(pl.Int32) * 100 + d.dt.day().cast(pl.Int32)
    birthday_passed = month_day(died) >= month_day(born)
    age = died.dt.year() - born.dt.year() - pl.when(birthday_passed).then(0).otherwise(1)
    return valid.select(
        "_row_number", *WARD,
        p.expr("registration_number").alias("registration_key"), _month("registration_date").alias("registration_month"),
        p.expr("deceased_personal_id").alias("deceased_pseudonym"), "deceased_sex",
        born.dt.year().cast(pl.Int64).alias("deceased_birth_year"), _month("date_of_death").alias("death_month"),
        age.cast(pl.Int64).alias("age_at_death"),
    )


def publish_marriages(valid: pl.DataFrame, p: Pseudonymiser) -> pl.DataFrame:
    return valid.select(
        "_row_number", *WARD,
        p.expr("registration_number").alias("registration_key"), _month("registration_date").alias("registration_month"),
        p.expr("husband_personal_id").alias("husband_pseudonym"),
        pl.col("husband_date_of_birth").dt.year().cast(pl.Int64).alias("husband_birth_year"),
        p.expr("wife_personal_id").alias("wife_pseudonym"),
        pl.col("wife_date_of_birth").dt.year().cast(pl.Int64).alias("wife_birth_year"),
    )


_COMMON = dict(agency="justice", sector="civil_status", event_date="registration_date",
               period="registration_month", natural_key=("registration_key",))

BIRTHS = DatasetSpec(
    name="birth_registrations", description="Births registered by the wards, pseudonymised.",
    model=contract.BirthRegistration, shared_model=contract.SharedBirthRegistration, publish=publish_births,
    personal=("registration_number", "child_full_name", "child_date_of_birth", "child_personal_id",
              "mother_full_name", "mother_personal_id", "father_full_name", "father_personal_id"),
    **_COMMON)

DEATHS = DatasetSpec(
    name="death_registrations", description="Deaths registered by the wards, pseudonymised.",
    model=contract.DeathRegistration, shared_model=contract.SharedDeathRegistration, publish=publish_deaths,
    personal=("registration_number", "deceased_full_name", "deceased_date_of_birth", "deceased_personal_id"),
    **_COMMON)

MARRIAGES = DatasetSpec(
    name="marriage_registrations", description="Marriages registered by the wards, pseudonymised.",
    model=contract.MarriageRegistration, shared_model=contract.SharedMarriageRegistration,
    publish=publish_marriages,
    personal=("registration_number", "husband_full_name", "husband_date_of_birth", "husband_personal_id",
              "wife_full_name", "wife_date_of_birth", "wife_personal_id"),
    **_COMMON)

DATASETS = [BIRTHS, DEATHS, MARRIAGES]
