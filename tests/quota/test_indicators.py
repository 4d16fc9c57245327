"""Effectiveness indicators from the published quota history and the data."""

from __future__ import annotations

import pytest

import forecast
from forecast.quota.indicators import effectiveness_indicators, quota_history, utilisation


def test_utilisation_matches_the_published_figures():
    frame = utilisation().set_index(["indicator", "year"])
    assert frame.loc[("quota_utilisation", 2022), "value"] == pytest.approx(13400 / 21100, abs=1e-4)
    assert frame.loc[("quota_utilisation", 2019), "value"] == pytest.approx(20938 / 48700, abs=1e-4)
    assert frame.loc[("quota_percent_of_labour_force", 2023), "value"] == 0.24
    assert frame["source"].str.contains("quota_history_kz.csv").all()
    assert len(quota_history()) >= 13


def test_migration_indicators_and_proposal_share():
    data = forecast.load_sample()
    frame = effectiveness_indicators(data)
    share = frame[frame["indicator"] == "skilled_share_of_emigration"]["value"]
    assert len(share) > 10 and share.between(0, 1).all()
    assert {"net_skilled_migration", "permits_per_skilled_emigrant"} <= set(frame["indicator"])
    assert frame[frame["indicator"].str.startswith("skilled")]["source"].str.contains("synthetic").all()
