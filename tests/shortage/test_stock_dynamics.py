"""The stock identity: known answers, the censored rows, acceptance, leakage and the balance."""

import dataclasses

import numpy as np
import pandas as pd
import pytest

from benchmarks.worlds import WORLDS
from forecast.inputs.loader import load_data
from forecast.shortage import Assumptions, build_series_panel, observed_balance
from forecast.shortage.balance import SEEKERS
from forecast.shortage.stock_dynamics import (MIN_CELL_YEARS, MIN_R_SQUARED, StockDynamics,
                                              StockDynamicsByOrigin, fit_stock_identity)
from forecast.shortage.unfilled import unfilled_stock


def cell_years(n=400, seed=0):
    rng = np.random.default_rng(seed)
    return (rng.uniform(50, 500, n), rng.uniform(100, 900, n), rng.uniform(50, 600, n),
            rng.uniform(1e3, 1e5, n))


def test_an_exact_stock_gives_back_its_keep_share_and_supply_scale():
    before, openings, seekers, demand = cell_years()
    vacancies = 0.6 * before + openings - 1.3 * seekers
    kept = vacancies > 0
    fit = fit_stock_identity(vacancies[kept], before[kept], openings[kept], seekers[kept],
                             demand[kept])
    assert fit.keep_share == pytest.approx(0.6)
    assert fit.supply_scale == pytest.approx(1.3)
    assert fit.r_squared == pytest.approx(1.0)
    assert fit.cell_years == int(kept.sum())
    assert fit.accepted


def test_cell_years_at_a_zero_stock_are_left_out():
    # Where the stock is zero, supply exceeded openings by an amount nobody observed: rows
    # without vacancies in either year would pull the fit; they are not fitted.
    before, openings, seekers, demand = cell_years()
    vacancies = np.clip(0.6 * before + openings - 1.3 * seekers, 0, None)
    before = np.where(np.arange(len(before)) % 7 == 0, 0.0, before)
    fit = fit_stock_identity(vacancies, before, openings, seekers, demand)
    assert fit.keep_share == pytest.approx(0.6)
    assert fit.supply_scale == pytest.approx(1.3)
    assert fit.cell_years == int(((vacancies > 0) & (before > 0)).sum())


def test_vacancies_posted_as_a_flow_are_not_taken_for_a_stock():
    # Vacancies are half of this year's shortage, and openings and seekers persist from year to
    # year: last year's vacancies are 0.5 (O - S), so V - O = -0.5 O - 0.5 S = k 0.5 (O - S) - s S
    # holds with k = -1 and s = 1. A stock cannot keep a negative share.
    _, openings, seekers, demand = cell_years()
    seekers = 0.5 * seekers
    vacancies = 0.5 * (openings - seekers)
    fit = fit_stock_identity(vacancies, vacancies, openings, seekers, demand)
    assert fit.keep_share == pytest.approx(-1.0)
    assert fit.supply_scale == pytest.approx(1.0)
    assert not fit.accepted


def test_an_identity_that_explains_little_is_not_accepted():
    # Vacancies that keep half of last year's but move mostly with something else: the fitted
    # shares are in range, the fit explains less than the limit.
    before, openings, seekers, demand = cell_years(2000)
    noise = np.random.default_rng(1).normal(0, 300, len(before))
    vacancies = 0.5 * before + openings - seekers + noise
    fit = fit_stock_identity(vacancies, before, openings, seekers, demand)
    assert 0 <= fit.keep_share <= 1 and fit.supply_scale > 0
    assert fit.r_squared < MIN_R_SQUARED
    assert not fit.accepted


def test_too_few_cell_years_are_not_fitted():
    before, openings, seekers, demand = cell_years(MIN_CELL_YEARS - 1)
    fit = fit_stock_identity(0.5 * before + openings, before, openings, seekers, demand)
    assert fit.cell_years == MIN_CELL_YEARS - 1
    assert not fit.accepted and np.isnan(fit.keep_share)
    assert fit.as_dict()["keep_share"] is None


