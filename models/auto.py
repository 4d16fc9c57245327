"""The library's default forecaster: back-test candidates, pick per series, calibrate intervals."""

from __future__ import annotations

from numbers import Integral, Real

import numpy as np
import pandas as pd
from sklearn.base import clone

from ._validation import validate_params
from .backtest import backtest_panel
from .base import FALLBACK_COLUMNS, BaseForecaster
from .conformal import ConformalQuantiles
from .constraints import InstanceOf, Interval, Options, is_whole_number
from .memo import ForecastMemo
from .metrics import robust_scale
from .panel import Panel
from .registry import resolve_models

# Chosen on the Produc and sample benchmarks and checked on six annual panels neither was chosen
# on (benchmarks/models/default_pool.py): growth in logs suits employment-like series.
DEFAULT_MODELS = ("naive", "drift", "theta", "log_theta", "log_drift")
SELECTIONS = ("combine", "series", "global")
# Origins with fewer training points give scales too noisy to pool with the others.
MIN_SCORED_TRAIN_LENGTH = 3
# Weight, in back-test errors, of the all-series score in each series' score: short series have
# few errors, and choosing on them alone picks noise.
PRIOR_WEIGHT = 10.0
# joblib's worker counts: -1 for every core, None for its default; 0 means nothing.
N_JOBS = [None, Interval(Integral, None, -1, closed="right"), Interval(Integral, 1, None)]


