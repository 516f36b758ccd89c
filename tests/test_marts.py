"""Each mart's figures, recomputed independently in the test (plain Python over staging rows, or the
landing files themselves) and compared with what the lake published."""

import datetime as dt
import math
from collections import defaultdict
from pathlib import Path

import duckdb
import polars as pl
import pytest

SMALL = 5


@pytest.fixture(scope="module")
def wh(lake_run):
    con = duckdb.connect(str(Path(lake_run.home) / "warehouse.duckdb"), read_only=True)
    yield con
    con.close()


def rows(con, sql):
    cur = con.execute(sql)
    names = [d[0] for d in cur.description]
    return [dict(zip(names, r)) for r in cur.fetchall()]


def month(d) -> dt.date:
    return dt.date(d.year, d.month, 1)


def test_transit_daily_matches_the_delivered_taps_minus_quarantine(lake_run, wh):
    quarantined = {(r["source_file"], r["row_number"]) for r in rows(wh, "select * from quarantine.fare_card_taps")}
    expected = defaultdict(int)
    landing = Path(lake_run.home) / "landing"
    for path in (p for p in lake_run.report.files if "fare_card_taps" in str(p)):
        rel = path.relative_to(landing).as_posix()
        for i, tap in enumerate(pl.read_csv(path, infer_schema=False).iter_rows(named=True), start=1):
            if (rel, i) not in quarantined:
                expected[(tap["tapped_at"][:10], tap["route_id"], tap["stop_id"])] += 1
    published = {(str(r["service_date"]), r["route_id"], r["stop_id"]): r["boardings"]
                 for r in rows(wh, "select * from mart.transit_daily")}
    assert published == dict(expected)
    stops = {r["stop_id"]: r["ward_code"] for r in rows(wh, "select stop_id, ward_code from staging.transit_stops")}
    for r in rows(wh, "select * from mart.transit_daily"):
        assert r["ward_code"] == stops.get(r["stop_id"])


def _daily_aqi_by_hand(hours: dict) -> int | None:
    """Daily VN_AQI from one station-day of hourly values: the rules of vietnam-rules.md, written out again."""
    table = {"pm25": [0, 25, 50, 80, 150, 250, 350, 500], "pm10": [0, 50, 150, 250, 350, 420, 500, 600],
             "no2": [0, 100, 200, 700, 1200, 2350, 3100, 3850], "so2": [0, 125, 350, 550, 800, 1600, 2100, 2630],
             "co": [0, 10000, 30000, 45000, 60000, 90000, 120000, 150000],
             "o3": [0, 160, 200, 300, 400, 800, 1000, 1200]}
    o3_8h = [0, 100, 120, 170, 210, 400]
    levels = [0, 50, 100, 150, 200, 300, 400, 500]

    def sub(bps, c):
        if c is None:
            return None
        for i in range(1, len(bps)):
            if c <= bps[i]:
                return levels[i - 1] + (levels[i] - levels[i - 1]) / (bps[i] - bps[i - 1]) * (c - bps[i - 1])
        return 500.0

    def series(p):
        return [hours.get(h, {}).get(p) for h in range(24)]

    subs = {}
    for p in ("pm25", "pm10"):
        present = [v for v in series(p) if v is not None]
        subs[p] = sub(table[p], sum(present) / len(present)) if len(present) >= 18 else None
    for p in ("no2", "so2", "co"):
        present = [v for v in series(p) if v is not None]
        subs[p] = sub(table[p], max(present)) if present else None
    o3 = series("o3")
    present = [v for v in o3 if v is not None]
    one_hour = sub(table["o3"], max(present)) if present else None
    means = []
    for start in range(17):
        window = [v for v in o3[start:start + 8] if v is not None]
        if len(window) >= 6:
            means.append(sum(window) / len(window))
    eight = sub(o3_8h, max(means)) if means and max(means) <= 400 else None
    subs["o3"] = max((s for s in (one_hour, eight) if s is not None), default=None)
    if subs["pm25"] is None and subs["pm10"] is None:
        return None
    return math.floor(round(max(s for s in subs.values() if s is not None), 9) + 0.5)


def test_air_quality_daily_index_recomputed_by_hand(wh):
    by_day = defaultdict(dict)
    for r in rows(wh, "select * from staging.air_quality_observations"):
        by_day[(r["station_id"], r["date_observed"].date())][r["date_observed"].hour] = r
    published = {(r["station_id"], r["date"]): r for r in rows(wh, "select * from mart.air_quality_daily")}
    assert set(published) == set(by_day)
    for key, hours in by_day.items():
        assert published[key]["vn_aqi"] == _daily_aqi_by_hand(hours), key


