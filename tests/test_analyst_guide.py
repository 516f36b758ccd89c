"""Every SQL block of docs/analyst-guide.md runs against the published warehouse and answers."""

import re
from pathlib import Path

import duckdb
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