class AutoForecaster(BaseForecaster):
    """Combine or choose models per series by rolling-origin back-test, with conformal intervals.

    Every candidate is refitted at each origin ``last - k`` for ``k = 1 .. n_windows + h - 1``
    (calendar years shared by all series) and scored by the mean absolute scaled error (MASE)
    of its forecasts up to ``h`` years ahead. A series' score is shrunk towards the
    all-series score so that short series do not decide on noise. Then, per series:

    - ``"combine"`` (default) averages, with equal weights, every candidate whose score is
      within ``trim`` times the best one. Annual series turn at breaks that no back-test
      window foresees, and a trimmed equal-weight mean is far more robust there than picking
      the latest winner;
    - ``"series"`` picks the best-scoring candidate;
    - ``"global"`` picks the candidate best over all series.

    A candidate that does not apply to a series takes no part in its choice or combination:
    log models (:class:`LogTransformed`) need every value positive.

    Prediction intervals are conformal: per horizon, quantiles of the absolute scaled
    back-test errors of the final forecasts, pooled over series, times each series' scale,
    so an 80% interval covers about 80% out of sample.

    ``ds`` may be integer years, annual dates or annual periods, and forecasts come back in
    the same kind (see :class:`models.api.ForecasterMixin`). Exogenous columns reach the
    candidates that use them (the gradient model, at the forecast origin); ``predict`` checks
    ``X_df`` and does not use it. :meth:`cross_validation` and :func:`models.to_nixtla` give
    statsforecast's frames and column names.

    Parameters
    ----------
    models : list of str or estimators, optional
        Candidates; default ``naive, drift, theta, log_theta, log_drift`` (all vectorized;
        ``log_`` models are fitted to the logarithm, see :class:`LogTransformed`). Names:
        ``naive, drift, mean, theta, damped, log_theta, log_drift, ets, arima, sm_theta, gbm``.
        The other parameters are keyword-only.
    h : int, default 5
        Horizon of the back-test used for selection and calibration.
    n_windows : int, default 3
        Number of back-test origins with all ``h`` years observed.
    selection : {"combine", "series", "global"}, default "combine"
        How candidates become the forecast, see above.
    trim : float, default 3.0
        In ``"combine"``, drop candidates scoring worse than ``trim`` times the series' best.
    n_jobs : int, default 1
        joblib workers over back-test origins (and over series in statsmodels models); -1 for
        every core.
    backend : str, optional
        joblib backend name, e.g. ``"loky"`` or ``"dask"``.
    random_state : int, default 0
        Seed passed to candidates that take one.
    unscored : collection of (unique_id, ds) pairs, optional
        Targets the back-test must not score (values that were interpolated, not observed):
        their errors are left out of the selection, the calibration and ``backtest_errors_``.
        The series are still fitted on them.
    memo : ForecastMemo, optional
        Back-test window forecasts shared with other forecasters of the same job: a window
        whose candidate and training data another fit has seen reuses its forecast, which is
        the array it would have computed. Forecasts at origins one year apart share most of
        their windows.

    Attributes
    ----------
    selected_ : pandas.DataFrame
        ``unique_id, model, mase, n_errors``: the chosen candidate (or ``+``-joined
        combination) per series and its back-test MASE (NaN without back-test errors).
    weights_ : numpy.ndarray
        ``(n_candidates, n_series)`` weight of each candidate in each series' forecast.
    fallbacks_ : pandas.DataFrame
        ``unique_id, model, fallback, reason`` for series that fell back to a simpler model.
    scores_ : pandas.DataFrame
        Back-test MASE of every candidate over all series.
    conformal_ : ConformalQuantiles
        The interval calibration.
    backtest_errors_ : numpy.ndarray
        ``(n_series, n_origins, h)`` back-test errors (actual minus forecast) of the final
        forecast, in the units of ``y``; NaN where not observed. Series are in ``selected_``
        order, origins in ``backtest_cutoffs_``. Reconciliation estimates its covariance from them.
    backtest_cutoffs_ : numpy.ndarray
        Last training year of each back-test origin.
    """

    name = "auto"
    _parameter_constraints = {
        "models": [None, str, list, tuple],
        "h": [Interval(Integral, 1, None)],
        "n_windows": [Interval(Integral, 1, None)],
        "selection": [Options(*SELECTIONS)],
        "trim": [Interval(Real, 1, None)],
        "n_jobs": N_JOBS,
        "backend": [None, str],
        "random_state": [None, Integral],
        "unscored": [None, InstanceOf(list, tuple, set, frozenset, pd.MultiIndex,
                                      description="a collection of (unique_id, ds) pairs")],
        "memo": [None, InstanceOf(ForecastMemo, description="a models.ForecastMemo")],
    }

    def __init__(
        self,
        models=None,
        *,
        h=5,
        n_windows=3,
        selection="combine",
        trim=3.0,
        n_jobs=1,
        backend=None,
        random_state=0,
        unscored=None,
        memo=None,
    ):
        self.models = models
        self.h = h
        self.n_windows = n_windows
        self.selection = selection
        self.trim = trim
        self.n_jobs = n_jobs
        self.backend = backend
        self.random_state = random_state
        self.unscored = unscored
        self.memo = memo

    def _candidates(self) -> dict[str, object]:
        base = resolve_models(DEFAULT_MODELS if self.models is None else self.models)
        for name, model in base.items():
            params = model.get_params(deep=False)
            shared = (("random_state", self.random_state), ("n_jobs", self.n_jobs), ("backend", self.backend),
                      ("memo", self.memo))
            overrides = {k: v for k, v in shared if k in params}
            if overrides:
                base[name] = clone(model).set_params(**overrides)
            # Candidates are fitted through _fit_panel, which does not check parameters.
            validate_params(base[name])
        return base

    def _fit_panel(self, panel: Panel) -> "AutoForecaster":
        # Parameters were checked against _parameter_constraints by fit (or cross_validation).
        horizon, n_windows = int(self.h), int(self.n_windows)
        base = self._candidates()
        self._remember_panel(panel)
        n = panel.n_series
        last = int(panel.last_ds.max())
        cutoffs = [last - k for k in range(n_windows + horizon - 1, 0, -1)]

        # errors: (n_candidates, n_series, n_origins, h) scaled errors, NaN where not observed.
        names = list(base)
        pairs = [
            self._scaled_errors(
                panel,
                backtest_panel(model, panel, cutoffs, horizon, n_jobs=self.n_jobs, backend=self.backend,
                               memo=self.memo),
                len(cutoffs),
                horizon,
            )
            for model in base.values()
        ]
        errors = np.stack([scaled for scaled, _ in pairs])
        raw_errors = np.stack([raw for _, raw in pairs])
        if self.unscored is not None and len(self.unscored):
            skip = _unscored_mask(panel, self.unscored, cutoffs, horizon)
            errors[:, skip] = np.nan
            raw_errors[:, skip] = np.nan
        abs_err = np.abs(errors).reshape(len(names), n, -1)
        counts = np.isfinite(abs_err[0]).sum(axis=1)
        sums = np.nansum(abs_err, axis=2)
        pooled = np.array([np.nanmean(a) if np.isfinite(a).any() else np.inf for a in abs_err])
        shrunk = (sums + PRIOR_WEIGHT * pooled[:, None]) / (counts + PRIOR_WEIGHT)
        shrunk[:, counts == 0] = pooled[:, None]
        shrunk = np.where(np.isfinite(shrunk), shrunk, np.inf)
        # A candidate that does not apply to a series (a log model on a series with zeros or
        # negatives) takes no part in it, rather than standing in for another candidate.
        applies = np.stack([_applicable(model, panel) for model in base.values()])
        shrunk = np.where(applies, shrunk, np.inf)

        weights = np.zeros((len(names), n))
        if self.selection == "combine":
            keep = shrunk <= self.trim * shrunk.min(axis=0)
            if not np.isfinite(shrunk).any():
                keep[:] = True
            weights = keep / keep.sum(axis=0)
        else:
            best = np.argmin(shrunk, axis=0) if self.selection == "series" else np.full(n, np.argmin(pooled))
            weights[best, np.arange(n)] = 1.0

        final_errors = np.einsum("ms,msoh->soh", weights, np.nan_to_num(errors))
        final_errors[~np.isfinite(errors[0])] = np.nan
        self.backtest_errors_ = np.einsum("ms,msoh->soh", weights, np.nan_to_num(raw_errors))
        self.backtest_errors_[~np.isfinite(raw_errors[0])] = np.nan
        self.backtest_cutoffs_ = np.asarray(cutoffs)
        self.conformal_ = ConformalQuantiles(final_errors.reshape(-1, horizon))
        self.scale_ = robust_scale(panel)
        self.candidate_names_ = names
        self.weights_ = weights
        labels = np.array(["+".join(np.asarray(names)[weights[:, i] > 0]) for i in range(n)], dtype=object)
        with np.errstate(invalid="ignore", divide="ignore"):
            achieved = np.nansum(np.abs(final_errors).reshape(n, -1), axis=1) / counts
        self.selected_ = pd.DataFrame({"unique_id": panel.ids, "model": labels, "mase": achieved, "n_errors": counts})
        self.scores_ = pd.DataFrame({"model": names, "mase": pooled}).sort_values("mase", ignore_index=True)
        self._fit_final(panel, base, names, weights, counts)
        return self

    @staticmethod
    def _scaled_errors(panel: Panel, windows, n_origins: int, h: int) -> tuple[np.ndarray, np.ndarray]:
        """Back-test errors (actual minus forecast) scaled per series, and as they are."""
        scaled = np.full((panel.n_series, n_origins, h), np.nan)
        raw = np.full((panel.n_series, n_origins, h), np.nan)
        for w in windows:
            scaled[w.rows, w.index] = _scale(w.actual - w.mean, w)
            raw[w.rows, w.index] = w.actual - w.mean
        return scaled, raw

    def _fit_final(self, panel, base, names, weights, counts) -> None:
        self.fitted_models_ = {}
        cutoffs = self.backtest_cutoffs_
        records = [
            (panel.ids[row], "auto", self.selected_["model"].iloc[row],
             f"{_no_error_reason(panel, row, cutoffs)}; used the all-series scores")
            for row in np.flatnonzero(counts == 0)
        ]
        for k, name in enumerate(names):
            rows = np.flatnonzero(weights[k] > 0)
            if len(rows) == 0:
                continue
            model = clone(base[name])._fit_panel(panel.subset(rows))
            self.fitted_models_[name] = (rows, model)
            fallbacks = getattr(model, "fallbacks_", None)
            if fallbacks is not None and len(fallbacks):
                records.extend(fallbacks[FALLBACK_COLUMNS].itertuples(index=False, name=None))
        self.fallbacks_ = pd.DataFrame.from_records(records, columns=FALLBACK_COLUMNS)

    def _forecast(self, h: int) -> tuple[np.ndarray, None]:
        mean = np.zeros((self.n_series_, h))
        for k, name in enumerate(self.candidate_names_):
            if name in self.fitted_models_:
                rows, model = self.fitted_models_[name]
                member_mean, _ = model._forecast(h)
                mean[rows] += self.weights_[k, rows, None] * member_mean
        return mean, None

    def _predict_arrays(self, h: int, levels: list[float]):
        mean, _ = self._forecast(h)
        return mean, self.conformal_.bounds(mean, self.scale_, levels)


