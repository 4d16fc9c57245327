"""Where quotas are computed: from the shortage forecast to a quota per region, sector and category.

The rules (a :class:`~forecast.quota.policy.Policy`) are applied in this order; each line's
``binding_constraint`` and ``reason`` say which one set its number:

1. **Foreign need.** The shortage at the policy's planning quantile, where positive, less the
   share domestic measures can close (training, retraining, resettlement), times the share to fill
   from abroad, per region x sector x skill.
2. **Categories.** Each skill level's need is split over the categories it may use (by default
   high skill to 1-3, medium to 3-4, low skill only to seasonal work in the seasonal sectors).
3. **Protected sectors** get zero.
4. **Local content.** Foreign workers may be at most ``(1 - m) / m`` of the citizens in the same
   posts (``m`` = 70% for categories 1-2, 90% for 3-4), in each sector of each region; the staff
   base is the forecast demand of the skill levels that hold those posts.
5. **Caps and the ceiling.** Sector caps, region caps and the national ceiling (a share of the
   labour force) are met by one progressive filling (:mod:`forecast.quota.allocation`): lines keep a
   share of their need that grows with their sector's priority and the severity of their
   shortage, so severe shortages keep more than mild ones. Region and sector floors are protected
   from the cut up to the group's own need.
6. **Whole persons.** Largest-remainder rounding within every cap and floor; the lines add up
   exactly to the total.

Rule 1 also covers seasonal work: in the seasonal sectors the seasonal line's need is the larger of
the need from the shortage and the seasonal permits of recent years
(:mod:`forecast.quota.seasonal`). Rule 3 also applies the **regulated professions**
(``[regulated]``): where recognition of foreign qualifications limits hiring, foreign need is
capped at the policy's share of it (binding constraint ``regulated profession``).

``quota_low`` and ``quota_high`` bracket the proposal on every line and in every total
(:mod:`forecast.quota.ranges`): the rules applied at the low and high quantiles, widened to
contain the proposal. ``need_low``, ``need`` and ``need_high`` are the uncut need at the three
quantiles. Expected uptake, the reallocation, the fee, the ceiling advice and the headline table
are added by :mod:`forecast.quota.mechanisms`.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from forecast.quota.allocation import GroupKind, allocate
from forecast.inputs.errors import InputError
from forecast.inputs.loader import Dataset
from forecast.quota.explain import driver_types, line_reasons
from forecast.quota.mechanisms import add_mechanisms
from forecast.quota.ranges import bracket
from forecast.quota.seasonal import seasonal_need
from forecast.quota.need import (cell_cube, feeds, foreign_need, line_feeds, open_cells,
                                 regulated_shares, shortage_at)
from forecast.quota.policy import Policy
from forecast.inputs.regions import region_codes, region_name
from forecast.inputs.schema import CATEGORIES, SKILLS
from forecast.inputs.sectors import sector_codes, sector_name
from forecast.shortage import ShortageForecast, classify_tiers
from forecast.quota.status_quo import line_grid, status_quo_quota

__all__ = ["CATEGORY_NAMES", "COLUMNS", "LINE_DRIVERS", "recommend_quota"]

CATEGORY_NAMES = {"1": "heads and deputies", "2": "heads of structural units", "3": "specialists",
                  "4": "skilled workers", "seasonal": "seasonal workers"}
# Drivers shown for each line, summed over the skill levels that feed its category.
LINE_DRIVERS = ("demand", "expansion", "retirements", "deaths", "emigration", "graduates",
                "immigration", "internal_migration", "unemployed", "openings", "seekers", "shortage")
COLUMNS = ["region", "region_name", "sector", "sector_name", "category", "category_name",
           "quota", "quota_low", "quota_high", "allocated", "need", "need_low", "need_high",
           "need_source", "regulated_share", "eligible_need", "permits_recent", "employer_demand",
           "expected_uptake", "expected_unused", "reallocated", "fee", "expected_uptake_fee",
           "shortage", "shortage_planned",
           "tier", "skills", "driver_type", "binding_constraint", "fee_multiplier", "status_quo",
           "expansion", "replacement", "emigration", "graduates", "migration", "unemployed",
           "demand", "reason"]


def _local_content(need: np.ndarray, demand: np.ndarray, policy: Policy) -> tuple[np.ndarray, np.ndarray]:
    """Need within the local-content rule (rule 4), and where the rule cut it."""
    high, medium = demand[..., SKILLS.index("high")], demand[..., SKILLS.index("medium")]
    staff = {("1", "2"): policy.management_share * high,
             ("3", "4"): (1 - policy.management_share) * high + medium}
    ceiling_share = {("1", "2"): policy.min_citizen_share_1_2, ("3", "4"): policy.min_citizen_share_3_4}
    limited = need.copy()
    cut = np.zeros(need.shape, dtype=bool)
    for group, base in staff.items():
        columns = [CATEGORIES.index(c) for c in group]
        share = ceiling_share[group]
        limit = base * (1 - share) / share
        total = need[..., columns].sum(axis=-1)
        factor = np.where(total > limit, np.divide(limit, total, out=np.zeros_like(total),
                                                   where=total > 1e-12), 1.0)
        limited[..., columns] = need[..., columns] * factor[..., None]
        cut[..., columns] = (factor < 1)[..., None] & (need[..., columns] > 0)
    return limited, cut


def _evidence(table: pd.DataFrame, policy: Policy) -> dict[str, np.ndarray]:
    """Drivers of each line, summed over the open skill cells that feed its category.

    Where some feeding cells are short at the planning quantile, only those are summed: they are
    the cells the line's need comes from (a surplus of medium-skill workers does not explain a
    category 3 quota for short high-skill specialists). Otherwise all feeding cells are summed.
    """
    usable = line_feeds(policy)                                                 # (1, S, K, C)
    short = (cell_cube(table, shortage_at(table, policy.planning_quantile)) > 0)[..., None]
    any_short = (usable & short).any(axis=2, keepdims=True)
    mask = usable & (short | ~any_short)                                         # (R, S, K, C)
    out = {}
    for name in (*LINE_DRIVERS, "planned"):
        values = (shortage_at(table, policy.planning_quantile) if name == "planned"
                  else table[name].to_numpy(dtype=float))
        out[name] = np.einsum("rsk,rskc->rsc", cell_cube(table, values), mask)
    out["skills"] = mask
    return out


def _groups(policy: Policy, ceiling: int) -> list[GroupKind]:
    """Sector caps, region caps and the national ceiling, over lines in :func:`line_grid` order."""
    regions, sectors = region_codes(), sector_codes()
    shape = (len(regions), len(sectors), len(CATEGORIES))
    region_of = np.broadcast_to(np.arange(len(regions))[:, None, None], shape).reshape(-1)
    sector_of = np.broadcast_to(np.arange(len(sectors))[None, :, None], shape).reshape(-1)

    def limits(values: dict, codes: list[str], default: float) -> np.ndarray:
        return np.array([float(values.get(code, default)) for code in codes])

    return [
        GroupKind("sector cap", sector_of, np.floor(limits(policy.sector_caps, sectors, np.inf)),
                  limits(policy.sector_floors, sectors, 0.0)),
        GroupKind("region cap", region_of, np.floor(limits(policy.region_caps, regions, np.inf)),
                  limits(policy.region_floors, regions, 0.0)),
        GroupKind("national ceiling", np.zeros(region_of.size, dtype=np.int64),
                  np.array([float(ceiling)]), np.array([0.0])),
    ]


def _weights(table: pd.DataFrame, policy: Policy) -> np.ndarray:
    """Priority x (1 + severity_weight x severity) per line.

    Severity is the positive central shortage of the open skill cells that feed the line, summed,
    over their demand. Every feeding cell counts in the demand, short or not, so that more
    shortage in any cell can only raise a line's severity (a cell that turns barely short must
    not dilute the severity of the line it joins).
    """
    usable = line_feeds(policy)[0].astype(float)                                # (S, K, C)
    positive = cell_cube(table, np.clip(table["shortage"].to_numpy(dtype=float), 0.0, None))
    demand = cell_cube(table, table["demand"].to_numpy(dtype=float))
    short = np.einsum("rsk,skc->rsc", positive, usable)
    base = np.einsum("rsk,skc->rsc", demand, usable)
    severity = np.divide(short, base, out=np.zeros_like(base), where=base > 0)
    priority = np.array([policy.weight_of(s) for s in sector_codes()])[None, :, None]
    return (priority * (1.0 + policy.severity_weight * severity)).reshape(-1)


def _allocate(table: pd.DataFrame, quantile: float, policy: Policy, demand: np.ndarray,
              weights: np.ndarray, kinds: list[GroupKind], seasonal: np.ndarray | None) -> dict:
    """Rules 1-6 at one quantile; every stage's need per line (flat) and the allocation."""
    from_shortage = foreign_need(table, quantile, policy)
    raw = from_shortage.copy()
    if seasonal is not None:
        column = CATEGORIES.index("seasonal")
        raw[..., column] = np.maximum(raw[..., column], seasonal)
    protected = np.isin(sector_codes(), policy.protected_sectors)[None, :, None]
    open_need = np.where(protected, 0.0, raw)
    share = regulated_shares(policy)[None]
    regulated = open_need * share
    limited, local_cut = _local_content(regulated, demand, policy)
    try:
        result = allocate(limited.reshape(-1), weights, kinds)
    except ValueError as error:
        raise InputError(f"policy floors cannot be met: {error}; lower the floors or raise the "
                         "caps and the ceiling") from None
    return {"from_shortage": from_shortage.reshape(-1), "raw": raw.reshape(-1),
            "open": open_need.reshape(-1), "regulated": regulated.reshape(-1),
            "regulated_cut": ((share < 1) & (open_need > 0)).reshape(-1),
            "limited": limited.reshape(-1), "local_cut": local_cut.reshape(-1), "result": result}


