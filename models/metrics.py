"""Accuracy and interval metrics on back-test frames, per horizon and overall.

Point errors are scaled by each series' in-sample scale at the forecast origin (mean absolute
first difference for MASE, mean squared first difference for RMSSE), so series of any size
weigh the same and the scores read as "times the naive one-step error".
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ._validation import check_levels, level_label
from .panel import Panel


# Columns of a back-test frame that evaluate reads, besides the interval bounds.
EVALUATED_COLUMNS = ("unique_id", "cutoff", "ds", "step", "y", "yhat", "scale_mae", "scale_mse")


def naive_scales(panel: Panel) -> tuple[np.ndarray, np.ndarray]:
    """Mean absolute and mean squared first difference of each series (NaN for one point)."""
    diffs = np.diff(panel.values, axis=1)
    count = (panel.lengths - 1).astype(float)
    with np.errstate(invalid="ignore", divide="ignore"):
        mae = np.nansum(np.abs(diffs), axis=1) / count
        mse = np.nansum(diffs**2, axis=1) / count
    mae[count == 0] = np.nan
    mse[count == 0] = np.nan
    return mae, mse


def robust_scale(panel: Panel) -> np.ndarray:
    """Scale of each series for scale-free errors and intervals: mean absolute first difference.

    Constant or one-point series fall back to 1% of their mean absolute level, so their
    intervals still widen in proportion to their size (and are empty only for all-zero series).
    """
    mae, _ = naive_scales(panel)
    floor = 0.01 * np.nanmean(np.abs(panel.values), axis=1)
    return np.where(mae > 0, mae, floor)


def _safe_ratio(num: np.ndarray, den: np.ndarray) -> np.ndarray:
    with np.errstate(invalid="ignore", divide="ignore"):
        out = num / den
    out[~(den > 0)] = np.nan
    return out


def smape(y: np.ndarray, yhat: np.ndarray) -> np.ndarray:
    """Symmetric absolute percentage error per point, in percent (0 when both are 0)."""
    den = np.abs(y) + np.abs(yhat)
    out = np.zeros(np.broadcast(y, yhat).shape)
    np.divide(200.0 * np.abs(y - yhat), den, out=out, where=den > 0)
    return out


def winkler(y: np.ndarray, lo: np.ndarray, hi: np.ndarray, level: float) -> np.ndarray:
    """Winkler interval score: width plus ``2/alpha`` times the distance outside the interval."""
    alpha = 1 - level / 100.0
    return (hi - lo) + (2 / alpha) * (np.clip(lo - y, 0, None) + np.clip(y - hi, 0, None))


def evaluate(cv: pd.DataFrame, level: list[float] | None = None, by: str | None = None) -> pd.DataFrame:
    """Summarise a back-test frame from :func:`models.cross_validation`.

    Parameters
    ----------
    cv : pandas.DataFrame
        Columns ``unique_id, cutoff, ds, step, y, yhat, scale_mae, scale_mse`` and, for each
        level, ``yhat_lo_<L>, yhat_hi_<L>``.
    level : list of float, optional
        Levels whose coverage and Winkler score to report; defaults to all present.
    by : str, optional
        Extra grouping column (e.g. ``"model"``).

    Returns
    -------
    pandas.DataFrame
        One row per horizon ``step`` plus a row with ``step == "all"``: ``mase``, ``rmsse``,
        ``smape``, ``bias`` (mean of ``(yhat - y) / scale_mae``), ``coverage_<L>`` and
        ``winkler_<L>`` (scaled by ``scale_mae``), and ``n`` (points scored).
    """
    if not isinstance(cv, pd.DataFrame):
        raise TypeError(f"evaluate expects the DataFrame of models.cross_validation; got {type(cv).__name__}")
    missing = [c for c in EVALUATED_COLUMNS if c not in cv.columns]
    if missing:
        raise ValueError(
            f"evaluate needs the frame of models.cross_validation(model, df, h) with columns "
            f"{', '.join(EVALUATED_COLUMNS)}; missing {', '.join(missing)}. A model's "
            f"cross_validation method gives statsforecast's frame, which "
            f"utilsforecast.evaluation.evaluate scores"
        )
    if level is None:
        level = [float(c.removeprefix("yhat_lo_")) for c in cv.columns if c.startswith("yhat_lo_")]
    absent = [level_label(lv) for lv in check_levels(level)
              if not {f"yhat_lo_{level_label(lv)}", f"yhat_hi_{level_label(lv)}"} <= set(cv.columns)]
    if absent:
        raise ValueError(f"evaluate: the frame has no interval at level {', '.join(absent)} (columns "
                         f"yhat_lo_<L>, yhat_hi_<L>); pass level=[{', '.join(absent)}] to models.cross_validation")
    levels = check_levels(level)
    frame = cv.loc[cv["y"].notna()].copy()
    y, yhat = frame["y"].to_numpy(float), frame["yhat"].to_numpy(float)
    error = yhat - y
    frame["_ase"] = _safe_ratio(np.abs(error), frame["scale_mae"].to_numpy(float))
    frame["_sse"] = _safe_ratio(error**2, frame["scale_mse"].to_numpy(float))
    frame["_sape"] = smape(y, yhat)
    frame["_bias"] = _safe_ratio(error, frame["scale_mae"].to_numpy(float))
    for lv in levels:
        lab = level_label(lv)
        lo, hi = frame[f"yhat_lo_{lab}"].to_numpy(float), frame[f"yhat_hi_{lab}"].to_numpy(float)
        frame[f"_cov_{lab}"] = ((lo <= y) & (y <= hi)).astype(float)
        frame[f"_wink_{lab}"] = _safe_ratio(winkler(y, lo, hi, lv), frame["scale_mae"].to_numpy(float))
    keys = [by] if by else []

    def summarise(group: pd.DataFrame, per_step: bool) -> dict:
        out = {
            "mase": group["_ase"].mean(),
            "smape": group["_sape"].mean(),
            "bias": group["_bias"].mean(),
            "n": int(len(group)),
        }
        if per_step:
            out["rmsse"] = np.sqrt(group["_sse"]).mean()
        else:
            # RMSSE is a root of the mean over the horizon of each series and origin.
            per_window = group.groupby(["unique_id", "cutoff"], sort=False)["_sse"].mean()
            out["rmsse"] = np.sqrt(per_window).mean()
        for lv in levels:
            lab = level_label(lv)
            out[f"coverage_{lab}"] = group[f"_cov_{lab}"].mean()
            out[f"winkler_{lab}"] = group[f"_wink_{lab}"].mean()
        return out

    rows = []
    for key, group in frame.groupby(keys + ["step"], sort=True) if keys else frame.groupby("step", sort=True):
        key = key if isinstance(key, tuple) else (key,)
        rows.append(dict(zip(keys + ["step"], key), **summarise(group, True)))
    groups = frame.groupby(keys, sort=True) if keys else [((), frame)]
    for key, group in groups:
        key = key if isinstance(key, tuple) else (key,)
        rows.append(dict(zip(keys, key), step="all", **summarise(group, False)))
    result = pd.DataFrame(rows)
    result["step"] = result["step"].astype(str)
    order = ["mase", "rmsse", "smape", "bias"] + [
        f"{m}_{level_label(lv)}" for lv in levels for m in ("coverage", "winkler")
    ]
    return result[keys + ["step"] + order + ["n"]]
