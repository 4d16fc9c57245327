"""Reconcile long frames: one row per series at every level in, coherent values out.

:func:`reconcile_frame` is the entry point for forecasts in the long format: it builds the
summing matrix (:mod:`models.hierarchy`) from the frame's key columns, puts the values and any
back-test residuals in its order, and runs a :class:`~models.reconciliation.Reconciler`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from .hierarchy import series_ids, summing_matrix, total_labels
from .reconciliation import Reconciler


def reconcile_frame(
    base: pd.DataFrame,
    keys: Sequence[str],
    value_columns: Sequence[str],
    levels: Sequence[Sequence[str]] | None = None,
    method: str = "mint_shrink",
    residuals: pd.DataFrame | None = None,
    nonnegative: bool = False,
    *,
    totals: Mapping[str, str] | None = None,
    time_column: str = "ds",
    residual_column: str = "residual",
    min_obs: int = 5,
) -> pd.DataFrame:
    """Reconcile the value columns of a long frame with one row per series at every level.

    Parameters
    ----------
    base : pandas.DataFrame
        Key columns and value columns (e.g. ``yhat``, ``yhat_lo_80``, ``yhat_hi_80``), one
        row per series: bottom series have every key, aggregates carry the total label in each
        summed-out key (``"TOTAL"`` unless ``totals`` names another).
    keys : list of str
        Key columns, e.g. ``["region", "sector", "skill"]``.
    value_columns : list of str
        Columns to reconcile, each with the same map ``G``.
    levels : list of list of str, optional
        Aggregation levels (as in :func:`summing_matrix`); default the levels present in
        ``base``. Every series of every level must be present exactly once.
    method, nonnegative :
        As in :class:`Reconciler`.
    residuals : pandas.DataFrame, optional
        Base forecast errors in long form: the key columns, ``time_column`` (one value per
        origin or in-sample period) and ``residual_column``. Series or periods without a
        row count as missing (NaN). Needed for ``mint_shrink``.
    totals : mapping of str to str, optional
        Total labels by key column, as in :func:`summing_matrix`.
    time_column, residual_column : str
        Column names in ``residuals``.
    min_obs : int, default 5
        As in :class:`Reconciler`.

    Returns
    -------
    pandas.DataFrame
        A copy of ``base`` in the same row order with the value columns (float64) coherent.
        ``attrs["reconciliation"]`` records ``method``, ``method_used``, ``fallback_reason``
        and ``nonnegative``.

    Raises
    ------
    ValueError
        On a missing column, a missing or non-finite value, a duplicate series, a series of a
        listed level that is absent, a row belonging to no listed level, or residual rows for
        series outside the hierarchy.
    """
    if not isinstance(base, pd.DataFrame):
        raise TypeError(f"base must be a pandas DataFrame; got {type(base).__name__}")
    keys, value_columns = list(keys), list(value_columns)
    missing = [col for col in keys + value_columns if col not in base.columns]
    if missing:
        raise ValueError(f"base has no column {missing[0]!r} (found {', '.join(map(str, base.columns))})")
    if not value_columns:
        raise ValueError("no value column to reconcile")
    for key in keys:
        if base[key].isna().any():
            raise ValueError(f"column {key!r} of base has a missing value at row {int(np.flatnonzero(base[key].isna().to_numpy())[0])}")
    labels = total_labels(keys, totals)
    text = pd.DataFrame({key: base[key].astype(str) for key in keys})
    aggregated = np.column_stack([(text[key] == labels[key]).to_numpy() for key in keys])
    is_bottom = ~aggregated.any(axis=1)
    if not is_bottom.any():
        raise ValueError("base has no bottom series (rows without a total label in any key)")
    if levels is None:
        patterns = np.unique(aggregated[~is_bottom], axis=0)
        levels = [[key for key, out in zip(keys, pattern) if not out] for pattern in patterns[::-1]]
    S, tags = summing_matrix(text.loc[is_bottom, keys].reset_index(drop=True), levels, keys=keys, totals=totals, sparse_output=True)

    ids = series_ids(text, keys)
    duplicated = ids.duplicated()
    if duplicated.any():
        raise ValueError(f"series {ids[duplicated].iloc[0]!r} appears more than once in base")
    position = pd.Index(tags["unique_id"]).get_indexer(ids)
    if (position < 0).any():
        raise ValueError(f"series {ids[position < 0].iloc[0]!r} belongs to no listed level "
                         f"{[list(level) for level in levels]!r}; summed-out keys must hold their total "
                         f"label ({', '.join(f'{k}: {v!r}' for k, v in total_labels(keys, totals).items())}; "
                         f"set others with totals=)")
    if len(ids) != len(tags):
        absent = sorted(set(tags["unique_id"]) - set(ids))
        raise ValueError(f"base lacks {len(absent)} series of the listed levels, e.g. {absent[0]!r}")

    values = np.empty((len(tags), len(value_columns)))
    for j, col in enumerate(value_columns):
        column = pd.to_numeric(base[col], errors="coerce").to_numpy(dtype=float, na_value=np.nan)
        bad = ~np.isfinite(column)
        if bad.any():
            raise ValueError(f"column {col!r} has a missing or non-finite value for series {ids.iloc[int(np.flatnonzero(bad)[0])]!r}")
        values[position, j] = column

    wide = None
    if residuals is not None:
        wide = _residual_matrix(residuals, keys, tags["unique_id"], time_column, residual_column)
    reconciler = Reconciler(method=method, nonnegative=nonnegative, min_obs=min_obs).fit(S, wide)
    reconciled = reconciler.reconcile(values)
    out = base.copy()
    for j, col in enumerate(value_columns):
        out[col] = reconciled[position, j]
    out.attrs["reconciliation"] = {"method": method, "method_used": reconciler.method_used_,
                                   "fallback_reason": reconciler.fallback_reason_, "nonnegative": bool(nonnegative)}
    return out


def _residual_matrix(residuals: pd.DataFrame, keys: list[str], order: pd.Series, time_column: str, residual_column: str) -> np.ndarray:
    if not isinstance(residuals, pd.DataFrame):
        raise TypeError(f"residuals must be a pandas DataFrame in long form; got {type(residuals).__name__}")
    missing = [col for col in keys + [time_column, residual_column] if col not in residuals.columns]
    if missing:
        raise ValueError(f"residuals have no column {missing[0]!r} (found {', '.join(map(str, residuals.columns))})")
    ids = series_ids(residuals, keys)
    position = pd.Index(order).get_indexer(ids)
    if (position < 0).any():
        raise ValueError(f"residuals name series {ids[position < 0].iloc[0]!r}, which is not in base")
    times, time_index = pd.factorize(residuals[time_column], sort=True)
    if (times < 0).any():
        raise ValueError(f"column {time_column!r} of residuals has a missing value")
    cell = times.astype(np.int64) * len(order) + position
    if len(np.unique(cell)) != len(cell):
        raise ValueError(f"residuals have more than one row for a series and {time_column!r}")
    wide = np.full((len(time_index), len(order)), np.nan)
    wide[times, position] = pd.to_numeric(residuals[residual_column], errors="coerce").to_numpy(dtype=float, na_value=np.nan)
    return wide
