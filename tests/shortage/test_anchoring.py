"""The forecast balance mixed with the balance last observed: known answers and invariants."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from forecast.shortage import DRIVERS
from forecast.shortage.anchoring import (MIXED_COLUMNS, WEIGHTS, aligned_observed, anchor_weight,
                                         mix_with_observed)


def _balance(cells: list[tuple[str, str, str]], shortage: list[float]) -> pd.DataFrame:
    """A balance whose openings are the expansion and whose seekers are the graduates."""
    table = pd.DataFrame(cells, columns=["region", "sector", "skill"])
    for driver in DRIVERS:
        table[driver] = 0.0
    values = np.asarray(shortage, dtype=float)
    table["expansion"] = np.clip(values, 0, None) + 10.0
    table["graduates"] = np.clip(-values, 0, None) + 10.0
    table["openings"] = table["expansion"]
    table["seekers"] = table["graduates"]
    table["shortage"] = table["openings"] - table["seekers"]
    table["demand"] = 1000.0
    return table


CELLS = [("KZ-71", "F", "high"), ("KZ-71", "Q", "high"), ("KZ-75", "F", "medium")]


def test_weight_is_the_hand_computed_minimum():
    # Truth equals the observed-at-origin balance: the error of share w is w * |pred - anchor|
    # summed over positive parts, smallest at w = 0.
    predicted, anchor = [np.array([100.0, 0.0, 50.0])], [np.array([20.0, 10.0, 50.0])]
    assert anchor_weight(predicted, anchor, [anchor[0].copy()]) == 0.0
    # Truth equals the forecast: w = 1.
    assert anchor_weight(predicted, anchor, [predicted[0].copy()]) == 1.0
    # Truth halfway: w = 0.5 (|0.5*100 + 0.5*20 - 60| = 0, and so on for every cell).
    assert anchor_weight(predicted, anchor, [(predicted[0] + anchor[0]) / 2]) == 0.5


def test_only_the_positive_part_is_scored_and_ties_go_to_the_forecast():
    # Every mix is negative where the truth is 0: all shares tie, and the forecast is kept.
    assert anchor_weight([np.array([-50.0])], [np.array([-10.0])], [np.array([-30.0])]) == 1.0
    assert WEIGHTS[0] == 1.0


def test_missing_cells_are_left_out_and_nothing_usable_keeps_the_forecast():
    assert anchor_weight([], [], []) == 1.0
    assert anchor_weight([np.array([np.nan])], [np.array([5.0])], [np.array([5.0])]) == 1.0
    weight = anchor_weight([np.array([np.nan, 100.0])], [np.array([5.0, 20.0])],
                           [np.array([5.0, 20.0])])
    assert weight == 0.0


def test_mix_keeps_the_drivers_adding_up_and_cells_not_observed_keep_their_forecast():
    forecast = _balance(CELLS, [100.0, -40.0, 30.0])
    observed = _balance(CELLS[:2][::-1], [-20.0, 60.0])  # other order, third cell not observed
    aligned = aligned_observed(forecast, observed)
    assert aligned["shortage"].tolist()[:2] == [60.0, -20.0] and np.isnan(aligned["shortage"].iloc[2])
    mixed = mix_with_observed(forecast, aligned, 0.25)
    assert mixed["shortage"].tolist() == pytest.approx([0.25 * 100 + 0.75 * 60, 0.25 * -40 + 0.75 * -20, 30.0])
    openings = mixed[["expansion", "retirements", "deaths", "emigration", "unfilled"]].sum(axis=1)
    seekers = mixed[["graduates", "immigration", "internal_migration", "unemployed"]].sum(axis=1)
    np.testing.assert_allclose(openings, mixed["openings"])
    np.testing.assert_allclose(openings - seekers, mixed["shortage"])
    assert (mixed["demand"] == forecast["demand"]).all()
    assert set(MIXED_COLUMNS) <= set(mixed.columns)


def test_a_share_of_one_returns_the_forecast_unchanged():
    forecast = _balance(CELLS, [100.0, -40.0, 30.0])
    assert mix_with_observed(forecast, aligned_observed(forecast, _balance(CELLS, [1.0, 2.0, 3.0])), 1.0) is forecast


def test_the_forecast_records_the_share_it_chose(sample_forecast):
    share = sample_forecast.demand_model["balance_forecast_share"]
    assert share in WEIGHTS
