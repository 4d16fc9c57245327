"""The panel growth model: no look-ahead, the combination weight, and its place in the forecast."""

import numpy as np
import pandas as pd
import pytest

from forecast import InputError, build_series_panel, forecast_shortage
from forecast.inputs.loader import Dataset
from forecast.shortage.demand_growth import (PanelGrowthModel, combination_weight, feature_columns,
                                             growth_design)


@pytest.fixture(scope="module")
def design(sample):
    return growth_design(build_series_panel(sample))


def test_design_holds_the_features_of_every_cell_and_year(design):
    assert design.groupby("unique_id").size().nunique() == 1
    for name in ("growth_lag_1", "growth_sector", "momentum", "vacancy_rate", "pension_entrants_share_h1"):
        assert name in feature_columns(design)


def test_model_at_an_origin_sees_no_later_data(sample, design):
    origin = 2018
    later = design["ds"] > origin
    scrambled = design.copy()
    rng = np.random.default_rng(0)
    for column in ("growth", "demand", *feature_columns(design)):
        values = scrambled.loc[later, column].to_numpy(dtype=float)
        scrambled.loc[later, column] = rng.permutation(values) * 3.0
    one = PanelGrowthModel(1).fit(design, origin).predict(design)
    two = PanelGrowthModel(1).fit(scrambled, origin).predict(scrambled)
    pd.testing.assert_series_equal(one, two)
    assert len(one) == design["unique_id"].nunique()


def test_combination_weight_on_a_hand_computed_example():
    observed = [np.array([10.0, -10.0])]
    univariate = [np.array([0.0, 0.0])]
    panel = [np.array([10.0, -10.0])]
    assert combination_weight(univariate, panel, observed) == 1.0
    assert combination_weight(panel, univariate, observed) == 0.0
    # Halfway is best when the two err by the same amount in opposite directions.
    assert combination_weight([np.array([0.0])], [np.array([20.0])], [np.array([10.0])]) == 0.5
    assert combination_weight([], [], []) == 0.0


def _up_to(sample, year):
    return Dataset({name: frame[frame["year"] <= year] for name, frame in sample.tables.items()},
                   sample.source, sample.sha256, sample.synthetic_tables, sample.warnings)


def test_forecast_records_the_demand_model(sample):
    short = _up_to(sample, 2016)
    result = forecast_shortage(short, 2017, demand_model="combined", n_windows=2)
    assert result.demand_model["name"] == "combined"
    assert result.demand_model["panel_weight"] in (0.0, 0.25, 0.5, 0.75, 1.0)
    assert result.demand_model["panel_trained"] is True
    assert "momentum" in result.demand_model["features"]
    # The panel fits shared between threads give the same forecast as one after the other.
    threaded = forecast_shortage(short, 2017, demand_model="combined", n_windows=2, n_jobs=2)
    pd.testing.assert_frame_equal(threaded.table, result.table)
    assert threaded.demand_model == result.demand_model
    with pytest.raises(InputError, match="demand model 'neural'"):
        forecast_shortage(short, 2017, demand_model="neural")


def test_too_short_a_panel_keeps_the_univariate_growth_and_says_so(sample, monkeypatch):
    from forecast.shortage import demand_growth

    monkeypatch.setattr(demand_growth, "MIN_TRAINING_ROWS", 10**9)
    result = forecast_shortage(_up_to(sample, 2012), 2013, demand_model="combined", n_windows=1)
    assert result.demand_model["panel_trained"] is False
    assert result.demand_model["panel_weight"] == 0.0


def test_a_feature_missing_in_every_training_row_is_not_used_nor_listed(design):
    from forecast.shortage.demand_growth import trainable_features

    # As without a vacancies table: the rate and its change are missing everywhere.
    without = design.assign(vacancy_rate=np.nan, vacancy_rate_change=np.nan)
    listed = trainable_features(without, 2018, 2)
    assert "vacancy_rate" not in listed and "vacancy_rate_change" not in listed
    assert PanelGrowthModel(2).fit(without, 2018).features_ == listed
    # Known only after the origin's training rows (target years up to 2018): not used either.
    late = design.assign(wage_log_growth=design["wage_log_growth"].where(design["ds"] > 2016))
    assert "wage_log_growth" not in trainable_features(late, 2018, 2)
    assert "wage_log_growth" in trainable_features(late, 2020, 2)
    assert trainable_features(design, 2018, 2) == feature_columns(design)
