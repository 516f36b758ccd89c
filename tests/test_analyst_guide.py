"""Every SQL block of docs/analyst-guide.md runs against the published warehouse and answers; four of them
answer what polars computes from the staging tables and the landing files."""

import datetime as dt
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
    with duckdb.connect(str(lake_run.home / "warehouse.duckdb"), read_only=True) as con:
        result = con.execute(QUERIES[index]).fetchall()
    if index not in MAY_BE_EMPTY:
        assert result, f"query {index + 1} returned nothing:\n{QUERIES[index]}"


# Independent answers, computed in polars from the staging tables, for the questions whose SQL could
# go subtly wrong (a filter, a window, a share), so the guide cannot answer a different question.

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


def test_q8_counts_each_dataset_from_its_landing_files(lake_run):
    delivered: dict[str, int] = {}
    for path, rows in lake_run.delivered_rows().items():  # <agency>/<dataset>/<date>/<file>
        dataset = path.split("/")[1]
        delivered[dataset] = delivered.get(dataset, 0) + rows
    answer = {row[0]: row for row in _answer(lake_run, _query_index(8))}
    assert {d: row[2] for d, row in answer.items()} == delivered
    for dataset, (_, _, rows_in, published, quarantined, pct) in answer.items():
        assert published + quarantined == rows_in and pct == round(100 * quarantined / rows_in, 2), dataset


def test_q10_motorcycle_share_is_the_motorcycles_among_all_vehicles_of_the_hour(lake_run):
    counts = _table(lake_run, "staging.traffic_counts")
    by_hour = counts.group_by(pl.col("window_start").dt.hour().cast(pl.Int64).alias("hour")).agg(
        pl.col("intensity").sum().alias("vehicles"),
        pl.col("intensity").filter(pl.col("vehicle_type") == "motorcycle").sum().alias("motorcycles"))
    expected = {h: (v, round(m / v, 3)) for h, v, m in by_hour.iter_rows()}
    answer = _answer(lake_run, _query_index(10))
    assert {h: (v, share) for h, v, share, _ in answer} == expected
    assert any(0 < share < 1 for _, _, share, _ in answer)
