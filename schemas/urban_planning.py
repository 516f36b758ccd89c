"""Contracts of the urban-planning registers: construction permits and land-use parcels."""

from __future__ import annotations

import datetime as dt

import pandera.polars as pa
import polars as pl

from schemas.rules import SharedWardKeyed, WardKeyed, not_after_delivery, rule

USE_TYPES = ["residential", "commercial", "mixed_use", "public", "industrial"]
PERMIT_STATUSES = ["issued", "amended", "revoked", "expired"]
ZONING_CLASSES = ["R", "C", "M", "P", "G", "I", "A", "T"]  # residential … transport
PARCEL_ID = r"^[0-9]{5}-[0-9]{1,3}-[0-9]{1,5}$"  # ward code - map sheet - parcel number


class ConstructionPermit(WardKeyed):
    """One construction permit (giấy phép xây dựng) issued for a parcel."""

    permit_number: str = pa.Field(str_matches=r"^[0-9]{1,6}/GPXD$", unique=True)
    issue_date: dt.date
    parcel_id: str = pa.Field(str_matches=PARCEL_ID)
    use_type: str = pa.Field(isin=USE_TYPES)
    floors: int = pa.Field(in_range={"min_value": 1, "max_value": 100})
    floor_area_m2: float = pa.Field(gt=0, le=500_000)
    status: str = pa.Field(isin=PERMIT_STATUSES)

    @rule("date_in_future", "a date is later than the day the file was delivered",
          involves=("issue_date", "_delivery_date"))
    def not_in_future(cls, data: pa.PolarsData) -> pl.LazyFrame:
        return data.lazyframe.select(not_after_delivery("issue_date"))


class LandParcel(WardKeyed):
    """One land-use parcel of the cadastral map with its zoning class."""

    parcel_id: str = pa.Field(str_matches=PARCEL_ID, unique=True)
    zoning_class: str = pa.Field(isin=ZONING_CLASSES)
    area_m2: float = pa.Field(gt=0, le=10_000_000)
    surveyed_on: dt.date

    @rule("date_in_future", "a date is later than the day the file was delivered",
          involves=("surveyed_on", "_delivery_date"))
    def not_in_future(cls, data: pa.PolarsData) -> pl.LazyFrame:
        return data.lazyframe.select(not_after_delivery("surveyed_on"))


class SharedConstructionPermit(SharedWardKeyed):
    """A construction permit on the 2025 geography."""

    permit_number: str = pa.Field(unique=True, description="permit number, e.g. 123/GPXD")
    issue_date: dt.date = pa.Field(description="date the permit was issued")
    parcel_id: str = pa.Field(description="cadastral parcel: <ward code>-<map sheet>-<parcel number> as delivered")
    use_type: str = pa.Field(isin=USE_TYPES, description="intended use of the building")
    floors: int = pa.Field(ge=1, description="number of floors permitted")
    floor_area_m2: float = pa.Field(gt=0, description="total permitted floor area in m²")
    status: str = pa.Field(isin=PERMIT_STATUSES, description="issued, amended, revoked or expired")


class SharedLandParcel(SharedWardKeyed):
    """A land-use parcel of the latest cadastral snapshot."""

    parcel_id: str = pa.Field(unique=True, description="cadastral parcel id as delivered")
    zoning_class: str = pa.Field(isin=ZONING_CLASSES, description="R residential, C commercial, M mixed, "
                                 "P public, G green, I industrial, A agricultural, T transport")
    area_m2: float = pa.Field(gt=0, description="parcel area in m²")
    surveyed_on: dt.date = pa.Field(description="date of the survey")
