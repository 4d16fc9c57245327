"""The application: data in, shortage forecast, quota proposal and reports out.

Where each step lives:

- data enter in :mod:`forecast.loader` (:func:`load_data`; the contract of the tables is in
  :mod:`forecast.schema`; region and sector classifications in :mod:`forecast.regions` and
  :mod:`forecast.sectors`; statistical-office wide exports in :mod:`forecast.bns_import`) and are
  put on one set of region boundaries by :mod:`forecast.harmonize`;
- the embedded synthetic sample and its true shortages are in :mod:`forecast.sample`;
- features are built by the ``features`` package and models fitted by the ``models`` package;
- shortages are computed in :mod:`forecast.shortage` (:func:`forecast_shortage`: openings
  against seekers, reconciled demand, calibrated quantiles, small cells), current conditions and
  the next-year tier classifier in :mod:`forecast.conditions`, back-tests against a known truth in
  :mod:`forecast.shortage_backtest`;
- quotas in :mod:`forecast.quota` (:func:`recommend_quota`), with the policy in
  :mod:`forecast.policy`, the constrained allocation in :mod:`forecast.allocation`, line
  explanations in :mod:`forecast.explain`, today's rule in :mod:`forecast.status_quo`, the
  ranking, scenarios, effectiveness indicators and quota back-test in :mod:`forecast.ranking`,
  :mod:`forecast.scenarios`, :mod:`forecast.indicators` and :mod:`forecast.quota_backtest`;
- :mod:`forecast.pipeline` runs the main job; the workbook, report and charts are written by
  :mod:`forecast.deliverables`, :mod:`forecast.workbook`, :mod:`forecast.report` and
  :mod:`forecast.charts` in the language of :mod:`forecast.i18n`, atomically through
  :mod:`forecast.outputs`; :mod:`forecast.cli` is the ``labor-forecast`` command.
"""

from forecast.errors import DataValidationError, InputError, Problem
from forecast.loader import Dataset, load_data
from forecast.pipeline import run_quota
from forecast.policy import load_policy
from forecast.quota import Policy, recommend_quota
from forecast.scenarios import SCENARIOS
from forecast.sample import load_sample, load_truth
from forecast.shortage import Assumptions, ShortageForecast, forecast_shortage

__all__ = [
    "Assumptions",
    "DataValidationError",
    "Dataset",
    "InputError",
    "Policy",
    "Problem",
    "SCENARIOS",
    "ShortageForecast",
    "forecast_shortage",
    "load_data",
    "load_policy",
    "load_sample",
    "load_truth",
    "recommend_quota",
    "run_quota",
]
