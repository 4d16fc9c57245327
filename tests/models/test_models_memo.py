"""ForecastMemo: back-test windows shared between fits give the very arrays computed without it."""

import copy
import pickle

import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone

from models import AutoForecaster, ForecastMemo, Naive, Theta
from models.backtest import backtest_panel
from models.memo import data_digest
from models.panel import Panel


def random_walks(n_series=40, length=20, seed=0):
    rng = np.random.default_rng(seed)
    y = 200 + np.cumsum(rng.normal(0.5, 3.0, (n_series, length)), axis=1)
    return pd.DataFrame({"unique_id": np.repeat([f"s{i:03d}" for i in range(n_series)], length),
                         "ds": np.tile(np.arange(2000, 2000 + length), n_series),
                         "y": y.ravel()})


def _fit(frame, origin, memo):
    return AutoForecaster(h=3, memo=memo).fit(frame[frame["ds"] <= origin])


def test_fits_at_origins_a_year_apart_reuse_windows_and_give_the_same_forecasts():
    frame = random_walks()
    memo = ForecastMemo()
    for origin in (2019, 2018, 2017):
        plain, shared = _fit(frame, origin, None), _fit(frame, origin, memo)
        pd.testing.assert_frame_equal(shared.predict(3, level=[80]), plain.predict(3, level=[80]),
                                      check_exact=True)
        np.testing.assert_array_equal(shared.backtest_errors_, plain.backtest_errors_)
        pd.testing.assert_frame_equal(shared.selected_, plain.selected_, check_exact=True)
    # Five candidates and 3 + 3 - 1 windows per fit: the first fit computes all 25 windows;
    # each later one, a year earlier, shares four of its five cutoffs with the fit before.
    assert memo.misses == 25 + 5 + 5 and memo.hits == 20 + 20
    assert len(memo) == 35


def test_a_window_on_other_data_or_another_model_is_not_reused():
    frame = random_walks()
    panel = Panel.from_frame(frame)
    memo = ForecastMemo()
    backtest_panel(Naive(), panel, [2015, 2016], 2, memo=memo)
    backtest_panel(Theta(), panel, [2015, 2016], 2, memo=memo)
    changed = frame.assign(y=frame["y"].where(frame["ds"] != 2010, frame["y"] + 1.0))
    backtest_panel(Naive(), Panel.from_frame(changed), [2015, 2016], 2, memo=memo)
    assert memo.hits == 0 and memo.misses == 6
    backtest_panel(Naive(), panel, [2015, 2016], 2, [80.0], memo=memo)  # other levels
    assert memo.hits == 0
    windows = backtest_panel(Naive(), panel, [2015, 2016], 2, memo=memo)
    assert memo.hits == 2
    plain = backtest_panel(Naive(), panel, [2015, 2016], 2)
    for kept, fresh in zip(windows, plain):
        np.testing.assert_array_equal(kept.mean, fresh.mean)
        np.testing.assert_array_equal(kept.actual, fresh.actual)
        np.testing.assert_array_equal(kept.scale, fresh.scale)


def test_the_actuals_come_from_the_panel_asked_about_not_from_the_memo():
    # The same training data, scored against different later years.
    frame = random_walks(length=12)
    memo = ForecastMemo()
    first = backtest_panel(Naive(), Panel.from_frame(frame), [2008], 3, memo=memo)[0]
    later = frame.assign(y=frame["y"].where(frame["ds"] <= 2008, -1.0))
    second = backtest_panel(Naive(), Panel.from_frame(later), [2008], 3, memo=memo)[0]
    assert memo.hits == 1
    np.testing.assert_array_equal(first.mean, second.mean)
    assert (second.actual == -1.0).all() and not (first.actual == -1.0).any()


def test_kept_forecasts_are_read_only():
    memo = ForecastMemo()
    window = backtest_panel(Naive(), Panel.from_frame(random_walks()), [2015], 2, memo=memo)[0]
    with pytest.raises(ValueError, match="read-only"):
        window.mean[0, 0] = 0.0


def test_a_model_without_a_seed_is_never_reused():
    class Seeded(Naive):
        def __init__(self, random_state=None):
            self.random_state = random_state

    memo = ForecastMemo()
    panel = Panel.from_frame(random_walks())
    assert memo.key(Seeded(), panel, 2, []) is None
    assert memo.key(Seeded(random_state=1), panel, 2, []) is not None
    for _ in range(2):
        backtest_panel(Seeded(), panel, [2015], 2, memo=memo)
    assert len(memo) == 0 and memo.hits == 0


def test_copies_and_clones_share_the_memo_and_a_pickled_one_arrives_empty():
    memo = ForecastMemo()
    backtest_panel(Naive(), Panel.from_frame(random_walks()), [2015], 2, memo=memo)
    model = AutoForecaster(memo=memo)
    assert clone(model).memo is memo and copy.deepcopy(model).memo is memo
    assert copy.copy(memo) is memo
    arrived = pickle.loads(pickle.dumps(model))
    assert isinstance(arrived.memo, ForecastMemo) and len(arrived.memo) == 0
    assert repr(model) == repr(AutoForecaster(memo=ForecastMemo()))


def test_the_data_digest_sees_ids_values_years_and_exogenous_columns():
    frame = random_walks(n_series=3, length=6)
    base = data_digest(Panel.from_frame(frame))
    assert data_digest(Panel.from_frame(frame.copy())) == base
    renamed = frame.assign(unique_id=frame["unique_id"].str.replace("s000", "t000"))
    shifted = frame.assign(ds=frame["ds"] + 1)
    with_x = frame.assign(x=1.0)
    for other in (renamed, shifted, with_x, frame.assign(y=frame["y"] * 2)):
        assert data_digest(Panel.from_frame(other)) != base


def test_memo_is_checked_like_any_parameter():
    from models import InvalidParameterError

    with pytest.raises(InvalidParameterError, match="memo"):
        AutoForecaster(memo={}).fit(random_walks())
