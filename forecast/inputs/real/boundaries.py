"""Back-cast the units created in 2018 and 2022 over the years published before them.

Published regional series start a new unit in the year it was first published (Shymkent from
2010 in the labour-force survey, from 2017 in the population series; Abai, Zhetysu and Ulytau
from 2022), its territory counted in the parent before. The data directory gives every unit
every year (the 2022 boundaries), so each parent's earlier values are split: the child gets
its share of the two in the first year both are published, for the same keys (sector, skill,
sex, age band), rounded to whole persons; the parent keeps the rest, so every published total
of the earlier boundaries is preserved exactly. Split rows are flagged ``backcast``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from forecast.inputs.regions import boundary_changes

__all__ = ["backcast_new_units"]


def backcast_new_units(frame: pd.DataFrame, value: str, keys: list[str],
                       whole: bool = True) -> pd.DataFrame:
    """Give every child unit of :func:`forecast.inputs.regions.boundary_changes` the years
    before its first published year, split from its parent.

    Parameters
    ----------
    frame : DataFrame
        ``region, year``, the further ``keys`` and ``value``; may carry other columns, which the
        new child rows copy from the parent rows they are split from.
    value : str
    keys : list of str
        Keys besides region and year.
    whole : bool
        Round the child's part to whole persons (the parent keeps the rest).

    Returns
    -------
    DataFrame
        With a boolean ``backcast`` column: True on every row changed or created by a split.
    """
    out = frame.copy()
    if "backcast" not in out.columns:
        out["backcast"] = False
    for event in boundary_changes().itertuples():
        child_rows = out["region"] == event.child
        if not child_rows.any():
            continue
        first = int(out.loc[child_rows, "year"].min())
        early = (out["region"] == event.parent) & (out["year"] < first)
        if not early.any():
            continue
        both = out[out["region"].isin([event.parent, event.child]) & (out["year"] == first)]
        wide = both.pivot_table(index=keys or None, columns="region", values=value,
                                aggfunc="sum") if keys else None
        overall = (both.loc[both["region"] == event.child, value].sum()
                   / max(both[value].sum(), 1e-12))
        parent = out.loc[early].copy()
        if keys:
            share = (wide[event.child] / wide.sum(axis=1)).fillna(overall)
            index = pd.MultiIndex.from_frame(parent[keys]) if len(keys) > 1 else parent[keys[0]]
            shares = share.reindex(index).fillna(overall).to_numpy()
        else:
            shares = np.full(len(parent), overall)
        part = parent[value].to_numpy() * shares
        if whole:
            part = np.rint(part)
        child = parent.assign(region=event.child, **{value: part}, backcast=True)
        out.loc[early, value] = parent[value].to_numpy() - part
        out.loc[early, "backcast"] = True
        out = pd.concat([out, child], ignore_index=True)
    return out.sort_values(["region", *keys, "year"], kind="stable").reset_index(drop=True)
