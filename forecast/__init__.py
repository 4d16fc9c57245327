"""The application: data in, shortage forecast, quota proposal and reports out.

One package per stage, each saying in its docstring what enters and what leaves; a newcomer
traces one quota line by reading them in order:

1. :mod:`forecast.inputs`: data directories (or the embedded sample) in, a validated
   :class:`Dataset` out;
2. :mod:`forecast.shortage`: the series panel built once per run, features from the ``features``
   package, models from the ``models`` package, the balance of openings and seekers per region x
   sector x skill with calibrated quantiles (:func:`forecast_shortage`);
3. :mod:`forecast.quota`: the policy's rules turn the shortage into quota lines per region x
   sector x category, each explained (:func:`recommend_quota`);
4. :mod:`forecast.deliverables`: the workbook, the report, the terminal summary, written
   atomically;

under one orchestration layer, :mod:`forecast.pipeline` (:func:`run_quota`, :func:`run_forecast`,
:func:`run_backtest`), which :mod:`forecast.cli` (the ``labor-forecast`` command) calls.

The names below are imported on first use, so that ``labor-forecast --help`` and the light
commands start without loading the numerical stack.
"""

from __future__ import annotations

import importlib
from importlib import metadata

# Public name -> module that defines it.
_EXPORTS = {
    "Assumptions": "forecast.shortage",
    "DataValidationError": "forecast.inputs.errors",
    "Dataset": "forecast.inputs.loader",
    "InputError": "forecast.inputs.errors",
    "Policy": "forecast.quota",
    "Problem": "forecast.inputs.errors",
    "SCENARIOS": "forecast.quota",
    "SeriesPanel": "forecast.shortage",
    "ShortageForecast": "forecast.shortage",
    "build_series_panel": "forecast.shortage",
    "forecast_shortage": "forecast.shortage",
    "load_data": "forecast.inputs.loader",
    "load_policy": "forecast.quota",
    "load_sample": "forecast.inputs.sample",
    "load_truth": "forecast.inputs.sample",
    "recommend_quota": "forecast.quota",
    "run_backtest": "forecast.pipeline",
    "run_forecast": "forecast.pipeline",
    "run_quota": "forecast.pipeline",
}

__all__ = sorted([*_EXPORTS, "package_version"])


def package_version() -> str:
    """The installed version of the package (``0+unknown`` in a source tree)."""
    try:
        return metadata.version("labor-demand-forecast")
    except metadata.PackageNotFoundError:  # running from a source tree
        return "0+unknown"


def __getattr__(name: str):
    if name in _EXPORTS:
        value = getattr(importlib.import_module(_EXPORTS[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
