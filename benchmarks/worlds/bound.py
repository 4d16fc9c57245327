"""The attainable bound in each world: the world's own expectation of next year's need.

Run from the repository root::

    python -m benchmarks.worlds.bound [--replicates 200] [--seed 20250101] [--worlds flow,stock,shock]
                                      [--n-jobs 2]

No forecaster knows more about year ``y`` than the world's generator at the end of ``y - 1``:
every parameter, every draw so far, and the breaks its mechanism has scheduled. The bound replays
each world with its own seed, so every draw up to ``y - 1`` is the world's, and draws year ``y``
afresh ``R`` times (:class:`SwitchingGenerator` swaps the generator's stream when ``y`` begins,
through the ``on_year`` hook of :func:`benchmarks.worlds.common.simulate`). Each replicate's need
goes through the worlds' need rule (:func:`benchmarks.worlds.run.world_need_lines`, region x
sector); the mean of the replicates' lines is the world's conditional expectation (the best
forecast in squared error), their median per line the best in absolute error. Both are scored
against the need the world did have in ``y`` with the worlds' measures
(:func:`benchmarks.worlds.run.scores`: allocation and distribution error, rank correlation of need
intensity) over the years the worlds' benchmark scores (``L + 1 .. L + K``), pooled as it pools
them, beside the last-year-need rule. Three years are few, and a year's common shocks (the
national cycle) move every line together, so the mean is also scored against each replicate in
turn (against the mean of the others): the bound **in expectation**, over the years the world
could have had.

What it decides: the worlds' targets (distribution error at most
:data:`~benchmarks.worlds.run.TARGET_DISTRIBUTION`, rank correlation at least
:data:`~benchmarks.worlds.run.TARGET_RANK`) can be met by some forecaster only where the world's
own expectation meets them in expectation. The bound is generous: it knows the quota year's
deterministic breaks (the shock world's bust and recovery, the emigration shift) that no series
shows beforehand.

Writes ``benchmarks/results/worlds_bound.json`` (``worlds_bound_seed<seed>.json`` for another
seed).
"""

from __future__ import annotations

import argparse
import tempfile
import time
import tomllib
from datetime import datetime, timezone
from pathlib import Path

import joblib
import numpy as np
import pandas as pd

from benchmarks._process import RESULTS_DIR, save_json
from benchmarks.models._common import machine_info, versions

from . import MODULES
from .run import (BACKTEST_YEARS, FIRST_YEAR, LAST_YEAR, SEED, TARGET_DISTRIBUTION, TARGET_RANK,
                  pooled, scores, skilled_demand, uncapped_policy, world_need_lines)

REPLICATES = 200


class SwitchingGenerator:
    """A numpy ``Generator`` that hands over to ``fresh`` when ``year`` begins.

    Draws made before ``year`` come from ``world`` (the world's own stream, so its history is
    reproduced exactly); every draw from ``year`` on comes from ``fresh``. Pass
    :meth:`on_year` as the simulation's ``on_year`` hook.
    """

    def __init__(self, world: np.random.Generator, year: int, fresh: np.random.Generator):
        self._current, self._year, self._fresh = world, int(year), fresh

    def __getattr__(self, name: str):
        return getattr(self._current, name)

    def on_year(self, year: int) -> None:
        if int(year) == self._year:
            self._current = self._fresh


def replicate_need(name: str, *, seed: int, last_year: int, first_year: int, year: int,
                   replicate: int) -> pd.DataFrame:
    """The world's need (every cell, years ``first_year + 1 .. year``) with ``year`` drawn afresh
    from stream ``replicate``; ``replicate = 0`` keeps the world's own draws throughout."""
    module = MODULES[name]
    own = np.random.default_rng([seed, module.RNG_STREAM])
    if replicate == 0:
        rng, hook = own, None
    else:
        switch = SwitchingGenerator(own, year, np.random.default_rng(
            [seed, module.RNG_STREAM, year, replicate]))
        rng, hook = switch, switch.on_year
    world = module.simulate_world(seed=seed, last_year=last_year, first_year=first_year,
                                  horizon=year - last_year, rng=rng, on_year=hook)
    return world["need"]


