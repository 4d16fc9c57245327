"""Seeded generator of the embedded Kazakhstan sample and its true latent shortages.

The sample is synthetic: a stock-flow simulation of 20 regions x 21 OKED sections x 3 skill
levels, 2000-2029, calibrated to published Kazakhstan figures (``forecast/data/kz_public``):
regional population 2000-2023 and its age structure, employment-office applicants by region,
salary by region in 2022, the national employment rate and sector shares, emigration totals
2011-2022 and their education mix, and the foreign-worker permit and quota history. It carries
the features real data have: the 2008-09, 2015 and 2020 shocks, the 2022 inflow of skilled
immigrants, emigration concentrated in the north and east, ageing in the north, and tables
published on the boundaries of their year (South Kazakhstan includes Shymkent before 2018; East
Kazakhstan, Almaty and Karaganda regions include Abai, Zhetysu and Ulytau before 2022).

The data tables stop in :data:`LAST_DATA_YEAR`; the truth runs to :data:`LAST_TRUTH_YEAR` so that
forecasts made from the last data year can be scored too. The truth for each region x sector x
skill x year is the COPS-style balance the library forecasts::

    openings = expansion (demand growth) + retirements + deaths + emigration
    seekers  = graduates + immigration + net internal migration + hires from the unemployed
    shortage = openings - seekers

Run ``python -m forecast.inputs.sample.generator`` to rewrite the shipped files.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import json
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import numpy as np
import pandas as pd

from features.pension import KAZAKHSTAN_PENSION_AGES
from forecast.inputs import regions, sectors
from forecast.inputs.real.tables import published_orders
from forecast.inputs.sample import NOTICE
from forecast.inputs.schema import EDUCATION, LEVELS, SKILLS

SEED = 20240601
FIRST_YEAR = 2000
LAST_DATA_YEAR = 2024
LAST_TRUTH_YEAR = 2029
YEARS = np.arange(FIRST_YEAR, LAST_TRUTH_YEAR + 1)
AGES = np.arange(91)  # 90 stands for 90 and over
AGE_BANDS = [(0, 15), (16, 19)] + [(a, a + 4) for a in range(20, 70, 5)] + [(70, None)]

REGIONS = regions.region_codes()
SECTORS = sectors.sector_codes()
R, S, K, T = len(REGIONS), len(SECTORS), len(SKILLS), len(YEARS)


def pension_age(sex: str, year: np.ndarray) -> np.ndarray:
    """Statutory pension age by sex and year (the schedule of :mod:`features.pension`)."""
    return KAZAKHSTAN_PENSION_AGES.ages(sex, np.asarray(year))


def _region_params(column: str, values: dict[str, float], default: float) -> np.ndarray:
    zones = regions.region_table().set_index("code").loc[REGIONS, column]
    return np.array([values.get(code, values.get(zone, default)) for code, zone in zones.items()])


def _zone_values(values: dict[str, float], default: float) -> np.ndarray:
    return _region_params("zone", values, default)


def _sector_values(values: dict[str, float], default: float = 1.0) -> np.ndarray:
    return np.array([values.get(s, default) for s in SECTORS])


def read_public(name: str) -> pd.DataFrame:
    with resources.files("forecast.data").joinpath(f"kz_public/{name}").open(encoding="utf-8") as fh:
        return pd.read_csv(fh)


def _numbers(values: pd.Series) -> pd.Series:
    """Published cells such as '78,8*', '63,,4' or '…' as floats (NaN where there is no number)."""
    text = values.astype(str).str.replace(r",+", ".", regex=True).str.replace(r"[^0-9.\-]", "", regex=True)
    return pd.to_numeric(text, errors="coerce")


def _index(code: str) -> int:
    return REGIONS.index(code)


# ----------------------------------------------------------------------------------------------
# Population


def population_totals() -> np.ndarray:
    """Population by region (2022 boundaries) and year, from the published series.

    Units that split off later get their share of the parent in the first year both were
    published; years after 2023 continue each region's 2019-2023 growth.
    """
    raw = read_public("population_by_region_2000_2050.csv")
    raw = raw.rename(columns={"Область": "name", "Год": "year", "Население": "population"})
    raw = raw[(raw["year"] <= 2023)]
    raw["code"] = raw["name"].map(regions.resolve_region)
    table = raw[raw["code"] != regions.NATIONAL].pivot_table(index="code", columns="year",
                                                            values="population")
    table = table.reindex(index=REGIONS, columns=range(FIRST_YEAR, 2024))
    for change in regions.boundary_changes().itertuples():
        child, parent = change.child, change.parent
        first = int(table.loc[child].first_valid_index())
        share = table.loc[child, first] / (table.loc[child, first] + table.loc[parent, first])
        early = [y for y in table.columns if y < first]
        table.loc[child, early] = table.loc[parent, early] * share
        table.loc[parent, early] = table.loc[parent, early] * (1 - share)
    values = table.to_numpy(dtype=float)
    growth = np.log(values[:, -1] / values[:, -5]) / 4
    ahead = values[:, -1:] * np.exp(np.outer(growth, np.arange(1, LAST_TRUTH_YEAR - 2023 + 1)))
    return np.concatenate([values, ahead], axis=1)


def _broad_age_targets() -> np.ndarray:
    """Published shares of ages 0-15, working age and pension age by region and sex (R, 2, 3)."""
    raw = read_public("population_by_region_age_sex.csv")
    raw["code"] = raw["region"].map(regions.resolve_region)
    raw["group"] = raw["age"].map(lambda a: 0 if a == "0-15" else (2 if a.endswith("+") else 1))
    pivot = raw.pivot_table(index=["code", "sex"], columns="group", values="value", aggfunc="sum")
    shares = pivot.div(pivot.sum(axis=1), axis=0)
    parent_of = {c.child: c.parent for c in regions.boundary_changes().itertuples() if c.year == 2022}
    out = np.zeros((R, 2, 3))
    for i, code in enumerate(REGIONS):
        source = code if (code, "men") in shares.index else parent_of[code]
        out[i, 0] = shares.loc[(source, "men")].to_numpy()
        out[i, 1] = shares.loc[(source, "women")].to_numpy()
    return out


def _mortality() -> np.ndarray:
    base = np.minimum(1.0, 0.0006 + 0.00004 * np.exp(0.09 * AGES))
    return np.stack([np.minimum(1.0, base * 1.6), base])  # (sex, age)


def _group_masks(year: int) -> np.ndarray:
    """(2, 3, ages) masks: 0-15, working age (16 to pension age - 1), pension age."""
    masks = np.zeros((2, 3, AGES.size))
    for s, sex in enumerate(("male", "female")):
        limit = int(np.floor(pension_age(sex, np.array([year]))[0]))
        masks[s, 0, AGES <= 15] = 1
        masks[s, 1, (AGES >= 16) & (AGES < limit)] = 1
        masks[s, 2, AGES >= limit] = 1
    return masks


def age_structure(totals: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Single-year population (R, 2 sexes, 91 ages, T) by cohort-component projection.

    Births, deaths and a young-adult emigration profile age the population; each year is then
    scaled to the published total. The 2000 pyramid is tuned so that the projected 2020 broad age
    shares match the published ones, which makes the north older than the south as in reality.
    """
    targets = _broad_age_targets()
    zone_birth = _zone_values({"south": 0.027, "west": 0.025, "city": 0.020, "central": 0.016,
                               "east": 0.015, "north": 0.013, "KZ-79": 0.027}, 0.018)
    zone_leave = _zone_values({"north": 0.010, "east": 0.009, "central": 0.008, "city": 0.004,
                               "west": 0.003, "south": 0.002}, 0.004)
    survival = 1 - _mortality()
    leave_profile = np.exp(-0.5 * ((AGES - 27) / 8.0) ** 2)
    base = np.where(AGES <= 15, 1.6, np.where(AGES < 60, 1.55 - 0.012 * (AGES - 16),
                                              0.9 * np.exp(-0.09 * (AGES - 60))))
    # In 2020, children were born after 2004 (set by the birth rate), people of working age were
    # under 40 in 2000 and people of pension age were over 40 then: tune those three levers.
    young = (AGES < 40).astype(float)
    weights = np.ones((R, 2, 2))
    births = zone_birth.copy()
    masks2020 = _group_masks(2020)
    t2020 = int(np.flatnonzero(YEARS == 2020)[0])
    for _ in range(15):
        start = base[None, None, :] * (weights[..., :1] * young + weights[..., 1:] * (1 - young))
        pops = _project(start, totals, survival, births, zone_leave, leave_profile)
        actual = np.einsum("rsa,sga->rsg", pops[..., t2020], masks2020)
        actual /= actual.sum(axis=2, keepdims=True)
        births *= targets[:, :, 0].mean(axis=1) / actual[:, :, 0].mean(axis=1)
        weights *= targets[..., 1:] / actual[..., 1:]
    noise = rng.lognormal(0.0, 0.01, size=(R, 2, AGES.size, 1))
    pops = pops * noise
    return pops * (totals / pops.sum(axis=(1, 2)))[:, None, None, :]


