"""Damped-trend exponential smoothing fitted for all series at once."""

from __future__ import annotations

import itertools
from numbers import Real

import numpy as np

from ._recursions import damped_trend_filter
from .base import VectorizedForecaster
from .baselines import first_values
from .constraints import Interval, InvalidParameterError
from .panel import Panel

# Annual series are short, so a coarse grid loses little against a numerical optimiser and
# lets every series be fitted in one vectorized pass.
ALPHA_GRID = (0.1, 0.3, 0.5, 0.7, 0.9, 0.99)
BETA_SHARE_GRID = (0.02, 0.15, 0.5)  # trend gain as a share of alpha keeps beta <= alpha
PHI_GRID = (0.8, 0.9, 0.98)


def heuristic_initial_states(panel: Panel, points: int = 4) -> tuple[np.ndarray, np.ndarray]:
    """Pre-sample level and trend from the slope of the first few observations."""
    first = first_values(panel)
    k = np.minimum(panel.lengths, points)
    at = panel.first_column + k - 1
    later = panel.values[np.arange(panel.n_series), at]
    trend = np.divide(later - first, k - 1, out=np.zeros_like(first), where=k > 1)
    return first - trend, trend


class DampedTrend(VectorizedForecaster):
    """Additive damped-trend exponential smoothing, ETS(A,Ad,N), vectorized over series.

    Each series gets the smoothing parameters with the smallest in-sample sum of squared
    one-step errors on a fixed grid; initial states come from the first four points. Given
    the same parameters and initial states it reproduces statsmodels'
    ``ETSModel(error="add", trend="add", damped_trend=True, initialization_method="known")``
    to floating-point precision. Exogenous columns are ignored: ``predict`` checks ``X_df``
    and does not use it.

    Parameters
    ----------
    smoothing_level, smoothing_trend, damping_trend : float, optional
        Fix ``alpha`` in (0, 1], ``beta`` in [0, 1] (state-space form, ``beta <= alpha``: a
        fixed ``beta`` above a fixed ``alpha`` is refused at ``fit``, and with ``alpha``
        searched only levels ``>= beta`` are tried) or ``phi`` in (0, 1) instead of searching
        the grid; all but the first keyword-only.

    Attributes
    ----------
    members_ : list
        ``(rows, fitted model)`` pairs, the second and later ones being fallbacks.
    fallbacks_ : pandas.DataFrame
        Series handed to a simpler model and why.
    """

    name = "damped"
    min_length = 3
    _parameter_constraints = {
        "smoothing_level": [None, Interval(Real, 0, 1, closed="right")],
        "smoothing_trend": [None, Interval(Real, 0, 1, closed="both")],
        # phi = 1 is an undamped trend, whose forecast formula divides by 1 - phi.
        "damping_trend": [None, Interval(Real, 0, 1, closed="neither")],
    }

    def __init__(self, smoothing_level=None, *, smoothing_trend=None, damping_trend=None):
        self.smoothing_level = smoothing_level
        self.smoothing_trend = smoothing_trend
        self.damping_trend = damping_trend

    def _candidates(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        alphas = ALPHA_GRID if self.smoothing_level is None else (self.smoothing_level,)
        phis = PHI_GRID if self.damping_trend is None else (self.damping_trend,)
        if self.smoothing_trend is None:
            combos = [(a, a * s, p) for a, s, p in itertools.product(alphas, BETA_SHARE_GRID, phis)]
        else:
            beta = self.smoothing_trend
            if self.smoothing_level is not None and beta > self.smoothing_level:
                raise InvalidParameterError(
                    f"DampedTrend: smoothing_trend must be at most smoothing_level (beta <= alpha); "
                    f"got smoothing_trend={beta!r} > smoothing_level={self.smoothing_level!r}")
            # A fixed beta searches only the levels at least as large; beta itself if none is.
            alphas = tuple(a for a in alphas if a >= beta) or (beta,)
            combos = list(itertools.product(alphas, (beta,), phis))
        return tuple(np.array(c, dtype=float) for c in zip(*combos))

    def _fit_arrays(self, panel: Panel) -> np.ndarray:
        alpha, beta, phi = self._candidates()
        level0, trend0 = heuristic_initial_states(panel)
        sse, level, trend = damped_trend_filter(panel, alpha, beta, phi, level0, trend0)
        best = np.argmin(np.where(np.isfinite(sse), sse, np.inf), axis=1)
        pick = np.arange(panel.n_series), best
        self.alpha_, self.beta_, self.phi_ = alpha[best], beta[best], phi[best]
        self.initial_level_, self.initial_trend_ = level0, trend0
        self.level_, self.trend_ = level[pick], trend[pick]
        self.sigma_ = np.sqrt(sse[pick] / panel.lengths)
        return np.isfinite(self.level_) & np.isfinite(self.trend_) & np.isfinite(self.sigma_)

    def _forecast_arrays(self, h: int) -> tuple[np.ndarray, np.ndarray]:
        return damped_trend_forecast(self.level_, self.trend_, self.alpha_, self.beta_, self.phi_, self.sigma_, h)


def damped_trend_forecast(level, trend, alpha, beta, phi, sigma, h: int) -> tuple[np.ndarray, np.ndarray]:
    """Mean and standard deviation ``(n_series, h)`` of ETS(A,Ad,N) from its final states."""
    level, trend, alpha, beta, phi, sigma = (np.atleast_1d(np.asarray(v, dtype=float)) for v in (level, trend, alpha, beta, phi, sigma))
    steps = np.arange(1, h + 1)[None, :]
    phi = phi[:, None]
    damped_sum = phi * (1 - phi**steps) / (1 - phi)
    mean = level[:, None] + damped_sum * trend[:, None]
    # Hyndman et al. (2008), class 1 variance: c_j = alpha + beta * phi (1 - phi^j) / (1 - phi).
    lags = np.arange(1, h)[None, :]
    c = alpha[:, None] + beta[:, None] * phi * (1 - phi**lags) / (1 - phi)
    var_factor = np.concatenate([np.ones((len(phi), 1)), 1 + np.cumsum(c**2, axis=1)], axis=1)
    return mean, sigma[:, None] * np.sqrt(var_factor)
