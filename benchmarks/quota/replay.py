"""The sample generator replayed with its known state: what a need forecast could reach at best.

Run from the repository root::

    python -m benchmarks.quota.replay

The sample's demand per region x sector (``forecast.inputs.sample.generator.labour_demand``) is
a *base* (working-age population x the published employment rate x the published national
sector shares, fitted to both) times the sector's shocks, a cell drift and growth momentum (an
AR(1) of growth). Its noise are the drift and the growth innovations; the base is not drawn,
it follows published national series of each year. This benchmark replays the generator with
the same seed, so it knows every draw, and forecasts the quota year's expansion demand (the
one-year change of demand per cell) with more or less of that knowledge. Every other component
of the balance is set to its true value, as in :mod:`benchmarks.quota.bound`, so each figure is
the error that the expansion forecast alone leaves; the quota back-test, which forecasts every
component, cannot do better than the row whose knowledge a forecaster has.

Forecasts, from most to least knowledge:

- ``state_known``: the true demand of the quota year without its own growth innovation (every
  draw up to the origin, the quota year's base and shocks known);
- ``state_known_new_shocks_unknown``: the same, but a shock that starts in the quota year is
  not foreseen (the half-reversal of the origin's shock is);
- ``filter_base_known``: the generator's own state-space model with its true parameters, a
  Kalman filter of drift, level and momentum on the published survey-noisy demand (employment
  plus vacancies with the same draws as the published tables), the quota year's base known;
- ``filter_base_flat`` and ``filter_base_trend_x{l}``: the same filter, with the quota year's
  base unknown: held at the origin's value, or moved by ``l`` times its mean log growth over
  the ten years to the origin. ``l`` is a grid, read off the truth: its best row is a bound on
  forecasts of this kind, not one a forecaster could choose;
- ``filter_working_age_known`` and ``filter_shares_known``: the flat-base filter told only the
  quota year's true working-age growth of the region, or that and the true national sector
  shares.

Scores are on the policy's lines, by the back-test's need rule: need ``max(shortage, 0)``,
nothing in the protected sectors, low skill only in the seasonal ones, the regulated
professions' share, summed by region x sector (the scale factors ``1 - domestic_share`` and
``foreign_share`` cancel out of both errors; no ceiling). Allocation error ``sum |quota
- need| / sum need``, pooled over origins; distribution error, half the sum of absolute
differences of the shares, averaged over origins. With the ceilings the quota back-test recorded
(``benchmarks/results/quota_backtest.json``, so run that first) the allocation error is also given
with the lines cut in proportion to the shipped policy's national ceiling, beside the floor the
ceiling alone imposes. Writes ``benchmarks/results/quota_replay.json``.
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from benchmarks._process import RESULTS_DIR, save_json
from benchmarks.models._common import run_record
from forecast.inputs.sample import generator as gen
from forecast.quota.policy import Policy

ORIGINS = [2016, 2017, 2018, 2019, 2020, 2021, 2022]
TREND_SHARES = (0.25, 0.5, 0.75, 1.0)
LIBRARY_FORECASTS = ("zero", "univariate", "panel", "univariate_and_panel")
# The generator's own parameters (labour_demand and publish): momentum, innovation and drift
# standard deviations, the survey error of a cell and the noise of published vacancies.
MOMENTUM, INNOVATION_SD, DRIFT_SD = 0.5, 0.01, 0.012


class _RecordingGenerator:
    """A numpy Generator that keeps every normal draw, to read the generator's noise back."""

    def __init__(self, rng: np.random.Generator):
        self._rng = rng
        self.normal_draws: list[np.ndarray] = []

    def normal(self, *args, **kwargs):
        draw = self._rng.normal(*args, **kwargs)
        self.normal_draws.append(draw)
        return draw

    def __getattr__(self, name):
        return getattr(self._rng, name)


