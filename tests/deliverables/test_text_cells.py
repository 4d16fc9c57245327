"""Text from input never becomes a formula in quota.xlsx or quota.csv (OWASP CSV injection):
text cells beginning with ``= + - @``, a tab or a carriage return get a leading ``'``; numbers,
negative ones included, stay numbers; the library's own totals formulas stay formulas."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import Workbook, load_workbook

from forecast.cli import main
from forecast.deliverables import cell_values, workbook
from forecast.deliverables.outputs import safe_frame, safe_text
from forecast.inputs.sample import sample_directory

KEPT_REGIONS = {"KZ-71", "KZ-75", "KZ"}
HOSTILE = "=HYPERLINK(1).csv"


@pytest.mark.parametrize("text, written", [
    ("=HYPERLINK(\"http://x\",\"y\")", "'=HYPERLINK(\"http://x\",\"y\")"),
    ("+cmd|' /C calc'!A0", "'+cmd|' /C calc'!A0"),
    ("-2+3+cmd|' /C calc'!A0", "'-2+3+cmd|' /C calc'!A0"),
    ("@SUM(1+1)*cmd|' /C calc'!A0", "'@SUM(1+1)*cmd|' /C calc'!A0"),
    ("\t=1+1", "'\t=1+1"),
    ("\r=1+1", "'\r=1+1"),
    ("=HYPERLINK(1).csv: ignored", "'=HYPERLINK(1).csv: ignored"),
    ("Astana", "Astana"), ("KZ-71", "KZ-71"), ("", ""),
    ("-", "-"), ("+", "+"), ("-12", "-12"), ("-1.5", "-1.5"), ("+3%", "+3%"),
])
def test_text_that_would_run_as_a_formula_is_prefixed(text, written):
    assert safe_text(text) == written


@pytest.mark.parametrize("value", [-5, -1.5, 0, 3.25, None, True])
def test_anything_but_text_is_left_alone(value):
    assert safe_text(value) is value


def test_csv_frames_change_text_columns_only():
    frame = pd.DataFrame({"region": ["KZ-71", "=1+1"], "reason": ["@x", "fine"],
                          "shortage": [-5.0, 2.0], "quota": [-1, 3]})
    safe = safe_frame(frame)
    assert safe["region"].tolist() == ["KZ-71", "'=1+1"]
    assert safe["reason"].tolist() == ["'@x", "fine"]
    pd.testing.assert_series_equal(safe["shortage"], frame["shortage"])
    pd.testing.assert_series_equal(safe["quota"], frame["quota"])
    clean = frame.iloc[:1].assign(reason="fine")
    assert safe_frame(clean) is clean


def test_workbook_cells_write_text_as_text():
    sheet = Workbook().active
    workbook._note(sheet, 1, "=HYPERLINK(1).csv: ignored")
    cell = sheet.cell(row=2, column=1, value=cell_values.plain_value("+cmd"))
    number = sheet.cell(row=3, column=1, value=cell_values.plain_value(-7.5))
    assert sheet["A1"].data_type == "s" and sheet["A1"].value.startswith("'=")
    assert cell.data_type == "s" and cell.value == "'+cmd"
    assert number.data_type == "n" and number.value == -7.5


@pytest.fixture(scope="module")
def hostile_run(tmp_path_factory) -> Path:
    """A quota run on a data directory holding a file named like a formula."""
    root = tmp_path_factory.mktemp("hostile")
    data = root / "data"
    data.mkdir()
    for file in sorted(sample_directory().glob("*.csv")):
        frame = pd.read_csv(file, dtype=str, keep_default_na=False)
        frame[frame["region"].isin(KEPT_REGIONS)].to_csv(data / file.name, index=False)
    shutil.copy(data / "quota.csv", data / HOSTILE)
    out = root / "out"
    assert main(["quota", "--year", "2025", "--data", str(data), "--out", str(out), "-q"]) == 0
    return out


def test_no_text_from_input_is_a_formula_in_the_workbook(hostile_run):
    book = load_workbook(hostile_run / "quota.xlsx")
    formulas, texts, negatives = [], [], []
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if cell.data_type == "f":
                    formulas.append(cell.value)
                elif isinstance(cell.value, str):
                    texts.append(cell.value)
                elif isinstance(cell.value, (int, float)) and cell.value < 0:
                    negatives.append(cell.value)
    # Only the library's own totals are formulas.
    assert formulas and all(f.startswith(("=SUBTOTAL(", "=IF(")) for f in formulas)
    assert any(t.startswith("'" + HOSTILE) for t in texts), [t for t in texts if "HYPERLINK" in t]
    assert not [t for t in texts if t.startswith(("=", "@", "\t", "\r"))]
    assert negatives  # negative numbers (surpluses) are still numbers


def test_no_text_cell_of_quota_csv_starts_like_a_formula(hostile_run):
    frame = pd.read_csv(hostile_run / "quota.csv", dtype=str, keep_default_na=False)
    for column in frame.columns:
        starts = frame[column].str[:1]
        bad = frame[column][starts.isin(["=", "@", "\t", "\r"])]
        assert bad.empty, (column, bad.head().tolist())
