"""Synthetic contract tables of any size, generated with numpy (no per-series loops).

Regions are named ``R0000``, ``R0001``, ...; each has every sector ``A..U`` and skill, until the
requested number of series is reached. Values follow lognormal levels with random-walk growth,
so every feature has realistic, non-degenerate inputs.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

SECTOR_LETTERS = np.array(list("ABCDEFGHIJKLMNOPQRSTU"), dtype=object)
SKILL_NAMES = np.array(["high", "medium", "low"], dtype=object)
AGE_BANDS = np.array(["0-15", "16-19", *(f"{a}-{a + 4}" for a in range(20, 65, 5)), "65+"],
                     dtype=object)
FLOWS = np.array(["emigration", "immigration", "internal_in", "internal_out"], dtype=object)
EDUCATIONS = np.array(["higher", "tvet", "other"], dtype=object)


def _product(*sizes: int) -> list[np.ndarray]:
    """Index arrays of the full cartesian product of ``range(size)`` for each size (C order)."""
    grids = np.meshgrid(*(np.arange(size) for size in sizes), indexing="ij")
    return [grid.ravel() for grid in grids]


def _strings(values: np.ndarray, codes: np.ndarray) -> pd.Series:
    return pd.Series(values[codes], dtype="str")


def synthetic_tables(n_series: int = 100_000, n_years: int = 25, first_year: int = 2000,
                     seed: int = 0) -> dict[str, pd.DataFrame]:
    """Contract tables for ``n_series`` region x sector x skill series over ``n_years`` years.

    Returns
    -------
    dict of str to DataFrame
        ``employment``, ``population`` (with ``sex``), ``migration``, ``vacancies``, ``wages``,
        ``graduates`` and ``applicants``.
    """
    rng = np.random.default_rng(seed)
    per_region = len(SECTOR_LETTERS) * len(SKILL_NAMES)
    n_regions = math.ceil(n_series / per_region)
    regions = np.array([f"R{i:04d}" for i in range(n_regions)], dtype=object)
    years = np.arange(first_year, first_year + n_years)

    region_of, sector_of, skill_of = (index[:n_series] for index in
                                      _product(n_regions, len(SECTOR_LETTERS), len(SKILL_NAMES)))
    level = rng.lognormal(mean=8.0, sigma=1.0, size=n_series)
    growth = rng.normal(0.01, 0.05, size=(n_series, n_years)).cumsum(axis=1)
    employed = np.round(level[:, None] * np.exp(growth))
    series_row, year_col = _product(n_series, n_years)
    employment = pd.DataFrame({
        "region": _strings(regions, region_of[series_row]),
        "sector": _strings(SECTOR_LETTERS, sector_of[series_row]),
        "year": years[year_col],
        "skill": _strings(SKILL_NAMES, skill_of[series_row]),
        "employed": employed.ravel(),
    })
    vacancies = employment[["region", "sector", "year", "skill"]].assign(
        vacancies=np.round(employment["employed"].to_numpy() * rng.uniform(0.0, 0.05, len(employment))))

    r, y, s, b = _product(n_regions, n_years, 2, len(AGE_BANDS))
    population = pd.DataFrame({
        "region": _strings(regions, r),
        "year": years[y],
        "sex": _strings(np.array(["male", "female"], dtype=object), s),
        "age_band": _strings(AGE_BANDS, b),
        "population": np.round(rng.uniform(5_000, 60_000, len(r))),
    })

    r, y, f, e = _product(n_regions, n_years, len(FLOWS), len(EDUCATIONS))
    migration = pd.DataFrame({
        "region": _strings(regions, r), "year": years[y],
        "flow": _strings(FLOWS, f), "education": _strings(EDUCATIONS, e),
        "persons": np.round(rng.uniform(0, 3_000, len(r))),
    })

    r, k, y = _product(n_regions, len(SECTOR_LETTERS), n_years)
    wages = pd.DataFrame({
        "region": _strings(regions, r), "sector": _strings(SECTOR_LETTERS, k), "year": years[y],
        "wage": np.round(rng.lognormal(12.3, 0.3, len(r))),
    })

    r, y, lv, k = _product(n_regions, n_years, 2, len(SECTOR_LETTERS))
    graduates = pd.DataFrame({
        "region": _strings(regions, r), "year": years[y],
        "level": _strings(np.array(["higher", "tvet"], dtype=object), lv),
        "sector": _strings(SECTOR_LETTERS, k),
        "graduates": np.round(rng.uniform(0, 500, len(r))),
    })

    r, y = _product(n_regions, n_years)
    applicants = pd.DataFrame({
        "region": _strings(regions, r), "year": years[y],
        "applicants": np.round(rng.uniform(1_000, 50_000, len(r))),
    })
    return {"employment": employment, "population": population, "migration": migration,
            "vacancies": vacancies, "wages": wages, "graduates": graduates,
            "applicants": applicants}
