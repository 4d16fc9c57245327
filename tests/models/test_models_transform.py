import numpy as np
import pandas as pd
import pytest

from models import AutoForecaster, Drift, LogTransformed, Theta


def geometric_panel():
    years = np.arange(2000, 2012)
    return pd.DataFrame({"unique_id": np.repeat(["up", "down"], len(years)),
                         "ds": np.tile(years, 2),
                         "y": np.r_[100.0 * 1.05 ** np.arange(12), 80.0 * 0.97 ** np.arange(12)]})


def test_log_drift_extends_a_constant_growth_rate_exactly():
    fc = LogTransformed("drift").fit(geometric_panel()).predict(3).set_index("unique_id")
    np.testing.assert_allclose(fc.loc["up", "yhat"], 100.0 * 1.05 ** np.arange(12, 15), rtol=1e-12)
    np.testing.assert_allclose(fc.loc["down", "yhat"], 80.0 * 0.97 ** np.arange(12, 15), rtol=1e-12)


def test_log_model_is_the_wrapped_model_on_the_logarithm():
    rng = np.random.default_rng(3)
    df = pd.DataFrame({"unique_id": np.repeat(["a", "b", "c"], 15), "ds": np.tile(np.arange(2000, 2015), 3),
                       "y": np.exp(rng.normal(0.02, 0.05, 45).cumsum() + 5)})
    logged = df.assign(y=np.log(df["y"]))
    ours = LogTransformed(Theta()).fit(df).predict(4, level=[80])
    direct = Theta().fit(logged).predict(4, level=[80])
    np.testing.assert_allclose(ours["yhat"], np.exp(direct["yhat"]), rtol=1e-12)
    np.testing.assert_allclose(ours["yhat_lo_80"], np.exp(direct["yhat_lo_80"]), rtol=1e-12)
    np.testing.assert_allclose(ours["yhat_hi_80"], np.exp(direct["yhat_hi_80"]), rtol=1e-12)


def test_intervals_are_positive_and_asymmetric():
    fc = LogTransformed("drift").fit(geometric_panel().assign(
        y=lambda d: d["y"] * (1 + 0.05 * np.sin(np.arange(len(d)))))).predict(5, level=[95])
    assert (fc["yhat_lo_95"] > 0).all()
    assert ((fc["yhat_hi_95"] - fc["yhat"]) > (fc["yhat"] - fc["yhat_lo_95"])).all()


def test_series_with_zero_or_negative_values_fall_back_to_the_model_in_levels():
    df = pd.concat([geometric_panel(),
                    pd.DataFrame({"unique_id": "zero", "ds": np.arange(2000, 2012),
                                  "y": np.r_[0.0, np.arange(1.0, 12.0)]})], ignore_index=True)
    model = LogTransformed("drift").fit(df)
    fc = model.predict(2, level=[80])
    assert model.fallbacks_["unique_id"].tolist() == ["zero"]
    assert model.fallbacks_["fallback"].tolist() == ["drift"]
    assert "no logarithm" in model.fallbacks_["reason"].iloc[0]
    zero_direct = Drift().fit(df[df["unique_id"] == "zero"]).predict(2, level=[80])
    np.testing.assert_allclose(fc[fc["unique_id"] == "zero"]["yhat"], zero_direct["yhat"])
    np.testing.assert_allclose(fc[fc["unique_id"] == "zero"]["yhat_lo_80"], zero_direct["yhat_lo_80"])


def test_log_models_are_registered_and_named():
    model = AutoForecaster(models=["log_theta", "log_drift"], h=2).fit(geometric_panel())
    assert model.candidate_names_ == ["log_theta", "log_drift"]
    assert LogTransformed("theta").name == "log_theta"


@pytest.mark.parametrize("bad", ["arima", "log_theta", 3])
def test_only_vectorized_models_can_be_wrapped(bad):
    with pytest.raises(ValueError, match="vectorized model"):
        LogTransformed(bad).fit(geometric_panel())


def test_auto_forecaster_leaves_log_models_out_of_series_they_do_not_apply_to():
    df = pd.concat([geometric_panel(),
                    pd.DataFrame({"unique_id": "net", "ds": np.arange(2000, 2012),
                                  "y": [3.0, -2.0, 1.0, 4.0, -1.0, 2.0, 5.0, 0.0, 3.0, 6.0, 2.0, 4.0]})],
                   ignore_index=True)
    model = AutoForecaster(h=2, n_windows=2).fit(df)
    chosen = model.selected_.set_index("unique_id")["model"]
    assert "log" not in chosen["net"] and "log_drift" in chosen["up"]
    names = model.candidate_names_
    net = list(model.selected_["unique_id"]).index("net")
    assert model.weights_[[names.index("log_theta"), names.index("log_drift")], net].sum() == 0
    assert model.fallbacks_.empty
