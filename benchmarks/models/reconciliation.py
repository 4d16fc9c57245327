"""Reconciliation accuracy and speed on a synthetic 20 regions x 21 sectors x 3 skills hierarchy.

Every series of the grouped hierarchy (total, region, sector, skill, the three two-way crosses
and the 1,260 bottom series: 1,848 in all) gets a base forecast equal to the truth plus an
error. Errors are independent across levels and correlated within a level (a shock common to
the level and one common to each region), with a standard deviation growing as size^0.6, so
small cells are relatively noisier; 15% of bottom cells are near zero, so base forecasts can be
negative there. For each replication, back-test errors from the same process feed MinT, and
the reconcilers then map fresh base forecasts. RMSE is reported by level and method, with the
median time to fit and to reconcile. Run ``python -m benchmarks.models.reconciliation``.

BLAS runs on one thread unless ``--blas-threads`` says otherwise: on a small shared machine a
multithreaded Cholesky factorisation of this size can run ten times slower than a single
thread, so single-thread timings are the reproducible ones.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time

import numpy as np
import pandas as pd
from threadpoolctl import threadpool_limits

# Imported before any thread limit is set: threadpoolctl limits only libraries already loaded.
from models.hierarchy import summing_matrix
from models.reconciliation import Reconciler

from ._common import clean, machine_info, print_table, versions, write_json

N_REGIONS, N_SECTORS, SKILLS = 20, 21, ("high", "mid", "low")
LEVELS = [[], ["region"], ["sector"], ["skill"], ["region", "sector"], ["region", "skill"], ["sector", "skill"]]
# (label, method, nonnegative, back-test errors per series; None = the --n-obs default). The
# long back-test shows how much of MinT's gap to its promise is covariance estimation error.
LONG_BACKTEST = 200
CONTENDERS = [("bottom_up", "bottom_up", False, None), ("ols", "ols", False, None), ("wls_struct", "wls_struct", False, None),
              ("mint_shrink", "mint_shrink", False, None), ("mint_shrink+nonneg", "mint_shrink", True, None),
              (f"mint_shrink(n_obs={LONG_BACKTEST})", "mint_shrink", False, LONG_BACKTEST)]
LEVEL_SHOCK, REGION_SHOCK = 0.35, 0.5


def hierarchy(seed: int = 0):
    """Summing matrix, identifiers and true values of every series."""
    rng = np.random.default_rng(seed)
    bottom = pd.DataFrame([(f"R{r:02d}", f"S{s:02d}", k) for r in range(N_REGIONS) for s in range(N_SECTORS) for k in SKILLS],
                          columns=["region", "sector", "skill"])
    S, tags = summing_matrix(bottom, LEVELS)
    size = rng.lognormal(5.0, 1.5, len(bottom)) * np.where(rng.random(len(bottom)) < 0.15, 0.002, 1.0)
    return S, tags, S @ size


def error_model(tags: pd.DataFrame, truth: np.ndarray):
    """Error scale of each series and the indicator matrices of its level and level x region shocks."""
    scale = 0.4 * truth**0.6
    level_code = pd.factorize(tags["level"])[0]
    region_code = pd.factorize(tags["level"] + "/" + tags["region"])[0]
    return scale, level_code, region_code


def draw_errors(rng, n_draws, scale, level_code, region_code) -> np.ndarray:
    """``n_total x n_draws`` correlated errors."""
    n = len(scale)
    idio = np.sqrt(1.0 - LEVEL_SHOCK**2 - REGION_SHOCK**2)
    level = rng.normal(size=(level_code.max() + 1, n_draws))[level_code]
    region = rng.normal(size=(region_code.max() + 1, n_draws))[region_code]
    z = LEVEL_SHOCK * level + REGION_SHOCK * region + idio * rng.normal(size=(n, n_draws))
    return scale[:, None] * z


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="CI mode: 2 replications of 10 forecasts, 1 timing run")
    parser.add_argument("--replications", type=int, default=None)
    parser.add_argument("--n-obs", type=int, default=15, help="back-test errors per series given to MinT")
    parser.add_argument("--blas-threads", type=int, default=1, help="BLAS threads; 0 keeps the library default")
    args = parser.parse_args(argv)
    with threadpool_limits(limits=args.blas_threads or None, user_api="blas"):
        return run(args)


def run(args: argparse.Namespace) -> dict:
    replications = args.replications or (2 if args.quick else 5)
    n_draws = 10 if args.quick else 40
    repeats = 1 if args.quick else 3

    S, tags, truth = hierarchy()
    scale, level_code, region_code = error_model(tags, truth)
    level_names = list(dict.fromkeys(tags["level"]))
    level_of = tags["level"].to_numpy()
    sq = {name: {lvl: 0.0 for lvl in level_names} for name in ["base"] + [c[0] for c in CONTENDERS]}
    counts = {lvl: 0 for lvl in level_names}
    reasons: dict[str, str | None] = {}
    shrinkage: dict[str, list[float]] = {c[0]: [] for c in CONTENDERS}
    rng = np.random.default_rng(2027)
    for _ in range(replications):
        residuals = {n_obs: draw_errors(rng, n_obs, scale, level_code, region_code).T for n_obs in (args.n_obs, LONG_BACKTEST)}
        base = truth[:, None] + draw_errors(rng, n_draws, scale, level_code, region_code)
        forecasts = {"base": base}
        for name, method, nonnegative, n_obs in CONTENDERS:
            rec = Reconciler(method, nonnegative=nonnegative).fit(S, residuals[n_obs or args.n_obs])
            forecasts[name] = rec.reconcile(base)
            reasons[name] = rec.fallback_reason_
            shrinkage[name].append(rec.shrinkage_)
        for name, values in forecasts.items():
            err2 = ((values - truth[:, None]) ** 2).sum(axis=1)
            for lvl in level_names:
                sq[name][lvl] += float(err2[level_of == lvl].sum())
        for lvl in level_names:
            counts[lvl] += int((level_of == lvl).sum()) * n_draws

    # Timing on one fresh problem: fit (estimating W and G) and reconcile a 1,848 x k block;
    # each contender takes the first n_obs rows of one long back-test.
    residuals = draw_errors(rng, LONG_BACKTEST, scale, level_code, region_code).T
    base = truth[:, None] + draw_errors(rng, n_draws, scale, level_code, region_code)
    rows = []
    base_rmse = {lvl: np.sqrt(sq["base"][lvl] / counts[lvl]) for lvl in level_names}
    for name in sq:
        rmse = {lvl: np.sqrt(sq[name][lvl] / counts[lvl]) for lvl in level_names}
        row = {"method": name, "rmse": {lvl: clean(v) for lvl, v in rmse.items()},
               "rmse_vs_base": {lvl: clean(rmse[lvl] / base_rmse[lvl]) for lvl in level_names}}
        if name != "base":
            _, method, nonnegative, n_obs = next(c for c in CONTENDERS if c[0] == name)
            fit_times, rec_times = [], []
            for _ in range(repeats):
                start = time.perf_counter()
                rec = Reconciler(method, nonnegative=nonnegative).fit(S, residuals[:n_obs or args.n_obs])
                fit_times.append(time.perf_counter() - start)
                start = time.perf_counter()
                rec.reconcile(base)
                rec_times.append(time.perf_counter() - start)
            row.update({"fit_seconds": statistics.median(fit_times), "reconcile_seconds": statistics.median(rec_times),
                        "fallback_reason": reasons[name], "mean_shrinkage": clean(np.mean(shrinkage[name]))})
        rows.append(row)

    payload = {
        "benchmark": "reconciliation", "quick": args.quick, "machine": machine_info(), "versions": versions("scipy"),
        "load_average": list(os.getloadavg()), "blas_threads": args.blas_threads or "default",
        "hierarchy": {"regions": N_REGIONS, "sectors": N_SECTORS, "skills": len(SKILLS), "n_total": S.shape[0], "n_bottom": S.shape[1],
                      "levels": {lvl: int((level_of == lvl).sum()) for lvl in level_names}},
        "replications": replications, "forecasts_per_replication": n_draws, "n_obs_residuals": args.n_obs,
        "timing": {"repeats": repeats, "reconcile_columns": n_draws},
        "results": rows,
    }
    table = []
    for row in rows:
        line = {"method": row["method"], **{lvl: row["rmse"][lvl] for lvl in level_names}}
        line["fit_s"] = row.get("fit_seconds", np.nan)
        line["reconcile_s"] = row.get("reconcile_seconds", np.nan)
        table.append(line)
    print(f"RMSE by level ({replications} replications x {n_draws} forecasts, {args.n_obs} back-test errors per series)")
    print_table(table, ["method", *level_names, "fit_s", "reconcile_s"])
    print("\nRMSE relative to the base forecasts")
    print_table([{"method": r["method"], **r["rmse_vs_base"]} for r in rows], ["method", *level_names])
    write_json("reconciliation", payload)
    return payload


if __name__ == "__main__":
    main()
