"""The unfilled demand carried into the forecast year: hand-computed rates and stock."""

import numpy as np
import pandas as pd
import pytest

from forecast.shortage.unfilled import unfilled_rates, unfilled_stock


def tables(vacancies_by_year):
    years = sorted(vacancies_by_year)
    employment = pd.DataFrame({"region": "KZ-75", "sector": "F", "skill": "high", "year": years,
                               "employed": 1000.0})
    vacancies = employment.drop(columns="employed").assign(
        vacancies=[vacancies_by_year[y] for y in years])
    return {"employment": employment, "vacancies": vacancies}


def test_rates_and_stock_on_a_hand_computed_cell():
    # Demand 1010, 1010, 1030, 1050: rates 1/101, 1/101, 3/103, 5/105; the lowest quantile is
    # the frictional rate 1/101, so excess vacancies are 0, 0, 30 - 1030/101, 50 - 1050/101.
    data = tables({2018: 10.0, 2019: 10.0, 2020: 30.0, 2021: 50.0})
    frictional, closure = unfilled_rates(data, 2021, quantile=0.0)
    assert frictional.iloc[0] == pytest.approx(10 / 1010)
    e2020, e2021 = 30 - 1030 / 101, 50 - 1050 / 101
    kept = (e2020 * e2021) / (e2020 ** 2)  # pairs (0, 0), (0, e2020), (e2020, e2021)
    assert closure == pytest.approx(max(0.0, 1 - kept))
    cells = pd.DataFrame({"region": ["KZ-75"], "sector": ["F"], "skill": ["high"]})
    stock = unfilled_stock(data, 2021, 2022, cells, quantile=0.0)
    assert stock[0] == pytest.approx(e2021 * (1 - closure))


def test_excess_that_is_always_closed_carries_nothing():
    # Vacancies jump and fall back the next year: all of the excess is closed.
    data = tables({2016: 10.0, 2017: 40.0, 2018: 10.0, 2019: 40.0, 2020: 10.0})
    _, closure = unfilled_rates(data, 2020, quantile=0.0)
    assert closure == pytest.approx(1.0)


def test_no_vacancies_table_means_no_stock():
    data = tables({2020: 10.0})
    del data["vacancies"]
    assert unfilled_rates(data, 2020, 0.25) is None
    cells = pd.DataFrame({"region": ["KZ-75"], "sector": ["F"], "skill": ["high"]})
    assert np.all(unfilled_stock(data, 2020, 2021, cells, 0.25) == 0)


def test_a_fitted_stock_identity_carries_all_vacancies_at_its_keep_share():
    # Where the vacancies follow the stock identity they are the stock: all 50 are carried,
    # 0.7 of them a year on and 0.7 ** 2 two years on, with no frictional rate taken off.
    data = tables({2018: 10.0, 2019: 10.0, 2020: 30.0, 2021: 50.0})
    cells = pd.DataFrame({"region": ["KZ-75"], "sector": ["F"], "skill": ["high"]})
    assert unfilled_stock(data, 2021, 2022, cells, 0.0, keep_share=0.7)[0] == pytest.approx(35.0)
    assert unfilled_stock(data, 2021, 2023, cells, 0.0, keep_share=0.7)[0] == pytest.approx(24.5)
