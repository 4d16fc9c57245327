"""Exponential-smoothing recursions run for all series and all candidate parameters at once.

Series are right-aligned with NaN before their start. Before a series starts its states are
held at zero on zero input, and at its first column they are set to the initial states, so
one loop over the columns serves series of every length.
"""

from __future__ import annotations

import numpy as np

from .panel import Panel


def _start_groups(panel: Panel) -> list[tuple[int, np.ndarray]]:
    starts = panel.first_column
    return [(int(col), np.flatnonzero(starts == col)) for col in np.unique(starts)]


def damped_trend_filter(
    panel: Panel,
    alpha: np.ndarray,
    beta: np.ndarray,
    phi: np.ndarray,
    initial_level: np.ndarray,
    initial_trend: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Run additive damped-trend smoothing, ETS(A,Ad,N) in error-correction form.

    ``f_t = l_{t-1} + phi b_{t-1}``, ``e_t = y_t - f_t``, ``l_t = f_t + alpha e_t``,
    ``b_t = phi b_{t-1} + beta e_t``; initial states are the states before the first
    observation (statsmodels' ``initialization_method="known"``).

    Parameters
    ----------
    panel : Panel
    alpha, beta, phi : numpy.ndarray
        Shape ``(n_candidates,)`` or ``(n_series, n_candidates)``.
    initial_level, initial_trend : numpy.ndarray
        Shape ``(n_series,)``.

    Returns
    -------
    sse, level, trend : numpy.ndarray
        Sum of squared one-step errors and final states, each ``(n_series, n_candidates)``.
    """
    n = panel.n_series
    alpha, beta, phi = (np.broadcast_to(np.asarray(p, dtype=float), (n, np.shape(p)[-1])) for p in (alpha, beta, phi))
    shape = alpha.shape
    y = np.nan_to_num(panel.values, nan=0.0)
    level = np.zeros(shape)
    trend = np.zeros(shape)
    sse = np.zeros(shape)
    starts = dict(_start_groups(panel))
    forecast = np.empty(shape)
    error = np.empty(shape)
    for col in range(panel.width):
        rows = starts.get(col)
        if rows is not None:
            level[rows] = initial_level[rows, None]
            trend[rows] = initial_trend[rows, None]
            sse[rows] = 0.0
        np.multiply(phi, trend, out=forecast)
        forecast += level
        np.subtract(y[:, col : col + 1], forecast, out=error)
        np.multiply(alpha, error, out=level)
        level += forecast
        trend *= phi
        trend += beta * error
        sse += error * error
    return sse, level, trend


def ses_filter(panel: Panel, alpha: np.ndarray, initial_level: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Simple exponential smoothing for all series and candidate ``alpha`` values.

    ``e_t = y_t - l_{t-1}``, ``l_t = l_{t-1} + alpha e_t`` with ``l_0 = initial_level``.

    Returns
    -------
    sse, level : numpy.ndarray
        Sum of squared one-step errors and final level, each ``(n_series, n_candidates)``.
    """
    n = panel.n_series
    alpha = np.broadcast_to(np.asarray(alpha, dtype=float), (n, np.shape(alpha)[-1]))
    y = np.nan_to_num(panel.values, nan=0.0)
    level = np.zeros(alpha.shape)
    sse = np.zeros(alpha.shape)
    starts = dict(_start_groups(panel))
    error = np.empty(alpha.shape)
    for col in range(panel.width):
        rows = starts.get(col)
        if rows is not None:
            level[rows] = initial_level[rows, None]
            sse[rows] = 0.0
        np.subtract(y[:, col : col + 1], level, out=error)
        sse += error * error
        level += alpha * error
    return sse, level
