"""Rules shared by every contract: named checks with human-readable reasons, delivery-relative dates, ward eras.

Every frame is validated with three technical columns added by the ingestion step:
`_row_number` (1-based row in the delivered file), `_delivery_date` (from the landing path) and
`_event_date` (the date that decides which administrative era a row's ward code belongs to).
"""

from __future__ import annotations

import re

import pandera.polars as pa
import polars as pl

from schemas import geography

# rule name -> reason shown to the agency in the quarantine table
RULE_REASONS: dict[str, str] = {
    "type": "value cannot be read as the column's type",
    "not_nullable": "required value is missing",
    "field_uniqueness": "duplicate key: an earlier row of this delivery has the same value",
    "multiple_fields_uniqueness": "duplicate key: an earlier row of this delivery has the same key",
    "unique_across_deliveries": "duplicate key: already published from an earlier delivery",
    "file_structure": "the file's columns cannot be mapped onto the contract",
    "repeated_header": "the row repeats the file's header: files were probably joined with each one's header "
                       "kept; it holds no record",
}
GENERAL_RULES = tuple(RULE_REASONS)  # every dataset's; the models' own rules are added below by `rule`


def rule(name: str, reason: str, *columns: str, involves: tuple[str, ...] = ()):
    """Declare a custom check with a stable rule name and the reason an agency reads in quarantine.

    With `columns` it is a column check; otherwise a row-level check over the columns it `involves`.
    """
    RULE_REASONS[name] = reason
    register = pa.check(*columns, name=name, element_wise=False) if columns else pa.dataframe_check(name=name)

    def decorate(fn):
        fn.__urbanlake_involves__ = (name, involves)
        return register(fn)
    return decorate


def involved_columns(model: type[pa.DataFrameModel]) -> dict[str, tuple[str, ...]]:
    """Row-level rule name → the columns whose values a quarantine row of that rule shows."""
    found = {}
    for klass in reversed(model.__mro__):
        for attr in vars(klass).values():
            fn = getattr(attr, "__func__", attr)
            if hasattr(fn, "__urbanlake_involves__"):
                name, cols = fn.__urbanlake_involves__
                found[name] = cols
    return found


_BUILTIN = [
    (r"^str_matches\('(.*)'\)$", "str_matches", "does not have the required format {0}"),
    (r"^isin\((.*)\)$", "isin", "is not one of the allowed values {0}"),
    (r"^greater_than_or_equal_to\((.*)\)$", "greater_than_or_equal_to", "is below the minimum {0}"),
    (r"^greater_than\((.*)\)$", "greater_than", "must be greater than {0}"),
    (r"^less_than_or_equal_to\((.*)\)$", "less_than_or_equal_to", "is above the maximum {0}"),
    (r"^in_range\((.*), (.*)\)$", "in_range", "is outside the plausible range {0} to {1}"),
    (r"^str_length\((.*)\)$", "str_length", "has the wrong length {0}"),
]


def describe(check: str) -> tuple[str, str]:
    """(rule, reason) for a pandera check label as it appears in `failure_cases['check']`."""
    if check in RULE_REASONS:
        return check, RULE_REASONS[check]
    for pattern, name, template in _BUILTIN:
        m = re.match(pattern, check)
        if m:
            return check, template.format(*m.groups())
    return check, f"fails the check {check}"


def empty_frame(model: type[pa.DataFrameModel]) -> pl.DataFrame:
    """A frame with no rows and exactly the contract's columns and types."""
    return pl.DataFrame(schema={n: c.dtype.type for n, c in model.to_schema().columns.items()})


def not_after_delivery(*columns: str) -> pl.Expr:
    """A date cannot be later than the day its file was delivered (null dates are judged elsewhere)."""
    ok = pl.lit(True)
    for c in columns:
        ok = ok & (pl.col(c).cast(pl.Date) <= pl.col("_delivery_date")).fill_null(True)
    return ok


class WardKeyed(pa.DataFrameModel):
    """Rows keyed by the administrative units of their own era.

    Before 1 July 2025 a row carries district + ward (old codes); from then on the 2025 ward code
    alone. Agencies that still send old district + ward pairs after the reform are accepted, since
    the crosswalk maps them; a 2025 code is never valid before the reform.
    """

    district_code: str = pa.Field(nullable=True, str_matches=r"^[0-9]{3}$")
    ward_code: str = pa.Field(str_matches=r"^[0-9]{5}$")

    @rule("ward_known_in_era",
          "ward code does not exist in its era: district + ward of the old units before 1 July 2025, "
          "a 2025 ward code from then on", involves=("district_code", "ward_code", "_event_date"))
    def ward_known_in_era(cls, data: pa.PolarsData) -> pl.LazyFrame:
        old_pairs = pl.Series(sorted(geography.district_ward_pairs_before()))
        new_codes = pl.Series(sorted(geography.ward_codes_2025()))
        pair = pl.concat_str(pl.col("district_code"), pl.lit("/"), pl.col("ward_code"))
        keyed_old = pl.col("district_code").is_not_null()
        after_reform = pl.col("_event_date") >= pl.lit(geography.REFORM_DATE)
        ok = (
            pl.when(pl.col("ward_code").is_null() | pl.col("_event_date").is_null()).then(True)
            .when(keyed_old).then(pair.is_in(old_pairs.implode()))
            .otherwise(after_reform & pl.col("ward_code").is_in(new_codes.implode()))
        )
        return data.lazyframe.select(ok.alias("ok"))


class Shared(pa.DataFrameModel):
    """Columns every published (shared-zone) table carries."""

    source_delivery: str = pa.Field(description="delivery the row came from: <delivery date>/<file name>")

    class Config:
        strict = True


class SharedWardKeyed(Shared):
    """Published rows normalised to the 2025 geography, keeping the codes as delivered."""

    ward_code: str = pa.Field(isin=sorted(geography.ward_codes_2025()),
                              description="2025 commune/ward code (5 digits) the row belongs to")
    source_district_code: str = pa.Field(nullable=True, description="district code as delivered (pre-reform rows)")
    source_ward_code: str = pa.Field(description="ward code as delivered, in the era of the row's date")
