"""Public transport: the GTFS-style stop list (first day) and the daily fare-card taps (previous day).

Taps are the big feed (1.5 million a day at scale 1): drawn as numpy arrays, formatted by polars.
Routes are fixed, each with its own ordered stops from the stop list.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import polars as pl

from sample_deliveries import defects as d
from sample_deliveries import geo
from sample_deliveries.common import (TRANSIT_WEEK, Run, Table, datetime_series, days_since_epoch, old_era,
                                      weighted_choice)

STREETS = ["Nguyễn Trãi", "Cầu Giấy", "Xuân Thủy", "Giải Phóng", "Tây Sơn", "Láng", "Kim Mã", "Phạm Văn Đồng",
           "Lê Duẩn", "Trần Hưng Đạo", "Hai Bà Trưng", "Bà Triệu", "Đội Cấn", "Hoàng Quốc Việt", "Trường Chinh",
           "Minh Khai", "Nguyễn Văn Cừ", "Ngọc Lâm", "Lạc Long Quân", "Âu Cơ", "Nghi Tàm", "Trần Duy Hưng",
           "Lê Văn Lương", "Tố Hữu", "Quang Trung", "Nguyễn Xiển", "Kim Giang", "Tam Trinh", "Lĩnh Nam",
           "Phạm Hùng", "Hồ Tùng Mậu", "Cổ Nhuế", "Nguyễn Văn Linh", "Ngô Gia Tự", "Thụy Khuê", "Hoàng Hoa Thám",
           "Văn Cao", "Liễu Giai", "Nguyễn Chí Thanh", "Chùa Bộc", "Thái Hà", "Đại La", "Bạch Mai", "Lò Đúc",
           "Quốc lộ 1A", "Quốc lộ 32", "Đại lộ Thăng Long", "Vành đai 3", "Hà Đông", "Phúc Diễn"]
LANDMARKS = ["Bến xe Mỹ Đình", "Bến xe Giáp Bát", "Bến xe Yên Nghĩa", "Bến xe Gia Lâm", "Bệnh viện Bạch Mai",
             "ĐH Bách Khoa", "ĐH Quốc gia", "Công viên Thống Nhất", "Bờ Hồ", "Times City", "Royal City",
             "Sân vận động Mỹ Đình", "Cầu Long Biên", "Chợ Đồng Xuân", "Công viên Cầu Giấy", "Aeon Mall Long Biên"]
ROUTES = ["01", "02", "03A", "03B", "04", "05", "06A", "06B", "07", "08A", "08B", "09A", "10A", "10B", "11",
          "12", "13", "14", "15", "16", "17", "18", "19", "20A", "20B", "21A", "21B", "22A", "22B", "23", "24",
          "25", "26", "27", "28", "29", "30", "31", "32", "33", "34", "35A", "36", "37", "38", "39", "40A",
          "41", "42", "43", "44", "45", "46", "47A", "48", "49", "50", "51", "52A", "53A", "54", "55A", "56A",
          "57", "58", "86", "90", "93", "96", "99", "100", "106", "107", "108", "142", "146", "M2A", "M3"]
METRO_STATIONS = {"M2A": 12, "M3": 8}


def stops(run: Run) -> dict:
    """The fixed stop list: ids, names, coordinates and the place (old + 2025 keys) of each stop."""
    def build():
        rng = run.rng("transit_stops")
        n = min(9999, run.volume(4000, 30))
        place = geo.pick(rng, n)
        p = geo.places()
        number = rng.integers(1, 400, n).astype(str).astype(object)
        prefix = weighted_choice(rng, ["Số ", "Đối diện ", "Cạnh ", "Qua "], [5, 3, 1, 1], n)
        street = np.asarray(STREETS, dtype=object)[rng.integers(0, len(STREETS), n)]
        landmark = np.asarray(LANDMARKS, dtype=object)[rng.integers(0, len(LANDMARKS), n)]
        name = np.where(rng.random(n) < 0.12, landmark + " - " + street, prefix + number + " " + street)
        return {"id": [f"HN-S{i + 1:04d}" for i in range(n)], "name": name.tolist(), "place": place,
                "lat": np.round(p.lat[place] + rng.normal(0, 0.004, n), 6),
                "lon": np.round(p.lon[place] + rng.normal(0, 0.004, n), 6)}
    return run.cached("transit_stops", build)


def transit_stops(run: Run, delivery: dt.date) -> Table:
    s = stops(run)
    n = len(s["id"])
    era = old_era(np.full(n, days_since_epoch(delivery)))  # a stop list is keyed in its delivery's era
    district, ward = geo.keys(s["place"], era)
    frame = pl.DataFrame({"stop_id": s["id"], "stop_name": s["name"], "stop_lat": s["lat"], "stop_lon": s["lon"],
                          "district_code": pl.Series(district, dtype=pl.String),
                          "ward_code": pl.Series(ward, dtype=pl.String)}).cast(pl.String)
    defects = [d.unknown_ward(), d.duplicate(), d.missing("stop_name", "stop_id"),
               d.Defect("out_of_range", lambda row, ctx: row.update(stop_lat=row["stop_lon"], stop_lon=row["stop_lat"])),
               d.replace("bad_format", "stop_id", lambda row, ctx: row["stop_id"].replace("HN-S", "S")),
               d.unparseable("stop_lat", lambda row, ctx: row["stop_lat"].replace(".", ","))]
    return Table("transport", "transit_stops", delivery, f"stops_{delivery.isoformat()}.csv", frame, era, defects)


def routes(run: Run) -> dict:
    """Each route's ordered stops (along a random direction) and its share of the taps."""
    def build():
        rng = run.rng("transit_routes")
        s = stops(run)
        n_stops = len(s["id"])
        ordered, weight = [], []
        for r in ROUTES:
            k = min(n_stops, METRO_STATIONS.get(r, int(rng.integers(18, 46))))
            chosen = rng.choice(n_stops, size=k, replace=False)
            angle = rng.uniform(0, np.pi)
            along = s["lon"][chosen] * np.cos(angle) + s["lat"][chosen] * np.sin(angle)
            ordered.append(chosen[np.argsort(along, kind="stable")])
            weight.append(3.5 if r == "M2A" else 2.0 if r == "M3" else rng.lognormal(0, 0.6))
        lengths = np.array([len(o) for o in ordered])
        return {"flat": np.concatenate(ordered), "offset": np.r_[0, np.cumsum(lengths)[:-1]], "length": lengths,
                "weight": np.array(weight) / np.sum(weight)}
    return run.cached("transit_routes", build)


