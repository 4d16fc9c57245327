"""How low the MASE on the real Kazakhstan series can go with the library's candidates, in hindsight.

Run from the repository root::

    python -m benchmarks.models.accuracy_kz_bound [--quick]

The KZ accuracy target (:mod:`benchmarks.models.accuracy_kz`) asks for a MASE 15% below the best
statsforecast peer. Before calling it out of reach this measures what the candidate models could
reach if they were chosen perfectly. On the same panel, origins, horizons and scales as
``accuracy_kz``, every candidate of :data:`POOL` is refitted at each origin, and three hindsight
oracles are scored (each sees the errors it is scored on, so none is a forecaster; together they
bound what any rule that picks or averages these candidates could achieve):

- ``oracle_series_single``: per series, the one candidate with the lowest MASE over all its
  scored points;
- ``oracle_series_subset``: per series, the equal-weight average of the subset of candidates
  with the lowest MASE: every forecast :class:`models.AutoForecaster`'s ``"combine"`` can make
  is one of these subsets, so this bounds its selection for any scores it could compute;
- ``oracle_window_single``: per series and origin, the best candidate for that window's 1-5
  forecasts (much stronger than any selection from past errors: it knows each window's break);
- ``oracle_global_subset`` and ``oracle_group_subset``: the one subset best over all series, and
  the best per kind of series (employed by region, sections, ...): what the best fixed pool,
  or a pool per kind of series, would have scored. Unlike the per-series oracles these choose
  once for many series, so they are close to what a default chosen on this panel can reach.

The pool's own members and ``AutoForecaster`` (the default, as shipped) are scored beside
them. Writes ``benchmarks/results/accuracy_kz_bound.json`` (``accuracy_kz_bound_quick.json``
with ``--quick``: the last four origins).
"""

from __future__ import annotations

import argparse
import itertools
import json
import time
from datetime import datetime, timezone

import numpy as np
import pandas as pd

from benchmarks._process import RESULTS_DIR, save_json
from benchmarks.models._common import machine_info, versions
from benchmarks.models.accuracy_kz import (FIRST_YEAR, H, LAST_YEAR, ORIGINS, QUICK_ORIGINS,
                                           TARGET_IMPROVEMENT, group_of, load_panel, naive_scales)
from models import AutoForecaster
from models.registry import make_model

# Every vectorized candidate of the registry and the two statsmodels ones with a trend.
POOL = ("naive", "drift", "mean", "theta", "damped", "log_theta", "log_drift", "ets", "arima")
# The best peer's MASE recorded by accuracy_kz (statsforecast's AutoTheta on the same windows);
# read from its result file when present.
PEER_FILE = RESULTS_DIR / "accuracy_kz.json"


def candidate_forecasts(panel: pd.DataFrame, origins: list[int]) -> pd.DataFrame:
    """``unique_id, origin, ds, h, y, scale`` and one column per candidate (and ``auto``)."""
    actual = panel.set_index(["unique_id", "ds"])
    frames = []
    for origin in origins:
        train = panel.loc[panel["ds"] <= origin, ["unique_id", "ds", "y"]]
        columns = {}
        for name in (*POOL, "auto"):
            model = AutoForecaster(h=H) if name == "auto" else make_model(name)
            forecast = model.fit(train).predict(H)
            columns[name] = forecast.set_index(["unique_id", "ds"])["yhat"]
        frame = pd.DataFrame(columns).reset_index()
        frame = frame[frame["ds"] <= LAST_YEAR]
        key = pd.MultiIndex.from_frame(frame[["unique_id", "ds"]])
        frame["y"] = actual["y"].reindex(key).to_numpy()
        interpolated = actual["interpolated"].reindex(key).to_numpy().astype(bool)
        frame["scale"] = frame["unique_id"].map(naive_scales(panel, origin))
        frame["origin"], frame["h"] = origin, frame["ds"] - origin
        frames.append(frame[~interpolated])
        print(f"  origin {origin}", flush=True)
    return pd.concat(frames, ignore_index=True)


def scaled_errors(scored: pd.DataFrame, names: tuple[str, ...]) -> np.ndarray:
    """``(n_candidates, n_points)`` absolute scaled errors."""
    y, scale = scored["y"].to_numpy(float), scored["scale"].to_numpy(float)
    return np.stack([np.abs(y - scored[name].to_numpy(float)) / scale for name in names])


