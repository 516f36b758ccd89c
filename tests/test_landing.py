"""The landing zone reader: naming contract, checksums, encodings and file formats, all read as text."""

import datetime as dt
import gzip
import json

import polars as pl
import pytest

from assets.common.csv_shape import fields_add_up
from assets.common import encodings
from assets.common.landing import UnreadableDelivery, detect_encoding, discover, write_as_text_parquet


def _deliver(landing, rel: str, data: bytes):
    path = landing / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


def _land(tmp_path):
    """Land the one file `_deliver` put under `tmp_path/a/d/` as `tmp_path/o.parquet`."""
    return write_as_text_parquet(discover(tmp_path, "a", "d")[0][0], tmp_path / "o.parquet")


def test_deliveries_follow_the_naming_contract_and_bad_names_are_reported(tmp_path):
    _deliver(tmp_path, "justice/births/2025-07-01/a.csv", b"x\n1\n")
    _deliver(tmp_path, "justice/births/july/b.csv", b"x\n1\n")
    _deliver(tmp_path, "justice/births/2025-07-02/c.pdf", b"%PDF")
    found, rejected = discover(tmp_path, "justice", "births")
    assert [(d.id, d.delivery_date) for d in found] == [("2025-07-01/a.csv", dt.date(2025, 7, 1))]
    assert sorted(r.relative_path for r in rejected) == ["justice/births/2025-07-02/c.pdf",
                                                         "justice/births/july/b.csv"]
    assert all(r.reason for r in rejected)


def test_legacy_windows_1258_file_is_read_as_vietnamese(tmp_path):
    text = "name,id\nNguyễn Thị Ánh,001195000002\n"
    # cp1258 has no precomposed "ễ"/"Á": it stores base letters plus combining tone marks.
    legacy = "name,id\nNguy\u00ea\u0303n Th\u1ecb A\u0301nh,001195000002\n".replace("\u1ecb", "i\u0323")
    path = _deliver(tmp_path, "justice/births/2025-07-01/legacy.csv", legacy.encode("cp1258"))
    assert detect_encoding(path) == "cp1258"
    out = tmp_path / "out.parquet"
    landed = write_as_text_parquet(discover(tmp_path, "justice", "births")[0][0], out)
    rows, encoding = landed.rows, landed.encoding
    frame = pl.read_parquet(out)
    assert (rows, encoding) == (1, "cp1258")
    assert frame["name"].str.normalize("NFC").item() == "Nguyễn Thị Ánh" == text.splitlines()[1].split(",")[0]
    assert frame["id"].item() == "001195000002"


def test_a_character_cut_at_a_read_boundary_is_judged_with_the_bytes_after_it(tmp_path, monkeypatch):
    """Pure-ASCII reads skip the UTF-8 decoder, except right after a read that ended inside a character."""
    monkeypatch.setattr(encodings, "_CHUNK", 8)
    # 8-byte reads; the second ends with the first two of the three bytes of "ễ" (e1 bb 85)
    whole = _deliver(tmp_path, "a/whole.csv", b"name,id\n" + b"Nguyy,\xe1\xbb" + b"\x85n,1234\n")
    # an ASCII read in between: the two pieces are not one character, whatever comes after
    cut = _deliver(tmp_path, "a/cut.csv", b"name,id\n" + b"Nguyy,\xe1\xbb" + b"xxxxxxx\n" + b"\x85n,1234\n")
    assert detect_encoding(whole) == "utf-8"
    assert detect_encoding(cut) != "utf-8"


def test_leading_zeros_and_bom_survive_csv(tmp_path):
    _deliver(tmp_path, "a/d/2025-07-01/f.csv", "\ufeffid,code\n001195000002,00004\n".encode("utf-8"))
    out = tmp_path / "o.parquet"
    landed = write_as_text_parquet(discover(tmp_path, "a", "d")[0][0], out)
    rows, encoding = landed.rows, landed.encoding
    frame = pl.read_parquet(out)
    assert encoding == "utf-8-sig"
    assert frame.select("_row_number", "id", "code").row(0) == (1, "001195000002", "00004")


