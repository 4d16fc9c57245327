"""Forecasting models on long panels (``unique_id, ds, y``).

Where models fit. Nothing here imports ``features`` or ``forecast``.

Every model follows scikit-learn conventions: parameters are stored unchanged by
``__init__``, ``fit(df)`` returns the model, fitted attributes end in ``_``, and
``predict(h, level=[80, 95])`` returns ``unique_id, ds, yhat, yhat_lo_<L>, yhat_hi_<L>``.
Every model is built on :class:`ForecasterMixin`: each takes ``ds`` as integer years, annual
dates or annual periods and gives forecasts back in the same kind, and has
``predict(..., X_df=...)`` and a statsforecast-style ``cross_validation``.
:class:`AutoForecaster` is the library's default; :func:`to_nixtla` gives any forecast
statsforecast's column names.
"""

from .api import ForecasterMixin
from .auto import AutoForecaster
from .backtest import cross_validation
from .baselines import Drift, HistoricMean, Naive
from .base import BaseForecaster
from .conformal import ConformalQuantiles
from .constraints import InvalidParameterError
from .conversion import from_long, to_long, to_nixtla
from .memo import ForecastMemo
from .metrics import evaluate, smape, winkler
from .smoothing import DampedTrend
from .theta import Theta
from .transform import LogTransformed

__all__ = [
    "AutoForecaster",
    "BaseForecaster",
    "ConformalQuantiles",
    "DampedTrend",
    "Drift",
    "ForecastMemo",
    "ForecasterMixin",
    "GlobalGradientBoosting",
    "HistoricMean",
    "InvalidParameterError",
    "LogTransformed",
    "Naive",
    "StatsARIMA",
    "StatsETS",
    "StatsTheta",
    "Theta",
    "cross_validation",
    "evaluate",
    "from_long",
    "smape",
    "to_long",
    "to_nixtla",
    "winkler",
]


def __getattr__(name: str):
    # statsmodels' per-series models and the boosting model load on first use.
    from .registry import MODEL_PATHS, model_class

    lazy = {cls: key for key, (_, cls) in MODEL_PATHS.items()}
    if name in lazy:
        return model_class(lazy[name])
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
