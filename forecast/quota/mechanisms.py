"""Where the policy mechanisms are added to a proposal: uptake, reallocation, fee, ceiling advice
and the headline.

:func:`add_mechanisms` is the last step of :func:`forecast.quota.recommend_quota`. Per line it adds
``permits_recent`` (mean permits of the last ``history_years`` years), ``employer_demand``,
``expected_uptake`` and ``expected_unused`` (:mod:`forecast.quota.uptake`), ``reallocated`` (the
quota after moving expected unused persons to lines with unmet demand), ``fee`` (KZT per permit
and year) and ``expected_uptake_fee`` (uptake once the fee is charged, :mod:`forecast.quota.fee`).
It returns, for the proposal's ``attrs``: ``uptake`` (totals and expected utilisation beside the
historical range), ``fee_scenario``, ``ceiling_advice`` (:mod:`forecast.quota.ranges`) and
``headline`` (:mod:`forecast.quota.headline`).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from forecast.inputs.schema import CATEGORIES
from forecast.quota.allocation import GroupKind
from forecast.quota.fee import demand_under_fee, fee_scenario, line_fees
from forecast.quota.headline import headline_table
from forecast.quota.history import permits_mean, wage_grid
from forecast.quota.need import cell_cube, open_cells, shortage_at
from forecast.quota.policy import Policy
from forecast.quota.ranges import ceiling_advice
from forecast.quota.uptake import employer_demand, expected_uptake, reallocate

__all__ = ["HISTORICAL_UTILISATION", "add_mechanisms"]

# Share of the quota used, from data/kz_public/quota_history_kz.csv (permits against the quota,
# 2019-2024): the range the report shows beside the expected utilisation.
HISTORICAL_UTILISATION = (0.43, 0.65)


def add_mechanisms(out: pd.DataFrame, forecast, data, policy: Policy, central: dict,
                   kinds: list[GroupKind], ceiling: int) -> dict:
    """Add the uptake, reallocation and fee columns to ``out`` (in place); return the totals.

    ``central`` holds the stages of the proposal at the planning quantile (as built by
    :func:`forecast.quota.recommend_quota`); ``kinds`` its caps and floors.
    """
    quota = out["quota"].to_numpy(dtype=np.int64)
    result, eligible = central["result"], central["limited"]
    permits = permits_mean(data, forecast.origin, policy.history_years) if data is not None else None
    out["permits_recent"] = (permits.reshape(-1) if permits is not None
                             else np.zeros(quota.size)).round(1)
    demand = employer_demand(forecast, data, policy, quota)
    uptake = expected_uptake(quota, demand)
    moved = reallocate(quota, demand, eligible, result.lower, kinds)
    out["employer_demand"] = demand.round(1)
    out["expected_uptake"] = uptake.round(1)
    out["expected_unused"] = (quota - uptake).round(1)
    out["reallocated"] = moved
    wage = wage_grid(data, forecast.origin) if data is not None else None
    fee, cost = line_fees(wage, out["tier"].to_numpy(), policy, len(CATEGORIES))
    out["fee"] = fee.round()
    out["expected_uptake_fee"] = expected_uptake(
        quota, demand_under_fee(demand, fee, cost, policy.fee_elasticity)).round(1)

    total = int(quota.sum())
    used = float(uptake.sum())
    table = forecast.table
    # The needs as the lines write them (to 0.1 person), so their totals are the lines' everywhere,
    # and a rule that changes no line changes no total: every stage is rounded the same way.
    written = {key: float(np.round(central[key], 1).sum()) for key in ("from_shortage", "open", "regulated")}
    stages = {"need_from_shortage": written["from_shortage"],
              "need_from_shortage_exact": float(central["from_shortage"].sum()),
              "foreign_need": float(out["need"].sum()),
              "after_protected": written["open"],
              "after_regulated": written["regulated"],
              "eligible_need": float(out["eligible_need"].sum()),
              "eligible_exact": float(np.sum(eligible)),
              "allocated": float(result.exact.sum()),
              "proposal": float(total), "uptake": used}
    cells = cell_cube(table, shortage_at(table, policy.planning_quantile))
    is_open = np.broadcast_to(open_cells(policy)[None], cells.shape)
    headline = headline_table(cells, is_open, stages, policy.domestic_share, policy.foreign_share)
    return {
        "uptake": {"quota": total, "employer_demand": round(float(demand.sum())),
                   "expected_uptake": round(used), "expected_unused": round(total - used),
                   "utilisation": round(used / total, 4) if total else None,
                   "historical_utilisation": list(HISTORICAL_UTILISATION),
                   "moved": int(np.clip(moved - quota, 0, None).sum()),
                   "permits_history": permits is not None, "fee_model": wage is not None},
        "fee_scenario": fee_scenario(quota, demand, eligible, result.lower, kinds, fee, cost,
                                     policy).to_dict(orient="records"),
        # The eligible need as the lines write it, so the advice quotes the headline's total.
        "ceiling_advice": ceiling_advice(out, eligible, result.exact, ceiling, forecast.labour_force,
                                         eligible_total=stages["eligible_need"]),
        "headline": headline.to_dict(orient="records"),
    }
