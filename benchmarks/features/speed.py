"""Speed of the full feature matrix on a synthetic panel.

Run from the repository root::

    python -m benchmarks.features.speed            # 100,000 series x 25 years
    python -m benchmarks.features.speed --quick    # 20,000 series x 25 years

The process is pinned to at most 2 CPU cores (the target machine). It prints the timings and
writes them to ``benchmarks/results/features_speed.json`` (``features_speed_quick.json`` with
``--quick``). Target: under 10 s for the full size.
"""

from __future__ import annotations

import argparse
import platform
import statistics
import time
from pathlib import Path

import numpy as np
import pandas as pd

from benchmarks.features.synthetic import synthetic_tables
from benchmarks._process import RESULTS_DIR, peak_rss_mb, pin_to_cores, save_json
from features import build_feature_matrix
TARGET_SECONDS = 10.0


def run(n_series: int, n_years: int, repeats: int, cores: int, seed: int = 0) -> dict:
    """Time :func:`features.build_feature_matrix` on synthetic tables; return the measurements."""
    cores_used = pin_to_cores(cores)
    start = time.perf_counter()
    tables = synthetic_tables(n_series, n_years, seed=seed)
    generation_seconds = time.perf_counter() - start
    rss_before_mb = peak_rss_mb()

    timings = []
    for _ in range(repeats):
        start = time.perf_counter()
        matrix = build_feature_matrix(tables)
        timings.append(time.perf_counter() - start)
        n_rows, n_columns = matrix.shape
        del matrix

    median = statistics.median(timings)
    return {
        "benchmark": "features.build_feature_matrix",
        "n_series": n_series,
        "n_years": n_years,
        "n_rows": n_rows,
        "n_columns": n_columns,
        "input_rows": {name: len(frame) for name, frame in tables.items()},
        "repeats": repeats,
        "seconds": [round(t, 3) for t in timings],
        "median_seconds": round(median, 3),
        "target_seconds": TARGET_SECONDS if n_series >= 100_000 else None,
        "meets_target": bool(median < TARGET_SECONDS) if n_series >= 100_000 else None,
        "generation_seconds": round(generation_seconds, 3),
        "peak_rss_mb_after_generation": round(rss_before_mb, 1),
        "peak_rss_mb": round(peak_rss_mb(), 1),
        "cpu_cores": cores_used,
        "python": platform.python_version(),
        "numpy": np.__version__,
        "pandas": pd.__version__,
        "machine": platform.machine(),
    }


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true",
                        help="20,000 series and 2 repeats instead of 100,000 and 3")
    parser.add_argument("--series", type=int, help="number of series (overrides --quick)")
    parser.add_argument("--years", type=int, default=25)
    parser.add_argument("--repeats", type=int)
    parser.add_argument("--cores", type=int, default=2)
    parser.add_argument("--out", type=Path,
                        help="JSON file (default results/features_speed.json, or "
                             "results/features_speed_quick.json with --quick)")
    args = parser.parse_args(argv)
    n_series = args.series or (20_000 if args.quick else 100_000)
    repeats = args.repeats or (2 if args.quick else 3)

    # A quick smoke run must not overwrite the full-size measurement.
    out = args.out or RESULTS_DIR / ("features_speed_quick.json" if args.quick
                                     else "features_speed.json")
    result = run(n_series, args.years, repeats, args.cores)
    result["mode"] = "quick" if args.quick else "full"
    print(f"features: {result['n_series']:,} series x {result['n_years']} years "
          f"({result['n_rows']:,} rows, {result['n_columns']} columns) on {result['cpu_cores']} "
          f"core(s)")
    print(f"  build_feature_matrix: median {result['median_seconds']:.2f} s over "
          f"{repeats} runs {result['seconds']}")
    print(f"  peak memory {result['peak_rss_mb']:.0f} MB "
          f"(inputs alone {result['peak_rss_mb_after_generation']:.0f} MB)")
    if result["meets_target"] is not None:
        print(f"  target < {TARGET_SECONDS:.0f} s: {'met' if result['meets_target'] else 'MISSED'}")
    print(f"  written to {save_json(out, result)}")
    return result


if __name__ == "__main__":
    main()
