"""Shared fit/predict plumbing: validation, fallback chain for unusable series, intervals."""

from __future__ import annotations

from abc import abstractmethod

import numpy as np
import pandas as pd
from scipy import stats
from sklearn.base import BaseEstimator

from .api import ForecasterMixin
from .panel import Panel
from .registry import model_class

FALLBACK_COLUMNS = ["unique_id", "model", "fallback", "reason"]
# Where a series cannot be fitted, it is handed down this chain of registered models. Named
# rather than imported: the baselines are built on this module, not the other way round.
FALLBACK_CHAIN = ("drift", "naive")


def fallback_models() -> list["VectorizedForecaster"]:
    """Fresh instances of the fallback chain (:data:`FALLBACK_CHAIN`), in order."""
    return [model_class(name)() for name in FALLBACK_CHAIN]


def normal_bounds(
    mean: np.ndarray, std: np.ndarray, levels: list[float]
) -> dict[float, tuple[np.ndarray, np.ndarray]]:
    """Symmetric Gaussian intervals ``mean +/- z * std`` for each level (percent)."""
    bounds = {}
    for level in levels:
        z = stats.norm.ppf(0.5 + level / 200.0)
        bounds[level] = (mean - z * std, mean + z * std)
    return bounds


class BaseForecaster(ForecasterMixin, BaseEstimator):
    """Base of every model: ``fit(df)`` on a long panel, ``predict(h, level)`` to a long frame.

    ``fit``, ``predict`` and ``cross_validation`` come from :class:`~models.api.ForecasterMixin`
    (annual ``ds`` of any kind, exogenous columns, parameter checks). Subclasses implement ``_fit_panel(panel)`` and ``_forecast(h)``; the latter returns the
    point forecasts and, where the model has them, model-based standard deviations, both
    ``(n_series, h)`` arrays in the order of ``ids_``.
    """

    def _predict_arrays(self, h: int, levels: list[float]):
        mean, std = self._forecast(h)
        if levels and std is None:
            raise ValueError(f"{type(self).__name__} has no prediction intervals; wrap it in AutoForecaster")
        bounds = normal_bounds(mean, std, levels) if levels else {}
        return mean, bounds

    def _remember_panel(self, panel: Panel) -> None:
        self.ids_ = panel.ids
        self.last_ds_ = panel.last_ds
        self.n_series_ = panel.n_series


class VectorizedForecaster(BaseForecaster):
    """A model fitted for all series at once on the right-aligned matrix.

    Series shorter than the model's minimum length, or whose fit is not finite, are handed
    down the fallback chain (damped trend -> drift -> naive); each hand-over is recorded in
    ``fallbacks_``.
    """

    #: Fewest observations the model needs.
    min_length = 1

    def _fit_panel(self, panel: Panel) -> "VectorizedForecaster":
        self._remember_panel(panel)
        n = panel.n_series
        owner = np.full(n, -1)
        members: list[tuple[np.ndarray, object]] = []
        records: list[tuple] = []
        pending = np.arange(n)
        reasons = {}
        for rank, model in enumerate(self._fit_chain()):
            if len(pending) == 0:
                break
            long_enough = panel.lengths[pending] >= model.min_length
            for row in pending[~long_enough]:
                reasons.setdefault(row, f"too short ({panel.lengths[row]} < {model.min_length} points)")
            rows = pending[long_enough]
            if len(rows) == 0:
                continue
            sub = panel.subset(rows)
            usable = model._fit_arrays(sub)
            if not usable.all():
                for row, why in zip(rows[~usable], model._unusable_reasons(sub, usable)):
                    reasons.setdefault(row, why)
                model = model._fit_arrays_subset(sub, usable)
                rows = rows[usable]
            owner[rows] = rank
            members.append((rows, model))
            if rank > 0:
                for row in rows:
                    records.append((panel.ids[row], self._label(), model._label(), reasons[row]))
            pending = np.setdiff1d(pending, rows)
        self.members_ = members
        self.fallbacks_ = pd.DataFrame.from_records(records, columns=FALLBACK_COLUMNS)
        return self

    def _fit_chain(self) -> list["VectorizedForecaster"]:
        chain = [self._fresh()]
        for fallback in fallback_models():
            if type(fallback) is not type(self):
                chain.append(fallback)
        return chain

    def _fresh(self) -> "VectorizedForecaster":
        return type(self)(**self.get_params(deep=False))

    def _unusable_reasons(self, panel: Panel, usable: np.ndarray) -> list[str]:
        """Why each row that ``_fit_arrays`` marked unusable could not be fitted."""
        return ["fit not finite"] * int(np.count_nonzero(~usable))

    def _fit_arrays_subset(self, panel: Panel, usable: np.ndarray) -> "VectorizedForecaster":
        model = self._fresh()
        model._fit_arrays(panel.subset(usable))
        return model

    def _label(self) -> str:
        return getattr(self, "name", type(self).__name__)

    def _forecast(self, h: int) -> tuple[np.ndarray, np.ndarray]:
        mean = np.empty((self.n_series_, h))
        std = np.empty((self.n_series_, h))
        for rows, model in self.members_:
            m, s = model._forecast_arrays(h)
            mean[rows], std[rows] = m, s
        return mean, std

    @abstractmethod
    def _fit_arrays(self, panel: Panel) -> np.ndarray:
        """Fit on every row of ``panel``; return a mask of rows with a usable (finite) fit."""

    @abstractmethod
    def _forecast_arrays(self, h: int) -> tuple[np.ndarray, np.ndarray]:
        """Point forecasts and model-based standard deviations for the rows last fitted."""
