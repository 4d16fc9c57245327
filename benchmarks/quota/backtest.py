"""Quota back-test on the embedded sample: the recommendation against today's rule.

Run from the repository root::

    python -m benchmarks.quota.backtest [--quick] [--horizon H]

For each origin the sample is cut at the origin, the shortage is forecast ``H`` years ahead (one
by default), and the recommendation and the percentage-of-labour-force rule are scored against
the true need (see :mod:`forecast.quota.backtest`). ``--horizon 3`` scores the quota as the
proposal is made, three years after the last data year. Writes
``benchmarks/results/quota_backtest[_hH][_quick].json`` (``_hH`` for a horizon other than one).
Target: an allocation error at least 50% lower than today's rule.
"""

from __future__ import annotations

import argparse
import time
from datetime import datetime, timezone

import forecast
from benchmarks._process import RESULTS_DIR, save_json
from benchmarks.models._common import machine_info, versions
from forecast.quota.policy import Policy
from forecast.quota.backtest import HINDSIGHT_YEARS, backtest_quota

ORIGINS = [2016, 2017, 2018, 2019, 2020, 2021, 2022]
QUICK_ORIGINS = [2018, 2022]
TARGET_REDUCTION = 0.5


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help=f"only origins {QUICK_ORIGINS}")
    parser.add_argument("--horizon", type=int, default=1,
                        help="years from each origin to its quota year (default 1)")
    args = parser.parse_args(argv)
    origins = QUICK_ORIGINS if args.quick else ORIGINS
    policy = Policy()
    started = time.perf_counter()
    # The hindsight trend's growth rates are taken over the truth's years up to 2024: a quota
    # year beyond them (2025, three years after 2022) has no such reference.
    result = backtest_quota(forecast.load_sample(), forecast.load_truth(), origins,
                            horizon=args.horizon, policy=policy,
                            with_hindsight=max(origins) + args.horizon <= HINDSIGHT_YEARS[1])
    seconds = time.perf_counter() - started
    summary = result.summary.set_index("rule")
    rec, sq = summary.loc["recommendation"], summary.loc["status_quo"]
    reduction = 1 - rec["allocation_error"] / sq["allocation_error"]
    payload = {
        "benchmark": "quota_backtest",
        "created": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "data": "embedded synthetic sample (true shortages known)",
        "origins": origins, "horizon": args.horizon,
        "definition": result.definition,
        "policy": policy.to_dict(),
        "by_origin": result.by_origin.round(4).to_dict(orient="records"),
        "summary": result.summary.round(4).to_dict(orient="records"),
        "allocation_error_reduction_vs_status_quo": round(float(reduction), 4),
        "target": f"allocation error at least {TARGET_REDUCTION:.0%} lower than today's rule",
        "target_met": bool(reduction >= TARGET_REDUCTION),
        "seconds": round(seconds, 1),
        "machine": machine_info(), "versions": versions(),
    }
    name = ("quota_backtest" + (f"_h{args.horizon}" if args.horizon != 1 else "")
            + ("_quick" if args.quick else "") + ".json")
    save_json(RESULTS_DIR / name, payload)
    print(result.by_origin.round(3).to_string(index=False))
    print()
    print(result.summary.round(3).to_string(index=False))
    print(f"\nallocation error reduction vs today's rule: {reduction:.1%} "
          f"(target {TARGET_REDUCTION:.0%}: {'met' if payload['target_met'] else 'NOT met'}); "
          f"{seconds:.1f} s; wrote {RESULTS_DIR / name}")
    return payload


if __name__ == "__main__":
    main()
