"""Kinds of ds, Nixtla interop (names, cross-validation, X_df), interval levels and parameters."""

from __future__ import annotations

import inspect
import warnings

import numpy as np
import pandas as pd
import pytest

from models import (
    AutoForecaster,
    DampedTrend,
    InvalidParameterError,
    LogTransformed,
    Naive,
    Theta,
    cross_validation,
    to_nixtla,
)
from models.gradient import GlobalGradientBoosting
from models.statistical import StatsARIMA, StatsETS, StatsTheta

YEARS = np.arange(2000, 2012)


def linear_panel(exog: bool = False) -> pd.DataFrame:
    """Two series on 2000..2011: ``a`` rises by 2 a year from 10, ``b`` by 1 from 50."""
    frame = pd.DataFrame({
        "unique_id": np.repeat(["a", "b"], len(YEARS)),
        "ds": np.tile(YEARS, 2),
        "y": np.r_[10 + 2.0 * (YEARS - 2000), 50 + 1.0 * (YEARS - 2000)],
    })
    if exog:
        frame["x"] = np.arange(len(frame), dtype=float)
    return frame


def dates(years, month_day: str = "12-31", unit: str = "ns", tz: str | None = None) -> pd.Series:
    stamps = pd.to_datetime(pd.Series(years).astype(str) + f"-{month_day}").dt.as_unit(unit)
    return stamps.dt.tz_localize(tz) if tz else stamps


KINDS = {
    "31 December": lambda y: dates(y, "12-31"),
    "1 January, seconds": lambda y: dates(y, "01-01", unit="s"),
    "1 July, time zone": lambda y: dates(y, "07-01", tz="Asia/Almaty"),
    "period Y-DEC": lambda y: pd.Series(pd.PeriodIndex(pd.Series(y).astype(str), freq="Y")),
    "period Y-JUN": lambda y: pd.Series(pd.PeriodIndex(pd.Series(y).astype(str), freq="Y-JUN")),
}


def in_kind(frame: pd.DataFrame, kind: str) -> pd.DataFrame:
    return frame.assign(ds=KINDS[kind](frame["ds"]).array)


def small_auto(**params) -> AutoForecaster:
    return AutoForecaster(h=2, n_windows=2, **params)


# 1. Kinds of ds


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_forecast_ds_comes_back_in_the_callers_kind_and_day_of_the_year(kind):
    df = linear_panel()
    given = in_kind(df, kind)
    as_years = small_auto().fit(df).predict(3, level=[80])
    fc = small_auto().fit(given).predict(3, level=[80])

    assert fc["ds"].dtype == given["ds"].dtype
    expected = KINDS[kind](as_years["ds"]).array
    assert fc["ds"].tolist() == list(expected)
    pd.testing.assert_frame_equal(fc.drop(columns="ds"), as_years.drop(columns="ds"), check_exact=True)


def test_year_end_dates_stay_on_31_december_and_periods_stay_periods():
    fc = small_auto().fit(in_kind(linear_panel(), "31 December")).predict(2)
    assert fc["ds"].iloc[:2].tolist() == [pd.Timestamp("2012-12-31"), pd.Timestamp("2013-12-31")]
    fc = small_auto().fit(in_kind(linear_panel(), "period Y-DEC")).predict(2)
    assert fc["ds"].iloc[:2].tolist() == [pd.Period("2012", "Y"), pd.Period("2013", "Y")]


def test_integer_years_still_come_back_as_int64():
    df = linear_panel().astype({"ds": "int32"})
    fc = small_auto().fit(df).predict(2)
    assert fc["ds"].dtype == np.int64 and fc["ds"].iloc[:2].tolist() == [2012, 2013]


