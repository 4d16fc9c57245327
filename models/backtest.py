"""Rolling-origin back-tests: refit at each origin on data up to it, forecast, compare."""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd
from joblib import Parallel, delayed
from sklearn.base import clone

from ._validation import (
    ID_COL,
    TIME_COL,
    check_horizon,
    check_levels,
    check_positive_int,
    level_label,
    to_years,
    validate_params,
)
from .memo import ForecastMemo, data_digest
from .constraints import is_whole_number
from .metrics import naive_scales, robust_scale
from .panel import Panel


@dataclass
class WindowResult:
    """Forecasts from one origin for the series observed by then (``rows`` index the full panel)."""

    index: int
    cutoff: int
    rows: np.ndarray
    mean: np.ndarray
    bounds: dict
    actual: np.ndarray
    scale_mae: np.ndarray
    scale_mse: np.ndarray
    scale: np.ndarray
    train_lengths: np.ndarray


def rolling_cutoffs(panel: Panel, h: int, n_windows: int, step: int = 1) -> list[int]:
    """Origins ``last - h - step * j`` (oldest first) so each window has ``h`` observed years."""
    last = int(panel.last_ds.max())
    return [last - h - step * j for j in reversed(range(n_windows))]


def _window_forecast(model, train: Panel, h: int, levels: list[float]) -> tuple:
    fitted = clone(model)._fit_panel(train)
    return fitted._predict_arrays(h, levels)


def _scales(train: Panel) -> tuple:
    return (*naive_scales(train), robust_scale(train))


def backtest_panel(
    model,
    panel: Panel,
    cutoffs: list[int],
    h: int,
    levels: list[float] | None = None,
    n_jobs: int | None = 1,
    backend: str | None = None,
    memo: ForecastMemo | None = None,
) -> list[WindowResult]:
    """Fit a fresh clone of ``model`` at every origin, in parallel over origins with joblib.

    With a ``memo``, a window whose model and training data it has seen reuses that forecast,
    and the forecasts computed here are kept in it.
    """
    levels = levels or []
    windows = []
    for index, cutoff in enumerate(cutoffs):
        train, rows = panel.truncate(cutoff)
        if train.n_series:
            windows.append((index, cutoff, train, rows))
    # Each training panel is digested once, for its forecast's key and for its scales.
    digests = [data_digest(train) if memo is not None else None for _, _, train, _ in windows]
    keys = [memo.key(model, train, h, levels, digest=digest) if memo is not None else None
            for (_, _, train, _), digest in zip(windows, digests)]
    forecasts = [memo.get(key) if memo is not None else None for key in keys]
    missing = [k for k, found in enumerate(forecasts) if found is None]
    computed = Parallel(n_jobs=n_jobs, backend=backend)(
        delayed(_window_forecast)(model, windows[k][2], h, levels) for k in missing)
    for k, forecast in zip(missing, computed):
        forecasts[k] = forecast
        if memo is not None:
            memo.put(keys[k], forecast)
    results = []
    for (index, cutoff, train, rows), (mean, bounds), digest in zip(windows, forecasts, digests):
        scale_mae, scale_mse, scale = (memo.scales(train, _scales, digest=digest) if memo is not None
                                       else _scales(train))
        results.append(WindowResult(index, cutoff, rows, mean, bounds, panel.actuals_after(rows, cutoff, h),
                                    scale_mae, scale_mse, scale, train.lengths))
    return results


def windows_to_frame(panel: Panel, windows: list[WindowResult]) -> pd.DataFrame:
    """Long back-test frame: one row per series, origin and step with an observed actual."""
    frames = []
    for w in windows:
        n, h = w.mean.shape
        data = {
            ID_COL: np.repeat(panel.ids[w.rows], h),
            "cutoff": np.full(n * h, w.cutoff),
            TIME_COL: np.repeat(w.cutoff, n * h) + np.tile(np.arange(1, h + 1), n),
            "step": np.tile(np.arange(1, h + 1), n),
            "y": w.actual.ravel(),
            "yhat": w.mean.ravel(),
        }
        for level, (lo, hi) in w.bounds.items():
            data[f"yhat_lo_{level_label(level)}"] = lo.ravel()
            data[f"yhat_hi_{level_label(level)}"] = hi.ravel()
        data["scale_mae"] = np.repeat(w.scale_mae, h)
        data["scale_mse"] = np.repeat(w.scale_mse, h)
        frames.append(pd.DataFrame(data))
    if not frames:
        raise ValueError("no back-test origin has any series with data up to it; use later cutoffs")
    out = pd.concat(frames, ignore_index=True)
    return out.loc[out["y"].notna()].reset_index(drop=True)


