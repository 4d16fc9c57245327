import numpy as np
import pandas as pd
import pytest

from models import AutoForecaster, Naive, Theta


def random_walks(n_series=300, length=25, seed=0, drift=0.5):
    rng = np.random.default_rng(seed)
    y = 200 + np.cumsum(rng.normal(drift, 3.0, (n_series, length)), axis=1)
    return pd.DataFrame(
        {
            "unique_id": np.repeat([f"r{i:04d}" for i in range(n_series)], length),
            "ds": np.tile(np.arange(1995, 1995 + length), n_series),
            "y": y.ravel(),
        }
    )


def test_forecast_frame_shape_order_years_and_columns():
    df = random_walks(20)
    fc = AutoForecaster().fit(df).predict(5, level=[80, 95])
    assert fc.columns.tolist() == ["unique_id", "ds", "yhat", "yhat_lo_80", "yhat_hi_80", "yhat_lo_95", "yhat_hi_95"]
    assert len(fc) == 20 * 5
    assert fc["unique_id"].is_monotonic_increasing
    assert fc.groupby("unique_id")["ds"].apply(list).map(lambda d: d == [2020, 2021, 2022, 2023, 2024]).all()
    assert (fc["yhat_lo_95"] <= fc["yhat_lo_80"]).all() and (fc["yhat_lo_80"] <= fc["yhat"]).all()
    assert (fc["yhat"] <= fc["yhat_hi_80"]).all() and (fc["yhat_hi_80"] <= fc["yhat_hi_95"]).all()


def test_linear_and_constant_series_are_forecast_exactly_with_zero_width_intervals():
    years = np.arange(2000, 2015)
    df = pd.DataFrame(
        {"unique_id": np.repeat(["line", "flat"], len(years)), "ds": np.tile(years, 2), "y": np.r_[10 + 3.0 * np.arange(15), np.full(15, 4.0)]}
    )
    fc = AutoForecaster().fit(df).predict(3, level=[80])
    np.testing.assert_allclose(fc["yhat"], [4.0, 4.0, 4.0, 55.0, 58.0, 61.0], atol=1e-9)
    np.testing.assert_allclose(fc["yhat_hi_80"] - fc["yhat_lo_80"], 0.0, atol=1e-9)


def test_same_inputs_give_identical_outputs():
    df = random_walks(50)
    a = AutoForecaster().fit(df).predict(4, level=[80])
    b = AutoForecaster().fit(df.sample(frac=1.0, random_state=3)).predict(4, level=[80])
    pd.testing.assert_frame_equal(a, b)


@pytest.mark.parametrize("selection", ["combine", "series", "global"])
def test_conformal_80_percent_intervals_cover_about_80_percent_out_of_sample(selection):
    df = random_walks(600, length=30, seed=1)
    train, test = df[df["ds"] < 2020], df[df["ds"] >= 2020]
    fc = AutoForecaster(selection=selection).fit(train).predict(5, level=[80])
    merged = fc.merge(test, on=["unique_id", "ds"])
    covered = ((merged["yhat_lo_80"] <= merged["y"]) & (merged["y"] <= merged["yhat_hi_80"])).mean()
    assert 0.72 <= covered <= 0.88


def test_selection_and_weights_are_exposed():
    df = random_walks(30)
    model = AutoForecaster(selection="series").fit(df)
    assert model.selected_.columns.tolist() == ["unique_id", "model", "mase", "n_errors"]
    assert set(model.selected_["model"]) <= {"naive", "drift", "theta", "log_theta", "log_drift"}
    np.testing.assert_allclose(model.weights_.sum(axis=0), 1.0)
    combined = AutoForecaster().fit(df)
    assert combined.selected_["model"].str.contains(r"\+").any()
    assert model.scores_["mase"].is_monotonic_increasing


def test_awkward_series_never_crash_and_are_recorded():
    df = pd.DataFrame(
        {
            "unique_id": ["single"] + ["pair"] * 2 + ["zeros"] * 6 + ["early"] * 5 + ["spike"] * 8,
            "ds": [2020] + [2019, 2020] + list(range(2015, 2021)) + list(range(2001, 2006)) + list(range(2013, 2021)),
            "y": [3.0] + [1.0, 1e9] + [0.0] * 6 + [1.0, 2.0, 3.0, 4.0, 5.0] + [1, 1, 1, 1e12, 1, 1, 1, 1],
        }
    )
    model = AutoForecaster().fit(df)
    fc = model.predict(3, level=[80, 95])
    assert np.isfinite(fc.drop(columns=["unique_id", "ds"]).to_numpy()).all()
    recorded = set(model.fallbacks_["unique_id"])
    assert {"single", "pair", "early"} <= recorded
    assert (fc.loc[fc["unique_id"] == "zeros", ["yhat", "yhat_lo_95", "yhat_hi_95"]].to_numpy() == 0).all()
    # A series that ended years before the others still forecasts from its own last year.
    assert fc.loc[fc["unique_id"] == "early", "ds"].tolist() == [2006, 2007, 2008]


