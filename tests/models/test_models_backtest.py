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
    cv = cross_validation(Naive(), panel(), h=3, n_windows=2, step_size=2)
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


def test_conformal_levels_beyond_the_errors_rank_widen_by_a_gaussian_tail():
    # m=5 errors: 80% has rank ceil(6 * 0.8) = 5, the largest error; 95% and 99% have rank 6 > 5.
    errors = np.array([[1.0], [2.0], [-3.0], [4.0], [5.0]])
    q = ConformalQuantiles(errors)
    rms = np.sqrt(np.mean(np.array([1, 4, 9, 16, 25.0])))
    np.testing.assert_allclose(q.quantile(80, 1), [5.0])
    np.testing.assert_allclose(q.quantile(95, 1), [1.959964 * rms], rtol=1e-6)
    np.testing.assert_allclose(q.quantile(99, 1), [2.575829 * rms], rtol=1e-6)
    np.testing.assert_array_equal(q.calibrated(80), [True])
    np.testing.assert_array_equal(q.calibrated(95), [False])
    # One error: every level is beyond its rank, and the tail never falls below the error.
    single = ConformalQuantiles(np.array([[2.0]]))
    np.testing.assert_allclose(single.quantile(50, 1), [2.0])
    np.testing.assert_allclose(single.quantile(95, 1), [1.959964 * 2.0], rtol=1e-6)


def test_conformal_without_errors_assumes_a_random_walk():
    q = ConformalQuantiles(np.full((3, 2), np.nan))
    # Scale is the mean absolute step, sqrt(2 / pi) of its standard deviation.
    expected = 1.281552 * np.sqrt(np.pi / 2) * np.sqrt([1, 2, 3])
    np.testing.assert_allclose(q.quantile(80, 3), expected, rtol=1e-6)
    assert (q.quantile(95, 3) > q.quantile(80, 3)).all()
    with pytest.raises(ValueError, match="strictly between 0 and 100"):
        q.quantile(100, 3)


def test_conformal_horizon_without_errors_borrows_the_first_with_errors():
    errors = np.column_stack([np.full(9, np.nan), np.arange(1, 10, dtype=float)])
    np.testing.assert_allclose(ConformalQuantiles(errors).quantile(80, 2), [8.0, 8.0])


def test_auto_forecaster_intervals_nest_by_level_on_short_and_two_point_series():
    long = pd.DataFrame({"unique_id": "a", "ds": range(2000, 2015),
                         "y": [10, 11, 13, 12, 14, 15, 17, 16, 18, 20, 19, 21, 23, 22, 24.0]})
    two = pd.DataFrame({"unique_id": "a", "ds": [2000, 2001], "y": [10.0, 12.0]})
    for df in (long, two):
        fc = AutoForecaster().fit(df).predict(3, level=[80, 95, 99])
        widths = [fc[f"yhat_hi_{level}"] - fc[f"yhat_lo_{level}"] for level in (80, 95, 99)]
        assert (widths[0] > 0).all()
        assert (widths[1] > widths[0]).all() and (widths[2] > widths[1]).all()


def test_no_origin_with_data_is_an_error():
    with pytest.raises(ValueError, match="no back-test origin"):
        cross_validation(Naive(), panel(), h=2, cutoffs=[1990])


def test_more_windows_than_the_data_hold_is_an_error_saying_how_many_fit():
    # The panel runs 2005-2019 (longest series 15 years): with h=3, origins 2016 back to 2005 fit.
    with pytest.raises(ValueError, match=r"first origin in 2003, before the panel's first year 2005; at most 12"):
        cross_validation(Naive(), panel(), h=3, n_windows=14)
    assert cross_validation(Naive(), panel(), h=3, n_windows=12)["cutoff"].min() == 2005


def test_step_is_the_deprecated_name_of_step_size():
    with pytest.warns(FutureWarning, match="'step' is now 'step_size'"):
        old = cross_validation(Naive(), panel(), h=2, n_windows=2, step=3)
    pd.testing.assert_frame_equal(old, cross_validation(Naive(), panel(), h=2, n_windows=2, step_size=3))


def test_evaluate_refuses_the_statsforecast_frame_and_absent_levels_clearly():
    nixtla = Naive().cross_validation(panel(), h=2, n_windows=2)
    with pytest.raises(ValueError, match="missing step, yhat, scale_mae, scale_mse.*utilsforecast"):
        evaluate(nixtla)
    with pytest.raises(ValueError, match=r"no interval at level 80 .* pass level=\[80\]"):
        evaluate(cross_validation(Naive(), panel(), h=2, n_windows=2), level=[80])
    with pytest.raises(TypeError, match="expects the DataFrame"):
        evaluate([1, 2])


@pytest.mark.parametrize("cutoffs, message", [
    ([2015.5], r"cutoffs must be years .* got 2015.5"),
    (["2015"], r"cutoffs must be years .* got '2015'"),
    ([2015, 2015], "cutoff 2015 is listed more than once"),
    ([2019], "cutoff 2019 leaves no year to score: the panel ends in 2019"),
    ([2001], "cutoff 2001: no back-test origin has data up to it; the panel starts in 2005"),
    ([], "at least one year"),
])
def test_explicit_cutoffs_are_checked(cutoffs, message):
    with pytest.raises(ValueError, match=message):
        cross_validation(Naive(), panel(), h=2, cutoffs=cutoffs)


def test_whole_float_and_numpy_cutoffs_are_years():
    expected = cross_validation(Naive(), panel(), h=2, cutoffs=[2015, 2016])
    pd.testing.assert_frame_equal(cross_validation(Naive(), panel(), h=2, cutoffs=[np.int64(2016), 2015.0]), expected)