def replay(seed: int = gen.SEED) -> dict[str, np.ndarray]:
    """The generator's demand, its draws and the published noisy demand, on 2022 boundaries."""
    rng = np.random.default_rng(seed)
    totals = gen.population_totals()
    pops = gen.age_structure(totals, rng)
    working = gen.working_age(pops)
    gen.migration(totals, rng)
    recorder = _RecordingGenerator(rng)
    demand = gen.labour_demand(working, recorder)
    drift_draw, innovations = recorder.normal_draws
    sim = gen.simulate(seed)
    if not np.allclose(sim.demand, demand):
        raise RuntimeError("the replay no longer reproduces the generator's demand")

    shock = gen.shock_path()
    momentum = np.zeros_like(innovations)
    for t in range(1, gen.T):
        momentum[..., t] = MOMENTUM * momentum[..., t - 1] + innovations[..., t]
    level = np.cumsum(momentum, axis=2)
    by_cell = demand.sum(axis=2)  # (R, S, T)
    # The drift is centred within each sector on the first year's demand (labour_demand).
    first = by_cell[..., 0]
    drift = drift_draw[..., 0] - (drift_draw[..., 0] * first).sum(axis=0) / first.sum(axis=0)
    elapsed = (gen.YEARS - gen.FIRST_YEAR).astype(float)
    log_base = (np.log(by_cell) - shock[None] - level - drift[..., None] * elapsed)

    # The published tables' draws (publish): survey error of employment, noise of vacancies.
    published_rng = np.random.default_rng(seed + 1)
    n = int((gen.YEARS <= gen.LAST_DATA_YEAR).sum())
    employed = sim.employment[..., :n]
    survey_sd = 0.004 + 0.5 / np.sqrt(np.maximum(employed, 1))
    observed = (employed * np.exp(published_rng.normal(0, 1, employed.shape) * survey_sd)
                + sim.vacancies[..., :n] * published_rng.lognormal(0, 0.08, employed.shape))
    # Variance of the log of a region x sector's published demand (skills summed).
    observed_var = ((employed * survey_sd) ** 2).sum(axis=2) / employed.sum(axis=2) ** 2
    return {"demand": demand, "innovations": innovations, "shock": shock, "log_base": log_base,
            "observed": observed.sum(axis=2), "observed_var": observed_var, "elapsed": elapsed,
            "working": working, "shortage": sim.components["shortage"],
            "expansion": sim.components["expansion"]}


def kalman_filter(z: np.ndarray, variance: np.ndarray, elapsed: np.ndarray, through: int):
    """Filter drift, level and momentum of every cell from ``z`` (cells x years) up to index
    ``through``; return the filtered state (cells x 3) and the transition matrix."""
    cells = z.shape[:-1]
    state = np.zeros(cells + (3,))
    cov = np.zeros(cells + (3, 3))
    cov[..., 0, 0] = DRIFT_SD ** 2
    transition = np.array([[1.0, 0.0, 0.0], [0.0, 1.0, MOMENTUM], [0.0, 0.0, MOMENTUM]])
    noise = np.zeros((3, 3))
    noise[1:, 1:] = INNOVATION_SD ** 2  # the innovation moves momentum and level alike
    for t in range(1, through + 1):
        state = state @ transition.T
        cov = transition @ cov @ transition.T + noise
        loading = np.array([elapsed[t], 1.0, 0.0])
        spread = np.einsum("i,...ij,j->...", loading, cov, loading) + variance[..., t]
        gain = np.einsum("...ij,j->...i", cov, loading) / spread[..., None]
        state = state + gain * (z[..., t] - state @ loading)[..., None]
        cov = cov - np.einsum("...i,...j->...ij", gain, np.einsum("i,...ij->...j", loading, cov))
    return state, transition


def _origin_shock(origin: int) -> np.ndarray:
    """The shock path as known at ``origin``: no shock starts after it."""
    return gen.shock_path({key: size for key, size in gen.SHOCKS.items() if key[0] <= origin})


