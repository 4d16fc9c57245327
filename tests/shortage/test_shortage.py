"""The shortage forecast: balance identities, quantiles, small cells, tiers, errors."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from forecast import InputError, load_truth
from forecast.shortage import (DRIVERS, QUANTILES, TIERS, Assumptions, build_series_panel,
                               observed_balance, borrow_for_small_cells, calibration_origins,
                               classify_tiers)


def test_one_row_per_cell_with_drivers_quantiles_and_tier(sample_forecast):
    table = sample_forecast.table
    assert len(table) == 20 * 21 * 3
    assert not table.duplicated(["region", "sector", "skill"]).any()
    assert set(DRIVERS) <= set(table.columns)
    assert set(table["tier"]) <= set(TIERS)
    assert table["year"].eq(2026).all() and sample_forecast.origin == 2024


def test_balance_identities(sample_forecast):
    table = sample_forecast.table
    openings = table[["expansion", "retirements", "deaths", "emigration", "unfilled"]].sum(axis=1)
    seekers = table[["graduates", "immigration", "internal_migration", "unemployed"]].sum(axis=1)
    assert np.allclose(openings, table["openings"])
    assert np.allclose(seekers, table["seekers"])
    assert np.allclose(table["openings"] - table["seekers"], table["shortage"])
    assert (table[["retirements", "deaths", "emigration", "unfilled", "graduates", "immigration",
                   "unemployed", "demand"]] >= 0).all().all()


def test_quantiles_are_ordered(sample_forecast):
    columns = [f"shortage_p{round(q * 100):02d}" for q in QUANTILES]
    values = sample_forecast.table[columns].to_numpy()
    assert np.all(np.diff(values, axis=1) >= -1e-9)
    assert (values[:, 0] < values[:, -1]).all()


def test_national_components_are_close_to_the_truth(sample_forecast):
    truth = load_truth()
    truth = truth[truth["year"] == 2026].sum(numeric_only=True)
    table = sample_forecast.table.sum(numeric_only=True)
    for component in ("retirements", "deaths", "emigration", "graduates", "unemployed"):
        assert table[component] == pytest.approx(truth[component], rel=0.35), component


def test_small_cells_take_their_parents_rates():
    table = pd.DataFrame({"region": ["A", "B", "C"], "sector": ["U"] * 3, "skill": ["high"] * 3,
                          "demand": [100.0, 900.0, 1000.0]})
    for i, column in enumerate([*DRIVERS, "openings", "seekers", "shortage"]):
        table[column] = [50.0, 10.0 + i, 40.0]
    table["shortage_p10"] = table["shortage"] - 5
    out = borrow_for_small_cells(table, min_cell_size=300)
    assert out["small_cell"].tolist() == [True, False, False]
    shortage_at_b = 10.0 + len(DRIVERS) + 2  # the value given to column "shortage" for row B
    assert out.loc[0, "shortage"] == pytest.approx(100 * (50 + shortage_at_b + 40) / 2000)
    assert out.loc[0, "shortage_p10"] == pytest.approx(out.loc[0, "shortage"] - 5)
    assert out.loc[1:, "shortage"].tolist() == table.loc[1:, "shortage"].tolist()


def test_small_cells_are_flagged_in_the_forecast(sample_forecast):
    table = sample_forecast.table
    assert table["small_cell"].any()
    assert (table.loc[table["small_cell"], "demand"] < Assumptions().min_cell_size).all()


def test_tiers_from_shortage_per_worker():
    tiers = classify_tiers(pd.Series([40.0, 15.0, 0.0, -20.0, 5.0]),
                           pd.Series([1000.0, 1000.0, 1000.0, 1000.0, 0.0]), Assumptions())
    assert tiers.tolist() == ["severe shortage", "shortage", "balance", "surplus", "balance"]


def test_calibration_origins():
    assert calibration_origins(2000, 2024, 3, 4) == [2021, 2020, 2019, 2018]
    assert calibration_origins(2015, 2024, 3, 4) == []  # 2015 + 8 - 1 = 2022 > 2021
    assert calibration_origins(2010, 2024, 5, 6) == [2019, 2018, 2017]


def test_observed_balance_uses_the_observed_change(sample):
    panel = build_series_panel(sample)
    balance = observed_balance(panel, 2020, Assumptions())
    demand = panel.series[panel.series["unique_id"] == "demand|KZ-75|G|high"].set_index("ds")["y"]
    row = balance[(balance["region"] == "KZ-75") & (balance["sector"] == "G") & (balance["skill"] == "high")]
    assert row["expansion"].iloc[0] == pytest.approx(demand[2020] - demand[2019])


@pytest.mark.parametrize("year", [2024, 2030])
def test_year_outside_the_horizon_is_refused(sample, year):
    from forecast import forecast_shortage

    with pytest.raises(InputError, match="expected a year from 2025 to 2029"):
        forecast_shortage(sample, year)


def test_impossible_assumptions_are_refused():
    with pytest.raises(InputError, match="retirement_exit"):
        Assumptions(retirement_exit=-0.1)
    with pytest.raises(InputError, match="add up to 1"):
        Assumptions(applicant_skill_mix=(0.5, 0.5, 0.5))


def test_forecast_is_deterministic(sample, sample_forecast):
    from forecast import forecast_shortage

    again = forecast_shortage(sample, 2026)
    pd.testing.assert_frame_equal(again.table, sample_forecast.table)


def test_backtest_scores_a_forecast_from_before_a_boundary_change_on_its_own_units(sample):
    from forecast.shortage.backtest import backtest_shortage

    truth = load_truth()
    rows = backtest_shortage(sample, truth, [2017], [1], n_windows=1)
    # Data to 2017 know neither Shymkent (2018) nor the 2022 regions: 16 units, and the whole
    # country's true shortage is scored on them, none of it lost or counted twice.
    assert rows["region"].nunique() == 16 and "KZ-79" not in set(rows["region"])
    national = truth.loc[truth["year"] == 2018, "shortage"].sum()
    assert rows["truth"].notna().all()
    assert rows["truth"].sum() == pytest.approx(national, rel=1e-9)


def test_observed_balance_made_from_the_panel_equals_the_balance_of_its_inputs(sample):
    from forecast.shortage import balance, observed_balance
    from forecast.shortage.definitions import Assumptions

    panel = build_series_panel(sample)
    values = panel.series.set_index(["unique_id", "ds"])["y"]
    ids = values.index.get_level_values(0)
    demand = values[ids.str.startswith("demand|")]
    flows = values[~ids.str.match(r"^(demand|total)\|")]
    for year in (2006, 2024):
        now = demand.xs(year, level="ds")
        previous = demand.xs(year - 1, level="ds").reindex(now.index)
        direct = balance(panel.tables, year - 1, year, now, previous, flows.xs(year, level="ds"),
                         Assumptions())
        pd.testing.assert_frame_equal(observed_balance(panel, year, Assumptions()), direct,
                                      check_exact=True)


def test_observed_balances_by_year_are_the_observed_balance_computed_once(sample):
    from forecast.shortage.balance import ObservedBalances

    panel = build_series_panel(sample)
    observed = ObservedBalances(panel, Assumptions())
    first = observed(2019)
    assert observed(2019) is first
    pd.testing.assert_frame_equal(first, observed_balance(panel, 2019, Assumptions()), check_exact=True)


def test_forecasts_sharing_a_memo_reuse_windows_and_equal_the_forecast_alone(sample):
    from forecast.shortage import forecast_shortage
    from models import ForecastMemo

    panel = build_series_panel(sample)
    memo = ForecastMemo()
    forecast_shortage(sample, 2026, panel=panel, demand_model="univariate", memo=memo)
    made = memo.misses
    shared = forecast_shortage(sample, 2027, panel=panel, demand_model="univariate", memo=memo)
    # The same origin and calibration origins a year earlier: most windows were made already.
    assert memo.hits > made and memo.misses - made < made / 2
    alone = forecast_shortage(sample, 2027, panel=panel, demand_model="univariate")
    pd.testing.assert_frame_equal(shared.table, alone.table, check_exact=True)
