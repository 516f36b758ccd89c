"""Tax (tax department, State Treasury): business registrations and tax payments, keyed by pseudonym."""

from __future__ import annotations

import polars as pl

from assets.common.dataset import DatasetSpec
from assets.common.pseudonyms import Pseudonymiser
from schemas import tax as contract
from schemas.identifiers import compact_tax_code

# A person behind the tax code: a personal ID used as tax number (12 digits, since July 2025), or a
# household business, registered as "Hộ kinh doanh <owner's name>" whatever its code's length.
_INDIVIDUAL = ((pl.col("tax_code").str.len_chars() == 12)
               | pl.col("business_name").str.to_lowercase().str.starts_with("hộ kinh doanh"))


def publish_registrations(valid: pl.DataFrame, p: Pseudonymiser) -> pl.DataFrame:
    kind = (pl.when(_INDIVIDUAL).then(pl.lit("individual"))
            .when(pl.col("tax_code").str.len_chars() == 13).then(pl.lit("branch")).otherwise(pl.lit("organisation")))
    return valid.select(
        "_row_number", "ward_code", "source_district_code", "source_ward_code",
        p.expr("tax_code").alias("taxpayer_key"), kind.alias("taxpayer_type"),
        pl.when(_INDIVIDUAL).then(None).otherwise(pl.col("tax_code")).alias("tax_code"),
        pl.when(_INDIVIDUAL).then(None).otherwise(pl.col("business_name")).alias("business_name"),
        "vsic_code", "registration_date", "status",
    )


def publish_payments(valid: pl.DataFrame, p: Pseudonymiser) -> pl.DataFrame:
    return valid.select("_row_number", "payment_id", p.expr("tax_code").alias("taxpayer_key"),
                        pl.col("period").alias("tax_period"), "tax_type", "amount_vnd", "paid_on")


def compact_codes(text: pl.DataFrame) -> pl.DataFrame:
    """Branch codes arrive as 0100109106-001 as often as 0100109106001."""
    return text.with_columns(compact_tax_code(pl.col("tax_code"))) if "tax_code" in text.columns else text


BUSINESS_REGISTRATIONS = DatasetSpec(
    name="business_registrations", agency="tax", sector="tax",
    description="Registered taxpayers (companies, branches, household businesses) on the 2025 geography.",
    model=contract.BusinessRegistration, shared_model=contract.SharedBusinessRegistration,
    publish=publish_registrations, event_date="registration_date", period="registration_date",
    natural_key=("taxpayer_key",), personal=("tax_code", "business_name"), prepare=compact_codes,
    partitioned_by="month")

TAX_PAYMENTS = DatasetSpec(
    name="tax_payments", agency="tax", sector="tax",
    description="Tax payments received by the State Treasury, keyed by taxpayer pseudonym.",
    model=contract.TaxPayment, shared_model=contract.SharedTaxPayment, publish=publish_payments,
    event_date="paid_on", period="paid_on", natural_key=("payment_id",), personal=("tax_code",), prepare=compact_codes,
    partitioned_by="month")

DATASETS = [BUSINESS_REGISTRATIONS, TAX_PAYMENTS]
