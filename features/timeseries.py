"""Time-series features of one value column: lags, differences, log growth, rolling windows, scale.

Every feature in row ``(series, ds)`` uses only the series' values in years ``<= ds``, so a row is
what a forecaster standing at origin ``ds`` could have computed. Years are calendar years: a lag of
1 is the value of the previous calendar year, NaN when that year is missing, never the previous row.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from features.panel import panel_grid, require_columns, rolling_mean, rolling_std, shift_years

__all__ = ["time_series_features", "time_series_columns", "time_series_feature_names"]


def time_series_feature_names(
    value: str = "y",
    lags: Sequence[int] = (1, 2, 3),
    diffs: Sequence[int] = (1,),
    growth_lags: Sequence[int] = (1,),
    windows: Sequence[int] = (3, 5),
    scale_window: int = 5,
) -> list[str]:
    """Names of the columns :func:`time_series_features` adds, in order."""
    return [
        *(f"{value}_lag_{lag}" for lag in lags),
        *(f"{value}_diff_{lag}" for lag in diffs),
        *(f"{value}_log_growth_{lag}" for lag in growth_lags),
        *(f"{value}_rolling_mean_{window}" for window in windows),
        *(f"{value}_volatility_{window}" for window in windows),
        f"{value}_level_scale_{scale_window}",
        f"{value}_log_level",
    ]


def time_series_features(
    frame: pd.DataFrame,
    value: str = "y",
    *,
    id_column: str = "unique_id",
    time_column: str = "ds",
    lags: Sequence[int] = (1, 2, 3),
    diffs: Sequence[int] = (1,),
    growth_lags: Sequence[int] = (1,),
    windows: Sequence[int] = (3, 5),
    scale_window: int = 5,
) -> pd.DataFrame:
    """Lags, differences, log growth, rolling means, volatility and level scale of ``value``.

    Parameters
    ----------
    frame : DataFrame
        Long panel with ``id_column``, ``time_column`` (integer years, or annual dates or
        periods, which count as their calendar year) and non-negative ``value`` (NaN allowed).
    value : str
        Column to describe; also the prefix of the output names.
    lags : sequence of int
        ``{value}_lag_{k}``: the value ``k`` years earlier.
    diffs : sequence of int
        ``{value}_diff_{k}``: value minus the value ``k`` years earlier.
    growth_lags : sequence of int
        ``{value}_log_growth_{k}``: ``log1p(value) - log1p(value k years earlier)``; ``log1p``
        keeps zero counts finite and equals the log ratio to within 1/value for large values.
    windows : sequence of int
        ``{value}_rolling_mean_{w}``: mean of the last ``w`` years including ``ds``;
        ``{value}_volatility_{w}``: sample standard deviation of the 1-year log growth over the
        last ``w`` years. Both need all ``w`` years present.
    scale_window : int
        ``{value}_level_scale_{w}``: mean of the values present in the last ``w`` years, a
        per-series scale for normalising across series of very different size.

    Returns
    -------
    DataFrame
        ``id_column``, ``time_column`` and the features (see :func:`time_series_feature_names`,
        plus ``{value}_log_level = log1p(value)``), one row per input row, in input order.

    Raises
    ------
    ValueError
        On missing columns, a duplicate (series, year), a time column that is not years, a
        negative or non-numeric value, or a non-positive lag or window.
    """
    columns = time_series_columns(frame, value, id_column=id_column, time_column=time_column,
                                  lags=lags, diffs=diffs, growth_lags=growth_lags,
                                  windows=windows, scale_window=scale_window)
    result = pd.DataFrame(columns, index=frame.index)
    result.insert(0, time_column, frame[time_column].array)
    result.insert(0, id_column, frame[id_column].array)
    return result


def time_series_columns(
    frame: pd.DataFrame,
    value: str = "y",
    *,
    id_column: str = "unique_id",
    time_column: str = "ds",
    lags: Sequence[int] = (1, 2, 3),
    diffs: Sequence[int] = (1,),
    growth_lags: Sequence[int] = (1,),
    windows: Sequence[int] = (3, 5),
    scale_window: int = 5,
) -> dict[str, np.ndarray]:
    """The features of :func:`time_series_features` as one array per name, row-aligned."""
    require_columns(frame, "time series", [id_column, time_column, value])
    lags, diffs, growth_lags, windows = (_steps(name, steps) for name, steps in (
        ("lags", lags), ("diffs", diffs), ("growth_lags", growth_lags), ("windows", windows)))
    scale_window = _steps("scale_window", [scale_window])[0]
    missing_id = frame[id_column].isna().to_numpy()
    if missing_id.any():
        raise ValueError(f"column '{id_column}' has a missing value in row {frame.index[int(np.flatnonzero(missing_id)[0])]}")
    grid = panel_grid(frame, [id_column], time_column)
    values = pd.to_numeric(frame[value], errors="coerce").to_numpy(dtype=np.float64, na_value=np.nan)
    # Missing values are allowed (their features are NaN); text and negatives are not.
    invalid = (values < 0) | (np.isnan(values) & frame[value].notna().to_numpy())
    if invalid.any():
        row = int(np.flatnonzero(invalid)[0])
        raise ValueError(f"column '{value}' must hold non-negative numbers (log growth needs them); "
                         f"row {frame.index[row]} ({id_column} {frame[id_column].iloc[row]}, "
                         f"{time_column} {frame[time_column].iloc[row]}) has {frame[value].tolist()[row]!r}")
    levels = grid.to_matrix(values)
    log_levels = np.log1p(levels)
    one_year_growth = log_levels - shift_years(log_levels, 1)

    columns: dict[str, np.ndarray] = {}
    for lag in lags:
        columns[f"{value}_lag_{lag}"] = grid.gather(shift_years(levels, lag))
    for lag in diffs:
        columns[f"{value}_diff_{lag}"] = grid.gather(levels - shift_years(levels, lag))
    for lag in growth_lags:
        columns[f"{value}_log_growth_{lag}"] = grid.gather(log_levels - shift_years(log_levels, lag))
    for window in windows:
        columns[f"{value}_rolling_mean_{window}"] = grid.gather(rolling_mean(levels, window))
    for window in windows:
        columns[f"{value}_volatility_{window}"] = grid.gather(rolling_std(one_year_growth, window))
    columns[f"{value}_level_scale_{scale_window}"] = grid.gather(
        rolling_mean(levels, scale_window, min_periods=1)
    )
    columns[f"{value}_log_level"] = grid.gather(log_levels)
    return columns


def _steps(name: str, steps: Sequence[int]) -> list[int]:
    """``steps`` as a list of ints of at least 1, or a ValueError that shows what was given."""
    if isinstance(steps, (str, bytes)) or not isinstance(steps, Sequence | np.ndarray):
        raise ValueError(f"{name} must be a sequence of whole numbers of years, e.g. (1, 2, 3); got {steps!r}")
    out = []
    for step in steps:
        if isinstance(step, (bool, np.bool_)) or not isinstance(step, (int, np.integer)) or step < 1:
            raise ValueError(f"{name} must hold whole numbers of years of at least 1; got {step!r}")
        out.append(int(step))
    return out
