"""Foreign need per quota line: the shortage at a quantile, less what domestic measures close.

Rules 1-2 of :mod:`forecast.quota.recommend`: the shortage at the planning quantile where positive,
less the policy's ``domestic_share``, times its ``foreign_share``, per region x sector x skill,
then split over the worker categories each skill level may use. The same rule gives the need of
the back-test's truth (:mod:`forecast.quota.backtest`), so forecast and truth are comparable.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from forecast.inputs.regions import region_codes
from forecast.inputs.schema import CATEGORIES, SKILLS
from forecast.inputs.sectors import sector_codes
from forecast.quota.policy import Policy


def shortage_at(table: pd.DataFrame, quantile: float) -> np.ndarray:
    """The shortage at any quantile, interpolated between the forecast's quantile columns."""
    columns = sorted(c for c in table.columns if c.startswith("shortage_p"))
    levels = np.array([int(c[len("shortage_p"):]) / 100 for c in columns])
    values = table[columns].to_numpy(dtype=float)
    position = np.interp(quantile, levels, np.arange(levels.size))
    low, high = int(np.floor(position)), int(np.ceil(position))
    weight = position - low
    return values[:, low] * (1 - weight) + values[:, high] * weight


def cell_cube(table: pd.DataFrame, values: np.ndarray | pd.Series) -> np.ndarray:
    """Values per region x sector x skill cell as an array (regions, sectors, skills), 0 if absent."""
    index = pd.MultiIndex.from_frame(table[["region", "sector", "skill"]])
    full = pd.MultiIndex.from_product([region_codes(), sector_codes(), list(SKILLS)])
    series = pd.Series(np.asarray(values, dtype=float), index=index)
    return series.reindex(full, fill_value=0.0).to_numpy().reshape(
        len(region_codes()), len(sector_codes()), len(SKILLS))


def split_matrix(policy: Policy) -> np.ndarray:
    """Share of each skill level's need going to each category: (skills, categories)."""
    return np.array([[float(policy.category_split[s].get(c, 0.0)) for c in CATEGORIES]
                     for s in SKILLS])


def feeds(policy: Policy) -> np.ndarray:
    """Which skill levels feed which category: boolean (skills, categories)."""
    return split_matrix(policy) > 0


def open_cells(policy: Policy) -> np.ndarray:
    """Skill cells that may use foreign workers: low skill only in the seasonal sectors."""
    open_cells = np.ones((len(sector_codes()), len(SKILLS)), dtype=bool)
    open_cells[:, SKILLS.index("low")] = np.isin(sector_codes(), policy.seasonal_sectors)
    return open_cells


def line_feeds(policy: Policy) -> np.ndarray:
    """Open skill cells feeding each category: boolean (1, sectors, skills, categories)."""
    return feeds(policy)[None, None, :, :] & open_cells(policy)[None, :, :, None]


def regulated_shares(policy: Policy) -> np.ndarray:
    """Share of need foreign workers may fill per sector x category (1 where unregulated)."""
    share = np.ones((len(sector_codes()), len(CATEGORIES)))
    columns = [CATEGORIES.index(c) for c in policy.regulated_categories]
    for sector, value in policy.regulated_share.items():
        share[sector_codes().index(sector), columns] = float(value)
    return share


def foreign_need(table: pd.DataFrame, quantile: float, policy: Policy) -> np.ndarray:
    """Foreign need per line (regions, sectors, categories) before any limit (rules 1-2)."""
    shortage = cell_cube(table, np.clip(shortage_at(table, quantile), 0.0, None))
    foreign = shortage * (1 - policy.domestic_share) * policy.foreign_share
    foreign = foreign * open_cells(policy)[None, :, :]
    return np.einsum("rsk,kc->rsc", foreign, split_matrix(policy))
