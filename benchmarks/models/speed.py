"""Speed and memory: 10,000 annual series x 25 years, h=5, 80% and 95% intervals.

Each contender runs in its own process (so peak memory is its own) on the same synthetic
panel, fit plus predict, timed over repeats; the median is reported. The peer is
statsforecast's AutoTheta with all cores. Run ``python -m benchmarks.models.speed``.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time

import numpy as np
import pandas as pd

from ._common import machine_info, optional, peak_memory_mb, print_table, versions, write_json

H = 5
LEVELS = [80, 95]
LENGTH = 25
TARGET_SPEEDUP = 5.0
MEMORY_LIMIT_MB = 1024.0


def synthetic_panel(n_series: int, length: int = LENGTH, seed: int = 0) -> pd.DataFrame:
    """Employment-like annual series: level, growth with breaks, noise; ragged starts."""
    rng = np.random.default_rng(seed)
    level = rng.lognormal(8, 1.5, n_series)
    growth = rng.normal(0.02, 0.03, (n_series, 1)) + rng.normal(0, 0.03, (n_series, length)) * (rng.random((n_series, length)) < 0.15)
    path = level[:, None] * np.exp(np.cumsum(growth + rng.normal(0, 0.02, (n_series, length)), axis=1))
    start = rng.integers(0, 10, n_series) * (rng.random(n_series) < 0.3)
    keep = np.arange(length)[None, :] >= start[:, None]
    rows, cols = np.nonzero(keep)
    return pd.DataFrame({"unique_id": np.char.add("s", rows.astype(str)), "ds": 2000 + cols, "y": np.round(path[rows, cols])})


def run_ours(name: str, df: pd.DataFrame) -> pd.DataFrame:
    import models

    model = {"AutoForecaster": models.AutoForecaster(), "DampedTrend": models.DampedTrend(), "Theta": models.Theta(), "Naive": models.Naive()}[name]
    return model.fit(df).predict(H, level=LEVELS)


def run_peer(df: pd.DataFrame) -> pd.DataFrame:
    from statsforecast import StatsForecast
    from statsforecast.models import AutoTheta

    engine = StatsForecast(models=[AutoTheta()], freq=1, n_jobs=-1)
    return engine.forecast(df=df, h=H, level=LEVELS)


def child(name: str, n_series: int, repeats: int) -> dict:
    df = synthetic_panel(n_series)
    is_peer = name.startswith("sf.")
    # Compile and import once outside the timing, as any long-running service would.
    warm = df[df["unique_id"].isin(df["unique_id"].unique()[:50])]
    if is_peer:
        run_peer(warm)
    else:
        run_ours(name, warm)
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        out = run_peer(df) if is_peer else run_ours(name, df)
        times.append(time.perf_counter() - start)
    assert len(out) == n_series * H
    seconds = statistics.median(times)
    return {"model": name, "n_series": n_series, "seconds": seconds, "times": times,
            "series_per_second": n_series / seconds, "peak_memory_mb": peak_memory_mb()}


def measure(name: str, n_series: int, repeats: int) -> dict:
    proc = subprocess.run(
        [sys.executable, "-m", "benchmarks.models.speed", "--child", name, "--n-series", str(n_series), "--repeats", str(repeats)],
        capture_output=True, text=True, check=True,
    )
    return json.loads(proc.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="CI mode: 1,000 series, no peers")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--n-series", type=int, default=None)
    parser.add_argument("--repeats", type=int, default=None)
    args = parser.parse_args(argv)
    if args.child:
        print(json.dumps(child(args.child, args.n_series, args.repeats)))
        return {}
    n_series = args.n_series or (1_000 if args.quick else 10_000)
    repeats = args.repeats or (1 if args.quick else 3)
    payload = {"benchmark": "speed", "quick": args.quick, "machine": machine_info(), "versions": versions("statsforecast"),
               "n_series": n_series, "length": LENGTH, "h": H, "levels": LEVELS, "repeats": repeats}
    rows = [measure(name, n_series, repeats) for name in ("AutoForecaster", "DampedTrend", "Theta", "Naive")]
    if args.quick:
        payload["peers_skipped"] = "quick mode"
    elif optional("statsforecast") is None:
        payload["peers_skipped"] = "statsforecast is not installed (pip install statsforecast)"
    else:
        rows.append(measure("sf.AutoTheta", n_series, max(1, repeats - 1)))
    payload["results"] = rows
    auto = rows[0]
    peer = next((r for r in rows if r["model"] == "sf.AutoTheta"), None)
    payload["target"] = {
        "auto_series_per_second": auto["series_per_second"],
        "auto_peak_memory_mb": auto["peak_memory_mb"],
        "memory_target_met": auto["peak_memory_mb"] < MEMORY_LIMIT_MB,
    }
    if peer:
        speedup = auto["series_per_second"] / peer["series_per_second"]
        payload["target"].update({"peer_series_per_second": peer["series_per_second"], "speedup_over_peer": speedup,
                                  "speed_target_met": speedup >= TARGET_SPEEDUP})
    print_table(rows, ["model", "n_series", "seconds", "series_per_second", "peak_memory_mb"])
    if peer:
        print(f"AutoForecaster is {payload['target']['speedup_over_peer']:.1f}x statsforecast AutoTheta in series/s")
    write_json("speed", payload)
    return payload


if __name__ == "__main__":
    main()
