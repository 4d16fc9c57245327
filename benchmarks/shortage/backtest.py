"""Shortage forecasts scored against the embedded sample's truth, and the tier classifier.

Run from the repository root::

    python -m benchmarks.shortage.backtest            # origins 2014-2019, horizons 1-5
    python -m benchmarks.shortage.backtest --quick    # origins 2016 and 2019, horizons 1 and 3
    python -m benchmarks.shortage.backtest --reconciliation   # compare reconciliation methods

Targets (issue: shortage forecast): mean absolute error at least 25% below the naive "shortage
stays as last observed", and 80% intervals covering 75-85% of the true values. The tier classifier
is scored by rolling-origin macro-F1 against the observed and the true next-year tiers. Writes
``benchmarks/results/shortage_backtest.json`` (``shortage_backtest_quick.json`` with ``--quick``).
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import time

from benchmarks._process import RESULTS_DIR, save_json
from forecast import load_sample, load_truth
from forecast.shortage.conditions import current_conditions, tier_backtest
from forecast.shortage import build_series_panel
from forecast.shortage import Assumptions, classify_tiers
from forecast.shortage.backtest import backtest_shortage, score_shortage_backtest


def run(origins: list[int], horizons: list[int], tier_origins: list[int]) -> dict:
    data, truth = load_sample(), load_truth()
    started = time.perf_counter()
    rows = backtest_shortage(data, truth, origins, horizons)
    scores = score_shortage_backtest(rows)
    shortage_seconds = time.perf_counter() - started

    started = time.perf_counter()
    conditions = current_conditions(build_series_panel(data))
    true_tiers = truth.assign(tier=classify_tiers(truth["shortage"], truth["demand"], Assumptions()))
    tiers = tier_backtest(conditions, tier_origins,
                          truth=true_tiers[["region", "sector", "skill", "year", "tier"]])
    tier_seconds = time.perf_counter() - started
    overall = scores[(scores["origin"] == "all") & (scores["horizon"] == "all")].iloc[0]
    return {
        "benchmark": "shortage_backtest",
        "data": "embedded synthetic sample (true shortages known)",
        "origins": origins, "horizons": horizons,
        "scores": scores.to_dict(orient="records"),
        "targets": {"mae_reduction_vs_naive_truth": ">= 0.25", "coverage_80": "0.75-0.85"},
        "meets_targets": bool(overall["mae_reduction_vs_naive_truth"] >= 0.25
                              and 0.75 <= overall["coverage_80"] <= 0.85),
        "tier_classifier": tiers.to_dict(orient="records"),
        "tier_macro_f1_mean": {c: float(tiers[c].mean()) for c in tiers.columns if "macro_f1" in c},
        "seconds": {"shortage": round(shortage_seconds, 1), "tiers": round(tier_seconds, 1)},
        "python": platform.python_version(), "cpu_count": os.cpu_count(),
    }


def compare_reconciliation(origins: list[int], horizons: list[int]) -> dict:
    """The same back-test with each reconciliation method of the demand forecasts."""
    data, truth = load_sample(), load_truth()
    out = {"benchmark": "shortage_reconciliation", "origins": origins, "horizons": horizons,
           "methods": {}}
    for method in ("bottom_up", "wls_struct", "ols", "mint_shrink"):
        started = time.perf_counter()
        rows = backtest_shortage(data, truth, origins, horizons, reconciliation=method)
        scores = score_shortage_backtest(rows)
        out["methods"][method] = {
            "scores": scores[scores["origin"] == "all"].to_dict(orient="records"),
            "seconds": round(time.perf_counter() - started, 1)}
        overall = scores[(scores["origin"] == "all") & (scores["horizon"] == "all")].iloc[0]
        print(f"{method:<12} MAE {overall['mae']:7.1f}  vs naive {overall['mae_reduction_vs_naive_truth']:6.1%}"
              f"  coverage80 {overall['coverage_80']:.3f}")
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="two origins, horizons 1 and 3")
    parser.add_argument("--reconciliation", action="store_true",
                        help="compare the reconciliation methods (origins 2014-2019, h 1, 3, 4)")
    args = parser.parse_args(argv)
    if args.reconciliation:
        result = compare_reconciliation(list(range(2014, 2020)), [1, 3, 4])
        save_json(RESULTS_DIR / "shortage_reconciliation.json", result)
        return 0
    if args.quick:
        result = run([2016, 2019], [1, 3], [2018, 2022])
    else:
        result = run(list(range(2014, 2020)), [1, 2, 3, 4, 5], [2014, 2016, 2018, 2020, 2022])
    save_json(RESULTS_DIR / ("shortage_backtest_quick.json" if args.quick else "shortage_backtest.json"),
              result)
    table = [row for row in result["scores"] if row["origin"] == "all"]
    print(f"{'horizon':<40} {'MAE':>8} {'naive':>8} {'vs naive':>9} {'vs obs.':>8} {'cov80':>6} {'cov90':>6}")
    for row in table:
        print(f"{row['horizon']:<40} {row['mae']:8.1f} {row['mae_naive_truth']:8.1f} "
              f"{row['mae_reduction_vs_naive_truth']:9.1%} {row['mae_reduction_vs_naive_observed']:8.1%} "
              f"{row['coverage_80']:6.3f} {row['coverage_90']:6.3f}")
    print("tier classifier macro-F1 (mean over origins):",
          {k: round(v, 3) for k, v in result["tier_macro_f1_mean"].items()})
    print(f"targets met: {result['meets_targets']}  ({result['seconds']})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
