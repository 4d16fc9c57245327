"""Model names accepted wherever a list of models is given (e.g. ``AutoForecaster(models=...)``)."""

from __future__ import annotations

import importlib

from sklearn.base import clone


# Imported on first use so that the default, vectorized path never loads statsmodels'
# state-space machinery or scikit-learn's boosting.
MODEL_PATHS = {
    "naive": ("baselines", "Naive"),
    "drift": ("baselines", "Drift"),
    "mean": ("baselines", "HistoricMean"),
    "theta": ("theta", "Theta"),
    "damped": ("smoothing", "DampedTrend"),
    "ets": ("statistical", "StatsETS"),
    "arima": ("statistical", "StatsARIMA"),
    "sm_theta": ("statistical", "StatsTheta"),
    "gbm": ("gradient", "GlobalGradientBoosting"),
    "log_theta": ("transform", "LogTransformed"),
    "log_drift": ("transform", "LogTransformed"),
}
# Registered names that are a class with fixed parameters.
MODEL_PARAMS = {"log_theta": {"model": "theta"}, "log_drift": {"model": "drift"}}


def model_class(name: str) -> type:
    """The model class registered under ``name``."""
    if name not in MODEL_PATHS:
        raise ValueError(f"unknown model {name!r}; choose from {', '.join(sorted(MODEL_PATHS))}")
    module, attr = MODEL_PATHS[name]
    return getattr(importlib.import_module(f"{__package__}.{module}"), attr)


def make_model(name: str):
    """A new, unfitted model registered under ``name``."""
    return model_class(name)(**MODEL_PARAMS.get(name, {}))


def resolve_models(models) -> dict[str, object]:
    """Map names or estimator instances to ``{name: unfitted estimator}``.

    Raises
    ------
    ValueError
        On an unknown name, an empty list or a repeated name.
    """
    if isinstance(models, str):
        models = [models]
    resolved: dict[str, object] = {}
    for item in models:
        if isinstance(item, str):
            name, estimator = item, make_model(item)
        else:
            if not hasattr(item, "_fit_panel"):
                raise ValueError(f"models must be names or models of this package; got {item!r}")
            name, estimator = getattr(item, "name", type(item).__name__), clone(item)
        if name in resolved:
            raise ValueError(f"model {name!r} is listed twice")
        resolved[name] = estimator
    if not resolved:
        raise ValueError("models must name at least one model")
    return resolved
