"""Whether the vacancies behave as a stock: the identity fitted on the sample, the worlds and real data.

Run from the repository root::

    python -m benchmarks.shortage.stock_dynamics

For each dataset the stock identity of :mod:`forecast.shortage.stock_dynamics` is fitted at
origins 2014, 2017, 2020, 2022 and the last data year: the keep share, the supply scale, the
fit's R-squared, the cell-years fitted and whether the run accepts it. Datasets:

- the embedded sample;
- the three worlds of :mod:`benchmarks.worlds` (seeds 20250101 and 20250102, data 2000-2024),
  each with what its truth says: the stock world keeps ``1 - closure`` of its stock, and the
  ratio of its true domestic supply (``truth/need.csv`` ``supply``) to the seekers the library
  counts at its assumed rates is the scale a fit should find;
- the real data directory (``labor-forecast real-data``), which has no vacancies table by cell:
  no fit, and the balance is the flows alone.

Writes ``benchmarks/results/stock_dynamics.json``.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import pandas as pd

from benchmarks._process import RESULTS_DIR, save_json
from benchmarks.models._common import run_record
from benchmarks.worlds import MODULES, WORLDS
from forecast.inputs.loader import load_data
from forecast.inputs.real.assemble import write_real_directory
from forecast.inputs.sample import load_sample
from forecast.shortage import Assumptions, build_series_panel, observed_balance
from forecast.shortage.stock_dynamics import (MIN_CELL_YEARS, MIN_R_SQUARED, WINDOW_YEARS,
                                              StockDynamicsByOrigin)

SEEDS = (20250101, 20250102)
LAST_YEAR = 2024
ORIGINS = (2014, 2017, 2020, 2022)
KEYS = ["region", "sector", "skill", "year"]


def fits(data) -> tuple[list[dict], object]:
    """The identity fitted at each origin of ``data``, and the series panel."""
    panel = build_series_panel(data)
    at = StockDynamicsByOrigin(panel, Assumptions())
    rows = []
    for origin in sorted({*(o for o in ORIGINS if o < data.last_year), data.last_year}):
        fit = at(origin)
        rows.append({"origin": origin, **({"fit": None} if fit is None else fit.as_dict())})
    return rows, panel


def true_supply_ratio(panel, need: pd.DataFrame, years: range) -> float:
    """The world's domestic supply per seeker the library counts at its assumed rates."""
    assumptions = Assumptions(carry_unfilled=False)
    counted = pd.concat([observed_balance(panel, year, assumptions) for year in years])
    merged = need.merge(counted[[*KEYS, "seekers"]], on=KEYS)
    return float(merged["supply"].sum() / merged["seekers"].sum())


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.parse_args(argv)
    started = time.perf_counter()
    datasets = []
    rows, _ = fits(load_sample())
    datasets.append({"dataset": "sample", "fits": rows})
    with tempfile.TemporaryDirectory() as tmp:
        for seed in SEEDS:
            for name, write in WORLDS.items():
                folder = Path(tmp) / f"{name}-{seed}"
                write(folder, seed=seed, last_year=LAST_YEAR)
                data = load_data(folder)
                rows, panel = fits(data)
                need = pd.read_csv(folder / "truth" / "need.csv")
                need = need[need["year"] <= LAST_YEAR]
                truth = {"true_supply_ratio": true_supply_ratio(
                    panel, need, range(data.first_year + 1, LAST_YEAR + 1))}
                closure = getattr(MODULES[name], "CLOSURE", None)
                if closure is not None:
                    truth["true_keep_share"] = 1.0 - closure
                datasets.append({"dataset": f"{name} world, seed {seed}", "truth": truth, "fits": rows})
        real = Path(tmp) / "kz"
        write_real_directory(real)
        rows, _ = fits(load_data(real))
        datasets.append({"dataset": "real tables (labor-forecast real-data)", "fits": rows})
    result = {"benchmark": "stock_dynamics", **run_record("benchmarks.shortage.stock_dynamics"),
              "definition": "vacancies_t = keep x vacancies_{t-1} + openings_t - supply_scale x "
                            "seekers_t, weighted least squares over the cell-years with vacancies "
                            "in both years "
                            "over the last WINDOW_YEARS years (forecast.shortage.stock_dynamics); "
                            "accepted when 0 <= keep <= 1, supply_scale > 0, R-squared >= "
                            "MIN_R_SQUARED and at least MIN_CELL_YEARS cell-years",
              "limits": {"window_years": WINDOW_YEARS, "min_r_squared": MIN_R_SQUARED,
                         "min_cell_years": MIN_CELL_YEARS},
              "datasets": datasets, "seconds": round(time.perf_counter() - started, 1)}
    path = save_json(RESULTS_DIR / "stock_dynamics.json", result)
    for entry in datasets:
        print(entry["dataset"], entry.get("truth", ""))
        for row in entry["fits"]:
            if row.get("fit", 1) is None:
                print(f"  {row['origin']}: no vacancies table, no fit")
                continue
            print(f"  {row['origin']}: keep {_number(row['keep_share'])}  scale "
                  f"{_number(row['supply_scale'])}  R2 {_number(row['r_squared'])}  cell-years "
                  f"{row['cell_years']}  accepted {row['accepted']}")
    print(f"wrote {path} in {result['seconds']} s")
    return result


def _number(value: float | None) -> str:
    return "-" if value is None else f"{value:.3f}"


if __name__ == "__main__":
    main()
