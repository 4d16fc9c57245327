"""Small synthetic inputs the quota tests build on: a shortage forecast and allocation problems."""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import strategies as st

from forecast.quota.allocation import GroupKind
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


@st.composite
def allocation_problems(draw):
    """Need and weight of 2-12 lines in three regions, region caps and floors, and a national
    ceiling no lower than the floors: ``(need, weight, kinds)`` for ``allocate``."""
    lines = draw(st.integers(2, 12))
    need = np.array(draw(st.lists(st.floats(0, 200), min_size=lines, max_size=lines)))
    weight = np.array(draw(st.lists(st.floats(0.5, 5), min_size=lines, max_size=lines)))
    regions = np.array(draw(st.lists(st.integers(0, 2), min_size=lines, max_size=lines)))
    caps = np.array([draw(st.one_of(st.just(np.inf), st.integers(0, 300).map(float))) for _ in range(3)])
    floors = np.minimum(np.array([draw(st.integers(0, 60)) for _ in range(3)], dtype=float), caps)
    ceiling = float(draw(st.integers(int(floors.sum()), 800)))
    kinds = [GroupKind("region cap", regions, caps, floors),
             GroupKind("national ceiling", np.zeros(lines, dtype=np.int64), np.array([ceiling]),
                       np.zeros(1))]
    return need, weight, kinds