def test_json_array_values_become_text_and_nested_objects_json(tmp_path):
    records = [{"refDevice": "HN-AQ-001", "pm25": 41.2, "location": {"type": "Point", "coordinates": [105.8, 21.0]}},
               {"refDevice": "HN-AQ-001", "pm25": None}]
    _deliver(tmp_path, "env/aq/2025-07-01/s.json", json.dumps(records).encode())
    out = tmp_path / "o.parquet"
    rows = write_as_text_parquet(discover(tmp_path, "env", "aq")[0][0], out).rows
    frame = pl.read_parquet(out)
    assert rows == 2
    assert frame["pm25"].to_list() == ["41.2", None]
    assert json.loads(frame["location"][0])["coordinates"] == [105.8, 21.0]
    assert frame["_row_number"].to_list() == [1, 2]


def test_excel_export_is_read_as_text(tmp_path):
    path = tmp_path / "planning/land_parcels/2025-07-01/parcels.xlsx"
    path.parent.mkdir(parents=True)
    pl.DataFrame({"parcel_id": ["00004-1-2"], "ward_code": ["00004"], "area_m2": [96.5]}).write_excel(path)
    out = tmp_path / "o.parquet"
    rows = write_as_text_parquet(discover(tmp_path, "planning", "land_parcels")[0][0], out).rows
    frame = pl.read_parquet(out)
    assert rows == 1
    assert frame.select("ward_code", "area_m2").row(0) == ("00004", "96.5")


def test_field_totals_pass_a_plain_file_and_defer_anything_else(tmp_path):
    cases = {"plain.csv": b"a,b,c\r\n1,2,3\r\n4,,6", "quoted.csv": b'a,b,c\n"1,5",2\n4,5,6\n',
             "blank_line.csv": b"a,b,c\n1,2,3\n\n4,5,6\n", "short_row.csv": b"a,b,c\n1,2,3\n4,5\n"}
    verdicts = {}
    for name, data in cases.items():
        (tmp_path / name).write_bytes(data)
        verdicts[name] = fields_add_up(tmp_path / name, ",")
    assert verdicts == {"plain.csv": True, "quoted.csv": False, "blank_line.csv": False, "short_row.csv": False}


def test_blank_lines_are_no_records_and_the_rows_after_them_keep_their_numbers(tmp_path):
    # blank, only spaces, CRLF, and a blank line inside a quoted value (which is part of the value)
    _deliver(tmp_path, "a/d/2025-07-01/f.csv", b'a,b,c\r\n\r\n1,2,3\r\n   \r\n4,"x\r\n\r\ny",6\r\n,,\r\n\r\n')
    out = tmp_path / "o.parquet"
    landed = write_as_text_parquet(discover(tmp_path, "a", "d")[0][0], out)
    frame = pl.read_parquet(out)
    assert (landed.rows, landed.blank_lines) == (3, 3)
    assert frame.rows() == [(2, "1", "2", "3"), (4, "4", "x\r\n\r\ny", "6"), (5, None, None, None)]  # ",," stays


@pytest.mark.parametrize(("data", "rows"), [
    # a tab-delimited row of only tabs is a record, whether or not the file has quotes (then it is counted
    # record by record)
    (b"a\tb\tc\n1\t2\t3\n\t\t\n4\t5\t6\n", [(1, "1", "2", "3"), (2, None, None, None), (3, "4", "5", "6")]),
    (b'a\tb\tc\n"1"\t2\t3\n\t\t\n4\t5\t6\n', [(1, "1", "2", "3"), (2, None, None, None), (3, "4", "5", "6")]),
    (b"a\n1\n\n2\n", [(1, "1"), (3, "2")]),  # one column: a blank line is no record either
    (b"a,b\r1,2\r\r3,4\r", [(1, "1", "2"), (3, "3", "4")]),  # lines ended by CR alone (Excel for Mac)
    (b"a,b\r\n1,2\r\n\x1a\r\n", [(1, "1", "2")]),  # the DOS marker on a last line of its own
    (b'a,b\n"1",x\x1fy\n\n2,3\n', [(1, "1", "x\x1fy"), (3, "2", "3")]),  # 0x1F, counted record by record
    # a line of nothing but a zero-width space or a byte-order mark is blank too, like a line of spaces
    ("a,b\n1,2\n\u200b\n \ufeff\n3,4\n".encode(), [(1, "1", "2"), (4, "3", "4")]),
])
def test_csv_files_are_read_as_their_records(tmp_path, data, rows):
    _deliver(tmp_path, "a/d/2025-07-01/f.csv", data)
    _land(tmp_path)
    assert pl.read_parquet(tmp_path / "o.parquet").rows() == rows


