"""What a cell of ``quota.xlsx`` holds: plain values openpyxl can write, and each column's number format.

Numbers stay numbers (persons are shown whole, the cell keeps its value so that sums stay exact),
missing values are empty cells, and text that a spreadsheet would run as a formula is quoted
(:func:`~forecast.deliverables.outputs.safe_text`).
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from forecast.deliverables.formats import (PERCENT, SMALL_PERCENT, is_coefficient, is_persons,
                                          is_share, percent_format)
from forecast.deliverables.outputs import safe_text

INTEGER = "#,##0"
DECIMAL = "#,##0.0"
COEFFICIENT = "0.00"


def plain_value(value):
    """A cell value openpyxl can write: Python scalars, ``None`` for missing, and text that
    cannot run as a formula (:func:`~forecast.deliverables.outputs.safe_text`)."""
    if value is None:
        return None
    if hasattr(value, "item") and not isinstance(value, str):
        value = value.item()
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, (list, tuple, dict)):
        return ", ".join(map(str, value)) if not isinstance(value, dict) else str(value)
    try:
        if pd.isna(value):
            return None
    except (TypeError, ValueError):
        pass
    return safe_text(value)


def plain_numbers(series: pd.Series) -> list | None:
    """The cells of a column of numpy numbers or booleans as :func:`plain_value` writes them
    (missing as ``None``), without its checks per cell; None for any other column."""
    if not isinstance(series.dtype, np.dtype) or series.dtype.kind not in "fiub":
        return None
    values = series.to_numpy().tolist()
    if series.dtype.kind == "f":
        return [None if value != value else value for value in values]
    return values


def column_format(column: str, series: pd.Series) -> str | None:
    """The number format of a column of ``quota.xlsx``: percentages for shares, whole numbers for
    persons and years, two decimals for coefficients; None for text and booleans."""
    if is_share(column) and pd.api.types.is_numeric_dtype(series) and not pd.api.types.is_bool_dtype(series):
        return percent_format(series.tolist())
    if pd.api.types.is_bool_dtype(series) or not pd.api.types.is_numeric_dtype(series):
        return None
    if pd.api.types.is_integer_dtype(series) or column == "year":
        return INTEGER if column not in ("year", "ds", "cutoff") else "0"
    if is_coefficient(column):
        return COEFFICIENT
    # Persons are shown whole; the cell keeps its value, so sums stay exact.
    return INTEGER if is_persons(column) else DECIMAL


def unit_value(column: str, value, unit: str | None, number_format: str | None):
    """An indicator's value by its unit: a share as a percentage, a percent as a share of one
    with a percent format (0.25 percent is 0.25%), other values as they are."""
    if column != "value" or unit not in ("share", "percent") or not isinstance(value, (int, float)) \
            or isinstance(value, bool):
        return value, number_format
    if unit == "percent":
        return value / 100, SMALL_PERCENT
    return value, PERCENT