def _unscored_mask(panel: Panel, unscored, cutoffs: list[int], horizon: int) -> np.ndarray:
    """(n_series, n_origins, h): True where the back-test target is one of ``unscored``."""
    ids, years = _unscored_pairs(unscored)
    mask = np.zeros((panel.n_series, len(cutoffs), horizon), dtype=bool)
    if not len(ids):
        return mask
    rows = pd.Index(panel.ids).get_indexer(ids)
    # Year ahead of each target from each origin; only those within the horizon are masked.
    steps = years[:, None] - np.asarray(cutoffs, dtype=int)[None, :] - 1
    hit = (rows[:, None] >= 0) & (steps >= 0) & (steps < horizon)
    pair, origin = np.nonzero(hit)
    mask[rows[pair], origin, steps[pair, origin]] = True
    return mask


def _unscored_pairs(unscored) -> tuple[list, np.ndarray]:
    """Series and calendar year of each ``(unique_id, ds)`` pair; dates count as their year."""
    ids, years = [], []
    for item in unscored:
        if isinstance(item, (str, bytes)) or not hasattr(item, "__len__") or len(item) != 2:
            raise ValueError(f"unscored must hold (unique_id, ds) pairs; got {item!r}")
        uid, ds = item
        year = getattr(ds, "year", ds)
        if not is_whole_number(year):
            raise ValueError(f"unscored pair {item!r}: ds must be a year, an annual date or an annual period")
        ids.append(uid)
        years.append(int(year))
    return ids, np.array(years, dtype=np.int64)


