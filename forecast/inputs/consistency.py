"""Checks across tables and groups of rows: population bands, boundaries, national totals.

:func:`~forecast.inputs.checks.validate_table` checks each table on its own; the checks here
need a table whole or several together: that every region and year's population bands tile the
ages, that the tables can be put on one set of region boundaries (so ``validate`` refuses what
the shortage stage would), and warnings for data that are accepted but may be wrong (national
rows that disagree with the regions, vacancies in sectors without employment, no emigration).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from forecast.inputs import regions
from forecast.inputs.errors import Problem
from forecast.inputs.checks import ROWS_SHOWN, years_text
from forecast.inputs.schema import TABLES, parse_age_band


# Ages the population bands must tile: 0..89, the open band ``A+`` ending at 90 (the demography
# features spread an open band up to this age, see features.demography).
OPEN_BAND_END = 90


def check_population_bands(tables: dict[str, pd.DataFrame], files: dict[str, Path],
                           problems: list[Problem], rows: dict | None = None) -> None:
    """Each region x year (x sex) of ``population`` must tile ages 0..89 with its bands: no band
    missing, none overlapping, an open band ``A+`` only last and starting before 90."""
    population = tables.get("population")
    if population is None or population.empty:
        return
    file = files["population"]
    numbers = rows.get("population") if rows else None
    bands = population["age_band"].astype(str)
    distinct = pd.unique(bands)
    bounds = {b: parse_age_band(b) for b in distinct}
    lower = bands.map(lambda b: bounds[b][0]).to_numpy(dtype=np.int64)
    upper = bands.map(lambda b: OPEN_BAND_END if bounds[b][1] is None else bounds[b][1] + 1
                      ).to_numpy(dtype=np.int64)
    is_open = bands.map(lambda b: bounds[b][1] is None).to_numpy(dtype=bool)
    group_keys = ["region", "year"] + (["sex"] if "sex" in population.columns else [])
    group = population.groupby(group_keys, sort=False).ngroup().to_numpy()
    order = np.lexsort((upper, lower, group))
    g, lo, up = group[order], lower[order], upper[order]
    first = np.r_[True, g[1:] != g[:-1]]
    last = np.r_[g[1:] != g[:-1], True]
    expected_lo = np.where(first, 0, np.r_[0, up[:-1]])
    broken = ((lo != expected_lo) | (last & (up != OPEN_BAND_END)) | (up > OPEN_BAND_END)
              | (lo >= OPEN_BAND_END) | (is_open[order] & ~last))
    bad_groups = pd.unique(g[broken])
    for k, bad in enumerate(bad_groups):
        if k == ROWS_SHOWN:
            problems.append(Problem(str(file), f"{len(bad_groups) - k} more region-years whose "
                                    "age bands do not tile ages 0-89", "age_band"))
            break
        at = np.flatnonzero(broken & (g == bad))[0]
        i = order[at]
        row = population.iloc[i]
        label = ", ".join(f"{c}={row[c]}" for c in group_keys)
        bands_here = [population["age_band"].iloc[j] for j in order[g == bad]]
        if lo[at] >= OPEN_BAND_END or up[at] > OPEN_BAND_END:
            why = f"it reaches past age {OPEN_BAND_END - 1}"
        elif is_open[i] and not last[at]:
            why = "an open band 'A+' must be the last band"
        elif lo[at] > expected_lo[at]:
            why = f"ages {expected_lo[at]}-{lo[at] - 1} are in no band"
        elif lo[at] < expected_lo[at]:
            why = f"it overlaps the band before it (ages from {lo[at]} are counted twice)"
        else:
            why = f"ages {up[at]}-{OPEN_BAND_END - 1} are in no band"
        problems.append(Problem(
            str(file), f"age bands of {label} ({', '.join(map(str, bands_here))}) do not tile "
            f"ages 0-{OPEN_BAND_END - 1}: {why}; expected bands that cover every age from 0 once, "
            f"the last ending at {OPEN_BAND_END - 1} or open ('A+')", "age_band",
            int(numbers[i]) if numbers is not None else None, str(row["age_band"])))


def check_harmonization(tables: dict[str, pd.DataFrame], files: dict[str, Path],
                        problems: list[Problem]) -> None:
    """Every regional table must go onto the 2022 boundaries (:mod:`forecast.inputs.harmonize`),
    as the forecast does: e.g. a new region given for only some years before its split."""
    from forecast.inputs.harmonize import TABLE_KINDS, harmonize_tables

    for name, frame in tables.items():
        if name not in TABLE_KINDS or name not in files:
            continue
        # Whether a table can be harmonized depends only on which regions have which years, so
        # the check runs on one row per region and year (the full tables take seconds).
        value = TABLES[name].value
        reduced = frame.groupby(["region", "year"], as_index=False, sort=True)[value].sum()
        try:
            harmonize_tables({name: reduced})
        except ValueError as exc:
            problems.append(Problem(str(files[name]), f"the table cannot be put on the 2022 region "
                                    f"boundaries: {exc}", "region"))


# National rows that differ from the sum of the regions by more than this share are named.
NATIONAL_TOLERANCE = 0.005
# Tables whose national rows the forecast leaves aside for the sum of the regions (permits and
# the quota history are often national only, and are used as given).
_COUNT_TABLES = ("employment", "population", "migration", "vacancies", "graduates", "applicants")


def cross_table_warnings(tables: dict[str, pd.DataFrame], files: dict[str, Path]) -> list[str]:
    """What is accepted but changes the result without a word unless named: national rows that
    disagree with their regions, vacancies in sectors without employment, no emigration rows."""
    warnings: list[str] = []
    for name in _COUNT_TABLES:
        if name in tables and name in files:
            warnings += _national_disagreements(name, tables[name], files[name])
    employment, vacancies = tables.get("employment"), tables.get("vacancies")
    if employment is not None and vacancies is not None and "vacancies" in files:
        have = set(employment.loc[employment["region"] != regions.NATIONAL, "sector"])
        regional = vacancies[vacancies["region"] != regions.NATIONAL]
        orphan = regional[~regional["sector"].isin(have)]
        if len(orphan):
            lost = orphan.groupby("sector")["vacancies"].sum()
            listed = ", ".join(f"{s} ({v:,.0f})" for s, v in lost.items())
            warnings.append(f"{files['vacancies'].name}: sector(s) {listed} have vacancies but no "
                            "employment rows; their vacancies are left out of demand (add their "
                            "employment, or remove them)")
    migration = tables.get("migration")
    if migration is not None and "migration" in files:
        regional = migration[migration["region"] != regions.NATIONAL]
        if not (regional["flow"] == "emigration").any():
            warnings.append(f"{files['migration'].name}: no emigration rows; emigration is taken "
                            "as zero (add rows with flow 'emigration' if people left)")
    return warnings


def _national_disagreements(name: str, frame: pd.DataFrame, file: Path) -> list[str]:
    value = TABLES[name].value
    is_national = frame["region"] == regions.NATIONAL
    if not is_national.any() or is_national.all():
        return []
    keys = [c for c in frame.columns if c not in ("region", value)]
    national = frame[is_national].set_index(keys)[value]
    summed = frame[~is_national].groupby(keys)[value].sum()
    both = pd.concat({"kz": national, "regions": summed}, axis=1, join="inner")
    if both.empty:
        return []
    by_year = both.groupby(level="year").sum()
    gap = (by_year["kz"] - by_year["regions"]).abs()
    off = by_year[gap > NATIONAL_TOLERANCE * by_year[["kz", "regions"]].max(axis=1)]
    out = []
    for k, (year, row) in enumerate(off.iterrows()):
        if k == ROWS_SHOWN:
            out.append(f"{file.name}: national KZ rows disagree with the sum of the regions in "
                       f"{len(off) - k} more year(s) ({years_text([int(y) for y in off.index[k:]])})")
            break
        apart = abs(row["kz"] - row["regions"]) / max(row["kz"], row["regions"]) * 100
        out.append(f"{file.name}: national KZ rows for {int(year)} sum to {row['kz']:,.0f} but the "
                   f"regions sum to {row['regions']:,.0f} ({apart:.1f}% apart); the forecast works "
                   "from the regional rows, check which figures are right")
    return out
