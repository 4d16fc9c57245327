"""How much the quota depends on the number of calibration origins and on the bias correction of
its quantiles, and which setting back-tests better.

Run from the repository root::

    python -m benchmarks.quota.calibration_windows [--quick]

:func:`forecast.shortage.forecast_shortage` learns three things on the back-test of
``n_windows`` earlier origins (default 4): the panel model's share in the growth of demand, the
share of the forecast in its mix with the balance last observed, and the conformal quantiles of
the shortage. With few origins each is a noisy estimate, and the proposal moves with them. The
quantiles' centre was the noisiest: the pooled median of the origins' errors, added as a bias
correction (:attr:`forecast.shortage.Assumptions.bias_correction`), is a small difference of
year effects of either sign. For ``n_windows`` in 2..8, with the bias correction off (the
default) and on, this benchmark records:

- the sample's 2027 proposal (total quota, its range, the panel model's share): how far the
  number a planner sends on moves with this setting alone;
- the quota back-test (:func:`forecast.quota.backtest.backtest_quota`, one year ahead) of the
  recommendation on the sample, origins 2016-2022, against its true need under the shipped
  policy, and on the three worlds of :mod:`benchmarks.worlds` (origins ``L..L+2``, against the
  need observed afterwards, no binding ceiling): allocation error, distribution error and rank
  correlation of need and quota intensity.

Writes ``benchmarks/results/calibration_windows[_quick].json``.
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

import forecast
from benchmarks._process import RESULTS_DIR, save_json
from benchmarks.models._common import run_record
from benchmarks.quota.anchoring import MEASURES, SAMPLE_ORIGINS
from benchmarks.quota.recorded import recorded_backtest, uncapped_worlds
from forecast.quota.policy import Policy
from forecast.shortage.definitions import Assumptions

WINDOWS = (2, 3, 4, 5, 6, 8)
QUICK_WINDOWS = (3, 4, 5)
YEAR = 2027


SETTINGS = (False, True)  # bias_correction: the default first


def _proposal(data, n_windows: int, bias_correction: bool) -> dict:
    shortage = forecast.forecast_shortage(data, YEAR, n_windows=n_windows,
                                          assumptions=Assumptions(bias_correction=bias_correction))
    quota = forecast.recommend_quota(shortage, data=data)
    return {"bias_correction": bias_correction, "n_windows": n_windows,
            "quota": int(quota["quota"].sum()),
            "quota_low": int(quota["quota_low"].sum()), "quota_high": int(quota["quota_high"].sum()),
            "panel_weight": shortage.demand_model.get("panel_weight")}


def _backtest(data, truth, origins, policy, n_windows: int, bias_correction: bool) -> dict:
    """The back-test with ``n_windows`` calibration origins, and the panel share each run chose."""
    summary, weights, seconds = recorded_backtest(
        data, truth, origins, policy,
        {"n_windows": n_windows, "assumptions": Assumptions(bias_correction=bias_correction)},
        lambda result: result.demand_model.get("panel_weight"))
    return {"bias_correction": bias_correction, "n_windows": n_windows, "panel_weights": weights,
            "seconds": seconds,
            **{m: round(float(summary.loc["recommendation", m]), 4) for m in MEASURES}}


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="three settings, shorter worlds")
    args = parser.parse_args(argv)
    windows = QUICK_WINDOWS if args.quick else WINDOWS
    data, truth = forecast.load_sample(), forecast.load_truth()
    settings = [(bias, n) for bias in SETTINGS for n in windows]
    proposals = [_proposal(data, n, bias) for bias, n in settings]
    for row in proposals:
        print(f"bias correction {row['bias_correction']!s:<5} n_windows {row['n_windows']}: quota "
              f"{row['quota']:,} ({row['quota_low']:,}-{row['quota_high']:,}), panel share "
              f"{row['panel_weight']}")
    cases = {"sample": [_backtest(data, truth, SAMPLE_ORIGINS, Policy(), n, bias) for bias, n in settings]}
    with tempfile.TemporaryDirectory(prefix="calibration-windows-") as tmp:
        for name, world_data, origins, policy in uncapped_worlds(Path(tmp), args.quick):
            cases[name] = [_backtest(world_data, None, origins, policy, n, bias) for bias, n in settings]
    for name, rows in cases.items():
        for row in rows:
            print(f"{name:<7} bias correction {row['bias_correction']!s:<5} n_windows {row['n_windows']}: "
                  f"allocation error {row['allocation_error']:.3f}  distribution error "
                  f"{row['mean_distribution_error']:.3f}  rank correlation "
                  f"{row['mean_rank_correlation']:.3f}  panel shares {row['panel_weights']}")
    spread = {}
    for bias in SETTINGS:
        totals = [row["quota"] for row in proposals if row["bias_correction"] == bias]
        spread["bias_correction" if bias else "default"] = {
            "min": min(totals), "max": max(totals),
            "max_over_min": round(max(totals) / max(min(totals), 1), 3)}
    result = {"benchmark": "calibration_windows", "quick": args.quick, "year": YEAR,
              "default_n_windows": 4, "default_bias_correction": Assumptions().bias_correction,
              "proposals": proposals, "proposal_spread": spread,
              "backtest": {"horizon": 1, "sample_origins": SAMPLE_ORIGINS,
                           "policy": {"sample": "policy_default.toml",
                                      "worlds": "policy_default.toml with the ceiling at 100% of "
                                                "the labour force"},
                           "cases": cases},
              **run_record("benchmarks.quota.calibration_windows", args.quick)}
    save_json(RESULTS_DIR / ("calibration_windows_quick.json" if args.quick
                             else "calibration_windows.json"), result)
    return result


if __name__ == "__main__":
    main()
