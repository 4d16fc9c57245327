"""Where quota rules are back-tested: what each rule would have recommended against the need.

With a truth (the embedded sample's) the need is the true need; without one (real data) it is
the need observed afterwards in the published tables (:func:`observed_need`), which is what
``labor-forecast quota --backtest YEARS`` shows a planner.

For each origin year the data are cut at the origin (nothing later is seen), the shortage is
forecast for ``origin + horizon`` and both rules are applied:

- the **recommendation** (:func:`forecast.quota.recommend_quota` under the policy);
- **today's rule** (:func:`forecast.quota.status_quo.status_quo_quota`): a percentage of the labour
  force split by regional labour force.

The **need** is the same rule as the recommendation applied to the true (or observed) shortage
instead of the forecast one, on the units the forecast was made on (a forecast from before a
boundary change has no line for a unit that did not exist yet): the positive shortage per
region x sector x skill, less the domestic share, times the foreign share, split into categories
(low skill only as seasonal work in the seasonal sectors), times the regulated professions' share
where recognition of foreign qualifications limits what foreign workers can fill, zero in
protected sectors; no ceiling and no local-content cut (it is what foreign workers could have
filled, not what was allowed).

Scores, per rule and origin:

- ``allocation_error`` = sum over lines of ``|quota - need|`` / total need;
- ``unused`` = quota given where there was no need (sum of ``max(quota - need, 0)``);
- ``unmet`` = need left without quota (sum of ``max(need - quota, 0)``);
- the same allocation error on region totals (the level today's rule works at);
- ``distribution_error``: where the quota goes, whatever its total (see :func:`scores`).

Interpolated values are no observations (:attr:`forecast.inputs.loader.Dataset.unscored`: the
real data's 2015). Without a truth, an origin whose quota year's observed balance rests on
interpolated demand (in the quota year or the year before, whose difference is the expansion) is
skipped whole rather than scored on part of its lines, so every score stays a sum over all lines
of one year; the skipped origins are listed in :attr:`QuotaBacktest.skipped`.

Two references no planner has show what is attainable at all:

- ``last_year_need``: the need of the origin year, kept for the next;
- ``hindsight_trend`` (:func:`hindsight_trend_need`): every part of the true balance known
  exactly, except that demand grows in each cell at its own average rate over 2006-2024,
  computed in hindsight from the true demand. What is left of its error comes from the
  year-to-year swings of growth by sector and region, which no forecast of trends foresees.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

from forecast.inputs.errors import InputError
from forecast.inputs.harmonize import onto_regions
from forecast.inputs.loader import Dataset
from forecast.inputs.real.flags import unscored_cells
from forecast.quota.policy import Policy
from forecast.quota.need import foreign_need, regulated_shares
from forecast.quota.recommend import recommend_quota
from forecast.inputs.sectors import sector_codes
from forecast.shortage.definitions import DEFAULT_DEMAND_MODEL
from models import ForecastMemo
from forecast.shortage import (QUANTILES, Assumptions, SeriesPanel, build_series_panel,
                               forecast_shortage, observed_balance, stock_dynamics_of)
from forecast.quota.status_quo import line_grid, status_quo_quota

RULES = ("recommendation", "status_quo", "zero", "last_year_need", "last_vacancies",
         "hindsight_trend")
HINDSIGHT_YEARS = (2006, 2024)
OBSERVED_NEED_DEFINITION = (
    "need = the recommendation's need rule applied to the shortage observed afterwards (the "
    "balance of the quota year computed from its published tables): max(observed shortage, 0) "
    "per region x sector x skill x (1 - domestic_share) x foreign_share, split into categories by "
    "the policy's category_split (low skill only as seasonal work in the seasonal sectors), times "
    "the regulated professions' share ([regulated]), zero in protected sectors, no ceiling; "
    "allocation error = sum |quota - need| over region x sector x category lines / total need; "
    "unused = sum max(quota - need, 0); unmet = sum max(need - quota, 0)")
NEED_DEFINITION = (
    "true need = the recommendation's need rule applied to the true shortage of the sample: "
    "max(true shortage, 0) per region x sector x skill x (1 - domestic_share) x foreign_share, "
    "split into categories by the policy's category_split (low skill only as seasonal work in the "
    "seasonal sectors), times the regulated professions' share ([regulated]), zero in protected "
    "sectors, no ceiling; allocation error = sum |quota - need| over region x sector x category "
    "lines / total need; unused = sum max(quota - need, 0); unmet = sum max(need - quota, 0)")


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
    # Where recognition of foreign qualifications limits hiring, foreign workers can fill only
    # the regulated share of the need: the recommendation's rule 3, so a line is not scored
    # against posts no foreign hire could take.
    need = foreign_need(table, 0.5, policy) * regulated_shares(policy)[None]
    protected = np.isin(sector_codes(), policy.protected_sectors)[None, :, None]
    return np.where(protected, 0.0, need).reshape(-1)


def true_need(truth: pd.DataFrame, year: int, policy: Policy,
              units: set[str] | None = None) -> np.ndarray:
    """True foreign need per line (:func:`forecast.quota.status_quo.line_grid` order) in ``year``.

    ``units`` are the regions the forecast was made on: a forecast from before a boundary change
    has no line for a unit that did not exist yet, so the truth is summed onto the units of its
    time before the need rule is applied.
    """
    if not (truth["year"] == year).any():
        raise InputError(f"the truth has no year {year}")
    rows = _truth_on(truth, [year], units)
    return _need_of(rows, rows["shortage"], policy)


def observed_need(data: Dataset, year: int, policy: Policy, units: set[str] | None = None,
                  assumptions: Assumptions | None = None,
                  panel: SeriesPanel | None = None) -> np.ndarray:
    """Foreign need per line in a past ``year`` from the balance observed in its tables.

    Where there is no truth (real data), this is the need a rule is scored against: the
    shortage of ``year`` computed ex post from the published tables of that year (employment
    and vacancies, flows, population), put through the recommendation's need rule. ``panel``
    is the series panel of the data as they stood at the end of ``year``, when already built.
    """
    if not data.first_year < year <= data.last_year:
        raise InputError(f"no observed balance for {year}: the data cover "
                         f"{data.first_year}-{data.last_year}")
    panel = panel if panel is not None else build_series_panel(data.as_of(year))
    assumptions = assumptions or Assumptions()
    # Observed with the stock identity the forecasts use, fitted on the data of ``year``.
    dynamics = stock_dynamics_of(panel, assumptions)(year)
    rows = observed_balance(panel, year, assumptions, dynamics)
    if units is not None:
        counts = [c for c in rows.columns if c not in ("region", "sector", "skill", "year")]
        rows = onto_regions(rows, units, counts)
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


def scores(quota: np.ndarray, need: np.ndarray, regions: np.ndarray,
           skilled: np.ndarray | None = None) -> dict:
    """Allocation error, unused quota and unmet need of one allocation against the need.

    ``distribution_error`` looks at where the quota goes, whatever its total: the share of the
    quota that would have to move between lines to match the need's distribution (half the sum
    of absolute differences of the two sets of shares; 0 when the shares agree, 1 when the
    quota goes only where there was no need).

    ``rank_correlation`` (with ``skilled``, the skilled employment behind each line) is
    Spearman's correlation, over the lines with skilled employment, of need intensity
    (need / skilled employment) with quota intensity (quota / skilled employment): whether
    the quota is densest where the need is, whatever the total. NaN where either is constant
    (a quota of zero).
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
            "distribution_error": distribution,
            "rank_correlation": rank_correlation(quota, need, skilled)}


