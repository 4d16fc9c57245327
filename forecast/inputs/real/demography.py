"""Population, migration and labour force of the real data directory.

- **population** (``estimated``): the BNS resident population by region and year (actual to
  2023) x each region's share of sex x broad age band (0-15, working age, pension age) in the
  one-year data.egov.kz table. Abai, Zhetysu and Ulytau, absent from that table, take their
  parent's shares. 2024-2025 are not in the actual series (the shipped projections are on mixed
  boundaries: East Kazakhstan still includes Abai in them), so each region's last total is
  carried forward by its mean growth of the five years before (flagged ``extrapolated``).
- **migration** (``estimated``): no public table gives migrants by region and education. The
  national emigration and immigration totals the sample is calibrated to (published BNS
  figures, 2011-2022 emigration summing to 367.1 thousand) are shared out by population x the
  documented emigration weights of the regions' zones (emigration concentrated in the north,
  east and centre), and split by education in the published proportions (emigrants 2011-2022:
  38% higher, 34% technical-vocational; immigrants: 16% higher, 25% technical-vocational).
  Internal migration has no public regional source here and is left out (zero net).
- **labour_force** (``real``): the labour-force survey (element 102800), thousand persons, 2015
  interpolated and flagged.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from forecast.inputs.real.boundaries import backcast_new_units
from forecast.inputs.real.tables import (LAST_ACTUAL_POPULATION_YEAR, age_sex_shares,
                                         population_totals, regional_series)
from forecast.inputs.regions import NATIONAL, boundary_changes, region_table
from forecast.inputs.sample.generator import EMIGRATION_TOTAL, IMMIGRATION_TOTAL

__all__ = ["population_table", "migration_table", "labour_force_table", "EMIGRATION_MIX",
           "IMMIGRATION_MIX", "EMIGRATION_WEIGHT", "IMMIGRATION_WEIGHT"]

EMIGRATION_MIX = {"higher": 0.38, "tvet": 0.34, "other": 0.28}
IMMIGRATION_MIX = {"higher": 0.16, "tvet": 0.25, "other": 0.59}
# Relative emigration and immigration per resident by zone (or region code), as in the sample.
EMIGRATION_WEIGHT = {"north": 3.0, "east": 2.8, "central": 2.5, "KZ-75": 1.4, "KZ-71": 0.8,
                     "west": 0.8, "south": 0.4}
IMMIGRATION_WEIGHT = {"KZ-75": 2.0, "KZ-71": 2.0, "KZ-47": 1.8, "south": 1.0, "north": 0.7,
                      "central": 0.6, "east": 0.7, "west": 0.9}
GROWTH_YEARS = 5


def regional_population(first: int, last: int) -> pd.DataFrame:
    """Population totals by region (2022 boundaries) and year ``first..last``: ``region, year,
    population, status`` (``real``, ``backcast`` or ``extrapolated``)."""
    totals = population_totals()
    totals = totals[(totals["region"] != NATIONAL) & ~totals["projected"]]
    totals = backcast_new_units(totals[["region", "year", "population"]], "population", [])
    rows = [totals]
    for region, series in totals.groupby("region"):
        series = series.set_index("year")["population"]
        growth = (series.iloc[-1] / series.iloc[-1 - GROWTH_YEARS]) ** (1 / GROWTH_YEARS)
        future = range(LAST_ACTUAL_POPULATION_YEAR + 1, last + 1)
        rows.append(pd.DataFrame({"region": region, "year": list(future),
                                  "population": [series.iloc[-1] * growth ** (y - series.index[-1])
                                                 for y in future], "extrapolated": True}))
    out = pd.concat(rows, ignore_index=True)
    out["status"] = np.where(out.get("extrapolated", False) == True, "extrapolated",  # noqa: E712
                             np.where(out["backcast"] == True, "backcast", "real"))  # noqa: E712
    out = out[(out["year"] >= first) & (out["year"] <= last)]
    return out[["region", "year", "population", "status"]].sort_values(["region", "year"])


def population_table(first: int, last: int) -> pd.DataFrame:
    """``region, year, age_band, sex, population, status`` for ``first..last``."""
    totals = regional_population(first, last)
    shares = age_sex_shares()
    shares = shares[shares["region"] != NATIONAL]
    parent_of = dict(zip(boundary_changes()["child"], boundary_changes()["parent"]))
    missing = [r for r in totals["region"].unique() if r not in set(shares["region"])]
    for region in missing:
        shares = pd.concat([shares, shares[shares["region"] == parent_of[region]]
                            .assign(region=region)], ignore_index=True)
    out = totals.merge(shares, on="region")
    out["population"] = (out["population"] * out["share"]).round().astype(np.int64)
    out["status"] = "estimated;" + out["status"]
    return (out[["region", "year", "age_band", "sex", "population", "status"]]
            .sort_values(["region", "year", "sex", "age_band"]).reset_index(drop=True))


def _weights(values: dict[str, float]) -> pd.Series:
    table = region_table().set_index("code")
    table = table[table["kind"] != "country"]
    return pd.Series({code: values.get(code, values.get(zone, 1.0))
                      for code, zone in table["zone"].items()})


def migration_table(first: int, last: int) -> pd.DataFrame:
    """``region, year, flow, education, persons, status`` for ``first..last`` (see module)."""
    population = regional_population(first, last)
    parts = []
    for flow, national, weights, mix in (
            ("emigration", EMIGRATION_TOTAL, EMIGRATION_WEIGHT, EMIGRATION_MIX),
            ("immigration", IMMIGRATION_TOTAL, IMMIGRATION_WEIGHT, IMMIGRATION_MIX)):
        frame = population.assign(weight=population["population"]
                                  * population["region"].map(_weights(weights)))
        frame["share"] = frame["weight"] / frame.groupby("year")["weight"].transform("sum")
        last_known = max(national)
        frame["total"] = frame["year"].map(lambda y: national.get(y, national[last_known]))
        for education, part in mix.items():
            parts.append(frame.assign(flow=flow, education=education,
                                      persons=(frame["total"] * frame["share"] * part).round()))
    out = pd.concat(parts, ignore_index=True)
    out["persons"] = out["persons"].astype(np.int64)
    out["status"] = "estimated"
    return (out[["region", "year", "flow", "education", "persons", "status"]]
            .sort_values(["region", "year", "flow", "education"]).reset_index(drop=True))


def labour_force_table() -> pd.DataFrame:
    """``region, year, labour_force, status`` (``published``, ``interpolated``, ``backcast``)."""
    frame = regional_series("labour_force_by_region.csv")
    frame = frame[frame["region"] != NATIONAL].rename(columns={"value": "labour_force"})
    frame = backcast_new_units(frame, "labour_force", [])
    frame["labour_force"] = frame["labour_force"].round().astype(np.int64)
    frame["status"] = np.where(frame["interpolated"] == True, "interpolated",  # noqa: E712
                               np.where(frame["backcast"], "backcast", "published"))
    return frame[["region", "year", "labour_force", "status"]].reset_index(drop=True)
