"""Estimation uncertainty of the real-data grid, interpolated values never scored."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from forecast import InputError
from forecast.inputs.real.flags import RowFlags, unscored_ids
from forecast.inputs.real.grid import employment_grid
from forecast.inputs.real.uncertainty import estimation_spread, refit_grids
from forecast.inputs.sample import load_sample
from forecast.quota.backtest import backtest_quota, interpolated_years
from forecast.shortage import QUANTILES
from forecast.shortage.backtest import demand_backtest
from forecast.shortage.forecast import widen_for_estimation
from forecast.shortage.panel import SeriesPanel, build_series_panel

COLUMNS = [f"shortage_p{round(q * 100):02d}" for q in QUANTILES]


def test_every_refit_reproduces_the_published_margins_and_spreads_within_them():
    central = employment_grid()
    refits = refit_grids(n_priors=4)
    keys = ["region", "sector", "year", "skill"]

    def totals(table):  # published region totals: units not split by a back-cast, and the nation
        kept = table[~table["status"].str.contains("backcast")]
        return (kept.groupby(["region", "year"])["employed"].sum(),
                table.groupby("year")["employed"].sum())

    regions, national = totals(central.table)
    for fit in refits:
        worst = fit.fit.groupby("margin")["max_abs_deviation"].max()
        assert worst["region"] == 0 and worst["region x broad sector"] == 0
        assert worst["section (scaled to the regional total)"] <= 10
        assert totals(fit.table)[0].equals(regions) and totals(fit.table)[1].equals(national)
        assert not fit.table.set_index(keys)["employed"].equals(central.table.set_index(keys)["employed"])
    spread = estimation_spread(refits)
    assert len(spread) == len(central.table) and (spread["estimation_cv"] >= 0).all()
    assert spread["estimation_cv"].median() > 0.05
    again = estimation_spread(refit_grids(n_priors=4))  # seeded: reproducible
    assert again.equals(spread)


def _table(cv_cells: int = 2) -> pd.DataFrame:
    offsets = np.array([-30.0, -20.0, -8.0, 1.0, 9.0, 22.0, 35.0])
    rows = []
    for k in range(cv_cells):
        row = {"region": "KZ-11", "sector": "A", "skill": ["high", "low"][k], "shortage": 50.0 * k,
               "openings": 400.0, "seekers": 300.0, "demand": 5000.0}
        row.update({c: row["shortage"] + o for c, o in zip(COLUMNS, offsets)})
        rows.append(row)
    return pd.DataFrame(rows)


def test_cells_with_spread_get_wider_quantiles_the_rest_and_the_median_unchanged():
    table = _table()
    wider = widen_for_estimation(table, np.array([0.2, 0.0]))
    assert wider["shortage"].equals(table["shortage"])
    assert wider["shortage_p50"].equals(table["shortage_p50"])
    pd.testing.assert_frame_equal(wider.iloc[[1]], table.iloc[[1]])
    low, high = wider.iloc[0], table.iloc[0]
    for column, q in zip(COLUMNS, QUANTILES):
        if q < 0.5:
            assert low[column] < high[column]
        elif q > 0.5:
            assert low[column] > high[column]
    # Quadrature: the 5% quantile is sqrt(30^2 + (1.645 x 0.2 x 700)^2) below the centre.
    assert low["shortage"] - low["shortage_p05"] == pytest.approx(np.hypot(30.0, 1.6449 * 140.0), rel=1e-3)
    assert np.all(np.diff(wider[COLUMNS].to_numpy(), axis=1) >= 0)


def _flagged(data, year: int):
    """The sample with every employment row of ``year`` flagged interpolated."""
    employment = data.tables["employment"].copy()
    keys = ("region", "sector", "year", "skill")
    status = np.where(employment["year"] == year, "estimated;interpolated", "estimated")
    employment.attrs["flags"] = RowFlags(keys, employment[list(keys)].assign(status=status))
    return data.replace(employment=employment)


def test_a_flagged_year_is_left_out_of_the_demand_backtest_scores():
    data = _flagged(load_sample(), 2022)
    assert set(data.unscored["employment"]["year"]) == {2022}
    panel = build_series_panel(data)
    ids = sorted(panel.demand()["unique_id"].unique())[:3]
    small = SeriesPanel(panel.tables, panel.series[panel.series["unique_id"].isin(ids)])
    result = demand_backtest(small, h=1, n_windows=4, level=(80,))
    forecasts = result.forecasts
    assert set(forecasts["ds"]) == {2021, 2022, 2023, 2024}
    assert set(forecasts.loc[~forecasts["scored"], "ds"]) == {2022} and result.unscored == 3
    assert int(result.metrics["n"].iloc[-1]) == int(forecasts["scored"].sum()) == 9
    plain = demand_backtest(SeriesPanel(build_series_panel(load_sample()).tables, small.series),
                            h=1, n_windows=4, level=(80,))
    assert "scored" not in plain.forecasts.columns and plain.unscored == 0
    assert int(plain.metrics["n"].iloc[-1]) == len(plain.forecasts) == 12
    assert len(unscored_ids(small.tables)) == int((data.tables["employment"]["year"] == 2022).sum())


def test_the_quota_backtest_skips_quota_years_resting_on_interpolated_values():
    data = _flagged(load_sample(), 2015)
    assert interpolated_years(data) == {2015}
    # 2015 and 2016 (whose expansion is 2016 less 2015) are no observed need: nothing to score.
    with pytest.raises(InputError, match="interpolated"):
        backtest_quota(data, None, [2014, 2015], horizon=1)


def test_the_model_selection_does_not_score_unscored_targets():
    from models import AutoForecaster

    years = np.arange(2010, 2022)
    df = pd.DataFrame({"unique_id": np.repeat(["a", "b"], len(years)), "ds": np.tile(years, 2),
                       "y": np.r_[100 + 3.0 * np.arange(12), 50 + np.sin(np.arange(12))]})
    plain = AutoForecaster(h=1, n_windows=3).fit(df)
    masked = AutoForecaster(h=1, n_windows=3, unscored={("a", 2021), ("a", 2019)}).fit(df)
    counts = dict(zip(masked.selected_["unique_id"], masked.selected_["n_errors"]))
    assert dict(zip(plain.selected_["unique_id"], plain.selected_["n_errors"])) == {"a": 3, "b": 3}
    assert counts == {"a": 1, "b": 3}
    assert np.isnan(masked.backtest_errors_[0, [0, 2], 0]).all()
    with pytest.raises(ValueError, match="unscored"):
        AutoForecaster(h=1, unscored="a").fit(df)
