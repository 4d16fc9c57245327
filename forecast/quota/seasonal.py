"""Where seasonal need is estimated: low-skill seasonal work in the seasonal sectors.

The annual balance of openings and seekers compares yearly averages: a harvest or a building
season that needs thousands of extra hands for a few months leaves no trace in it, so the
shortage-based need of the seasonal category is almost always zero while real orders give it a
fifth of the quota (4,994 of 22,146 in the 2026 order). The evidence for seasonal demand is what
employers revealed: the seasonal permits they used.

Seasonal need of a region in a seasonal sector (``[sectors].seasonal``) is

    mean seasonal permits of the last ``[uptake].history_years`` years up to the origin
    x the forecast change in the cell's low-skill demand (bounded by ``[uptake].max_growth``),

and the seasonal line's need is the larger of this and the need from the shortage. No share is
left to domestic measures: permits are issued only after the vacancy was offered locally, so the
permits used are already demand that local workers did not fill. Without a permits table (or with
``[seasonal].from_permits = false``) the seasonal lines keep the need from the shortage alone.
"""

from __future__ import annotations

import numpy as np

from forecast.inputs.schema import CATEGORIES, SKILLS
from forecast.inputs.sectors import sector_codes
from forecast.quota.history import demand_cube, permits_mean
from forecast.quota.need import cell_cube
from forecast.quota.policy import Policy

__all__ = ["bounded_growth", "seasonal_need"]


def bounded_growth(forecast_demand: np.ndarray, observed: np.ndarray, bound: float) -> np.ndarray:
    """``forecast / observed`` within ``[1 / bound, bound]`` (1 where nothing was observed)."""
    ratio = np.divide(forecast_demand, observed, out=np.ones_like(forecast_demand, dtype=float),
                      where=observed > 0)
    return np.clip(ratio, 1.0 / bound, bound)


def seasonal_need(forecast, data, policy: Policy) -> np.ndarray | None:
    """Seasonal need per region x sector (zero outside the seasonal sectors), or ``None`` when
    the data have no permits table or the policy does not use it."""
    if not policy.seasonal_from_permits or data is None:
        return None
    permits = permits_mean(data, forecast.origin, policy.history_years)
    if permits is None:
        return None
    low = SKILLS.index("low")
    growth = bounded_growth(cell_cube(forecast.table, forecast.table["demand"])[..., low],
                            demand_cube(data, forecast.origin)[..., low], policy.max_growth)
    seasonal = np.isin(sector_codes(), policy.seasonal_sectors)[None, :]
    return np.where(seasonal, permits[..., CATEGORIES.index("seasonal")] * growth, 0.0)
