"""Benchmarks every other model must beat: naive, drift and historic mean, all vectorized."""

from __future__ import annotations

import numpy as np

from .base import VectorizedForecaster
from .panel import Panel


def first_values(panel: Panel) -> np.ndarray:
    return panel.values[np.arange(panel.n_series), panel.first_column]


def _root_mean_square(errors: np.ndarray, dof: np.ndarray) -> np.ndarray:
    """Residual standard deviation per series; NaN without a degree of freedom, so that a
    series too short to show its variability gets no interval rather than a zero-width one."""
    total = np.nansum(errors**2, axis=1)
    return np.sqrt(np.divide(total, dof, out=np.full_like(total, np.nan), where=dof > 0))


class Naive(VectorizedForecaster):
    """Random walk: every future year equals the last observed one.

    Intervals use the root mean square of first differences, widening with ``sqrt(h)``;
    they are NaN for a one-point series, which shows no variability to size them by.
    """

    name = "naive"
    min_length = 1

    def _fit_arrays(self, panel: Panel) -> np.ndarray:
        self.last_ = panel.last_values().copy()
        diffs = np.diff(panel.values, axis=1)
        self.sigma_ = _root_mean_square(diffs, panel.lengths - 1)
        return np.isfinite(self.last_)

    def _forecast_arrays(self, h: int) -> tuple[np.ndarray, np.ndarray]:
        steps = np.arange(1, h + 1)
        mean = np.repeat(self.last_[:, None], h, axis=1)
        return mean, self.sigma_[:, None] * np.sqrt(steps)[None, :]


class Drift(VectorizedForecaster):
    """Random walk with drift: extends the line from the first to the last observation.

    Intervals are NaN for a two-point series: the drift uses its only difference, and no
    residual is left to size them by.
    """

    name = "drift"
    min_length = 2

    def _fit_arrays(self, panel: Panel) -> np.ndarray:
        n = panel.lengths
        self.last_ = panel.last_values().copy()
        self.slope_ = (self.last_ - first_values(panel)) / (n - 1)
        self.n_obs_ = n
        residuals = np.diff(panel.values, axis=1) - self.slope_[:, None]
        self.sigma_ = _root_mean_square(residuals, n - 2)
        return np.isfinite(self.slope_) & np.isfinite(self.last_)

    def _forecast_arrays(self, h: int) -> tuple[np.ndarray, np.ndarray]:
        steps = np.arange(1, h + 1)[None, :]
        mean = self.last_[:, None] + self.slope_[:, None] * steps
        # The drift is estimated, so uncertainty grows faster than sqrt(h).
        std = self.sigma_[:, None] * np.sqrt(steps * (1 + steps / (self.n_obs_[:, None] - 1)))
        return mean, std


class HistoricMean(VectorizedForecaster):
    """Every future year equals the series' mean."""

    name = "mean"
    min_length = 1

    def _fit_arrays(self, panel: Panel) -> np.ndarray:
        n = panel.lengths
        self.mean_ = np.nanmean(panel.values, axis=1)
        self.sigma_ = _root_mean_square(panel.values - self.mean_[:, None], n - 1)
        self.n_obs_ = n
        return np.isfinite(self.mean_)

    def _forecast_arrays(self, h: int) -> tuple[np.ndarray, np.ndarray]:
        mean = np.repeat(self.mean_[:, None], h, axis=1)
        std = np.repeat((self.sigma_ * np.sqrt(1 + 1 / self.n_obs_))[:, None], h, axis=1)
        return mean, std
