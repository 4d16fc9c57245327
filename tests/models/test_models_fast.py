import warnings

import numpy as np
import pandas as pd
import pytest

from models import DampedTrend, Drift, HistoricMean, LogTransformed, Naive, Theta
from models.panel import Panel


def random_panel(n_series=6, seed=0, lengths=(4, 9, 15, 22)):
    rng = np.random.default_rng(seed)
    frames = []
    for i in range(n_series):
        n = lengths[i % len(lengths)]
        y = 100 + np.cumsum(rng.normal(1.0, 3.0, n))
        frames.append(pd.DataFrame({"unique_id": f"s{i}", "ds": np.arange(2000, 2000 + n) + i, "y": y}))
    return pd.concat(frames, ignore_index=True)


def linear_panel():
    years = np.arange(2000, 2012)
    return pd.DataFrame(
        {"unique_id": np.repeat(["up", "down"], len(years)), "ds": np.tile(years, 2), "y": np.r_[3.0 + 2.0 * np.arange(12), 50.0 - 0.5 * np.arange(12)]}
    )


def constant_panel():
    return pd.DataFrame({"unique_id": ["c"] * 8 + ["z"] * 8, "ds": list(range(2010, 2018)) * 2, "y": [7.0] * 8 + [0.0] * 8})


@pytest.mark.parametrize("model", [Naive(), Drift(), HistoricMean(), Theta(), DampedTrend(),
                                   LogTransformed("theta"), LogTransformed("drift")])
def test_constant_series_forecast_their_constant(model):
    fc = model.fit(constant_panel()).predict(4, level=[80, 95])
    expected = np.repeat([7.0, 0.0], 4)
    np.testing.assert_allclose(fc["yhat"], expected, atol=1e-9)
    for col in ["yhat_lo_80", "yhat_hi_80", "yhat_lo_95", "yhat_hi_95"]:
        np.testing.assert_allclose(fc[col], expected, atol=1e-9)


def test_drift_extends_a_line_exactly_and_naive_repeats_the_last_value():
    df = linear_panel()
    drift = Drift().fit(df).predict(3)
    np.testing.assert_allclose(drift["yhat"], [44.0, 43.5, 43.0, 27.0, 29.0, 31.0])
    naive = Naive().fit(df).predict(2)
    np.testing.assert_allclose(naive["yhat"], [44.5, 44.5, 25.0, 25.0])
    assert naive["ds"].tolist() == [2012, 2013, 2012, 2013]
    assert naive["unique_id"].tolist() == ["down", "down", "up", "up"]


def test_theta_on_a_line_with_full_smoothing_adds_half_the_slope():
    # alpha = 1: SES equals the last value; the Theta trend term is b0/2 * h.
    fc = Theta(smoothing_level=1.0).fit(linear_panel()).predict(3)
    np.testing.assert_allclose(fc["yhat"], [44.5 - 0.25, 44.5 - 0.5, 44.5 - 0.75, 25 + 1, 25 + 2, 25 + 3])


def test_historic_mean_and_its_interval_width():
    df = pd.DataFrame({"unique_id": ["a"] * 4, "ds": [1, 2, 3, 4], "y": [1.0, 2.0, 3.0, 6.0]})
    fc = HistoricMean().fit(df).predict(2, level=[95])
    np.testing.assert_allclose(fc["yhat"], [3.0, 3.0])
    sd = np.std([1, 2, 3, 6], ddof=1) * np.sqrt(1 + 1 / 4)
    np.testing.assert_allclose(fc["yhat_hi_95"] - fc["yhat"], 1.959963984540054 * sd)


