"""The way most teams write it first: pandas `read_csv`, pandera's pandas backend, `to_parquet`.

The model mirrors the fare-card taps contract (`schemas/transport.py` `FareCardTap`): the same
patterns, required columns, key and "not after the delivery date" rule, in pandas terms.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pandera.pandas as pa
from pandera.errors import SchemaErrors
from pandera.typing import Series

from schemas.transport import CARD_ID, ROUTE_ID, STOP_ID


class NaiveFareCardTap(pa.DataFrameModel):
    card_id: Series[str] = pa.Field(str_matches=CARD_ID)
    route_id: Series[str] = pa.Field(str_matches=ROUTE_ID)
    stop_id: Series[str] = pa.Field(str_matches=STOP_ID)
    tapped_at: Series[pd.Timestamp]

    class Config:
        unique = ["card_id", "tapped_at"]
        strict = False


def convert(csv: Path, out: Path, delivery_date: dt.date) -> dict:
    """Load, type, validate and write the valid rows; a row with any failure counts as quarantined."""
    df = pd.read_csv(csv, dtype=str)
    df["tapped_at"] = pd.to_datetime(df["tapped_at"], format="%Y-%m-%dT%H:%M:%S", errors="coerce")
    failing: set = set()
    try:
        NaiveFareCardTap.validate(df, lazy=True)
    except SchemaErrors as err:
        failing.update(err.failure_cases["index"].dropna().astype(int).tolist())
    future = df["tapped_at"] >= pd.Timestamp(delivery_date + dt.timedelta(days=1))
    failing.update(df.index[future].tolist())
    valid = df.drop(index=list(failing))
    valid.to_parquet(out)
    return {"rows_in": len(df), "rows_published": len(valid), "rows_quarantined": len(failing)}
