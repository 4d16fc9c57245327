"""Which demand model the quota should use: univariate, the panel growth model, or their mix.

Run from the repository root::

    python -m benchmarks.quota.demand_models [--quick]

For each demand model of :func:`forecast.shortage.forecast_shortage` the quota back-test of
:mod:`benchmarks.quota.backtest` is repeated (origins 2016-2022, one year ahead, the shipped
policy, scored against the sample's true need), and the scale-free measures (distribution error,
rank correlation of need and quota intensity) are reported beside the allocation error. Writes
``benchmarks/results/demand_models[_quick].json``. The default of ``forecast_shortage`` is the
model chosen here; the worlds benchmark checks the choice on data the choice was not made on.
"""

from __future__ import annotations

import argparse
import time

import forecast
from benchmarks._process import RESULTS_DIR, save_json
from benchmarks.models._common import run_record
from forecast.quota.backtest import backtest_quota
from forecast.quota.policy import Policy
from forecast.shortage.definitions import DEMAND_MODELS

ORIGINS = [2016, 2017, 2018, 2019, 2020, 2021, 2022]
QUICK_ORIGINS = [2018, 2022]
# Lower is better for the errors, higher for the rank correlation.
MEASURES = {"mean_distribution_error": 1, "mean_rank_correlation": -1, "allocation_error": 1}


def choose(rows: list[dict]) -> str:
    """The demand model best on the most measures; ties go to the lower distribution error.

    The back-test's truth and the recommendation share the policy's domestic and foreign shares,
    so the total is assumed: the scale-free measures are the primary evidence, and the
    allocation error counts as one measure of three.
    """
    wins = {row["demand_model"]: 0 for row in rows}
    for measure, sign in MEASURES.items():
        wins[min(rows, key=lambda row: sign * row[measure])["demand_model"]] += 1
    return min(rows, key=lambda row: (-wins[row["demand_model"]],
                                      row["mean_distribution_error"]))["demand_model"]


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help=f"only origins {QUICK_ORIGINS}")
    args = parser.parse_args(argv)
    origins = QUICK_ORIGINS if args.quick else ORIGINS
    data, truth = forecast.load_sample(), forecast.load_truth()
    rows = []
    for name in DEMAND_MODELS:
        started = time.perf_counter()
        result = backtest_quota(data, truth, origins, policy=Policy(), demand_model=name,
                                with_hindsight=False)
        seconds = time.perf_counter() - started
        summary = result.summary.set_index("rule")
        rec, sq = summary.loc["recommendation"], summary.loc["status_quo"]
        rows.append({"demand_model": name, "allocation_error": round(float(rec["allocation_error"]), 4),
                     "mean_distribution_error": round(float(rec["mean_distribution_error"]), 4),
                     "mean_rank_correlation": round(float(rec["mean_rank_correlation"]), 4),
                     "status_quo_allocation_error": round(float(sq["allocation_error"]), 4),
                     "quota": float(rec["quota"]), "need": float(rec["need"]),
                     "seconds": round(seconds, 1)})
        print(f"{name:<11} allocation error {rows[-1]['allocation_error']:.3f}  "
              f"distribution error {rows[-1]['mean_distribution_error']:.3f}  "
              f"rank correlation {rows[-1]['mean_rank_correlation']:.3f}  ({seconds:.0f} s)")
    chosen = choose(rows)
    result = {"benchmark": "demand_models", "origins": origins, "horizon": 1, "rows": rows,
              "chosen": chosen, "rule": choose.__doc__.split("\n")[0],
              **run_record("benchmarks.quota.demand_models", args.quick)}
    name = "demand_models_quick.json" if args.quick else "demand_models.json"
    save_json(RESULTS_DIR / name, result)
    print(f"chosen ({result['rule']}): {chosen}; wrote {RESULTS_DIR / name}")
    return result


if __name__ == "__main__":
    main()