def test_damped_trend_matches_statsmodels_ets_on_the_same_parameters():
    from statsmodels.tsa.exponential_smoothing.ets import ETSModel

    df = random_panel()
    model = DampedTrend().fit(df)
    rows, fitted = model.members_[0]
    fc = model.predict(6, level=[80])
    for row in rows:
        uid = model.ids_[row]
        y = df.loc[df["unique_id"] == uid, "y"].to_numpy()
        k = np.flatnonzero(rows == row)[0]
        reference = ETSModel(
            y,
            error="add",
            trend="add",
            damped_trend=True,
            initialization_method="known",
            initial_level=fitted.initial_level_[k],
            initial_trend=fitted.initial_trend_[k],
        ).smooth([fitted.alpha_[k], fitted.beta_[k], fitted.phi_[k]])
        ours = fc.loc[fc["unique_id"] == uid, "yhat"].to_numpy()
        np.testing.assert_allclose(ours, reference.forecast(6), rtol=0, atol=1e-8)
        np.testing.assert_allclose(np.sqrt(np.mean(reference.resid**2)), fitted.sigma_[k], rtol=1e-10)


def test_damped_trend_chooses_the_grid_point_with_least_squared_error():
    df = random_panel(n_series=1, lengths=(20,))
    best = DampedTrend().fit(df).members_[0][1]
    from models._recursions import damped_trend_filter
    from models.smoothing import heuristic_initial_states

    panel = Panel.from_frame(df)
    alpha, beta, phi = DampedTrend()._candidates()
    sse, _, _ = damped_trend_filter(panel, alpha, beta, phi, *heuristic_initial_states(panel))
    assert best.sigma_[0] ** 2 * 20 == pytest.approx(sse.min())


def test_theta_matches_statsmodels_theta_model_on_the_same_alpha():
    from statsmodels.tsa.forecasting.theta import ThetaModel

    df = random_panel()
    for uid, group in df.groupby("unique_id"):
        y = group["y"].to_numpy()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            reference = ThetaModel(y, deseasonalize=False).fit()
        alpha = float(reference.params["alpha"])
        ours = Theta(smoothing_level=alpha).fit(group).predict(5)
        np.testing.assert_allclose(ours["yhat"], np.asarray(reference.forecast(5)), rtol=0, atol=1e-8)


def test_vectorized_fit_of_a_ragged_panel_equals_fitting_each_series_alone():
    df = random_panel(n_series=8)
    for model in (DampedTrend(), Theta(), Drift(), Naive()):
        together = model.fit(df).predict(4, level=[80])
        alone = pd.concat([type(model)().fit(g).predict(4, level=[80]) for _, g in df.groupby("unique_id")], ignore_index=True)
        pd.testing.assert_frame_equal(together, alone, rtol=1e-12)


def test_short_series_fall_back_and_are_recorded():
    df = pd.DataFrame({"unique_id": ["one", "two", "two"] + ["long"] * 6, "ds": [2020, 2019, 2020] + list(range(2015, 2021)), "y": [5.0, 1.0, 3.0, 1, 2, 3, 5, 4, 6]})
    model = DampedTrend().fit(df)
    fc = model.predict(2)
    got = model.fallbacks_.set_index("unique_id")
    assert got.loc["one", "fallback"] == "naive" and got.loc["one", "reason"] == "too short (1 < 3 points)"
    assert got.loc["two", "fallback"] == "drift"
    assert "long" not in got.index
    np.testing.assert_allclose(fc.loc[fc["unique_id"] == "two", "yhat"], [5.0, 7.0])
    np.testing.assert_allclose(fc.loc[fc["unique_id"] == "one", "yhat"], [5.0, 5.0])


@pytest.mark.parametrize("model", [Naive(), Drift(), Theta(), DampedTrend()])
def test_model_intervals_are_ordered_and_nested(model):
    fc = model.fit(random_panel()).predict(5, level=[50, 80, 95])
    assert (fc["yhat_lo_95"] <= fc["yhat_lo_80"]).all() and (fc["yhat_lo_80"] <= fc["yhat_lo_50"]).all()
    assert (fc["yhat_lo_50"] <= fc["yhat"]).all() and (fc["yhat"] <= fc["yhat_hi_50"]).all()
    assert (fc["yhat_hi_50"] <= fc["yhat_hi_80"]).all() and (fc["yhat_hi_80"] <= fc["yhat_hi_95"]).all()


