"""Stage 2, shortage: from the data to the shortage forecast by region x sector x skill.

Enters: a :class:`~forecast.inputs.loader.Dataset` (stage 1, :mod:`forecast.inputs`).
Leaves: a :class:`ShortageForecast`, whose ``table`` has one row per region x sector x skill with
demand, the drivers of openings and seekers, the shortage and its quantiles, and the tier; the
quota stage (:mod:`forecast.quota`) turns it into quota lines.

The method follows Canada's COPS and the US BLS replacement-needs approach: openings (expansion
demand, retirements, deaths, emigration) against seekers (graduates, immigration, net internal
migration, hires from the unemployed). Read in this order:

- :mod:`~forecast.shortage.panel`: :func:`build_series_panel` harmonizes the tables once and
  builds every series the balance needs (:class:`SeriesPanel`); every step below receives it;
- :mod:`~forecast.shortage.balance`: the balance of one year from demand and flows
  (:mod:`~forecast.shortage.cell_layout`: where each flow lands among the cells);
- :mod:`~forecast.shortage.forecast`: :func:`forecast_shortage` forecasts every series with
  :class:`models.AutoForecaster` (features from the ``features`` package), reconciles demand,
  computes the balance and calibrates its quantiles on back-test errors
  (:mod:`~forecast.shortage.calibration`: which origins, and the offsets their errors give);
- :mod:`~forecast.shortage.demand_growth`: the panel model of demand growth across all cells,
  and its mix with the univariate growth; :mod:`~forecast.shortage.growth_fits`: its fits for
  every origin, in threads beside the univariate forecasts; :mod:`~forecast.shortage.unfilled`: the unfilled
  demand carried from the origin; :mod:`~forecast.shortage.stock_dynamics`: whether the
  vacancies behave as a stock, and if so the share of them kept and the scale of the seekers,
  fitted on the vacancies; :mod:`~forecast.shortage.anchoring`: the forecast balance mixed with
  the balance last observed, in the share the back-test chooses;
- :mod:`~forecast.shortage.definitions`: the constants, :class:`Assumptions` (conversion rates)
  and :class:`ShortageForecast`;
- :mod:`~forecast.shortage.conditions`: current conditions and a next-year tier classifier;
- :mod:`~forecast.shortage.backtest`: shortage forecasts scored against a known truth.
"""

from forecast.shortage.balance import balance, observed_balance
from forecast.shortage.calibration import calibration_origins, conformal_offsets
from forecast.shortage.definitions import (DRIVERS, MAX_HORIZON, MIN_HISTORY, QUANTILES, TIERS,
                                           Assumptions, ShortageForecast)
from forecast.shortage.forecast import borrow_for_small_cells, classify_tiers, forecast_shortage
from forecast.shortage.panel import SeriesPanel, build_series_panel
from forecast.shortage.stock_dynamics import (StockDynamics, StockDynamicsByOrigin, fit_stock_identity,
                                              stock_dynamics_of)

__all__ = ["Assumptions", "DRIVERS", "MAX_HORIZON", "MIN_HISTORY", "QUANTILES", "SeriesPanel",
           "ShortageForecast", "StockDynamics", "StockDynamicsByOrigin", "TIERS", "balance",
           "borrow_for_small_cells", "build_series_panel", "calibration_origins", "classify_tiers",
           "conformal_offsets", "fit_stock_identity", "forecast_shortage", "observed_balance", "stock_dynamics_of"]
