"""The panel growth model fitted for every origin of one forecast, in threads beside the univariate forecasts.

A shortage forecast needs the panel growth model of :mod:`forecast.shortage.demand_growth` at
its own origin and at each calibration origin. The fits are independent of each other and of the
univariate forecasts, and boosting releases the GIL for most of its work (histograms and
splits), so :class:`GrowthFits` starts them in worker threads and the main thread makes the
univariate forecasts meanwhile; when it needs a fit no worker has started, it makes it itself.
Each fit runs on one OpenMP thread, as it does alone, so the results are the same whatever the
number of threads and whoever makes them.

Threads rather than a helper process: on two cores a process's imports (1.4 s) cost as much
as running the fits apart would save.
"""

from __future__ import annotations

from concurrent.futures import Future, ThreadPoolExecutor

import joblib
import numpy as np
import pandas as pd
from threadpoolctl import threadpool_limits

from forecast.shortage.demand_growth import PanelGrowthModel
from forecast.shortage.panel import SeriesPanel


def _growth(design: pd.DataFrame, origin: int, horizon: int, random_state: int) -> pd.Series | None:
    model = PanelGrowthModel(horizon, random_state=random_state).fit(design, origin)
    return None if model.estimator_ is None else model.predict(design)


class GrowthFits:
    """The panel growth model's forecasts from several origins, fitted in background threads.

    Use it as a context manager: the fits start on entry, :meth:`growth` waits for one, and on
    exit the fits not yet started are cancelled.

    Parameters
    ----------
    design : DataFrame
        :func:`~forecast.shortage.demand_growth.growth_design` of the panel.
    origins : sequence of int
        The origins to fit at, each on the targets of its own years only.
    horizon : int
        Years from each origin to the year whose growth is forecast.
    random_state : int, default 0
    n_threads : int, optional
        Worker threads; by default one per fit up to one less than the machine's cores.
    """

    def __init__(self, design: pd.DataFrame, origins, horizon: int, *, random_state: int = 0,
                 n_threads: int | None = None):
        self.design = design
        self.origins = [int(origin) for origin in origins]
        self.horizon = int(horizon)
        self.random_state = random_state
        self.n_threads = n_threads
        self._pool: ThreadPoolExecutor | None = None
        self._futures: dict[int, Future] = {}

    def __enter__(self) -> "GrowthFits":
        if not self.origins:  # a univariate forecast: nothing to fit
            return self
        # One core stays with the main thread's univariate forecasts: a second boosting thread on
        # two cores took more CPU time and no less wall time.
        threads = self.n_threads or min(len(self.origins), max(joblib.cpu_count() - 1, 1))
        # OpenMP's thread count is a process-wide setting that each fit sets to one and puts
        # back: held at one for the whole forecast, two fits at once cannot undo each other's.
        self._limits = threadpool_limits(limits=1, user_api="openmp")
        self._pool = ThreadPoolExecutor(max_workers=max(int(threads), 1),
                                        thread_name_prefix="panel-growth")
        for origin in self.origins:
            self._futures[origin] = self._pool.submit(_growth, self.design, origin, self.horizon,
                                                      self.random_state)
        return self

    def __exit__(self, *exc) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None
            self._limits.restore_original_limits()

    def growth(self, origin: int) -> pd.Series | None:
        """Log growth per cell id in year ``origin + horizon``; None when the panel up to
        ``origin`` is too short to train the model. A fit's error is raised here.

        The caller does not wait idle: it makes the fit itself when no worker has started it,
        and while a worker is on it, it makes the fits still waiting for a worker (the last
        first), so that once the caller has nothing else to do, both cores fit.
        """
        origin = int(origin)
        future = self._futures[origin]
        if not self._fit_here(origin):
            for other in reversed(self.origins):
                if future.done():
                    break
                self._fit_here(other)
        return self._futures[origin].result()

    def _fit_here(self, origin: int) -> bool:
        """Make ``origin``'s fit on this thread if no worker has started it; whether it did."""
        if not self._futures[origin].cancel():
            return False
        done: Future = Future()
        try:
            done.set_result(_growth(self.design, origin, self.horizon, self.random_state))
        except Exception as error:  # kept, as a worker's would be, and raised by growth()
            done.set_exception(error)
        self._futures[origin] = done
        return True


def panel_expansion(growth: pd.Series | None, panel: SeriesPanel, origin: int, year: int,
                    now: pd.Series, previous: pd.Series) -> pd.Series | None:
    """Expansion of every cell of ``now`` in ``year`` from the panel model's ``growth``.

    A year after the origin the growth applies to the demand observed at the origin; further
    ahead, to the univariate forecast of the year before (``previous``). None without a fit.
    """
    if growth is None:
        return None
    growth = growth.reindex(now.index).fillna(0.0)
    if int(year) - int(origin) == 1:
        demand = panel.demand()
        base = demand[demand["ds"] == origin].set_index("unique_id")["y"]
        base = base.reindex(now.index).fillna(previous)
    else:
        base = previous
    return base.clip(lower=0.0) * np.expm1(growth)