def test_ward_profile_recomputed_from_staging(wh):
    profile = {(r["ward_code"], r["month"]): r for r in rows(wh, "select * from mart.ward_profile")}
    assert len(profile) == 126 * len({m for _, m in profile})

    suppressed = set()  # ward-months with some civil-status count of 1-4
    for table, column in (("birth_registrations", "births"), ("death_registrations", "deaths"),
                          ("marriage_registrations", "marriages")):
        counts = defaultdict(int)
        for r in rows(wh, f"select ward_code, registration_month from staging.{table}"):
            counts[(r["ward_code"], r["registration_month"])] += 1
        for key, r in profile.items():
            n = counts.get(key, 0)
            assert r[column] == (None if 1 <= n < SMALL else n), (table, key)
            if 1 <= n < SMALL:
                suppressed.add(key)
    assert 0 < len(suppressed) < len(profile)  # the sample has ward-months of both kinds
    for key, r in profile.items():
        assert r["civil_status_suppressed"] == (key in suppressed), key

    permits, area = defaultdict(int), defaultdict(float)
    for r in rows(wh, "select ward_code, issue_date, floor_area_m2 from staging.construction_permits"):
        permits[(r["ward_code"], month(r["issue_date"]))] += 1
        area[(r["ward_code"], month(r["issue_date"]))] += r["floor_area_m2"]
    ward_of = {r["taxpayer_key"]: r for r in rows(wh, "select * from staging.business_registrations")}
    tax = defaultdict(int)
    for r in rows(wh, "select taxpayer_key, paid_on, amount_vnd from staging.tax_payments"):
        if r["taxpayer_key"] in ward_of:
            tax[(ward_of[r["taxpayer_key"]]["ward_code"], month(r["paid_on"]))] += r["amount_vnd"]
    traffic = defaultdict(int)
    for r in rows(wh, "select ward_code, window_start, intensity from staging.traffic_counts"):
        traffic[(r["ward_code"], month(r["window_start"]))] += r["intensity"]
    stop_ward = {r["stop_id"]: r["ward_code"] for r in rows(wh, "select * from staging.transit_stops")}
    boardings = defaultdict(int)
    for r in rows(wh, "select stop_id, service_date, boardings from staging.fare_card_taps"):
        if r["stop_id"] in stop_ward:
            boardings[(stop_ward[r["stop_id"]], month(r["service_date"]))] += r["boardings"]
    air = defaultdict(list)
    for r in rows(wh, "select ward_code, date, vn_aqi from mart.air_quality_daily where vn_aqi is not null"):
        air[(r["ward_code"], month(r["date"]))].append(r)

    for (ward, m), r in profile.items():
        key = (ward, m)
        assert r["permits_issued"] == permits.get(key, 0)
        assert r["permitted_floor_area_m2"] == pytest.approx(area.get(key, 0.0))
        assert r["tax_collected_vnd"] == tax.get(key, 0)
        assert r["traffic_intensity"] == traffic.get(key, 0)
        assert r["transit_boardings"] == boardings.get(key, 0)
        active = sum(1 for b in ward_of.values() if b["ward_code"] == ward and b["status"] == "active"
                     and b["registration_date"] < dt.date(m.year + m.month // 12, m.month % 12 + 1, 1))
        assert r["active_businesses"] == active
        days = air.get(key, [])
        if days:
            assert r["aqi_max"] == max(d["vn_aqi"] for d in days)
            assert r["aqi_mean"] == pytest.approx(sum(d["vn_aqi"] for d in days) / len(days))
            assert r["days_aqi_above_100"] == len({d["date"] for d in days if d["vn_aqi"] > 100})


def test_online_public_services_use_the_latest_state_of_each_dossier(wh):
    latest = {}
    for r in rows(wh, "select * from staging.procedure_records order by source_delivery"):
        latest[r["record_id"]] = r  # later deliveries overwrite earlier states
    groups = defaultdict(list)
    for r in latest.values():
        groups[(r["ward_code"], month(r["submitted_at"]))].append(r)
    published = {(r["ward_code"], r["month"]): r for r in rows(wh, "select * from mart.online_public_services")}
    assert set(published) == set(groups)
    for key, dossiers in groups.items():
        p = published[key]
        online = sum(d["channel"] == "online" for d in dossiers) / len(dossiers)
        resolved = [d for d in dossiers if d["resolved_at"] is not None]
        assert p["procedures_received"] == len(dossiers)
        assert p["share_online"] == pytest.approx(online)
        assert p["share_level_3_4"] == pytest.approx(sum(d["online_service_level"] >= 3 for d in dossiers) / len(dossiers))
        assert p["share_resolved_on_time"] == (
            pytest.approx(sum(d["resolved_on_time"] for d in resolved) / len(resolved)) if resolved else None)
        assert p["below_target"] == (online < 0.55)