def _no_error_reason(panel: Panel, row: int, cutoffs: np.ndarray) -> str:
    """Why series ``row`` has no scored back-test error, in words."""
    last, length = int(panel.last_ds[row]), int(panel.lengths[row])
    if last <= cutoffs[0]:
        return (f"no back-test window (the series ends in {last}, before the back-test years "
                f"{cutoffs[0] + 1}-{int(panel.last_ds.max())} shared by all series)")
    if length - (last - cutoffs[-1]) < MIN_SCORED_TRAIN_LENGTH:
        return "no back-test window (series too short)"
    values = panel.values[row][np.isfinite(panel.values[row])]
    if values.min() == values.max():
        return "no scored back-test error (the series is constant, so its errors have no scale)"
    return "no scored back-test error (its back-test targets are unscored)"


def _applicable(model, panel: Panel) -> np.ndarray:
    """Which series ``model`` can forecast as itself (all, unless the model says otherwise)."""
    check = getattr(model, "applicable", None)
    return np.ones(panel.n_series, dtype=bool) if check is None else np.asarray(check(panel), dtype=bool)


def _scale(error: np.ndarray, window) -> np.ndarray:
    scale = window.scale
    with np.errstate(invalid="ignore", divide="ignore"):
        out = error / scale[:, None]
    out[~(scale > 0) | (window.train_lengths < MIN_SCORED_TRAIN_LENGTH)] = np.nan
    return out