def test_integer_ids_come_back_as_integers_with_the_same_forecasts():
    named = linear_panel()
    numbered = named.assign(unique_id=named["unique_id"].map({"a": 3, "b": 7}))
    by_name = small_auto().fit(named)
    by_number = small_auto().fit(numbered)
    fc = by_number.predict(2, level=[80])
    assert fc["unique_id"].dtype == np.int64 and fc["unique_id"].tolist() == [3, 3, 7, 7]
    assert by_number.selected_["unique_id"].dtype == np.int64
    pd.testing.assert_frame_equal(fc.drop(columns="unique_id"),
                                  by_name.predict(2, level=[80]).drop(columns="unique_id"))
    cv = cross_validation(Naive(), numbered, h=2, n_windows=2)
    assert cv["unique_id"].dtype == np.int64 and set(cv["unique_id"]) == {7, 3}
    # merged back onto the caller's own table by id, as integers
    assert len(fc.merge(numbered[["unique_id"]].drop_duplicates(), on="unique_id")) == 4
    mixed = named.assign(unique_id=named["unique_id"].map({"a": 1, "b": "b"}))
    assert Naive().fit(mixed).predict(1)["unique_id"].tolist() == [1, "b"]


@pytest.mark.parametrize("model", [Theta(), DampedTrend(), LogTransformed("drift")])
def test_other_models_read_dates_too(model):
    df = linear_panel()
    fc = model.fit(in_kind(df, "31 December")).predict(2, level=[80])
    assert fc["ds"].dt.month.eq(12).all() and fc["ds"].dt.day.eq(31).all()
    np.testing.assert_array_equal(fc["yhat"], type(model)(**model.get_params()).fit(df).predict(2)["yhat"])


def test_gradient_model_reads_dated_features_and_refuses_features_of_another_kind():
    df = in_kind(linear_panel(exog=True), "31 December")
    features = df[["unique_id", "ds"]].assign(region=np.where(df["unique_id"] == "a", "north", "south"))
    model = GlobalGradientBoosting(max_horizon=2, max_iter=5, quantile_levels=[80]).fit(df, features=features)
    assert model.predict(2)["ds"].dt.year.tolist() == [2012, 2013, 2012, 2013]
    with pytest.raises(ValueError, match="features: column 'ds' holds integer years; the model was fitted on dates on 31 December"):
        GlobalGradientBoosting(max_horizon=2, max_iter=5).fit(df, features=features.assign(ds=np.tile(YEARS, 2)))


def test_cross_validation_function_takes_dates_and_dated_cutoffs():
    df = in_kind(linear_panel(), "1 January, seconds")
    cv = cross_validation(Naive(), df, h=2, cutoffs=[pd.Timestamp("2008-01-01")])
    assert cv["cutoff"].dtype == df["ds"].dtype
    assert cv["cutoff"].unique().tolist() == [pd.Timestamp("2008-01-01")]
    assert cv["ds"].unique().tolist() == [pd.Timestamp("2009-01-01"), pd.Timestamp("2010-01-01")]


def monthly(df):
    return df.assign(ds=np.tile(pd.date_range("2000-01-01", periods=len(YEARS), freq="MS"), 2))


def quarterly(df):
    return df.assign(ds=np.tile(pd.date_range("2000-01-01", periods=len(YEARS), freq="QS"), 2))


def two_dates_in_one_year(df):
    stamps = dates(df["ds"], "01-01").copy()
    stamps.iloc[1] = pd.Timestamp("2000-06-30")
    return df.assign(ds=stamps.to_numpy())


def anchors_differ_between_series(df):
    return df.assign(ds=np.r_[dates(YEARS, "01-01"), dates(YEARS, "07-01")])


def anchors_differ_within_a_series(df):
    stamps = dates(df["ds"], "01-01").copy()
    stamps.iloc[5] = stamps.iloc[5] + pd.Timedelta(days=40)
    return df.assign(ds=stamps.to_numpy())


def periods(freq):
    return lambda df: df.assign(ds=pd.period_range("2000-01", periods=len(df), freq=freq))


