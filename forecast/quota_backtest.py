"""Where quota rules are back-tested: what each rule would have recommended against the true need.

For each origin year the data are cut at the origin (nothing later is seen), the shortage is
forecast for ``origin + horizon`` and both rules are applied:

- the **recommendation** (:func:`forecast.quota.recommend_quota` under the policy);
- **today's rule** (:func:`forecast.status_quo.status_quo_quota`): a percentage of the labour
  force split by regional labour force.

The **true need** is the same rule as the recommendation applied to the true shortage instead of
the forecast one, on the units the forecast was made on (a forecast from before a boundary change
has no line for a unit that did not exist yet): the positive true shortage per region x sector x skill, less the domestic share,
times the foreign share, split into categories (low skill only as seasonal work in the seasonal
sectors), zero in protected sectors; no ceiling (it is what was needed, not what was allowed).

Scores, per rule and origin:

- ``allocation_error`` = sum over lines of ``|quota - need|`` / total need;
- ``unused`` = quota given where there was no need (sum of ``max(quota - need, 0)``);
- ``unmet`` = need left without quota (sum of ``max(need - quota, 0)``);
- the same allocation error on region totals (the level today's rule works at);
- ``distribution_error``: where the quota goes, whatever its total (see :func:`scores`).

Two references no planner has show what is attainable at all:

- ``last_true_need``: the true need of the origin year, kept for the next;
- ``hindsight_trend`` (:func:`hindsight_trend_need`): every part of the true balance known
  exactly, except that demand grows in each cell at its own average rate over 2006-2024,
  computed in hindsight from the true demand. What is left of its error comes from the
  year-to-year swings of growth by sector and region, which no forecast of trends foresees.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from forecast.errors import InputError
from forecast.harmonize import onto_regions
from forecast.loader import Dataset
from forecast.policy import Policy
from forecast.quota import _need, recommend_quota
from forecast.sectors import sector_codes
from forecast.shortage import QUANTILES, forecast_shortage
from forecast.status_quo import line_grid, status_quo_quota

RULES = ("recommendation", "status_quo", "last_true_need", "hindsight_trend")
HINDSIGHT_YEARS = (2006, 2024)
NEED_DEFINITION = (
    "true need = the recommendation's need rule applied to the true shortage of the sample: "
    "max(true shortage, 0) per region x sector x skill x (1 - domestic_share) x foreign_share, "
    "split into categories by the policy's category_split (low skill only as seasonal work in the "
    "seasonal sectors), zero in protected sectors, no ceiling; allocation error = sum |quota - "
    "need| over region x sector x category lines / total need; unused = sum max(quota - need, 0); "
    "unmet = sum max(need - quota, 0)")


def truncate(data: Dataset, origin: int) -> Dataset:
    """The data as they stood at the end of ``origin``: every table cut at that year."""
    return data.as_of(origin)


def _truth_on(truth: pd.DataFrame, years, units: set[str] | None) -> pd.DataFrame:
    rows = truth[truth["year"].isin(list(years))]
    if units is not None:
        counts = [c for c in rows.columns if c not in ("region", "sector", "skill", "year")]
        rows = onto_regions(rows, units, counts)
    return rows


def _need_of(rows: pd.DataFrame, shortage: pd.Series | np.ndarray, policy: Policy) -> np.ndarray:
    """The recommendation's need rule applied to a certain shortage (all quantiles equal)."""
    shortage = np.asarray(shortage, dtype=float)
    table = rows[["region", "sector", "skill"]].assign(
        shortage=shortage, **{f"shortage_p{round(q * 100):02d}": shortage for q in QUANTILES})
    need = _need(table, 0.5, policy)
    protected = np.isin(sector_codes(), policy.protected_sectors)[None, :, None]
    return np.where(protected, 0.0, need).reshape(-1)


def true_need(truth: pd.DataFrame, year: int, policy: Policy,
              units: set[str] | None = None) -> np.ndarray:
    """True foreign need per line (:func:`forecast.status_quo.line_grid` order) in ``year``.

    ``units`` are the regions the forecast was made on: a forecast from before a boundary change
    has no line for a unit that did not exist yet, so the truth is summed onto the units of its
    time before the need rule is applied.
    """
    if not (truth["year"] == year).any():
        raise InputError(f"the truth has no year {year}")
    rows = _truth_on(truth, [year], units)
    return _need_of(rows, rows["shortage"], policy)


