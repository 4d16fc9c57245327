"""Whether to mix the forecast balance with the balance last observed: the quota back-test both ways.

Run from the repository root::

    python -m benchmarks.quota.anchoring [--quick]

The option (:attr:`forecast.shortage.Assumptions.mix_observed_balance`,
:mod:`forecast.shortage.anchoring`) chooses at each run, on its own calibration origins, the
forecast's share in a mix with the balance observed in the last data year. This benchmark runs
the quota back-test (:func:`forecast.quota.backtest.backtest_quota`, one year ahead) with the
option off and on:

- on the sample, origins 2016-2022, scored against its true need (the shipped policy);
- on the three worlds of :mod:`benchmarks.worlds`, built independently of the sample, origins
  ``L+1..L+3`` of data through ``L+3``, scored against the need observed afterwards in their
  tables (the library's own back-test), under the shipped policy with no binding ceiling.

It records allocation error, distribution error and rank correlation of need and quota
intensity of the recommendation, last year's need beside it, and the forecast's share each run
chose. Writes ``benchmarks/results/anchoring[_quick].json``.
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

import forecast
from benchmarks._process import RESULTS_DIR, save_json
from benchmarks.models._common import run_record
from benchmarks.quota.recorded import recorded_backtest, uncapped_worlds
from forecast.quota.policy import Policy
from forecast.shortage.definitions import Assumptions

SAMPLE_ORIGINS = [2016, 2017, 2018, 2019, 2020, 2021, 2022]
QUICK_SAMPLE_ORIGINS = [2018, 2022]
MEASURES = ("allocation_error", "mean_distribution_error", "mean_rank_correlation")


def _backtest(data, truth, origins, policy, mix: bool) -> dict:
    """The back-test with the option set, and the forecast's share each origin's run chose."""
    summary, shares, seconds = recorded_backtest(
        data, truth, origins, policy, {"assumptions": Assumptions(mix_observed_balance=mix)},
        lambda result: result.demand_model.get("balance_forecast_share", 1.0))
    row = {"mix_observed_balance": mix, "forecast_shares": shares, "seconds": seconds}
    for rule in ("recommendation", "last_year_need", "status_quo"):
        row[rule] = {m: round(float(summary.loc[rule, m]), 4) for m in MEASURES}
    return row


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="fewer origins, shorter worlds")
    args = parser.parse_args(argv)
    cases = []
    data, truth = forecast.load_sample(), forecast.load_truth()
    origins = QUICK_SAMPLE_ORIGINS if args.quick else SAMPLE_ORIGINS
    for mix in (False, True):
        cases.append({"case": "sample", "origins": origins, **_backtest(data, truth, origins, Policy(), mix)})
    with tempfile.TemporaryDirectory(prefix="anchoring-") as tmp:
        for name, world_data, world_origins, policy in uncapped_worlds(Path(tmp), args.quick):
            for mix in (False, True):
                cases.append({"case": name, "origins": world_origins,
                              **_backtest(world_data, None, world_origins, policy, mix)})
    for case in cases:
        rec = case["recommendation"]
        print(f"{case['case']:<7} mix={case['mix_observed_balance']!s:<5} allocation error "
              f"{rec['allocation_error']:.3f}  distribution error {rec['mean_distribution_error']:.3f}  "
              f"rank correlation {rec['mean_rank_correlation']:.3f}  shares {case['forecast_shares']}")
    result = {"benchmark": "anchoring", "quick": args.quick, "horizon": 1,
              "policy": {"sample": "policy_default.toml",
                         "worlds": "policy_default.toml with the ceiling at 100% of the labour force"},
              "cases": cases,
              **run_record("benchmarks.quota.anchoring", args.quick)}
    save_json(RESULTS_DIR / ("anchoring_quick.json" if args.quick else "anchoring.json"), result)
    return result


if __name__ == "__main__":
    main()
