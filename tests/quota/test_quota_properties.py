"""Invariants of the quota under property-based tests, on small synthetic inputs.

Guaranteed: totals add up, no negative quota, every cap and floor respected, protected sectors get
zero, more need never gives a line less exact allocation (and at most one person less after
rounding), more shortage in a cell never lowers the total, and the same inputs give the same
proposal.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from forecast.quota.allocation import allocate
from forecast.quota.policy import Policy
from forecast.quota import recommend_quota
from quota_inputs import allocation_problems, synthetic_forecast

SETTINGS = settings(max_examples=40, deadline=None)


def _check(result, need, kinds):
    assert (result.quota >= 0).all()
    assert (result.exact <= need + 1e-6).all()
    assert (np.abs(result.quota - result.exact) < 1).all()
    assert result.quota.sum() == int(np.round(result.exact.sum()))
    for kind in kinds:
        totals = kind.sums(result.quota.astype(float))
        assert (totals <= kind.caps + 1e-9).all()
        assert (totals >= np.minimum(kind.floors, np.floor(kind.sums(need) + 1e-9)) - 1e-9).all()


@SETTINGS
@given(allocation_problems())
def test_allocation_respects_totals_caps_and_floors(problem):
    need, weight, kinds = problem
    _check(allocate(need, weight, kinds), need, kinds)


@SETTINGS
@given(allocation_problems(), st.data())
def test_more_need_never_gives_a_line_less(problem, data):
    need, weight, kinds = problem
    line = data.draw(st.integers(0, need.size - 1))
    more = need.copy()
    more[line] += data.draw(st.floats(0.5, 300))
    before, after = allocate(need, weight, kinds), allocate(more, weight, kinds)
    assert after.exact[line] >= before.exact[line] - 1e-6
    assert after.quota[line] >= before.quota[line] - 1
    assert after.exact.sum() >= before.exact.sum() - 1e-6


shortage_values = st.lists(st.floats(-500, 1500), min_size=18, max_size=18).map(np.array)
policies = st.builds(lambda cap, floor, region_cap: Policy(
    cap_percent_of_labour_force=cap, sector_floors={"Q": floor}, region_caps={"KZ-71": region_cap}),
    st.floats(0.01, 0.3), st.integers(0, 50), st.integers(50, 400))


@settings(max_examples=15, deadline=None)
@given(shortage_values, policies, st.data())
def test_proposal_invariants(shortages, policy, data):
    fc = synthetic_forecast(shortages, 1_000_000.0)
    proposal = recommend_quota(fc, policy)
    ceiling = proposal.attrs["cap"]
    for column in ("quota", "quota_low", "quota_high"):
        assert (proposal[column] >= 0).all() and proposal[column].sum() <= ceiling
    assert proposal.loc[proposal["sector"].isin(policy.protected_sectors), "quota"].eq(0).all()
    assert proposal.loc[proposal["region"] == "KZ-71", "quota"].sum() <= policy.region_caps["KZ-71"]
    health = proposal[proposal["sector"] == "Q"]
    assert health["quota"].sum() >= min(policy.sector_floors["Q"], int(np.floor(health["need"].sum())))
    # More shortage in one cell never lowers the total, nor the exact allocation of its sector
    # in its region.
    cell = data.draw(st.integers(0, 17))
    more = shortages.copy()
    more[cell] += data.draw(st.floats(1, 1000))
    bigger = recommend_quota(synthetic_forecast(more, 1_000_000.0), policy)
    assert bigger["quota"].sum() >= proposal["quota"].sum()
    region, sector = fc.table.loc[cell, "region"], fc.table.loc[cell, "sector"]
    pick = (proposal["region"] == region) & (proposal["sector"] == sector)
    assert bigger.loc[pick, "allocated"].sum() >= proposal.loc[pick, "allocated"].sum() - 1e-2
    pd.testing.assert_frame_equal(proposal, recommend_quota(fc, policy))


def test_a_cell_turning_barely_short_does_not_dilute_its_lines():
    # Found by the property above: a medium-skill cell going from balance to a shortage of one
    # used to join the category 3 line's evidence with all its demand, halve the line's
    # severity and, under a binding region cap, take quota away from its own sector.
    shortages = np.zeros(18)
    shortages[11], shortages[15] = 1.0, 166.0
    policy = Policy(cap_percent_of_labour_force=0.25, sector_floors={"Q": 0}, region_caps={"KZ-71": 50})
    before = recommend_quota(synthetic_forecast(shortages, 1_000_000.0), policy)
    more = shortages.copy()
    more[17] += 1.0
    after = recommend_quota(synthetic_forecast(more, 1_000_000.0), policy)
    pick = (before["region"] == "KZ-71") & (before["sector"] == "Q")
    assert after.loc[pick, "allocated"].sum() >= before.loc[pick, "allocated"].sum() - 1e-9
