"""Landing → raw → staging on real files, for deliveries that go wrong: nothing crashes, nothing is lost."""

import polars as pl
import pytest

from assets.common.ingest import ingest_raw, tables
from assets.common.staging import stage
from assets.common.pseudonyms import Pseudonymiser
from assets.registry import DATASETS
from assets.transport import FARE_CARD_TAPS
from warehouse.build import build_warehouse, delivery_ledger
from warehouse.lake import Lake

KEY = Pseudonymiser("k" * 20)
TAPS = "card_id,route_id,stop_id,tapped_at\n1234567890,32,HN-S0001,2025-07-02T07:15:03\n"


@pytest.fixture
def lake(tmp_path):
    return Lake(tmp_path)


def deliver(lake, date, name, data: bytes | str):
    path = lake.landing / "transport/fare_card_taps" / date / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data.encode() if isinstance(data, str) else data)
    return path


def run(lake):
    report = ingest_raw(FARE_CARD_TAPS, lake)
    stage(FARE_CARD_TAPS, lake, KEY)
    build_warehouse(lake)
    return report, delivery_ledger(lake)


def boardings(lake) -> int:
    scan = tables(FARE_CARD_TAPS, lake)[1].scan()
    return 0 if scan is None else scan.select(pl.col("boardings").sum()).collect().item()


@pytest.mark.parametrize(("name", "data", "reason"), [
    ("empty.csv", b"", "the file is empty (0 bytes)"),
    ("ragged.csv", TAPS + "1,2,3,4,5,6\n", "cannot read the file as CSV"),
    ("ragged_short.csv", TAPS + "1,2\n", "(a missing or unquoted delimiter?)"),
    ("trailing_delimiter.csv", TAPS.replace("\n", ",\n").replace(",\n", "\n", 1),
     "every row has one field more than the header: a delimiter at the end of each row"),
    ("title.csv", "Dữ liệu quẹt thẻ ngày 3/7/2025\n" + TAPS.replace(",", ";"),
     "is the first line a title or a note above the header?"),
    ("quote.csv", TAPS + '"1234567890,32\n', "cannot read the file as CSV"),
    ("list.json", b"[[1, 2]]", "JSON must be an array of objects"),
    ("number.json", b"42", "JSON must be an array of objects"),
    ("latin.json", '[{"a": "Hà Nội"}]'.encode("latin-1", "replace") + b"\xff", "not valid UTF-8: byte 0xE0 at offset 9"),
])
def test_unreadable_file_is_rejected_with_a_reason_and_others_go_on(lake, name, data, reason):
    deliver(lake, "2025-07-03", name, data)
    deliver(lake, "2025-07-03", "good.csv", TAPS)
    report, ledger = run(lake)
    assert [r.relative_path.rsplit("/", 1)[1] for r in report.rejected] == [name]
    assert reason in report.rejected[0].reason
    status = dict(zip(ledger["source_file"].str.split("/").list.last(), ledger["status"]))
    assert status["good.csv"] == "published" and status[name].startswith("rejected: ")
    assert boardings(lake) == 1


def test_workbook_with_two_sheets_is_rejected_and_lock_files_are_reported(lake, tmp_path):
    import xlsxwriter
    path = deliver(lake, "2025-07-03", "taps.xlsx", b"")
    with xlsxwriter.Workbook(path) as book:
        for sheet in ("a", "b"):
            ws = book.add_worksheet(sheet)
            for i, row in enumerate(TAPS.strip().splitlines()):
                ws.write_row(i, 0, row.split(","))
    deliver(lake, "2025-07-03", "~$taps.xlsx", b"lock")
    report, _ = run(lake)
    reasons = {r.relative_path.rsplit("/", 1)[1]: r.reason for r in report.rejected}
    assert "2 sheets with data" in reasons["taps.xlsx"]
    assert "lock file" in reasons["~$taps.xlsx"]


