"""The quota as policy: ranges that bracket, expected uptake, reallocation, the fee, seasonal work,
regulated professions, ceiling advice and the headline, on the sample and under hypothesis."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from forecast.inputs.errors import InputError
from forecast.quota import recommend_quota
from forecast.quota.allocation import allocate
from forecast.quota.fee import demand_under_fee, line_fees
from forecast.quota.headline import HEADLINE_STEPS, headline_table
from forecast.quota.policy import Policy, policy_from_mapping
from forecast.quota.ranges import bracket
from forecast.quota.uptake import demand_from_history, expected_uptake, reallocate
from quota_inputs import allocation_problems, synthetic_forecast

SETTINGS = settings(max_examples=40, deadline=None)


# --- on the sample -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def proposal(sample, sample_forecast):
    return recommend_quota(sample_forecast, Policy(), sample)


def _check_bracket(frame: pd.DataFrame) -> None:
    assert (frame["quota_low"] <= frame["quota"]).all() and (frame["quota"] <= frame["quota_high"]).all()
    for key in ("region", "sector", "category"):
        sums = frame.groupby(key)[["quota_low", "quota", "quota_high"]].sum()
        assert (sums["quota_low"] <= sums["quota"]).all() and (sums["quota"] <= sums["quota_high"]).all()


def test_sample_range_brackets_every_line_and_total_within_the_ceiling(proposal):
    _check_bracket(proposal)
    assert proposal["quota_high"].sum() <= proposal.attrs["cap"]
    assert proposal.attrs["totals"]["quota_high"] == proposal["quota_high"].sum()
    # The uncut need range is reported apart and is ordered.
    assert (proposal["need_low"] <= proposal["need"] + 1e-6).all()
    assert (proposal["need"] <= proposal["need_high"] + 1e-6).all()


def test_sample_uptake_never_exceeds_the_quota_and_totals_agree(proposal):
    assert (proposal["expected_uptake"] <= proposal["quota"] + 1e-6).all()
    assert (proposal["expected_unused"] >= -1e-6).all()
    assert (proposal["expected_uptake_fee"] <= proposal["expected_uptake"] + 1e-6).all()
    uptake = proposal.attrs["uptake"]
    assert uptake["quota"] == proposal["quota"].sum()
    assert uptake["expected_uptake"] + uptake["expected_unused"] == uptake["quota"]
    assert proposal["reallocated"].sum() == proposal["quota"].sum()


def test_sample_seasonal_lines_are_filled_from_permits_and_explained(proposal, sample,
                                                                     sample_forecast):
    seasonal = proposal[proposal["category"] == "seasonal"]
    filled = seasonal[seasonal["quota"] > 0]
    assert set(filled["sector"]) <= set(Policy().seasonal_sectors)
    # A seasonal line's need is the larger of the permits' and the shortage's, and says which.
    assert set(filled["need_source"]) <= {"seasonal permits", "shortage"}
    from_permits = filled[filled["need_source"] == "seasonal permits"]
    assert from_permits["quota"].sum() > 500 and len(from_permits) > len(filled) / 2
    assert from_permits["reason"].str.contains("seasonal permits").all()
    # Without the permits table the seasonal lines fall back to the shortage alone.
    alone = recommend_quota(sample_forecast, Policy(seasonal_from_permits=False), sample)
    assert alone.query("category == 'seasonal'")["need_source"].eq("shortage").all()
    assert alone.query("category == 'seasonal'")["quota"].sum() < filled["quota"].sum()


def test_sample_regulated_professions_are_capped_and_named(proposal):
    regulated = proposal[proposal["sector"].isin(["P", "Q"]) & proposal["category"].isin(["3", "4"])]
    assert (regulated["regulated_share"] == 0.5).all()
    assert (regulated["eligible_need"] <= 0.5 * regulated["need"] + 0.1).all()  # both rounded
    named = proposal[proposal["binding_constraint"] == "regulated profession"]
    assert named["reason"].str.contains("regulated-profession").all()


def test_closed_regulated_professions_get_zero_and_say_why(sample, sample_forecast):
    closed = recommend_quota(sample_forecast, Policy(regulated_share={"Q": 0.0}), sample)
    lines = closed[(closed["sector"] == "Q") & closed["category"].isin(["3", "4"])]
    assert lines["quota"].eq(0).all() and lines["reallocated"].eq(0).all()
    assert (lines.loc[lines["need"] > 0, "binding_constraint"] == "regulated profession").all()


def test_sample_headline_adds_up_to_the_proposal_and_the_uptake(proposal):
    rows = pd.DataFrame(proposal.attrs["headline"]).set_index("item")
    assert list(rows.index) == [item for item, _ in HEADLINE_STEPS]
    running = None
    for item, kind in HEADLINE_STEPS:
        value = rows.loc[item, "persons"]
        if kind == "start":
            running = value
        elif kind == "step":
            running += value
        elif kind == "subtotal":
            assert running == value, item
    assert rows.loc["proposal", "persons"] == proposal["quota"].sum()
    assert rows.loc["uptake", "persons"] == proposal.attrs["uptake"]["expected_uptake"]
    assert rows.loc["net_shortage", "persons"] == rows.loc["gross_shortage", "persons"] + rows.loc["surplus", "persons"]


def test_a_cut_under_half_a_person_is_shown_as_rounding_not_as_a_cut():
    shortage = np.array([100.0, 0.0])
    stages = {"need_from_shortage": 30.0, "foreign_need": 30.0, "after_protected": 30.0,
              "after_regulated": 30.0, "eligible_need": 23913.4, "allocated": 23913.6,
              "proposal": 23914.0, "uptake": 9401.0}
    rows = headline_table(shortage, np.array([True, True]), stages, 0.7, 1.0).set_index("item")
    assert rows.loc["ceiling_cut", "persons"] == 0
    assert rows.loc["rounding", "persons"] == 1
    assert rows.loc["eligible_need", "persons"] + 1 == rows.loc["proposal", "persons"]
    stages["allocated"] = 20000.2  # a real cut stays a cut
    rows = headline_table(shortage, np.array([True, True]), stages, 0.7, 1.0).set_index("item")
    assert rows.loc["ceiling_cut", "persons"] == 20000 - 23913


def test_the_lines_rounding_goes_to_the_domestic_measures_not_to_a_rule_that_did_nothing():
    # 100 persons short, 30 left after domestic measures (exactly); the lines write 30.4 of it.
    # No seasonal need, no protected sector, no local-content cut: those steps read 0, and
    # every step still adds up to its subtotal.
    shortage = np.array([100.0, 0.0])
    stages = {"need_from_shortage": 30.4, "need_from_shortage_exact": 30.0, "foreign_need": 30.4,
              "after_protected": 30.4, "after_regulated": 30.4, "eligible_need": 30.4,
              "allocated": 30.4, "proposal": 30.0, "uptake": 20.0}
    rows = headline_table(shortage, np.array([True, True]), stages, 0.7, 1.0).set_index("item")["persons"]
    for item in ("left_to_wages", "seasonal_permits", "protected", "regulated", "local_content", "ceiling_cut"):
        assert rows[item] == 0, item
    assert rows["domestic_measures"] == -70 and rows["need_from_shortage"] == 30


def test_a_rule_that_changes_no_line_reads_zero_in_the_sample_headline(proposal):
    headline = {row["item"]: row["persons"] for row in proposal.attrs["headline"]}
    # The local-content rule binds on no line of the sample: its step is 0, not the -1 that the
    # lines' rounding used to put there.
    assert not (proposal["binding_constraint"] == "local content").any()
    assert headline["local_content"] == 0


def test_sample_tiers_agree_with_the_numbers_on_their_line(proposal):
    from_shortage = proposal[(proposal["quota"] > 0) & (proposal["need_source"] == "shortage")]
    assert (from_shortage["tier"] != "surplus").all()
    assert (from_shortage["shortage_planned"] > 0).all()


def test_ceiling_advice_appears_when_the_ceiling_binds(sample, sample_forecast):
    tight = recommend_quota(sample_forecast, Policy(cap_percent_of_labour_force=0.1), sample)
    advice = tight.attrs["ceiling_advice"]
    assert advice["binding"] and advice["excess"] > 0
    assert advice["excess"] == advice["eligible_need"] - advice["ceiling"]
    assert advice["percent_needed"] * sample_forecast.labour_force / 100 >= advice["eligible_need"] - 1
    assert advice["by_region"] and advice["by_sector"]
    _check_bracket(tight)
    assert tight["quota_high"].sum() <= tight.attrs["cap"]


def test_fee_scenario_compares_quota_only_with_quota_plus_fee(proposal):
    rows = {row["scenario"]: row for row in proposal.attrs["fee_scenario"]}
    only, fee = rows["quota only"], rows["quota plus fee"]
    assert only["fee_revenue"] == 0 and fee["fee_revenue"] > 0
    assert fee["expected_uptake"] <= only["expected_uptake"]
    assert fee["unused"] >= only["unused"]
    assert only["expected_uptake"] == proposal.attrs["uptake"]["expected_uptake"]


def test_new_policy_keys_are_documented_validated_and_read():
    policy = policy_from_mapping({"regulated": {"share": {"Q": 0.0}, "categories": ["3"]},
                                  "fee": {"elasticity": 1.5}, "uptake": {"history_years": 5}})
    assert policy.regulated_share == {"Q": 0.0} and policy.regulated_categories == ("3",)
    assert policy.fee_elasticity == 1.5 and policy.history_years == 5
    for document, words in (({"regulated": {"share": {"Z": 0.5}}}, "regulated_share"),
                            ({"regulated": {"share": {"Q": 1.5}}}, "regulated_share"),
                            ({"regulated": {"categories": ["9"]}}, "regulated_categories"),
                            ({"uptake": {"history_years": 0}}, "history_years"),
                            ({"uptake": {"new_line_utilisation": 2}}, "new_line_utilisation"),
                            ({"fee": {"elasticity": -1}}, "fee_elasticity"),
                            ({"fee": {"nonsense": 1}}, "fee.nonsense")):
        with pytest.raises(InputError, match=words):
            policy_from_mapping(document, "my.toml")


# --- invariants under hypothesis -----------------------------------------------------------


shortage_values = st.lists(st.floats(-500, 1500), min_size=18, max_size=18).map(np.array)
policies = st.builds(lambda cap, floor, region_cap, share: Policy(
    cap_percent_of_labour_force=cap, sector_floors={"Q": floor}, region_caps={"KZ-71": region_cap},
    regulated_share={"Q": share}),
    st.floats(0.01, 0.3), st.integers(0, 50), st.integers(50, 400), st.sampled_from([0.0, 0.3, 1.0]))


@settings(max_examples=15, deadline=None)
@given(shortage_values, policies)
def test_proposal_brackets_and_keeps_protected_and_capped_lines_in_bounds(shortages, policy):
    proposal = recommend_quota(synthetic_forecast(shortages, 1_000_000.0), policy)
    _check_bracket(proposal)
    for column in ("quota", "quota_low", "quota_high", "reallocated"):
        assert proposal[column].sum() <= proposal.attrs["cap"]
        assert proposal.loc[proposal["region"] == "KZ-71", column].sum() <= policy.region_caps["KZ-71"]
    assert proposal.loc[proposal["sector"].isin(policy.protected_sectors),
                        ["quota", "quota_high", "reallocated"]].eq(0).all().all()
    regulated = proposal[(proposal["sector"] == "Q") & proposal["category"].isin(["3", "4"])]
    assert (regulated["quota"] <= np.ceil(policy.regulated_share["Q"] * regulated["need"] + 1e-6)).all()
    assert (regulated["reallocated"] <= np.floor(regulated["eligible_need"] + 1e-6)
            .clip(lower=regulated["quota"])).all()
    assert (proposal["expected_uptake"] <= proposal["quota"] + 1e-6).all()
    rows = pd.DataFrame(proposal.attrs["headline"])
    steps = rows[rows["kind"].isin(["start", "step"])]["persons"].sum()
    assert steps == proposal.attrs["uptake"]["expected_uptake"]


@st.composite
def problems(draw):
    """An allocation problem (:func:`quota_inputs.allocation_problems`) and each line's
    employer demand for permits."""
    need, weight, kinds = draw(allocation_problems())
    demand = np.array(draw(st.lists(st.floats(0, 300), min_size=len(need), max_size=len(need))))
    return need, weight, kinds, demand


@SETTINGS
@given(problems())
def test_reallocation_preserves_totals_caps_and_floors(problem):
    need, weight, kinds, demand = problem
    result = allocate(need, weight, kinds)
    moved = reallocate(result.quota, demand, need, result.lower, kinds)
    assert moved.sum() == result.quota.sum() and (moved >= 0).all()
    uptake = expected_uptake(result.quota, demand)
    gave = moved < result.quota
    assert (moved[gave] >= np.minimum(result.quota, np.ceil(uptake - 1e-9))[gave]).all()
    assert (moved >= np.minimum(result.quota, np.ceil(result.lower - 1e-9))).all()
    got = moved > result.quota
    assert (moved[got] <= np.floor(np.minimum(need, demand) + 1e-9)[got]).all()
    for kind in kinds:
        totals = kind.sums(moved.astype(float))
        assert (totals <= kind.caps + 1e-9).all()
        assert (totals >= np.minimum(kind.floors, np.floor(kind.sums(need) + 1e-9)) - 1e-9).all()


@SETTINGS
@given(problems(), st.floats(0, 5))
def test_the_range_brackets_and_stays_within_every_cap(problem, spread):
    need, weight, kinds, _ = problem
    central = allocate(need, weight, kinds).quota
    low = allocate(need / (1 + spread), weight, kinds).quota
    high = allocate(need * (1 + spread), weight, kinds).quota
    quota_low, quota_high = bracket(central, low, high, kinds)
    assert (quota_low <= central).all() and (central <= quota_high).all()
    for kind in kinds:
        assert (kind.sums(quota_high.astype(float)) <= np.maximum(kind.caps, kind.sums(central.astype(float))) + 1e-9).all()


fees = st.lists(st.floats(0, 5e6), min_size=6, max_size=6).map(np.array)


@SETTINGS
@given(fees, fees, st.floats(0, 5), st.lists(st.integers(0, 500), min_size=6, max_size=6))
def test_a_higher_fee_never_raises_expected_uptake(fee, extra, elasticity, quota):
    demand = np.array([10.0, 0.0, 300.0, 55.5, 1.0, 1000.0])
    cost = np.array([1e6, 2e6, np.nan, 5e5, 3e6, 1e6])
    quota = np.array(quota)
    before = expected_uptake(quota, demand_under_fee(demand, fee, cost, elasticity))
    after = expected_uptake(quota, demand_under_fee(demand, fee + extra, cost, elasticity))
    assert (after <= before + 1e-9).all() and (after >= 0).all() and (after <= quota).all()


def test_fee_follows_the_wage_gap_and_the_tier():
    policy = Policy()
    wage = np.array([[100_000.0, np.nan]])
    tiers = np.array(["severe shortage", "balance", "surplus", "shortage", "balance", "surplus",
                      "shortage", "balance", "surplus", "balance"])
    fee, cost = line_fees(wage, tiers, policy, 5)
    gap = 12 * 100_000 * (1 - policy.foreign_wage_ratio - policy.hire_cost_share)
    assert fee[0] == pytest.approx(0.5 * gap) and fee[1] == pytest.approx(gap)
    assert fee[2] == pytest.approx(2 * gap)
    assert (fee[5:] == 0).all() and np.isnan(cost[5:]).all()
    assert line_fees(None, tiers, policy, 5)[0].sum() == 0


def test_employer_demand_uses_permits_history_or_the_national_utilisation():
    quota = np.array([10.0, 10.0, 0.0])
    demand = demand_from_history(np.array([4.0, 0.0, 3.0]), np.array([1.5, 2.0, 1.0]), quota, 0.6)
    assert demand.tolist() == [6.0, 6.0, 3.0]
    assert demand_from_history(None, np.ones(3), quota, 0.6).tolist() == [6.0, 6.0, 0.0]
    assert expected_uptake(quota, demand).tolist() == [6.0, 6.0, 0.0]


def test_the_lines_rounding_of_the_eligible_need_is_no_cut():
    # 2,100 lines written to 0.1 person sum to 23,913.4 where the exact need is 23,914.0; the
    # allocation gives the exact need in full: nothing was cut, and the headline says so.
    shortage = np.array([100.0, 0.0])
    stages = {"need_from_shortage": 30.0, "foreign_need": 30.0, "after_protected": 30.0,
              "after_regulated": 30.0, "eligible_need": 23913.4, "eligible_exact": 23914.0,
              "allocated": 23914.0, "proposal": 23914.0, "uptake": 9401.0}
    rows = headline_table(shortage, np.array([True, True]), stages, 0.7, 1.0).set_index("item")
    assert rows.loc["ceiling_cut", "persons"] == 0
    assert rows.loc["eligible_need", "persons"] + rows.loc["rounding", "persons"] == 23914
    stages["allocated"] = 20000.0  # a cut of 3,914 exact persons, from the written 23,913
    rows = headline_table(shortage, np.array([True, True]), stages, 0.7, 1.0).set_index("item")
    assert rows.loc["ceiling_cut", "persons"] == round(23913.4 - 3914.0) - 23913


def test_the_ceiling_advice_quotes_the_written_need_and_cuts_only_what_the_allocation_cut():
    from forecast.quota.ranges import ceiling_advice

    lines = pd.DataFrame({"region": ["KZ-71", "KZ-75"], "sector": ["C", "F"]})
    eligible = np.array([1000.46, 1000.46])     # written 1,000.5 each: 2,001.0 in all
    advice = ceiling_advice(lines, eligible, eligible.copy(), 5000, 1e6, eligible_total=2001.0)
    assert advice["eligible_need"] == 2001 and advice["cut"] == 0
    assert advice["by_region"] == [] and advice["by_sector"] == [] and not advice["binding"]
    advice = ceiling_advice(lines, eligible, np.array([1000.46, 400.46]), 1400, 1e6,
                            eligible_total=2001.0)
    assert advice["binding"] and advice["excess"] == 601 and advice["cut"] == 600
    assert advice["by_sector"] == [{"sector": "F", "cut": 600}]
    assert advice["percent_needed"] == 0.21      # 2,001 of a million, up to the hundredth