def _project(start, totals, survival, zone_birth, zone_leave, leave_profile) -> np.ndarray:
    pops = np.zeros((R, 2, AGES.size, T))
    pops[..., 0] = start * (totals[:, 0] / start.sum(axis=(1, 2)))[:, None, None]
    for t in range(1, T):
        prev = pops[..., t - 1]
        nxt = np.zeros_like(prev)
        leave = 1 - zone_leave[:, None, None] * leave_profile[None, None, :]
        moved = prev * survival[None] * leave
        nxt[:, :, 1:] = moved[:, :, :-1]
        nxt[:, :, -1] += moved[:, :, -1]
        birth_rate = zone_birth * (0.8 + 0.2 * min(1.0, (YEARS[t] - FIRST_YEAR) / 8))
        births = birth_rate * totals[:, t - 1]
        nxt[:, 0, 0] = births * 0.512
        nxt[:, 1, 0] = births * 0.488
        pops[..., t] = nxt * (totals[:, t] / nxt.sum(axis=(1, 2)))[:, None, None]
    return pops


def working_age(pops: np.ndarray) -> np.ndarray:
    """Population from 16 to the pension age of each sex and year, (R, T)."""
    out = np.zeros((R, T))
    for t, year in enumerate(YEARS):
        out[:, t] = np.einsum("rsa,sa->r", pops[..., t], _group_masks(int(year))[:, 1, :])
    return out


def retiring(pops: np.ndarray) -> np.ndarray:
    """People who reach pension age during each year, (R, T); a rising pension age thins it."""
    out = np.zeros((R, T))
    for s, sex in enumerate(("male", "female")):
        ages = pension_age(sex, YEARS)
        step = np.diff(ages, prepend=ages[0])
        for t in range(1, T):
            cohort = pops[:, s, int(np.ceil(ages[t])) - 1, t - 1]
            out[:, t] += cohort * max(0.0, 1.0 - step[t])
    return out


# ----------------------------------------------------------------------------------------------
# Migration

EMIGRATION_TOTAL = {  # persons leaving for permanent residence abroad; 2011-2022 sum to 367.1k
    2000: 158_000, 2001: 88_000, 2002: 62_000, 2003: 58_000, 2004: 52_000, 2005: 45_000,
    2006: 33_000, 2007: 30_000, 2008: 34_000, 2009: 33_000, 2010: 28_000, 2011: 32_900,
    2012: 28_900, 2013: 24_100, 2014: 28_900, 2015: 30_000, 2016: 32_900, 2017: 37_700,
    2018: 42_200, 2019: 45_200, 2020: 29_100, 2021: 17_000, 2022: 18_100, 2023: 15_500,
    2024: 14_000,
}
IMMIGRATION_TOTAL = {
    2000: 47_000, 2001: 51_000, 2002: 58_000, 2003: 64_000, 2004: 68_000, 2005: 64_000,
    2006: 62_000, 2007: 55_000, 2008: 48_000, 2009: 45_000, 2010: 41_000, 2011: 38_000,
    2012: 28_000, 2013: 24_000, 2014: 21_000, 2015: 16_800, 2016: 14_000, 2017: 13_200,
    2018: 12_400, 2019: 12_000, 2020: 12_000, 2021: 13_500, 2022: 30_000, 2023: 19_000,
    2024: 15_000,
}