def rank_correlation(quota: np.ndarray, need: np.ndarray, skilled: np.ndarray | None) -> float:
    """Spearman's correlation of quota intensity with need intensity (see :func:`scores`)."""
    if skilled is None:
        return float("nan")
    rows = np.asarray(skilled, dtype=float) > 0
    if rows.sum() < 3:
        return float("nan")
    given = quota[rows] / skilled[rows]
    wanted = need[rows] / skilled[rows]
    if np.ptp(given) == 0 or np.ptp(wanted) == 0:
        return float("nan")
    return float(stats.spearmanr(given, wanted).statistic)


def skilled_per_line(table: pd.DataFrame) -> np.ndarray:
    """Skilled (high and medium) demand of each line's region and sector, in line order."""
    skilled = table[table["skill"].isin(("high", "medium"))]
    by_cell = skilled.groupby(["region", "sector"])["demand"].sum()
    grid = line_grid()
    index = pd.MultiIndex.from_frame(grid[["region", "sector"]])
    return by_cell.reindex(index).fillna(0.0).to_numpy(dtype=float)


def vacancies_need(tables: dict[str, pd.DataFrame], origin: int, total: float, policy: Policy,
                   units: set[str]) -> np.ndarray:
    """The origin year's vacancies put through the need rule and scaled to ``total``: a rule
    that distributes the quota like last year's unfilled posts (zero without a vacancies table).
    ``tables`` are the data as they stood at ``origin``, harmonized."""
    if "vacancies" not in tables:
        return np.zeros(len(line_grid()))
    vacancies = tables["vacancies"]
    rows = vacancies[(vacancies["year"] == origin) & (vacancies["region"] != "KZ")]
    rows = rows.groupby(["region", "sector", "skill"], as_index=False)["vacancies"].sum()
    rows = onto_regions(rows.assign(year=origin), units, ["vacancies"])
    shape = _need_of(rows, rows["vacancies"].to_numpy(dtype=float), policy)
    return shape * (total / shape.sum()) if shape.sum() > 0 else shape