def test_header_case_and_utc_timestamps_are_understood(lake):
    deliver(lake, "2025-07-03", "upper.csv", "CARD_ID, Route_ID ,stop_id,tapped_at\n"
                                              "1234567890,32,HN-S0001,2025-07-02T00:15:03Z\n")
    _, ledger = run(lake)
    assert ledger.select("rows_published", "rows_quarantined").row(0) == (1, 0)
    hours = tables(FARE_CARD_TAPS, lake)[1].scan().select("hour").collect()["hour"].to_list()
    assert hours == [7]  # 00:15 UTC is 07:15 in Hanoi


def test_clashing_headers_quarantine_every_row_once(lake):
    deliver(lake, "2025-07-03", "clash.csv", "card_id,card_id ,route_id,stop_id,tapped_at\n"
                                              "1234567890,1,32,HN-S0001,2025-07-02T07:15:03\n" * 1
                                              + "1234567891,1,32,HN-S0001,2025-07-02T07:16:03\n")
    _, ledger = run(lake)
    assert ledger.select("rows_in", "rows_published", "rows_quarantined").row(0) == (2, 0, 2)
    q = tables(FARE_CARD_TAPS, lake)[2].scan().collect()
    assert q["rule"].to_list() == ["file_structure"] * 2 and "card_id" in q["reason"][0]


def test_duplicate_delivery_follows_its_twin(lake):
    deliver(lake, "2025-07-03", "a.csv", TAPS)
    b = deliver(lake, "2025-07-04", "b.csv", TAPS)
    run(lake)
    assert boardings(lake) == 1  # b is the same file again
    deliver(lake, "2025-07-03", "a.csv", TAPS.replace("07:15:03", "08:15:03") + "1234567899,32,HN-S0001,2025-07-02T09:00:00\n")
    run(lake)
    assert boardings(lake) == 3  # a changed: its 2 taps, and b's own tap is no longer a duplicate
    b.write_text(TAPS.replace("07:15:03", "08:15:03") + "1234567899,32,HN-S0001,2025-07-02T09:00:00\n")
    run(lake)
    assert boardings(lake) == 2  # b became a copy of a: its earlier rows are withdrawn


def test_after_an_upgrade_of_the_landing_code_every_delivery_is_landed_again_once(lake, monkeypatch):
    from assets.common import ingest, landing
    deliver(lake, "2025-07-03", "dos.csv", TAPS.encode() + b"\x1a")
    deliver(lake, "2025-07-03", "good.csv", TAPS.replace("07:15:03", "08:15:03"))
    monkeypatch.setattr(landing, "without_dos_eof", lambda path, workdir: path)  # older code: no DOS marker
    monkeypatch.setattr(ingest, "landing_version", lambda: "older")
    _, ledger = run(lake)
    assert ledger["status"].to_list()[0].startswith("rejected: ") and boardings(lake) == 1
    monkeypatch.undo()
    report, ledger = run(lake)
    assert sorted(report.ingested) == ["2025-07-03/dos.csv", "2025-07-03/good.csv"]
    assert ledger["status"].to_list() == ["published", "published"] and boardings(lake) == 2
    staged = tables(FARE_CARD_TAPS, lake)[1].deliveries()
    assert {e["landing"] for e in staged.values()} == {ingest.landing_version()}  # re-staged from the new raw
    report, _ = run(lake)
    assert (report.ingested, report.unchanged) == ([], 2)


def test_unchanged_landing_files_are_not_read_again(lake, monkeypatch):
    from assets.common import ingest
    deliver(lake, "2025-07-03", "a.csv", TAPS)
    run(lake)
    hashed = []
    monkeypatch.setattr(ingest, "sha256_file", lambda path: hashed.append(path) or "x")
    report = ingest_raw(FARE_CARD_TAPS, lake)
    assert (report.unchanged, hashed) == (1, [])