@pytest.mark.parametrize(
    "make, message",
    [
        (monthly, r"series 'a' has two dates in 2000 in column 'ds' \(2000-01-01 and 2000-02-01\); the models are for annual series"),
        (quarterly, r"series 'a' has two dates in 2000 .*the models are for annual series"),
        (two_dates_in_one_year, r"series 'a' has two dates in 2000 .*\(2000-01-01 and 2000-06-30\).*annual series"),
        (anchors_differ_between_series, r"dates on different days of the year \(2000-01-01 for series 'a', 2000-07-01 for series 'b'\); the models are for annual series"),
        (anchors_differ_within_a_series, r"different days of the year .*2005-02-10 for series 'a'.*annual series"),
        (periods("M"), r"column 'ds' holds periods of frequency 'M'; the models are for annual series"),
        (periods("Q"), r"frequency 'Q-DEC'; the models are for annual series"),
        (periods("2Y"), r"frequency '2Y-DEC'; the models are for annual series"),
    ],
)
def test_sub_annual_data_are_refused_saying_the_models_are_annual(make, message):
    with pytest.raises(ValueError, match=message):
        small_auto().fit(make(linear_panel()))


def test_missing_dates_29_february_and_text_are_refused():
    df = in_kind(linear_panel(), "31 December")
    df.loc[3, "ds"] = pd.NaT
    with pytest.raises(ValueError, match="column 'ds' has a missing value for series 'a'"):
        Theta().fit(df)
    leap = pd.DataFrame({"unique_id": "a", "ds": pd.to_datetime(["2000-02-29", "2004-02-29"]), "y": [1.0, 2.0]})
    with pytest.raises(ValueError, match="29 February"):
        Theta().fit(leap)
    with pytest.raises(ValueError, match="column 'ds' must hold integer years, annual dates or annual periods; series 'a' has '2000'"):
        Theta().fit(linear_panel().astype({"ds": str}))


# 2. Nixtla interop


def test_to_nixtla_names_columns_like_statsforecast():
    fc = small_auto().fit(linear_panel()).predict(2, level=[80, 97.5])
    out = to_nixtla(fc)
    assert out.columns.tolist() == [
        "unique_id", "ds", "AutoForecaster", "AutoForecaster-lo-80", "AutoForecaster-hi-80",
        "AutoForecaster-lo-97.5", "AutoForecaster-hi-97.5",
    ]
    np.testing.assert_array_equal(out["AutoForecaster-lo-80"], fc["yhat_lo_80"])
    assert to_nixtla(fc, model_name="Auto").columns[2] == "Auto"


def test_to_nixtla_drops_back_test_columns_and_refuses_non_forecasts():
    cv = cross_validation(Naive(), linear_panel(), h=2, n_windows=2)
    assert to_nixtla(cv, model_name="Naive").columns.tolist() == ["unique_id", "ds", "cutoff", "y", "Naive"]
    with pytest.raises(ValueError, match="missing column 'yhat'"):
        to_nixtla(linear_panel())
    with pytest.raises(TypeError, match="model_name must be a string"):
        to_nixtla(cv, model_name=3)


def expected_naive_windows(cutoffs, h):
    """Naive on the linear panel: the value at the cutoff, out of by ``2 * step`` (a) or ``step`` (b)."""
    rows = []
    for uid, start, slope in (("a", 10.0, 2.0), ("b", 50.0, 1.0)):
        for cutoff in cutoffs:
            for step in range(1, h + 1):
                forecast = start + slope * (cutoff - 2000)
                rows.append((uid, cutoff + step, cutoff, start + slope * (cutoff + step - 2000), forecast,
                             forecast - slope * step, forecast + slope * step))
    columns = ["unique_id", "ds", "cutoff", "y", "AutoForecaster", "AutoForecaster-lo-80", "AutoForecaster-hi-80"]
    return pd.DataFrame(rows, columns=columns)


def test_cross_validation_method_gives_the_nixtla_frame_with_a_known_answer():
    # Naive misses a straight line by the slope times the step, in every back-test window,
    # so the conformal 80% interval is the forecast plus or minus exactly that.
    model = AutoForecaster(models=["naive"], h=2, n_windows=2)
    cv = model.cross_validation(linear_panel(), h=2, n_windows=3, level=[80])
    expected = expected_naive_windows([2007, 2008, 2009], 2)
    pd.testing.assert_frame_equal(cv, expected, check_dtype=False, atol=1e-9)
    assert cv["ds"].dtype == np.int64 and cv["cutoff"].dtype == np.int64
    assert not hasattr(model, "ids_")


