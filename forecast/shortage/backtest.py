"""Scoring shortage forecasts against a known truth, by origin and horizon.

On the embedded sample the true balance of every region x sector x skill and year is known
(:func:`forecast.load_truth`). :func:`backtest_shortage` forecasts from past origins with the data
as they stood then and lines the forecasts up with the truth and with two naive rules: "the
shortage stays as it truly was in the origin year" and "it stays as observed ex post in the origin
year" (the version a user without the truth could apply). A forecast from before a boundary
change is on the units of its time, so the truth is summed onto them
(:func:`forecast.inputs.harmonize.onto_regions`) before scoring. :func:`score_shortage_backtest`
summarises: mean absolute error, its reduction against the naive rules, interval coverage.

Where there is no truth, :func:`demand_backtest` re-forecasts the observed cell demand from past
origins (what ``labor-forecast backtest`` and the report's accuracy section show). Interpolated
demand (the real data's 2015, :attr:`forecast.inputs.loader.Dataset.unscored`) is no observation:
its forecasts are kept, flagged ``scored = False``, and left out of every score.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from forecast.inputs.harmonize import onto_regions
from forecast.inputs.loader import Dataset
from forecast.inputs.real.flags import unscored_ids
from forecast.shortage.balance import observed_balance
from forecast.shortage.definitions import Assumptions
from forecast.shortage.forecast import forecast_shortage
from forecast.shortage.panel import SeriesPanel, build_series_panel
from models import AutoForecaster, ForecastMemo, cross_validation, evaluate

KEYS = ["region", "sector", "skill"]


def backtest_shortage(data: Dataset, truth: pd.DataFrame, origins: list[int], horizons: list[int],
                      assumptions: Assumptions | None = None, n_windows: int = 4,
                      reconciliation: str = "bottom_up") -> pd.DataFrame:
    """Forecasts from each origin for each horizon, next to the truth and the naive rules.

    Returns one row per origin x horizon x cell: ``origin, horizon, region, sector, skill,
    year, small_cell``, the forecast ``shortage`` and its quantiles, ``truth``,
    ``naive_truth`` and ``naive_observed``.
    """
    assumptions = assumptions or Assumptions()
    counts = [c for c in truth.columns if c not in (*KEYS, "year")]
    memo = ForecastMemo()  # the origins' and horizons' forecasts share most back-test windows
    frames = []
    for origin in origins:
        past = data.as_of(origin)
        panel = build_series_panel(past)
        observed = observed_balance(panel, origin, assumptions).set_index(KEYS)["shortage"]
        units = set(panel.tables["employment"]["region"]) - {"KZ"}
        # Forecasts from before a boundary change are on the older units: so is their truth.
        truth_then = onto_regions(truth[truth["year"].between(origin, origin + max(horizons))],
                                  units, counts)
        at_origin = truth_then[truth_then["year"] == origin].set_index(KEYS)["shortage"]
        for horizon in horizons:
            result = forecast_shortage(past, origin + horizon, assumptions=assumptions,
                                       n_windows=n_windows, reconciliation=reconciliation,
                                       panel=panel, memo=memo)
            table = result.table
            quantiles = [c for c in table.columns if c.startswith("shortage_p")]
            frame = table[[*KEYS, "year", "small_cell", "shortage", *quantiles]].copy()
            frame.insert(0, "horizon", horizon)
            frame.insert(0, "origin", origin)
            index = pd.MultiIndex.from_frame(frame[KEYS])
            target = truth_then[truth_then["year"] == origin + horizon].set_index(KEYS)["shortage"]
            frame["truth"] = target.reindex(index).to_numpy()
            frame["naive_truth"] = at_origin.reindex(index).to_numpy()
            frame["naive_observed"] = observed.reindex(index).to_numpy()
            frames.append(frame)
    return pd.concat(frames, ignore_index=True)


def _scores(rows: pd.DataFrame) -> dict:
    error = (rows["shortage"] - rows["truth"]).abs()
    naive_truth = (rows["naive_truth"] - rows["truth"]).abs()
    naive_observed = (rows["naive_observed"] - rows["truth"]).abs()
    inside80 = (rows["shortage_p10"] <= rows["truth"]) & (rows["truth"] <= rows["shortage_p90"])
    inside90 = (rows["shortage_p05"] <= rows["truth"]) & (rows["truth"] <= rows["shortage_p95"])
    return {
        "n": int(len(rows)),
        "mae": float(error.mean()),
        "mae_naive_truth": float(naive_truth.mean()),
        "mae_naive_observed": float(naive_observed.mean()),
        "mae_reduction_vs_naive_truth": float(1 - error.mean() / naive_truth.mean()),
        "mae_reduction_vs_naive_observed": float(1 - error.mean() / naive_observed.mean()),
        "coverage_80": float(inside80.mean()),
        "coverage_90": float(inside90.mean()),
        "bias": float((rows["shortage"] - rows["truth"]).mean()),
    }


def score_shortage_backtest(rows: pd.DataFrame) -> pd.DataFrame:
    """Scores per origin x horizon, per horizon and overall (``origin``/``horizon`` = ``"all"``)."""
    out = [{"origin": o, "horizon": h, **_scores(g)} for (o, h), g in rows.groupby(["origin", "horizon"])]
    out += [{"origin": "all", "horizon": h, **_scores(g)} for h, g in rows.groupby("horizon")]
    out.append({"origin": "all", "horizon": "all", **_scores(rows)})
    large = rows[~rows["small_cell"]]
    out.append({"origin": "all", "horizon": "all (cells above the small-cell size)", **_scores(large)})
    frame = pd.DataFrame(out)
    frame[["origin", "horizon"]] = frame[["origin", "horizon"]].astype(str)
    return frame


@dataclass(frozen=True)
class DemandBacktest:
    """Rolling-origin back-test of the cell demand forecasts.

    Attributes
    ----------
    forecasts : DataFrame
        ``unique_id, ds, cutoff, y, yhat`` and the interval bounds, one row per series, origin and
        year ahead (:func:`models.cross_validation`); when the data flag interpolated values,
        also ``scored``: False where the target ``y`` was interpolated, not observed.
    metrics : DataFrame
        Accuracy by horizon (:func:`models.evaluate`) on the scored rows only: MASE, sMAPE,
        interval coverage, ``n``.
    h : int
        Horizon in years.
    origins : list of int
        The origins (cutoffs) actually used.
    series : int
        Number of series.
    unscored : int
        Forecast rows left out of the scores because their target was interpolated.
    """

    forecasts: pd.DataFrame
    metrics: pd.DataFrame
    h: int
    origins: list[int]
    series: int
    unscored: int = 0


def demand_backtest(panel: SeriesPanel, h: int, n_windows: int,
                    level: tuple[int, ...] = (80, 95)) -> DemandBacktest:
    """Re-forecast cell demand from ``n_windows`` past origins, ``h`` years ahead, and score it.

    Targets whose demand was interpolated (flagged in the data directory's ``status`` column)
    are not scored; ``unscored`` in the result counts them.

    Raises
    ------
    ValueError
        If the series are too short for the origins asked for.
    """
    demand = panel.demand()
    unscored = unscored_ids(panel.tables)
    model = AutoForecaster(h=h, unscored=set(unscored) if len(unscored) else None)
    cv = cross_validation(model, demand, h=h, n_windows=n_windows, level=list(level))
    targets = pd.MultiIndex.from_arrays([cv["unique_id"], cv["ds"].astype("int64")])
    scored = ~targets.isin(unscored) if len(unscored) else np.ones(len(cv), dtype=bool)
    if len(unscored):  # only data that flag interpolated values get the column
        cv["scored"] = scored
    metrics = evaluate(cv[scored].reset_index(drop=True), level=list(level))
    origins = sorted(int(c) for c in cv["cutoff"].unique())
    return DemandBacktest(cv, metrics, h, origins, int(demand["unique_id"].nunique()),
                          int((~scored).sum()))
