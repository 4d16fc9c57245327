"""The quota proposal on the sample: shape, totals, constraints, explanations, comparison."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import forecast
from forecast.inputs.errors import InputError
from forecast.quota.policy import Policy
from forecast.quota import recommend_quota
from forecast.quota.backtest import (RULES, backtest_quota, observed_need, rank_correlation, scores,
                                     true_need, truncate, vacancies_need)
from forecast.quota.status_quo import line_grid
from forecast.quota.ranking import rank_demand
from forecast.inputs.regions import region_codes
from forecast.quota.status_quo import last_year_quota, status_quo_quota

YEAR = 2025


@pytest.fixture(scope="module")
def sample():
    return forecast.load_sample()


@pytest.fixture(scope="module")
def shortage(sample):
    return forecast.forecast_shortage(sample, YEAR)


@pytest.fixture(scope="module")
def proposal(shortage):
    return recommend_quota(shortage)


def test_one_line_per_region_sector_category_with_contract_columns(proposal):
    assert len(proposal) == 20 * 21 * 5
    assert not proposal.duplicated(["region", "sector", "category"]).any()
    for column in ("region", "sector", "category", "quota", "quota_low", "quota_high", "shortage",
                   "tier", "reason", "driver_type", "binding_constraint", "fee_multiplier"):
        assert column in proposal
    assert proposal["quota"].dtype.kind == "i"


def test_totals_add_up_within_the_ceiling_and_no_line_is_negative(proposal):
    for column in ("quota", "quota_low", "quota_high"):
        assert (proposal[column] >= 0).all()
        assert proposal[column].sum() <= proposal.attrs["cap"]
        assert proposal[column].sum() == proposal.attrs["totals"][column]
    assert proposal["quota_low"].sum() <= proposal["quota"].sum() <= proposal["quota_high"].sum()
    assert (np.abs(proposal["quota"] - proposal["allocated"]) < 1).all()


def test_every_line_is_explained(proposal):
    assert proposal["reason"].str.len().gt(20).all()
    given = proposal[proposal["quota"] > 0]
    assert given["reason"].str.contains("from abroad").all()
    assert set(proposal["driver_type"]) <= {"retention gap", "suitability gap", "long training gap",
                                            "short training gap", "no gap"}
    assert (given["driver_type"] != "no gap").all()


def test_protected_and_closed_lines_get_zero(proposal):
    policy = Policy()
    assert proposal.loc[proposal["sector"].isin(policy.protected_sectors), "quota"].eq(0).all()
    closed = (proposal["category"] == "seasonal") & ~proposal["sector"].isin(policy.seasonal_sectors)
    assert proposal.loc[closed, "quota_high"].eq(0).all()


def test_fee_multiplier_follows_the_tier(proposal):
    fees = Policy().fee_multiplier
    assert (proposal["fee_multiplier"] == proposal["tier"].map(fees)).all()


def test_a_binding_ceiling_cuts_by_severity_and_keeps_floors_and_caps(shortage):
    full = recommend_quota(shortage)
    policy = Policy(cap_percent_of_labour_force=0.02, sector_floors={"F": 150},
                    region_caps={"KZ-75": 40}, priority={"Q": 3.0})
    cut = recommend_quota(shortage, policy)
    assert cut.attrs["cap_binding"] and cut["quota"].sum() == cut.attrs["cap"]
    assert (cut["quota"] <= np.ceil(cut["need"] + 1e-6)).all()
    assert cut.loc[cut["region"] == "KZ-75", "quota"].sum() <= 40
    sector_f = cut.loc[cut["sector"] == "F"]
    assert sector_f["quota"].sum() >= min(150, int(np.floor(sector_f["need"].sum())))
    assert "national ceiling" in set(cut["binding_constraint"])
    assert cut["reason"][cut["binding_constraint"] == "national ceiling"].str.contains("ceiling").all()
    # Priority: health keeps a larger share of its need than the average line.
    kept = cut.groupby("sector")["allocated"].sum() / full.groupby("sector")["allocated"].sum()
    assert kept["Q"] > kept.drop("Q").mean()


def test_floors_above_the_ceiling_are_refused(shortage):
    need = recommend_quota(shortage)["need"].sum()
    policy = Policy(cap_percent_of_labour_force=0.001, sector_floors={"Q": float(need)})
    with pytest.raises(InputError, match="floors"):
        recommend_quota(shortage, policy)


def test_same_inputs_same_proposal(shortage, proposal):
    again = recommend_quota(shortage)
    pd.testing.assert_frame_equal(proposal, again)


def test_status_quo_is_a_share_of_the_labour_force_split_by_region(shortage, proposal):
    policy = Policy()
    total = int(np.floor(shortage.labour_force * policy.status_quo_percent / 100))
    status = status_quo_quota(shortage, policy)
    assert status.sum() == total and (proposal["status_quo"].to_numpy() == status).all()
    by_region = proposal.groupby("region")["status_quo"].sum()
    demand = shortage.table.groupby("region")["demand"].sum()
    assert np.allclose(by_region / total, demand / demand.sum(), atol=2e-3)


def test_last_year_quota_spreads_the_published_total(sample, shortage):
    last, info = last_year_quota(sample, YEAR, shortage, Policy())
    published = sample["quota"].query("year == 2024 and region == 'KZ'")["quota"].iloc[0]
    assert info["year"] == 2024 and last.sum() == published


def test_ranking_orders_by_intensity_with_evidence(shortage, proposal):
    ranking = rank_demand(shortage, proposal)
    sectors = ranking["sectors"]
    assert list(sectors["rank"]) == list(range(1, 22))
    assert sectors["intensity"].is_monotonic_decreasing
    assert sectors["quota"].sum() == proposal["quota"].sum()
    assert len(ranking["regions"]) == 20


def test_backtest_pieces_see_no_future_and_score_correctly(sample):
    cut = truncate(sample, 2018)
    assert all(frame["year"].max() <= 2018 for frame in cut.tables.values())
    need = true_need(forecast.load_truth(), 2019, Policy())
    assert need.shape == (2100,) and (need >= 0).all()
    result = scores(np.array([2.0, 0.0, 5.0]), np.array([1.0, 3.0, 5.0]), np.array(["a", "a", "b"]))
    assert result["unused"] == 1 and result["unmet"] == 3
    assert result["allocation_error"] == pytest.approx(4 / 9)
    assert result["region_allocation_error"] == pytest.approx(2 / 9)
    # Shares 2/7, 0, 5/7 against 1/9, 3/9, 5/9.
    assert result["distribution_error"] == pytest.approx(0.5 * (11 / 63 + 21 / 63 + 10 / 63))
    same_shares = scores(np.array([2.0, 6.0]), np.array([1.0, 3.0]), np.array(["a", "b"]))
    assert same_shares["distribution_error"] == pytest.approx(0.0)


def test_true_need_leaves_out_what_regulated_professions_cannot_fill():
    truth = pd.DataFrame({"region": ["KZ-75", "KZ-75", "KZ-75"], "sector": ["Q", "Q", "C"],
                          "skill": ["high", "medium", "high"], "year": [2019] * 3,
                          "shortage": [1000.0, 400.0, 1000.0]})
    policy = Policy()  # domestic share 0.7; Q at half of its need in categories 3 and 4
    grid = line_grid().assign(need=true_need(truth, 2019, policy))
    lines = grid.set_index(["region", "sector", "category"])["need"]
    # High skill: 300 foreign need, 5% / 25% / 70% to categories 1 / 2 / 3.
    assert lines[("KZ-75", "C", "3")] == pytest.approx(210.0)
    assert lines[("KZ-75", "Q", "1")] == pytest.approx(15.0)
    assert lines[("KZ-75", "Q", "2")] == pytest.approx(75.0)
    # Category 3 takes 70% of high (210) and 35% of medium (42), halved; category 4 65% of
    # medium (78), halved.
    assert lines[("KZ-75", "Q", "3")] == pytest.approx((210.0 + 42.0) / 2)
    assert lines[("KZ-75", "Q", "4")] == pytest.approx(78.0 / 2)
    unregulated = true_need(truth, 2019, policy.with_changes(regulated_share={}))
    assert unregulated.sum() == pytest.approx(300.0 + 120.0 + 300.0)


def test_rank_correlation_of_intensities_on_a_hand_computed_example():
    skilled = np.array([10.0, 20.0, 40.0, 0.0])
    need = np.array([5.0, 4.0, 2.0, 9.0])       # intensities 0.5, 0.2, 0.05 (last line has none)
    quota = np.array([1.0, 3.0, 2.0, 7.0])      # intensities 0.1, 0.15, 0.05
    # Ranks of need intensity 3, 2, 1 against quota intensity 2, 3, 1: rho = 1 - 6 * 2 / 24.
    assert rank_correlation(quota, need, skilled) == pytest.approx(0.5)
    assert rank_correlation(need, need, skilled) == pytest.approx(1.0)
    # A quota of zero ranks nothing, and without employment there is no intensity.
    assert np.isnan(rank_correlation(np.zeros(4), need, skilled))
    assert np.isnan(scores(quota, need, np.array(list("aabb")))["rank_correlation"])


def test_last_vacancies_rule_spreads_the_total_like_last_years_vacancies():
    grid = line_grid()
    vacancies = pd.DataFrame({"region": ["KZ-75", "KZ-75", "KZ-71"], "sector": ["F", "F", "C"],
                              "skill": ["high", "medium", "high"], "year": [2020, 2020, 2020],
                              "vacancies": [30.0, 10.0, 60.0]})
    policy = Policy()
    rule = vacancies_need({"vacancies": vacancies}, 2020, 500.0, policy, set(region_codes()))
    assert rule.sum() == pytest.approx(500.0) and (rule >= 0).all()
    lines = grid.assign(value=rule).groupby(["region", "sector"])["value"].sum()
    # Every skill level feeds a category, so each cell keeps its share of the vacancies.
    assert lines[("KZ-75", "F")] == pytest.approx(200.0)
    assert lines[("KZ-71", "C")] == pytest.approx(300.0)
    assert vacancies_need({}, 2020, 500.0, policy, set(region_codes())).sum() == 0


def test_backtest_reports_every_reference(sample):
    result = backtest_quota(sample, forecast.load_truth(), [2021], with_hindsight=False)
    assert set(result.summary["rule"]) == set(RULES) - {"hindsight_trend"}
    zero = result.summary.set_index("rule").loc["zero"]
    assert zero["allocation_error"] == pytest.approx(1.0) and zero["unused"] == 0
    assert result.by_origin["rank_correlation"].notna().sum() >= 3


def test_true_need_is_put_on_the_units_the_forecast_was_made_on():
    truth = forecast.load_truth()
    policy = Policy()
    current = true_need(truth, 2019, policy).reshape(20, 21, -1)
    units = set(region_codes()) - {"KZ-10", "KZ-33", "KZ-62"}
    then = true_need(truth, 2019, policy, units=units).reshape(20, 21, -1)
    codes = region_codes()
    for child in ("KZ-10", "KZ-33", "KZ-62"):
        assert then[codes.index(child)].sum() == 0
    untouched = [codes.index(c) for c in units - {"KZ-63", "KZ-19", "KZ-35"}]
    np.testing.assert_allclose(then[untouched], current[untouched])
    # Need is the positive part of the merged shortage: never more than the parts' needs.
    for parent, child in (("KZ-63", "KZ-10"), ("KZ-19", "KZ-33"), ("KZ-35", "KZ-62")):
        merged = then[codes.index(parent)]
        parts = current[codes.index(parent)] + current[codes.index(child)]
        assert (merged <= parts + 1e-9).all()


def test_backtest_without_a_truth_scores_against_the_need_observed_afterwards(sample):
    policy = Policy()
    need = observed_need(sample, 2024, policy)
    assert need.shape == (2100,) and (need >= 0).all() and need.sum() > 0
    # The observed balance of a year needs only the data up to it.
    np.testing.assert_allclose(observed_need(truncate(sample, 2024), 2024, policy), need)
    reported = []
    result = backtest_quota(sample, None, [2023], policy=policy, progress=reported.append)
    assert reported == ["back-test: origin 2023, quota 2024 scored"]
    assert result.basis == "observed" and "observed afterwards" in result.definition
    assert list(result.by_origin["rule"]) == ["recommendation", "status_quo", "zero", "last_year_need",
                                              "last_vacancies"]
    assert result.by_origin["need"].iloc[0] == pytest.approx(need.sum())
    last = result.by_origin.set_index("rule").loc["last_year_need", "quota"]
    assert last == pytest.approx(observed_need(sample, 2023, policy).sum())
    with pytest.raises(InputError, match="not observed yet"):
        backtest_quota(sample, None, [2024], policy=policy)


def test_floors_above_the_ceiling_are_refused_naming_the_key(shortage):
    policy = Policy(region_floors={"KZ-75": 10_000_000})
    with pytest.raises(InputError, match=r"policy \[regions\] floors add up to 10,000,000 persons, "
                                         r"above the national ceiling"):
        recommend_quota(shortage, policy)


def test_backtest_reports_the_error_floor_the_ceiling_imposes(sample):
    tight = Policy(cap_percent_of_labour_force=0.01)
    result = backtest_quota(sample, forecast.load_truth(), [2021], policy=tight, with_hindsight=False)
    row = result.by_origin.iloc[0]
    assert row["ceiling_error_floor"] == pytest.approx((row["need"] - row["ceiling"]) / row["need"])
    within = result.by_origin[result.by_origin["rule"].isin(["recommendation", "zero"])]
    assert (within["allocation_error"] >= within["ceiling_error_floor"] - 1e-9).all()


def _backtest_of(regions_by_origin: dict[int, int]):
    from forecast.quota.backtest import QuotaBacktest

    rows = [{"origin": o, "year": o + 1, "rule": rule, "regions": n, "need": 10.0, "quota": 5.0,
             "unused": 1.0, "unmet": 6.0, "allocation_error": 0.7, "distribution_error": 0.2,
             "rank_correlation": 0.5}
            for o, n in regions_by_origin.items() for rule in ("recommendation", "last_year_need")]
    by_origin = pd.DataFrame(rows)
    summary = by_origin.groupby("rule", sort=False)[["need", "quota", "unused", "unmet",
                                                     "allocation_error"]].sum().reset_index()
    summary["mean_distribution_error"], summary["mean_rank_correlation"] = 0.2, 0.5
    return QuotaBacktest(by_origin, summary, "definition")


def test_the_quota_back_test_says_where_the_regions_changed_between_its_origins():
    from forecast.deliverables.i18n import Labels
    from forecast.pipeline.quota_job import backtest_piece

    t = Labels("en")
    changed = backtest_piece(_backtest_of({2020: 17, 2021: 17, 2022: 20, 2023: 20}), t)
    assert changed["boundary_change"] == t("backtest.boundary_change", last_before=2021,
                                           first_after=2022, before=17, after=20)
    assert "2021 and 2022 (17 regions, then 20)" in changed["boundary_change"]
    # Shown after the definition, before the tables.
    assert list(changed) == ["definition", "boundary_change", "by_year", "pooled"]
    unchanged = backtest_piece(_backtest_of({2022: 20, 2023: 20}), t)
    assert "boundary_change" not in unchanged


def test_the_back_test_records_the_regions_each_forecast_was_made_on(sample):
    result = backtest_quota(sample, forecast.load_truth(), [2021, 2022], with_hindsight=False)
    regions = result.by_origin.groupby("origin")["regions"].unique()
    assert [list(v) for v in regions] == [[17], [20]]  # before and after the 2022 split