def test_cross_validation_method_steps_cutoffs_and_keeps_the_kind_of_ds():
    df = in_kind(linear_panel(), "period Y-DEC")
    cv = AutoForecaster(models=["naive"], h=2, n_windows=2).cross_validation(df, h=1, n_windows=3, step_size=2)
    assert cv.columns.tolist() == ["unique_id", "ds", "cutoff", "y", "AutoForecaster"]
    assert cv["cutoff"].dtype == df["ds"].dtype
    assert sorted(cv["cutoff"].unique()) == [pd.Period(str(y), "Y") for y in (2006, 2008, 2010)]
    assert len(cv) == 2 * 3


def test_cross_validation_output_is_scored_by_utilsforecast():
    pytest.importorskip("utilsforecast")
    from utilsforecast.evaluation import evaluate
    from utilsforecast.losses import coverage, mae

    df = in_kind(linear_panel(), "31 December")
    cv = AutoForecaster(models=["naive"], h=2, n_windows=2).cross_validation(df, h=2, n_windows=3, level=[80])
    scores = evaluate(cv, metrics=[mae, coverage], level=[80])
    by_metric = scores.groupby("metric")["AutoForecaster"].mean()
    assert by_metric["mae"] == pytest.approx((2 * 1.5 + 1 * 1.5) / 2)
    assert by_metric["coverage_level80"] == 1.0


def test_naive_cross_validation_matches_statsforecast():
    pytest.importorskip("utilsforecast")
    statsforecast = pytest.importorskip("statsforecast")
    from statsforecast.models import Naive as NixtlaNaive

    df = in_kind(linear_panel(), "31 December")
    theirs = statsforecast.StatsForecast(models=[NixtlaNaive()], freq="YE").cross_validation(
        df=df, h=2, n_windows=3, step_size=1, level=[80])
    ours = to_nixtla(cross_validation(Naive(), df, h=2, n_windows=3, level=[80]), model_name="Naive")
    ours = ours.sort_values(["unique_id", "cutoff", "ds"], ignore_index=True)
    pd.testing.assert_frame_equal(ours, theirs.reset_index(drop=True)[ours.columns], check_dtype=False)


def future(h: int = 2, **columns) -> pd.DataFrame:
    """``X_df`` for the linear panel's next ``h`` years (2012 on), with ``columns``."""
    years = np.arange(2012, 2012 + h)
    return pd.DataFrame({"unique_id": np.repeat(["a", "b"], h), "ds": np.tile(years, 2)}).assign(**columns)


@pytest.mark.parametrize("model", [Theta(), GlobalGradientBoosting(max_horizon=2, max_iter=5, quantile_levels=[80])])
def test_x_df_is_checked_and_does_not_change_the_forecast(model):
    df = linear_panel(exog=True)
    model.fit(df)
    plain = model.predict(2, level=[80])
    with_future = model.predict(2, level=[80], X_df=future(x=[1.0, 2.0, 3.0, 4.0]).sample(frac=1.0, random_state=0))
    pd.testing.assert_frame_equal(plain, with_future)
    assert model.exog_names_in_ == ["x"]


def test_x_df_with_dates_follows_the_fitted_kind_of_ds():
    df = in_kind(linear_panel(exog=True), "31 December")
    model = Theta().fit(df)
    good = future(x=1.0).assign(ds=lambda f: dates(f["ds"], "12-31").to_numpy())
    assert len(model.predict(2, X_df=good)) == 4
    with pytest.raises(ValueError, match="X_df: column 'ds' holds integer years; the model was fitted on dates on 31 December"):
        model.predict(2, X_df=future(x=1.0))
    with pytest.raises(ValueError, match="X_df: no row for series 'a' at ds 2014-12-31; X_df must cover each series' next 3 years"):
        model.predict(3, X_df=good)