def _checked_cutoffs(cutoffs, panel: Panel) -> list[int]:
    """Explicit origins as int years: whole, distinct, with data up to them and a year after."""
    years = []
    for cutoff in cutoffs:
        if not is_whole_number(cutoff):
            raise ValueError(f"cutoffs must be years (of the same kind as ds); got {cutoff!r}")
        years.append(int(cutoff))
    if not years:
        raise ValueError("cutoffs must list at least one year")
    repeated = sorted({year for year in years if years.count(year) > 1})
    if repeated:
        raise ValueError(f"cutoff {repeated[0]} is listed more than once")
    first, last = int((panel.last_ds - panel.lengths + 1).min()), int(panel.last_ds.max())
    early = [year for year in years if year < first]
    if early:
        raise ValueError(f"cutoff {min(early)}: no back-test origin has data up to it; the panel starts in {first}")
    late = [year for year in years if year >= last]
    if late:
        raise ValueError(f"cutoff {max(late)} leaves no year to score: the panel ends in {last}")
    return years


def cross_validation(
    model,
    df: pd.DataFrame,
    h: int,
    n_windows: int = 3,
    step_size: int = 1,
    cutoffs: list[int] | None = None,
    level: list[float] | None = None,
    n_jobs: int | None = 1,
    backend: str | None = None,
    *,
    step: int | None = None,
) -> pd.DataFrame:
    """Rolling-origin cross-validation of any model in this package.

    At each origin (a calendar year shared by all series, so related series, such as a total
    and its parts, never see a year another series is scored on) a fresh clone of the model is
    fitted on data up to the origin and forecasts ``h`` years.

    Parameters
    ----------
    model : estimator
        Unfitted model from this package, e.g. ``AutoForecaster()``.
    df : pandas.DataFrame
        Long panel ``unique_id, ds, y``; ``ds`` as integer years, annual dates or annual
        periods (dates on one day of every year, e.g. 31 December).
    h : int
        Horizon of every window.
    n_windows, step_size : int
        Number of origins and years between them, ending ``h`` years before the last year;
        ignored when ``cutoffs`` is given. Every origin must have data up to it.
    cutoffs : list, optional
        Explicit origins (last year of training data), of the same kind as ``ds``.
    level : list of float, optional
        Interval levels to produce.
    n_jobs, backend : optional
        joblib parallelism over origins.
    step : int, optional
        Former name of ``step_size``; deprecated.

    Returns
    -------
    pandas.DataFrame
        ``unique_id, cutoff, ds, step, y, yhat`` (+ interval columns) and the naive scales
        ``scale_mae, scale_mse`` used by :func:`models.evaluate`; only points with an
        observed actual. ``cutoff`` and ``ds`` are of the kind of the input ``ds``. The
        frame is the one :func:`models.evaluate` scores; a model's ``cross_validation``
        method gives statsforecast's frame instead.

    Raises
    ------
    ValueError
        On a bad panel, or an origin before the first year of every series (too many windows).
    """
    if step is not None:
        warnings.warn("cross_validation's 'step' is now 'step_size'; 'step' will be removed",
                      FutureWarning, stacklevel=2)
        step_size = step
    validate_params(model)
    h = check_horizon(h)
    levels = check_levels(level)
    frame, calendar = to_years(df)
    panel = Panel.from_frame(frame)
    if cutoffs is None:
        n_windows = check_positive_int("n_windows", n_windows)
        step_size = check_positive_int("step_size", step_size)
        cutoffs = rolling_cutoffs(panel, h, n_windows, step_size)
        first = int((panel.last_ds - panel.lengths + 1).min())
        if cutoffs[0] < first:
            fit = (int(panel.last_ds.max()) - h - first) // step_size + 1
            if fit < 1:
                raise ValueError(f"h={h} leaves no year to train on: the panel covers "
                                 f"{first}-{int(panel.last_ds.max())}; use a shorter horizon")
            raise ValueError(
                f"n_windows={n_windows} with h={h} and step_size={step_size} puts the first origin in "
                f"{cutoffs[0]}, before the panel's first year {first}; at most {max(fit, 0)} window(s) fit"
            )
    else:
        if calendar.kind != "year":
            origins = pd.DataFrame({ID_COL: "cutoffs", TIME_COL: list(cutoffs)})
            cutoffs = to_years(origins, calendar=calendar, name="cutoffs")[0][TIME_COL]
        cutoffs = _checked_cutoffs(cutoffs, panel)
    cutoffs = sorted(int(c) for c in cutoffs)
    windows = backtest_panel(model, panel, cutoffs, h, levels, n_jobs=n_jobs, backend=backend)
    out = windows_to_frame(panel, windows)
    if calendar.kind != "year":
        out[TIME_COL] = calendar.to_ds(out[TIME_COL])
        out["cutoff"] = calendar.to_ds(out["cutoff"])
    out.attrs["model"] = type(model).__name__
    return out
