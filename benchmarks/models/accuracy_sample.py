"""Accuracy on the embedded Kazakhstan sample against its own held-out values.

Employment by region x sector x skill from ``forecast.load_sample()``, on the 2022 region
boundaries as the pipeline models it; rolling origins at
``last - h - j`` (``j = 0 .. n_windows - 1``), h=3, every model refitted at each origin.
Peers from statsforecast run in the same process when installed. Run
``python -m benchmarks.models.accuracy_sample``.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import pandas as pd

from models import AutoForecaster, DampedTrend, Drift, Naive, Theta, cross_validation, to_long

from ._common import machine_info, print_table, versions, write_json
from .accuracy_produc import LEVELS, peers, summarise

H = 3
N_WINDOWS = 3


SAMPLE_CSV = Path(__file__).resolve().parents[2] / "forecast" / "sample" / "data" / "employment.csv"


def load_employment() -> tuple[pd.DataFrame | None, str]:
    """Long employment panel and where it came from (``None`` and the reason if unavailable)."""
    try:
        import forecast

        loader = getattr(forecast, "load_sample", None)
    except ImportError:
        loader = None
    if loader is not None:
        from forecast.inputs.harmonize import harmonize_tables

        # The sample is published on the boundaries of each year, as real tables are; the
        # pipeline models it on the 2022 boundaries, and so does this benchmark.
        employment = harmonize_tables(dict(loader().tables))["employment"]
        source = "forecast.load_sample(), harmonized to the 2022 region boundaries"
    elif SAMPLE_CSV.exists():
        employment = pd.read_csv(SAMPLE_CSV)
        source = str(SAMPLE_CSV.relative_to(SAMPLE_CSV.parents[3]))
    else:
        return None, "no embedded sample: forecast.load_sample and the sample CSV are missing"
    long = to_long(employment, keys=["region", "sector", "skill"], time="year", value="employed")
    return long, source


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="CI mode: skip peers")
    args = parser.parse_args(argv)
    payload = {"benchmark": "accuracy_sample", "quick": args.quick, "machine": machine_info(),
               "versions": versions("statsforecast"), "h": H, "n_windows": N_WINDOWS, "levels": LEVELS}
    df, source = load_employment()
    payload["source"] = source
    if df is None:
        payload["skipped"] = source
        print(source)
        write_json("accuracy_sample", payload)
        return payload
    payload["n_series"] = int(df["unique_id"].nunique())
    models = {"naive": Naive(), "drift": Drift(), "theta": Theta(), "damped": DampedTrend(), "AutoForecaster": AutoForecaster(h=H)}
    results = {}
    for name, model in models.items():
        start = time.perf_counter()
        results[name] = cross_validation(model, df, h=H, n_windows=N_WINDOWS, level=LEVELS)
        results[name].attrs["seconds"] = time.perf_counter() - start
    if args.quick:
        payload["peers_skipped"] = "quick mode"
    else:
        last = df.groupby("unique_id")["ds"].transform("max")
        long_enough = df.groupby("unique_id")["ds"].transform("size") >= H + N_WINDOWS + 3
        common = df[(last == df["ds"].max()) & long_enough]
        template = results["naive"][results["naive"]["unique_id"].isin(set(common["unique_id"]))]
        try:
            found = peers(common, template, h=H, n_windows=N_WINDOWS)
            if not found:
                payload["peers_skipped"] = "statsforecast is not installed (pip install statsforecast)"
            if found:
                # Peers need equal-length, full series: compare everyone on those series too.
                subset = set(common["unique_id"])
                for name in list(results):
                    results[f"{name} [peer series]"] = results[name][results[name]["unique_id"].isin(subset)]
                    results[f"{name} [peer series]"].attrs["seconds"] = results[name].attrs["seconds"]
            for name, cv in found.items():
                results[f"{name} [peer series]"] = cv
            payload["peer_series"] = int(common["unique_id"].nunique())
        except (RuntimeError, ValueError) as err:
            payload["peers_skipped"] = f"peers failed: {err}"
    rows = [summarise(name, cv) for name, cv in results.items()]
    for row in rows:
        row["scope"] = "peer series" if row["model"].endswith("[peer series]") else "all series"
    payload["results"] = rows
    print_table(rows, ["model", "mase", "rmsse", "smape", "coverage_80", "coverage_95", "seconds"])
    write_json("accuracy_sample", payload)
    return payload


if __name__ == "__main__":
    main()
