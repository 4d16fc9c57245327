"""Dense (series x years) views of long panels, key joins, and column checks.

Time-series arithmetic on a long frame needs each value's neighbours in time. Placing the values in
a dense matrix with one row per series and one column per calendar year turns lags, differences and
rolling windows into array slicing over all series at once, and makes a missing year an explicit
NaN instead of a silently skipped row (so "last year" always means the calendar year before).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

__all__ = [
    "PanelGrid",
    "panel_grid",
    "key_codes",
    "vocabulary_codes",
    "sum_by_keys",
    "join_on_keys",
    "joined_columns",
    "require_columns",
    "shift_years",
    "rolling_mean",
    "rolling_std",
]


def require_columns(frame: pd.DataFrame, table: str, columns: Sequence[str]) -> None:
    """Refuse a frame that lacks any of ``columns``, naming the table and what is expected.

    Raises
    ------
    ValueError
        If one or more columns are missing.
    """
    missing = [column for column in columns if column not in frame.columns]
    if missing:
        raise ValueError(
            f"table '{table}' lacks column(s) {missing}; expected columns {list(columns)}, "
            f"found {list(frame.columns)}"
        )


def key_codes(frame: pd.DataFrame, keys: Sequence[str]) -> tuple[np.ndarray, pd.DataFrame]:
    """Integer code per row for the combination of ``keys``.

    Returns
    -------
    codes : ndarray of int64
        Code of each row's key combination, ``0..n_combinations-1``.
    combinations : DataFrame
        The distinct key combinations; row ``i`` holds the keys of code ``i``. Their order is
        deterministic for a given input (it follows the keys' order of first appearance).
    """
    packed = np.zeros(len(frame), dtype=np.int64)
    uniques_per_key = []
    for key in keys:
        codes, uniques = pd.factorize(frame[key], sort=False, use_na_sentinel=False)
        # Mixed-radix packing keeps the combination a single int64, which hashes far faster
        # than tuples of strings.
        packed = packed * len(uniques) + codes
        uniques_per_key.append(uniques)
    space = int(np.prod([len(uniques) for uniques in uniques_per_key], dtype=np.float64))
    if space <= max(4 * len(frame), 1 << 20):
        # A dense presence table numbers the combinations without hashing.
        present = np.zeros(space, dtype=bool)
        present[packed] = True
        distinct_packed = np.flatnonzero(present)
        number = np.cumsum(present) - 1
        row_codes = number[packed]
    else:
        row_codes, distinct_packed = pd.factorize(packed, sort=True)
    remainder = np.asarray(distinct_packed, dtype=np.int64)
    combinations = {}
    for key, uniques in zip(reversed(keys), reversed(uniques_per_key)):
        combinations[key] = np.asarray(uniques)[remainder % len(uniques)]
        remainder = remainder // len(uniques)
    ordered = pd.DataFrame({key: combinations[key] for key in keys})
    for key in keys:
        ordered[key] = ordered[key].astype(frame[key].dtype)
    return np.asarray(row_codes, dtype=np.int64), ordered


def vocabulary_codes(values: pd.Series, vocabulary: Sequence | pd.Index) -> np.ndarray:
    """Position of each value in ``vocabulary``, -1 where absent.

    The few distinct values are looked up once and broadcast by code, which avoids hashing
    millions of strings one by one.
    """
    codes, distinct = pd.factorize(values, sort=False, use_na_sentinel=False)
    return pd.Index(vocabulary).get_indexer(distinct)[codes]


def sum_by_keys(frame: pd.DataFrame, keys: Sequence[str], value: str,
                output: str | None = None) -> pd.DataFrame:
    """Sum ``value`` over the rows sharing each combination of ``keys``, skipping NaN.

    A combination whose values are all NaN sums to NaN, not 0, so a gap stays a gap.

    Returns
    -------
    DataFrame
        The distinct ``keys`` and the sum in column ``output`` (default ``value``).
    """
    codes, combinations = key_codes(frame, keys)
    values = frame[value].to_numpy(dtype=np.float64, na_value=np.nan)
    present = ~np.isnan(values)
    total = np.bincount(codes, weights=np.where(present, values, 0.0),
                        minlength=len(combinations))
    count = np.bincount(codes, weights=present.astype(np.float64), minlength=len(combinations))
    combinations[output or value] = np.where(count > 0, total, np.nan)
    return combinations


def join_on_keys(
    left: pd.DataFrame, right: pd.DataFrame, keys: Sequence[str], columns: Sequence[str]
) -> pd.DataFrame:
    """Look up ``right[columns]`` for every row of ``left`` by equal ``keys`` (a left join).

    Rows of ``left`` without a match get NaN. The result has ``left``'s index and row order.

    Raises
    ------
    ValueError
        If ``right`` holds a key combination more than once.
    """
    return pd.DataFrame(joined_columns(left, right, keys, columns), index=left.index)


def joined_columns(
    left: pd.DataFrame, right: pd.DataFrame, keys: Sequence[str], columns: Sequence[str]
) -> dict[str, np.ndarray]:
    """Like :func:`join_on_keys`, but returns one float array per column.

    Separate arrays let a caller place them in a larger frame without pandas copying them into
    a consolidated block first.
    """
    left_packed = np.zeros(len(left), dtype=np.int64)
    right_packed = np.zeros(len(right), dtype=np.int64)
    for key in keys:
        right_codes, right_uniques = pd.factorize(right[key], sort=False, use_na_sentinel=False)
        left_codes = vocabulary_codes(left[key], right_uniques)
        radix = len(right_uniques) + 1
        # Left values absent from the right become the extra digit ``len(right_uniques)``,
        # which no right row has.
        left_codes = np.where(left_codes < 0, len(right_uniques), left_codes)
        left_packed = left_packed * radix + left_codes
        right_packed = right_packed * radix + right_codes
    right_index = pd.Index(right_packed)
    if not right_index.is_unique:
        duplicated = right.loc[right_index.duplicated(), list(keys)].iloc[0].to_dict()
        raise ValueError(f"feature table has duplicate key {duplicated} on {list(keys)}")
    positions = right_index.get_indexer(left_packed)
    found = positions >= 0
    joined = {}
    for column in columns:
        values = right[column].to_numpy(dtype=np.float64, na_value=np.nan)
        taken = np.full(len(left), np.nan)
        taken[found] = values[positions[found]]
        joined[column] = taken
    return joined


@dataclass(frozen=True)
class PanelGrid:
    """Where each row of a long panel sits in a dense (series x calendar years) matrix.

    Attributes
    ----------
    row_series : ndarray of int64
        Matrix row (series) of each long-frame row.
    row_year : ndarray of int64
        Matrix column (year minus ``first_year``) of each long-frame row.
    series : DataFrame
        The key columns of each matrix row.
    first_year : int
        Calendar year of matrix column 0.
    n_years : int
        Number of matrix columns (``last_year - first_year + 1``).
    """

    row_series: np.ndarray
    row_year: np.ndarray
    series: pd.DataFrame
    first_year: int
    n_years: int

    @property
    def shape(self) -> tuple[int, int]:
        """Shape of the dense matrix."""
        return (len(self.series), self.n_years)

    def to_matrix(self, values: np.ndarray | pd.Series) -> np.ndarray:
        """Scatter one value per long-frame row into the dense matrix; absent cells are NaN."""
        matrix = np.full(self.shape, np.nan)
        matrix[self.row_series, self.row_year] = np.asarray(values, dtype=np.float64)
        return matrix

    def gather(self, matrix: np.ndarray) -> np.ndarray:
        """Read the matrix back at each long-frame row's (series, year) cell."""
        return matrix[self.row_series, self.row_year]

    def years(self) -> np.ndarray:
        """Calendar year of each matrix column."""
        return np.arange(self.first_year, self.first_year + self.n_years)


def panel_grid(frame: pd.DataFrame, keys: Sequence[str], time: str = "ds") -> PanelGrid:
    """Locate each row of a long frame in the dense (series x years) matrix.

    Parameters
    ----------
    frame : DataFrame
        Long panel with the ``keys`` columns and an integer year column ``time``.
    keys : sequence of str
        Columns that identify a series.
    time : str
        Year column.

    Raises
    ------
    ValueError
        If a (series, year) pair occurs twice, or ``time`` holds something other than years
        (integers, or annual dates or periods, which count as their calendar year).
    """
    row_series, series = key_codes(frame, keys)
    years = _calendar_years(frame[time], time)
    if len(frame) == 0:
        return PanelGrid(row_series, years, series, 0, 0)
    first_year = int(years.min())
    n_years = int(years.max()) - first_year + 1
    row_year = years - first_year
    cell = row_series * n_years + row_year
    if np.bincount(cell, minlength=len(series) * n_years).max() > 1:
        duplicated = pd.Index(cell).duplicated()
        example = frame.loc[duplicated, [*keys, time]].iloc[0].to_dict()
        raise ValueError(f"panel has more than one row for {example}")
    return PanelGrid(row_series, row_year, series, first_year, n_years)


def _calendar_years(column: pd.Series, name: str) -> np.ndarray:
    """Integer calendar year of each value of a time column, or a ValueError naming the row."""
    if isinstance(column.dtype, pd.PeriodDtype) or pd.api.types.is_datetime64_any_dtype(column):
        years = column.dt.year
    elif pd.api.types.is_bool_dtype(column) or not pd.api.types.is_numeric_dtype(column):
        example = column.tolist()[0] if len(column) else None
        raise ValueError(f"column '{name}' must hold integer years, annual dates or annual periods; "
                         f"found dtype {column.dtype} (first value {example!r})")
    else:
        years = column
    values = years.to_numpy(dtype=np.float64, na_value=np.nan)
    bad = ~np.isfinite(values) | (values != np.round(values))
    if bad.any():
        row = int(np.flatnonzero(bad)[0])
        raise ValueError(f"column '{name}' must hold whole years; row {column.index[row]} has "
                         f"{column.tolist()[row]!r}")
    return values.astype(np.int64)


def shift_years(matrix: np.ndarray, years: int) -> np.ndarray:
    """Value ``years`` calendar years earlier in each cell (NaN where that year is not covered)."""
    if years < 0:
        raise ValueError(f"shift must be non-negative, got {years}")
    shifted = np.full(matrix.shape, np.nan)
    if years < matrix.shape[1]:
        shifted[:, years:] = matrix[:, : matrix.shape[1] - years]
    return shifted


def _check_window(window: int, min_periods: int) -> None:
    if window < 1:
        raise ValueError(f"window must be at least 1, got {window}")
    if not 1 <= min_periods <= window:
        raise ValueError(f"min_periods must be between 1 and window={window}, got {min_periods}")


def _window_sums(matrix: np.ndarray, window: int) -> tuple[np.ndarray, np.ndarray]:
    """Sum of the present values and their count over each cell's trailing ``window`` years.

    Adding ``window`` shifted copies (a handful of whole-matrix passes) is exact, unlike running
    cumulative sums, and keeps each cell independent of later years bit for bit.
    """
    present = ~np.isnan(matrix)
    filled = np.where(present, matrix, 0.0)
    total = np.zeros(matrix.shape)
    count = np.zeros(matrix.shape, dtype=np.int64)
    for lag in range(window):
        width = matrix.shape[1] - lag
        if width <= 0:
            break
        total[:, lag:] += filled[:, :width]
        count[:, lag:] += present[:, :width]
    return total, count


def rolling_mean(matrix: np.ndarray, window: int, min_periods: int | None = None) -> np.ndarray:
    """Mean over each cell's trailing ``window`` years (the cell's year included), ignoring NaN.

    A cell is NaN when fewer than ``min_periods`` (default ``window``) of those years are present.
    """
    min_periods = window if min_periods is None else min_periods
    _check_window(window, min_periods)
    total, count = _window_sums(matrix, window)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = total / count
    return np.where(count >= min_periods, mean, np.nan)


def rolling_std(
    matrix: np.ndarray, window: int, min_periods: int | None = None, ddof: int = 1
) -> np.ndarray:
    """Standard deviation over each cell's trailing ``window`` years, ignoring NaN.

    A cell is NaN when fewer than ``max(min_periods, ddof + 1)`` of those years are present.
    """
    min_periods = window if min_periods is None else min_periods
    _check_window(window, min_periods)
    total, count = _window_sums(matrix, window)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = total / count
    # Two passes (deviations from each window's own mean) keep precision for large levels.
    squares = np.zeros(matrix.shape)
    for lag in range(window):
        width = matrix.shape[1] - lag
        if width <= 0:
            break
        deviation = matrix[:, :width] - mean[:, lag:]
        squares[:, lag:] += np.where(np.isnan(deviation), 0.0, deviation * deviation)
    with np.errstate(invalid="ignore", divide="ignore"):
        std = np.sqrt(squares / (count - ddof))
    return np.where(count >= max(min_periods, ddof + 1), std, np.nan)
