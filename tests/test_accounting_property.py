"""Property: whatever a delivery looks like, every row is published or quarantined, and nothing else.

Hypothesis builds deliveries of construction permits and tax payments from clean rows and random
defects (damaged IDs, dates and amounts, missing values, repeated rows and keys, random text with
delimiters, quotes and newlines, extra or missing columns and fields, legacy encodings, semicolons,
stray bytes), and runs them through the real `ingest_raw` and `stage` on a fresh lake (the corpus
test covers the Dagster path). For every delivery: the file is rejected whole with a reason, or
rows in = rows delivered = published + quarantined; and the published table honours its shared
contract.
"""

from __future__ import annotations

import csv
import io
import tempfile
from pathlib import Path

import polars as pl
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assets.common.ingest import ingest_raw, tables
from assets.common.staging import stage
from assets.common.pseudonyms import Pseudonymiser
from assets.tax import TAX_PAYMENTS
from assets.urban_planning import CONSTRUCTION_PERMITS
from tests import rows
from warehouse.lake import Lake

KEY = Pseudonymiser("property-test-key-0123")
TEMPLATES = {CONSTRUCTION_PERMITS.name: rows.PERMIT, TAX_PAYMENTS.name: rows.PAYMENT}
KEYS = {CONSTRUCTION_PERMITS.name: ("permit_number", "{}/GPXD"), TAX_PAYMENTS.name: ("payment_id", "KB{:012d}")}
VALUE_DEFECTS = ["", "  ", "45840", "1.0E+09", "100109106", "31/02/2025", "07/13/2025", "2025-07-02 08:30:00",
                 "15.000.000", "1,234", "1.234", "-1", "0", "999999999999999999999", "CÃ´ng ty", "Nguye\u0302\u0303n",
                 "x" * 5000, '"quoted, with comma"', "line\nbreak", "semi;colon", "NULL", "n/a"]
TEXT = st.text(st.sampled_from(list("aăâđêôơư ,;\"'\n\t0123456789/-.ÃễẠ")), max_size=12)
ENCODINGS = ["utf-8", "utf-8-sig", "utf-16", "utf-32", "cp1258", "cp1252"]


@st.composite
def deliveries(draw, spec_name: str, first_key: int):
    """(file name, bytes, data rows written, keys of the clean records, whether the file must be read) of one
    delivery with random defects. A clean record has no defect, is no repeat and has its fields; the file must be
    read when its header is whole, no row is ragged and no stray byte was added to a UTF encoding (in a legacy
    one, random bytes can make the file look like damaged UTF-8, which is refused)."""
    template = dict(TEMPLATES[spec_name])
    key_column, key_format = KEYS[spec_name]
    header = list(template)
    if draw(st.booleans()):
        header.append("ghi_chu")  # an unknown column
    whole_header = draw(st.integers(0, 9)) != 0
    if not whole_header:
        header.remove(draw(st.sampled_from(list(template))))  # a required column missing
    records, row, clean, ragged = [], {}, [], False
    for i in range(draw(st.integers(0, 8))):
        repeat = bool(row) and draw(st.integers(0, 5)) == 0  # the same row again
        if not repeat:
            row = {**template, "ghi_chu": "x", key_column: key_format.format(first_key + i)}
            damaged = draw(st.lists(st.sampled_from(header), max_size=3))
            for column in damaged:
                row[column] = draw(st.one_of(st.sampled_from(VALUE_DEFECTS), TEXT))
        record = [row.get(c, "") for c in header]
        if draw(st.integers(0, 40)) == 0:
            record = record + ["extra"] if draw(st.booleans()) else record[:-1]  # a ragged row
            ragged = True
        elif not repeat and not damaged:
            clean.append(row[key_column])
        records.append(record)
    separator = draw(st.sampled_from([",", ",", ";"]))
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=separator, lineterminator=draw(st.sampled_from(["\n", "\r\n"])))
    writer.writerow(header)
    writer.writerows(records)
    encoding = draw(st.sampled_from(ENCODINGS))
    data = buffer.getvalue().encode(encoding, errors="replace")
    stray = draw(st.integers(0, 20)) == 0
    if stray:
        cut = draw(st.integers(0, len(data)))
        data = data[:cut] + bytes([draw(st.sampled_from([0x81, 0x8D, 0xFF, 0x00]))]) + data[cut:]  # a stray byte
    must_be_read = whole_header and not ragged and not stray and encoding.startswith("utf")
    # a stray byte may land in a clean record (a NUL is a control character there): then no record is sure to be clean
    return f"d{first_key}.csv", data, len(records), clean if whole_header and not stray else [], must_be_read


@st.composite
def scenarios(draw):
    spec = draw(st.sampled_from([CONSTRUCTION_PERMITS, TAX_PAYMENTS]))
    first = draw(deliveries(spec.name, 100))
    second = draw(deliveries(spec.name, draw(st.sampled_from([104, 200]))))  # 104 repeats some keys of the first
    return spec, [first, second]


def _count(files, expr=pl.len()) -> int:
    return int(pl.scan_parquet(files, hive_partitioning=True).select(expr).collect().item()) if files else 0


@settings(max_examples=30, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(scenarios())
def test_every_delivered_row_is_published_or_quarantined(scenario):
    spec, delivered = scenario
    with tempfile.TemporaryDirectory() as home:
        lake = Lake(Path(home))
        for day, (name, data, *_) in zip(("2025-07-05", "2025-07-06"), delivered):
            path = lake.landing / spec.agency / spec.name / day / name
            path.parent.mkdir(parents=True)
            path.write_bytes(data)
        report = ingest_raw(spec, lake)
        stage(spec, lake, KEY)

        raw, staging, quarantine = tables(spec, lake)
        rejected = {r.relative_path.rsplit("/", 1)[1] for r in report.rejected}
        staged = staging.deliveries()
        published_keys = set()
        for day, (name, _, written, clean, must_be_read) in zip(("2025-07-05", "2025-07-06"), delivered):
            delivery = f"{day}/{name}"
            assert not (must_be_read and name in rejected), report.rejected
            if name in rejected or raw.deliveries()[delivery].get("duplicate_of"):
                assert raw.deliveries()[delivery].get("rejected") or name not in rejected, "rejected without a reason"
                assert delivery not in staged, "rows published from a file that was not ingested"
                continue
            rows_in = _count(raw.files(only_delivery=delivery))
            published = _count(staging.files(only_delivery=delivery))
            quarantined = _count(quarantine.files(only_delivery=delivery), pl.col("row_number").n_unique())
            assert rows_in == written, "the reader lost or invented rows"
            assert rows_in == published + quarantined
            assert (staged[delivery]["rows_in"], staged[delivery]["rows_published"],
                    staged[delivery]["rows_quarantined"]) == (rows_in, published, quarantined)
            mine = set(pl.scan_parquet(staging.files(only_delivery=delivery), hive_partitioning=True)
                       .select(KEYS[spec.name][0]).collect().to_series()) if published else set()
            # every clean record is published, unless the day before published its key (the second delivery
            # may reuse the first's keys: a key published twice is quarantined in the later delivery)
            assert set(clean) - published_keys <= mine, "a clean record was not published"
            published_keys |= mine
        scan = staging.scan()
        if scan is not None:
            spec.shared_model.validate(scan.drop("period", strict=False).collect(), lazy=True)
