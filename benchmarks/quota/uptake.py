"""Uptake back-test on the embedded sample: forecast permits used against permits actually used.

Run from the repository root::

    python -m benchmarks.quota.uptake [--quick]

For each target year the sample is cut at an origin ``h`` years before it, the shortage is
forecast for the target year, and employer demand for permits per region x sector x category is
forecast as :mod:`forecast.quota.uptake` does (mean permits of the last ``history_years`` years
times the forecast change in the line's demand). It is scored against the permits actually used
in the target year (the sample's permits table), beside two references: the same mean without
the growth factor, and last year's permits. Lines without permits history get no forecast here:
their expected uptake depends on a quota the history does not hold per line. Nationally, the
expected uptake ``min(quota, demand)`` is compared with the permits used, for the years of the
quota table. Writes ``benchmarks/results/uptake_backtest[_quick].json``.
"""

from __future__ import annotations

import argparse
import time
from datetime import datetime, timezone

import numpy as np

import forecast
from benchmarks._process import RESULTS_DIR, save_json
from benchmarks.models._common import machine_info, versions
from forecast.quota.backtest import truncate
from forecast.quota.history import demand_cube, permits_cube, permits_mean
from forecast.quota.need import cell_cube
from forecast.quota.policy import Policy
from forecast.quota.uptake import demand_from_history, line_growth

TARGETS = list(range(2016, 2025))
QUICK_TARGETS = [2022, 2024]
HORIZONS = (1, 3)
QUICK_HORIZONS = (1,)


def _scores(predicted: np.ndarray, actual: np.ndarray) -> dict:
    """Total, bias and weighted absolute percentage error over lines."""
    total = float(actual.sum())
    return {"predicted": round(float(predicted.sum())), "actual": round(total),
            "bias": round(float(predicted.sum() - total) / total, 4) if total else None,
            "wape": round(float(np.abs(predicted - actual).sum()) / total, 4) if total else None}


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true",
                        help=f"only target years {QUICK_TARGETS}, horizon 1")
    args = parser.parse_args(argv)
    targets = QUICK_TARGETS if args.quick else TARGETS
    horizons = QUICK_HORIZONS if args.quick else HORIZONS
    policy = Policy()
    data = forecast.load_sample()
    quotas = data["quota"].set_index("year")["quota"] if "quota" in data else {}
    started = time.perf_counter()
    rows = []
    for h in horizons:
        for year in targets:
            origin = year - h
            cut = truncate(data, origin)
            shortage = forecast.forecast_shortage(cut, year)
            growth = line_growth(cell_cube(shortage.table, shortage.table["demand"]),
                                 demand_cube(cut, origin), policy)
            recent = permits_mean(cut, origin, policy.history_years)
            actual = permits_cube(data, year)
            predicted = {
                "model": demand_from_history(recent, growth, np.zeros_like(recent), 0.0),
                "mean_no_growth": recent,
                "last_year": permits_cube(cut, origin),
            }
            for name, values in predicted.items():
                row = {"year": year, "horizon": h, "forecast": name, **_scores(values, actual)}
                if year in quotas:
                    quota = float(quotas[year])
                    row.update({"quota": round(quota),
                                "utilisation_actual": round(float(actual.sum()) / quota, 4),
                                "utilisation_expected": round(min(quota, float(values.sum())) / quota, 4)})
                rows.append(row)
            print(f"h={h} {year}: " + ", ".join(
                f"{r['forecast']} wape {r['wape']:.3f} bias {r['bias']:+.3f}" for r in rows[-3:]))
    seconds = time.perf_counter() - started
    summary = []
    for h in horizons:
        for name in ("model", "mean_no_growth", "last_year"):
            picked = [r for r in rows if r["horizon"] == h and r["forecast"] == name]
            summary.append({"horizon": h, "forecast": name,
                            "mean_wape": round(float(np.mean([r["wape"] for r in picked])), 4),
                            "mean_bias": round(float(np.mean([r["bias"] for r in picked])), 4),
                            "mean_abs_total_error": round(float(np.mean(
                                [abs(r["bias"]) for r in picked])), 4)})
    payload = {
        "benchmark": "uptake_backtest",
        "created": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "data": "embedded synthetic sample: permits table (permits used per region x sector x "
                "category and year)",
        "definition": "employer demand for permits per line = mean permits of the last "
                      f"{policy.history_years} years up to the origin x forecast change in the "
                      "line's demand (forecast.quota.uptake); scored against permits used in the "
                      "target year; wape = sum |forecast - used| / sum used over the 2,100 lines",
        "targets": targets, "horizons": list(horizons),
        "by_year": rows, "summary": summary,
        "seconds": round(seconds, 1), "machine": machine_info(), "versions": versions(),
    }
    name = "uptake_backtest_quick.json" if args.quick else "uptake_backtest.json"
    save_json(RESULTS_DIR / name, payload)
    for row in summary:
        print(row)
    print(f"{seconds:.1f} s; wrote {RESULTS_DIR / name}")
    return payload


if __name__ == "__main__":
    main()
