"""Every SQL block of docs/analyst-guide.md runs against the published warehouse and answers, and each of the ten
questions answers what polars computes independently: from the tables the query reads, the staging tables or the
landing files, or, where the session's two days cannot tell a right query from a wrong one (a quarter, a
boundary value, several months), on a small warehouse built for the question."""

import datetime as dt
import math
import random
import re
from pathlib import Path

import duckdb
import polars as pl
import pytest

GUIDE = Path(__file__).parent.parent / "docs" / "analyst-guide.md"
QUERIES = re.findall(r"```sql\n(.*?)```", GUIDE.read_text(encoding="utf-8"), flags=re.S)
# Questions whose answer can legitimately be empty on a two-day sample (no quarter of history yet).
MAY_BE_EMPTY = {0}


def test_the_guide_has_ten_questions():
    assert len(re.findall(r"^### \d+\. ", GUIDE.read_text(encoding="utf-8"), flags=re.M)) == 10


@pytest.mark.parametrize("index", range(len(QUERIES)))
def test_guide_query_answers(lake_run, index):
    result = _answer(lake_run, index)
    if index not in MAY_BE_EMPTY:
        assert result, f"query {index + 1} returned nothing:\n{QUERIES[index]}"


# Independent answers, so that the guide cannot answer a different question (a filter, a window, a share).

def _round_like_duckdb(x: float, digits: int = 0) -> float:
    """DuckDB's round of a double: x·10ⁿ rounded half away from zero (Python's round goes half to even)."""
    scaled = abs(x) * 10 ** digits
    whole = math.floor(scaled)
    return math.copysign(whole + (scaled - whole >= 0.5), x) / 10 ** digits


def _answer(lake_run, index: int) -> list[tuple]:
    with duckdb.connect(str(lake_run.home / "warehouse.duckdb"), read_only=True) as con:
        return con.execute(QUERIES[index]).fetchall()


def _table(lake_run, name: str) -> pl.DataFrame:
    with duckdb.connect(str(lake_run.home / "warehouse.duckdb"), read_only=True) as con:
        return con.sql(f"select * from {name}").pl()


def _query_index(question: int) -> int:
    """The index in QUERIES of the first SQL block under question `question` of the guide."""
    text = GUIDE.read_text(encoding="utf-8")
    return text[:text.index(f"### {question}. ")].count("```sql\n")


def test_q3_lists_exactly_the_wards_under_55_percent_online_in_the_latest_month(lake_run):
    records = (_table(lake_run, "staging.procedure_records").sort("source_delivery")
               .unique("record_id", keep="last"))  # an open dossier re-delivered: its latest state counts
    month = records["submitted_at"].dt.truncate("1mo").dt.date()
    shares = (records.with_columns(month.alias("month")).filter(pl.col("month") == pl.col("month").max())
              .group_by("ward_code").agg((pl.col("channel") == "online").mean().alias("share")))
    below = set(shares.filter(pl.col("share") < 0.55)["ward_code"])
    answer = _answer(lake_run, _query_index(3))
    assert below and {row[0] for row in answer} == below


def test_q4_ranks_stops_by_their_taps_over_the_last_seven_days(lake_run):
    boardings = _table(lake_run, "staging.fare_card_taps")
    last = boardings["service_date"].max()
    recent = (boardings.filter(pl.col("service_date") > last - dt.timedelta(days=7))
              .group_by("stop_id").agg(pl.col("boardings").sum()))
    answer = _answer(lake_run, _query_index(4))
    counts = dict(recent.iter_rows())
    assert len(answer) == min(10, recent.height)
    assert all(counts[stop] == n for stop, *_, n in answer)  # each stop's own total
    # the busiest ones, busiest first (ties may come in any order)
    assert [n for *_, n in answer] == sorted(counts.values(), reverse=True)[:len(answer)]


def test_q8_counts_each_dataset_from_its_landing_files_and_injected_defects(lake_run):
    delivered: dict[str, int] = {}
    for path, rows in lake_run.delivered_rows().items():  # <agency>/<dataset>/<date>/<file>
        dataset = path.split("/")[1]
        delivered[dataset] = delivered.get(dataset, 0) + rows
    defective: dict[str, int] = {}  # the generator's record: every defective row, and only those, is quarantined
    for file, _ in {(d["file"], d["row"]) for d in lake_run.report.defects}:
        dataset = Path(file).relative_to(lake_run.home / "landing").parts[1]
        defective[dataset] = defective.get(dataset, 0) + 1
    answer = {row[0]: row for row in _answer(lake_run, _query_index(8))}
    assert {d: row[2] for d, row in answer.items()} == delivered
    assert {d: row[4] for d, row in answer.items()} == {d: defective.get(d, 0) for d in answer} and defective
    for dataset, (_, _, rows_in, published, quarantined, pct) in answer.items():
        assert published + quarantined == rows_in and pct == _round_like_duckdb(100 * quarantined / rows_in, 2), dataset


