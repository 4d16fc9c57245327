"""How ``benchmarks.worlds.run`` scores a quota against a world's need: hand-computed cases."""

from __future__ import annotations

import pandas as pd
import pytest

from benchmarks.worlds.run import (last_vacancies_lines, scores, skilled_demand, world_need_lines,
                                   world_targets)

POLICY = {"domestic": {"domestic_share": 0.7, "foreign_share": 1.0},
          "sectors": {"protected": ["O", "U"], "seasonal": ["A", "F"]},
          "regulated": {"share": {"Q": 0.5}, "categories": ["3", "4"]}}


def _need(rows):
    return pd.DataFrame(rows, columns=["region", "sector", "skill", "year", "need", "vacancies",
                                       "demand"])


def test_world_need_goes_through_the_recommendations_need_rule():
    need = _need([("KZ-75", "C", "high", 2025, 1000.0, 0.0, 0.0),
                  ("KZ-75", "C", "low", 2025, 500.0, 0.0, 0.0),     # low skill, not seasonal
                  ("KZ-75", "F", "low", 2025, 100.0, 0.0, 0.0),     # low skill, seasonal
                  ("KZ-75", "O", "high", 2025, 800.0, 0.0, 0.0),    # protected
                  ("KZ-75", "Q", "high", 2025, 1000.0, 0.0, 0.0),   # regulated
                  ("KZ-75", "Q", "medium", 2025, -50.0, 0.0, 0.0),  # a surplus counts as none
                  ("KZ-75", "C", "high", 2024, 9000.0, 0.0, 0.0)])  # another year
    lines = world_need_lines(need, 2025, POLICY)
    assert lines[("KZ-75", "C")] == pytest.approx(300.0)
    assert lines[("KZ-75", "F")] == pytest.approx(30.0)
    assert lines[("KZ-75", "O")] == 0.0
    # High skill goes 5% / 25% / 70% to categories 1 / 2 / 3; category 3 of Q at half.
    assert lines[("KZ-75", "Q")] == pytest.approx(300.0 * (0.05 + 0.25 + 0.70 / 2))


def test_last_vacancies_rule_spreads_the_recommendations_total_like_the_vacancies():
    need = _need([("KZ-75", "C", "high", 2024, 0.0, 30.0, 0.0),
                  ("KZ-71", "C", "high", 2024, 0.0, 10.0, 0.0),
                  ("KZ-71", "O", "high", 2024, 0.0, 60.0, 0.0)])
    lines = last_vacancies_lines(need, 2024, POLICY, total=200.0)
    assert lines[("KZ-75", "C")] == pytest.approx(150.0)
    assert lines[("KZ-71", "C")] == pytest.approx(50.0)
    assert lines[("KZ-71", "O")] == 0.0


def test_scores_on_a_hand_computed_example():
    index = pd.MultiIndex.from_tuples([("a", "C"), ("a", "J"), ("b", "C"), ("b", "O")],
                                      names=["region", "sector"])
    need = pd.Series([10.0, 30.0, 60.0, 0.0], index=index)
    quota = pd.Series([20.0, 40.0, 30.0, 0.0], index=index)
    skilled = pd.Series([100.0, 100.0, 300.0, 50.0], index=index)
    result = scores(quota, need, skilled, closed={"O"})
    assert result["allocation_error"] == pytest.approx(50 / 100)
    assert result["unused"] == 20.0 and result["unmet"] == 30.0
    # Shares 2/9, 4/9, 3/9 against .1, .3, .6.
    assert result["distribution_error"] == pytest.approx(
        0.5 * (abs(2 / 9 - 0.1) + abs(4 / 9 - 0.3) + abs(3 / 9 - 0.6)), abs=1e-4)
    # Intensities: quota .2, .4, .1 against need .1, .3, .2 (O left out): ranks 2, 3, 1
    # against 1, 3, 2 give Spearman's 0.5.
    assert result["rank_correlation"] == pytest.approx(0.5)
    assert "rank_correlation" not in scores(quota, need)


def test_skilled_demand_counts_high_and_medium_skill_of_the_year():
    need = _need([("a", "C", "high", 2025, 0, 0, 70.0), ("a", "C", "medium", 2025, 0, 0, 30.0),
                  ("a", "C", "low", 2025, 0, 0, 500.0), ("a", "C", "high", 2024, 0, 0, 9.0)])
    assert skilled_demand(need, 2025)[("a", "C")] == 100.0


def test_world_targets_need_every_condition():
    pooled = {"recommendation": {"allocation_error": 0.2, "mean_distribution_error": 0.1,
                                 "mean_rank_correlation": 0.93},
              "last_year_need": {"allocation_error": 0.3, "mean_distribution_error": 0.11},
              "last_vacancies": {"allocation_error": 0.25, "mean_distribution_error": 0.09}}
    targets = world_targets(pooled)
    assert targets["rank_correlation_met"] and targets["distribution_error_met"]
    assert targets["beats_last_year_need"] and not targets["beats_last_vacancies"]
    assert not targets["all_met"]
    pooled["last_vacancies"]["mean_distribution_error"] = 0.15
    assert world_targets(pooled)["all_met"]