def hindsight_trend_need(truth: pd.DataFrame, year: int, policy: Policy,
                         units: set[str] | None = None,
                         growth_years: tuple[int, int] = HINDSIGHT_YEARS) -> np.ndarray:
    """Need from a reference forecast no forecaster can make, to show what is attainable.

    Every part of the balance in ``year`` is the truth except expansion demand, which grows
    each cell's true demand of the year before at that cell's own average growth rate over
    ``growth_years`` (a rate computed in hindsight, from the true demand, future years
    included). Its error against the true need is the part no forecast of trends can remove:
    the year-to-year swings of each sector's and region's growth.
    """
    first, last = growth_years
    rows = _truth_on(truth, range(first - 1, last + 1), units)
    if not {year - 1, year} <= set(rows["year"]):
        raise InputError(f"the truth has no years {year - 1} and {year}")
    demand = rows.pivot_table(index=["region", "sector", "skill"], columns="year", values="demand")
    logged = np.log(demand.clip(lower=1.0))
    rate = (logged[last] - logged[first - 1]) / (last - first + 1)
    now = rows[rows["year"] == year].set_index(["region", "sector", "skill"])
    previous = demand[year - 1].reindex(now.index)
    expansion = previous * np.expm1(rate.reindex(now.index))
    shortage = now["shortage"] - now["expansion"] + expansion
    return _need_of(now.reset_index(), shortage.to_numpy(), policy)


def scores(quota: np.ndarray, need: np.ndarray, regions: np.ndarray) -> dict:
    """Allocation error, unused quota and unmet need of one allocation against the need.

    ``distribution_error`` looks at where the quota goes, whatever its total: the share of the
    quota that would have to move between lines to match the need's distribution (half the sum
    of absolute differences of the two sets of shares; 0 when the shares agree, 1 when the
    quota goes only where there was no need).
    """
    total = float(need.sum())
    diff = quota - need
    by_region = pd.Series(diff).groupby(regions).sum().abs().sum()
    given = float(quota.sum())
    distribution = (0.5 * float(np.abs(quota / given - need / total).sum())
                    if total > 0 and given > 0 else float("nan"))
    return {"quota": given,
            "allocation_error": float(np.abs(diff).sum() / total) if total > 0 else float("nan"),
            "unused": float(np.clip(diff, 0, None).sum()),
            "unmet": float(np.clip(-diff, 0, None).sum()),
            "region_allocation_error": float(by_region / total) if total > 0 else float("nan"),
            "distribution_error": distribution}


@dataclass(frozen=True)
class QuotaBacktest:
    """Per origin and rule (``by_origin``) and pooled over origins (``summary``)."""

    by_origin: pd.DataFrame
    summary: pd.DataFrame
    definition: str


def backtest_quota(data: Dataset, truth: pd.DataFrame, origins: list[int], *, horizon: int = 1,
                   policy: Policy | None = None, n_jobs: int = 1, seed: int = 0,
                   with_hindsight: bool = True) -> QuotaBacktest:
    """Back-test the recommendation and today's rule at each origin against the true need.

    Parameters
    ----------
    data : Dataset
        Full data; each origin sees only the years up to it.
    truth : DataFrame
        True components by region, sector, skill and year (:func:`forecast.load_truth`).
    origins : list of int
        Last data years of the forecasts.
    horizon : int
        Years ahead of the origin the quota is for.
    policy : Policy, optional
    with_hindsight : bool
        Also score the ``hindsight_trend`` reference (needs the truth for
        :data:`HINDSIGHT_YEARS`).
    """
    policy = policy or Policy()
    grid = line_grid()
    regions = grid["region"].to_numpy()
    rows = []
    for origin in origins:
        year = origin + horizon
        forecast = forecast_shortage(truncate(data, origin), year, n_jobs=n_jobs, random_state=seed)
        proposal = recommend_quota(forecast, policy)
        need = true_need(truth, year, policy, units=set(forecast.table["region"]))
        allocations = {"recommendation": proposal["quota"].to_numpy(dtype=float),
                       "status_quo": status_quo_quota(forecast, policy).astype(float),
                       # A reference no planner has: the true need of the origin year itself.
                       "last_true_need": true_need(truth, origin, policy,
                                                   units=set(forecast.table["region"]))}
        if with_hindsight:
            allocations["hindsight_trend"] = hindsight_trend_need(
                truth, year, policy, units=set(forecast.table["region"]))
        for rule, quota in allocations.items():
            rows.append({"origin": origin, "year": year, "rule": rule, "need": float(need.sum()),
                         "ceiling": int(proposal.attrs["cap"]), **scores(quota, need, regions)})
    by_origin = pd.DataFrame(rows)
    pooled = by_origin.groupby("rule", sort=False).agg(
        need=("need", "sum"), quota=("quota", "sum"), unused=("unused", "sum"),
        unmet=("unmet", "sum"))
    pooled["allocation_error"] = (pooled["unused"] + pooled["unmet"]) / pooled["need"]
    pooled["mean_allocation_error"] = by_origin.groupby("rule", sort=False)["allocation_error"].mean()
    pooled["mean_region_allocation_error"] = by_origin.groupby("rule", sort=False)[
        "region_allocation_error"].mean()
    pooled["mean_distribution_error"] = by_origin.groupby("rule", sort=False)[
        "distribution_error"].mean()
    return QuotaBacktest(by_origin, pooled.reset_index(), NEED_DEFINITION)