def expansion_forecasts(world: dict, origin: int) -> dict[str, np.ndarray]:
    """Quota-year expansion per region x sector x skill from each level of knowledge."""
    t = int(np.flatnonzero(gen.YEARS == origin + 1)[0])
    before = t - 1
    demand, shock, log_base = world["demand"], world["shock"], world["log_base"]
    skills_now = demand[..., before] / demand[..., before].sum(axis=2, keepdims=True)
    skills_next = demand[..., t] / demand[..., t].sum(axis=2, keepdims=True)
    known = _origin_shock(origin)
    out = {"state_known": demand[..., t] * np.exp(-world["innovations"][..., t])[..., None]
           - demand[..., before]}
    out["state_known_new_shocks_unknown"] = (
        demand[..., t]
        * np.exp(known[None, :, t] - shock[None, :, t] - world["innovations"][..., t])[..., None]
        - demand[..., before])

    years = world["observed"].shape[-1]
    z = np.log(world["observed"]) - log_base[..., :years] - shock[None, :, :years]
    state, transition = kalman_filter(z, world["observed_var"], world["elapsed"], before)
    ahead = state @ transition.T
    elapsed = world["elapsed"]
    level_now = state[..., 0] * elapsed[before] + state[..., 1]
    level_next = ahead[..., 0] * elapsed[t] + ahead[..., 1]
    now = np.exp(log_base[..., before] + shock[None, :, before] + level_now)[..., None] * skills_now

    def with_base(next_base: np.ndarray) -> np.ndarray:
        return np.exp(next_base + known[None, :, t] + level_next)[..., None] * skills_next - now

    out["filter_base_known"] = with_base(log_base[..., t])
    flat = log_base[..., before]
    out["filter_base_flat"] = with_base(flat)
    trend = (log_base[..., before] - log_base[..., before - 10]) / 10
    for share in TREND_SHARES:
        out[f"filter_base_trend_x{share:g}"] = with_base(flat + share * trend)
    log_working = np.log(world["working"])
    working_growth = (log_working[:, t] - log_working[:, before])[:, None]
    out["filter_working_age_known"] = with_base(flat + working_growth)
    shares = np.log(gen.national_sector_shares())
    out["filter_shares_known"] = with_base(flat + working_growth
                                           + (shares[:, t] - shares[:, before])[None, :])
    return out


def library_forecasts(origins: list[int]) -> dict[int, dict[str, np.ndarray]]:
    """The library's own expansion forecasts (:func:`benchmarks.quota.bound.expansion_forecasts`:
    univariate, panel and their mix) on the replay's region x sector x skill array."""
    import forecast
    from benchmarks.quota.bound import expansion_forecasts as library_expansion
    from forecast.shortage.demand_growth import growth_design

    data, truth = forecast.load_sample(), forecast.load_truth()
    panel = forecast.build_series_panel(data)
    design = growth_design(panel)
    index = {"region": {code: i for i, code in enumerate(gen.REGIONS)},
             "sector": {code: i for i, code in enumerate(gen.SECTORS)},
             "skill": {code: i for i, code in enumerate(gen.SKILLS)}}
    out = {}
    for origin in origins:
        at = design[design["ds"] == origin].reset_index(drop=True)
        where = tuple(at[key].map(index[key]).to_numpy() for key in ("region", "sector", "skill"))
        if any(np.isnan(np.asarray(w, dtype=float)).any() for w in where):
            raise RuntimeError(f"origin {origin}: a panel cell is not on the generator's grid")
        forecasts = library_expansion(panel, design, truth, origin)
        out[origin] = {}
        for name in LIBRARY_FORECASTS:
            array = np.zeros((gen.R, gen.S, gen.K))
            array[where] = np.nan_to_num(forecasts[name])
            out[origin][f"library_{name}"] = array
    return out


def fillable_share(policy: Policy) -> np.ndarray:
    """(S, K) share of a cell's need the policy's lines can take: the back-test's need rule
    (:func:`forecast.quota.backtest.true_need`) without its scale factors: nothing in the
    protected sectors, low skill only in the seasonal ones, the regulated professions' share."""
    from forecast.quota.need import open_cells, regulated_shares, split_matrix

    share = (regulated_shares(policy) @ split_matrix(policy).T) * open_cells(policy)
    share[np.isin(gen.SECTORS, policy.protected_sectors)] = 0.0
    return share


