import numpy as np
import pandas as pd
import pytest

from models import AutoForecaster, GlobalGradientBoosting, StatsARIMA, StatsETS, StatsTheta, Theta


def small_panel():
    rng = np.random.default_rng(2)
    frames = [
        pd.DataFrame({"unique_id": "trend", "ds": np.arange(2000, 2016), "y": 100 + np.cumsum(rng.normal(2, 1, 16))}),
        pd.DataFrame({"unique_id": "short", "ds": [2014, 2015], "y": [3.0, 4.0]}),
        pd.DataFrame({"unique_id": "zero", "ds": np.arange(2008, 2016), "y": 0.0}),
        pd.DataFrame({"unique_id": "flat", "ds": np.arange(2008, 2016), "y": 9.0}),
    ]
    return pd.concat(frames, ignore_index=True)


@pytest.mark.parametrize("model", [StatsETS(), StatsTheta(), StatsARIMA()])
def test_statsmodels_models_forecast_and_record_fallbacks(model):
    fc = model.fit(small_panel()).predict(3, level=[80, 95])
    assert np.isfinite(fc["yhat"]).all()
    # The two-point series falls back to drift, which has no residual to size an interval by.
    short = fc["unique_id"] == "short"
    assert np.isfinite(fc.loc[~short, ["yhat_lo_95", "yhat_hi_95"]].to_numpy()).all()
    assert fc.loc[short, ["yhat_lo_95", "yhat_hi_95"]].isna().all().all()
    fc = fc[~short]
    reasons = model.fallbacks_.set_index("unique_id")["reason"]
    assert reasons["zero"] == "all zero" and reasons["flat"] == "constant"
    assert reasons["short"].startswith("too short")
    assert "trend" not in reasons.index
    np.testing.assert_allclose(fc.loc[fc["unique_id"] == "flat", "yhat"], 9.0)
    assert (fc["yhat_lo_95"] <= fc["yhat_lo_80"]).all() and (fc["yhat_hi_80"] <= fc["yhat_hi_95"]).all()


def test_statsmodels_theta_agrees_with_the_vectorized_theta_on_its_alpha():
    df = small_panel().query("unique_id == 'trend'")
    reference = StatsTheta().fit(df)
    alpha = reference.fits_[0].alpha
    ours = Theta(smoothing_level=alpha).fit(df).predict(4)
    np.testing.assert_allclose(reference.predict(4)["yhat"], ours["yhat"], atol=1e-8)


def test_parallel_per_series_fit_equals_serial():
    df = small_panel()
    serial = StatsTheta(chunk_size=1).fit(df).predict(2)
    parallel = StatsTheta(n_jobs=2, chunk_size=1).fit(df).predict(2)
    pd.testing.assert_frame_equal(serial, parallel)


def growth_panel(n_series=40, length=18, seed=0):
    rng = np.random.default_rng(seed)
    growth = rng.uniform(0.0, 0.06, n_series)
    years = np.arange(2000, 2000 + length)
    y = 100 * np.exp(np.outer(growth, np.arange(length)) + rng.normal(0, 0.005, (n_series, length)))
    return pd.DataFrame(
        {"unique_id": np.repeat([f"g{i:02d}" for i in range(n_series)], length), "ds": np.tile(years, n_series), "y": y.ravel()}
    ), growth


def test_gradient_model_learns_steady_growth_across_series():
    df, growth = growth_panel()
    model = GlobalGradientBoosting(max_horizon=3, max_iter=150).fit(df)
    fc = model.predict(3, level=[80, 95])
    last = df.groupby("unique_id")["y"].last().to_numpy()
    truth = last[:, None] * np.exp(np.outer(growth, [1, 2, 3]))
    error = np.abs(fc["yhat"].to_numpy().reshape(-1, 3) / truth - 1)
    assert np.median(error) < 0.02
    assert (fc["yhat_lo_95"] <= fc["yhat_lo_80"]).all() and (fc["yhat_lo_80"] <= fc["yhat"]).all()
    assert (fc["yhat"] <= fc["yhat_hi_80"]).all() and (fc["yhat_hi_80"] <= fc["yhat_hi_95"]).all()


def test_gradient_model_uses_caller_features_including_categories():
    df, _ = growth_panel(20, 12)
    features = df[["unique_id", "ds"]].copy()
    features["sector"] = np.where(features["unique_id"].str[1:].astype(int) % 2 == 0, "A", "C")
    features["emigration_rate"] = np.linspace(0, 1, len(features))
    model = GlobalGradientBoosting(max_horizon=2, max_iter=20).fit(df, features=features)
    assert "sector" in model.feature_names_ and "emigration_rate" in model.feature_names_
    first = model.predict(2)
    again = GlobalGradientBoosting(max_horizon=2, max_iter=20).fit(df, features=features).predict(2)
    pd.testing.assert_frame_equal(first, again)


def test_gradient_model_refuses_untrained_levels_and_long_horizons():
    df, _ = growth_panel(10, 10)
    model = GlobalGradientBoosting(max_horizon=2, max_iter=10, quantile_levels=[80]).fit(df)
    with pytest.raises(ValueError, match="level 95 was not trained"):
        model.predict(2, level=[95])
    with pytest.raises(ValueError, match="h=3 exceeds max_horizon=2"):
        model.predict(3)


def test_features_frame_problems_are_named():
    df, _ = growth_panel(5, 6)
    with pytest.raises(ValueError, match="features: missing column 'ds'"):
        GlobalGradientBoosting().fit(df, features=df[["unique_id"]])
    duplicated = pd.concat([df[["unique_id", "ds"]]] * 2).assign(x=1.0)
    with pytest.raises(ValueError, match="features: duplicate"):
        GlobalGradientBoosting().fit(df, features=duplicated)


def test_auto_forecaster_can_include_the_gradient_model():
    df, _ = growth_panel(30, 16)
    model = AutoForecaster(models=["theta", GlobalGradientBoosting(max_iter=30)], h=3, n_windows=2).fit(df)
    fc = model.predict(3, level=[80])
    assert np.isfinite(fc["yhat"]).all()
    assert set(model.candidate_names_) == {"theta", "gbm"}
