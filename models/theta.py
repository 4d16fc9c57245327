"""The Theta method (Assimakopoulos and Nikolopoulos) fitted for all series at once."""

from __future__ import annotations

from numbers import Real

import numpy as np

from ._recursions import ses_filter
from .base import VectorizedForecaster
from .baselines import first_values
from .constraints import Interval
from .panel import Panel

ALPHA_GRID = np.round(np.arange(0.05, 1.0001, 0.05), 2)


def ols_slopes(panel: Panel) -> np.ndarray:
    """Least-squares slope of each series on time (0 for single points)."""
    t = np.arange(panel.width, dtype=float)[None, :]
    observed = ~np.isnan(panel.values)
    n = panel.lengths.astype(float)
    t_mean = np.where(observed, t, 0).sum(axis=1) / n
    y_mean = np.nansum(panel.values, axis=1) / n
    dt = np.where(observed, t - t_mean[:, None], 0.0)
    dy = np.nan_to_num(panel.values - y_mean[:, None])
    var_t = (dt**2).sum(axis=1)
    return np.divide((dt * dy).sum(axis=1), var_t, out=np.zeros_like(var_t), where=var_t > 0)


class Theta(VectorizedForecaster):
    """Standard Theta method: simple exponential smoothing plus half the linear trend.

    With ``theta=2`` the forecast is the SES forecast plus
    ``b0 / 2 * (h - 1 + 1/alpha - (1 - alpha)^n / alpha)``, where ``b0`` is the OLS slope on
    time. ``alpha`` minimises the in-sample squared one-step errors on a grid of step 0.05,
    with the initial level at the first observation. On the same ``alpha`` it reproduces
    statsmodels' ``ThetaModel(deseasonalize=False).fit(use_mle=False)``. Exogenous columns
    are ignored: ``predict`` checks ``X_df`` and does not use it.

    Parameters
    ----------
    theta : float, default 2.0
        Weight of the trend line, at least 1; 1 gives SES, larger values more trend.
    smoothing_level : float, optional
        Fix ``alpha`` in (0, 1] instead of searching the grid; keyword-only.
    """

    name = "theta"
    min_length = 2
    _parameter_constraints = {
        "theta": [Interval(Real, 1, None, description=">= 1 (1 gives simple exponential smoothing)")],
        "smoothing_level": [None, Interval(Real, 0, 1, closed="right")],
    }

    def __init__(self, theta=2.0, *, smoothing_level=None):
        self.theta = theta
        self.smoothing_level = smoothing_level

    def _fit_arrays(self, panel: Panel) -> np.ndarray:
        alphas = ALPHA_GRID if self.smoothing_level is None else np.array([float(self.smoothing_level)])
        sse, level = ses_filter(panel, alphas, first_values(panel))
        best = np.argmin(sse, axis=1)
        pick = np.arange(panel.n_series), best
        self.alpha_ = alphas[best]
        self.level_ = level[pick]
        self.slope_ = ols_slopes(panel)
        self.n_obs_ = panel.lengths
        # The first one-step error is zero by construction, so it carries no information.
        self.sigma_ = np.sqrt(sse[pick] / np.maximum(panel.lengths - 1, 1))
        return np.isfinite(self.level_) & np.isfinite(self.slope_)

    def _forecast_arrays(self, h: int) -> tuple[np.ndarray, np.ndarray]:
        return theta_forecast(self.level_, self.slope_, self.alpha_, self.n_obs_, self.sigma_, self.theta, h)


def theta_forecast(level, slope, alpha, n_obs, sigma, theta: float, h: int) -> tuple[np.ndarray, np.ndarray]:
    """Mean and standard deviation ``(n_series, h)`` of the Theta method from its fitted parts."""
    level, slope, alpha, n_obs, sigma = (np.atleast_1d(np.asarray(v, dtype=float)) for v in (level, slope, alpha, n_obs, sigma))
    alpha = alpha[:, None]
    steps = np.arange(h)[None, :] + 1 / alpha - (1 - alpha) ** n_obs[:, None] / alpha
    weight = (theta - 1) / theta
    mean = level[:, None] + weight * slope[:, None] * steps
    var_factor = 1 + np.arange(h)[None, :] * (1 + (alpha - 1) ** 2)
    return mean, sigma[:, None] * np.sqrt(var_factor)
