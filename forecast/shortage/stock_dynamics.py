"""Whether the vacancies behave as a stock of unfilled demand, and at what rates.

The balance (:mod:`forecast.shortage.balance`) carries the vacancies above a frictional rate at
the origin into the forecast year (:mod:`forecast.shortage.unfilled`) and counts the seekers
with assumed conversion rates (:class:`~forecast.shortage.definitions.Assumptions`). Where the
vacancies are the stock of unfilled demand, the two meet in one identity, cell by cell::

    vacancies_t = keep x vacancies_{t-1} + openings_t - supply_scale x seekers_t

Openings (expansion, retirements, deaths, emigration) add to the stock, seekers fill it, and
domestic adjustment (training, resettlement) closes the share ``1 - keep`` of what was there.
The vacancies are the one series observed independently of the conversion rates, so fitting the
identity to the balances observed in the past estimates both the share kept and the scale of the
seekers: how many more (or fewer) the market finds than the assumed rates say.

- **Rows.** The fit uses the cell-years with vacancies in both years. Where a stock is at zero,
  supply exceeded openings by an amount nobody observed: the stock is censored there.
- **Vacancies, not their excess.** The identity is fitted on all vacancies: taking off a
  frictional rate per cell would leave a term in demand that biases the keep share (in the stock
  world of :mod:`benchmarks.worlds.stock`, 0.55 on the excess against 0.70 on the vacancies,
  the true share). Where the identity is accepted, the balance carries the vacancies
  themselves at the fitted keep share (:func:`~forecast.shortage.unfilled.unfilled_stock`):
  they are the stock, and a low quantile of a growing stock's rates is the stock at its
  lowest, not friction.
- **Years.** The last :data:`WINDOW_YEARS` years up to the origin: thousands of cell-years,
  recent enough to follow a change in how the market fills its posts. In the stock world the
  fit moves by less than 0.01 in the keep share and 0.03 in the scale between windows of 5, 8,
  10 and all 24 years.
- **Weights.** Weighted least squares with weights ``1 / sqrt(demand)``, since a cell's
  errors grow with its size.
- **Acceptance.** The identity is used only where the keep share lies in [0, 1], the scale is
  positive, it explains at least :data:`MIN_R_SQUARED` of the variance and at least
  :data:`MIN_CELL_YEARS` cell-years were fitted: a stock cannot keep less than nothing or more
  than all of itself, and a stock identity that leaves most of the vacancies' movement
  unexplained is not the vacancies' mechanism.

Where the vacancies are a flow (posted in proportion to this year's shortage), the fit puts a
negative weight on last year's vacancies, or explains little, because vacancies do not
accumulate there. The balance then keeps the assumed conversion rates and the persistence
closure of :func:`~forecast.shortage.unfilled.unfilled_rates`.

Measured at five origins each (``python -m benchmarks.shortage.stock_dynamics``, which writes
``benchmarks/results/stock_dynamics.json``):

- the stock world (two seeds): keep share 0.70 at every origin (true 0.70), supply scale
  1.33-1.38 (its supply is 1.42 times the seekers counted here and its openings 1.04 times:
  1.37), R-squared 0.989-0.996;
- the flow and shock worlds: keep share -1.0 to -1.4, R-squared 0.27-0.60;
- the sample: keep share 0.06-0.30 with R-squared 0.02-0.11;
- the real tables have no vacancies by cell, so there is no fit.

The keep share's range is what rejects the flow and shock worlds. The R-squared limit, 0.8,
lies in the gap between 0.60 and 0.989, and it is what rejects the sample. Both limits were set
on all of these datasets together, none tuned on one.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, replace

import numpy as np
import pandas as pd

from forecast.shortage.balance import observed_balance
from forecast.shortage.definitions import Assumptions
from forecast.shortage.panel import SeriesPanel
from forecast.shortage.unfilled import KEYS, vacancy_history

MIN_CELL_YEARS = 50
MIN_R_SQUARED = 0.8
WINDOW_YEARS = 10


@dataclass(frozen=True)
class StockDynamics:
    """The stock identity fitted to the observed balances up to an origin.

    Attributes
    ----------
    keep_share : float
        Share of a cell's vacancies still unfilled a year later.
    supply_scale : float
        Seekers the market found, per seeker counted with the assumed conversion rates.
    r_squared : float
        Weighted share of the variance of ``vacancies_t - openings_t`` the identity explains.
    cell_years : int
        Cell-years fitted (vacancies in both years).
    accepted : bool
        Whether the balance uses the two rates (see the module docstring).
    """

    keep_share: float
    supply_scale: float
    r_squared: float
    cell_years: int
    accepted: bool

    def as_dict(self) -> dict:
        """Plain numbers for ``run.json``, with the acceptance limits; NaN (nothing fitted) as
        None."""
        values = {name: (None if isinstance(value, float) and not np.isfinite(value) else value)
                  for name, value in asdict(self).items()}
        return {**values, "min_r_squared": MIN_R_SQUARED, "min_cell_years": MIN_CELL_YEARS}


def fit_stock_identity(vacancies: np.ndarray, vacancies_before: np.ndarray, openings: np.ndarray,
                       seekers: np.ndarray, demand: np.ndarray) -> StockDynamics:
    """Fit ``vacancies = keep x vacancies_before + openings - scale x seekers`` (arrays per
    cell-year).

    ``openings`` leave out the carried stock itself; ``seekers`` are counted at the assumed rates.
    """
    vacancies, vacancies_before, openings, seekers, demand = (
        np.asarray(v, dtype=float) for v in (vacancies, vacancies_before, openings, seekers, demand))
    rows = ((vacancies > 0) & (vacancies_before > 0)
            & np.isfinite(openings) & np.isfinite(seekers) & np.isfinite(demand))
    count = int(rows.sum())
    if count < MIN_CELL_YEARS:
        return StockDynamics(np.nan, np.nan, np.nan, count, False)
    # The normal equations summed with numpy's pairwise sums, not BLAS products: the result
    # must not depend on how many threads the machine's BLAS uses.
    weight = 1.0 / np.maximum(demand[rows], 1.0)  # squared weights, 1 / demand
    target = (vacancies - openings)[rows]
    design = np.column_stack([vacancies_before[rows], -seekers[rows]])
    gram = np.array([[np.sum(weight * design[:, i] * design[:, j]) for j in range(2)]
                     for i in range(2)])
    moments = np.array([np.sum(weight * design[:, i] * target) for i in range(2)])
    keep, scale = np.linalg.solve(gram, moments)
    residual = target - keep * design[:, 0] - scale * design[:, 1]
    centred = target - np.sum(weight * target) / np.sum(weight)
    total = float(np.sum(weight * centred ** 2))
    r_squared = 1.0 - float(np.sum(weight * residual ** 2)) / total if total > 0 else np.nan
    accepted = bool(0.0 <= keep <= 1.0 and scale > 0.0 and r_squared >= MIN_R_SQUARED)
    return StockDynamics(float(keep), float(scale), float(r_squared), count, accepted)


class StockDynamicsByOrigin:
    """The stock identity fitted at any origin of one panel, each year's balance computed once.

    Parameters
    ----------
    panel : SeriesPanel
    assumptions : Assumptions
        The run's conversion rates and frictional quantile.
    """

    def __init__(self, panel: SeriesPanel, assumptions: Assumptions):
        self.panel = panel
        self.assumptions = assumptions
        self._flows = replace(assumptions, carry_unfilled=False)
        self._balances: dict[int, pd.DataFrame] = {}
        self._fits: dict[int, StockDynamics | None] = {}

    def __call__(self, origin: int) -> StockDynamics | None:
        """The identity fitted on the years up to ``origin``; None without a vacancies table, or
        when the run does not carry unfilled demand."""
        if origin not in self._fits:
            self._fits[origin] = self._fit(int(origin))
        return self._fits[origin]

    def _fit(self, origin: int) -> StockDynamics | None:
        if not self.assumptions.carry_unfilled:
            return None
        history = vacancy_history(self.panel.tables, origin)
        if history is None:
            return None
        history = history.assign(vacancies_before=history.groupby(KEYS)["vacancies"].shift(1))
        consecutive = history.groupby(KEYS)["year"].shift(1) == history["year"] - 1
        history = history[consecutive & (history["year"] > origin - WINDOW_YEARS)]
        if history.empty:
            return StockDynamics(np.nan, np.nan, np.nan, 0, False)
        years = sorted(set(history["year"]))
        flows = pd.concat([self._balance(year) for year in years], ignore_index=True)
        merged = history.merge(flows[[*KEYS, "year", "openings", "seekers"]], on=[*KEYS, "year"])
        return fit_stock_identity(merged["vacancies"], merged["vacancies_before"],
                                  merged["openings"], merged["seekers"], merged["demand"])

    def _balance(self, year: int) -> pd.DataFrame:
        # Openings without the carried stock: the identity adds the stock itself.
        if year not in self._balances:
            self._balances[year] = observed_balance(self.panel, year, self._flows)
        return self._balances[year]


def stock_dynamics_of(panel: SeriesPanel, assumptions: Assumptions) -> StockDynamicsByOrigin:
    """The fits of ``panel`` under ``assumptions``, made once per panel: the forecast and the
    back-test's observed need of the same data share them."""
    key = ("stock_dynamics", assumptions)
    if key not in panel.memo:
        panel.memo[key] = StockDynamicsByOrigin(panel, assumptions)
    return panel.memo[key]