@pytest.mark.parametrize(
    "make, error, message",
    [
        (lambda f: f.drop(columns="x"), ValueError, r"X_df: missing column 'x'; expected unique_id, ds and the exogenous columns at fit \(x\)"),
        (lambda f: f.assign(z=1.0), ValueError, "X_df: column 'z' was not an exogenous column at fit"),
        (lambda f: f.iloc[:3], ValueError, "X_df: no row for series 'b' at ds 2013; X_df must cover each series' next 2 years"),
        (lambda f: f.assign(ds=f["ds"] + 1), ValueError, r"X_df: series 'a' has ds 2014 outside its forecast years 2012 \.\. 2013"),
        (lambda f: f.assign(unique_id=["a", "a", "b", "zz"]), ValueError, "X_df: series 'zz' is not among the series"),
        (lambda f: pd.concat([f, f.iloc[:1]]), ValueError, r"X_df: duplicate \(unique_id, ds\) = \('a', 2012\)"),
        (lambda f: f.assign(x=["1", "2", "3", "4"]), ValueError, "X_df: column 'x' must be numeric"),
        (lambda f: f.assign(ds=f["ds"] + 0.5), ValueError, "X_df: column 'ds' must hold integer years"),
        (lambda f: f.to_dict(), TypeError, "X_df must be a pandas DataFrame"),
    ],
)
def test_bad_x_df_is_refused_naming_the_problem(make, error, message):
    df = linear_panel(exog=True)
    model = Theta().fit(df)
    with pytest.raises(error, match=message):
        model.predict(2, X_df=make(future(x=[1.0, 2.0, 3.0, 4.0])))


def test_x_df_for_a_model_fitted_without_exogenous_columns_holds_only_keys():
    model = Theta().fit(linear_panel())
    assert len(model.predict(2, X_df=future())) == 4
    with pytest.raises(ValueError, match=r"column 'x' was not an exogenous column at fit \(the model was fitted with: none\)"):
        model.predict(2, X_df=future(x=1.0))


# 3. Interval levels


@pytest.mark.parametrize("level", [[0.8], [1], [0.95, 80]])
def test_levels_at_or_below_one_warn_that_levels_are_percentages(level):
    model = Theta().fit(linear_panel())
    with pytest.warns(UserWarning, match=r"is read as a percentage.*levels are percentages, e\.g\. 80 for an 80% interval"):
        fc = model.predict(2, level=level)
    assert f"yhat_lo_{level[0]:g}" in fc.columns


def test_ordinary_levels_do_not_warn():
    model = Theta().fit(linear_panel())
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        model.predict(2, level=[1.5, 80, 95])


@pytest.mark.parametrize("level", [[0], [100], [-5], [150], [np.nan], "80", [80, 100.0]])
def test_levels_outside_zero_to_hundred_are_refused(level):
    model = Theta().fit(linear_panel())
    with pytest.raises(ValueError, match="level must hold percentages strictly between 0 and 100"):
        model.predict(2, level=level)
    with pytest.raises(ValueError, match="level must hold percentages"):
        AutoForecaster(models=["naive"]).cross_validation(linear_panel(), h=1, n_windows=1, level=level)


# 4. Keyword-only parameters and declared constraints

MODELS = [AutoForecaster, GlobalGradientBoosting, StatsETS, StatsTheta, StatsARIMA, DampedTrend, Theta, LogTransformed]


@pytest.mark.parametrize("cls", MODELS)
def test_every_parameter_after_the_first_is_keyword_only_and_has_constraints(cls):
    parameters = list(inspect.signature(cls.__init__).parameters.values())[1:]
    assert parameters[0].kind is inspect.Parameter.POSITIONAL_OR_KEYWORD
    assert all(p.kind is inspect.Parameter.KEYWORD_ONLY for p in parameters[1:])
    assert set(cls._parameter_constraints) == {p.name for p in parameters}
    if len(parameters) > 1:
        with pytest.raises(TypeError, match="positional argument"):
            cls(parameters[0].default, parameters[1].default)


