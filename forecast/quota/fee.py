"""Where the price mechanism is modelled: a fee per permit from the wage gap, and its effect on
the permits employers use.

The combined model the policy reviews recommend is a quota plus a price. Per line, with ``w`` the
local monthly wage of the line's region and sector in the last data year (the wages table):

- a foreign hire costs the employer ``cost = 12 w (foreign_wage_ratio + hire_cost_share)`` a
  year (the foreign worker's pay plus recruitment, travel and housing), against ``12 w`` for a
  local hire;
- the **wage gap** ``12 w max(0, 1 - foreign_wage_ratio - hire_cost_share)`` is what a foreign
  hire saves: the incentive to hire abroad rather than train or pay locals;
- the **fee** per permit and year is ``fee_multiplier[tier] x wage gap``: half the gap where the
  shortage is severe (the fee must not block needed hires), the whole gap in balance (hiring
  abroad is then no cheaper), twice the gap in surplus;
- **employer demand** for permits falls with the fee at a constant elasticity:
  ``demand x ((cost + fee) / cost) ^ -elasticity``; expected uptake is ``min(quota, demand)``,
  so a higher fee never raises expected uptake, and fee revenue is ``fee x uptake``.

One wage per region and sector: the categories' pay differences are not in the data, so the fee
and the cost scale together and the ratio that drives demand is the same for every category.
Lines without a wage (no wages table, or no row) get no fee and keep their demand.
:func:`fee_scenario` compares "quota only" with "quota plus fee": unused quota, unmet demand,
what the reallocation moves, and the fee revenue.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from forecast.quota.allocation import GroupKind
from forecast.quota.policy import Policy
from forecast.quota.uptake import expected_uptake, reallocate

__all__ = ["demand_under_fee", "fee_scenario", "line_fees"]

MONTHS = 12


def line_fees(wage: np.ndarray | None, tiers: np.ndarray, policy: Policy,
              categories: int) -> tuple[np.ndarray, np.ndarray]:
    """Fee and yearly cost of a foreign hire per line (KZT), from the wage per region x sector.

    ``wage`` is (regions, sectors) or ``None``; ``tiers`` holds each line's tier in line order.
    Lines without a wage get a fee of 0 and a cost of NaN.
    """
    lines = len(tiers)
    if wage is None:
        return np.zeros(lines), np.full(lines, np.nan)
    monthly = np.repeat(np.asarray(wage, dtype=float).reshape(-1), categories)
    cost = MONTHS * monthly * (policy.foreign_wage_ratio + policy.hire_cost_share)
    gap = MONTHS * monthly * max(0.0, 1.0 - policy.foreign_wage_ratio - policy.hire_cost_share)
    multiplier = pd.Series(tiers).map(policy.fee_multiplier).to_numpy(dtype=float)
    fee = np.nan_to_num(multiplier * gap, nan=0.0)
    return fee, np.where(cost > 0, cost, np.nan)


def demand_under_fee(demand: np.ndarray, fee: np.ndarray, cost: np.ndarray,
                     elasticity: float) -> np.ndarray:
    """Employer demand once the fee is charged: ``demand x ((cost + fee) / cost) ^ -elasticity``
    (unchanged where the cost is unknown)."""
    factor = np.ones_like(np.asarray(demand, dtype=float))
    known = np.isfinite(cost) & (cost > 0)
    factor[known] = ((cost[known] + fee[known]) / cost[known]) ** (-elasticity)
    return demand * factor


def fee_scenario(quota: np.ndarray, demand: np.ndarray, eligible: np.ndarray, lower: np.ndarray,
                 kinds: list[GroupKind], fee: np.ndarray, cost: np.ndarray,
                 policy: Policy) -> pd.DataFrame:
    """"Quota only" against "quota plus fee", in totals.

    Columns: ``scenario``, ``quota``, ``employer_demand``, ``expected_uptake``, ``unused``
    (quota employers will not use), ``unmet`` (employer demand within the eligible need that the
    quota does not cover), ``moved`` (persons the reallocation moves), ``unmet_after``
    (unmet demand after it) and ``fee_revenue`` (KZT a year).
    """
    rows = []
    for name, charged in (("quota only", np.zeros_like(fee)), ("quota plus fee", fee)):
        wanted = demand_under_fee(demand, charged, cost, policy.fee_elasticity)
        used = expected_uptake(quota, wanted)
        within = np.minimum(eligible, wanted)
        moved = reallocate(quota, wanted, eligible, lower, kinds)
        rows.append({"scenario": name, "quota": int(np.sum(quota)),
                     "employer_demand": round(float(wanted.sum())),
                     "expected_uptake": round(float(used.sum())),
                     "unused": round(float(np.sum(quota - used))),
                     "unmet": round(float(np.clip(within - quota, 0, None).sum())),
                     "moved": int(np.clip(moved - quota, 0, None).sum()),
                     "unmet_after": round(float(np.clip(within - moved, 0, None).sum())),
                     "fee_revenue": round(float(np.sum(charged * used)))})
    return pd.DataFrame(rows)
