"""Cells of statistical-office exports: files read into a grid of cells, cells into numbers.

BNS exports come as CSV (UTF-8 or cp1251, comma, semicolon or tab) or XLSX with merged header
cells; numbers are written with spaces as thousands separators and a decimal comma, and ``х``,
dashes and ellipses mark cells without a number. :func:`read_grid` and :func:`parse_number` deal
with all of that, so :mod:`forecast.inputs.bns_import` only maps cells onto the contract.
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import numpy as np
import pandas as pd

# "х" (Cyrillic) and "x": confidential or not applicable; dashes: no cases; ellipses: no data.
DEFAULT_MISSING_MARKERS: tuple[str, ...] = (
    "х", "Х", "x", "X", "-", "–", "—", "…", "...", "..", ".", "*", "н/д", "n/a", "NA", "",
)
_SPACES = re.compile(r"[\s\u00a0\u202f\u2009']")
_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")


def parse_number(text: object, missing_markers: tuple[str, ...] = DEFAULT_MISSING_MARKERS
                 ) -> float | None:
    """Parse a BNS number: spaces as thousands separators, decimal comma; markers -> NaN.

    Returns None when the text is neither a number nor a missing marker.

    Examples
    --------
    >>> parse_number("1 234,5"), parse_number("х"), parse_number(17.0)
    (1234.5, nan, 17.0)
    """
    if text is None or (isinstance(text, float) and np.isnan(text)):
        return np.nan
    if isinstance(text, (int, float, np.integer, np.floating)) and not isinstance(text, bool):
        return float(text)
    stripped = str(text).strip()
    if stripped in missing_markers:
        return np.nan
    compact = _SPACES.sub("", stripped)
    if compact.count(",") == 1 and "." not in compact:
        compact = compact.replace(",", ".")
    if not _NUMBER.match(compact):
        return None
    return float(compact)


def _decode(raw: bytes, encoding: str | None) -> str:
    if encoding:
        return raw.decode(encoding)
    if raw.startswith(b"\xef\xbb\xbf"):
        return raw.decode("utf-8-sig")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        # BNS exports from Windows desktops are cp1251 (Cyrillic ANSI).
        return raw.decode("cp1251")


def _read_csv_cells(path: Path, encoding: str | None, delimiter: str | None) -> list[list[object]]:
    text = _decode(path.read_bytes(), encoding)
    if delimiter is None:
        sample = "\n".join(text.splitlines()[:20])
        try:
            delimiter = csv.Sniffer().sniff(sample, delimiters=";,\t").delimiter
        except csv.Error:
            delimiter = ","
    return [row for row in csv.reader(io.StringIO(text), delimiter=delimiter)]


def _read_xlsx_cells(path: Path, sheet_name: int | str) -> list[list[object]]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(path, data_only=True)
    except Exception as error:  # openpyxl raises several unrelated types for unreadable files
        raise ValueError(f"{path}: cannot read as XLSX ({error})") from error
    try:
        sheet = (workbook.worksheets[sheet_name] if isinstance(sheet_name, int)
                 else workbook[sheet_name])
    except (IndexError, KeyError) as error:
        raise ValueError(f"{path}: no sheet {sheet_name!r}; sheets are "
                         f"{workbook.sheetnames}") from error
    cells = [list(row) for row in sheet.iter_rows(values_only=True)]
    # Merged cells keep their value only in the top-left cell; spread it over the whole range.
    for merged in sheet.merged_cells.ranges:
        anchor = cells[merged.min_row - 1][merged.min_col - 1]
        for row in range(merged.min_row - 1, merged.max_row):
            for column in range(merged.min_col - 1, merged.max_col):
                cells[row][column] = anchor
    return cells


def read_grid(path: Path, *, encoding: str | None = None, delimiter: str | None = None,
              sheet: int | str = 0) -> pd.DataFrame:
    """All cells of a CSV or XLSX export as an object frame (rows x columns), ragged rows
    padded with None; merged XLSX cells carry their value over the whole range."""
    if not path.exists():
        raise ValueError(f"{path}: no such file")
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        cells = _read_xlsx_cells(path, sheet)
    elif suffix in (".csv", ".txt", ".tsv"):
        cells = _read_csv_cells(path, encoding, delimiter)
    else:
        raise ValueError(f"{path}: unsupported file type {suffix!r}; expected .csv or .xlsx")
    width = max((len(row) for row in cells), default=0)
    return pd.DataFrame([row + [None] * (width - len(row)) for row in cells], dtype=object)


def cell_text(value: object) -> str:
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()
