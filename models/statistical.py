"""statsmodels models fitted series by series, in parallel, with a recorded fallback chain.

These are the reference implementations (maximum likelihood, automatic ARIMA orders). They
run at tens of series per second per core, so the vectorized models are the default for
large panels.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from numbers import Integral, Real

import numpy as np
import pandas as pd
from joblib import Parallel, delayed

from .base import FALLBACK_COLUMNS, BaseForecaster
from .constraints import Interval
from .panel import Panel
from .smoothing import DampedTrend, damped_trend_forecast
from .theta import theta_forecast

# A forecast this many times larger than anything observed is a failed fit, not a forecast.
EXPLOSION_FACTOR = 1e3
EXPLOSION_CHECK_HORIZON = 10
ARIMA_ORDERS = ((0, 1, 0), (1, 1, 0), (0, 1, 1), (1, 1, 1), (2, 1, 0), (0, 2, 1), (1, 0, 0), (2, 0, 0))
# joblib's worker counts: -1 for every core, None for its default; 0 means nothing.
PARALLEL_CONSTRAINTS = {
    "n_jobs": [None, Interval(Integral, None, -1, closed="right"), Interval(Integral, 1, None)],
    "backend": [None, str],
    "chunk_size": [Interval(Integral, 1, None)],
}


def _ses_residual_scale(y: np.ndarray, alpha: float) -> float:
    """Root mean square one-step error of SES started at the first value (first error is zero)."""
    level, total = y[0], 0.0
    for value in y[1:]:
        error = value - level
        total += error * error
        level += alpha * error
    return float(np.sqrt(total / max(len(y) - 1, 1)))


class SeriesFitError(Exception):
    """A series the model cannot fit; the message becomes the recorded fallback reason."""


@dataclass
class _DampedFit:
    level: float
    trend: float
    alpha: float
    beta: float
    phi: float
    sigma: float

    def forecast(self, h):
        return damped_trend_forecast(self.level, self.trend, self.alpha, self.beta, self.phi, self.sigma, h)


@dataclass
class _ThetaFit:
    level: float
    slope: float
    alpha: float
    n_obs: int
    sigma: float
    theta: float

    def forecast(self, h):
        return theta_forecast(self.level, self.slope, self.alpha, self.n_obs, self.sigma, self.theta, h)


@dataclass
class _ArimaFit:
    result: object

    def forecast(self, h):
        prediction = self.result.get_forecast(h)
        return np.asarray(prediction.predicted_mean)[None, :], np.sqrt(np.asarray(prediction.var_pred_mean))[None, :]


def _screen(y: np.ndarray, min_length: int) -> None:
    if len(y) < min_length:
        raise SeriesFitError(f"too short ({len(y)} < {min_length} points)")
    if np.all(y == 0):
        raise SeriesFitError("all zero")
    if np.all(y == y[0]):
        raise SeriesFitError("constant")


def _check_forecast(fit, y: np.ndarray) -> None:
    mean, std = fit.forecast(EXPLOSION_CHECK_HORIZON)
    bound = EXPLOSION_FACTOR * max(np.max(np.abs(y)), 1.0)
    if not (np.all(np.isfinite(mean)) and np.all(np.isfinite(std))):
        raise SeriesFitError("non-finite forecast")
    if np.max(np.abs(mean)) > bound:
        raise SeriesFitError("exploding forecast")


def _fit_chunk(model: "PerSeriesForecaster", series: list[np.ndarray]) -> list[tuple[object, str | None]]:
    from statsmodels.tools.sm_exceptions import ConvergenceWarning

    out = []
    for y in series:
        try:
            _screen(y, model.min_length)
            with warnings.catch_warnings():
                warnings.simplefilter("error", ConvergenceWarning)
                warnings.simplefilter("ignore", RuntimeWarning)
                warnings.simplefilter("ignore", UserWarning)
                fit = model._fit_series(y)
            _check_forecast(fit, y)
            out.append((fit, None))
        except SeriesFitError as err:
            out.append((None, str(err)))
        except ConvergenceWarning:
            out.append((None, "did not converge"))
        except (ValueError, np.linalg.LinAlgError, ZeroDivisionError, OverflowError) as err:
            out.append((None, f"fit failed: {type(err).__name__}"))
    return out


class PerSeriesForecaster(BaseForecaster):
    """Fits one statsmodels model per series, ``chunk_size`` series per joblib task.

    Series that are too short, constant or all zero, that fail or do not converge, or whose
    forecast explodes are fitted instead by the vectorized damped trend (itself falling back
    to drift then naive); ``fallbacks_`` records each with its reason. Exogenous columns are
    ignored: ``predict`` checks ``X_df`` and does not use it.
    """

    min_length = 4

    def _fit_panel(self, panel: Panel) -> "PerSeriesForecaster":
        self._remember_panel(panel)
        series = [row[~np.isnan(row)] for row in panel.values]
        chunk = max(1, int(self.chunk_size))
        chunks = [series[i : i + chunk] for i in range(0, len(series), chunk)]
        results = Parallel(n_jobs=self.n_jobs, backend=self.backend)(delayed(_fit_chunk)(self, c) for c in chunks)
        flat = [item for part in results for item in part]
        self.fits_ = [fit for fit, _ in flat]
        failed = np.array([fit is None for fit, _ in flat])
        records = [(panel.ids[i], self.name, None, reason) for i, (_, reason) in enumerate(flat) if reason]
        self.fallback_model_ = None
        if failed.any():
            self.fallback_rows_ = np.flatnonzero(failed)
            self.fallback_model_ = DampedTrend()._fit_panel(panel.subset(self.fallback_rows_))
            simpler = dict(zip(self.fallback_model_.fallbacks_["unique_id"], self.fallback_model_.fallbacks_["fallback"]))
            records = [(uid, m, simpler.get(uid, "damped"), why) for uid, m, _, why in records]
        self.fallbacks_ = pd.DataFrame.from_records(records, columns=FALLBACK_COLUMNS)
        return self

    def _forecast(self, h: int) -> tuple[np.ndarray, np.ndarray]:
        mean = np.empty((self.n_series_, h))
        std = np.empty((self.n_series_, h))
        for i, fit in enumerate(self.fits_):
            if fit is not None:
                mean[i], std[i] = (a[0] for a in fit.forecast(h))
        if self.fallback_model_ is not None:
            m, s = self.fallback_model_._forecast(h)
            mean[self.fallback_rows_], std[self.fallback_rows_] = m, s
        return mean, std


class StatsETS(PerSeriesForecaster):
    """Damped-trend ETS(A,Ad,N) by maximum likelihood (statsmodels ``ETSModel``), per series.

    Parameters
    ----------
    n_jobs : int, default 1
        joblib workers (-1 for every core). The other parameters are keyword-only.
    backend : str, optional
        joblib backend name.
    chunk_size : int, default 64
        Series per joblib task.
    """

    name = "ets"
    _parameter_constraints = PARALLEL_CONSTRAINTS

    def __init__(self, n_jobs=1, *, backend=None, chunk_size=64):
        self.n_jobs = n_jobs
        self.backend = backend
        self.chunk_size = chunk_size

    def _fit_series(self, y: np.ndarray) -> _DampedFit:
        from statsmodels.tsa.exponential_smoothing.ets import ETSModel

        result = ETSModel(y, error="add", trend="add", damped_trend=True).fit(disp=False)
        if not result.mle_retvals.get("converged", True):
            raise SeriesFitError("did not converge")
        params = dict(zip(result.model.param_names, result.params))
        states = np.asarray(result.states)[-1]
        sigma = float(np.sqrt(np.mean(np.asarray(result.resid) ** 2)))
        return _DampedFit(
            level=float(states[0]),
            trend=float(states[1]),
            alpha=params["smoothing_level"],
            beta=params["smoothing_trend"],
            phi=params["damping_trend"],
            sigma=sigma,
        )


class StatsTheta(PerSeriesForecaster):
    """statsmodels ``ThetaModel`` (no deseasonalising, SES alpha by least squares), per series.

    Parameters
    ----------
    theta : float, default 2.0
        Weight of the trend line, at least 1. The other parameters are keyword-only.
    n_jobs, backend, chunk_size
        As in :class:`StatsETS`.
    """

    name = "sm_theta"
    min_length = 3
    _parameter_constraints = {"theta": [Interval(Real, 1, None)], **PARALLEL_CONSTRAINTS}

    def __init__(self, theta=2.0, *, n_jobs=1, backend=None, chunk_size=64):
        self.theta = theta
        self.n_jobs = n_jobs
        self.backend = backend
        self.chunk_size = chunk_size

    def _fit_series(self, y: np.ndarray) -> _ThetaFit:
        from statsmodels.tsa.forecasting.theta import ThetaModel

        result = ThetaModel(y, deseasonalize=False).fit()
        alpha = float(result.params["alpha"])
        level = float(np.asarray(result.forecast(1, theta=1.0))[0])
        return _ThetaFit(
            level=level,
            slope=float(result.params["b0"]),
            alpha=alpha,
            n_obs=len(y),
            sigma=_ses_residual_scale(y, alpha),
            theta=float(self.theta),
        )


class StatsARIMA(PerSeriesForecaster):
    """ARIMA with a small automatic order search by AICc (statsmodels ``SARIMAX``), per series.

    Orders tried: ``(0,1,0) (1,1,0) (0,1,1) (1,1,1) (2,1,0) (0,2,1)`` with drift where
    differenced once, and ``(1,0,0) (2,0,0)`` with a constant and trend.

    Parameters
    ----------
    n_jobs, backend, chunk_size
        As in :class:`StatsETS`; all but ``n_jobs`` keyword-only.
    """

    name = "arima"
    min_length = 6
    _parameter_constraints = PARALLEL_CONSTRAINTS

    def __init__(self, n_jobs=1, *, backend=None, chunk_size=32):
        self.n_jobs = n_jobs
        self.backend = backend
        self.chunk_size = chunk_size

    def _fit_series(self, y: np.ndarray) -> _ArimaFit:
        from statsmodels.tsa.statespace.sarimax import SARIMAX

        best, best_aicc = None, np.inf
        for order in ARIMA_ORDERS:
            trend = {0: "ct", 1: "c", 2: "n"}[order[1]]
            n_params = order[0] + order[2] + len(trend.replace("n", "")) + 1
            if len(y) - order[1] <= n_params + 1:
                continue
            try:
                result = SARIMAX(y, order=order, trend=trend).fit(disp=False)
            except (ValueError, np.linalg.LinAlgError):
                continue
            if not np.isfinite(result.aicc) or not result.mle_retvals.get("converged", True):
                continue
            if result.aicc < best_aicc:
                best, best_aicc = result, result.aicc
        if best is None:
            raise SeriesFitError("no ARIMA order converged")
        return _ArimaFit(best)
