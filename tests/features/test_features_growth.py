"""Hierarchy growth features: known answers on a tiny panel, and no look-ahead."""

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from features.growth import hierarchy_growth_feature_names, hierarchy_growth_features


def tiny_panel():
    rows = []
    values = {("R1", "A", "high"): [100, 110, 121, 121],
              ("R1", "B", "high"): [50, 50, 55, 66],
              ("R2", "A", "high"): [200, 220, 220, 242]}
    for (region, sector, skill), series in values.items():
        for k, value in enumerate(series):
            rows.append({"region": region, "sector": sector, "skill": skill, "ds": 2000 + k,
                         "y": float(value)})
    return pd.DataFrame(rows)


def test_growth_of_cells_and_aggregates_is_known():
    out = hierarchy_growth_features(tiny_panel()).set_index(["region", "sector", "ds"])
    assert [c for c in out.columns if c != "skill"] == hierarchy_growth_feature_names()
    assert out.loc[("R1", "A", 2001), "growth"] == pytest.approx(np.log(1.1))
    assert np.isnan(out.loc[("R1", "A", 2000), "growth"])
    assert out.loc[("R1", "A", 2002), "growth_lag_1"] == pytest.approx(np.log(1.1))
    # Sector A nationally: 300 -> 330 in 2001, region R1: 150 -> 160.
    assert out.loc[("R2", "A", 2001), "growth_sector"] == pytest.approx(np.log(330 / 300))
    assert out.loc[("R1", "B", 2001), "growth_region"] == pytest.approx(np.log(160 / 150))
    assert out.loc[("R1", "B", 2001), "growth_national"] == pytest.approx(np.log(380 / 350))
    # Growth relative to the sector nationally, and momentum against the cell's own average.
    relative = np.log(121 / 110) - np.log(341 / 330)
    assert out.loc[("R1", "A", 2002), "growth_relative_sector_skill"] == pytest.approx(relative)
    mean3 = np.mean([np.log(1.1), np.log(1.1), 0.0])
    assert out.loc[("R1", "A", 2003), "growth_mean_all"] == pytest.approx(mean3)
    assert out.loc[("R1", "A", 2003), "momentum"] == pytest.approx(0.0 - mean3)


@st.composite
def panels(draw):
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    n_years = draw(st.integers(4, 10))
    cells = [(r, s, k) for r in ("R1", "R2", "R3") for s in ("A", "B") for k in ("high", "low")]
    rows = [{"region": r, "sector": s, "skill": k, "ds": 2000 + t,
             "y": float(rng.integers(1, 1000))} for (r, s, k) in cells for t in range(n_years)]
    return pd.DataFrame(rows), 2000 + draw(st.integers(1, n_years - 1))


@settings(max_examples=25, deadline=None)
@given(panels())
def test_features_at_an_origin_ignore_later_years(case):
    frame, origin = case
    full = hierarchy_growth_features(frame)
    cut = hierarchy_growth_features(frame[frame["ds"] <= origin])
    keys = ["region", "sector", "skill", "ds"]
    left = full[full["ds"] <= origin].set_index(keys).sort_index()
    right = cut.set_index(keys).sort_index()
    pd.testing.assert_frame_equal(left, right)
