"""Where expected uptake is estimated: how many permits employers will request and use.

The recurring failure of the quota is that it goes unused (2019: 20.9k permits against 48.7k;
2022: 63.5%) while some lines lack specialists. A quota line is used only as far as employers
want foreign workers there, so per region x sector x category:

- **employer demand** for permits = the mean permits of the line over the last
  ``[uptake].history_years`` years up to the origin, times the forecast change in the demand of
  the skill levels that feed the line (bounded by ``[uptake].max_growth``). A line with no
  permits in those years has no revealed demand: it is expected to use
  ``[uptake].new_line_utilisation`` of its quota (the national utilisation of recent years);
  the same holds everywhere when the data have no permits table;
- **expected uptake** = ``min(quota, employer demand)``; **expected unused** = quota - uptake;
- **reallocation** (:func:`reallocate`): whole persons move from lines expected to leave quota
  unused to lines whose employer demand, within their eligible need, exceeds their quota, as the
  2023 redistribution did during the year. Donors keep their expected uptake and their floor
  share; receivers stay within their eligible need and every group cap; the total is unchanged.

The model is back-tested on the sample's permits history by ``python -m benchmarks.quota.uptake``
(``benchmarks/results/uptake_backtest.json``).
"""

from __future__ import annotations

import numpy as np

from forecast.quota.allocation import GroupKind, largest_remainder
from forecast.quota.history import demand_cube, permits_mean
from forecast.quota.need import cell_cube, line_feeds
from forecast.quota.policy import Policy
from forecast.quota.seasonal import bounded_growth

__all__ = ["demand_from_history", "employer_demand", "expected_uptake", "line_growth", "reallocate"]


def line_growth(forecast_demand: np.ndarray, observed: np.ndarray, policy: Policy) -> np.ndarray:
    """Change in demand per line (regions, sectors, categories) from cell demand (regions,
    sectors, skills): forecast over observed, summed over the open cells feeding the line."""
    feeds = line_feeds(policy)[0].astype(float)                                   # (S, K, C)
    ahead = np.einsum("rsk,skc->rsc", forecast_demand, feeds)
    before = np.einsum("rsk,skc->rsc", observed, feeds)
    return bounded_growth(ahead, before, policy.max_growth)


def demand_from_history(permits: np.ndarray | None, growth: np.ndarray, quota: np.ndarray,
                        utilisation: float) -> np.ndarray:
    """Employer demand per line: recent permits x growth, or ``utilisation x quota`` where the
    line has no permits history (everywhere when ``permits`` is ``None``)."""
    quota = np.asarray(quota, dtype=float)
    if permits is None:
        return utilisation * quota
    permits = np.asarray(permits, dtype=float).reshape(quota.shape)
    return np.where(permits > 0, permits * np.asarray(growth).reshape(quota.shape),
                    utilisation * quota)


def employer_demand(forecast, data, policy: Policy, quota: np.ndarray) -> np.ndarray:
    """Employer demand for permits per line (line order) in the forecast year."""
    permits = permits_mean(data, forecast.origin, policy.history_years) if data is not None else None
    if permits is None:
        return demand_from_history(None, np.ones_like(quota, dtype=float), quota,
                                   policy.new_line_utilisation)
    growth = line_growth(cell_cube(forecast.table, forecast.table["demand"]),
                         demand_cube(data, forecast.origin), policy)
    return demand_from_history(permits.reshape(-1), growth.reshape(-1), quota,
                               policy.new_line_utilisation)


def expected_uptake(quota: np.ndarray, demand: np.ndarray) -> np.ndarray:
    """Permits expected to be used per line: ``min(quota, employer demand)``."""
    return np.minimum(np.asarray(quota, dtype=float), demand)


def reallocate(quota: np.ndarray, demand: np.ndarray, eligible: np.ndarray, lower: np.ndarray,
               kinds: list[GroupKind]) -> np.ndarray:
    """Move whole persons from lines expected to leave quota unused to lines with unmet demand.

    Parameters
    ----------
    quota : ndarray of int
        The proposal per line.
    demand : ndarray
        Employer demand for permits per line.
    eligible : ndarray
        Need per line within the policy's rules (protected sectors, regulated professions, local
        content): a line never receives more than this.
    lower : ndarray
        Floor share per line (:func:`forecast.quota.allocation.floor_shares`): never given away.
    kinds : list of GroupKind
        Group caps (region, sector, national), never exceeded by a receiving group.

    Returns
    -------
    ndarray of int
        The reallocated quota: same total; donors keep at least ``min(quota, ceil(uptake))`` and
        their floor share; receivers get at most ``floor(min(eligible, demand))``.
    """
    quota = np.asarray(quota, dtype=np.int64)
    keep = np.maximum(np.ceil(expected_uptake(quota, demand) - 1e-9), np.ceil(lower - 1e-9))
    released = quota - np.minimum(keep, quota).astype(np.int64)
    wanted = np.floor(np.minimum(eligible, demand) + 1e-9).astype(np.int64)
    room = np.clip(wanted - quota, 0, None)
    for kind in kinds:
        # A receiving group may fill only the room under its cap before any donor releases
        # (donors of the same group may release less than the receivers take).
        inside = kind.labels >= 0
        space = np.clip(np.floor(kind.caps + 1e-9) - kind.sums(quota.astype(float)), 0, None)
        asked = kind.sums(room.astype(float))
        scale = np.divide(space, asked, out=np.ones_like(asked), where=asked > space)
        scale = np.minimum(scale, 1.0)
        room = np.where(inside, np.floor(room * scale[np.where(inside, kind.labels, 0)] + 1e-9),
                        room).astype(np.int64)
    moved = int(min(released.sum(), room.sum()))
    if moved <= 0:
        return quota.copy()
    return quota - largest_remainder(released, moved) + largest_remainder(room, moved)
