"""Back-test window forecasts kept for the next back-test that fits the same model on the same data.

A forecast made at several origins one year apart back-tests its candidates at overlapping
windows: the origins 2018-2021 each refit every candidate on the data up to 2011-2020, and most
of those fits are the same fit of the same model on the same numbers. :class:`ForecastMemo`
keeps each window's forecast under a digest of the model's parameters and of its training data,
so the second request reuses the first answer, which is the same array it would have computed.
"""

from __future__ import annotations

import hashlib
import pickle
import threading

import numpy as np

from .panel import Panel


class ForecastMemo:
    """Window forecasts by model and training data, shared by the back-tests handed it.

    Pass one memo to every :class:`~models.AutoForecaster` of a job (``memo=``) whose
    back-test windows may coincide. A window is reused only when the model's class and every
    parameter, the training panel (ids, years, values, exogenous columns), the horizon and the
    interval levels are all equal; a model with an unset ``random_state`` is never reused,
    since it would not give the same forecast twice.

    The memo lives as long as the object: it is meant for one job, not as a lasting cache.
    Copies and clones of an estimator holding it share it (copying returns the memo itself),
    and a memo sent to another process arrives empty, so processes never exchange forecasts.

    Attributes
    ----------
    hits, misses : int
        Windows reused and windows computed.
    """

    def __init__(self):
        self._forecasts: dict[tuple, tuple] = {}
        self._scales: dict[str, tuple] = {}
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    def __repr__(self) -> str:
        # Fixed, so that an estimator holding a memo has the same key whatever it holds.
        return "ForecastMemo()"

    def __copy__(self) -> "ForecastMemo":
        return self

    def __deepcopy__(self, memo: dict) -> "ForecastMemo":
        return self

    def __reduce__(self):
        return (ForecastMemo, ())

    def __len__(self) -> int:
        return len(self._forecasts)

    def key(self, model, train: Panel, h: int, levels: list[float], *,
            digest: str | None = None) -> tuple | None:
        """The key of ``model``'s forecast from ``train``; None when it must not be reused.
        ``digest``: :func:`data_digest` of ``train``, when the caller has it already."""
        params = _model_key(model)
        if params is None:
            return None
        return (params, digest or data_digest(train), int(h), tuple(float(level) for level in levels))

    def get(self, key: tuple | None):
        """The forecast kept under ``key`` (``mean, bounds``), or None."""
        if key is None:
            return None
        with self._lock:
            found = self._forecasts.get(key)
            if found is None:
                self.misses += 1
            else:
                self.hits += 1
        return found

    def put(self, key: tuple | None, forecast: tuple) -> None:
        """Keep ``forecast`` (``mean, bounds``) under ``key``; its arrays become read-only,
        because every later reader receives the same arrays."""
        if key is not None:
            mean, bounds = forecast
            _freeze(mean, *(array for pair in bounds.values() for array in pair))
            with self._lock:
                self._forecasts.setdefault(key, forecast)

    def scales(self, train: Panel, compute, *, digest: str | None = None):
        """``compute(train)``, once per training panel: the scales do not depend on the model."""
        digest = digest or data_digest(train)
        with self._lock:
            found = self._scales.get(digest)
        if found is None:
            found = compute(train)
            _freeze(*found)
            with self._lock:
                self._scales.setdefault(digest, found)
        return found


def data_digest(panel: Panel) -> str:
    """A digest of everything a model sees of ``panel``: ids, years, values and exogenous columns."""
    digest = hashlib.blake2b(digest_size=20)
    digest.update("\x1f".join(map(str, panel.ids)).encode())
    for array in (panel.last_ds, panel.lengths, panel.values):
        digest.update(str(array.shape).encode())
        digest.update(np.ascontiguousarray(array).tobytes())
    for name in sorted(panel.exog):
        digest.update(name.encode())
        digest.update(np.ascontiguousarray(panel.exog[name]).tobytes())
    digest.update(repr(panel.categorical).encode())
    return digest.hexdigest()


def _freeze(*arrays: np.ndarray) -> None:
    for array in arrays:
        if isinstance(array, np.ndarray):
            array.setflags(write=False)


def _model_key(model) -> tuple | None:
    if not hasattr(model, "get_params"):
        return None
    params = model.get_params(deep=True)
    if any(name.endswith("random_state") and value is None for name, value in params.items()):
        return None
    # Nested estimators are named by class: their parameters are in ``params`` already.
    described = tuple(sorted((name, _value_key(value)) for name, value in params.items()))
    return (f"{type(model).__module__}.{type(model).__qualname__}", described)


def _value_key(value) -> str:
    if isinstance(value, ForecastMemo) or value is None or isinstance(value, (bool, int, float, str)):
        return repr(value)
    if hasattr(value, "get_params"):
        return f"{type(value).__module__}.{type(value).__qualname__}"
    if isinstance(value, (list, tuple)):
        return f"{type(value).__name__}({', '.join(_value_key(item) for item in value)})"
    # Anything else (a set of targets, an index) by its pickled bytes: a long repr is shortened
    # with "...", and two different values must never share a key.
    return f"{type(value).__qualname__}:{hashlib.blake2b(pickle.dumps(value), digest_size=20).hexdigest()}"