@dataclass(frozen=True)
class QuotaBacktest:
    """Per origin and rule (``by_origin``) and pooled over origins (``summary``).

    ``basis`` says what the rules were scored against: ``"truth"`` (the sample's true need) or
    ``"observed"`` (the need observed afterwards in the published tables). ``skipped``: the
    origins not scored because their quota year's observed need rests on interpolated values.
    """

    by_origin: pd.DataFrame
    summary: pd.DataFrame
    definition: str
    basis: str = "truth"
    skipped: tuple[int, ...] = ()


def interpolated_years(data: Dataset) -> set[int]:
    """Years with an interpolated employment cell (not observed, so never a scoring target)."""
    return {int(y) for y in unscored_cells(data.tables)["year"]}


def backtest_quota(data: Dataset, truth: pd.DataFrame | None, origins: list[int], *,
                   horizon: int = 1, policy: Policy | None = None, n_jobs: int = 1,
                   seed: int = 0, with_hindsight: bool = True,
                   demand_model: str = DEFAULT_DEMAND_MODEL,
                   progress: Callable[[str], None] | None = None,
                   memo: ForecastMemo | None = None) -> QuotaBacktest:
    """Back-test the recommendation and today's rule at each origin against the need.

    Parameters
    ----------
    data : Dataset
        Full data; each origin sees only the years up to it.
    truth : DataFrame or None
        True components by region, sector, skill and year (:func:`forecast.load_truth`). Without
        it (real data) the rules are scored against the need observed afterwards
        (:func:`observed_need`), so every quota year must be in the data.
    origins : list of int
        Last data years of the forecasts.
    horizon : int
        Years ahead of the origin the quota is for.
    policy : Policy, optional
    with_hindsight : bool
        With a truth, also score the ``hindsight_trend`` reference (needs the truth for
        :data:`HINDSIGHT_YEARS`).
    demand_model : str
        Where the recommendation's demand growth comes from
        (:func:`forecast.shortage.forecast_shortage`).
    progress : callable, optional
        Called with a short text after each origin is scored (the command line's progress).
    memo : models.ForecastMemo, optional
        Back-test windows shared by the origins' forecasts (and with the caller's); one is made
        for the origins when not given. The results are the same either way.
    """
    policy = policy or Policy()
    skipped: tuple[int, ...] = ()
    if truth is None:
        gaps = interpolated_years(data)
        skipped = tuple(o for o in origins if {o + horizon, o + horizon - 1} & gaps)
        origins = [o for o in origins if o not in skipped]
        if skipped and not origins:
            raise InputError(f"cannot back-test the quota from origins {', '.join(map(str, skipped))}: "
                             "the need of every quota year rests on interpolated values "
                             f"({', '.join(map(str, sorted(gaps)))}), not observations")
        late = [o for o in origins if o + horizon > data.last_year]
        if late:
            raise InputError(f"cannot back-test the quota for {late[0] + horizon}: the data end in "
                             f"{data.last_year}, so its need is not observed yet")
    grid = line_grid()
    regions = grid["region"].to_numpy()
    observed: dict[tuple, np.ndarray] = {}  # a quota year's need is the next origin's last need
    panels: dict[int, SeriesPanel] = {}  # one panel per state of the data

    def panel_at(year: int) -> SeriesPanel:
        if year not in panels:
            panels[year] = build_series_panel(truncate(data, year))
        return panels[year]

    def need_observed(year: int, units: set[str]) -> np.ndarray:
        key = (year, frozenset(units))
        if key not in observed:
            observed[key] = observed_need(data, year, policy, units, panel=panel_at(year))
        return observed[key]

    # Origins a year apart refit the univariate candidates on the same data at most windows.
    memo = memo if memo is not None else ForecastMemo()
    rows = []
    for origin in origins:
        year = origin + horizon
        forecast = forecast_shortage(truncate(data, origin), year, n_jobs=n_jobs, random_state=seed,
                                     panel=panel_at(origin), demand_model=demand_model, memo=memo)
        proposal = recommend_quota(forecast, policy)
        units = set(forecast.table["region"])
        skilled = skilled_per_line(forecast.table)
        if truth is None:
            need = need_observed(year, units)
            last = need_observed(origin, units)
        else:
            need = true_need(truth, year, policy, units=units)
            last = true_need(truth, origin, policy, units=units)
        recommended = proposal["quota"].to_numpy(dtype=float)
        allocations = {"recommendation": recommended,
                       "status_quo": status_quo_quota(forecast, policy).astype(float),
                       "zero": np.zeros_like(recommended),
                       # A reference no planner has in time: the need of the origin year itself.
                       "last_year_need": last,
                       # Last year's unfilled posts as the distribution, at the proposal's total.
                       "last_vacancies": vacancies_need(panel_at(origin).tables, origin,
                                                        float(recommended.sum()), policy, units)}
        if truth is not None and with_hindsight:
            allocations["hindsight_trend"] = hindsight_trend_need(truth, year, policy, units=units)
        for rule, quota in allocations.items():
            total_need = float(need.sum())
            rows.append({"origin": origin, "year": year, "rule": rule, "regions": len(units),
                         "need": total_need,
                         "ceiling": int(proposal.attrs["cap"]),
                         # No allocation within the ceiling can do better than this.
                         "ceiling_error_floor": (max(total_need - proposal.attrs["cap"], 0.0)
                                                 / total_need if total_need > 0 else float("nan")),
                         **scores(quota, need, regions, skilled)})
        if progress is not None:
            progress(f"back-test: origin {origin}, quota {year} scored")
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
    pooled["ceiling_error_floor"] = (
        (by_origin["need"] - by_origin["ceiling"]).clip(lower=0).groupby(by_origin["rule"], sort=False).sum()
        / pooled["need"])
    pooled["mean_rank_correlation"] = by_origin.groupby("rule", sort=False)[
        "rank_correlation"].mean()
    if truth is None:
        return QuotaBacktest(by_origin, pooled.reset_index(), OBSERVED_NEED_DEFINITION, "observed",
                             skipped)
    return QuotaBacktest(by_origin, pooled.reset_index(), NEED_DEFINITION, "truth")
