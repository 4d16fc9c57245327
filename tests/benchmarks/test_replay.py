"""The sample generator's replay: its pieces reproduce the generator and its filter is right."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from benchmarks.quota import replay
from forecast.inputs.sample import generator as gen
from forecast.quota.backtest import true_need
from forecast.quota.policy import Policy
from forecast.quota.status_quo import line_grid


@pytest.fixture(scope="module")
def world():
    return replay.replay()


def test_the_replay_splits_demand_into_base_shocks_drift_and_momentum(world):
    # Demand per region x sector is base x shock x drift x momentum, exactly.
    momentum = np.zeros_like(world["innovations"])
    for t in range(1, gen.T):
        momentum[..., t] = replay.MOMENTUM * momentum[..., t - 1] + world["innovations"][..., t]
    rebuilt = world["log_base"] + world["shock"][None] + np.cumsum(momentum, axis=2)
    residual = np.log(world["demand"].sum(axis=2)) - rebuilt
    # What is left is the drift: a straight line through zero in every cell.
    slope = residual[..., 1:2] / world["elapsed"][1]
    np.testing.assert_allclose(residual, slope * world["elapsed"], atol=1e-9)
    # The published noisy demand is the published table's before rounding and boundaries.
    published = gen.publish(gen.simulate())["employment"]
    kz75 = published[(published["region"] == "KZ-75") & (published["year"] == 2024)]
    r = list(gen.REGIONS).index("KZ-75")
    assert world["observed"][r, :, -1].sum() == pytest.approx(
        kz75["employed"].sum(), rel=0.05)


def test_the_state_known_forecast_misses_only_the_quota_years_innovation(world):
    forecasts = replay.expansion_forecasts(world, 2019)
    t = int(np.flatnonzero(gen.YEARS == 2020)[0])
    true = world["demand"][..., t] - world["demand"][..., t - 1]
    miss = world["demand"][..., t] * -np.expm1(-world["innovations"][..., t])[..., None]
    np.testing.assert_allclose(forecasts["state_known"], true - miss, rtol=1e-9, atol=1e-6)


def test_kalman_filter_follows_exact_observations_and_ignores_useless_ones():
    elapsed = np.arange(12, dtype=float)
    z = np.array([[0.0, 0.01, 0.03, 0.02, 0.04, 0.05, 0.07, 0.06, 0.08, 0.1, 0.11, 0.12]])
    loading = np.array([elapsed[9], 1.0, 0.0])
    exact, _ = replay.kalman_filter(z, np.full_like(z, 1e-14), elapsed, 9)
    assert exact[0] @ loading == pytest.approx(z[0, 9], abs=1e-6)
    useless, transition = replay.kalman_filter(z, np.full_like(z, 1e12), elapsed, 9)
    np.testing.assert_allclose(useless, 0.0, atol=1e-9)
    assert transition.shape == (3, 3)


def test_fillable_share_is_the_backtests_need_rule():
    policy = Policy()
    rng = np.random.default_rng(3)
    shortage = rng.normal(100.0, 300.0, (gen.R, gen.S, gen.K))
    region, sector, skill = np.meshgrid(np.arange(gen.R), np.arange(gen.S), np.arange(gen.K),
                                        indexing="ij")
    truth = pd.DataFrame({"region": np.array(gen.REGIONS)[region.ravel()],
                          "sector": np.array(gen.SECTORS)[sector.ravel()],
                          "skill": np.array(gen.SKILLS)[skill.ravel()],
                          "year": 2020, "shortage": shortage.ravel()})
    lines = line_grid().assign(need=true_need(truth, 2020, policy))
    by_cell = lines.groupby(["region", "sector"], sort=False)["need"].sum()
    mine = (np.clip(shortage, 0.0, None) * replay.fillable_share(policy)).sum(axis=2)
    mine *= (1 - policy.domestic_share) * policy.foreign_share
    expected = pd.Series(mine.ravel(), index=pd.MultiIndex.from_product([gen.REGIONS, gen.SECTORS]))
    np.testing.assert_allclose(by_cell.reindex(expected.index).to_numpy(), expected.to_numpy(),
                               rtol=1e-9)