def test_q10_motorcycle_share_is_the_motorcycles_among_all_vehicles_of_the_hour(lake_run):
    counts = _table(lake_run, "staging.traffic_counts")
    by_hour = counts.group_by(pl.col("window_start").dt.hour().cast(pl.Int64).alias("hour")).agg(
        pl.col("intensity").sum().alias("vehicles"),
        pl.col("intensity").filter(pl.col("vehicle_type") == "motorcycle").sum().alias("motorcycles"))
    expected = {h: (v, _round_like_duckdb(m / v, 3)) for h, v, m in by_hour.iter_rows()}
    answer = _answer(lake_run, _query_index(10))
    assert {h: (v, share) for h, v, share, _ in answer} == expected
    assert any(0 < share < 1 for _, _, share, _ in answer)


def _answer_on(tables: dict[str, pl.DataFrame], question: int) -> list[tuple]:
    """The guide's query for `question` over a warehouse holding only `tables` (`schema.table` → frame)."""
    with duckdb.connect() as con:
        for name, frame in tables.items():
            con.execute(f"CREATE SCHEMA IF NOT EXISTS {name.split('.')[0]}")
            con.register("frame", frame)
            con.execute(f"CREATE TABLE {name} AS SELECT * FROM frame")
            con.unregister("frame")
        return con.execute(QUERIES[_query_index(question)]).fetchall()


def _wards(codes) -> pl.DataFrame:
    return pl.DataFrame({"ward_code": sorted(set(codes))}).with_columns(
        ("Phường " + pl.col("ward_code")).alias("ward_name"))