@pytest.mark.parametrize(
    "model, message",
    [
        (AutoForecaster(h=0), r"AutoForecaster: h must be an integer >= 1; got 0"),
        (AutoForecaster(h=2.5), r"h must be an integer >= 1; got 2.5"),
        (AutoForecaster(n_windows=True), r"n_windows must be an integer >= 1; got True"),
        (AutoForecaster(selection="best"), r"selection must be one of 'combine', 'series', 'global'; got 'best'"),
        (AutoForecaster(trim=0.5), r"trim must be a number >= 1; got 0.5"),
        (AutoForecaster(n_jobs=0), r"n_jobs must be None, an integer <= -1 or an integer >= 1; got 0"),
        (AutoForecaster(backend=3), r"backend must be None or a string; got 3"),
        (AutoForecaster(models=3), r"models must be None, a string, a list or a tuple; got 3"),
        (AutoForecaster(random_state="seed"), r"random_state must be None or an integer"),
        (GlobalGradientBoosting(learning_rate=0), r"GlobalGradientBoosting: learning_rate must be a number > 0; got 0"),
        (GlobalGradientBoosting(max_leaf_nodes=1), r"max_leaf_nodes must be None or an integer >= 2"),
        (StatsETS(chunk_size=0), r"StatsETS: chunk_size must be an integer >= 1; got 0"),
        (StatsTheta(theta=0.5), r"StatsTheta: theta must be a number >= 1"),
        (DampedTrend(damping_trend=1.0), r"DampedTrend: damping_trend must be None or a number > 0 and < 1; got 1.0"),
        (Theta(smoothing_level=0), r"Theta: smoothing_level must be None or a number > 0 and <= 1"),
        (Theta(theta=0.5), r"Theta: theta must be >= 1"),
        (LogTransformed(3), r"LogTransformed: model must be a string or a vectorized model of this package; got 3"),
    ],
)
def test_parameters_are_checked_against_their_constraints_at_fit(model, message):
    with pytest.raises(InvalidParameterError, match=message) as caught:
        model.fit(linear_panel())
    assert isinstance(caught.value, ValueError) and isinstance(caught.value, TypeError)


def test_constraints_reach_candidates_inner_models_and_the_cross_validation_function():
    with pytest.raises(InvalidParameterError, match="Theta: theta must be >= 1"):
        AutoForecaster(models=["naive", Theta(theta=0.5)]).fit(linear_panel())
    with pytest.raises(InvalidParameterError, match="Theta: theta must be >= 1"):
        LogTransformed(Theta(theta=0.5)).fit(linear_panel())
    with pytest.raises(InvalidParameterError, match="AutoForecaster: trim must be a number >= 1"):
        cross_validation(AutoForecaster(trim=0.5), linear_panel(), h=1)
    with pytest.raises(InvalidParameterError, match="selection must be one of"):
        AutoForecaster(selection="best")._validate_params()


def test_valid_edge_values_pass_and_numpy_numbers_count():
    AutoForecaster(models=("naive",), h=np.int64(2), n_windows=1, trim=np.float64(1.0), n_jobs=-1, backend="threading",
                   random_state=None).fit(linear_panel())
    DampedTrend(smoothing_level=1.0, smoothing_trend=0.0, damping_trend=0.9).fit(linear_panel())


def test_to_nixtla_names_the_model_that_made_the_forecast():
    df = pd.DataFrame({"unique_id": "a", "ds": range(2000, 2012), "y": np.arange(12.0) + 5})
    forecast = Theta().fit(df).predict(2, level=[80])
    assert forecast.attrs["model"] == "Theta"
    assert to_nixtla(forecast).columns.tolist() == ["unique_id", "ds", "Theta", "Theta-lo-80", "Theta-hi-80"]
    assert to_nixtla(cross_validation(Naive(), df, h=2)).columns[-1] == "Naive"
    assert to_nixtla(forecast, model_name="mine").columns[2] == "mine"


def test_to_long_and_from_long_take_one_key_as_a_string_and_refuse_bad_input():
    from models import from_long, to_long

    table = pd.DataFrame({"region": ["A", "B"], "year": [2000, 2000], "value": [1.0, 2.0]})
    long = to_long(table, "region")
    assert long["unique_id"].tolist() == ["A", "B"]
    assert from_long(long, "region")["region"].tolist() == ["A", "B"]
    with pytest.raises(ValueError, match="column 'region' has a missing value in row 1"):
        to_long(table.assign(region=["A", None]), ["region"])
    with pytest.raises(TypeError, match="to_long expects a pandas DataFrame; got list"):
        to_long([1, 2], ["region"])
    with pytest.raises(ValueError, match="from_long: missing column 'unique_id'"):
        from_long(table, ["region"])
