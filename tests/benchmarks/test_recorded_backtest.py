"""The benchmarks' back-test with options: every forecast gets them, and the library is put back."""

from __future__ import annotations

from types import SimpleNamespace

import pandas as pd

import forecast.quota.backtest as quota_backtest
from benchmarks.quota.recorded import recorded_backtest


def test_every_forecast_gets_the_options_and_the_back_test_is_put_back(monkeypatch):
    calls = []

    def fake_forecast(data, year, **kwargs):
        calls.append(kwargs)
        return SimpleNamespace(year=year, chose=kwargs["n_windows"] * 10)

    def fake_backtest(data, truth, origins, *, policy, with_hindsight):
        assert with_hindsight is False and policy == "policy"
        for origin in origins:
            quota_backtest.forecast_shortage(data, origin + 1, n_windows=4, memo=None)
        return SimpleNamespace(summary=pd.DataFrame({"rule": ["recommendation"], "allocation_error": [0.5]}))

    monkeypatch.setattr(quota_backtest, "forecast_shortage", fake_forecast)
    monkeypatch.setattr(quota_backtest, "backtest_quota", fake_backtest)
    summary, recorded, seconds = recorded_backtest("data", None, [2018, 2019], "policy", {"n_windows": 6},
                                                   lambda result: result.chose)
    assert [call["n_windows"] for call in calls] == [6, 6] and all("memo" in call for call in calls)
    assert recorded == [60, 60] and summary.loc["recommendation", "allocation_error"] == 0.5
    assert seconds >= 0 and quota_backtest.forecast_shortage is fake_forecast
