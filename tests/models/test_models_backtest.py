import numpy as np
import pandas as pd
import pytest

from models import AutoForecaster, Drift, Naive, cross_validation, evaluate, smape, winkler
from models.conformal import ConformalQuantiles


def panel():
    rng = np.random.default_rng(4)
    frames = []
    for i, n in enumerate([12, 15, 6]):
        y = 50 + np.cumsum(rng.normal(0.5, 2.0, n))
        frames.append(pd.DataFrame({"unique_id": f"s{i}", "ds": np.arange(2020 - n, 2020), "y": y}))
    return pd.concat(frames, ignore_index=True)


def test_each_window_equals_a_fit_on_data_up_to_its_cutoff():
    df = panel()
    cv = cross_validation(AutoForecaster(h=2, n_windows=2), df, h=2, cutoffs=[2015, 2017], level=[80])
    for cutoff in (2015, 2017):
        expected = AutoForecaster(h=2, n_windows=2).fit(df[df["ds"] <= cutoff]).predict(2, level=[80])
        got = cv[cv["cutoff"] == cutoff]
        merged = got.merge(expected, on=["unique_id", "ds"], suffixes=("", "_direct"))
        assert len(merged) == len(got) > 0
        np.testing.assert_allclose(merged["yhat"], merged["yhat_direct"])
        np.testing.assert_allclose(merged["yhat_hi_80"], merged["yhat_hi_80_direct"])
    assert (cv["ds"] > cv["cutoff"]).all() and (cv["ds"] - cv["cutoff"] == cv["step"]).all()


def test_default_cutoffs_end_h_years_before_the_last_year():
    cv = cross_validation(Naive(), panel(), h=3, n_windows=2, step=2)
    assert sorted(cv["cutoff"].unique()) == [2014, 2016]


def test_naive_on_a_random_walk_has_mase_of_its_errors_over_the_in_sample_scale():
    df = pd.DataFrame({"unique_id": "a", "ds": range(2000, 2006), "y": [0.0, 1.0, 3.0, 2.0, 6.0, 4.0]})
    cv = cross_validation(Naive(), df, h=2, cutoffs=[2003], level=[80])
    scores = evaluate(cv).set_index("step")
    # Training 0,1,3,2: scale 4/3; errors |6-2|, |4-2| -> scaled 3.0 and 1.5.
    assert scores.loc["1", "mase"] == pytest.approx(3.0)
    assert scores.loc["2", "mase"] == pytest.approx(1.5)
    assert scores.loc["all", "mase"] == pytest.approx(2.25)
    # RMSSE: mean squared diff 6/3 = 2; sqrt(mean(16, 4) / 2) = sqrt(5).
    assert scores.loc["all", "rmsse"] == pytest.approx(np.sqrt(5.0))
    assert scores.loc["all", "bias"] == pytest.approx((-3.0 - 1.5) / 2)
    assert scores.loc["all", "n"] == 2


def test_perfect_forecasts_score_zero_and_full_coverage():
    df = pd.DataFrame({"unique_id": "a", "ds": range(2000, 2010), "y": 2.0 * np.arange(10)})
    cv = cross_validation(Drift(), df, h=3, n_windows=3, level=[80, 95])
    row = evaluate(cv).set_index("step").loc["all"]
    assert row["mase"] == pytest.approx(0.0) and row["smape"] == pytest.approx(0.0)
    assert row["coverage_80"] == 1.0 and row["coverage_95"] == 1.0


def test_smape_and_winkler_known_values():
    np.testing.assert_allclose(smape(np.array([100.0, 0.0]), np.array([50.0, 0.0])), [200 * 50 / 150, 0.0])
    # width 2, y 1 below the lower bound at 80%: 2 + 2 / 0.2 * 1 = 12.
    assert winkler(np.array([0.0]), np.array([1.0]), np.array([3.0]), 80)[0] == pytest.approx(12.0)
    assert winkler(np.array([2.0]), np.array([1.0]), np.array([3.0]), 80)[0] == pytest.approx(2.0)


def test_evaluate_by_model_column():
    a = cross_validation(Naive(), panel(), h=2, n_windows=2).assign(model="naive")
    b = cross_validation(Drift(), panel(), h=2, n_windows=2).assign(model="drift")
    result = evaluate(pd.concat([a, b]), by="model")
    assert set(result["model"]) == {"naive", "drift"}
    assert len(result) == 2 * 3


def test_conformal_quantile_uses_the_finite_sample_rank_and_grows_with_horizon():
    errors = np.column_stack([np.arange(1, 10, dtype=float), np.r_[np.arange(1, 9, dtype=float) / 2, np.nan]])
    q = ConformalQuantiles(errors)
    # m=9 errors, 80%: rank ceil(10 * 0.8) = 8 -> 8.0; horizon 2 (m=8): rank 8 -> 4.0 then non-decreasing.
    np.testing.assert_allclose(q.quantile(80, 2), [8.0, 8.0])
    np.testing.assert_allclose(q.quantile(80, 4)[2:], 8.0 * np.sqrt([3 / 2, 4 / 2]))
    lo, hi = q.bounds(np.zeros((2, 2)), np.array([1.0, 2.0]), [80])[80]
    np.testing.assert_allclose(hi, [[8.0, 8.0], [16.0, 16.0]])


def test_no_origin_with_data_is_an_error():
    with pytest.raises(ValueError, match="no back-test origin"):
        cross_validation(Naive(), panel(), h=2, cutoffs=[1990])