@pytest.mark.parametrize("data", [b'"a,b\n1,2\n', b'"a,b\n' + b"1,2\n" * 50_000])
def test_a_header_quote_that_does_not_close_rejects_the_file(tmp_path, data):
    # polars would read every row into one header name: an empty file, and no word said
    _deliver(tmp_path, "a/d/2025-07-01/f.csv", data)
    with pytest.raises(UnreadableDelivery, match="a quote in (the header|it) does not close"):
        _land(tmp_path)


def test_long_row_offset_by_a_short_one_is_still_named(tmp_path):
    # the delimiter totals add up, so only the reader's refusal of the long row can reveal the pair
    _deliver(tmp_path, "a/d/2025-07-01/f.csv", b"a,b,c\n1,2,3\n7,8\n9,10,11,12\n")
    with pytest.raises(UnreadableDelivery, match="row 2 has 2 fields, row 3 .*has 4 fields where the header has 3"):
        _land(tmp_path)


def test_blank_lines_before_the_header_are_no_header(tmp_path):
    _deliver(tmp_path, "a/d/2025-07-01/f.csv", b"\xef\xbb\xbf\r\n \t\r\n  a,b\r\n1,2\r\n")  # spaces before a name are its own
    landed = _land(tmp_path)
    frame = pl.read_parquet(tmp_path / "o.parquet")
    assert (landed.rows, landed.blank_lines, frame.columns) == (1, 2, ["_row_number", "  a", "b"])
    assert frame.rows() == [(1, "1", "2")]


def test_lines_of_invisible_characters_before_the_header_are_blank_too(tmp_path):
    _deliver(tmp_path, "a/d/2025-07-01/f.csv", "\u200b\r\n \u2060\ufeff\r\na,b\r\n1,2\r\n".encode())
    landed = _land(tmp_path)
    frame = pl.read_parquet(tmp_path / "o.parquet")
    assert (landed.rows, landed.blank_lines, frame.rows()) == (1, 2, [(1, "1", "2")])


def test_a_file_of_blank_lines_has_no_header(tmp_path):
    _deliver(tmp_path, "a/d/2025-07-01/f.csv", b"\r\n  \r\n\x1a")
    with pytest.raises(UnreadableDelivery, match="only blank lines: no header row"):
        _land(tmp_path)


@pytest.mark.parametrize(("data", "reason"), [
    (b'a,b\n1,x"y\n2,3\n', r"row 1: a quote inside a value that does not start with one \('x\"y'\)"),
    # quoted values before it are read as such; the counter alone would report row 1 as 2 fields wide
    (b'a,b,c\n"1,5",2,3\n4,15" screen,6\n7,8,9\n', r"row 2: a quote inside a value .*\('15\" screen'\)"),
    (b'a;b\n"1";"x"y\n', r"row 1: text after the closing quote of a quoted field \('\"x\"y'\)"),
    (b'a,b\n1,2\n3,"4\n5,6\n', "row 2: a quote opens a value and never closes"),
])
def test_a_misplaced_quote_is_named_with_its_row_and_value(tmp_path, data, reason):
    _deliver(tmp_path, "a/d/2025-07-01/f.csv", data)
    with pytest.raises(UnreadableDelivery, match=reason):
        _land(tmp_path)


