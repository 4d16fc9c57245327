"""A small synthetic shortage forecast the quota tests build their proposals on."""

from __future__ import annotations

import numpy as np
import pandas as pd

from forecast.shortage import DRIVERS, QUANTILES, Assumptions, ShortageForecast, classify_tiers


def synthetic_forecast(shortages: np.ndarray, labour_force: float) -> ShortageForecast:
    """Two regions x three sectors x three skills with the given central shortages."""
    index = pd.MultiIndex.from_product([["KZ-75", "KZ-71"], ["F", "O", "Q"], ["high", "low", "medium"]],
                                       names=["region", "sector", "skill"])
    table = index.to_frame(index=False)
    table["year"] = 2025
    table["demand"] = 5000.0
    for driver in DRIVERS:
        table[driver] = 0.0
    table["expansion"] = np.clip(shortages, 0, None)
    table["graduates"] = np.clip(-shortages, 0, None)
    table["openings"], table["seekers"] = table["expansion"], table["graduates"]
    table["shortage"] = shortages
    for q in QUANTILES:
        table[f"shortage_p{round(q * 100):02d}"] = shortages + (q - 0.5) * 400
    table["tier"] = classify_tiers(table["shortage"], table["demand"], Assumptions())
    return ShortageForecast(table, 2024, 2025, labour_force, {}, pd.DataFrame(), Assumptions())