def backtest_ceilings(path=None) -> dict[int, float]:
    """The national ceiling of each origin's quota, as the quota back-test recorded it
    (``benchmarks/results/quota_backtest.json``); empty when that file is missing."""
    import json

    path = path or RESULTS_DIR / "quota_backtest.json"
    if not path.exists():
        return {}
    rows = json.loads(path.read_text(encoding="utf-8")).get("by_origin", [])
    return {int(row["origin"]): float(row["ceiling"]) for row in rows
            if row.get("rule") == "recommendation" and row.get("ceiling") is not None}


def score(world: dict, forecasts_by_origin: dict[int, dict], mask: np.ndarray, *,
          persons: float = 1.0, ceilings: dict[int, float] | None = None) -> list[dict]:
    """Allocation and distribution errors of each forecast's lines against the need.

    ``persons`` turns a cell's need into foreign need (``(1 - domestic_share) x
    foreign_share``). With ``ceilings`` (persons, per origin) the allocation error is also given
    with every line cut in proportion where the lines exceed the ceiling, beside the floor the
    ceiling alone imposes, as in the back-test at the shipped policy.
    """
    rows = []
    names = next(iter(forecasts_by_origin.values())).keys()
    capped = bool(ceilings) and all(origin in ceilings for origin in forecasts_by_origin)
    for name in names:
        absolute = within = floor = need_total = 0.0
        distribution = []
        for origin, forecasts in forecasts_by_origin.items():
            t = int(np.flatnonzero(gen.YEARS == origin + 1)[0])
            shortage, expansion = world["shortage"][..., t], world["expansion"][..., t]
            need = (np.clip(shortage, 0.0, None) * mask).sum(axis=2) * persons
            guess = (np.clip(shortage - expansion + forecasts[name], 0.0, None) * mask).sum(axis=2)
            guess = guess * persons
            absolute += float(np.abs(guess - need).sum())
            need_total += float(need.sum())
            distribution.append(0.5 * float(np.abs(guess / guess.sum() - need / need.sum()).sum()))
            if capped:
                cut = guess * min(1.0, ceilings[origin] / guess.sum())
                within += float(np.abs(cut - need).sum())
                floor += max(float(need.sum()) - ceilings[origin], 0.0)
        row = {"forecast": name, "allocation_error": round(absolute / need_total, 4),
               "mean_distribution_error": round(float(np.mean(distribution)), 4)}
        if capped:
            row["allocation_error_within_ceiling"] = round(within / need_total, 4)
            row["ceiling_error_floor"] = round(floor / need_total, 4)
        rows.append(row)
    return rows


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.parse_args(argv)
    started = time.perf_counter()
    world = replay()
    mask = fillable_share(Policy())
    forecasts = {origin: expansion_forecasts(world, origin) for origin in ORIGINS}
    for origin, library in library_forecasts(ORIGINS).items():
        forecasts[origin].update(library)
    policy = Policy()
    ceilings = backtest_ceilings()
    rows = score(world, forecasts, mask, ceilings=ceilings,
                 persons=(1 - policy.domestic_share) * policy.foreign_share)
    if not ceilings:
        print("benchmarks/results/quota_backtest.json is missing: run python -m "
              "benchmarks.quota.backtest first for the errors within the ceiling")
    for row in rows:
        within = row.get("allocation_error_within_ceiling")
        print(f"{row['forecast']:<34} allocation error {row['allocation_error']:.3f}"
              + (f" ({within:.3f} within the ceiling)" if within is not None else "")
              + f"   distribution error {row['mean_distribution_error']:.3f}")
    trend_rows = [r for r in rows if r["forecast"].startswith("filter_base_")
                  and r["forecast"] != "filter_base_known"]
    best = min(trend_rows, key=lambda r: r["allocation_error"])
    result = {"benchmark": "quota_replay", "origins": ORIGINS, "horizon": 1,
              "level": "region x sector, eligible lines", "rows": rows,
              "best_without_the_quota_years_base": best,
              "ceilings": {str(k): v for k, v in ceilings.items()},
              "seconds": round(time.perf_counter() - started, 1),
              **run_record("benchmarks.quota.replay")}
    path = save_json(RESULTS_DIR / "quota_replay.json", result)
    print(f"best without the quota year's base: {best['forecast']} "
          f"({best['allocation_error']:.3f}); wrote {path}")
    return result


if __name__ == "__main__":
    main()
