"""Split-conformal prediction intervals from scaled rolling-origin errors."""

from __future__ import annotations

from statistics import NormalDist

import numpy as np

# Mean absolute first difference of a Gaussian random walk, in units of its step's standard
# deviation, is sqrt(2 / pi): with no back-test error at all, scaled errors are taken to be
# those of a random walk, whose h-step error has standard deviation sqrt(h * pi / 2).
_RANDOM_WALK_SD = np.sqrt(np.pi / 2)


class ConformalQuantiles:
    """Per-horizon quantiles of absolute scaled back-test errors.

    Errors of all series are divided by each series' scale and pooled per horizon, so
    intervals are ``yhat +/- q_h(L) * scale`` with one ``q_h`` per horizon and level. The
    quantile uses the finite-sample rank ``ceil((m + 1) L)`` of ``m`` errors, and ``q_h`` is
    made non-decreasing in ``h``; beyond the calibrated horizon it grows like ``sqrt(h)``.

    Too few errors for a level (the rank exceeds ``m``, e.g. 95% from fewer than 19 errors)
    would make the conformal interval unbounded. There the half-width is the Gaussian
    quantile of the errors' root mean square, and never less than the largest error, so a
    higher level always gives a wider interval. A horizon without any error borrows the
    nearest shorter one; with no error at all, the errors are taken to be a random walk's
    (``scale`` is the mean absolute first difference), which widens like ``sqrt(h)``.

    Parameters
    ----------
    scaled_errors : numpy.ndarray
        ``(n_points, H)`` scaled errors, NaN where a horizon was not observed.

    Attributes
    ----------
    sorted_errors_ : list of numpy.ndarray
        Sorted absolute scaled errors per horizon.
    n_errors_ : numpy.ndarray
        Number of errors per horizon.
    """

    def __init__(self, scaled_errors: np.ndarray):
        magnitude = np.abs(np.asarray(scaled_errors, dtype=float))
        if magnitude.ndim != 2:
            raise ValueError(f"scaled_errors must be a 2-d (n_points, horizon) array, got {magnitude.ndim} dimension(s)")
        self.sorted_errors_ = [np.sort(col[np.isfinite(col)]) for col in magnitude.T]
        self.n_errors_ = np.array([len(col) for col in self.sorted_errors_])

    @property
    def horizon(self) -> int:
        return len(self.sorted_errors_)

    def calibrated(self, level: float) -> np.ndarray:
        """Per horizon, whether ``level`` is a conformal quantile (enough errors for its rank)."""
        ranks = np.ceil((self.n_errors_ + 1) * level / 100.0)
        return (self.n_errors_ > 0) & (ranks <= self.n_errors_)

    def quantile(self, level: float, h: int) -> np.ndarray:
        """Interval half-width multipliers for horizons ``1..h`` at ``level`` percent."""
        if not 0 < level < 100:
            raise ValueError(f"level must be a percentage strictly between 0 and 100, got {level!r}")
        z = NormalDist().inv_cdf(0.5 + level / 200.0)
        if not self.n_errors_.any():
            return z * _RANDOM_WALK_SD * np.sqrt(np.arange(1, h + 1))
        q = np.full(self.horizon, np.nan)
        for k, errors in enumerate(self.sorted_errors_):
            m = len(errors)
            if not m:
                continue
            rank = int(np.ceil((m + 1) * level / 100.0))
            if rank <= m:
                q[k] = errors[rank - 1]
            else:
                q[k] = max(errors[-1], z * np.sqrt(np.mean(errors**2)))
        # Horizons with no error yet borrow the nearest shorter horizon (or the first with errors).
        q = _fill_backward(_fill_forward(q))
        q = np.maximum.accumulate(q)
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


def _fill_backward(values: np.ndarray) -> np.ndarray:
    return _fill_forward(values[::-1])[::-1]
