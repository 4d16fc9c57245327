"""Time-series features against hand-computed values, and the dense-matrix helpers."""

import math

import numpy as np
import pandas as pd
import pytest

from features.panel import panel_grid, rolling_mean, rolling_std, shift_years
from features.timeseries import time_series_feature_names, time_series_features


@pytest.fixture
def panel():
    # Series "a" lacks 2003; series "b" starts later. Rows are deliberately shuffled.
    rows = [
        ("a", 2000, 10.0), ("a", 2001, 20.0), ("a", 2002, 40.0), ("a", 2004, 50.0),
        ("a", 2005, 60.0), ("b", 2002, 7.0), ("b", 2003, 0.0),
    ]
    frame = pd.DataFrame(rows, columns=["unique_id", "ds", "y"])
    return frame.sample(frac=1.0, random_state=3).reset_index(drop=True)


def feature(result, uid, year, column):
    row = result[(result["unique_id"] == uid) & (result["ds"] == year)]
    assert len(row) == 1
    return row[column].iloc[0]


def test_lags_follow_calendar_years_not_rows(panel):
    result = time_series_features(panel, lags=(1, 2))
    assert feature(result, "a", 2001, "y_lag_1") == 10.0
    assert feature(result, "a", 2002, "y_lag_2") == 10.0
    assert math.isnan(feature(result, "a", 2004, "y_lag_1"))  # 2003 is missing
    assert feature(result, "a", 2004, "y_lag_2") == 40.0
    assert feature(result, "a", 2005, "y_lag_1") == 50.0
    assert math.isnan(feature(result, "a", 2000, "y_lag_1"))
    # No value crosses from one series to the next.
    assert math.isnan(feature(result, "b", 2002, "y_lag_1"))
    assert feature(result, "b", 2003, "y_lag_1") == 7.0


def test_differences_and_log_growth(panel):
    result = time_series_features(panel, diffs=(1, 2), growth_lags=(1,))
    assert feature(result, "a", 2002, "y_diff_1") == 20.0
    assert feature(result, "a", 2002, "y_diff_2") == 30.0
    assert feature(result, "a", 2001, "y_log_growth_1") == pytest.approx(math.log(21 / 11))
    # log1p keeps a fall to zero finite.
    assert feature(result, "b", 2003, "y_log_growth_1") == pytest.approx(math.log(1 / 8))
    assert feature(result, "a", 2005, "y_log_level") == pytest.approx(math.log(61))


def test_rolling_mean_needs_full_window_and_scale_uses_what_is_present(panel):
    result = time_series_features(panel, windows=(3,), scale_window=5)
    assert feature(result, "a", 2002, "y_rolling_mean_3") == pytest.approx(70 / 3)
    assert math.isnan(feature(result, "a", 2004, "y_rolling_mean_3"))
    assert math.isnan(feature(result, "a", 2001, "y_rolling_mean_3"))
    assert feature(result, "a", 2004, "y_level_scale_5") == pytest.approx((10 + 20 + 40 + 50) / 4)
    assert feature(result, "a", 2005, "y_level_scale_5") == pytest.approx((20 + 40 + 50 + 60) / 4)
    assert feature(result, "a", 2000, "y_level_scale_5") == 10.0


def test_volatility_is_sample_std_of_one_year_log_growth():
    values = [100.0, 110.0, 99.0, 120.0, 130.0]
    frame = pd.DataFrame({"unique_id": "s", "ds": range(2010, 2015), "y": values})
    result = time_series_features(frame, windows=(3,))
    growth = np.diff(np.log1p(values))  # growth of 2011..2014
    assert result["y_volatility_3"].iloc[3] == pytest.approx(np.std(growth[0:3], ddof=1))
    assert result["y_volatility_3"].iloc[4] == pytest.approx(np.std(growth[1:4], ddof=1))
    assert result["y_volatility_3"].iloc[:3].isna().all()


def test_output_keeps_input_rows_and_documented_names(panel):
    result = time_series_features(panel)
    assert list(result.columns) == ["unique_id", "ds", *time_series_feature_names()]
    assert result[["unique_id", "ds"]].equals(panel[["unique_id", "ds"]])
    assert (result.index == panel.index).all()


def test_refuses_duplicate_rows_and_bad_lags(panel):
    doubled = pd.concat([panel, panel.iloc[:1]])
    with pytest.raises(ValueError, match="more than one row"):
        time_series_features(doubled)
    with pytest.raises(ValueError, match="at least 1"):
        time_series_features(panel, lags=(0,))
    with pytest.raises(ValueError, match="lacks column"):
        time_series_features(panel.drop(columns="y"))