def test_blank_sheet_rows_are_no_records_and_the_rows_after_them_keep_their_numbers(tmp_path):
    import xlsxwriter
    path = _deliver(tmp_path, "a/d/2025-07-01/f.xlsx", b"")
    with xlsxwriter.Workbook(path) as book:
        sheet = book.add_worksheet("S")
        sheet.write_row(1, 0, ["a", "b"])  # the header, below a blank first row
        sheet.write_row(2, 0, ["1", "2"])
        sheet.write_row(4, 0, ["  ", ""])  # only spaces: blank too, like row 3 before it
        sheet.write_row(5, 0, ["5", "6"])
        sheet.write_row(6, 0, ["\u200b", " \ufeff"])  # only invisible characters: blank as well
        sheet.write_row(7, 0, ["7", "8"])
    landed = _land(tmp_path)
    assert (landed.rows, landed.blank_lines) == (3, 3)
    assert pl.read_parquet(tmp_path / "o.parquet").rows() == [(1, "1", "2"), (4, "5", "6"), (6, "7", "8")]


def _workbook_bytes() -> bytes:
    import io
    buffer = io.BytesIO()
    pl.DataFrame({"a": ["1"]}).write_excel(buffer)
    return buffer.getvalue()


@pytest.mark.parametrize(("name", "data", "reason"), [
    ("f.csv", _workbook_bytes(), r"is a ZIP archive \(an Excel workbook is one\), though it is named \.csv: save a "
                                 r"workbook .* under a \.xlsx name"),
    ("f.csv", gzip.compress(b"a,b\n1,2\n"), "is gzip-compressed, though it is named .csv: deliver the "
                                                          "file uncompressed"),
    ("f.json", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", "is a PDF document, though it is named .json"),
    # a portal's error page saved under the expected name: read as a header, it would be a day without rows
    ("f.csv", b"\xef\xbb\xbf\n  <!DOCTYPE html><html><body>Session expired</body></html>\n", "is an HTML page"),
    ("f.csv", "\ufeff<!-- portal -->\n<html><body>Hết hạn</body></html>".encode("utf-16"), "is an HTML page"),
    ("f.json", b'<?xml version="1.0"?>\n<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Strict//EN">\n<html>',
     "is an HTML page"),
    ("f.csv", b"\x00" * 512, "is nothing but NUL bytes"),
    ("f.csv", b"\x00" * 600 + b"a,b\n1,2\n", "starts with NUL bytes"),
    ("f.csv", "a,b\n1,2\n".encode("utf-16-le"), r"is text in UTF-16 or UTF-32 without a byte-order mark"),
    ("f.csv", "ward,name\n00004,Phuc Xa\n".encode("utf-32-be"), r"is text in UTF-16 or UTF-32 without"),
    ("f.csv", b"PK\x05\x06" + b"\x00" * 18, r"is a ZIP archive"),  # an empty one
    ("f.xlsx", bytes.fromhex("d0cf11e0a1b11ae1") + b"\x00" * 100, r"is an Excel 97-2003 workbook \(\.xls\)"),
    ("f.xlsx", b"a,b\n1,2\n", r"is text, not a workbook .* though it is named \.xlsx: deliver a CSV export"),
], ids=["workbook_as_csv", "gzip_as_csv", "pdf_as_json", "html_as_csv", "utf16_html_after_a_comment", "xhtml_as_json",
        "only_nul", "nul_first", "utf16_without_bom", "utf32_without_bom", "empty_zip", "xls_as_xlsx", "text_as_xlsx"])
def test_a_file_that_is_not_what_its_name_says_is_rejected_saying_what_it_is(tmp_path, name, data, reason):
    _deliver(tmp_path, f"a/d/2025-07-01/{name}", data)
    with pytest.raises(UnreadableDelivery, match=reason):
        _land(tmp_path)


@pytest.mark.parametrize(("name", "encoding"), [("f.csv", "utf-32"), ("f.json", "utf-16"), ("f.ndjson", "utf-32")])
def test_text_with_a_utf16_or_utf32_byte_order_mark_is_read_as_such(tmp_path, name, encoding):
    text = {"f.csv": "ward,name\n00004,Phúc Xá\n", "f.json": '[{"ward": "00004", "name": "Phúc Xá"}]',
            "f.ndjson": '{"ward": "00004", "name": "Phúc Xá"}\n'}[name]
    _deliver(tmp_path, f"a/d/2025-07-01/{name}", text.encode(encoding))  # Python's codec writes the mark
    landed = _land(tmp_path)
    assert landed.encoding == encoding
    assert pl.read_parquet(tmp_path / "o.parquet").select("ward", "name").rows() == [("00004", "Phúc Xá")]


def test_records_wrapped_in_an_object_are_refused_and_one_record_is_read(tmp_path):
    wrapped = _deliver(tmp_path, "a/d/2025-07-01/w.json", b'{"data": [{"ward": "00004"}, {"ward": "00007"}]}')
    with pytest.raises(UnreadableDelivery, match="one object whose key 'data' holds 2 records: deliver the records"):
        _land(tmp_path)
    wrapped.write_bytes(b'{"data": []}')  # read as a record, it would be one row the agency never sent
    with pytest.raises(UnreadableDelivery, match="one object whose key 'data' holds 0 records"):
        _land(tmp_path)
    wrapped.unlink()
    _deliver(tmp_path, "a/d/2025-07-01/one.json", b'{"ward": "00004", "readings": [{"pm25": 41.2}]}')
    landed = _land(tmp_path)
    assert landed.rows == 1  # one record whose field holds a list of objects is still one record


def test_values_padded_with_nul_bytes_are_text_damage_not_a_file_in_another_encoding(tmp_path):
    """A fixed-width export pads a name with NULs: many NUL bytes, but not every other byte as in UTF-16."""
    rows = b"".join(b"%d,%s\n" % (i, name.ljust(40, b"\x00")) for i, name in enumerate([b"Phuc Xa", b"Hang Bac"] * 5))
    _deliver(tmp_path, "a/d/2025-07-01/f.csv", b"id,name\n" + rows)
    assert _land(tmp_path).rows == 10  # staging
    # quarantines each padded value as control_character


def test_json_with_a_stray_byte_is_refused_not_read_as_a_legacy_code_page(tmp_path):
    # read as Windows-1258, "Phúc Xá" would become "PhĂºc XĂ¡"
    _deliver(tmp_path, "a/d/2025-07-01/f.json", '[{"name": "Phúc Xá"}, {"name": "x'.encode() + b'\xb0"}]')
    with pytest.raises(UnreadableDelivery, match="not valid UTF-8: byte 0xB0 at offset 35 .* export the JSON as UTF-8"):
        _land(tmp_path)


@pytest.mark.parametrize("chunk", [1 << 20, 8])  # 8: reads that cut characters, and the stray byte, apart
def test_utf8_with_a_stray_byte_is_refused_not_read_as_a_legacy_code_page(tmp_path, monkeypatch, chunk):
    monkeypatch.setattr(encodings, "_CHUNK", chunk)
    # read as Windows-1258, "Công ty Tân Phú" was published as "CĂ´ng ty TĂ¢n PhĂº", which no rule caught
    data = "tax_code,business_name\n0100000003,Công ty Tân Phú\n0100000010,Đông Á".encode() + b"\xb0\n"
    _deliver(tmp_path, "a/d/2025-07-01/f.csv", data)
    with pytest.raises(UnreadableDelivery, match=r"UTF-8 except for 1 byte sequence\(s\) that are not, the first at "
                                                 r"offset 73 \(line 3\)"):
        _land(tmp_path)


@pytest.mark.parametrize(("data", "blank_lines"), [
    (b"sep=;\na;b\n1;2\n", 0), (b'"sep=;"\r\na;b\r\n1;2\r\n', 0), (b"\xef\xbb\xbfSEP=;\n\na;b\n1;2\n", 1)])
def test_excel_delimiter_directive_gives_the_delimiter_and_is_no_header(tmp_path, data, blank_lines):
    _deliver(tmp_path, "a/d/2025-07-01/f.csv", data)
    landed = _land(tmp_path)
    assert (landed.rows, landed.blank_lines) == (1, blank_lines)
    assert pl.read_parquet(tmp_path / "o.parquet").select("a", "b").rows() == [("1", "2")]


def test_a_file_of_only_the_delimiter_directive_says_it_has_no_header(tmp_path):
    _deliver(tmp_path, "a/d/2025-07-01/f.csv", b"sep=;\r\n\r\n")
    with pytest.raises(UnreadableDelivery, match=r"only Excel's delimiter line \(sep=;\): no header row"):
        _land(tmp_path)
