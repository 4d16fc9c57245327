"""Forecasting models on long panels (``unique_id, ds, y``).

Where models fit. Nothing here imports ``features`` or ``forecast``.

Every model follows scikit-learn conventions: parameters are stored unchanged by
``__init__``, ``fit(df)`` returns the model, fitted attributes end in ``_``, and
``predict(h, level=[80, 95])`` returns ``unique_id, ds, yhat, yhat_lo_<L>, yhat_hi_<L>``.
:class:`AutoForecaster` is the library's default.
"""

from .auto import AutoForecaster
from .backtest import cross_validation
from .baselines import Drift, HistoricMean, Naive
from .base import BaseForecaster
from .conformal import ConformalQuantiles
from .conversion import from_long, to_long
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
    "GlobalGradientBoosting",
    "HistoricMean",
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
    "winkler",
]


def __getattr__(name: str):
    # statsmodels' per-series models and the boosting model load on first use.
    from .registry import MODEL_PATHS, model_class

    lazy = {cls: key for key, (_, cls) in MODEL_PATHS.items()}
    if name in lazy:
        return model_class(lazy[name])
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