def _tap_seconds(rng: np.random.Generator, n: int) -> np.ndarray:
    """Seconds after midnight in 05:00-22:30, with morning and evening peaks."""
    part = rng.choice(3, size=n, p=[0.3, 0.28, 0.42])
    sec = np.where(part == 0, rng.normal(7.5 * 3600, 0.9 * 3600, n),
                   np.where(part == 1, rng.normal(17.5 * 3600, 1.1 * 3600, n), rng.uniform(5 * 3600, 22.5 * 3600, n)))
    outside = (sec < 5 * 3600) | (sec > 22.5 * 3600)
    sec[outside] = rng.uniform(5 * 3600, 22.5 * 3600, int(outside.sum()))
    return sec.astype(np.int64)


def fare_card_taps(run: Run, delivery: dt.date) -> Table:
    n = run.volume(1_500_000, 20, delivery - dt.timedelta(days=1), TRANSIT_WEEK)
    return tap_table(run, delivery, run.rng("taps", delivery), n, run.volume(600_000, 10))


def tap_table(run: Run, delivery: dt.date, rng: np.random.Generator, n: int, n_cards: int,
              first_card: int = 0) -> Table:
    """About `n` taps of the day before `delivery` by cards first_card … first_card + n_cards - 1."""
    day = delivery - dt.timedelta(days=1)
    r, s = routes(run), stops(run)
    route = rng.choice(len(ROUTES), size=n, p=r["weight"])
    stop = r["flat"][r["offset"][route] + (rng.random(n) * r["length"][route]).astype(np.int64)]
    card = rng.integers(0, n_cards, n) + first_card
    sec = _tap_seconds(rng, n)
    order = np.lexsort((card, sec))
    route, stop, card, sec = route[order], stop[order], card[order], sec[order]
    keep = np.r_[True, (sec[1:] != sec[:-1]) | (card[1:] != card[:-1])]  # one tap per card and second
    route, stop, card, sec = route[keep], stop[keep], card[keep], sec[keep]
    card_no = 1_000_000_000 + (card * 2_654_435_761 + run.seed) % 9_000_000_000  # 10 digits, one per card
    frame = pl.DataFrame([
        pl.Series("card_id", card_no).cast(pl.String),
        pl.Series("route_id", ROUTES).gather(route),
        pl.Series("stop_id", s["id"]).gather(stop),
        datetime_series("tapped_at", days_since_epoch(day) * 86400 + sec).dt.strftime("%Y-%m-%dT%H:%M:%S"),
    ])
    defects = [d.replace("bad_format", "card_id", lambda row, ctx: row["card_id"][1:]), d.duplicate(),
               d.future_datetime("tapped_at"), d.missing("card_id", "stop_id", "tapped_at", "route_id"),
               d.replace("bad_format", "route_id", ["BRT01", "1", "XE"]),
               d.replace("bad_format", "stop_id", lambda row, ctx: row["stop_id"][:5] + row["stop_id"][7:]),
               d.unparseable("tapped_at", ["abc", "23/06/2025 07:15", "2025-06-23 25:61:00"])]
    return Table("transport", "fare_card_taps", delivery, f"taps_{delivery.isoformat()}.csv",
                 frame, np.zeros(frame.height, bool), defects)