def subset_errors(scored: pd.DataFrame, names: tuple[str, ...]) -> tuple[list[tuple[str, ...]], np.ndarray]:
    """Every non-empty subset of ``names`` and ``(n_subsets, n_points)`` errors of its mean."""
    y, scale = scored["y"].to_numpy(float), scored["scale"].to_numpy(float)
    forecasts = np.stack([scored[name].to_numpy(float) for name in names])
    subsets = [combo for k in range(1, len(names) + 1) for combo in itertools.combinations(range(len(names)), k)]
    errors = np.stack([np.abs(y - forecasts[list(combo)].mean(axis=0)) / scale for combo in subsets])
    return [tuple(names[i] for i in combo) for combo in subsets], errors


def oracle(errors: np.ndarray, groups: np.ndarray) -> tuple[float, np.ndarray]:
    """MASE when each group of points takes the row of ``errors`` with its lowest mean, and
    the row chosen per group."""
    codes, uniques = pd.factorize(groups)
    sums = np.zeros((errors.shape[0], len(uniques)))
    for row in range(errors.shape[0]):
        sums[row] = np.bincount(codes, weights=errors[row], minlength=len(uniques))
    best = np.argmin(sums, axis=0)
    return float(sums[best, np.arange(len(uniques))].sum() / errors.shape[1]), best


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help=f"origins {QUICK_ORIGINS} only")
    args = parser.parse_args(argv)
    panel, _ = load_panel()
    origins = QUICK_ORIGINS if args.quick else ORIGINS
    started = time.perf_counter()
    scored = candidate_forecasts(panel, origins)
    names = POOL
    single = scaled_errors(scored, names)
    auto = scaled_errors(scored, ("auto",))[0]
    series = scored["unique_id"].to_numpy()
    windows = (scored["unique_id"] + "@" + scored["origin"].astype(str)).to_numpy()
    subsets, combined = subset_errors(scored, names)
    by_series_single, chosen_single = oracle(single, series)
    by_series_subset, chosen_subset = oracle(combined, series)
    by_window_single, _ = oracle(single, windows)
    by_all_subset, chosen_all = oracle(combined, np.zeros(len(series), dtype=int))
    kinds = np.array([group_of(uid) for uid in series])
    by_group_subset, chosen_group = oracle(combined, kinds)
    peer = None
    if PEER_FILE.exists():
        peer = json.loads(PEER_FILE.read_text(encoding="utf-8")).get("target", {}).get("best_peer_mase")
    required = (1 - TARGET_IMPROVEMENT) * peer if peer else None
    uniques = pd.unique(series)
    subset_counts = pd.Series(["+".join(subsets[i]) for i in chosen_subset]).value_counts()
    rows = [{"rule": name, "mase": float(single[k].mean())} for k, name in enumerate(names)]
    rows += [{"rule": "AutoForecaster (shipped)", "mase": float(auto.mean())},
             {"rule": "oracle_series_single", "mase": by_series_single},
             {"rule": "oracle_series_subset", "mase": by_series_subset},
             {"rule": "oracle_window_single", "mase": by_window_single},
             {"rule": "oracle_global_subset", "mase": by_all_subset},
             {"rule": "oracle_group_subset", "mase": by_group_subset}]
    payload = {
        "benchmark": "accuracy_kz_bound",
        "created": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "command": "python -m benchmarks.models.accuracy_kz_bound" + (" --quick" if args.quick else ""),
        "quick": args.quick,
        "definition": __doc__.split("\n\n")[2:5],
        "years": [FIRST_YEAR, LAST_YEAR], "origins": origins, "horizons": list(range(1, H + 1)),
        "pool": list(names), "n_series": int(len(uniques)), "n_points": int(len(scored)),
        "results": [{**row, "mase": round(row["mase"], 4)} for row in rows],
        "best_peer_mase_recorded": peer,
        "mase_required_by_target": round(required, 4) if required else None,
        "oracle_series_single_choice": pd.Series([names[i] for i in chosen_single]).value_counts().to_dict(),
        "oracle_series_subset_most_chosen": subset_counts.head(10).to_dict(),
        "oracle_global_subset_choice": "+".join(subsets[chosen_all[0]]),
        "oracle_group_subset_choice": dict(zip(pd.unique(kinds), ("+".join(subsets[i]) for i in chosen_group))),
        "seconds": round(time.perf_counter() - started, 1),
        "machine": machine_info(), "versions": versions(),
    }
    for row in payload["results"]:
        print(f"  {row['rule']:<26} MASE {row['mase']:.3f}")
    if required:
        print(f"target: MASE <= {required:.3f} (15% below the recorded best peer {peer:.3f})")
    path = RESULTS_DIR / ("accuracy_kz_bound_quick.json" if args.quick else "accuracy_kz_bound.json")
    save_json(path, payload)
    print(f"wrote {path}")
    return payload


if __name__ == "__main__":
    main()