def _national_series(known: dict[int, float], rng: np.random.Generator) -> np.ndarray:
    last = known[max(known)]
    future = last * np.exp(np.cumsum(rng.normal(-0.01, 0.05, LAST_TRUTH_YEAR - max(known))))
    return np.array([known[y] for y in range(FIRST_YEAR, max(known) + 1)] + list(future))


def migration(totals: np.ndarray, rng: np.random.Generator) -> dict[str, np.ndarray]:
    """Flows by region, education and year, each (R, 3, T) in the order higher, tvet, other."""
    emig_nat = _national_series(EMIGRATION_TOTAL, rng)
    emig_weight = _zone_values({"north": 3.0, "east": 2.8, "central": 2.5, "KZ-75": 1.4,
                                "KZ-71": 0.8, "west": 0.8, "south": 0.4}, 1.0)
    weight = totals * emig_weight[:, None] * rng.lognormal(0, 0.1, (R, T))
    emigrants = emig_nat * weight / weight.sum(axis=0)
    higher = np.clip(0.30 + 0.005 * (YEARS - FIRST_YEAR), 0.30, 0.44)
    emig_mix = np.stack([higher, np.full(T, 0.34), 0.66 - higher])

    imm_nat = _national_series(IMMIGRATION_TOTAL, rng)
    imm_weight = _zone_values({"KZ-75": 2.0, "KZ-71": 2.0, "KZ-47": 1.8, "south": 1.0,
                               "north": 0.7, "central": 0.6, "east": 0.7, "west": 0.9}, 1.0)
    weight = totals * imm_weight[:, None] * rng.lognormal(0, 0.15, (R, T))
    inflow_2022 = (YEARS >= 2022) * np.exp(-0.8 * np.maximum(YEARS - 2022, 0))
    city = np.isin(REGIONS, ["KZ-75", "KZ-71"]).astype(float)
    weight = weight * (1 + 3.0 * city[:, None] * inflow_2022[None, :])
    immigrants = imm_nat * weight / weight.sum(axis=0)
    imm_higher = np.interp(YEARS, [2000, 2010, 2020], [0.10, 0.11, 0.16]) + 0.36 * inflow_2022
    imm_mix = np.stack([imm_higher, np.full(T, 0.25), 0.75 - imm_higher])

    out_rate = 0.015 * rng.lognormal(0, 0.05, (R, T))
    movers = totals * out_rate
    pull = _zone_values({"KZ-71": 5.0, "KZ-75": 4.0, "KZ-79": 2.0, "KZ-23": 1.5, "KZ-47": 1.5,
                         "north": 0.45, "east": 0.5, "central": 0.6}, 0.7)
    attraction = totals * pull[:, None]
    arrivals = movers.sum(axis=0) * attraction / attraction.sum(axis=0)
    internal_mix = np.array([0.30, 0.30, 0.40])[:, None] * np.ones(T)
    return {
        "emigration": emigrants[:, None, :] * emig_mix[None],
        "immigration": immigrants[:, None, :] * imm_mix[None],
        "internal_out": movers[:, None, :] * internal_mix[None],
        "internal_in": arrivals[:, None, :] * internal_mix[None],
    }


# ----------------------------------------------------------------------------------------------
# Demand for labour

INDUSTRY_MIX = {"B": 0.13, "C": 0.36, "D": 0.08, "E": 0.03, "F": 0.40}
SERVICES_MIX = {"G": 0.27, "H": 0.11, "I": 0.035, "J": 0.03, "K": 0.025, "L": 0.015, "M": 0.04,
                "N": 0.04, "O": 0.085, "P": 0.18, "Q": 0.095, "R": 0.025, "S": 0.04, "T": 0.009,
                "U": 0.0005}
