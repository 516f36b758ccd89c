"""Environment department: hourly air-quality observations, one FIWARE JSON file per station per day.

Each delivery holds the previous day's 24 hours. Pollution follows Hanoi's seasons (dirty winters,
cleaner summers) and a diurnal cycle: PM peaks at the morning rush and at night, O₃ in the afternoon.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import polars as pl

from sample_deliveries import defects as d
from sample_deliveries import geo, writer
from sample_deliveries.common import Run, Table, days_since_epoch, old_era

SEASON = {1: 1.9, 2: 1.6, 3: 1.5, 4: 1.2, 5: 0.9, 6: 0.7, 7: 0.65, 8: 0.7, 9: 0.9, 10: 1.3, 11: 1.6, 12: 1.9}
POLLUTANTS = ("pm25", "pm10", "no2", "so2", "co", "o3")
JSON_NAMES = {"pm25": "pm25", "pm10": "pm10", "no2": "no2", "so2": "so2", "co": "co", "o3": "o3",
              "temperature": "temperature", "relative_humidity": "relativeHumidity"}


def stations(run: Run) -> dict:
    """Fixed stations: id, old and 2025 keys of one place, coordinates, a local pollution factor."""
    def build():
        rng = run.rng("air_stations")
        n = run.volume(40, 3)
        p = geo.places()
        idx = rng.choice(len(p.district), size=n, replace=n > len(p.district), p=p.weight)
        return {"id": [f"HN-AQ-{i + 1:03d}" for i in range(n)], "place": idx,
                "lat": np.round(p.lat[idx] + rng.normal(0, 0.003, n), 5),
                "lon": np.round(p.lon[idx] + rng.normal(0, 0.003, n), 5),
                "factor": rng.lognormal(0, 0.2, n), "traffic": rng.lognormal(0, 0.25, n)}
    return run.cached("air_stations", build)


def _bump(h, centre, width):
    return np.exp(-(((h - centre) / width) ** 2))


def air_quality(run: Run, delivery: dt.date) -> Table:
    st = stations(run)
    day = delivery - dt.timedelta(days=1)
    rng = run.rng("air", delivery)
    k = len(st["id"])
    h = np.tile(np.arange(24), k).astype(float)
    s = np.repeat(np.arange(k), 24)
    n = len(h)
    base = 50 * SEASON[day.month] * rng.lognormal(0, 0.3)
    diurnal = 1 + 0.35 * _bump(h, 7.5, 1.8) + 0.45 * _bump(h, 21.5, 2.5) + 0.35 * _bump(h, -1, 2.5) \
        - 0.3 * _bump(h, 14.5, 2.5)
    pm25 = np.clip(base * st["factor"][s] * diurnal * rng.lognormal(0, 0.15, n), 3, 400)
    rush = _bump(h, 8, 1.5) + _bump(h, 18, 1.8)
    mean_t = 24 + 7 * np.cos(2 * np.pi * (day.timetuple().tm_yday - 200) / 365)
    temp = mean_t + 3.5 * np.cos(2 * np.pi * (h - 14) / 24) + rng.normal(0, 0.6, n)
    values = {
        "pm25": pm25,
        "pm10": pm25 * rng.uniform(1.3, 1.8, n),
        "no2": np.clip((25 + 40 * rush) * st["traffic"][s] * rng.lognormal(0, 0.15, n), 8, 200),
        "so2": np.clip(rng.lognormal(np.log(13), 0.4, n), 2, 80),
        "co": np.clip((800 + 700 * rush) * st["traffic"][s] * rng.lognormal(0, 0.15, n), 300, 4000),
        "o3": np.clip(22 + 130 * _bump(h, 14, 3.2) * rng.uniform(0.6, 1.2) * rng.lognormal(0, 0.1, n), 5, 250),
        "temperature": temp,
        "relative_humidity": np.clip(0.78 - 0.035 * (temp - mean_t) + rng.normal(0, 0.04, n), 0.45, 0.98),
    }
    columns = {}
    for name, v in values.items():
        text = pl.Series(name, np.round(v, 2 if name == "relative_humidity" else 1)).cast(pl.String)
        if name in POLLUTANTS:  # sensor gaps
            text = pl.select(pl.when(pl.Series(rng.random(n) >= 0.02)).then(text)).to_series().alias(name)
        columns[name] = text
    era = old_era(np.full(n, days_since_epoch(day)))
    district, ward = geo.keys(st["place"][s], era)
    frame = pl.DataFrame({
        "station_id": [st["id"][i] for i in s],
        "date_observed": [f"{day.isoformat()}T{int(x):02d}:00:00+07:00" for x in h],
        "lon": pl.Series(st["lon"][s]).cast(pl.String), "lat": pl.Series(st["lat"][s]).cast(pl.String),
        "district_code": pl.Series(district, dtype=pl.String), "ward_code": pl.Series(ward, dtype=pl.String),
        **columns,
    })
    defects = [d.replace("out_of_range", "pm25", lambda row, ctx: "-" + row["pm25"]),
               d.replace("out_of_range", "relative_humidity", lambda row, ctx: str(round(float(row["relative_humidity"]) * 100))),
               d.unknown_ward(), d.duplicate(), _future_observation(), d.missing("date_observed", "ward_code"),
               d.unparseable("temperature"), d.replace("out_of_range", "temperature", ["65.0", "-40.0"]),
               d.replace("out_of_range", "co", ["-1.0"])]
    return Table("environment", "air_quality_observations", delivery, "", frame, era, defects, fmt="json", group=s,
                 context={"station_ids": st["id"]})


def _future_observation() -> d.Defect:
    def apply(row, ctx):
        row["date_observed"] = ctx.future_date().isoformat() + row["date_observed"][10:]
    return d.Defect("date_in_future", apply, lambda row, ctx: row["date_observed"] is not None)


def _object(row: dict, value) -> dict:
    time = row["date_observed"]
    obj = {"id": f"urn:ngsi-ld:AirQualityObserved:{row['station_id']}:{time}", "type": "AirQualityObserved",
           "refDevice": row["station_id"], "dateObserved": time,
           "location": {"type": "Point", "coordinates": [float(row["lon"]), float(row["lat"])]}}
    if row["district_code"] is not None:
        obj["districtCode"] = row["district_code"]
    obj["wardCode"] = row["ward_code"]
    for column, key in JSON_NAMES.items():
        obj[key] = value(row[column], "float")
    return obj


def write(landing: Path, table: Table) -> list[Path]:
    ids = table.context["station_ids"]
    return writer.write_json_groups(landing, table, _object,
                                    lambda g: f"{ids[int(g)]}_{table.delivery.isoformat()}.json")
