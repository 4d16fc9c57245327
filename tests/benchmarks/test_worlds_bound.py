"""The worlds' attainable bound (``benchmarks.worlds.bound``): a replicate is the world itself up
to the year it re-draws, and the scores are the worlds' own."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from benchmarks.worlds.bound import MODULES, SwitchingGenerator, replicate_need, world_bound
from benchmarks.worlds.run import pooled

SEED, FIRST, LAST = 11, 2012, 2018
KEYS = ["region", "sector", "skill", "year"]
POLICY = {"domestic": {"domestic_share": 0.7, "foreign_share": 1.0},
          "sectors": {"protected": ["O", "U"], "seasonal": ["A", "F"]},
          "regulated": {"share": {"Q": 0.5}, "categories": ["3", "4"]}}


def test_the_generator_hands_over_when_its_year_begins():
    switch = SwitchingGenerator(np.random.default_rng(1), 2020, np.random.default_rng(2))
    own, fresh = np.random.default_rng(1), np.random.default_rng(2)
    switch.on_year(2019)
    assert switch.normal(size=3).tolist() == own.normal(size=3).tolist()
    switch.on_year(2020)
    assert switch.lognormal(0, 1, 4).tolist() == fresh.lognormal(0, 1, 4).tolist()
    switch.on_year(2021)  # stays on the fresh stream
    assert switch.normal() == fresh.normal()


@pytest.mark.parametrize("name", sorted(MODULES))
def test_a_replicate_is_the_world_until_the_year_it_draws_afresh(name):
    world = MODULES[name].simulate_world(seed=SEED, last_year=LAST, first_year=FIRST,
                                         horizon=2)["need"]
    year = LAST + 2
    own = replicate_need(name, seed=SEED, last_year=LAST, first_year=FIRST, year=year, replicate=0)
    other = replicate_need(name, seed=SEED, last_year=LAST, first_year=FIRST, year=year, replicate=1)

    def rows(frame, which):
        return frame[which(frame["year"])].sort_values(KEYS).reset_index(drop=True)

    pd.testing.assert_frame_equal(rows(own, lambda y: y <= year), rows(world, lambda y: y <= year))
    pd.testing.assert_frame_equal(rows(other, lambda y: y < year), rows(world, lambda y: y < year))
    drawn, had = rows(other, lambda y: y == year), rows(world, lambda y: y == year)
    assert drawn[KEYS].equals(had[KEYS])
    assert not np.allclose(drawn["need"], had["need"])


def test_the_bound_scores_the_mean_of_the_replicates_like_the_worlds_benchmark():
    record = world_bound("flow", seed=SEED, policy=POLICY, replicates=4, first_year=FIRST,
                         last_year=LAST, k=2)
    rules = {row["rule"] for row in record["by_year"]}
    assert rules == {"conditional_mean", "conditional_median", "last_year_need"}
    assert [row["year"] for row in record["by_year"]] == [LAST + 1] * 3 + [LAST + 2] * 3
    assert record["pooled"] == pooled(record["by_year"])
    for row in record["by_year"]:
        assert 0.0 <= row["distribution_error"] <= 1.0
        assert row["unused"] - row["unmet"] == pytest.approx(row["quota"] - row["need"], abs=0.2)
    # Every row is scored against the same need of its year, the one the world had.
    for year in (LAST + 1, LAST + 2):
        assert len({row["need"] for row in record["by_year"] if row["year"] == year}) == 1
    expected = record["expected"]
    assert 0.0 <= expected["mean_distribution_error"] <= 1.0
    attainable = record["targets_attainable"]
    assert attainable["distribution_attainable"] == (
        expected["mean_distribution_error"] <= attainable["distribution_error_at_most"])
