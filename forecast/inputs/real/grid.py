"""Employment by region x OKED section x skill, estimated from the published margins.

No public table gives this grid. It is estimated year by year by iterative proportional fitting
(:func:`forecast.inputs.real.ipf.ipf`) of a documented prior to every margin published:

1. employed by region (labour-force survey, element 102798), every year; 2015, missing from the
   regional survey, is interpolated per region and scaled to the published national total of
   the section table (those cells are flagged ``interpolated``);
2. employed by region x broad sector (agriculture A, industry and construction B-F, services
   G-S; elements 443430, 443435, 443438), from 2016;
3. national employed by OKED section (element 5831 from 2010, Taldau 702840 before), scaled to
   the regional total where the two published totals differ by rounding (at most 200 persons,
   and 20,000 in 2002, when the published sections exceed the published total);
4. national skill structure within each section: no public table has it (the decent-work
   indicators give occupation shares by sex, not education), so the documented prior
   :data:`forecast.inputs.sample.generator.SKILL_MIX` (share of higher, technical-vocational and
   other education by section) is imposed as the national margin.

The prior is region total x national section share x the regional specialisation of
:data:`forecast.inputs.sample.generator.SECTOR_TILT` (mining in Atyrau and Mangystau, finance in
the two cities, ...) x the section's skill mix, five points more higher education in Astana and
Almaty. The fitted grid is rounded to whole persons within each published region x broad sector
(region before 2016), so those totals are exact and the sections within a few persons.
Section S stands for S, T and U (the 2010-2025 table publishes them together).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import pandas as pd

from forecast.inputs.real.boundaries import backcast_new_units
from forecast.inputs.real.ipf import Margin, ipf
from forecast.inputs.real.tables import BROAD, SECTIONS, broad_sector_by_region, national_sections, regional_series
from forecast.inputs.regions import NATIONAL, region_table
from forecast.inputs.sample.generator import SECTOR_TILT, SKILL_MIX
from forecast.inputs.schema import SKILLS

__all__ = ["GridFit", "PriorPerturbation", "employment_grid", "prior_table"]

CITY_BONUS = 0.05
CITIES = ("KZ-71", "KZ-75")


@dataclass(frozen=True)
class GridFit:
    """The estimated grid and how well it reproduces the published margins.

    Attributes
    ----------
    table : DataFrame
        ``region, sector, year, skill, employed, status`` on the 2022 boundaries; ``status`` is
        ``estimated`` on every cell, ``estimated;interpolated`` in 2015 and
        ``estimated;backcast`` where a unit's earlier years were split from its parent.
    fit : DataFrame
        ``margin, year, cells, max_abs_deviation`` of the rounded grid against each published
        margin on the boundaries of its year.
    """

    table: pd.DataFrame
    fit: pd.DataFrame


@dataclass(frozen=True)
class PriorPerturbation:
    """Multiplicative changes to the documented prior, for one plausible alternative prior.

    Attributes
    ----------
    tilt : mapping of str to ndarray
        Region code -> factor on the regional specialisation of each section (length 19).
    mix : ndarray
        (sections, skills) national skill mix within each section, rows summing to 1: the
        prior's, and the national section x skill margin the grid is fitted to (a documented
        prior, not a published figure).
    regional_mix : mapping of str to ndarray
        Region code -> (sections, skills) factor on that region's skill mix in the prior.
    """

    tilt: dict
    mix: np.ndarray
    regional_mix: dict


def national_mix(perturbation: PriorPerturbation | None = None) -> np.ndarray:
    """The national skill mix by section, (sections, skills)."""
    if perturbation is not None:
        return perturbation.mix
    return np.array([SKILL_MIX[s] for s in SECTIONS], dtype=float)


def prior_table(regions: list[str], section_share: np.ndarray,
                perturbation: PriorPerturbation | None = None) -> np.ndarray:
    """The prior of one year, shape (regions, sections, skills), before any region total;
    ``perturbation`` changes it into one of the plausible alternatives
    (:mod:`forecast.inputs.real.uncertainty`)."""
    zone = region_table().set_index("code")["zone"].to_dict()
    tilt = np.ones((len(regions), len(SECTIONS)))
    for s, sector in enumerate(SECTIONS):
        for r, code in enumerate(regions):
            factors = SECTOR_TILT.get(sector, {})
            tilt[r, s] = factors.get(code, factors.get(zone.get(code, ""), 1.0))
    mix = national_mix(perturbation)[None].repeat(len(regions), axis=0)
    if perturbation is not None:
        tilt *= np.array([perturbation.tilt[code] for code in regions])
        mix *= np.array([perturbation.regional_mix[code] for code in regions])
    city = np.isin(regions, CITIES)
    mix[city, :, 0] += CITY_BONUS
    mix[city, :, 2] = np.maximum(mix[city, :, 2] - CITY_BONUS, 0.01)
    mix /= mix.sum(axis=2, keepdims=True)
    return section_share[None, :, None] * tilt[:, :, None] * mix


def employment_grid(perturbation: PriorPerturbation | None = None) -> GridFit:
    """Estimate the grid for every year the regional survey covers (2001-2025), from the
    documented prior or, with ``perturbation``, from a plausible alternative to it."""
    totals, sections, broad = _published_margins()
    frames, fits = [], []
    for year in sorted(totals["year"].unique()):
        at = totals[(totals["year"] == year) & (totals["region"] != NATIONAL)]
        section_total = sections.loc[year, list(SECTIONS)].to_numpy(dtype=float)
        region_total = at["value"].to_numpy(dtype=float)
        interpolated = bool(at["interpolated"].any())
        if interpolated:  # only the national section table was published this year
            region_total = region_total * section_total.sum() / region_total.sum()
        region_total = _whole(region_total, round(region_total.sum()))
        frame, fit = _fit_year(int(year), list(at["region"]), region_total, section_total,
                               broad[broad["year"] == year], perturbation)
        frame["status"] = "estimated;interpolated" if interpolated else "estimated"
        frames.append(frame)
        fits.append(fit)
    grid = pd.concat(frames, ignore_index=True)
    grid = backcast_new_units(grid, "employed", ["sector", "skill"])
    grid.loc[grid["backcast"], "status"] += ";backcast"
    grid["employed"] = grid["employed"].round().astype(np.int64)
    grid = grid.drop(columns="backcast")[["region", "sector", "year", "skill", "employed", "status"]]
    return GridFit(grid.sort_values(["region", "sector", "year", "skill"]).reset_index(drop=True),
                   pd.concat(fits, ignore_index=True))


@lru_cache(maxsize=1)
def _published_margins() -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """The shipped margins, read once per process (the refits of
    :mod:`forecast.inputs.real.uncertainty` reuse them; callers only read them)."""
    totals = regional_series("employed_by_region.csv")
    sections = national_sections().pivot(index="year", columns="sector", values="value")
    return totals, sections, broad_sector_by_region()


def _fit_year(year: int, regions: list[str], region_total: np.ndarray, section_total: np.ndarray,
              broad: pd.DataFrame, perturbation: PriorPerturbation | None = None
              ) -> tuple[pd.DataFrame, pd.DataFrame]:
    R, S, K = len(regions), len(SECTIONS), len(SKILLS)
    section_target = section_total * region_total.sum() / section_total.sum()
    r_idx, s_idx, k_idx = np.indices((R, S, K))
    prior = (prior_table(regions, section_target / section_target.sum(), perturbation)
             * region_total[:, None, None])
    mix = national_mix(perturbation)
    margins = [Margin("region", r_idx, region_total),
               Margin("section", s_idx, section_target),
               Margin("section x skill (prior)", s_idx * K + k_idx,
                      (section_target[:, None] * mix).ravel())]
    broad_of = np.zeros(S, dtype=int)
    for b, (name, members) in enumerate(BROAD.items()):
        broad_of[[SECTIONS.index(m) for m in members]] = b
    groups = r_idx * 3 + broad_of[s_idx]
    published = None
    if not broad.empty:
        wide = broad.pivot(index="region", columns="broad", values="value")
        published = wide.reindex(index=regions, columns=list(BROAD)).to_numpy(dtype=float)
        # The national sections of a broad sector may differ from the sum of its regions by a
        # few hundred persons (2020: 220); the regions win, the sections keep their shares.
        for b, members in enumerate(BROAD.values()):
            at = [SECTIONS.index(m) for m in members]
            section_target[at] *= published[:, b].sum() / section_target[at].sum()
        margins[1] = Margin("section", s_idx, section_target)
        margins[2] = Margin("section x skill (prior)", s_idx * K + k_idx,
                            (section_target[:, None] * mix).ravel())
        margins.insert(1, Margin("region x broad sector", groups, published.ravel()))
    result = ipf(prior, margins, tol=1e-6)
    if not result.converged:
        raise RuntimeError(f"the {year} grid did not converge to its margins: {result.deviation}")
    # Whole persons within each published group, so its total stays exact.
    unit = groups if published is not None else r_idx
    targets = published.ravel() if published is not None else region_total
    cells = _round_within(result.table, unit, targets)
    frame = pd.DataFrame({"region": np.array(regions)[r_idx.ravel()],
                          "sector": np.array(SECTIONS)[s_idx.ravel()],
                          "year": year, "skill": np.array(SKILLS)[k_idx.ravel()],
                          "employed": cells.ravel()})
    fit = [("region", year, R, np.abs(np.bincount(r_idx.ravel(), cells.ravel(), R) - region_total).max()),
           ("section (published)", year, S,
            np.abs(np.bincount(s_idx.ravel(), cells.ravel(), S) - section_total).max()),
           ("section (scaled to the regional total)", year, S,
            np.abs(np.bincount(s_idx.ravel(), cells.ravel(), S) - section_target).max())]
    if published is not None:
        fit.append(("region x broad sector", year, published.size,
                    np.abs(np.bincount(groups.ravel(), cells.ravel(), R * 3) - published.ravel()).max()))
    return frame, pd.DataFrame(fit, columns=["margin", "year", "cells", "max_abs_deviation"])


def _whole(values: np.ndarray, total: int) -> np.ndarray:
    """Round to whole numbers that sum to ``total`` (largest remainders get the extra one)."""
    floor = np.floor(values)
    extra = int(total - floor.sum())
    if extra >= 0:
        order = np.argsort(-(values - floor), kind="stable")
        floor[order[:extra]] += 1
    else:  # the values sum to more than the total: take one from the smallest remainders
        order = np.argsort(values - floor, kind="stable")
        order = order[floor[order] > 0]
        floor[order[:-extra]] -= 1
    return floor


def _round_within(table: np.ndarray, groups: np.ndarray, totals: np.ndarray) -> np.ndarray:
    flat, g = table.ravel(), groups.ravel()
    out = np.empty_like(flat)
    for group in range(len(totals)):
        at = np.flatnonzero(g == group)
        out[at] = _whole(flat[at], int(round(totals[group])))
    return out.reshape(table.shape)
