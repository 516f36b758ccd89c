"""Large deliveries are staged in row batches: the published and quarantined rows are those of one frame."""

import dagster as dg
import polars as pl
import pytest
from polars.testing import assert_frame_equal

from assets.common import batches, staging
from assets.common.factory import dataset_assets
from assets.transport import FARE_CARD_TAPS
from pipelines.resources import LakeResource
from sample_deliveries.taps_bulk import write_taps
from tests.conftest import TEST_KEY


def _stage(home, csv) -> tuple[pl.DataFrame, pl.DataFrame]:
    target = home / "landing/transport/fare_card_taps/2025-07-02/taps.csv"
    target.parent.mkdir(parents=True)
    target.write_bytes(csv.read_bytes())
    result = dg.materialize(dataset_assets(FARE_CARD_TAPS), partition_key="2025-07-02",
                            resources={"lake": LakeResource(home=str(home), pseudonym_key=TEST_KEY)})
    assert result.success
    lake = home / "lake"
    staging = pl.read_parquet(lake / "staging/fare_card_taps/**/*.parquet", hive_partitioning=True)
    quarantine = pl.read_parquet(lake / "quarantine/fare_card_taps/*.parquet")
    return (staging.drop("period").sort("service_date", "hour", "route_id", "stop_id"),
            quarantine.sort("row_number", "column", "rule"))


SPACED, ISO = "0123456789,32,HN-S0001,2025-07-01 08:00:00", "0123456789,32,HN-S0001,2025-07-01T08:00:00"


@pytest.fixture(scope="module")
def taps_with_a_late_repeat(tmp_path_factory):
    """3 000 generated taps (with their defects) plus, at the end, a repeat of the key of data row 3 and a
    repeat of data row 5's, which row 5 wrote with a space instead of the ISO "T" (the same instant)."""
    folder = tmp_path_factory.mktemp("taps")
    csv = folder / "taps.csv"
    write_taps(csv, 3000)
    lines = csv.read_text().splitlines()
    lines[5] = SPACED
    csv.write_text("\n".join([*lines, lines[3], ISO]) + "\n")
    return csv, len(lines)  # the repeats are data rows len(lines) and len(lines) + 1


@pytest.fixture(scope="module")
def staged_in_batches(tmp_path_factory, taps_with_a_late_repeat):
    """The delivery staged 400 rows at a time (8 batches), their boardings folded together every few batches."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(batches, "BATCH_ROWS", 400)
        mp.setattr(staging, "_COMBINE_ROWS", 600)  # a batch's boardings: about 300 rows
        return _stage(tmp_path_factory.mktemp("batched"), taps_with_a_late_repeat[0])


def test_batched_staging_publishes_and_quarantines_the_same_rows_as_one_frame(tmp_path, taps_with_a_late_repeat,
                                                                              staged_in_batches):
    whole = _stage(tmp_path, taps_with_a_late_repeat[0])

    assert_frame_equal(whole[0], staged_in_batches[0])
    assert_frame_equal(whole[1], staged_in_batches[1])
    data_rows = taps_with_a_late_repeat[1] + 1  # the generated rows, then the two repeats
    assert staged_in_batches[0]["boardings"].sum() + staged_in_batches[1]["row_number"].n_unique() == data_rows


def test_a_key_repeated_batches_later_is_quarantined_citing_its_first_row(taps_with_a_late_repeat, staged_in_batches):
    _, quarantine = staged_in_batches

    [row] = quarantine.filter(pl.col("row_number") == taps_with_a_late_repeat[1]).to_dicts()
    assert row["rule"] == "multiple_fields_uniqueness"
    assert row["reason"] == "duplicate key: same card_id, tapped_at as row 3 of this delivery"
    assert row["offending_value"].startswith("card_id=<personal data: 10 characters>; tapped_at=")


def test_a_key_repeated_batches_later_in_another_written_form_cites_its_first_row(taps_with_a_late_repeat,
                                                                                  staged_in_batches):
    # the first row's timestamp is not in ISO form: its key is typed like the batch's own before comparing
    _, quarantine = staged_in_batches

    [row] = quarantine.filter(pl.col("row_number") == taps_with_a_late_repeat[1] + 1).to_dicts()
    assert row["rule"] == "multiple_fields_uniqueness"
    assert row["reason"] == "duplicate key: same card_id, tapped_at as row 5 of this delivery"
    assert quarantine.filter(pl.col("row_number") == 5).is_empty()


def test_a_batch_of_several_chunks_validates_like_one_chunk(taps_with_a_late_repeat):
    """A batch read across row groups can be a frame of several chunks: polars 2.1 panicked filtering such a frame."""
    import datetime as dt

    from assets.common.validation import normalise_text, validate
    text = normalise_text(pl.read_csv(taps_with_a_late_repeat[0], infer_schema=False).with_row_index(
        "_row_number", offset=1).with_columns(pl.col("_row_number").cast(pl.String)), FARE_CARD_TAPS.rename)
    two_chunks = pl.concat([text.slice(1500, 50), text.slice(1500)])
    assert two_chunks.n_chunks() == 2

    def outcome(frame):
        return validate(frame, FARE_CARD_TAPS.model, delivery_id="2025-07-02/taps.csv", source_file="taps.csv",
                        delivery_date=dt.date(2025, 7, 2), event_date=FARE_CARD_TAPS.event_date,
                        personal=FARE_CARD_TAPS.personal)
    chunked, whole = outcome(two_chunks), outcome(two_chunks.rechunk())
    assert chunked.quarantine.height > 0
    assert_frame_equal(chunked.valid, whole.valid)
    assert_frame_equal(chunked.quarantine, whole.quarantine)


def test_a_dotted_thousand_is_judged_by_the_whole_delivery_not_by_its_batch(tmp_path):
    """A decimal comma in a later batch still makes the first batch's 1.250 ambiguous: one outcome per file."""
    from assets.urban_planning import CONSTRUCTION_PERMITS
    from tests import rows
    header = ";".join(rows.PERMIT)
    lines = [";".join({**rows.PERMIT, "permit_number": f"{n}/GPXD", "floor_area_m2": area}.values())
             for n, area in ((401, "1.250"), (402, "120"), (403, "85,5"), (404, "1.250"))]
    target = tmp_path / "landing/planning/construction_permits/2025-07-05/permits.csv"
    target.parent.mkdir(parents=True)
    target.write_text("\n".join([header, *lines]) + "\n", encoding="utf-8")
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(batches, "BATCH_ROWS", 2)  # rows 1-2, then 3-4: the comma is in the second batch only
        result = dg.materialize(dataset_assets(CONSTRUCTION_PERMITS),
                                resources={"lake": LakeResource(home=str(tmp_path), pseudonym_key=TEST_KEY)})
    assert result.success
    quarantine = pl.read_parquet(tmp_path / "lake/quarantine/construction_permits/*.parquet")
    assert sorted(quarantine.select("row_number", "rule").rows()) == [(1, "ambiguous_number"), (3, "type"),
                                                                       (4, "ambiguous_number")]
