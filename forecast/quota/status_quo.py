"""Where today's rule is reproduced: a quota as a percentage of the labour force, and last year's.

Today's rule sets the national quota as a percentage of the labour force and splits it by
regional labour force and by worker category. To compare it with the recommendation line by
line, the regional share is spread over sectors by their share of the region's employment
(seasonal permits only over the seasonal sectors) and over categories by the mix of the latest
published order (:attr:`forecast.quota.policy.Policy.status_quo_category_mix`).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from forecast.quota.allocation import largest_remainder
from forecast.inputs.loader import Dataset
from forecast.quota.policy import Policy
from forecast.inputs.regions import region_codes
from forecast.inputs.schema import CATEGORIES
from forecast.inputs.sectors import sector_codes
from forecast.shortage import ShortageForecast

LINE_KEYS = ["region", "sector", "category"]


def line_grid() -> pd.DataFrame:
    """Every region x sector x category line, in the order of the proposal."""
    return pd.MultiIndex.from_product([region_codes(), sector_codes(), list(CATEGORIES)],
                                      names=LINE_KEYS).to_frame(index=False)


def status_quo_weights(forecast: ShortageForecast, policy: Policy) -> np.ndarray:
    """Share of the national quota each line gets under today's rule (adds up to 1)."""
    demand = (forecast.table.groupby(["region", "sector"])["demand"].sum()
              .reindex(pd.MultiIndex.from_product([region_codes(), sector_codes()]), fill_value=0.0)
              .to_numpy().reshape(len(region_codes()), len(sector_codes())))
    total = demand.sum()
    if total <= 0:
        return np.zeros(len(region_codes()) * len(sector_codes()) * len(CATEGORIES))
    region_share = demand.sum(axis=1) / total
    seasonal = np.isin(sector_codes(), policy.seasonal_sectors)
    mix = np.array([float(policy.status_quo_category_mix.get(c, 0.0)) for c in CATEGORIES])
    mix = mix / mix.sum()
    weights = np.empty((*demand.shape, len(CATEGORIES)))
    for j, category in enumerate(CATEGORIES):
        open_to = demand * seasonal if category == "seasonal" else demand
        within = open_to.sum(axis=1, keepdims=True)
        sector_share = np.divide(open_to, within, out=np.zeros_like(open_to), where=within > 0)
        weights[:, :, j] = region_share[:, None] * sector_share * mix[j]
    return weights.reshape(-1)


def status_quo_quota(forecast: ShortageForecast, policy: Policy) -> np.ndarray:
    """Whole persons per line under today's rule, in :func:`line_grid` order."""
    total = int(np.floor(forecast.labour_force * policy.status_quo_percent / 100))
    return largest_remainder(status_quo_weights(forecast, policy), total)


def last_year_quota(data: Dataset, year: int, forecast: ShortageForecast,
                    policy: Policy) -> tuple[np.ndarray | None, dict]:
    """Last year's national quota from the data's ``quota`` table, spread over lines.

    The published quota is national (and by region where the table has regions). It is spread
    over lines by the mix of valid permits in the latest year of the ``permits`` table (what
    employers actually used), or by today's rule where there are no permits.

    Returns
    -------
    (ndarray or None, dict)
        Persons per line (None when the data have no quota before ``year``) and what was used.
    """
    if "quota" not in data:
        return None, {"available": False, "why": "the data have no quota table"}
    quota = data["quota"]
    earlier = quota[quota["year"] < year]
    if earlier.empty:
        return None, {"available": False, "why": f"the quota table has no year before {year}"}
    last = int(earlier["year"].max())
    rows = earlier[earlier["year"] == last]
    national = rows.loc[rows["region"] == "KZ", "quota"]
    total = int(round(float(national.iloc[0] if len(national) else rows["quota"].sum())))
    grid = line_grid()
    weights = None
    basis = "today's rule (no permits table)"
    if "permits" in data and len(data["permits"]):
        permits = data["permits"]
        permits = permits[(permits["year"] <= last) & (permits["region"] != "KZ")]
        if len(permits):
            latest = int(permits["year"].max())
            mix = (permits[permits["year"] == latest].groupby(LINE_KEYS)["permits"].sum())
            aligned = grid.merge(mix.rename("w").reset_index(), how="left", on=LINE_KEYS)
            weights = aligned["w"].fillna(0.0).to_numpy()
            basis = f"mix of valid permits in {latest}"
            if weights.sum() <= 0:
                weights = None
    if weights is None:
        weights = status_quo_weights(forecast, policy)
    return largest_remainder(weights, total), {"available": True, "year": last, "total": total,
                                                "spread_by": basis}


def status_quo_comparison(quota: pd.DataFrame) -> pd.DataFrame:
    """The proposal next to today's rule (and last year's quota where known), by region.

    ``quota`` is a proposal from :func:`forecast.quota.recommend_quota` (with ``last_year`` when the
    pipeline could compute it).
    """
    columns = [c for c in ("quota", "status_quo", "last_year") if c in quota]
    frame = quota.groupby(["region", "region_name"], as_index=False)[columns].sum()
    frame["difference_from_status_quo"] = frame["quota"] - frame["status_quo"]
    if "last_year" in frame:
        frame["difference_from_last_year"] = frame["quota"] - frame["last_year"]
    return frame.sort_values("quota", ascending=False, kind="stable").reset_index(drop=True)