def _check_arguments(forecast, policy, data) -> None:
    """InputErrors for arguments of the wrong kind, before any of them is read."""
    if not isinstance(forecast, ShortageForecast):
        raise InputError("recommend_quota: forecast must be a ShortageForecast from "
                         f"forecast.forecast_shortage(data, year); got {type(forecast).__name__}")
    if policy is not None and not isinstance(policy, Policy):
        raise InputError("recommend_quota: policy must be a forecast.Policy, e.g. forecast.load_policy(path) "
                         f"or Policy(cap_percent_of_labour_force=0.3); got {type(policy).__name__}")
    if data is not None and not isinstance(data, Dataset):
        raise InputError("recommend_quota: data must be the Dataset the forecast was made from "
                         f"(forecast.load_data or forecast.load_sample); got {type(data).__name__}")


def _check_floors(policy: Policy, ceiling: int) -> None:
    """Refuse floors that add up to more than the national ceiling, naming the policy key."""
    for key, floors in (("[regions] floors", policy.region_floors),
                        ("[sectors] floors", policy.sector_floors)):
        total = float(sum(floors.values()))
        if total > ceiling:
            raise InputError(
                f"policy {key} add up to {total:,.0f} persons, above the national ceiling of "
                f"{ceiling:,} ([ceiling] percent_of_labour_force = "
                f"{policy.cap_percent_of_labour_force:g}% of the labour force); expected floors "
                "within the ceiling: lower the floors or raise the ceiling")


