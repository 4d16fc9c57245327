"""Growth features across a hierarchy: each cell's growth beside its sector's, region's and the nation's.

A cell's next change of demand depends on its own momentum (a cell that grew faster than its
trend tends to do so again, partly), on what happens to its sector and region, and on how far a
shock has already been undone. :func:`hierarchy_growth_features` puts these side by side for every
``(cell, ds)``: log growth of the cell and of every aggregate it belongs to, their lags, the cell's
long and recent average growth, its growth relative to its sector nationally, and the momentum
(last growth against its own average).

Every feature in row ``(cell, ds)`` uses values of years ``<= ds`` only.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

__all__ = ["hierarchy_growth_features", "hierarchy_growth_feature_names"]

# Aggregates each cell is compared with: name -> key columns summed over (the rest are kept).
DEFAULT_LEVELS = {"national": (), "sector": ("sector",), "region": ("region",),
                  "sector_skill": ("sector", "skill")}


def hierarchy_growth_feature_names(levels: dict[str, tuple[str, ...]] | None = None,
                                   lags: Sequence[int] = (1, 2)) -> list[str]:
    """Names of the columns :func:`hierarchy_growth_features` adds, in order."""
    levels = DEFAULT_LEVELS if levels is None else levels
    names = ["growth", *(f"growth_lag_{lag}" for lag in lags)]
    for name in levels:
        names += [f"growth_{name}", *(f"growth_{name}_lag_{lag}" for lag in lags)]
    return names + ["growth_mean_5", "growth_mean_all", "growth_relative_sector_skill",
                    "growth_relative_mean_all", "momentum"]


def _by_cell(values: pd.Series, cell: list[pd.Series], window) -> pd.Series:
    """A rolling or expanding statistic within each cell, back in the rows' order (grouped
    windows run in compiled code, unlike a transform with a Python function per cell)."""
    result = window(values.groupby(cell, sort=False))
    return pd.Series(result.to_numpy(), index=result.index.get_level_values(-1)).reindex(values.index)


def _log_growth(values: pd.Series, groups: list[pd.Series]) -> pd.Series:
    logged = np.log(values.clip(lower=1.0))
    return logged.groupby(groups).diff() if groups else logged.diff()


def hierarchy_growth_features(frame: pd.DataFrame, *, keys: Sequence[str] = ("region", "sector", "skill"),
                              value: str = "y", levels: dict[str, tuple[str, ...]] | None = None,
                              lags: Sequence[int] = (1, 2)) -> pd.DataFrame:
    """Growth features of every cell and year.

    Parameters
    ----------
    frame : DataFrame
        One row per cell and year: the ``keys`` columns, ``ds`` (integer year) and ``value``;
        years of a cell are consecutive.
    keys : sequence of str
        Columns naming a cell.
    value : str
        The column whose growth is described (demand, employment).
    levels : dict, optional
        Aggregates to compare with, name -> the key columns they keep (default
        :data:`DEFAULT_LEVELS`: the nation, the sector, the region, the sector x skill).
    lags : sequence of int
        Lags of each growth, in years.

    Returns
    -------
    DataFrame
        ``keys``, ``ds`` and :func:`hierarchy_growth_feature_names`, one row per input row,
        sorted by cell and year.
    """
    levels = DEFAULT_LEVELS if levels is None else levels
    keys = list(keys)
    base = frame[[*keys, "ds", value]].sort_values([*keys, "ds"]).reset_index(drop=True)
    cell = [base[k] for k in keys]
    out = base[[*keys, "ds"]].copy()
    out["growth"] = _log_growth(base[value], cell)
    grouped = out.groupby(keys, sort=False)["growth"]
    for lag in lags:
        out[f"growth_lag_{lag}"] = grouped.shift(lag)
    for name, kept in levels.items():
        kept = list(kept)
        totals = base.groupby([*kept, "ds"], as_index=False)[value].sum()
        totals = totals.sort_values([*kept, "ds"])
        totals["g"] = _log_growth(totals[value], [totals[k] for k in kept])
        for lag in lags:
            totals[f"g_{lag}"] = (totals.groupby(kept)["g"].shift(lag) if kept
                                  else totals["g"].shift(lag))
        renamed = {"g": f"growth_{name}", **{f"g_{lag}": f"growth_{name}_lag_{lag}" for lag in lags}}
        joined = base[[*kept, "ds"]].merge(totals[[*kept, "ds", *renamed]], on=[*kept, "ds"],
                                           how="left").rename(columns=renamed)
        for column in renamed.values():
            out[column] = joined[column].to_numpy()
    out["growth_mean_5"] = _by_cell(out["growth"], cell, lambda g: g.rolling(5, min_periods=3).mean())
    out["growth_mean_all"] = _by_cell(out["growth"], cell, lambda g: g.expanding(min_periods=3).mean())
    relative = out["growth"] - out.get("growth_sector_skill", 0.0)
    out["growth_relative_sector_skill"] = relative
    out["growth_relative_mean_all"] = _by_cell(relative, cell,
                                               lambda g: g.expanding(min_periods=3).mean())
    out["momentum"] = out["growth"] - out["growth_mean_5"]
    return out
