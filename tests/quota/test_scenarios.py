"""Named scenarios: the registry, their changes to the data and to the forecast."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import forecast
from forecast.inputs.errors import InputError
from forecast.quota.scenarios import SCENARIOS, adjust_flows, compare_scenarios, get_scenario
from test_quota_properties import synthetic_forecast  # sibling test module (rootdir on sys.path)


def test_registry_names_and_unknown_name():
    assert set(SCENARIOS) == {"baseline", "emigration_shock", "growth_slowdown",
                              "pension_age_change", "skilled_inflow_2022"}
    with pytest.raises(InputError, match="baseline"):
        get_scenario("meteor")


def test_data_scenarios_change_only_recent_skilled_flows():
    data = forecast.load_sample()
    shocked, _ = SCENARIOS["emigration_shock"].apply(data)
    before, after = data["migration"], shocked["migration"]
    changed = ~np.isclose(before["persons"], after["persons"])
    rows = before[changed]
    assert set(rows["flow"]) == {"emigration"} and set(rows["education"]) <= {"higher", "tvet"}
    assert rows["year"].min() > data.last_year - 3
    assert np.allclose(after.loc[changed, "persons"], 1.5 * rows["persons"])


def test_pension_age_change_lowers_retirement_exits():
    _, assumptions = SCENARIOS["pension_age_change"].apply(forecast.load_sample())
    assert assumptions.retirement_exit < forecast.Assumptions().retirement_exit


def test_flow_adjustment_recomputes_the_balance():
    base = synthetic_forecast(np.linspace(-300, 900, 18), 1e6)
    slowed = adjust_flows(base, {"expansion": 0.5})
    table = slowed.table
    assert np.allclose(table["expansion"], base.table["expansion"] * 0.5)
    assert np.allclose(table["shortage"], table["openings"] - table["seekers"])
    assert np.allclose(table["shortage_p90"] - table["shortage"],
                       base.table["shortage_p90"] - base.table["shortage"])
    assert (table["shortage"] <= base.table["shortage"]).all()
    with pytest.raises(InputError):
        adjust_flows(base, {"weather": 2})


def test_comparison_reports_differences_from_baseline():
    from forecast.quota import recommend_quota

    base = synthetic_forecast(np.linspace(-300, 900, 18), 1e6)
    results = {"baseline": recommend_quota(base),
               "growth_slowdown": recommend_quota(adjust_flows(base, {"expansion": 0.5}))}
    frame = compare_scenarios(results).set_index("scenario")
    assert frame.loc["baseline", "quota_change"] == 0
    assert frame.loc["growth_slowdown", "quota_change"] == (
        frame.loc["growth_slowdown", "quota"] - frame.loc["baseline", "quota"]) < 0
    assert isinstance(frame, pd.DataFrame)