def test_q1_counts_distinct_days_above_150_in_the_last_complete_quarter_only():
    """The session's two days hold no complete quarter, so question 1 runs on a warehouse built for it: days
    around the quarter's bounds, two stations of one ward on the same day, a day at exactly 150."""
    q3 = [dt.date(2025, 7, 1) + dt.timedelta(days=d) for d in range(0, 92, 8)]  # 12 days of Q3, 1 Jul … 28 Sep
    q2 = [dt.date(2025, 4, 1) + dt.timedelta(days=d) for d in range(0, 88, 8)]  # 11 days of Q2
    days = [("A", d, 151) for d in q3[:11]] + [("A", q3[0], 170)]  # 11 days above, one of them at two stations
    days += [("B", d, 180) for d in q3[:10]] + [("B", q3[0], 200), ("B", q3[10], 150)]  # 10 days above, one at 150
    days += [("C", d, 160) for d in q3[:6]] + [("C", dt.date(2025, 10, d), 160) for d in range(1, 7)]  # Q4 is open
    days += [("D", d, 170) for d in q2]  # the quarter before
    days += [("E", dt.date(2025, 11, 20), 90)]  # the latest day observed: Q4 is the current quarter
    daily = pl.DataFrame(days, schema={"ward_code": pl.String, "date": pl.Date, "vn_aqi": pl.Int64}, orient="row")
    answer = _answer_on({"mart.air_quality_daily": daily, "ref.wards_2025": _wards(daily["ward_code"])}, 1)
    latest = daily["date"].max()
    q_end = dt.date(latest.year, 3 * ((latest.month - 1) // 3) + 1, 1)
    q_start = dt.date(q_end.year - (q_end.month == 1), (q_end.month - 4) % 12 + 1, 1)
    above = (daily.filter(pl.col("date").is_between(q_start, q_end, closed="left") & (pl.col("vn_aqi") > 150))
             .group_by("ward_code").agg(pl.col("date").n_unique().alias("days")).filter(pl.col("days") > 10))
    assert {(w, n) for w, _, n in answer} == set(above.iter_rows()) == {("A", 11)}


def test_q2_sums_each_wards_tax_and_permits_over_every_month():
    """On a ward profile built for it: several months per ward, a ward without permits, more than 20 wards."""
    rng = random.Random(2)
    months = [dt.date(2025, m, 1) for m in (5, 6, 7)]
    profile = pl.DataFrame([(f"{w:05d}", m, 10**12 if w == 3 else rng.randrange(10**9, 10**11),  # ward 3: no permits
                             0 if w == 3 else rng.randrange(0, 6),
                             rng.uniform(0, 900)) for w in range(1, 30) for m in months],
                           schema=["ward_code", "month", "tax_collected_vnd", "permits_issued",
                                   "permitted_floor_area_m2"], orient="row")
    profile = profile.join(_wards(profile["ward_code"]), on="ward_code")
    totals = profile.group_by("ward_code").agg(pl.col("tax_collected_vnd").sum(), pl.col("permits_issued").sum(),
                                               pl.col("permitted_floor_area_m2").sum())
    expected = {w: (tax, permits, area) for w, tax, permits, area in totals.iter_rows()}
    answer = _answer_on({"mart.ward_profile": profile}, 2)
    assert len(answer) == 20 and answer[0][5] is None  # the ward without permits, tax per permit undefined
    for ward, _, tax, permits, area, per_permit in answer:
        assert (tax, permits) == expected[ward][:2] and area == pytest.approx(expected[ward][2])
        assert per_permit == (_round_like_duckdb(tax / permits) if permits else None)
    assert [row[2] for row in answer] == sorted((t for t, _, _ in expected.values()), reverse=True)[:20]


def test_q5_shows_births_suppressed_below_five_and_every_suppressed_ward_month(lake_run):
    counts = None
    for kind in ("birth", "death", "marriage"):
        per = (_table(lake_run, f"staging.{kind}_registrations").group_by("ward_code", "registration_month")
               .agg(pl.len().alias(kind)))
        counts = per if counts is None else counts.join(per, on=["ward_code", "registration_month"], how="full",
                                                        coalesce=True)
    wards = set(_table(lake_run, "ref.wards_2025")["ward_code"])
    expected = set()
    for ward, month, births, deaths, marriages in counts.fill_null(0).iter_rows():
        suppressed = any(1 <= n < 5 for n in (births, deaths, marriages))
        if ward in wards and (births > 0 or suppressed):
            expected.add((ward, month, None if 1 <= births < 5 else births, suppressed))
    answer = {(ward, month, births, suppressed) for ward, _, month, births, suppressed in _answer(lake_run, _query_index(5))}
    assert expected and answer == expected


def test_q6_describes_the_two_latest_days_of_air():
    """On days built for it: stations at exactly 100, an older day, a clear usual pollutant each day."""
    stations = [(dt.date(2025, 7, 3), aqi, p) for aqi, p in [(100, "pm25"), (101, "pm25"), (250, "pm10"), (40, "pm25")]]
    stations += [(dt.date(2025, 7, 2), aqi, p) for aqi, p in [(99, "pm10"), (100, "pm10"), (180, "o3")]]
    stations += [(dt.date(2025, 7, 1), 300, "pm25")]
    daily = pl.DataFrame(stations, schema={"date": pl.Date, "vn_aqi": pl.Int64, "dominant_pollutant": pl.String},
                         orient="row")
    answer = _answer_on({"mart.air_quality_daily": daily}, 6)
    assert [row[0] for row in answer] == sorted(daily["date"].unique(), reverse=True)[:2]
    for date, mean, worst, usual, above_100 in answer:
        day = daily.filter(pl.col("date") == date)
        assert (mean, worst, above_100) == (_round_like_duckdb(day["vn_aqi"].mean(), 1), day["vn_aqi"].max(),
                                            day.filter(pl.col("vn_aqi") > 100).height)
        assert usual == day["dominant_pollutant"].mode().item()


def test_q7_lists_the_split_wards_and_where_their_records_go(lake_run):
    crosswalk = _table(lake_run, "ref.ward_crosswalk")
    split = (crosswalk.group_by("district_name", "ward_name_before")
             .agg(pl.len().alias("successors"), pl.col("ward_name_2025").filter(pl.col("is_default")).first().alias("to"),
                  pl.col("ward_name_2025"))
             .filter(pl.col("successors") > 1))
    expected = {(d, w): (n, to, sorted(names)) for d, w, n, to, names in split.iter_rows()}
    answer = _answer(lake_run, _query_index(7))
    assert expected and len(answer) == len(expected)
    for district, ward, successors, goes_to, listed in answer:
        n, to, names = expected[(district, ward)]
        assert (successors, goes_to) == (n, to)
        assert sorted(re.sub(r" \([0-9.]+\)$", "", part) for part in listed.split(", ")) == names


def test_q9_ranks_wards_by_active_businesses_per_km2_in_the_latest_month(lake_run):
    profile = _table(lake_run, "mart.ward_profile")
    latest = profile.filter(pl.col("month") == pl.col("month").max()).join(
        _table(lake_run, "ref.wards_2025"), on="ward_code")
    density = {w: _round_like_duckdb(n / area, 1) for w, n, area in latest.select("ward_code", "active_businesses", "area_km2").iter_rows()}
    answer = _answer(lake_run, _query_index(9))
    assert len(answer) == min(15, len(density)) and answer[0][4] > 0
    assert all(density[ward] == per_km2 for ward, *_, per_km2 in answer)
    assert [row[4] for row in answer] == sorted(density.values(), reverse=True)[:len(answer)]
