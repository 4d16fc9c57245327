"""Where the observed history behind the policy mechanisms is read: permits, wages, demand.

The quota lines' order is that of :func:`forecast.quota.status_quo.line_grid` (region x sector x
category); these helpers return arrays of shape (regions, sectors, categories) or (regions,
sectors), zero (or NaN for wages) where a table has no row. The optional tables (``permits``,
``wages``, ``vacancies``) may be absent: callers receive ``None``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from forecast.inputs.regions import region_codes
from forecast.inputs.schema import CATEGORIES, SKILLS
from forecast.inputs.sectors import sector_codes

__all__ = ["demand_cube", "permits_cube", "permits_mean", "wage_grid"]


def _table(data, name: str) -> pd.DataFrame | None:
    try:
        return data[name] if data is not None and name in data else None
    except (KeyError, TypeError):
        return None


def _cube(frame: pd.DataFrame, keys: list[str], levels: list[list[str]], value: str,
          fill: float) -> np.ndarray:
    full = pd.MultiIndex.from_product(levels, names=keys)
    sums = frame.groupby(keys)[value].sum()
    sums.index = pd.MultiIndex.from_arrays(
        [sums.index.get_level_values(k).astype(str) for k in keys], names=keys)
    return sums.reindex(full, fill_value=fill).to_numpy(dtype=float).reshape(
        [len(level) for level in levels])


def permits_cube(data, year: int) -> np.ndarray | None:
    """Permits per region x sector x category in ``year`` (``None`` without a permits table)."""
    permits = _table(data, "permits")
    if permits is None:
        return None
    rows = permits[(permits["year"] == year) & (permits["region"] != "KZ")
                   & (permits["sector"] != "TOTAL")]
    return _cube(rows, ["region", "sector", "category"],
                 [region_codes(), sector_codes(), list(CATEGORIES)], "permits", 0.0)


def permits_mean(data, origin: int, years: int) -> np.ndarray | None:
    """Mean permits per line over the ``years`` years up to ``origin`` (years with no table row
    count as zero: a line with no permits in a year used none)."""
    cubes = [permits_cube(data, year) for year in range(origin - years + 1, origin + 1)]
    if cubes[0] is None:
        return None
    return np.mean(cubes, axis=0)


def demand_cube(data, year: int) -> np.ndarray:
    """Observed demand (employment plus vacancies) per region x sector x skill in ``year``."""
    levels = [region_codes(), sector_codes(), list(SKILLS)]
    out = np.zeros([len(level) for level in levels])
    for name, value in (("employment", "employed"), ("vacancies", "vacancies")):
        frame = _table(data, name)
        if frame is None:
            continue
        rows = frame[(frame["year"] == year) & (frame["region"] != "KZ")
                     & (frame["sector"] != "TOTAL")]
        out += _cube(rows, ["region", "sector", "skill"], levels, value, 0.0)
    return out


def wage_grid(data, origin: int) -> np.ndarray | None:
    """Monthly local wage per region x sector, the latest year up to ``origin`` that has one
    (NaN where none; ``None`` without a wages table)."""
    wages = _table(data, "wages")
    if wages is None:
        return None
    rows = wages[(wages["year"] <= origin) & (wages["region"] != "KZ") & (wages["sector"] != "TOTAL")]
    latest = rows.sort_values("year", kind="stable").groupby(["region", "sector"]).tail(1)
    return _cube(latest, ["region", "sector"], [region_codes(), sector_codes()], "wage", np.nan)
