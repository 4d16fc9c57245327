"""How time and memory grow with the panel: features plus the automatic forecaster.

Run from the repository root::

    python -m benchmarks.scale.run            # 1,000, 10,000 and 100,000 series x 25 years
    python -m benchmarks.scale.run --quick    # 1,000 and 10,000 series only

For each size, synthetic contract tables (:mod:`benchmarks.features.synthetic`) go through
:func:`features.build_feature_matrix`, then the demand panel (``unique_id, ds, y`` of the
matrix) through ``models.AutoForecaster().fit(...).predict(h=5, level=[80, 95])``. Each size
runs in a process of its own, pinned to at most 2 CPU cores (the target machine), so that its
peak resident memory is its own and not the high-water mark of a larger size run before it.

It prints a table and writes ``benchmarks/results/scale.json`` (``scale_quick.json`` with
``--quick``): per size the seconds of each step, series per second, peak memory, and the growth
of time from one size to the next against the growth of the panel (1.0 is linear). Targets for
100,000 series: under 60 s for features plus forecasts, under 4 GB peak memory, near-linear
growth.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import subprocess
import sys
import time
from pathlib import Path

from benchmarks._process import RESULTS_DIR, peak_rss_mb, pin_to_cores, save_json
FULL_SIZES = (1_000, 10_000, 100_000)
QUICK_SIZES = (1_000, 10_000)
N_YEARS = 25
H = 5
LEVELS = [80, 95]
TARGET_SECONDS = 60.0
TARGET_PEAK_MB = 4096.0
# Time may grow somewhat faster than the panel (caches, sorting is n log n); beyond this
# exponent of the size ratio, growth is no longer near-linear.
MAX_SCALING_EXPONENT = 1.15


def measure(n_series: int, n_years: int = N_YEARS, cores: int = 2, seed: int = 0) -> dict:
    """Generate, build features and forecast one panel in this process; return the figures."""
    import numpy as np
    import pandas as pd

    from benchmarks.features.synthetic import synthetic_tables
    from features import build_feature_matrix
    from models import AutoForecaster

    cores_used = pin_to_cores(cores)
    # Import-time and first-call costs (compiled kernels, lazy imports) are paid once by any
    # long-running service; pay them on a tiny panel outside the timing.
    warm = synthetic_tables(50, n_years, seed=seed + 1)
    warm_matrix = build_feature_matrix(warm)
    AutoForecaster().fit(warm_matrix[["unique_id", "ds", "y"]]).predict(h=H, level=LEVELS)
    del warm, warm_matrix

    start = time.perf_counter()
    tables = synthetic_tables(n_series, n_years, seed=seed)
    generation = time.perf_counter() - start
    rss_inputs = peak_rss_mb()

    start = time.perf_counter()
    matrix = build_feature_matrix(tables)
    features_seconds = time.perf_counter() - start
    n_rows, n_columns = matrix.shape
    panel = matrix[["unique_id", "ds", "y"]].copy()
    del matrix, tables
    rss_features = peak_rss_mb()

    start = time.perf_counter()
    fc = AutoForecaster().fit(panel).predict(h=H, level=LEVELS)
    forecast_seconds = time.perf_counter() - start
    series = int(panel["unique_id"].nunique())
    if len(fc) != series * H or not np.isfinite(fc["yhat"].to_numpy(dtype=float)).all():
        raise RuntimeError(f"{n_series:,} series: the forecast has {len(fc):,} rows or "
                           "non-finite values; expected finite values for every series and year")

    total = features_seconds + forecast_seconds
    return {
        "n_series": series,
        "n_years": n_years,
        "matrix_rows": n_rows,
        "matrix_columns": n_columns,
        "generation_seconds": round(generation, 3),
        "features_seconds": round(features_seconds, 3),
        "forecast_seconds": round(forecast_seconds, 3),
        "total_seconds": round(total, 3),
        "series_per_second": round(series / total, 1),
        "forecast_series_per_second": round(series / forecast_seconds, 1),
        "peak_rss_mb_inputs": round(rss_inputs, 1),
        "peak_rss_mb_features": round(rss_features, 1),
        "peak_rss_mb": round(peak_rss_mb(), 1),
        "cpu_cores": cores_used,
        "numpy": np.__version__,
        "pandas": pd.__version__,
    }


def _in_child(n_series: int, cores: int) -> dict:
    command = [sys.executable, "-m", "benchmarks.scale.run", "--child", str(n_series),
               "--cores", str(cores)]
    done = subprocess.run(command, capture_output=True, text=True,
                          cwd=Path(__file__).resolve().parents[2])
    if done.returncode != 0:
        raise RuntimeError(f"{n_series:,} series failed:\n{done.stderr}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def _growth(sizes: list[dict]) -> list[dict]:
    """Time growth between consecutive sizes against panel growth."""
    out = []
    for small, large in zip(sizes, sizes[1:]):
        size_ratio = large["n_series"] / small["n_series"]
        time_ratio = large["total_seconds"] / small["total_seconds"]
        exponent = math.log(time_ratio) / math.log(size_ratio)
        out.append({"from": small["n_series"], "to": large["n_series"],
                    "size_ratio": round(size_ratio, 2), "time_ratio": round(time_ratio, 2),
                    "features_time_ratio": round(large["features_seconds"]
                                                 / small["features_seconds"], 2),
                    "forecast_time_ratio": round(large["forecast_seconds"]
                                                 / small["forecast_seconds"], 2),
                    "scaling_exponent": round(exponent, 3),
                    "near_linear": bool(exponent <= MAX_SCALING_EXPONENT)})
    return out


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="1,000 and 10,000 series only")
    parser.add_argument("--cores", type=int, default=2)
    parser.add_argument("--out", type=Path, help="JSON file (default results/scale.json, or "
                                                 "results/scale_quick.json with --quick)")
    parser.add_argument("--child", type=int, metavar="N", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        result = measure(args.child, cores=args.cores)
        print(json.dumps(result))
        return result

    sizes = []
    for n in QUICK_SIZES if args.quick else FULL_SIZES:
        figures = _in_child(n, args.cores)
        sizes.append(figures)
        print(f"{figures['n_series']:>8,} series: features {figures['features_seconds']:7.2f} s, "
              f"forecast {figures['forecast_seconds']:7.2f} s, total {figures['total_seconds']:7.2f} s, "
              f"{figures['series_per_second']:9,.0f} series/s, peak {figures['peak_rss_mb']:7,.0f} MB",
              flush=True)
    growth = _growth(sizes)
    for step in growth:
        print(f"  {step['from']:,} -> {step['to']:,} series: time x{step['time_ratio']} for size "
              f"x{step['size_ratio']:g} (exponent {step['scaling_exponent']}; "
              f"{'near-linear' if step['near_linear'] else 'FASTER THAN LINEAR'})")
    largest = sizes[-1]
    targets = None
    if largest["n_series"] >= 100_000:
        targets = {"seconds": TARGET_SECONDS, "peak_mb": TARGET_PEAK_MB,
                   "max_scaling_exponent": MAX_SCALING_EXPONENT,
                   "seconds_met": largest["total_seconds"] < TARGET_SECONDS,
                   "memory_met": largest["peak_rss_mb"] < TARGET_PEAK_MB,
                   "growth_met": all(step["near_linear"] for step in growth)}
        print(f"  targets for 100,000 series: < {TARGET_SECONDS:.0f} s "
              f"{'met' if targets['seconds_met'] else 'MISSED'}, < {TARGET_PEAK_MB:,.0f} MB "
              f"{'met' if targets['memory_met'] else 'MISSED'}, near-linear growth "
              f"{'met' if targets['growth_met'] else 'MISSED'}")
    result = {"benchmark": "scale", "mode": "quick" if args.quick else "full",
              "n_years": N_YEARS, "h": H, "levels": LEVELS, "sizes": sizes, "growth": growth,
              "targets": targets, "python": platform.python_version(),
              "machine": platform.machine(), "cpu_count": os.cpu_count()}
    # A quick smoke run must not overwrite the full-size measurement.
    out = args.out or RESULTS_DIR / ("scale_quick.json" if args.quick else "scale.json")
    print(f"  written to {save_json(out, result)}")
    return result


if __name__ == "__main__":
    main()