def test_a_key_published_by_another_delivery_is_quarantined_but_a_redelivery_may_keep_its_own(lake):
    from assets.urban_planning import CONSTRUCTION_PERMITS
    from tests.rows import PERMIT

    def permits(*numbers):
        header = ",".join(PERMIT)
        return header + "\n" + "".join(",".join({**PERMIT, "permit_number": n}.values()) + "\n" for n in numbers)

    def deliver_permits(date, name, *numbers):
        path = lake.landing / "planning/construction_permits" / date / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(permits(*numbers))

    def stage_permits():
        ingest_raw(CONSTRUCTION_PERMITS, lake)
        stage(CONSTRUCTION_PERMITS, lake, KEY)
        _, staging, quarantine = tables(CONSTRUCTION_PERMITS, lake)
        return (sorted(staging.scan().collect()["permit_number"]),
                quarantine.scan().filter(pl.col("rule") == "unique_across_deliveries").collect()["row_number"].to_list())

    deliver_permits("2025-07-03", "a.csv", "1/GPXD", "2/GPXD")
    deliver_permits("2025-07-04", "b.csv", "3/GPXD", "2/GPXD")
    assert stage_permits() == (["1/GPXD", "2/GPXD", "3/GPXD"], [2])  # b's second row repeats a's permit
    deliver_permits("2025-07-03", "a.csv", "1/GPXD", "2/GPXD", "4/GPXD")  # a corrected: keeps its own keys
    assert stage_permits() == (["1/GPXD", "2/GPXD", "3/GPXD", "4/GPXD"], [2])


@pytest.mark.parametrize("changed", ["assets.common.characters", "schemas.identifiers", "schemas.geography",
                                     "assets.tax", "assets.common.pseudonyms"])
def test_a_change_to_any_module_the_contract_reads_from_changes_its_version_and_so_restages(monkeypatch, changed):
    """Staging re-stages a delivery under a new contract version: a module the tax contract, validation or the
    publishing step import only a name from (the trimmed characters, the tax-code check digit, the ward list,
    the publisher's own module, the pseudonyms) must count too."""
    import dataclasses
    import importlib
    import inspect

    from assets.tax import BUSINESS_REGISTRATIONS
    before = dataclasses.replace(BUSINESS_REGISTRATIONS).contract_version
    module, source = importlib.import_module(changed), inspect.getsource
    monkeypatch.setattr(inspect, "getsource", lambda o: source(o) + ("\n# changed" if o is module else ""))
    assert dataclasses.replace(BUSINESS_REGISTRATIONS).contract_version != before


@pytest.mark.parametrize("unread", ["assets.common.batches", "assets.common.partitions", "assets.common.ingest",
                                    "assets.common.staging"])
def test_a_change_to_code_that_does_not_shape_staged_rows_leaves_the_contract_version(monkeypatch, unread):
    """Orchestration code (batches, partitions, landing discovery, staging's loop) is not the contract: editing it
    must not re-stage every delivery of every dataset."""
    import dataclasses
    import importlib
    import inspect

    module, source = importlib.import_module(unread), inspect.getsource
    before = {spec.name: dataclasses.replace(spec).contract_version for spec in DATASETS}
    monkeypatch.setattr(inspect, "getsource", lambda o: source(o) + ("\n# changed" if o is module else ""))
    assert {spec.name: dataclasses.replace(spec).contract_version for spec in DATASETS} == before


@pytest.mark.parametrize("setting", [{"natural_key": ()}, {"personal": ()}, {"event_date": None},
                                     {"rename": {"ma_so_thue": "tax_code"}}])
def test_a_change_to_the_datasets_settings_changes_its_contract_version(setting):
    import dataclasses

    from assets.tax import BUSINESS_REGISTRATIONS
    assert all(getattr(BUSINESS_REGISTRATIONS, k) != v for k, v in setting.items())
    assert (dataclasses.replace(BUSINESS_REGISTRATIONS, **setting).contract_version
            != dataclasses.replace(BUSINESS_REGISTRATIONS).contract_version)
