"""One gradient-boosting model across all series, forecasting scale-free changes directly."""

from __future__ import annotations

from numbers import Integral, Real

import numpy as np
import pandas as pd
from sklearn.ensemble import HistGradientBoostingRegressor

from ._validation import check_levels
from .base import FALLBACK_COLUMNS, BaseForecaster, fallback_models
from .constraints import Interval
from .panel import Panel

POSITIVE_INT = [Interval(Integral, 1, None)]
# Fewest training rows (series x origin x horizon changes) boosting is fitted on; with fewer
# every series takes the fallback chain (drift, then naive) and ``fallbacks_`` says why.
MIN_TRAINING_ROWS = 20


class GlobalGradientBoosting(BaseForecaster):
    """Global ``HistGradientBoostingRegressor`` on scale-free targets, direct strategy.

    For every series and origin year ``t`` it learns the change to ``t + k``
    (``k = 1 .. max_horizon``, ``k`` being a feature) divided by the mean absolute level of
    the last ``n_lags`` years, from scale-free lags and growth, the series' exogenous columns
    and any caller features at ``t`` (e.g. demographic, emigration and labour-market
    features, region and sector as categories). Quantile-loss models give the intervals.

    Exogenous values enter at the origin ``t``, where they are known, so the model needs no
    future values: ``predict`` checks ``X_df`` and does not use it.

    Parameters
    ----------
    max_horizon : int, default 5
        Longest horizon it can forecast. The other parameters are keyword-only.
    n_lags : int, default 5
        Years of history described by the built-in features.
    quantile_levels : tuple of float, default (80, 95)
        Interval levels trained with quantile loss; ``predict`` accepts these levels.
    max_iter, learning_rate, max_leaf_nodes, min_samples_leaf : optional
        Passed to every ``HistGradientBoostingRegressor``.
    max_samples : int, default 200000
        Training rows drawn at random (with ``random_state``) when there are more.
    random_state : int, default 0

    Attributes
    ----------
    feature_names_ : list of str
    feature_mask_ : numpy.ndarray
        Which of ``feature_names_`` were trained on: a lag longer than every training history
        has no value and is left out.
    estimators_ : dict
        ``"mean"`` and ``(level, "lo" | "hi")`` to fitted regressors; empty when the model fell
        back.
    fallback_ : estimator or None
        With fewer than :data:`MIN_TRAINING_ROWS` training changes, the fallback model (drift,
        then naive) that forecasts every series.
    fallbacks_ : pandas.DataFrame
        ``unique_id, model, fallback, reason`` of the series that fell back.
    """

    name = "gbm"
    _parameter_constraints = {
        "max_horizon": POSITIVE_INT,
        "n_lags": POSITIVE_INT,
        "quantile_levels": [list, tuple, np.ndarray],
        "max_iter": POSITIVE_INT,
        "learning_rate": [Interval(Real, 0, None, closed="neither")],
        "max_leaf_nodes": [None, Interval(Integral, 2, None)],
        "min_samples_leaf": POSITIVE_INT,
        "max_samples": POSITIVE_INT,
        "random_state": [None, Integral],
    }

    def __init__(
        self,
        max_horizon=5,
        *,
        n_lags=5,
        quantile_levels=(80, 95),
        max_iter=200,
        learning_rate=0.05,
        max_leaf_nodes=15,
        min_samples_leaf=20,
        max_samples=200_000,
        random_state=0,
    ):
        self.max_horizon = max_horizon
        self.n_lags = n_lags
        self.quantile_levels = quantile_levels
        self.max_iter = max_iter
        self.learning_rate = learning_rate
        self.max_leaf_nodes = max_leaf_nodes
        self.min_samples_leaf = min_samples_leaf
        self.max_samples = max_samples
        self.random_state = random_state

    def _origin_features(self, panel: Panel, column: int, step: int) -> tuple[np.ndarray, np.ndarray]:
        """Feature rows for origin ``column`` (same for all series) and horizon ``step``."""
        values = panel.values
        window = values[:, max(0, column - self.n_lags + 1) : column + 1]
        # Series not started by this origin have an all-NaN window; their scale is NaN.
        present = np.isfinite(window)
        count = present.sum(axis=1)
        total = np.where(present, np.abs(window), 0.0).sum(axis=1)
        with np.errstate(invalid="ignore", divide="ignore"):
            scale = total / count
        scale = np.where(scale > 0, scale, np.nan)
        current = values[:, column]
        columns = [np.full(panel.n_series, float(step))]
        for lag in range(1, self.n_lags + 1):
            past = values[:, column - lag] if column - lag >= 0 else np.full(panel.n_series, np.nan)
            columns.append((current - past) / scale)
        columns.append(np.minimum(column - panel.first_column + 1, 50).astype(float))
        for name in self.exog_names_:
            columns.append(panel.exog[name][:, column])
        return np.column_stack(columns), scale

    def _fit_panel(self, panel: Panel) -> "GlobalGradientBoosting":
        # Parameters were checked against _parameter_constraints by fit (or by AutoForecaster).
        horizon = int(self.max_horizon)
        self.quantile_levels_ = check_levels(self.quantile_levels)
        self._remember_panel(panel)
        self.exog_names_ = sorted(panel.exog)
        self.feature_names_ = (
            ["horizon"] + [f"change_from_lag{lag}" for lag in range(1, self.n_lags + 1)] + ["history_length"] + self.exog_names_
        )
        X_parts, y_parts = [], []
        for column in range(panel.width - 1):
            for step in range(1, min(horizon, panel.width - 1 - column) + 1):
                X, scale = self._origin_features(panel, column, step)
                target = (panel.values[:, column + step] - panel.values[:, column]) / scale
                usable = np.isfinite(target)
                X_parts.append(X[usable])
                y_parts.append(target[usable])
        X = np.concatenate(X_parts) if X_parts else np.empty((0, len(self.feature_names_)))
        y = np.concatenate(y_parts) if y_parts else np.empty(0)
        self.last_panel_ = panel
        self.n_training_rows_ = len(y)
        if len(y) < MIN_TRAINING_ROWS:
            return self._fit_fallback(panel, len(y))
        self.fallback_ = None
        self.fallbacks_ = pd.DataFrame(columns=FALLBACK_COLUMNS)
        # A lag longer than every training history is missing in every row: it is left out,
        # since a column without a value cannot be binned.
        self.feature_mask_ = ~np.isnan(X).all(axis=0)
        X = X[:, self.feature_mask_]
        rng = np.random.default_rng(self.random_state)
        if len(y) > self.max_samples:
            keep = np.sort(rng.choice(len(y), size=int(self.max_samples), replace=False))
            X, y = X[keep], y[keep]
        categorical = np.array([name in panel.categorical for name in self.feature_names_])[self.feature_mask_]
        self.estimators_ = {"mean": self._regressor("squared_error", None, categorical).fit(X, y)}
        for level in self.quantile_levels_:
            for side, q in (("lo", 0.5 - level / 200), ("hi", 0.5 + level / 200)):
                self.estimators_[(level, side)] = self._regressor("quantile", q, categorical).fit(X, y)
        return self

    def _fit_fallback(self, panel: Panel, n_rows: int) -> "GlobalGradientBoosting":
        """Too little history to learn from: every series goes down the fallback chain."""
        self.estimators_ = {}
        self.fallback_ = fallback_models()[0]._fit_panel(panel)
        chosen = {row: self.fallback_._label() for row in range(panel.n_series)}
        for rows, member in self.fallback_.members_:
            for row in rows:
                chosen[row] = member._label()
        reason = (f"{n_rows} training change(s) across all series, fewer than {MIN_TRAINING_ROWS}: "
                  "the series are too short to learn changes from")
        self.fallbacks_ = pd.DataFrame.from_records(
            [(panel.ids[row], self.name, chosen[row], reason) for row in range(panel.n_series)],
            columns=FALLBACK_COLUMNS)
        return self

    def _regressor(self, loss: str, quantile: float | None, categorical: np.ndarray) -> HistGradientBoostingRegressor:
        return HistGradientBoostingRegressor(
            loss=loss,
            quantile=quantile,
            max_iter=self.max_iter,
            learning_rate=self.learning_rate,
            max_leaf_nodes=self.max_leaf_nodes,
            min_samples_leaf=self.min_samples_leaf,
            categorical_features=categorical if categorical.any() else None,
            early_stopping=False,
            random_state=self.random_state,
        )

    def _origin_design(self, h: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        if h > self.max_horizon:
            raise ValueError(f"h={h} exceeds max_horizon={self.max_horizon} the model was trained for")
        panel = self.last_panel_
        last = panel.width - 1
        blocks = [self._origin_features(panel, last, step) for step in range(1, h + 1)]
        X = np.concatenate([b[0] for b in blocks])[:, self.feature_mask_]  # step-major: all series for step 1, then 2 ...
        scale = np.nan_to_num(blocks[0][1], nan=0.0)
        return X, scale, panel.values[:, last]

    def _to_levels(self, predicted: np.ndarray, h: int, scale: np.ndarray, current: np.ndarray) -> np.ndarray:
        change = predicted.reshape(h, -1).T
        return current[:, None] + change * scale[:, None]

    def _forecast(self, h: int) -> tuple[np.ndarray, None]:
        if self.fallback_ is not None:
            return self.fallback_._forecast(h)[0], None
        X, scale, current = self._origin_design(h)
        return self._to_levels(self.estimators_["mean"].predict(X), h, scale, current), None

    def _predict_arrays(self, h: int, levels: list[float]):
        missing = [lv for lv in levels if lv not in self.quantile_levels_]
        if missing:
            raise ValueError(
                f"level {missing[0]:g} was not trained; GlobalGradientBoosting(quantile_levels=...) "
                f"has {', '.join(f'{lv:g}' for lv in self.quantile_levels_)}"
            )
        if self.fallback_ is not None:
            return self.fallback_._predict_arrays(h, levels)
        X, scale, current = self._origin_design(h)
        mean = self._to_levels(self.estimators_["mean"].predict(X), h, scale, current)
        bounds = {}
        lo_prev, hi_prev = mean, mean
        # Widest intervals last, each at least as wide as the previous, so levels nest.
        for level in sorted(levels):
            lo = self._to_levels(self.estimators_[(level, "lo")].predict(X), h, scale, current)
            hi = self._to_levels(self.estimators_[(level, "hi")].predict(X), h, scale, current)
            lo_prev, hi_prev = np.minimum(lo, lo_prev), np.maximum(hi, hi_prev)
            bounds[level] = (lo_prev, hi_prev)
        return mean, bounds