def test_matrix_helpers_by_hand():
    matrix = np.array([[1.0, 2.0, np.nan, 4.0, 5.0]])
    assert np.array_equal(shift_years(matrix, 2), [[np.nan, np.nan, 1.0, 2.0, np.nan]],
                          equal_nan=True)
    assert np.allclose(rolling_mean(matrix, 2, min_periods=1), [[1.0, 1.5, 2.0, 4.0, 4.5]])
    assert np.array_equal(rolling_mean(matrix, 2), [[np.nan, 1.5, np.nan, np.nan, 4.5]],
                          equal_nan=True)
    expected_std = np.std([4.0, 5.0], ddof=1)
    assert np.allclose(rolling_std(matrix, 3, min_periods=2),
                       [[np.nan, np.std([1, 2], ddof=1), np.std([1, 2], ddof=1),
                         np.std([2, 4], ddof=1), np.std([4, 5], ddof=1)]], equal_nan=True)
    assert expected_std == pytest.approx(0.7071067811865476)
    with pytest.raises(ValueError, match="min_periods"):
        rolling_mean(matrix, 2, min_periods=3)


def test_panel_grid_places_rows_by_calendar_year():
    frame = pd.DataFrame({"id": ["x", "x", "y"], "ds": [2001, 2003, 2002]})
    grid = panel_grid(frame, ["id"])
    assert grid.first_year == 2001 and grid.n_years == 3
    matrix = grid.to_matrix([1.0, 3.0, 2.0])
    assert np.array_equal(matrix, [[1.0, np.nan, 3.0], [np.nan, 2.0, np.nan]], equal_nan=True)
    assert list(grid.gather(matrix)) == [1.0, 3.0, 2.0]


def test_annual_dates_and_periods_count_as_their_calendar_year(panel):
    expected = time_series_features(panel)
    dates = panel.assign(ds=pd.to_datetime(panel["ds"].astype(str) + "-01-01"))
    periods = panel.assign(ds=pd.PeriodIndex(panel["ds"].astype(str), freq="Y"))
    for frame in (dates, periods):
        result = time_series_features(frame)
        assert result["ds"].tolist() == frame["ds"].tolist()
        pd.testing.assert_frame_equal(result.drop(columns="ds"), expected.drop(columns="ds"))


@pytest.mark.parametrize("ds, message", [
    (["2000", "2001"], "must hold integer years, annual dates or annual periods; found dtype"),
    ([2000.5, 2001.0], r"must hold whole years; row 0 has 2000.5"),
    ([2000.0, np.nan], r"must hold whole years; row 1 has nan"),
])
def test_a_time_column_that_is_not_years_is_refused(ds, message):
    frame = pd.DataFrame({"unique_id": "a", "ds": ds, "y": [1.0, 2.0]})
    with pytest.raises(ValueError, match=message):
        time_series_features(frame)


def test_negative_or_text_values_are_refused_with_their_row():
    frame = pd.DataFrame({"unique_id": ["a", "a", "b"], "ds": [2000, 2001, 2000], "y": [1.0, 2.0, -3.0]})
    with pytest.raises(ValueError, match=r"'y' must hold non-negative numbers .* row 2 \(unique_id b, ds 2000\) has -3.0"):
        time_series_features(frame)
    with pytest.raises(ValueError, match=r"row 1 .* has 'x'"):
        time_series_features(frame.assign(y=pd.Series([1.0, "x", 3.0], dtype=object)))


def test_missing_values_give_missing_features_without_a_warning():
    frame = pd.DataFrame({"unique_id": "a", "ds": [2000, 2001, 2002], "y": [1.0, np.nan, 3.0]})
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        result = time_series_features(frame)
    assert np.isnan(result["y_lag_1"].iloc[2])


@pytest.mark.parametrize("kwargs, message", [
    ({"lags": (1.5,)}, r"lags must hold whole numbers of years of at least 1; got 1.5"),
    ({"lags": 2}, r"lags must be a sequence of whole numbers of years, e.g. \(1, 2, 3\); got 2"),
    ({"windows": (0,)}, r"windows must hold whole numbers .* got 0"),
    ({"scale_window": 0}, r"scale_window must hold whole numbers .* got 0"),
])
def test_steps_that_are_not_whole_positive_years_are_refused(panel, kwargs, message):
    with pytest.raises(ValueError, match=message):
        time_series_features(panel, **kwargs)


def test_a_missing_series_id_is_refused_naming_the_row(panel):
    frame = panel.copy()
    frame.loc[3, "unique_id"] = None
    with pytest.raises(ValueError, match="column 'unique_id' has a missing value in row 3"):
        time_series_features(frame)
