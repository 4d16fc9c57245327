"""The application: data in, shortage forecast, quota proposal and reports out.

Where each step lives:

- data enter in :mod:`forecast.loader` (:func:`load_data`; the contract of the tables is in
  :mod:`forecast.schema`; region and sector classifications in :mod:`forecast.regions` and
  :mod:`forecast.sectors`; statistical-office wide exports in :mod:`forecast.bns_import`) and are
  put on one set of region boundaries by :mod:`forecast.harmonize`;
- the embedded synthetic sample and its true shortages are in :mod:`forecast.sample`;
- features are built by the ``features`` package and models fitted by the ``models`` package;
- shortages are computed in :mod:`forecast.shortage` (:func:`forecast_shortage`);
- quotas in :mod:`forecast.quota` (:func:`recommend_quota`);
- :mod:`forecast.pipeline` runs the main job and writes the files (:mod:`forecast.outputs`);
  :mod:`forecast.cli` is the ``labor-forecast`` command.
"""

from forecast.errors import DataValidationError, InputError, Problem
from forecast.loader import Dataset, load_data
from forecast.pipeline import run_quota
from forecast.quota import Policy, recommend_quota
from forecast.sample import load_sample, load_truth
from forecast.shortage import Assumptions, ShortageForecast, forecast_shortage

__all__ = [
    "Assumptions",
    "DataValidationError",
    "Dataset",
    "InputError",
    "Policy",
    "Problem",
    "ShortageForecast",
    "forecast_shortage",
    "load_data",
    "load_sample",
    "load_truth",
    "recommend_quota",
    "run_quota",
]
