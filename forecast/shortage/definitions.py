"""What a shortage forecast is: its constants, its conversion rates and its result."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

import numpy as np
import pandas as pd

from forecast.inputs.errors import InputError

QUANTILES = (0.05, 0.10, 0.25, 0.50, 0.75, 0.90, 0.95)
TIERS = ("severe shortage", "shortage", "balance", "surplus")
DRIVERS = ("expansion", "retirements", "deaths", "emigration", "unfilled", "graduates",
           "immigration", "internal_migration", "unemployed")
MAX_HORIZON = 5
# Fewest years of data a forecast is made from, in the calibration windows and quota back-tests.
MIN_HISTORY = 8
# Levels of the region x sector hierarchy forecast beside the cells and reconciled with them.
AGGREGATE_LEVELS = ([], ["region"], ["sector"], ["region", "sector"])
TOTAL_LABELS = {"region": "KZ", "sector": "TOTAL", "skill": "TOTAL"}
RECONCILIATION_METHODS = ("mint_shrink", "wls_struct", "ols", "bottom_up")
# Where the growth of cell demand comes from (forecast.shortage.demand_growth).
DEMAND_MODELS = ("univariate", "panel", "combined")
# Chosen on the sample's quota back-test, where the mix beats the univariate forecasts on all
# three measures (benchmarks/results/demand_models.json); the share of the panel model is then
# chosen per run by its own back-test, so data where the panel does not help get little of it.
# Checked on the independent worlds (worlds*.json), where the gain is mixed.
DEFAULT_DEMAND_MODEL = "combined"


@dataclass(frozen=True)
class Assumptions:
    """Conversion rates from population flows to labour-market flows.

    Attributes
    ----------
    retirement_exit : float
        Share of workers reaching pension age who leave work that year.
    working_age_mortality : float
        Deaths per worker per year.
    emigrant_workers : float
        Share of emigrants who were working (working age times employment rate).
    graduate_entry : float
        Share of graduates who enter work in their field the year they graduate.
    school_leaver_entry : float
        Share of each 18-year-old cohort entering low-skill work directly.
    migrant_participation : float
        Share of immigrants and of net internal migrants who take up work.
    unemployed_placement : float
        Share of employment-office applicants placed in work during the year.
    applicant_skill_mix : tuple of float
        Skill mix (high, medium, low) of the applicants.
    severe_threshold, shortage_threshold, surplus_threshold : float
        Tier limits on the shortage as a share of demand: at or above ``severe_threshold`` a
        severe shortage, at or above ``shortage_threshold`` a shortage, at or below
        ``-surplus_threshold`` a surplus, balance in between.
    carry_unfilled : bool
        Carry the stock of unfilled demand at the origin into the forecast year's openings
        (:mod:`forecast.shortage.unfilled`).
    frictional_quantile : float
        Quantile of a cell's own vacancy rates over the years, taken as its frictional rate:
        vacancies above it are unfilled demand.
    min_cell_size : float
        Cells with less demand than this at the origin are too small for a reliable forecast of
        their own: their shortage and drivers are their parent's (the sector x skill nationally)
        per worker, times their demand.
    mix_observed_balance : bool
        Mix the forecast balance with the balance observed in the last data year, in the share
        the calibration origins' back-test chooses (:mod:`forecast.shortage.anchoring`). On by
        default: chosen share 1 (the forecast alone) at most origins of the sample, 0.25 in
        the worlds where need persists (``benchmarks/results/anchoring.json``).
    bias_correction : bool
        Shift the shortage quantiles by the median of the calibration origins' errors, the
        central forecast's past bias (:func:`~forecast.shortage.calibration.conformal_offsets`).
        Off by default: the median is then the central forecast, and the proposal no longer
        moves with the handful of years the bias is estimated on
        (``benchmarks/results/calibration_windows.json``).
    """

    retirement_exit: float = 0.8
    working_age_mortality: float = 0.004
    emigrant_workers: float = 0.6
    graduate_entry: float = 0.8
    school_leaver_entry: float = 0.16
    migrant_participation: float = 0.55
    unemployed_placement: float = 0.22
    applicant_skill_mix: tuple[float, float, float] = (0.15, 0.35, 0.50)
    severe_threshold: float = 0.03
    shortage_threshold: float = 0.01
    surplus_threshold: float = 0.01
    min_cell_size: float = 300.0
    carry_unfilled: bool = True
    frictional_quantile: float = 0.25
    mix_observed_balance: bool = True
    bias_correction: bool = False

    def __post_init__(self) -> None:
        for name, value in asdict(self).items():
            values = value if isinstance(value, tuple) else (value,)
            if any(not np.isfinite(v) or v < 0 for v in values):
                raise InputError(f"assumption {name} = {value!r}: expected non-negative numbers")
        if not 0 <= self.frictional_quantile <= 1:
            raise InputError(f"assumption frictional_quantile = {self.frictional_quantile!r}: "
                             "expected a quantile from 0 to 1")
        if abs(sum(self.applicant_skill_mix) - 1) > 1e-9:
            raise InputError(f"assumption applicant_skill_mix = {self.applicant_skill_mix!r}: "
                             "expected three shares that add up to 1")


@dataclass(frozen=True)
class ShortageForecast:
    """The shortage forecast for one year and what produced it.

    Attributes
    ----------
    table : DataFrame
        One row per region x sector x skill: ``region, sector, skill, year, demand`` (forecast
        demand in ``year``), the drivers (:data:`DRIVERS`), ``openings``, ``seekers``,
        ``shortage`` (central), ``shortage_p05`` .. ``shortage_p95`` and ``tier``.
    origin : int
        Last data year the forecast starts from.
    year : int
        Forecast year.
    labour_force : float
        Employment plus employment-office applicants in the origin year.
    models : dict
        Count of series per chosen model.
    fallbacks : DataFrame
        Series that fell back to a simpler model, and why.
    assumptions : Assumptions
    reconciliation : dict
        How demand was reconciled: ``method``, ``method_used``, ``fallback_reason``.
    demand_model : dict
        Where demand growth came from: ``name`` (:data:`DEMAND_MODELS`), ``panel_weight`` (the
        panel model's share) and, with the panel model, its ``features`` and ``estimator``.
    stock_dynamics : dict
        The stock identity fitted at the origin
        (:class:`~forecast.shortage.stock_dynamics.StockDynamics`): ``keep_share``,
        ``supply_scale``, ``r_squared``, ``cell_years``, ``accepted`` and the limits applied,
        ``min_r_squared`` and ``min_cell_years``; empty without a vacancies table.
    """

    table: pd.DataFrame
    origin: int
    year: int
    labour_force: float
    models: dict
    fallbacks: pd.DataFrame
    assumptions: Assumptions = field(default_factory=Assumptions)
    reconciliation: dict = field(default_factory=dict)
    demand_model: dict = field(default_factory=dict)
    stock_dynamics: dict = field(default_factory=dict)
