"""Checks of what a caller passes to :func:`forecast.forecast_shortage`, with messages to act on.

The command line and the Python API share them, so ``labor-forecast forecast --year 2040`` and
``forecast_shortage(data, 2040)`` fail the same way; ``option`` names the argument as the caller
wrote it (``--year`` on the command line, ``year`` in Python).
"""

from __future__ import annotations

from numbers import Integral, Real

from forecast.inputs.errors import InputError
from forecast.inputs.loader import Dataset
from forecast.shortage.definitions import DEMAND_MODELS, MAX_HORIZON, RECONCILIATION_METHODS
from forecast.shortage.panel import SeriesPanel

__all__ = ["check_dataset", "check_forecast_arguments", "check_forecast_year", "check_n_windows",
           "check_series_panel"]


def check_dataset(data: object, function: str = "forecast_shortage") -> Dataset:
    """``data`` if it is a loaded :class:`~forecast.inputs.loader.Dataset`, else an InputError."""
    if not isinstance(data, Dataset):
        raise InputError(f"{function}: data must be a Dataset from forecast.load_data(folder) or "
                         f"forecast.load_sample(); got {type(data).__name__}")
    return data


def check_forecast_year(year: object, origin: int, option: str = "year") -> int:
    """The forecast year as an int, 1 to ``MAX_HORIZON`` years after ``origin``.

    Raises
    ------
    InputError
        If ``year`` is not a whole number or lies outside that range.
    """
    whole = isinstance(year, Integral) or (isinstance(year, Real) and float(year).is_integer())
    if isinstance(year, bool) or not whole:
        raise InputError(f"{option} {year!r}: expected a whole year from {origin + 1} to "
                         f"{origin + MAX_HORIZON}, as an integer")
    year = int(year)
    if not 1 <= year - origin <= MAX_HORIZON:
        raise InputError(f"{option} {year}: expected a year from {origin + 1} to "
                         f"{origin + MAX_HORIZON} (the data end in {origin})")
    return year


def check_series_panel(panel: object, data: Dataset) -> None:
    """Refuse a series panel that is not one of ``data`` (other type, other years)."""
    if not isinstance(panel, SeriesPanel):
        raise InputError(f"panel must be a SeriesPanel from build_series_panel(data); got {type(panel).__name__}")
    years = panel.tables["employment"]["year"]
    if (int(years.min()), int(years.max())) != (data.first_year, data.last_year):
        raise InputError(f"panel covers employment {int(years.min())}-{int(years.max())} but data cover "
                         f"{data.first_year}-{data.last_year}: build the panel from the same data "
                         f"with build_series_panel(data)")


def check_n_windows(n_windows: object) -> int:
    """The number of calibration origins as an int of at least 1, else an InputError."""
    if isinstance(n_windows, bool) or not isinstance(n_windows, Integral) or n_windows < 1:
        raise InputError(f"n_windows {n_windows!r}: expected a whole number of back-test origins, "
                         "at least 1 (the quantiles are calibrated on them)")
    return int(n_windows)


def check_forecast_arguments(data: object, year: object, n_windows: object, reconciliation: object,
                             demand_model: object, panel: object = None) -> tuple[Dataset, int, int]:
    """Every check of :func:`forecast.forecast_shortage`'s arguments: the dataset, the year and
    the number of calibration origins as they are to be used."""
    data = check_dataset(data)
    year = check_forecast_year(year, data.last_year)
    n_windows = check_n_windows(n_windows)
    if reconciliation not in RECONCILIATION_METHODS:
        raise InputError(f"reconciliation {reconciliation!r}: expected one of "
                         f"{', '.join(RECONCILIATION_METHODS)}")
    if demand_model not in DEMAND_MODELS:
        raise InputError(f"demand model {demand_model!r}: expected one of {', '.join(DEMAND_MODELS)}")
    if panel is not None:
        check_series_panel(panel, data)
    return data, year, n_windows
