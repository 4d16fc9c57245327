"""Split-conformal prediction intervals from scaled rolling-origin errors."""

from __future__ import annotations

import numpy as np


class ConformalQuantiles:
    """Per-horizon quantiles of absolute scaled back-test errors.

    Errors of all series are divided by each series' scale and pooled per horizon, so
    intervals are ``yhat +/- q_h(L) * scale`` with one ``q_h`` per horizon and level. The
    quantile uses the finite-sample rank ``ceil((m + 1) L)`` of ``m`` errors, and ``q_h`` is
    made non-decreasing in ``h``; beyond the calibrated horizon it grows like ``sqrt(h)``.

    Parameters
    ----------
    scaled_errors : numpy.ndarray
        ``(n_points, H)`` scaled errors, NaN where a horizon was not observed.
    """

    def __init__(self, scaled_errors: np.ndarray):
        magnitude = np.abs(np.asarray(scaled_errors, dtype=float))
        self.sorted_errors_ = [np.sort(col[np.isfinite(col)]) for col in magnitude.T]
        self.n_errors_ = np.array([len(col) for col in self.sorted_errors_])

    @property
    def horizon(self) -> int:
        return len(self.sorted_errors_)

    def quantile(self, level: float, h: int) -> np.ndarray:
        """Interval half-width multipliers for horizons ``1..h`` at ``level`` percent."""
        q = np.full(self.horizon, np.nan)
        for k, errors in enumerate(self.sorted_errors_):
            m = len(errors)
            if m:
                rank = int(np.ceil((m + 1) * level / 100.0))
                q[k] = errors[min(rank, m) - 1]
        # Horizons with no error yet borrow the nearest shorter horizon.
        q = _fill_forward(q)
        q = np.maximum.accumulate(np.nan_to_num(q, nan=0.0))
        if h <= self.horizon:
            return q[:h]
        extra = q[-1] * np.sqrt(np.arange(self.horizon + 1, h + 1) / self.horizon)
        return np.concatenate([q, extra])

    def bounds(self, mean: np.ndarray, scale: np.ndarray, levels: list[float]):
        """``{level: (lo, hi)}`` around ``mean`` (n_series, h) for series scales ``scale``."""
        h = mean.shape[1]
        out = {}
        for level in levels:
            width = self.quantile(level, h)[None, :] * scale[:, None]
            out[level] = (mean - width, mean + width)
        return out


def _fill_forward(values: np.ndarray) -> np.ndarray:
    out = values.copy()
    for k in range(1, len(out)):
        if np.isnan(out[k]):
            out[k] = out[k - 1]
    return out