def recommend_quota(forecast: ShortageForecast, policy: Policy | None = None,
                    data=None) -> pd.DataFrame:
    """The quota proposal: one row per region x sector x category, every line explained.

    Parameters
    ----------
    forecast : ShortageForecast
        From :func:`forecast.forecast_shortage`.
    policy : Policy, optional
        The rules; the shipped defaults otherwise (``forecast/data/policy_default.toml``).
    data : Dataset, optional
        The run's data: its permits table gives seasonal need and employer demand for permits,
        its wages table the fee. Without it seasonal lines keep the need from the shortage,
        employer demand is ``new_line_utilisation`` of the quota and there is no fee.

    Returns
    -------
    DataFrame
        One row per region x sector x category (:data:`COLUMNS`): ``quota`` (whole persons at
        the planning quantile), ``quota_low`` and ``quota_high`` (the same rules at the low and
        high quantiles), ``allocated`` (the exact allocation before rounding), ``need`` (foreign
        need after rules 1-2), ``shortage`` and ``tier`` (central forecast of the skill levels
        that feed the category), ``shortage_planned`` (the same at the planning quantile),
        ``driver_type``, ``binding_constraint``, ``fee_multiplier``, ``status_quo`` (today's
        rule), the drivers (``expansion``, ``replacement`` = retirements + deaths,
        ``emigration``, ``graduates``, ``migration`` = immigration + net internal migration,
        ``unemployed``, ``demand``), the need range, uptake, reallocation and fee columns
        (:mod:`forecast.quota.mechanisms`) and a one-sentence ``reason``. ``attrs`` holds
        ``cap``, ``cap_binding``, ``total_need``, ``totals`` (of the quota and its range),
        ``proposals`` (totals of the three complete proposals) and what
        :func:`~forecast.quota.mechanisms.add_mechanisms` returns.
    """
    _check_arguments(forecast, policy, data)
    policy = policy or Policy()
    table = forecast.table
    ceiling = int(np.floor(forecast.labour_force * policy.cap_percent_of_labour_force / 100))
    _check_floors(policy, ceiling)
    kinds = _groups(policy, ceiling)
    evidence = _evidence(table, policy)
    weights = _weights(table, policy)
    demand = cell_cube(table, table["demand"].to_numpy(dtype=float))

    seasonal = seasonal_need(forecast, data, policy)
    variants = {name: _allocate(table, q, policy, demand, weights, kinds, seasonal)
                for name, q in (("quota", policy.planning_quantile),
                                ("quota_low", policy.low_quantile),
                                ("quota_high", policy.high_quantile))}
    central = variants["quota"]
    raw, limited, result = central["raw"], central["limited"], central["result"]

    out = line_grid()
    out["region_name"] = out["region"].map({code: region_name(code) for code in region_codes()})
    out["sector_name"] = out["sector"].map({code: sector_name(code) for code in sector_codes()})
    out["category_name"] = out["category"].map(CATEGORY_NAMES)
    out["quota"] = result.quota
    out["quota_low"], out["quota_high"] = bracket(result.quota, variants["quota_low"]["result"].quota,
                                                  variants["quota_high"]["result"].quota, kinds)
    out["allocated"] = result.exact.round(3)
    out["need"] = raw.round(1)
    out["need_low"] = variants["quota_low"]["raw"].round(1)
    out["need_high"] = variants["quota_high"]["raw"].round(1)
    from_permits = (raw > central["from_shortage"] + 1e-9) & (limited > 0)
    out["need_source"] = np.where(from_permits, "seasonal permits", "shortage")
    out["regulated_share"] = np.broadcast_to(regulated_shares(policy)[None],
                                             (len(region_codes()), *regulated_shares(policy).shape)).reshape(-1)
    out["eligible_need"] = limited.round(1)
    flat = {name: values.reshape(-1) for name, values in evidence.items() if name != "skills"}
    out["shortage"] = flat["shortage"].round(1)
    out["shortage_planned"] = flat["planned"].round(1)
    out["skills"] = _skill_names(evidence["skills"])
    # The tier reads the shortage the quota was planned on, so that tier, reason and quota agree.
    out["tier"] = classify_tiers(pd.Series(flat["planned"]), pd.Series(flat["demand"]),
                                 forecast.assumptions).to_numpy()
    out["driver_type"] = driver_types(table, shortage_at(table, policy.planning_quantile),
                                       feeds(policy), open_cells(policy))
    out["binding_constraint"] = _binding(central, policy, out)
    out["fee_multiplier"] = out["tier"].map(policy.fee_multiplier).astype(float)
    out["status_quo"] = status_quo_quota(forecast, policy)
    out["expansion"] = flat["expansion"].round(1)
    out["replacement"] = (flat["retirements"] + flat["deaths"]).round(1)
    out["emigration"] = flat["emigration"].round(1)
    out["graduates"] = flat["graduates"].round(1)
    out["migration"] = (flat["immigration"] + flat["internal_migration"]).round(1)
    out["unemployed"] = flat["unemployed"].round(1)
    out["demand"] = flat["demand"].round(1)
    mechanisms = add_mechanisms(out, forecast, data, policy, central, kinds, ceiling)
    out["reason"] = line_reasons(out, policy)
    out = out[COLUMNS]
    binding = bool((out["binding_constraint"] == "national ceiling").any())
    # The total of the lines as written, so the total and the sum of the lines agree.
    out.attrs.update({"cap": ceiling, "cap_binding": binding, "total_need": float(out["need"].sum()),
                      "totals": {name: int(out[name].sum()) for name in variants},
                      "proposals": {name: int(v["result"].quota.sum()) for name, v in variants.items()},
                      **mechanisms})
    return out