SKILL_MIX = {  # high, medium, low
    "A": (0.08, 0.27, 0.65), "B": (0.30, 0.45, 0.25), "C": (0.22, 0.40, 0.38),
    "D": (0.35, 0.45, 0.20), "E": (0.20, 0.40, 0.40), "F": (0.18, 0.42, 0.40),
    "G": (0.25, 0.35, 0.40), "H": (0.18, 0.45, 0.37), "I": (0.15, 0.40, 0.45),
    "J": (0.65, 0.25, 0.10), "K": (0.75, 0.20, 0.05), "L": (0.40, 0.35, 0.25),
    "M": (0.70, 0.22, 0.08), "N": (0.25, 0.35, 0.40), "O": (0.65, 0.25, 0.10),
    "P": (0.72, 0.22, 0.06), "Q": (0.50, 0.40, 0.10), "R": (0.40, 0.35, 0.25),
    "S": (0.25, 0.40, 0.35), "T": (0.05, 0.20, 0.75), "U": (0.70, 0.20, 0.10),
}
SHOCKS = {  # (year, sector or "*", log change); half of a shock is undone the next year
    (2009, "*"): -0.02, (2009, "F"): -0.10, (2009, "C"): -0.05, (2009, "K"): -0.06,
    (2009, "G"): -0.03, (2015, "C"): -0.04, (2015, "G"): -0.03, (2015, "F"): -0.05,
    (2015, "K"): -0.03, (2016, "*"): -0.01, (2020, "*"): -0.015, (2020, "I"): -0.15,
    (2020, "R"): -0.12, (2020, "H"): -0.06, (2020, "G"): -0.04, (2020, "S"): -0.06,
    (2020, "Q"): 0.03, (2022, "J"): 0.08, (2022, "K"): 0.02,
}
SECTOR_TILT = {  # regional over- or under-representation of a section
    "B": {"KZ-23": 5, "KZ-47": 6, "KZ-15": 2, "KZ-35": 2.5, "KZ-62": 4, "KZ-43": 3, "KZ-27": 2.5,
          "KZ-55": 1.5, "KZ-63": 2, "KZ-10": 1.5, "KZ-75": 0.1, "KZ-71": 0.1},
    "A": {"south": 1.6, "north": 1.3, "KZ-75": 0.03, "KZ-71": 0.05, "KZ-79": 0.15},
    "C": {"KZ-35": 1.8, "KZ-55": 1.9, "KZ-63": 1.7, "KZ-75": 1.2},
    "J": {"KZ-75": 3.0, "KZ-71": 2.5}, "K": {"KZ-75": 3.0, "KZ-71": 2.5},
    "M": {"KZ-75": 2.5, "KZ-71": 2.2, "KZ-23": 1.5}, "L": {"KZ-75": 2.0, "KZ-71": 2.0},
    "O": {"KZ-71": 2.5}, "F": {"KZ-71": 1.8, "KZ-23": 1.6, "KZ-75": 1.3},
    "H": {"KZ-75": 1.3, "KZ-55": 1.2}, "U": {"KZ-75": 8.0, "KZ-71": 8.0},
}
AGE_FACTOR = _sector_values({"A": 1.3, "P": 1.25, "Q": 1.2, "D": 1.15, "C": 1.1, "E": 1.1,
                             "B": 1.05, "H": 1.05, "G": 0.85, "I": 0.7, "J": 0.55, "K": 0.7,
                             "M": 0.8, "N": 0.9, "F": 0.9, "S": 0.9, "R": 0.95})


def _employment_rate() -> np.ndarray:
    raw = read_public("decent_work_indicators_extract.csv")
    rate = raw[(raw["segment"] == "Всего") & raw["indicators"].str.contains("занятости")]
    known = (_numbers(rate.set_index("year")["value"]) / 100).dropna()
    return np.interp(YEARS, known.index.to_numpy(), known.to_numpy())


def broad_sector_shares() -> pd.DataFrame:
    """Published shares of agriculture, industry and services in employment, 2001-2020."""
    raw = read_public("decent_work_indicators_extract.csv")
    raw = raw[raw["segment"].str.startswith("Доля занятых")].copy()
    raw["group"] = raw["segment"].map(lambda s: "agriculture" if "сельском" in s else
                                      ("industry" if "промышленности" in s else "services"))
    raw["value"] = _numbers(raw["value"])
    table = raw.pivot_table(index="year", columns="group", values="value") / 100
    return table[["agriculture", "industry", "services"]]


def national_sector_shares() -> np.ndarray:
    """National employment share of each OKED section by year, (S, T), from the published
    broad shares."""
    broad = broad_sector_shares()
    years = broad.index.to_numpy()
    agri = np.interp(YEARS, np.r_[years, 2029], np.r_[broad["agriculture"], 0.12])
    industry = np.interp(YEARS, np.r_[years, 2029], np.r_[broad["industry"], 0.21])
    services = 1 - agri - industry
    shares = np.zeros((S, T))
    shares[SECTORS.index("A")] = agri
    for code, w in INDUSTRY_MIX.items():
        shares[SECTORS.index(code)] = industry * w
    total = sum(SERVICES_MIX.values())
    for code, w in SERVICES_MIX.items():
        # Knowledge-intensive services grow faster than the rest over the period.
        drift = 1 + (0.02 if code in "JKMQ" else 0.0) * (YEARS - FIRST_YEAR)
        shares[SECTORS.index(code)] = services * w / total * drift
    services_rows = [SECTORS.index(c) for c in SERVICES_MIX]
    shares[services_rows] *= services / shares[services_rows].sum(axis=0)
    return shares


def shock_path(shocks: dict[tuple[int, str], float] | None = None) -> np.ndarray:
    """Log level shift of demand by sector and year, (S, T): each shock of :data:`SHOCKS` from
    its year on, half of it undone from the next year."""
    shock = np.zeros((S, T))
    for (year, sector), size in (SHOCKS if shocks is None else shocks).items():
        rows = slice(None) if sector == "*" else SECTORS.index(sector)
        t = int(np.flatnonzero(YEARS == year)[0])
        shock[rows, t:] += size
        shock[rows, t + 1:] -= size / 2
    return shock


