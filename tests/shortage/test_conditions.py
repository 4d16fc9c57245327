"""Current conditions and the next-year tier classifier."""

from __future__ import annotations

import numpy as np
import pytest

from forecast.shortage.conditions import (INDICATORS, current_conditions, fit_tier_classifier,
                                 predict_next_tiers, tier_backtest)
from forecast.shortage import build_series_panel
from forecast.shortage import TIERS


@pytest.fixture(scope="module")
def conditions(sample):
    return current_conditions(build_series_panel(sample))


def test_indicators_per_cell_and_year(conditions):
    assert set(INDICATORS) <= set(conditions.columns)
    assert len(conditions) == 20 * 21 * 3 * 25
    recent = conditions[conditions["year"] == 2024]
    assert recent["vacancy_rate"].dropna().between(0, 1).all()
    assert recent["vacancy_rate"].notna().mean() > 0.95
    assert recent["observed_tier"].isin(TIERS).all()


def test_next_tier_is_next_years_observed_tier(conditions):
    cell = conditions[(conditions["region"] == "KZ-75") & (conditions["sector"] == "J")
                      & (conditions["skill"] == "high")].set_index("year")
    assert cell.loc[2015, "next_tier"] == cell.loc[2016, "observed_tier"]
    assert cell.loc[2024, "next_tier"] is None or cell["next_tier"].isna().loc[2024]


def test_classifier_predicts_a_tier_per_cell(conditions):
    model = fit_tier_classifier(conditions, 2020)
    predicted = predict_next_tiers(model, conditions, 2020)
    assert len(predicted) == 1260 and predicted["year"].eq(2021).all()
    assert predicted["predicted_tier"].isin(TIERS).all()
    probabilities = predicted[[c for c in predicted.columns if c.startswith("p_")]].to_numpy()
    assert np.allclose(probabilities.sum(axis=1), 1.0)


def test_backtest_scores_macro_f1(conditions):
    scores = tier_backtest(conditions, [2020])
    assert scores["macro_f1_vs_observed"].between(0, 1).all()
    assert scores["persistence_macro_f1_vs_observed"].between(0, 1).all()


def test_no_history_to_train_on(conditions):
    with pytest.raises(ValueError, match="no year before 2001"):
        fit_tier_classifier(conditions, 2001)