def test_the_balance_scales_the_seekers_and_keeps_the_stock_only_when_accepted(sample):
    panel = build_series_panel(sample)
    assumptions = Assumptions()
    plain = observed_balance(panel, 2020, assumptions)
    dynamics = StockDynamics(keep_share=0.5, supply_scale=2.0, r_squared=1.0, cell_years=100,
                             accepted=True)
    scaled = observed_balance(panel, 2020, assumptions, dynamics)
    np.testing.assert_allclose(scaled[SEEKERS].to_numpy(), 2.0 * plain[SEEKERS].to_numpy())
    np.testing.assert_allclose(scaled["seekers"], 2.0 * plain["seekers"])
    carried = unfilled_stock(panel.tables, 2019, 2020, plain, assumptions.frictional_quantile, 0.5)
    np.testing.assert_allclose(scaled["unfilled"], carried)
    np.testing.assert_allclose(scaled["shortage"], scaled["openings"] - scaled["seekers"])
    rejected = observed_balance(panel, 2020, assumptions, dataclasses.replace(dynamics, accepted=False))
    pd.testing.assert_frame_equal(rejected, plain)


def test_the_fit_at_an_origin_sees_only_the_years_up_to_it(sample):
    # As the calibration origins do: the run's tables (on one set of boundaries) cut at the origin.
    panel = build_series_panel(sample)
    cut = {name: frame[frame["year"] <= 2018] for name, frame in panel.tables.items()}
    full = StockDynamicsByOrigin(panel, Assumptions())(2018)
    assert full == StockDynamicsByOrigin(build_series_panel(cut), Assumptions())(2018)
    assert full != StockDynamicsByOrigin(panel, Assumptions())(2019)


def test_the_sample_vacancies_are_not_a_stock_and_a_run_without_them_has_no_fit(sample):
    # The sample posts a frictional share of demand and half of an unfilled stock that halves
    # each year: the identity explains little of it, so the assumed rates stay.
    fit = StockDynamicsByOrigin(build_series_panel(sample), Assumptions())(sample.last_year)
    assert not fit.accepted and fit.r_squared < MIN_R_SQUARED
    off = StockDynamicsByOrigin(build_series_panel(sample), Assumptions(carry_unfilled=False))
    assert off(sample.last_year) is None
    tables = {name: frame for name, frame in sample.tables.items() if name != "vacancies"}
    assert StockDynamicsByOrigin(build_series_panel(tables), Assumptions())(sample.last_year) is None


@pytest.mark.parametrize("world, accepted", [("stock", True), ("flow", False)])
def test_a_world_of_accumulating_vacancies_is_recognised(tmp_path, world, accepted):
    # The stock world keeps 0.7 of its stock and finds 1.5 x the seekers of its own rates
    # (about 1.4 x the library's); the flow world posts vacancies in proportion to the shortage.
    WORLDS[world](tmp_path, seed=20250101, last_year=2024, first_year=2010)
    fit = StockDynamicsByOrigin(build_series_panel(load_data(tmp_path)), Assumptions())(2024)
    assert fit.accepted is accepted
    if accepted:
        assert fit.keep_share == pytest.approx(0.7, abs=0.03)
        assert 1.25 < fit.supply_scale < 1.5


def test_the_fit_does_not_depend_on_the_number_of_blas_threads():
    from threadpoolctl import threadpool_limits

    before, openings, seekers, demand = cell_years(20000, seed=3)
    vacancies = 0.6 * before + openings - 1.3 * seekers + np.random.default_rng(4).normal(0, 50, 20000)
    fits = []
    for threads in (1, 2):
        with threadpool_limits(limits=threads):
            fits.append(fit_stock_identity(vacancies, before, openings, seekers, demand))
    assert fits[0] == fits[1]


def test_current_conditions_observe_each_year_with_the_identity_fitted_on_its_data(tmp_path):
    from forecast.shortage.conditions import current_conditions

    WORLDS["stock"](tmp_path, seed=20250101, last_year=2024, first_year=2010)
    panel = build_series_panel(load_data(tmp_path))
    conditions = current_conditions(panel).set_index(["region", "sector", "skill", "year"])
    for year in (2016, 2024):
        fit = StockDynamicsByOrigin(panel, Assumptions())(year)
        assert fit.accepted
        seen = observed_balance(panel, year, Assumptions(), fit)
        per_worker = (seen["shortage"] / seen["demand"].where(seen["demand"] > 0)).to_numpy()
        index = pd.MultiIndex.from_frame(seen[["region", "sector", "skill", "year"]])
        np.testing.assert_allclose(conditions.loc[index, "balance_per_worker"].to_numpy(), per_worker)
        without = observed_balance(panel, year, Assumptions())
        assert not np.allclose(without["shortage"].to_numpy(), seen["shortage"].to_numpy())