def labour_demand(working: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Latent demand (employment plus unfilled vacancies), (R, S, K, T)."""
    region_rate = _zone_values({"city": 1.03, "KZ-79": 0.96, "south": 0.96, "west": 1.0}, 1.0)
    total = working * region_rate[:, None]
    # Demand is employment plus vacancies: about 2.5% above the published employment rate.
    total *= (_employment_rate() / 0.975 * working.sum(axis=0) / total.sum(axis=0))[None, :]
    national = national_sector_shares()
    tilt = np.ones((R, S))
    for sector, by_region in SECTOR_TILT.items():
        tilt[:, SECTORS.index(sector)] = _zone_values(by_region, 1.0)
    cells = total[:, None, :] * national[None] * tilt[:, :, None]
    for _ in range(30):  # fit regional totals and national sector shares at once
        cells *= (total / cells.sum(axis=1))[:, None, :]
        cells *= (national * total.sum(axis=0) / cells.sum(axis=0))[None]

    shock = shock_path()
    drift = rng.normal(0.0, 0.012, (R, S, 1))
    # Regions drift apart within a section, but the section's national share stays published.
    size = cells[..., :1]
    drift -= (drift * size).sum(axis=0, keepdims=True) / size.sum(axis=0, keepdims=True)
    trend = drift * (YEARS - FIRST_YEAR)[None, None, :]
    # Growth has momentum: a cell that grew faster than its trend last year tends to do so again.
    growth = np.zeros((R, S, T))
    innovations = rng.normal(0.0, 0.01, (R, S, T))
    for t in range(1, T):
        growth[..., t] = 0.5 * growth[..., t - 1] + innovations[..., t]
    noise = np.cumsum(growth, axis=2)
    regional_sector = cells * np.exp(shock[None] + trend + noise)

    mix = np.array([SKILL_MIX[s] for s in SECTORS])  # (S, K)
    upskill = 0.004 * (YEARS - FIRST_YEAR)
    city_bonus = np.where(np.isin(REGIONS, ["KZ-75", "KZ-71"]), 0.05, 0.0)
    high = np.clip(mix[None, :, 0, None] + upskill[None, None, :] + city_bonus[:, None, None], 0, 0.95)
    low = np.clip(mix[None, :, 2, None] - upskill[None, None, :] - city_bonus[:, None, None], 0.02, 1)
    medium = np.clip(1 - high - low, 0.02, 1)
    skills = np.stack([high, medium, low], axis=2)
    skills /= skills.sum(axis=2, keepdims=True)
    return regional_sector[:, :, None, :] * skills


# ----------------------------------------------------------------------------------------------
# Supply, shortage, vacancies, wages


def _allocate(amount: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """Spread (R, K, T) amounts over sectors in proportion to (R, S, K, T) weights."""
    share = weights / np.maximum(weights.sum(axis=1, keepdims=True), 1e-12)
    return amount[:, None, :, :] * share


def applicants_series(totals: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Employment-office applicants by region and year (R, T) on 2022 boundaries."""
    raw = read_public("employment_office_applicants_by_region_2001_2021.csv").set_index("year")
    out = np.full((R, T), np.nan)
    columns = {c: regions.resolve_region(c) for c in raw.columns}
    for column, code in columns.items():
        if code == "KZ-61":
            continue
        values = raw[column].to_numpy(dtype=float)
        if code == "KZ-79":
            # Before 2018 the Shymkent column is part of South Kazakhstan; split it out later.
            values = np.where(raw.index < 2018, np.nan, values)
        out[_index(code), 1:22] = values
    south = raw[[c for c, k in columns.items() if k == "KZ-61"][0]].to_numpy(dtype=float)
    shym = raw[[c for c, k in columns.items() if k == "KZ-79"][0]].to_numpy(dtype=float)
    combined = np.where(raw.index < 2018, south + shym, south)
    out[_index("KZ-61"), 1:22] = combined
    for change in regions.boundary_changes().itertuples():
        parent, child = _index(change.parent), _index(change.child)
        first = int(np.flatnonzero(YEARS == change.year)[0])
        known = ~np.isnan(out[child])
        share = totals[child] / (totals[child] + totals[parent])
        before = np.arange(T) < first
        both = out[parent] + np.where(known, out[child], 0)
        out[child] = np.where(before & ~np.isnan(out[parent]), both * share, out[child])
        out[parent] = np.where(before, both * (1 - share), out[parent])
    rate = out / totals
    rate[:, 0] = rate[:, 1] * 1.05  # the published series starts in 2001
    last = int(np.flatnonzero(YEARS == 2021)[0])
    recent = np.nanmean(rate[:, last - 2:last + 1], axis=1)
    for t in range(last + 1, T):
        rate[:, t] = recent * rng.lognormal(0, 0.08, R)
    return rate * totals


def graduates_for(openings_hint: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Graduates by region, level, field (sector) and year, (R, 2, S, T).

    Output follows the openings of past years for each skill level, but the mix of fields
    follows students' preferences too: many economists and lawyers (K, M, O), too few engineers,
    miners, builders and doctors (B, C, D, F, Q); universities gather in the large cities.
    """
    preference = {
        "higher": _sector_values({"K": 3.0, "M": 2.2, "O": 2.0, "P": 1.4, "L": 1.5, "J": 1.2,
                                  "B": 0.45, "C": 0.6, "D": 0.6, "F": 0.55, "Q": 0.65, "A": 0.7}),
        "tvet": _sector_values({"F": 0.65, "B": 0.6, "C": 0.7, "Q": 0.9, "D": 0.7, "G": 1.4,
                                "I": 1.3, "S": 1.3, "P": 1.2}),
    }
    volume = {"higher": 1.02, "tvet": 0.80}
    campus = _zone_values({"KZ-75": 1.5, "KZ-71": 1.35, "KZ-35": 1.1, "KZ-79": 1.1}, 0.85)
    out = np.zeros((R, 2, S, T))
    for level_index, level in enumerate(LEVELS):
        need = openings_hint[:, :, level_index, :]  # (R, S, T), high for higher, medium for tvet
        field = need * preference[level][None, :, None]
        field *= need.sum(axis=1, keepdims=True) / field.sum(axis=1, keepdims=True)
        mixed = 0.5 * need + 0.5 * field
        out[:, level_index] = (volume[level] * campus[:, None, None] * mixed
                               * rng.lognormal(0, 0.05, (R, S, T)))
    return out


@dataclass
class Simulation:
    """Everything the generator simulates, as arrays over regions, sectors, skills and years."""

    totals: np.ndarray
    pops: np.ndarray
    flows: dict[str, np.ndarray]
    demand: np.ndarray
    applicants: np.ndarray
    graduates: np.ndarray
    components: dict[str, np.ndarray]
    vacancies: np.ndarray
    employment: np.ndarray
    wages: np.ndarray


def simulate(seed: int = SEED) -> Simulation:
    """Run the whole simulation on the 2022 boundaries for 2000-2029."""
    rng = np.random.default_rng(seed)
    totals = population_totals()
    pops = age_structure(totals, rng)
    working = working_age(pops)
    flows = migration(totals, rng)
    demand = labour_demand(working, rng)
    applicants = applicants_series(totals, rng)

    prev = np.concatenate([demand[..., :1], demand[..., :-1]], axis=3)
    expansion = demand - prev
    retire_rate = 0.8 * retiring(pops) / np.maximum(np.concatenate([working[:, :1], working[:, :-1]], axis=1), 1)
    retirements = prev * retire_rate[:, None, None, :] * AGE_FACTOR[None, :, None, None]
    deaths = prev * 0.004
    emigrant_workers = flows["emigration"] * 0.8 * 0.75
    emigration = _allocate(emigrant_workers, prev)
    openings = expansion + retirements + deaths + emigration

    # Graduates follow the openings of earlier years (the education system plans with a lag).
    smooth = retirements + deaths + emigration + np.maximum(expansion, 0) * 0.8
    lagged = np.concatenate([smooth[..., :3].mean(axis=3, keepdims=True).repeat(3, axis=3),
                             (smooth[..., :-3] + smooth[..., 1:-2] + smooth[..., 2:-1])[..., :T - 3] / 3],
                            axis=3)
    graduates = graduates_for(lagged[:, :, :2, :], rng)
    grad_supply = np.zeros_like(demand)
    grad_supply[:, :, 0] = graduates[:, 0] * 0.8
    grad_supply[:, :, 1] = graduates[:, 1] * 0.8
    youth = pops[:, :, 18, :].sum(axis=1)  # (R, T)
    low_entrants = youth * 0.35 * 0.45
    low_amount = np.zeros((R, K, T))
    low_amount[:, 2] = low_entrants
    grad_supply += _allocate(low_amount, prev * np.array([0, 0, 1.0])[None, None, :, None])

    immigrant_weights = prev.copy()
    j = SECTORS.index("J")
    inflow_2022 = ((YEARS >= 2022) * np.exp(-0.8 * np.maximum(YEARS - 2022, 0)))
    immigrant_weights[:, j, 0] *= 1 + 6 * inflow_2022
    immigration = _allocate(flows["immigration"] * 0.55, immigrant_weights)
    internal = _allocate((flows["internal_in"] - flows["internal_out"]) * 0.55, prev)
    pool = applicants[:, None, :] * 0.22 * np.array([0.15, 0.35, 0.50])[None, :, None]
    unemployed = _allocate(pool, prev)
    seekers = grad_supply + immigration + internal + unemployed
    shortage = openings - seekers

    unfilled = np.zeros_like(demand)
    for t in range(1, T):
        unfilled[..., t] = np.maximum(0.0, 0.5 * unfilled[..., t - 1] + shortage[..., t])
    friction = _sector_values({"Q": 0.025, "P": 0.02, "J": 0.025, "B": 0.02, "F": 0.02}, 0.012)
    vacancies = demand * friction[None, :, None, None] + 0.5 * unfilled
    vacancies = np.minimum(vacancies, 0.3 * demand)
    employment = demand - vacancies

    wages = _wages(demand, shortage, rng)
    components = {
        "demand": demand, "expansion": expansion, "retirements": retirements, "deaths": deaths,
        "emigration": emigration, "openings": openings, "graduates": grad_supply,
        "immigration": immigration, "internal_migration": internal, "unemployed": unemployed,
        "seekers": seekers, "shortage": shortage,
    }
    return Simulation(totals, pops, flows, demand, applicants, graduates, components, vacancies,
                      employment, wages)


NATIONAL_WAGE = {2000: 15_787, 2001: 17_303, 2002: 20_323, 2003: 23_128, 2004: 28_329,
                 2005: 34_060, 2006: 40_790, 2007: 52_479, 2008: 60_805, 2009: 67_333,
                 2010: 77_611, 2011: 90_028, 2012: 101_263, 2013: 109_141, 2014: 121_021,
                 2015: 126_021, 2016: 142_898, 2017: 150_827, 2018: 162_673, 2019: 186_815,
                 2020: 213_003, 2021: 250_311, 2022: 309_697, 2023: 363_000, 2024: 405_000}
SECTOR_WAGE = _sector_values({"B": 2.1, "K": 1.9, "J": 1.6, "M": 1.5, "U": 1.5, "D": 1.2, "H": 1.2,
                              "C": 1.1, "F": 1.1, "L": 1.0, "O": 1.0, "N": 0.9, "E": 0.85,
                              "G": 0.85, "I": 0.8, "Q": 0.75, "P": 0.7, "S": 0.7, "R": 0.65,
                              "A": 0.55, "T": 0.5})


def _wages(demand: np.ndarray, shortage: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Average monthly wage (R, S, T): national path x region x sector x shortage premium.

    Each region's employment-weighted average equals the published 2022 regional average and
    follows the national wage path in other years.
    """
    national = np.array([NATIONAL_WAGE[y] for y in range(FIRST_YEAR, LAST_DATA_YEAR + 1)], float)
    growth = np.log(national[-1] / national[-4]) / 3
    national = np.r_[national, national[-1] * np.exp(growth * np.arange(1, LAST_TRUTH_YEAR - LAST_DATA_YEAR + 1))]
    salary = read_public("avg_salary_by_region_occupation_2022.csv")
    salary = salary[salary["regions"] != "South Kazakhstan Region"]  # a stale duplicate row
    salary["code"] = salary["regions"].map(regions.resolve_region)
    by_region = salary.set_index("code")["avg_salary"]
    region_factor = by_region.loc[REGIONS].to_numpy() / by_region.loc[regions.NATIONAL]

    skilled = shortage[:, :, :2].sum(axis=2) / np.maximum(demand[:, :, :2].sum(axis=2), 1)
    pressure = np.zeros_like(skilled)
    for t in range(1, T):
        pressure[..., t] = 0.7 * pressure[..., t - 1] + skilled[..., t]
    raw = SECTOR_WAGE[None, :, None] * np.exp(np.clip(1.5 * pressure, -0.4, 0.4))
    raw *= rng.lognormal(0, 0.03, raw.shape)
    employed = demand.sum(axis=2)
    mean = (raw * employed).sum(axis=1) / employed.sum(axis=1)
    return raw / mean[:, None, :] * region_factor[:, None, None] * national[None, None, :]


# ----------------------------------------------------------------------------------------------
# Publication: long tables on the boundaries of their year, with measurement noise

PERMITS_KNOWN = {2000: 10_000, 2005: 18_000, 2008: 32_000, 2012: 30_000, 2014: 26_000,
                 2015: 38_000, 2019: 20_938, 2020: 16_378, 2021: 14_794, 2022: 13_400,
                 2023: 14_500, 2024: 13_183}
PERMIT_SECTORS = _sector_values({"F": 6.0, "A": 2.0, "B": 3.0, "C": 1.5, "M": 1.2, "J": 1.0,
                                 "H": 0.6, "D": 0.8, "G": 0.4, "Q": 0.5, "P": 0.4}, 0.2)
PERMIT_REGIONS = _zone_values({"KZ-23": 6.0, "KZ-47": 1.5, "KZ-71": 1.6, "KZ-75": 1.4,
                               "KZ-19": 1.3, "KZ-15": 1.2, "KZ-27": 1.2}, 0.6)
CATEGORY_MIX = {"1": 0.05, "2": 0.22, "3": 0.40, "4": 0.13, "seasonal": 0.20}


def _long(array: np.ndarray, dims: list[tuple[str, list]], value: str) -> pd.DataFrame:
    index = pd.MultiIndex.from_product([labels for _, labels in dims], names=[n for n, _ in dims])
    return pd.DataFrame({value: array.reshape(-1)}, index=index).reset_index()


def _to_published_boundaries(frame: pd.DataFrame, value: str) -> pd.DataFrame:
    """Before each boundary change, report the child's territory inside its parent."""
    frame = frame.copy()
    for change in regions.boundary_changes().itertuples():
        early = (frame["region"] == change.child) & (frame["year"] < change.year)
        keys = [c for c in frame.columns if c not in ("region", value)]
        moved = frame[early].assign(region=change.parent).set_index(["region", *keys])[value]
        frame = frame[~early]
        target = frame.set_index(["region", *keys])[value]
        target = target.add(moved, fill_value=0).loc[target.index]
        frame = target.reset_index()
    return frame


def _round_counts(frame: pd.DataFrame, value: str) -> pd.DataFrame:
    frame[value] = np.round(frame[value].clip(lower=0)).astype("int64")
    return frame


def publish(sim: Simulation, seed: int = SEED) -> dict[str, pd.DataFrame]:
    """The data tables a statistical office would publish from the simulation, 2000-2024."""
    rng = np.random.default_rng(seed + 1)
    data_years = YEARS[YEARS <= LAST_DATA_YEAR]
    n = data_years.size
    cells = [("region", REGIONS), ("sector", SECTORS), ("skill", list(SKILLS)),
             ("year", list(data_years))]

    employed = sim.employment[..., :n]
    # Survey error: about 1% of a cell of 5,000 workers, 5% of a cell of 100 (small cells are noisy).
    survey_sd = 0.004 + 0.5 / np.sqrt(np.maximum(employed, 1))
    employed = employed * np.exp(rng.normal(0, 1, employed.shape) * survey_sd)
    vacancies = sim.vacancies[..., :n] * rng.lognormal(0, 0.08, employed.shape)

    bands = []
    for low, high in AGE_BANDS:
        upper = AGES.max() if high is None else high
        bands.append(sim.pops[:, :, low:upper + 1, :n].sum(axis=2))
    band_labels = [f"{lo}-{hi}" if hi is not None else f"{lo}+" for lo, hi in AGE_BANDS]
    population = np.stack(bands, axis=2)  # (R, sex, band, T)

    flows = np.stack([sim.flows[f][..., :n] for f in ("emigration", "immigration",
                                                      "internal_in", "internal_out")], axis=1)
    wages = sim.wages[..., :n] * rng.lognormal(0, 0.01, sim.wages[..., :n].shape)

    tables = {
        "employment": _long(employed, cells, "employed"),
        "vacancies": _long(vacancies, cells, "vacancies"),
        "population": _long(population.transpose(0, 3, 2, 1), [
            ("region", REGIONS), ("year", list(data_years)), ("age_band", band_labels),
            ("sex", ["male", "female"])], "population"),
        "migration": _long(flows.transpose(0, 3, 1, 2), [
            ("region", REGIONS), ("year", list(data_years)),
            ("flow", ["emigration", "immigration", "internal_in", "internal_out"]),
            ("education", list(EDUCATION))], "persons"),
        "wages": _long(wages, [("region", REGIONS), ("sector", SECTORS),
                               ("year", list(data_years))], "wage"),
        "graduates": _long(sim.graduates[..., :n].transpose(0, 3, 1, 2), [
            ("region", REGIONS), ("year", list(data_years)), ("level", list(LEVELS)),
            ("sector", SECTORS)], "graduates"),
        "applicants": _long(sim.applicants[:, :n], [("region", REGIONS),
                                                    ("year", list(data_years))], "applicants"),
        "permits": _permits(sim, rng, data_years),
    }
    published = {}
    for name, frame in tables.items():
        value = frame.columns[-1]
        frame = _to_published_boundaries(frame, value)
        if name == "wages":
            # A parent's wage before a split is the employment-weighted mean of its parts.
            frame = _published_wages(sim, data_years)
        else:
            frame = _round_counts(frame, value)
        published[name] = frame
    published["permits"] = published["permits"][published["permits"]["permits"] > 0]
    published["quota"] = _quota_table(sim)
    order = {"employment": ["region", "sector", "year", "skill"],
             "vacancies": ["region", "sector", "year", "skill"],
             "population": ["region", "year", "age_band", "sex"],
             "migration": ["region", "year", "flow", "education"],
             "wages": ["region", "sector", "year"], "graduates": ["region", "year", "level", "sector"],
             "permits": ["region", "sector", "year", "category"], "quota": ["year", "region"],
             "applicants": ["region", "year"]}
    for name, keys in order.items():
        frame = published[name]
        value = [c for c in frame.columns if c not in keys][0]
        published[name] = frame[keys + [value]].sort_values(keys, kind="stable").reset_index(drop=True)
    return published


def _published_wages(sim: Simulation, data_years: np.ndarray) -> pd.DataFrame:
    n = data_years.size
    employed = sim.demand[..., :n].sum(axis=2)
    bill = _long(sim.wages[..., :n] * employed, [("region", REGIONS), ("sector", SECTORS),
                                                 ("year", list(data_years))], "bill")
    heads = _long(employed, [("region", REGIONS), ("sector", SECTORS), ("year", list(data_years))],
                  "heads")
    bill = _to_published_boundaries(bill, "bill")
    heads = _to_published_boundaries(heads, "heads")
    frame = bill.merge(heads, on=["region", "sector", "year"])
    frame["wage"] = np.round(frame["bill"] / frame["heads"]).astype("int64")
    return frame.drop(columns=["bill", "heads"])


def _permits(sim: Simulation, rng: np.random.Generator, data_years: np.ndarray) -> pd.DataFrame:
    n = data_years.size
    known = sorted(PERMITS_KNOWN.items())
    totals = np.exp(np.interp(data_years, [k for k, _ in known], np.log([v for _, v in known])))
    need = np.maximum(sim.components["shortage"][:, :, :2, :n].sum(axis=2), 0) + 5
    weight = need ** 0.7 * PERMIT_SECTORS[None, :, None] * PERMIT_REGIONS[:, None, None]
    weight *= rng.lognormal(0, 0.2, weight.shape)
    by_cell = totals[None, None, :] * weight / weight.sum(axis=(0, 1))
    mix = np.array(list(CATEGORY_MIX.values()))
    seasonal = np.where(np.isin(SECTORS, ["A"]), 0.6, np.where(np.isin(SECTORS, ["F"]), 0.15, 0.0))
    split = np.ones((S, len(mix))) * mix[None, :]
    split[:, -1] = seasonal
    split[:, :-1] *= ((1 - seasonal) / mix[:-1].sum())[:, None]
    permits = by_cell[:, :, None, :] * split[None, :, :, None]
    return _long(permits.transpose(0, 1, 3, 2), [("region", REGIONS), ("sector", SECTORS),
                                                  ("year", list(data_years)),
                                                  ("category", list(CATEGORY_MIX))], "permits")


def _quota_table(sim: Simulation) -> pd.DataFrame:
    """National quotas in persons from the published history; the share of the labour force
    where only that was published."""
    history = read_public("quota_history_kz.csv")
    orders = published_orders()
    labour_force = sim.demand.sum(axis=(0, 1, 2))
    rows = []
    for row in history.itertuples():
        if not np.isnan(row.quota_persons):
            persons = row.quota_persons
        elif row.year in orders:  # published by category only
            persons = sum(orders[row.year].values())
        elif not np.isnan(row.quota_pct_of_labor_force) and row.year <= LAST_TRUTH_YEAR:
            persons = row.quota_pct_of_labor_force / 100 * labour_force[int(row.year) - FIRST_YEAR]
        else:
            continue
        rows.append({"year": int(row.year), "region": regions.NATIONAL, "quota": round(persons)})
    return pd.DataFrame(rows)


def truth_table(sim: Simulation) -> pd.DataFrame:
    """True latent components by region, sector, skill and year (2001-2029, 2022 boundaries)."""
    dims = [("region", REGIONS), ("sector", SECTORS), ("skill", list(SKILLS)), ("year", list(YEARS))]
    frame = _long(sim.components["demand"], dims, "demand")
    for name, array in sim.components.items():
        if name != "demand":
            frame[name] = array.reshape(-1)
    frame = frame[frame["year"] > FIRST_YEAR].reset_index(drop=True)
    numeric = frame.columns[4:]
    frame[numeric] = frame[numeric].round(2)
    return frame


# ----------------------------------------------------------------------------------------------
# Files


def _csv_bytes(frame: pd.DataFrame) -> bytes:
    return frame.to_csv(index=False, lineterminator="\n").encode("utf-8")


def write_sample(folder: str | Path, seed: int = SEED, with_truth: bool = True) -> dict[str, str]:
    """Simulate and write the sample as a data directory, plus ``truth/`` and a marker file.

    Returns the sha256 of each data file. Files are byte-identical for the same seed.
    """
    folder = Path(folder)
    sim = simulate(seed)
    tables = publish(sim, seed)
    folder.mkdir(parents=True, exist_ok=True)
    sha = {}
    for name, frame in tables.items():
        payload = _csv_bytes(frame)
        (folder / f"{name}.csv").write_bytes(payload)
        sha[f"{name}.csv"] = hashlib.sha256(payload).hexdigest()
    marker = {"notice": NOTICE, "seed": seed, "generator": "forecast.inputs.sample.generator",
              "first_year": FIRST_YEAR, "last_year": LAST_DATA_YEAR, "sha256": sha}
    (folder / "synthetic-sample.json").write_text(json.dumps(marker, indent=2, sort_keys=True) + "\n",
                                                  encoding="utf-8")
    (folder / "README.txt").write_text(NOTICE + "\nReplace any table with real data of the same "
                                       "columns; see the README of labor-demand-forecast.\n",
                                       encoding="utf-8")
    if with_truth:
        truth = folder.parent / "truth" if folder.name == "data" else folder / "truth"
        truth.mkdir(parents=True, exist_ok=True)
        buffer = io.BytesIO()
        with gzip.GzipFile(fileobj=buffer, mode="wb", mtime=0) as gz:
            gz.write(_csv_bytes(truth_table(sim)))
        (truth / "shortage.csv.gz").write_bytes(buffer.getvalue())
    return sha


def main() -> None:  # pragma: no cover - maintenance entry point
    target = Path(__file__).with_name("data")
    write_sample(target)
    print(f"wrote the sample to {target}")


if __name__ == "__main__":  # pragma: no cover
    main()