def test_horizon_beyond_the_calibrated_one_widens_intervals():
    df = random_walks(100)
    fc = AutoForecaster(h=3).fit(df).predict(6, level=[80])
    width = (fc["yhat_hi_80"] - fc["yhat_lo_80"]).to_numpy().reshape(100, 6)
    assert (np.diff(width, axis=1) >= -1e-12).all()
    assert (width[:, 5] > width[:, 2]).all()


def test_candidates_by_name_or_instance_and_bad_arguments():
    df = random_walks(10)
    fc = AutoForecaster(models=["naive", Theta(theta=3.0)]).fit(df).predict(2)
    assert len(fc) == 20
    with pytest.raises(ValueError, match="unknown model 'prophet'"):
        AutoForecaster(models=["prophet"]).fit(df)
    with pytest.raises(ValueError, match="listed twice"):
        AutoForecaster(models=["naive", Naive()]).fit(df)
    with pytest.raises(ValueError, match="selection must be one of"):
        AutoForecaster(selection="best").fit(df)
    with pytest.raises(ValueError, match="n_windows must be an integer"):
        AutoForecaster(n_windows=0).fit(df)
    with pytest.raises(ValueError, match="trim must be a number >= 1"):
        AutoForecaster(trim=0.5).fit(df)


def test_parallel_backtest_gives_the_same_answer():
    df = random_walks(40)
    serial = AutoForecaster().fit(df).predict(3, level=[80])
    parallel = AutoForecaster(n_jobs=2, backend="threading").fit(df).predict(3, level=[80])
    pd.testing.assert_frame_equal(serial, parallel)


def test_exogenous_columns_and_integer_ids_are_accepted():
    df = random_walks(10)
    df["unique_id"] = df["unique_id"].str[1:].astype(int)
    df["population"] = np.linspace(1, 2, len(df))
    fc = AutoForecaster().fit(df).predict(2)
    assert fc["unique_id"].tolist()[:2] == [0, 0]


def _mixed_panel():
    return pd.concat([
        pd.DataFrame({"unique_id": "early", "ds": range(1990, 2008), "y": np.arange(18.0) + 5}),
        pd.DataFrame({"unique_id": "full", "ds": range(2000, 2020), "y": np.sqrt(np.arange(20.0)) + 3}),
        pd.DataFrame({"unique_id": "short", "ds": range(2017, 2020), "y": [1.0, 2.0, 3.0]}),
    ], ignore_index=True)


def test_fallback_reasons_tell_a_series_that_ended_early_from_a_short_one():
    reasons = AutoForecaster().fit(_mixed_panel()).fallbacks_.set_index("unique_id")["reason"]
    assert reasons["early"].startswith("no back-test window (the series ends in 2007, before the "
                                       "back-test years 2013-2019 shared by all series)")
    assert reasons["short"].startswith("no back-test window (series too short)")
    assert "full" not in reasons


@pytest.mark.parametrize("unscored, message", [
    (["a"], r"unscored must hold \(unique_id, ds\) pairs; got 'a'"),
    ([("a",)], r"pairs; got \('a',\)"),
    ([("a", "x")], r"unscored pair \('a', 'x'\): ds must be a year"),
    ([("a", 2012.5)], r"ds must be a year"),
])
def test_malformed_unscored_pairs_are_refused_naming_the_pair(unscored, message):
    df = pd.DataFrame({"unique_id": "a", "ds": range(2000, 2015), "y": np.arange(15.0) + 1})
    with pytest.raises(ValueError, match=message):
        AutoForecaster(unscored=unscored).fit(df)


def test_unscored_dates_count_as_their_year():
    df = pd.DataFrame({"unique_id": "a", "ds": range(2000, 2015), "y": np.arange(15.0) ** 1.5 + 1})
    by_date = AutoForecaster(unscored=[("a", pd.Timestamp("2012-12-31"))]).fit(df)
    by_year = AutoForecaster(unscored=[("a", 2012)]).fit(df)
    np.testing.assert_array_equal(by_date.backtest_errors_, by_year.backtest_errors_)
    assert np.isnan(by_year.backtest_errors_).sum() > np.isnan(AutoForecaster().fit(df).backtest_errors_).sum()


def test_fallback_reason_names_a_constant_series():
    df = pd.concat([_mixed_panel(), pd.DataFrame({"unique_id": "flat", "ds": range(2000, 2020), "y": 0.0})])
    reasons = AutoForecaster().fit(df).fallbacks_.set_index("unique_id")["reason"]
    assert reasons["flat"].startswith("no scored back-test error (the series is constant")