def world_bound(name: str, *, seed: int, policy: dict, replicates: int = REPLICATES,
                first_year: int = FIRST_YEAR, last_year: int = LAST_YEAR,
                k: int = BACKTEST_YEARS, n_jobs: int = 1) -> dict:
    """Scores of the world's conditional mean and median need, and of last year's need, against
    the need the world had, in each of ``last_year + 1 .. last_year + k``."""
    truth = MODULES[name].simulate_world(seed=seed, last_year=last_year, first_year=first_year,
                                         horizon=k)["need"]
    closed = set(policy.get("sectors", {}).get("protected", ["O", "U"]))
    rows, expected, spread = [], [], []
    for year in range(last_year + 1, last_year + k + 1):
        needs = joblib.Parallel(n_jobs=n_jobs)(
            joblib.delayed(replicate_need)(name, seed=seed, last_year=last_year,
                                           first_year=first_year, year=year, replicate=r)
            for r in range(1, replicates + 1))
        lines = pd.concat([world_need_lines(need, year, policy) for need in needs], axis=1)
        actual = world_need_lines(truth, year, policy)
        skilled = skilled_demand(truth, year)
        mean = lines.mean(axis=1)
        rules = {"conditional_mean": mean, "conditional_median": lines.median(axis=1),
                 "last_year_need": world_need_lines(truth, year - 1, policy)}
        for rule, forecast in rules.items():
            rows.append({"year": year, "rule": rule, **scores(forecast, actual, skilled, closed)})
        # The same forecast scored against every year the world could have had instead of the
        # one it had: each replicate against the mean of the others.
        total = lines.sum(axis=1)
        for r, need in enumerate(needs):
            others = (total - lines.iloc[:, r]) / (replicates - 1)
            expected.append({"year": year, "rule": "conditional_mean",
                             **scores(others, lines.iloc[:, r], skilled_demand(need, year), closed)})
        # How far a single replicate's lines fall from their mean: the year's own noise.
        spread.append(float(lines.sub(mean, axis=0).abs().sum().mean() / mean.sum()))
    summary, over_replicates = pooled(rows), pooled(expected)["conditional_mean"]
    return {"world": name, "seed": seed, "replicates": replicates,
            "years": [last_year + 1, last_year + k], "by_year": rows, "pooled": summary,
            "expected": over_replicates,
            "replicate_spread": round(float(np.mean(spread)), 4),
            "targets_attainable": {
                "distribution_error_at_most": TARGET_DISTRIBUTION,
                "distribution_attainable":
                    over_replicates["mean_distribution_error"] <= TARGET_DISTRIBUTION,
                "rank_correlation_at_least": TARGET_RANK,
                "rank_attainable": over_replicates.get("mean_rank_correlation", -1.0) >= TARGET_RANK}}


def results_path(seed: int) -> Path:
    return RESULTS_DIR / ("worlds_bound.json" if seed == SEED else f"worlds_bound_seed{seed}.json")


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--replicates", type=int, default=REPLICATES)
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--worlds", default=",".join(MODULES))
    parser.add_argument("--n-jobs", type=int, default=2)
    args = parser.parse_args(argv)
    names = [n.strip() for n in args.worlds.split(",") if n.strip()]
    unknown = [n for n in names if n not in MODULES]
    if unknown:
        parser.error(f"unknown world(s) {', '.join(unknown)}; expected {', '.join(MODULES)}")
    if args.replicates < 2:
        parser.error(f"--replicates {args.replicates}: expected 2 or more")
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="worlds-bound-") as tmp:
        policy = tomllib.loads(uncapped_policy(Path(tmp) / "policy.toml").read_text(encoding="utf-8"))
    records = []
    for name in names:
        record = world_bound(name, seed=args.seed, policy=policy, replicates=args.replicates,
                             n_jobs=args.n_jobs)
        records.append(record)
        print(f"{name:6s} " + "; ".join(
            f"{rule} alloc {row['allocation_error']:.3f} distr {row['mean_distribution_error']:.3f}"
            f" rank {row.get('mean_rank_correlation', float('nan')):.3f}"
            for rule, row in record["pooled"].items())
            + f"; expected (over the world's possible years) alloc "
              f"{record['expected']['allocation_error']:.3f} distr "
              f"{record['expected']['mean_distribution_error']:.3f} rank "
              f"{record['expected'].get('mean_rank_correlation', float('nan')):.3f}"
              f"; one replicate's spread {record['replicate_spread']:.3f}")
    payload = {
        "benchmark": "worlds_bound",
        "created": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "command": "python -m benchmarks.worlds.bound"
                   + (f" --seed {args.seed}" if args.seed != SEED else "")
                   + (f" --replicates {args.replicates}" if args.replicates != REPLICATES else ""),
        "definition": "each world replayed with its own seed through y-1 and year y drawn afresh "
                      "R times; conditional_mean / conditional_median = the mean / median of the "
                      "replicates' need lines (the worlds' need rule, region x sector), scored "
                      "against the world's need in y with the worlds' measures; pooled as "
                      "benchmarks.worlds.run pools; expected = the conditional mean scored against each "
                      "replicate in turn (the mean of the other replicates against it), pooled over "
                      "replicates and years: the bound in expectation, free of the luck of the "
                      "three years the world had; targets_attainable reads it; replicate_spread = mean over years of one "
                      "replicate's sum |lines - mean| / sum mean (the year's own noise)",
        "worlds": records, "seconds": round(time.perf_counter() - started, 1),
        "machine": machine_info(), "versions": versions(),
    }
    path = results_path(args.seed)
    save_json(path, payload)
    print(f"{payload['seconds']:.0f} s; wrote {path}")
    return payload


if __name__ == "__main__":
    main()
