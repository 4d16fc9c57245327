"""How low the quota's allocation error can go on the sample: expansion forecasts against the truth.

Run from the repository root::

    python -m benchmarks.quota.bound [--quick]

The quota back-test's error comes almost whole from expansion demand (the one-year change of
demand per cell). This benchmark isolates it: every other component of the balance is set to
its true value, and only expansion comes from a forecast made at the origin, so the allocation
error that remains is what that expansion forecast alone costs. Forecasts compared:

- ``zero``: no change of demand;
- ``univariate``: the library's default (growth read off the AutoForecaster path);
- ``cell_mean_growth``: each cell's average observed growth up to the origin;
- ``panel``: the panel growth model (:mod:`forecast.shortage.demand_growth`);
- ``univariate_and_cell_mean`` and ``univariate_and_panel``: equal mixes;
- two oracles no forecaster has: ``oracle_sector_growth``, the quota year's true national growth
  of the cell's sector and skill, and ``oracle_sector_growth_and_cell_drift``, the same plus
  the cell's average growth relative to its sector, estimated from the data up to the origin.

The sample's demand follows published national sector shares and employment rates year by year,
so the second oracle shows what knowing the quota year's national sector movements would be
worth. Writes ``benchmarks/results/quota_bound[_quick].json``.
"""

from __future__ import annotations

import argparse
import time

import numpy as np
import pandas as pd

import forecast
from benchmarks._process import RESULTS_DIR, save_json
from benchmarks.models._common import run_record
from forecast.shortage.demand_growth import PanelGrowthModel, growth_design
from models import AutoForecaster

ORIGINS = [2016, 2017, 2018, 2019, 2020, 2021, 2022]
QUICK_ORIGINS = [2018, 2022]
KEYS = ["region", "sector", "skill"]


def _national_growth(truth: pd.DataFrame) -> pd.Series:
    totals = truth.groupby(["sector", "skill", "year"])["demand"].sum().sort_index()
    return np.log(totals).groupby(level=["sector", "skill"]).diff()


def expansion_forecasts(panel, design: pd.DataFrame, truth: pd.DataFrame, origin: int) -> dict:
    """Expansion in ``origin + 1`` per cell from each forecast, in the design's cell order."""
    at = design[design["ds"] == origin].reset_index(drop=True)
    base = at["demand"].to_numpy(dtype=float)
    demand = panel.demand()
    path = AutoForecaster(h=5).fit(demand[demand["ds"] <= origin]).predict(h=2)
    path = path.set_index(["unique_id", "ds"])["yhat"]
    ids = at["unique_id"]
    univariate = (path.xs(origin + 2, level="ds").reindex(ids).to_numpy()
                  - path.xs(origin + 1, level="ds").reindex(ids).to_numpy())
    cell_mean = base * np.expm1(at["growth_mean_all"].fillna(0.0).to_numpy())
    growth = PanelGrowthModel(1).fit(design, origin).predict(design).reindex(ids).to_numpy()
    panel_model = base * np.expm1(growth)
    national = _national_growth(truth).xs(origin + 1, level="year")
    sector_growth = national.reindex(pd.MultiIndex.from_frame(at[["sector", "skill"]])).to_numpy()
    drift = at["growth_relative_mean_all"].fillna(0.0).to_numpy()
    return {"zero": np.zeros_like(base), "univariate": univariate, "cell_mean_growth": cell_mean,
            "panel": panel_model,
            "univariate_and_cell_mean": 0.5 * (univariate + cell_mean),
            "univariate_and_panel": 0.5 * (univariate + panel_model),
            "oracle_sector_growth": base * np.expm1(sector_growth),
            "oracle_sector_growth_and_cell_drift": base * np.expm1(sector_growth + drift)}


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help=f"only origins {QUICK_ORIGINS}")
    args = parser.parse_args(argv)
    origins = QUICK_ORIGINS if args.quick else ORIGINS
    started = time.perf_counter()
    data, truth = forecast.load_sample(), forecast.load_truth()
    panel = forecast.build_series_panel(data)
    design = growth_design(panel)
    rows = []
    for origin in origins:
        at = design[design["ds"] == origin].reset_index(drop=True)
        true = truth[truth["year"] == origin + 1].set_index(KEYS)
        index = pd.MultiIndex.from_frame(at[KEYS])
        expansion = true["expansion"].reindex(index).to_numpy()
        shortage = true["shortage"].reindex(index).to_numpy()
        need = np.clip(shortage, 0.0, None)
        for name, forecast_expansion in expansion_forecasts(panel, design, truth, origin).items():
            guess = np.clip(shortage - expansion + np.nan_to_num(forecast_expansion), 0.0, None)
            rows.append({"origin": origin, "forecast": name, "need": float(np.nansum(need)),
                         "absolute_error": float(np.nansum(np.abs(guess - need)))})
    frame = pd.DataFrame(rows)
    pooled = frame.groupby("forecast", sort=False)[["absolute_error", "need"]].sum()
    pooled["allocation_error"] = (pooled["absolute_error"] / pooled["need"]).round(4)
    for name, value in pooled["allocation_error"].items():
        print(f"{name:<38} allocation error with every other component true: {value:.3f}")
    result = {"benchmark": "quota_bound", "origins": origins, "horizon": 1,
              "pooled": pooled.reset_index().to_dict(orient="records"),
              "by_origin": frame.to_dict(orient="records"),
              "seconds": round(time.perf_counter() - started, 1),
              **run_record("benchmarks.quota.bound", args.quick)}
    name = "quota_bound_quick.json" if args.quick else "quota_bound.json"
    save_json(RESULTS_DIR / name, result)
    print(f"wrote {RESULTS_DIR / name}")
    return result


if __name__ == "__main__":
    main()
