"""Personal ID (CCCD) and tax code (MST) rules against worked examples from vietnam-rules.md."""

import polars as pl
import pytest

from schemas.identifiers import (
    compact_tax_code, personal_id_agrees, personal_id_birth_year, personal_id_sex, personal_id_valid, tax_code_valid,
)


def _eval(expr, values):
    return pl.DataFrame({"v": values}, schema={"v": pl.String}).select(expr(pl.col("v"))).to_series().to_list()


@pytest.mark.parametrize(("pid", "sex", "year"), [
    ("001088000033", "Nam", 1988),   # 4th digit 0: male, 1900s; 88
    ("001195000002", "Nữ", 1995),    # 1: female, 1900s
    ("079203123456", "Nam", 2003),   # 2: male, 2000s (Ho Chi Minh City, 079)
    ("001325000011", "Nữ", 2025),    # 3: female, 2000s
    ("001401000000", "Nam", 2101),   # 4: male, 2100s
])
def test_personal_id_encodes_sex_and_birth_year(pid, sex, year):
    assert _eval(personal_id_sex, [pid]) == [sex]
    assert _eval(personal_id_birth_year, [pid]) == [year]


def test_personal_id_must_agree_with_the_record():
    frame = pl.DataFrame({"pid": ["001088000033", "001088000033", "001088000033", None],
                          "sex": ["Nam", "Nữ", "Nam", "Nữ"], "year": [1988, 1988, 1989, 1990]})
    agrees = frame.select(personal_id_agrees(pl.col("pid"), pl.col("sex"), pl.col("year"))).to_series().to_list()
    assert agrees == [True, False, False, True]  # a missing ID is judged by the required-field rule, not here


def test_personal_id_province_code_runs_001_to_096():
    assert _eval(personal_id_valid, ["001088000033", "096088000033", "000088000033", "097088000033",
                                     "01088000033"]) == [True, True, False, False, False]


@pytest.mark.parametrize(("code", "valid"), [
    ("0100109106", True),      # check digit: 10 - (114 mod 11) = 6
    ("0100109107", False),     # wrong check digit
    ("0100109106001", True),   # branch 001 of a valid parent
    ("0100109106000", False),  # branch 000 does not exist
    ("0100109107001", False),  # branch of an invalid parent
    ("001088000033", True),    # a personal ID as tax number (individuals since 1 July 2025)
    ("099088000033", False),   # … but not with a province code above 096
    ("01001091", False),
])
def test_tax_code_forms(code, valid):
    assert _eval(tax_code_valid, [code]) == [valid]


def test_tax_code_compaction_removes_separators():
    assert _eval(compact_tax_code, ["0100109106-001", "0100 109 106"]) == ["0100109106001", "0100109106"]
