"""The panel growth fits in background threads: the same forecasts as fitted one by one."""

import numpy as np
import pandas as pd
import pytest

from forecast import build_series_panel
from forecast.shortage.demand_growth import PanelGrowthModel, growth_design
from forecast.shortage.growth_fits import GrowthFits, panel_expansion


@pytest.fixture(scope="module")
def panel(sample):
    return build_series_panel(sample)


@pytest.fixture(scope="module")
def design(panel):
    return growth_design(panel)


@pytest.mark.parametrize("threads", [1, 2])
def test_threaded_fits_equal_the_fits_made_alone(design, threads):
    origins = [2022, 2019]
    with GrowthFits(design, origins, 2, random_state=3, n_threads=threads) as fits:
        grown = {origin: fits.growth(origin) for origin in origins}
    for origin in origins:
        alone = PanelGrowthModel(2, random_state=3).fit(design, origin).predict(design)
        pd.testing.assert_series_equal(grown[origin], alone, check_exact=True)


def test_a_panel_too_short_gives_no_growth(design):
    first = int(design["ds"].min())
    # Three years ahead of the third year there is no target whose growth is known.
    with GrowthFits(design, [first + 3], 3) as fits:
        assert fits.growth(first + 3) is None
    assert panel_expansion(None, None, first + 2, first + 3, pd.Series(dtype=float),
                           pd.Series(dtype=float)) is None


def test_an_error_in_a_fit_is_raised_where_its_growth_is_asked_for(design):
    broken = design.drop(columns=["growth"])
    with GrowthFits(broken, [2020], 1) as fits:
        with pytest.raises(KeyError, match="growth"):
            fits.growth(2020)


def test_expansion_a_year_ahead_grows_the_demand_observed_at_the_origin(panel):
    demand = panel.demand()
    at_origin = demand[demand["ds"] == 2020].set_index("unique_id")["y"].iloc[:3]
    growth = pd.Series([0.1, 0.0, -0.2], index=at_origin.index)
    now = pd.Series(0.0, index=at_origin.index)
    one_year = panel_expansion(growth, panel, 2020, 2021, now, now)
    expected = at_origin.clip(lower=0.0) * np.expm1(growth)
    pd.testing.assert_series_equal(one_year, expected, check_names=False)
    previous = pd.Series([100.0, 50.0, -5.0], index=at_origin.index)
    later = panel_expansion(growth, panel, 2020, 2023, now, previous)
    assert later.iloc[0] == pytest.approx(100.0 * 0.10517091807564763)
    assert later.iloc[1] == 0.0 and later.iloc[2] == 0.0  # negative demand is clipped to zero


def test_the_caller_makes_the_fits_no_worker_has_started_and_they_equal_the_fits_alone(design, monkeypatch):
    import threading

    from forecast.shortage import growth_fits

    made_by = {}
    fit = growth_fits._growth

    def recorded(design, origin, horizon, random_state):
        made_by[origin] = threading.current_thread().name
        return fit(design, origin, horizon, random_state)

    monkeypatch.setattr(growth_fits, "_growth", recorded)
    # One worker and four origins: while the worker makes the first, the caller asking for it
    # makes the last one waiting.
    origins = [2022, 2021, 2020, 2019]
    with GrowthFits(design, origins, 1, random_state=2, n_threads=1) as fits:
        grown = {origin: fits.growth(origin) for origin in origins}
    assert made_by[2022].startswith("panel-growth") and made_by[2019] == "MainThread"
    for origin in origins:
        alone = PanelGrowthModel(1, random_state=2).fit(design, origin).predict(design)
        pd.testing.assert_series_equal(grown[origin], alone, check_exact=True)


def test_an_error_in_a_fit_the_caller_makes_is_raised_there(design):
    broken = design.drop(columns=["growth"])
    with GrowthFits(broken, [2020, 2019, 2018], 1, n_threads=1) as fits:
        for origin in (2018, 2019, 2020):
            with pytest.raises(KeyError, match="growth"):
                fits.growth(origin)


def test_openmp_threads_are_put_back_after_the_fits(design):
    from threadpoolctl import threadpool_info

    before = [pool["num_threads"] for pool in threadpool_info() if pool["user_api"] == "openmp"]
    with GrowthFits(design, [2020], 1) as fits:
        inside = [pool["num_threads"] for pool in threadpool_info() if pool["user_api"] == "openmp"]
        fits.growth(2020)
    after = [pool["num_threads"] for pool in threadpool_info() if pool["user_api"] == "openmp"]
    assert after == before and all(n == 1 for n in inside)