def _skill_names(mask: np.ndarray) -> np.ndarray:
    """The skill levels each line's evidence sums, e.g. ``high/medium`` (``-`` for none)."""
    names = np.full(mask.shape[:2] + mask.shape[3:], "", dtype=object)
    for k, skill in enumerate(SKILLS):
        part = np.where(mask[:, :, k, :], skill, "")
        names = np.where((names != "") & (part != ""), names + "/" + part, names + part)
    return np.where(names == "", "-", names).reshape(-1).astype(str)


def _binding(stages: dict, policy: Policy, out: pd.DataFrame) -> np.ndarray:
    """The rule that set each line's number, in the documented order."""
    raw, limited, result = stages["raw"], stages["limited"], stages["result"]
    local_cut, regulated_cut = stages["local_cut"], stages["regulated_cut"]
    protected = out["sector"].isin(policy.protected_sectors).to_numpy()
    seasonal_closed = ((out["category"] == "seasonal") & ~out["sector"].isin(policy.seasonal_sectors)).to_numpy()
    binding = np.where(result.binding != "", result.binding, "none")
    binding = np.where(local_cut & (result.binding == ""), "local content", binding)
    binding = np.where(regulated_cut & ~local_cut & (result.binding == ""), "regulated profession",
                       binding)
    binding = np.where(limited <= 0, "no need", binding)
    binding = np.where(local_cut & (limited <= 0), "local content", binding)
    binding = np.where(regulated_cut & (limited <= 0), "regulated profession", binding)
    binding = np.where(seasonal_closed, "not seasonal sector", binding)
    binding = np.where(protected & (raw > 0), "protected sector", binding)
    return binding
