"""Conformal calibration of the shortage forecast: which past origins are checked, and the
quantile offsets their errors give.

The forecast of ``year`` made from ``n_windows`` earlier origins is compared with the balance
observed afterwards; each cell's error is scaled by its typical yearly change of demand
(:func:`forecast.shortage.panel.demand_scale`), and :func:`conformal_offsets` turns the scaled
errors into one offset per quantile, added to every cell's central forecast times its scale.

The band is the errors' spread about their median, so the forecast's median is its central
value. The errors' median itself is not added by default: it is a bias estimated on a few
origins whose own median errors differ from year to year by more than it (on the sample,
-1.5 to +0.5 typical changes), and adding it moved the sample's proposal 1.46x with the number
of origins alone (``benchmarks/results/calibration_windows.json``).
"""

from __future__ import annotations

import numpy as np
from scipy import stats

from forecast.shortage.definitions import MIN_HISTORY

# With no origin to back-test, the band is normal with this many typical changes per sd.
FALLBACK_SD = 4.0


def calibration_origins(first_year: int, origin: int, horizon: int, n_windows: int,
                        min_years: int = MIN_HISTORY) -> list[int]:
    """Past origins whose ``horizon``-year-ahead balance can be checked against what was observed:
    the latest ``n_windows`` of them, each with at least ``min_years`` years of data."""
    latest = origin - horizon
    earliest = first_year + min_years - 1
    return [o for o in range(latest, latest - n_windows, -1) if o >= earliest]


def conformal_offsets(errors: list[np.ndarray], quantiles, *,
                      bias_correction: bool = False) -> np.ndarray:
    """Offset of each quantile, in typical changes of demand, from the origins' scaled errors.

    Parameters
    ----------
    errors : list of ndarray
        One array per calibration origin, observed minus forecast over typical change, NaN
        where a cell is not scored.
    quantiles : sequence of float
    bias_correction : bool
        Keep the pooled errors' median in the offsets (the band then centres on the central
        forecast plus its past bias); by default the band is the errors' spread about their
        median, and the 50% offset is zero.

    Returns
    -------
    ndarray
        The empirical quantiles of the errors pooled over origins and cells, less their median
        unless ``bias_correction``; with no finite error, a normal band of
        :data:`FALLBACK_SD` typical changes about zero.
    """
    pooled = np.concatenate(errors) if errors else np.empty(0)
    pooled = pooled[np.isfinite(pooled)]
    if not len(pooled):
        return stats.norm.ppf(quantiles) * FALLBACK_SD
    offsets = np.quantile(pooled, quantiles)
    return offsets if bias_correction else offsets - np.quantile(pooled, 0.5)
