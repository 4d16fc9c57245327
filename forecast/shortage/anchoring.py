"""The forecast balance mixed with the balance last observed, in the share the back-test chooses.

Shortages persist: a cell short of workers this year is often short the next, because what
makes it short (an ageing workforce, a training gap, a boom) moves slowly, while the year-to-year
change of demand the flow forecast must get right is mostly noise. The balance observed in the
last data year (the need a planner would carry forward) is then a strong forecast of its own, and
a mix of the two is often better than either, as forecast combinations are.

How much of each is chosen on the data, never fixed: at every calibration origin of
:func:`~forecast.shortage.forecast.forecast_shortage` there are the forecast balance of its
target year, the balance observed at that origin and the balance observed in the target year.
:func:`anchor_weight` picks the forecast's share ``w`` from :data:`WEIGHTS` that minimises the
absolute error of the positive part of the shortage (the part that becomes need), summed over
cells and origins; ties go to the larger share of the forecast. :func:`mix_with_observed` then
mixes every driver, the openings, the seekers and the shortage with the same ``w``, so the
drivers still add up to the shortage and each line's reason still adds up. A cell not observed
at the origin keeps its forecast.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from forecast.shortage.definitions import DRIVERS

KEYS = ["region", "sector", "skill"]
MIXED_COLUMNS = (*DRIVERS, "openings", "seekers", "shortage")
# Shares of the forecast tried on the back-test, largest first: ties go to the forecast.
WEIGHTS = (1.0, 0.75, 0.5, 0.25, 0.0)


def aligned_observed(table: pd.DataFrame, observed: pd.DataFrame) -> pd.DataFrame:
    """The observed balance ``observed`` on the cells (and in the row order) of ``table``;
    missing values where a cell was not observed."""
    columns = [c for c in MIXED_COLUMNS if c in observed]
    index = pd.MultiIndex.from_frame(table[KEYS])
    return observed.set_index(KEYS)[columns].reindex(index).reset_index(drop=True)


def mix_with_observed(table: pd.DataFrame, observed: pd.DataFrame, weight: float) -> pd.DataFrame:
    """``table`` with each of :data:`MIXED_COLUMNS` replaced by ``weight`` x its forecast plus
    ``1 - weight`` x the aligned observed value (``observed`` from :func:`aligned_observed`)."""
    if weight >= 1.0:
        return table
    table = table.copy()
    for column in MIXED_COLUMNS:
        if column not in table or column not in observed:
            continue
        seen = observed[column].to_numpy(dtype=float)
        forecast = table[column].to_numpy(dtype=float)
        table[column] = np.where(np.isfinite(seen), weight * forecast + (1 - weight) * seen, forecast)
    return table


def anchor_weight(predicted: list[np.ndarray], anchors: list[np.ndarray],
                  observed: list[np.ndarray]) -> float:
    """The forecast's share that minimises the back-test's error of the positive shortage.

    Each list holds one array per calibration origin, over the same cells: the forecast
    shortage of the target year, the shortage observed at the origin and the shortage observed
    in the target year. Cells missing in any of the three are left out.
    """
    if not predicted:
        return 1.0
    pred, anchor, obs = (np.concatenate(parts).astype(float) for parts in (predicted, anchors, observed))
    usable = np.isfinite(pred) & np.isfinite(anchor) & np.isfinite(obs)
    if not usable.any():
        return 1.0
    pred, anchor, truth = pred[usable], anchor[usable], np.clip(obs[usable], 0.0, None)
    errors = [float(np.abs(np.clip(w * pred + (1 - w) * anchor, 0.0, None) - truth).sum())
              for w in WEIGHTS]
    return float(WEIGHTS[int(np.argmin(errors))])
