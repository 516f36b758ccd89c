"""Contracts of the tax registers: business registrations and tax payments."""

from __future__ import annotations

import datetime as dt

import pandera.polars as pa
import polars as pl

from schemas.identifiers import tax_code_valid
from schemas.rules import Shared, SharedWardKeyed, WardKeyed, not_after_delivery, rule

BUSINESS_STATUSES = ["active", "suspended", "closed"]
TAX_TYPES = ["VAT", "CIT", "PIT", "licence_fee", "land_use", "special_consumption", "environment_protection"]
TAX_CODE = r"^([0-9]{10}|[0-9]{12}|[0-9]{13})$"


def _tax_code_check(column: str):
    def check(cls, data: pa.PolarsData) -> pl.LazyFrame:
        code = pl.col(column)  # only well-formed codes are judged here; the pattern rule reports the rest
        return data.lazyframe.select((~code.str.contains(TAX_CODE) | tax_code_valid(code)).fill_null(True))
    return rule("tax_code_check_digit",
                "tax code fails its check: wrong check digit (10 digits), invalid parent or branch 000 "
                "(13 digits), or invalid personal ID (12 digits)", column)(check)


class BusinessRegistration(WardKeyed):
    """One taxpayer registered with the tax department (a company, branch or household business)."""

    tax_code: str = pa.Field(str_matches=TAX_CODE, unique=True)
    business_name: str
    vsic_code: str = pa.Field(str_matches=r"^[0-9]{4,5}$")  # VSIC 2018 level 4 or 5
    registration_date: dt.date
    status: str = pa.Field(isin=BUSINESS_STATUSES)

    tax_code_checked = _tax_code_check("tax_code")

    @rule("date_in_future", "a date is later than the day the file was delivered",
          involves=("registration_date", "_delivery_date"))
    def not_in_future(cls, data: pa.PolarsData) -> pl.LazyFrame:
        return data.lazyframe.select(not_after_delivery("registration_date"))


class TaxPayment(pa.DataFrameModel):
    """One payment received by the State Treasury for a taxpayer, tax type and period."""

    payment_id: str = pa.Field(str_matches=r"^KB[0-9]{12}$", unique=True)
    tax_code: str = pa.Field(str_matches=TAX_CODE)
    period: str = pa.Field(str_matches=r"^[0-9]{4}-(0[1-9]|1[0-2])$")
    tax_type: str = pa.Field(isin=TAX_TYPES)
    amount_vnd: int = pa.Field(gt=0, le=10_000_000_000_000)
    paid_on: dt.date

    tax_code_checked = _tax_code_check("tax_code")

    @rule("date_in_future", "a date is later than the day the file was delivered",
          involves=("paid_on", "_delivery_date"))
    def not_in_future(cls, data: pa.PolarsData) -> pl.LazyFrame:
        return data.lazyframe.select(not_after_delivery("paid_on"))

    class Config:
        strict = False


TAXPAYER_TYPES = ["organisation", "branch", "individual"]


class SharedBusinessRegistration(SharedWardKeyed):
    """A registered taxpayer; individuals (12-digit personal-ID tax numbers) appear only by pseudonym."""

    taxpayer_key: str = pa.Field(str_matches=r"^[0-9a-f]{20}$", unique=True,
                                 description="keyed pseudonym of the tax code: joins registrations and payments")
    taxpayer_type: str = pa.Field(isin=TAXPAYER_TYPES, description="organisation (10 digits), branch (13), or "
                                  "individual: a household business or a person (12-digit personal ID)")
    tax_code: str = pa.Field(nullable=True, description="tax code of organisations and branches (public); "
                             "null for individuals")
    business_name: str = pa.Field(nullable=True, description="registered name; null for individuals")
    vsic_code: str = pa.Field(description="VSIC 2018 industry code, level 4 or 5")
    registration_date: dt.date = pa.Field(description="date of registration")
    status: str = pa.Field(isin=BUSINESS_STATUSES, description="active, suspended or closed")


class SharedTaxPayment(Shared):
    """A tax payment, keyed by the taxpayer's pseudonym."""

    payment_id: str = pa.Field(unique=True, description="State Treasury receipt number")
    taxpayer_key: str = pa.Field(str_matches=r"^[0-9a-f]{20}$", description="keyed pseudonym of the tax code")
    tax_period: str = pa.Field(str_matches=r"^[0-9]{4}-[0-9]{2}$", description="tax period YYYY-MM")
    tax_type: str = pa.Field(isin=TAX_TYPES, description="VAT, CIT, PIT, licence_fee, …")
    amount_vnd: int = pa.Field(gt=0, description="amount paid, VND")
    paid_on: dt.date = pa.Field(description="date of payment")
