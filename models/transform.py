"""Models fitted on the logarithm of a series: growth in percent rather than in persons.

Employment, population and output grow roughly in proportion to their size, so a trend fitted
to the logarithm (a constant growth rate) extrapolates them better than a straight line in
levels. :class:`LogTransformed` wraps any vectorized model of this package: it fits the model to
``log(y)`` and maps the forecasts back with ``exp``.
"""

from __future__ import annotations

import dataclasses

import numpy as np
from sklearn.base import clone

from ._validation import validate_params
from .base import VectorizedForecaster, fallback_models, normal_bounds
from .constraints import InstanceOf
from .panel import Panel

NOT_POSITIVE = "not every value is positive, so it has no logarithm"


class LogTransformed(VectorizedForecaster):
    """A vectorized model fitted to ``log(y)``, forecasting ``exp`` of its forecasts.

    The back-transformed point forecast is the median of the forecast distribution (the mean
    of the logarithm, mapped back), the point that minimises absolute error. Intervals are the
    model's intervals on the log scale mapped back, so they are asymmetric and never negative.
    Series with a zero or negative value are fitted by the wrapped model on the original scale
    instead, and recorded in ``fallbacks_``. Exogenous columns are ignored: ``predict``
    checks ``X_df`` and does not use it.

    Parameters
    ----------
    model : str or VectorizedForecaster, default "theta"
        The model to fit on the logarithm: a registered name of a vectorized model
        (``naive, drift, mean, theta, damped``) or an unfitted instance.

    Attributes
    ----------
    members_ : list of (numpy.ndarray, model)
        Rows of the panel and the fitted model that forecasts them.
    fallbacks_ : pandas.DataFrame
        Series fitted by a fallback model, and why.

    Examples
    --------
    >>> import pandas as pd
    >>> from models import LogTransformed
    >>> df = pd.DataFrame({"unique_id": "a", "ds": range(2000, 2006),
    ...                    "y": [100.0, 110.0, 121.0, 133.1, 146.41, 161.051]})
    >>> LogTransformed("drift").fit(df).predict(h=1)["yhat"].round(3).tolist()
    [177.156]
    """

    # Which names and instances qualify is checked when the inner model is built.
    _parameter_constraints = {"model": [str, InstanceOf(VectorizedForecaster, description="a vectorized model of this package")]}

    def __init__(self, model="theta"):
        self.model = model

    @property
    def name(self) -> str:
        return "log_" + getattr(self._inner_template(), "name", type(self.model).__name__)

    @property
    def min_length(self) -> int:
        return self._inner_template().min_length

    def _inner_template(self) -> VectorizedForecaster:
        from .registry import model_class

        if isinstance(self.model, str):
            inner = model_class(self.model)()
        else:
            inner = self.model
        if not isinstance(inner, VectorizedForecaster) or isinstance(inner, LogTransformed):
            raise ValueError(f"LogTransformed needs a vectorized model of this package "
                             f"(naive, drift, mean, theta, damped); got {self.model!r}")
        # The inner model is fitted through _fit_arrays, which does not check parameters.
        validate_params(inner)
        return inner

    def _fit_chain(self) -> list[VectorizedForecaster]:
        chain = [self._fresh(), clone(self._inner_template())]
        for fallback in fallback_models():
            if type(fallback) is not type(chain[1]):
                chain.append(fallback)
        return chain

    def applicable(self, panel: Panel) -> np.ndarray:
        """Series the model forecasts on the log scale: those with every value positive."""
        values = panel.values
        return np.where(np.isnan(values), True, values > 0).all(axis=1)

    def _fit_arrays(self, panel: Panel) -> np.ndarray:
        values = panel.values
        observed = ~np.isnan(values)
        positive = self.applicable(panel)
        logged = np.log(np.where(observed & (values > 0), values, 1.0))
        logged[~observed] = np.nan
        self.inner_ = clone(self._inner_template())
        usable = self.inner_._fit_arrays(dataclasses.replace(panel, values=logged))
        return usable & positive

    def _unusable_reasons(self, panel: Panel, usable: np.ndarray) -> list[str]:
        values = panel.values[~usable]
        positive = np.where(np.isnan(values), True, values > 0).all(axis=1)
        return ["fit not finite" if ok else NOT_POSITIVE for ok in positive]

    def _log_forecast(self, h: int) -> tuple[np.ndarray, np.ndarray]:
        return self.inner_._forecast_arrays(h)

    def _forecast_arrays(self, h: int) -> tuple[np.ndarray, np.ndarray]:
        mean, std = self._log_forecast(h)
        median = np.exp(mean)
        # First-order (delta-method) standard deviation on the original scale.
        return median, median * std

    def _predict_arrays(self, h: int, levels: list[float]):
        mean, _ = self._forecast(h)
        bounds = {level: (np.empty_like(mean), np.empty_like(mean)) for level in levels}
        for rows, member in self.members_:
            logged = isinstance(member, LogTransformed)
            m, s = member._log_forecast(h) if logged else member._forecast_arrays(h)
            for level, (low, high) in normal_bounds(m, s, levels).items():
                bounds[level][0][rows] = np.exp(low) if logged else low
                bounds[level][1][rows] = np.exp(high) if logged else high
        return mean, bounds