def test_get_params_round_trip_and_unchanged_parameters():
    from sklearn.base import clone

    model = DampedTrend(smoothing_level=0.5, damping_trend=0.9)
    assert clone(model).get_params() == {"smoothing_level": 0.5, "smoothing_trend": None, "damping_trend": 0.9}
    model.fit(random_panel())
    assert model.smoothing_level == 0.5


def test_theta_refuses_theta_below_one():
    with pytest.raises(ValueError, match="theta must be >= 1"):
        Theta(theta=0.5).fit(random_panel())


def test_damped_trend_keeps_beta_at_most_alpha():
    from models import DampedTrend
    from models.constraints import InvalidParameterError

    df = pd.DataFrame({"unique_id": "a", "ds": range(2000, 2015), "y": np.arange(15.0) + 1})
    with pytest.raises(InvalidParameterError, match=r"smoothing_trend must be at most smoothing_level"):
        DampedTrend(0.2, smoothing_trend=0.5).fit(df)
    fitted = DampedTrend(smoothing_trend=0.5).fit(df)
    alphas = np.concatenate([np.atleast_1d(model.alpha_) for _, model in fitted.members_])
    assert (alphas >= 0.5).all()


def test_gradient_model_on_series_of_different_starts_is_silent():
    import warnings

    from models import GlobalGradientBoosting

    df = pd.concat([pd.DataFrame({"unique_id": "a", "ds": range(2000, 2020), "y": np.arange(20.0) + 5}),
                    pd.DataFrame({"unique_id": "b", "ds": range(2012, 2020), "y": np.arange(8.0) + 3})])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        forecast = GlobalGradientBoosting().fit(df).predict(2)
    assert np.isfinite(forecast["yhat"]).all()


def test_intervals_are_missing_not_zero_width_without_a_residual():
    one = pd.DataFrame({"unique_id": "a", "ds": [2000], "y": [5.0]})
    two = pd.DataFrame({"unique_id": "a", "ds": [2000, 2001], "y": [5.0, 7.0]})
    for model, df in ((Naive(), one), (Drift(), two), (HistoricMean(), one)):
        fc = model.fit(df).predict(2, level=[80])
        assert np.isfinite(fc["yhat"]).all()
        assert fc[["yhat_lo_80", "yhat_hi_80"]].isna().all().all(), type(model).__name__
    # Three points leave one residual for drift: a finite, positive width.
    three = pd.DataFrame({"unique_id": "a", "ds": [2000, 2001, 2002], "y": [5.0, 7.0, 8.0]})
    fc = Drift().fit(three).predict(1, level=[80])
    assert (fc["yhat_hi_80"] > fc["yhat_lo_80"]).all()


def test_gradient_model_on_too_short_panels_falls_back_and_says_why():
    from models import AutoForecaster, GlobalGradientBoosting

    six = pd.DataFrame({"unique_id": np.repeat(["s0", "s1"], 6), "ds": list(range(2000, 2006)) * 2,
                        "y": 100 + np.arange(12) * 1.5})
    model = GlobalGradientBoosting().fit(six)
    assert model.fallback_ is None and not model.feature_mask_.all()  # lag 5 has no value, left out
    assert np.isfinite(model.predict(2, level=[80]).drop(columns=["unique_id", "ds"]).to_numpy()).all()
    two = pd.DataFrame({"unique_id": "a", "ds": [2000, 2001], "y": [1.0, 2.0]})
    short = GlobalGradientBoosting().fit(two)
    assert short.fallbacks_["fallback"].tolist() == ["drift"]
    assert "fewer than 20" in short.fallbacks_["reason"].iloc[0]
    np.testing.assert_allclose(short.predict(2)["yhat"], [3.0, 4.0])
    ten = pd.DataFrame({"unique_id": np.repeat(["s0", "s1"], 10), "ds": list(range(2000, 2010)) * 2,
                        "y": 100 + np.arange(20) * 1.5})
    assert len(AutoForecaster(models=["naive", "gbm"]).fit(ten).predict(2)) == 4
