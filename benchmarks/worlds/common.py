"""What the worlds share: the grid, a cohort-component population, flows, supply and tables.

Nothing here comes from ``forecast``: the worlds are written on the public table contract
(``/work/shared/CONTRACT.md``) so that the library can be scored on data it did not make. Each
world (``flow``, ``stock``, ``shock``) drives labour demand its own way and uses these parts for
the rest:

- :class:`Demography` ages a population by region, sex and single year of age (0..89, the last
  year open), with births, deaths and migration flows by education, and gives per region the
  share of the working-age population reaching pension age in a year (Kazakhstan's schedule) and
  the number of 18-year-olds;
- :func:`graduates` makes graduates by region, level and field from the labour demand of some
  years before (fields follow demand with a lag);
- :func:`supply_components` and :func:`replacement_components` are the world's own accounting of
  domestic supply and of replacement openings per region x sector x skill;
- :class:`WorldTruth` holds every table through the last truth year and the world's need; it
  writes the data directory (tables through ``last_year``), ``truth/`` (the same tables through
  ``last_year + horizon`` plus ``need.csv`` and ``demography.csv``) and ``world.json``.

The world's need is its own: ``need.csv`` has, per region x sector x skill x year, the demand,
the openings and supply components, the shortage and ``need`` (what foreign workers could fill:
the positive flow shortage in the flow and shock worlds, the stock of unfilled vacancies in the
stock world). The library scores its back-test against the need it observes in the tables; the
world's need lets a run also score the recommendation against what the world really lacked.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

# The 20 regions and cities of republican significance on the 2022 boundaries, with a rough
# population in 2000 (thousands) and an economic profile. Given for every year: a region created
# later is taken as back-cast by its publisher, so the library moves nothing between regions.
REGIONS: dict[str, tuple[float, str]] = {
    "KZ-10": (620, "industrial"),   # Abai
    "KZ-11": (750, "agri_north"),   # Akmola
    "KZ-15": (680, "resource"),     # Aktobe
    "KZ-19": (1450, "agri_south"),  # Almaty region
    "KZ-23": (440, "resource"),     # Atyrau
    "KZ-27": (620, "resource"),     # West Kazakhstan
    "KZ-31": (990, "agri_south"),   # Zhambyl
    "KZ-33": (650, "agri_south"),   # Zhetysu
    "KZ-35": (1100, "industrial"),  # Karaganda
    "KZ-39": (900, "agri_north"),   # Kostanay
    "KZ-43": (600, "resource"),     # Kyzylorda
    "KZ-47": (320, "resource"),     # Mangystau
    "KZ-55": (800, "industrial"),   # Pavlodar
    "KZ-59": (700, "agri_north"),   # North Kazakhstan
    "KZ-61": (1500, "agri_south"),  # Turkestan
    "KZ-62": (240, "industrial"),   # Ulytau
    "KZ-63": (800, "industrial"),   # East Kazakhstan
    "KZ-71": (500, "city"),         # Astana
    "KZ-75": (1150, "city"),        # Almaty
    "KZ-79": (550, "city"),         # Shymkent
}
REGION_CODES = tuple(REGIONS)
KINDS = tuple(kind for _, kind in REGIONS.values())
SECTORS = tuple("ABCDEFGHIJKLMNOPQRSTU")
SKILLS = ("high", "medium", "low")
EDUCATION = ("higher", "tvet", "other")  # education e supplies skill SKILLS[e]
LEVELS = ("higher", "tvet")
FLOWS = ("emigration", "immigration", "internal_in", "internal_out")
SEXES = ("male", "female")
N_AGES = 90  # single years 0..89, the last one open (89 and older)
AGE_BANDS = tuple([f"{a}-{a + 4}" for a in range(0, 85, 5)] + ["85+"])
WORKING_AGE_MIN = 16

# Employment shares of the sections in a typical region, and the skill mix of each section.
BASE_SHARE = dict(A=.17, B=.025, C=.07, D=.015, E=.007, F=.065, G=.16, H=.07, I=.018, J=.018,
                  K=.015, L=.012, M=.025, N=.025, O=.055, P=.115, Q=.055, R=.02, S=.03, T=.004,
                  U=.0004)
HIGH_SHARE = dict(A=.06, B=.30, C=.22, D=.35, E=.20, F=.18, G=.22, H=.18, I=.15, J=.62, K=.72,
                  L=.45, M=.66, N=.25, O=.62, P=.70, Q=.52, R=.40, S=.20, T=.05, U=.75)
MEDIUM_SHARE = dict(A=.30, B=.50, C=.48, D=.48, E=.45, F=.50, G=.40, H=.50, I=.40, J=.28, K=.20,
                    L=.30, M=.24, N=.38, O=.28, P=.22, Q=.38, R=.35, S=.40, T=.25, U=.20)
# Where each kind of region has more or fewer jobs than the typical one.
KIND_SECTOR = {
    "city": dict(A=.05, B=.2, C=.8, G=1.3, H=1.2, I=1.5, J=2.5, K=2.5, L=1.8, M=2.2, N=1.6, O=1.3,
                 R=1.4),
    "resource": dict(A=.7, B=4.0, F=1.5, H=1.2, J=.6, K=.6, M=.8),
    "agri_north": dict(A=2.0, B=.5, C=.8, J=.5, K=.5, M=.5),
    "agri_south": dict(A=2.3, B=.3, C=.7, G=1.1, J=.4, K=.5, M=.4),
    "industrial": dict(A=.9, B=2.0, C=1.8, D=1.5, H=1.2),
}
KIND_BIRTHS = dict(city=1.0, resource=1.15, agri_north=.8, agri_south=1.35, industrial=.85)
KIND_EMIGRATION = dict(city=.002, resource=.002, agri_north=.006, agri_south=.001, industrial=.005)
KIND_INTERNAL_OUT = dict(city=.006, resource=.006, agri_north=.012, agri_south=.012, industrial=.010)
KIND_ATTRACTION = dict(city=5.0, resource=1.0, agri_north=.4, agri_south=.5, industrial=.4)
KIND_EMPLOYMENT_RATE = dict(city=.70, resource=.68, agri_north=.68, agri_south=.64, industrial=.68)

# The world's own conversion rates (deliberately not the library's defaults).
GRADUATE_ENTRY = 0.75
SCHOOL_LEAVER_ENTRY = 0.15
MIGRANT_PARTICIPATION = 0.5
EMIGRANT_WORKERS = 0.6
WORKER_MORTALITY = 0.003
UNEMPLOYED_PLACEMENT = 0.22
APPLICANT_SKILL_MIX = (0.15, 0.35, 0.50)


def sector_vector(values: dict[str, float], default: float = 1.0) -> np.ndarray:
    return np.array([values.get(s, default) for s in SECTORS], dtype=float)


def skill_mix() -> np.ndarray:
    """(sector, skill) shares of each section's jobs."""
    high, medium = sector_vector(HIGH_SHARE), sector_vector(MEDIUM_SHARE)
    return np.stack([high, medium, 1 - high - medium], axis=1)


def kind_matrix(table: dict[str, dict[str, float]]) -> np.ndarray:
    """(region, sector) multipliers from a per-kind table."""
    return np.stack([sector_vector(table.get(kind, {})) for kind in KINDS])


def kind_vector(table: dict[str, float]) -> np.ndarray:
    return np.array([table[kind] for kind in KINDS], dtype=float)


def pension_age(sex: str, year: int) -> float:
    """Kazakhstan's statutory pension age: men 63; women 58 to 2017, +0.5 a year to 61 in 2023,
    61 to 2028, +0.5 a year to 63 in 2032."""
    if sex == "male":
        return 63.0
    if year <= 2017:
        return 58.0
    if year <= 2023:
        return 58.0 + 0.5 * (year - 2017)
    if year <= 2028:
        return 61.0
    return min(63.0, 61.0 + 0.5 * (year - 2028))


def birth_index(birth_years: np.ndarray, bumps: dict[tuple[int, int], float] | None = None) -> np.ndarray:
    """Relative size of birth cohorts: smaller before 1955, a large 1980s cohort, a trough in
    the late 1990s; ``bumps`` multiply the cohorts of inclusive birth-year ranges."""
    y = np.asarray(birth_years)
    index = np.select([y < 1955, y < 1970, y < 1980, y <= 1990, y <= 1995, y <= 2001],
                      [0.8, 1.0, 1.05, 1.2, 1.0, 0.8], default=1.0).astype(float)
    for (first, last), factor in (bumps or {}).items():
        index = np.where((y >= first) & (y <= last), index * factor, index)
    return index


def mortality(ages: np.ndarray, sex: str) -> np.ndarray:
    rate = 0.0004 + 0.00002 * np.exp(0.09 * ages)
    rate = rate * (1.5 if sex == "male" else 1.0)
    rate[-1] = 0.18 if sex == "male" else 0.14  # the open age 89+
    return np.minimum(rate, 0.5)


def migration_age_profile() -> np.ndarray:
    ages = np.arange(N_AGES)
    profile = np.exp(-0.5 * ((ages - 27) / 9) ** 2) + 0.25 * np.exp(-0.5 * ((ages - 5) / 4) ** 2)
    return profile / profile.sum()


@dataclass
class DemographicYear:
    """What one year of :class:`Demography` gives the labour market."""

    year: int
    population: np.ndarray         # (region, sex, age) at the end of the year
    flows: np.ndarray              # (region, flow, education) persons, whole numbers
    births: np.ndarray             # (region,)
    deaths: np.ndarray             # (region,)
    retire_share: np.ndarray       # (region,) working-age people of last year reaching pension age
    leavers: np.ndarray            # (region,) people aged 18


class Demography:
    """Cohort-component population by region, sex and single year of age.

    Parameters
    ----------
    rng : numpy Generator
    first_year : int
        Year of the initial age structure.
    bumps : dict, optional
        Birth-year ranges whose cohorts are larger (``{(1960, 1964): 1.8}``), for a demographic
        wave that shows only in the age structure.
    emigration_education : callable, optional
        ``f(year) -> (region, 3)`` multipliers of the emigration rate by education (a shift in
        the emigration of the highly educated).
    emigration_trend : callable, optional
        ``f(year) -> float`` multiplier of every region's emigration rate.
    """

    def __init__(self, rng: np.random.Generator, first_year: int,
                 bumps: dict[tuple[int, int], float] | None = None,
                 emigration_education=None, emigration_trend=None, immigration_trend=None):
        self.rng = rng
        self.first_year = first_year
        self.emigration_education = emigration_education
        self.emigration_trend = emigration_trend or default_emigration_trend
        self.immigration_trend = immigration_trend or (lambda year: 1.0)
        ages = np.arange(N_AGES)
        self.ages = ages
        self.mortality = np.stack([mortality(ages.astype(float), sex) for sex in SEXES])
        self.profile = migration_age_profile()
        total = np.array([pop for pop, _ in REGIONS.values()]) * 1000.0
        self.birth_mult = kind_vector(KIND_BIRTHS) * rng.lognormal(0, 0.05, len(REGIONS))
        self.emigration_rate = kind_vector(KIND_EMIGRATION) * rng.lognormal(0, 0.15, len(REGIONS))
        self.internal_rate = kind_vector(KIND_INTERNAL_OUT) * rng.lognormal(0, 0.1, len(REGIONS))
        self.immigration_rate = 0.0015 * rng.lognormal(0, 0.2, len(REGIONS))
        self.attraction = kind_vector(KIND_ATTRACTION) * rng.lognormal(0, 0.1, len(REGIONS))
        pop = np.zeros((len(REGIONS), 2, N_AGES))
        survival = np.exp(-np.cumsum(np.r_[0.0, self.mortality[:, :-1].mean(axis=0)]))
        cohorts = birth_index(first_year - ages, bumps)
        for r in range(len(REGIONS)):
            young = self.birth_mult[r] ** (np.maximum(0, 40 - ages) / 40)
            shape = cohorts * survival * young
            shape = shape / shape.sum() * total[r]
            pop[r, 0] = shape * 0.49
            pop[r, 1] = shape * 0.51
        self.population = pop
        self.year = first_year

    def crude_birth_rate(self, year: int) -> float:
        if year <= 2012:
            return 0.0148 + (0.0225 - 0.0148) * (year - 2000) / 12
        return max(0.0150, 0.0225 - 0.0004 * (year - 2012))

    def flows_for(self, year: int, totals: np.ndarray) -> np.ndarray:
        """(region, flow, education) migrants in ``year``, whole numbers."""
        rng = self.rng
        n = len(REGIONS)
        emigrants = totals * self.emigration_rate * self.emigration_trend(year) * rng.lognormal(0, .08, n)
        immigrants = (totals * self.immigration_rate * self.immigration_trend(year)
                      * rng.lognormal(0, .1, n))
        leaving = totals * self.internal_rate * rng.lognormal(0, .06, n)
        pull = self.attraction * totals
        arriving = leaving.sum() * pull / pull.sum()
        higher = min(0.38, 0.30 + 0.004 * (year - 2000))
        emigrant_mix = np.tile([higher, 0.34, 0.66 - higher], (n, 1))
        if self.emigration_education is not None:
            emigrant_mix = emigrant_mix * self.emigration_education(year)
            emigrants = emigrants * emigrant_mix.sum(axis=1)
            emigrant_mix = emigrant_mix / emigrant_mix.sum(axis=1, keepdims=True)
        immigrant_mix = np.array([0.25, 0.30, 0.45])
        internal_mix = np.array([0.30, 0.30, 0.40])
        flows = np.zeros((n, len(FLOWS), len(EDUCATION)))
        flows[:, 0] = emigrants[:, None] * emigrant_mix
        flows[:, 1] = immigrants[:, None] * immigrant_mix
        flows[:, 2] = arriving[:, None] * internal_mix
        flows[:, 3] = leaving[:, None] * internal_mix
        return np.round(flows)

    def step(self) -> DemographicYear:
        """Age the population one year and return that year's flows and shares."""
        year = self.year + 1
        before = self.population
        working, entrants = np.zeros(len(REGIONS)), np.zeros(len(REGIONS))
        for k, sex in enumerate(SEXES):
            p_then, p_now = pension_age(sex, year - 1), pension_age(sex, year)
            a = self.ages.astype(float)
            below_then = np.clip(p_then - a, 0.0, 1.0)  # share of each age below pension age
            working += (before[:, k, WORKING_AGE_MIN:] * below_then[WORKING_AGE_MIN:]).sum(axis=1)
            # Someone at a + u (u uniform in [0, 1)) is below pension age last year and at or
            # above it this year when p_now - a - 1 <= u < p_then - a.
            low = np.clip(p_now - a - 1.0, 0.0, 1.0)
            high = np.clip(p_then - a, 0.0, 1.0)
            entrants += (before[:, k] * np.clip(high - low, 0.0, 1.0)).sum(axis=1)
        deaths = before * self.mortality[None]
        survivors = before - deaths
        pop = np.zeros_like(before)
        pop[:, :, 1:] = survivors[:, :, :-1]
        pop[:, :, -1] += survivors[:, :, -1]
        totals = before.sum(axis=(1, 2))
        births = (self.crude_birth_rate(year) * self.birth_mult * totals
                  * self.rng.lognormal(0, .02, len(REGIONS)))
        pop[:, 0, 0] += births * 0.51
        pop[:, 1, 0] += births * 0.49
        flows = self.flows_for(year, totals)
        net = (flows[:, 1].sum(axis=1) + flows[:, 2].sum(axis=1)
               - flows[:, 0].sum(axis=1) - flows[:, 3].sum(axis=1))
        pop += net[:, None, None] * 0.5 * self.profile[None, None, :]
        pop = np.clip(pop, 0.0, None)
        self.population = pop
        self.year = year
        leavers = pop[:, :, 18].sum(axis=1)
        return DemographicYear(year, pop, flows, births, deaths.sum(axis=(1, 2)),
                               entrants / np.maximum(working, 1.0), leavers)

    def initial(self) -> DemographicYear:
        n = len(REGIONS)
        totals = self.population.sum(axis=(1, 2))
        return DemographicYear(self.first_year, self.population.copy(),
                               self.flows_for(self.first_year, totals), np.zeros(n), np.zeros(n),
                               np.zeros(n), self.population[:, :, 18].sum(axis=1))

    def working_age(self) -> np.ndarray:
        """(region,) people aged 16 up to the pension age of their sex this year."""
        out = np.zeros(len(REGIONS))
        for k, sex in enumerate(SEXES):
            below = np.clip(pension_age(sex, self.year) - self.ages, 0.0, 1.0)
            out += (self.population[:, k, WORKING_AGE_MIN:] * below[WORKING_AGE_MIN:]).sum(axis=1)
        return out


def default_emigration_trend(year: int) -> float:
    """High emigration around 2000 falling to 2008, low to 2014, higher again after."""
    points = {2000: 2.0, 2008: 1.0, 2014: 0.9, 2020: 1.3, 2040: 1.3}
    years = sorted(points)
    return float(np.interp(year, years, [points[y] for y in years]))


def population_bands(pop: np.ndarray) -> np.ndarray:
    """(region, sex, band) from single years of age: 5-year bands, the last open (85+)."""
    bands = [pop[:, :, a:a + 5].sum(axis=2) for a in range(0, 85, 5)]
    bands.append(pop[:, :, 85:].sum(axis=2))
    return np.stack(bands, axis=2)


def initial_demand(rng: np.random.Generator, working_age: np.ndarray) -> np.ndarray:
    """(region, sector, skill) jobs in the first year."""
    shares = sector_vector(BASE_SHARE)[None, :] * kind_matrix(KIND_SECTOR)
    shares = shares * rng.lognormal(0, 0.15, shares.shape)
    shares = shares / shares.sum(axis=1, keepdims=True)
    jobs = kind_vector(KIND_EMPLOYMENT_RATE) * working_age
    return jobs[:, None, None] * shares[:, :, None] * skill_mix()[None, :, :]


def graduates(rng: np.random.Generator, demo: DemographicYear, lagged_demand: np.ndarray,
              field_bias: np.ndarray) -> np.ndarray:
    """(region, level, sector) graduates: higher education (55% of the cohort aged 22 (more in the
    cities), TVET (45% of the cohort aged 19); fields in proportion to the national high- and
    medium-skill demand of some years before (``lagged_demand``, (sector, skill)) times a
    persistent bias per level and field (``field_bias``, (level, sector))."""
    cohort22 = demo.population[:, :, 22].sum(axis=1)
    cohort19 = demo.population[:, :, 19].sum(axis=1)
    university = np.where(np.array(KINDS) == "city", 2.5, 0.7)
    university = university / (university * cohort22).sum() * cohort22.sum()
    totals = np.stack([0.55 * cohort22 * university, 0.45 * cohort19], axis=1)
    out = np.zeros((len(REGIONS), 2, len(SECTORS)))
    for level in range(2):
        fields = lagged_demand[:, level] * field_bias[level]
        fields = fields / fields.sum()
        noise = rng.lognormal(0, 0.05, (len(REGIONS), len(SECTORS)))
        share = fields[None, :] * noise
        share = share / share.sum(axis=1, keepdims=True)
        out[:, level] = totals[:, level][:, None] * share
    return np.round(out)


def spread_by_skill(flow: np.ndarray, employed: np.ndarray,
                    propensity: np.ndarray | None = None) -> np.ndarray:
    """Spread a (region, skill) flow over sectors by each cell's share of its region's employment
    at that skill (times a sector propensity, (sector, skill), when given)."""
    weights = employed if propensity is None else employed * propensity[None]
    totals = weights.sum(axis=1, keepdims=True)
    share = np.divide(weights, totals, out=np.zeros_like(weights), where=totals > 0)
    return share * flow[:, None, :]


def replacement_components(employed_before: np.ndarray, demo: DemographicYear,
                           age_factor: np.ndarray,
                           emigration_propensity: np.ndarray | None = None) -> dict:
    """Replacement openings per (region, sector, skill): retirements (last year's workers times
    the region's share of working-age people reaching pension age, times a sector factor for an
    older or younger workforce), deaths, and emigrating workers."""
    retirements = employed_before * demo.retire_share[:, None, None] * age_factor
    deaths = employed_before * WORKER_MORTALITY
    emigrant_workers = demo.flows[:, 0, :] * EMIGRANT_WORKERS  # (region, education -> skill)
    emigration = spread_by_skill(emigrant_workers, employed_before, emigration_propensity)
    return {"retirements": retirements, "deaths": deaths, "emigration": emigration}


def supply_components(employed_before: np.ndarray, demo: DemographicYear, grads: np.ndarray,
                      applicants: np.ndarray) -> dict:
    """Domestic supply per (region, sector, skill): graduates in their field and level, school
    leavers in low-skill work, immigrants and net internal migrants, hires of the registered
    unemployed."""
    n_r, n_s = len(REGIONS), len(SECTORS)
    graduates_in = np.zeros((n_r, n_s, 3))
    graduates_in[:, :, 0] = grads[:, 0] * GRADUATE_ENTRY
    graduates_in[:, :, 1] = grads[:, 1] * GRADUATE_ENTRY
    low = np.zeros((n_r, 3))
    low[:, 2] = demo.leavers * SCHOOL_LEAVER_ENTRY
    school = spread_by_skill(low, employed_before)
    migrants = (demo.flows[:, 1] + demo.flows[:, 2] - demo.flows[:, 3]) * MIGRANT_PARTICIPATION
    migration = spread_by_skill(migrants, employed_before)
    hires = applicants[:, None] * np.array(APPLICANT_SKILL_MIX)[None, :] * UNEMPLOYED_PLACEMENT
    unemployed = spread_by_skill(hires, employed_before)
    return {"graduates": graduates_in, "school_leavers": school, "migration": migration,
            "unemployed": unemployed}


def wage_step(rng: np.random.Generator, wages: np.ndarray, year: int, pressure: np.ndarray) -> np.ndarray:
    """Next year's average monthly wage per (region, sector): inflation (a 2015 devaluation
    spike), plus wage growth where jobs go unfilled (``pressure``: need per job)."""
    inflation = 0.09 + (0.06 if year in (2015, 2016) else 0.0) + (0.03 if year in (2022, 2023) else 0.0)
    growth = inflation + 0.8 * np.clip(pressure, -0.05, 0.2) + rng.normal(0, 0.015, wages.shape)
    return wages * (1 + growth)


def initial_wages(rng: np.random.Generator) -> np.ndarray:
    base = sector_vector(dict(A=.5, B=2.2, C=1.1, D=1.2, E=.8, F=1.1, G=.8, H=1.2, I=.8, J=1.6,
                              K=2.0, L=1.0, M=1.5, N=.9, O=.95, P=.7, Q=.7, R=.7, S=.7, T=.4,
                              U=1.5))
    region = np.where(np.array(KINDS) == "city", 1.35, np.where(np.array(KINDS) == "resource", 1.3, .9))
    noise = rng.lognormal(0, 0.05, (len(REGIONS), len(SECTORS)))
    return 18000.0 * base[None, :] * region[:, None] * noise


def cycle_shocks(year: int) -> float:
    """National shocks to demand growth: 2009 crisis, 2015 devaluation, 2020 pandemic."""
    return {2009: -0.02, 2015: -0.015, 2020: -0.035, 2021: 0.02}.get(year, 0.0)


# ---------------------------------------------------------------------------------------------
# Tables


def cell_frame(values: np.ndarray, years: list[int], column: str) -> pd.DataFrame:
    """A (year, region, sector, skill) array as a long table ``region, sector, year, skill``."""
    t, r, s, k = np.meshgrid(np.arange(len(years)), np.arange(len(REGIONS)), np.arange(len(SECTORS)),
                             np.arange(len(SKILLS)), indexing="ij")
    return pd.DataFrame({"region": np.array(REGION_CODES)[r.ravel()],
                         "sector": np.array(SECTORS)[s.ravel()],
                         "year": np.array(years)[t.ravel()],
                         "skill": np.array(SKILLS)[k.ravel()],
                         column: values.ravel()})


def build_tables(years: list[int], demos: list[DemographicYear], employed: np.ndarray,
                 vacancies: np.ndarray, wages: np.ndarray, grads: np.ndarray,
                 applicants: np.ndarray) -> dict[str, pd.DataFrame]:
    """Every table of the contract the worlds write, as long frames of whole numbers."""
    n_years = len(years)
    tables = {"employment": cell_frame(employed.astype(np.int64), years, "employed"),
              "vacancies": cell_frame(vacancies.astype(np.int64), years, "vacancies")}
    pop = np.stack([population_bands(d.population) for d in demos])  # (year, region, sex, band)
    t, r, x, b = np.meshgrid(np.arange(n_years), np.arange(len(REGIONS)), np.arange(2),
                             np.arange(len(AGE_BANDS)), indexing="ij")
    tables["population"] = pd.DataFrame({
        "region": np.array(REGION_CODES)[r.ravel()], "year": np.array(years)[t.ravel()],
        "age_band": np.array(AGE_BANDS)[b.ravel()], "sex": np.array(SEXES)[x.ravel()],
        "population": np.round(pop).astype(np.int64).ravel()})
    flows = np.stack([d.flows for d in demos])  # (year, region, flow, education)
    t, r, f, e = np.meshgrid(np.arange(n_years), np.arange(len(REGIONS)), np.arange(len(FLOWS)),
                             np.arange(len(EDUCATION)), indexing="ij")
    tables["migration"] = pd.DataFrame({
        "region": np.array(REGION_CODES)[r.ravel()], "year": np.array(years)[t.ravel()],
        "flow": np.array(FLOWS)[f.ravel()], "education": np.array(EDUCATION)[e.ravel()],
        "persons": flows.astype(np.int64).ravel()})
    t, r, s = np.meshgrid(np.arange(n_years), np.arange(len(REGIONS)), np.arange(len(SECTORS)),
                          indexing="ij")
    tables["wages"] = pd.DataFrame({
        "region": np.array(REGION_CODES)[r.ravel()], "sector": np.array(SECTORS)[s.ravel()],
        "year": np.array(years)[t.ravel()], "wage": np.round(wages).astype(np.int64).ravel()})
    t, r, lv, s = np.meshgrid(np.arange(n_years), np.arange(len(REGIONS)), np.arange(2),
                              np.arange(len(SECTORS)), indexing="ij")
    tables["graduates"] = pd.DataFrame({
        "region": np.array(REGION_CODES)[r.ravel()], "year": np.array(years)[t.ravel()],
        "level": np.array(LEVELS)[lv.ravel()], "sector": np.array(SECTORS)[s.ravel()],
        "graduates": grads.astype(np.int64).ravel()})
    t, r = np.meshgrid(np.arange(n_years), np.arange(len(REGIONS)), indexing="ij")
    tables["applicants"] = pd.DataFrame({
        "region": np.array(REGION_CODES)[r.ravel()], "year": np.array(years)[t.ravel()],
        "applicants": np.round(applicants).astype(np.int64).ravel()})
    return tables


def need_frame(years: list[int], columns: dict[str, np.ndarray]) -> pd.DataFrame:
    """The world's need bookkeeping: one row per region x sector x skill x year."""
    frame = cell_frame(columns["demand"], years, "demand")
    for name, values in columns.items():
        if name != "demand":
            frame[name] = values.ravel()
    return frame


@dataclass(frozen=True)
class WorldTruth:
    """A world as written: its tables through ``truth_last_year`` and its need.

    Attributes
    ----------
    name, description : str
    seed, first_year, last_year, truth_last_year : int
        The data directory holds ``first_year..last_year``; ``truth/`` holds the same tables
        through ``truth_last_year``.
    directory : Path
        The data directory written.
    tables : dict of DataFrame
        Every table through ``truth_last_year`` (the data directory's rows are those up to
        ``last_year``).
    need : DataFrame
        ``region, sector, year, skill, demand, ...components..., shortage, need`` from
        ``first_year + 1`` on: the world's own need (see the world's module).
    demography : DataFrame
        ``region, year, population_before, births, deaths, net_migration, population``.
    parameters : dict
        The mechanism's settings, for the record.
    """

    name: str
    description: str
    seed: int
    first_year: int
    last_year: int
    truth_last_year: int
    directory: Path
    tables: dict[str, pd.DataFrame]
    need: pd.DataFrame
    demography: pd.DataFrame
    parameters: dict = field(default_factory=dict)

    @property
    def truth_directory(self) -> Path:
        return self.directory / "truth"

    def tables_through(self, year: int) -> dict[str, pd.DataFrame]:
        return {name: frame[frame["year"] <= year].reset_index(drop=True)
                for name, frame in self.tables.items()}

    def write_data(self, directory: str | Path, through: int) -> Path:
        """Write a data directory with the tables (truth included) up to ``through``."""
        if not self.first_year < through <= self.truth_last_year:
            raise ValueError(f"through={through}: expected a year in {self.first_year + 1}.."
                             f"{self.truth_last_year}")
        return write_tables(directory, self.tables_through(through))

    def need_in(self, year: int) -> pd.DataFrame:
        return self.need[self.need["year"] == year].reset_index(drop=True)


def write_tables(directory: str | Path, tables: dict[str, pd.DataFrame]) -> Path:
    folder = Path(directory)
    folder.mkdir(parents=True, exist_ok=True)
    for name, frame in tables.items():
        frame.to_csv(folder / f"{name}.csv", index=False, lineterminator="\n")
    return folder


def finish_world(name: str, description: str, directory: str | Path, *, seed: int, first_year: int,
                 last_year: int, truth_last_year: int, tables: dict[str, pd.DataFrame],
                 need: pd.DataFrame, demography: pd.DataFrame, parameters: dict) -> WorldTruth:
    """Write the data directory, ``truth/`` and ``world.json``; return the :class:`WorldTruth`."""
    truth = WorldTruth(name, description, seed, first_year, last_year, truth_last_year,
                       Path(directory), tables, need, demography, parameters)
    write_tables(truth.directory, truth.tables_through(last_year))
    write_tables(truth.truth_directory, tables)
    need.to_csv(truth.truth_directory / "need.csv", index=False, lineterminator="\n",
                float_format="%.3f")
    demography.to_csv(truth.truth_directory / "demography.csv", index=False, lineterminator="\n",
                      float_format="%.3f")
    meta = {"world": name, "description": description, "seed": seed, "first_year": first_year,
            "last_year": last_year, "truth_last_year": truth_last_year,
            "generator": f"benchmarks.worlds.{name}", "parameters": parameters,
            "notice": "synthetic world for benchmarking labor-demand-forecast; not official "
                      "statistics and not the library's embedded sample",
            "truth": "truth/ holds the same tables through truth_last_year, need.csv (the "
                     "world's own need per region x sector x skill x year) and demography.csv "
                     "(the population balance per region and year)"}
    (truth.directory / "world.json").write_text(json.dumps(meta, indent=2) + "\n", encoding="utf-8")
    return truth


def write_world(world, directory: str | Path, *, seed: int, last_year: int, first_year: int = 2000,
                horizon: int = 3) -> WorldTruth:
    """Write the data directory (``first_year..last_year``) and the truth (``truth/``, through
    ``last_year + horizon``) of ``world``, a world module (its ``NAME``, its docstring's first
    paragraph as the description and its ``simulate_world``), into ``directory``."""
    simulated = world.simulate_world(seed=seed, last_year=last_year, first_year=first_year,
                                     horizon=horizon)
    return finish_world(world.NAME, world.__doc__.split("\n\n")[0], directory, seed=seed,
                        first_year=first_year, last_year=last_year, **simulated)


def simulate_years(first_year: int, last_year: int, horizon: int) -> list[int]:
    if horizon < 0:
        raise ValueError(f"horizon={horizon}: expected 0 or more years of truth after last_year")
    if last_year - first_year < 2:
        raise ValueError(f"first_year={first_year}, last_year={last_year}: expected at least 3 years")
    return list(range(first_year, last_year + horizon + 1))


# ---------------------------------------------------------------------------------------------
# The simulation loop every world runs, with its own demand growth and vacancy rule


@dataclass
class YearState:
    """What a world's vacancy rule sees in one year (arrays are (region, sector, skill))."""

    year: int
    demand: np.ndarray          # jobs this year, whole numbers
    openings: np.ndarray        # expansion + replacement
    supply: np.ndarray          # domestic supply
    shortage: np.ndarray        # openings - supply
    vacancies_before: np.ndarray


def simulate(rng: np.random.Generator, years: list[int], demography: Demography, growth,
             vacancy_rule, *, age_factor: np.ndarray, emigration_propensity: np.ndarray | None = None,
             field_lag: int = 5, field_bias: np.ndarray | None = None,
             frictional: float = 0.012, supply_scale: float = 1.0,
             on_year=None) -> tuple[dict[str, pd.DataFrame], pd.DataFrame, pd.DataFrame]:
    """Run a world over ``years``; return its tables, its need and its population bookkeeping.

    ``growth(year) -> (region, sector, skill)`` log growth of jobs; ``vacancy_rule(state) ->
    (vacancies, need, extra columns)`` with whole-number vacancies, the world's need and any
    columns of its own for ``need.csv``. Employment is jobs less unfilled vacancies.
    ``supply_scale`` multiplies graduates, school leavers and the participation of migrants and
    the unemployed (a world with more domestic supply). ``on_year(year)``, when given, is called
    before any draw of ``year`` is made (:mod:`benchmarks.worlds.bound` re-draws a year from
    there).
    """
    n_r, n_s = len(REGIONS), len(SECTORS)
    if field_bias is None:
        field_bias = rng.lognormal(0, 0.25, (2, n_s))
    first = demography.initial()
    jobs = initial_demand(rng, demography.working_age())
    demand = np.round(jobs)
    vacancies = np.round(frictional * demand)
    employed = demand - vacancies
    national = [demand.sum(axis=0)]
    grads = graduates(rng, first, national[0], field_bias)
    u_noise = np.zeros(n_r)
    applicants = 0.03 * employed.sum(axis=(1, 2))
    wages = initial_wages(rng)
    out = {"demos": [first], "employed": [employed], "vacancies": [vacancies], "wages": [wages],
           "grads": [grads], "applicants": [applicants]}
    need_rows: dict[str, list[np.ndarray]] = {}
    surplus = np.zeros(n_r)
    for year in years[1:]:
        if on_year is not None:
            on_year(year)
        demo = demography.step()
        jobs = jobs * np.exp(growth(year))
        new_demand = np.round(jobs)
        lag = max(0, len(national) - field_lag)
        grads = graduates(rng, demo, national[lag], field_bias)
        u_noise = 0.7 * u_noise + rng.normal(0, 0.05, n_r)
        applicants = 0.03 * employed.sum(axis=(1, 2)) * np.exp(u_noise) + 0.3 * surplus
        replacement = replacement_components(employed, demo, age_factor, emigration_propensity)
        supply = {name: values * supply_scale
                  for name, values in supply_components(employed, demo, grads, applicants).items()}
        expansion = new_demand - demand
        openings = expansion + sum(replacement.values())
        domestic = sum(supply.values())
        shortage = openings - domestic
        state = YearState(year, new_demand, openings, domestic, shortage, vacancies)
        vacancies, need, extra = vacancy_rule(state)
        vacancies = np.asarray(vacancies, dtype=float)
        if (np.any(vacancies < 0) or np.any(vacancies > new_demand)
                or np.any(vacancies != np.round(vacancies))):
            raise AssertionError("a vacancy rule must give whole numbers between 0 and the jobs")
        employed_before = employed
        employed = new_demand - vacancies
        demand = new_demand
        surplus = np.clip(-shortage, 0, None).sum(axis=(1, 2))
        pressure = need.sum(axis=2) / np.maximum(demand.sum(axis=2), 1.0)
        wages = wage_step(rng, wages, year, pressure)
        columns = {"demand": demand, "employed": employed, "vacancies": vacancies,
                   "employed_before": employed_before, "expansion": expansion, **replacement,
                   "openings": openings, **supply, "supply": domestic, "shortage": shortage,
                   **extra, "need": need}
        for name, values in columns.items():
            need_rows.setdefault(name, []).append(values)
        national.append(demand.sum(axis=0))
        for name, values in (("demos", demo), ("employed", employed), ("vacancies", vacancies),
                             ("wages", wages), ("grads", grads), ("applicants", applicants)):
            out[name].append(values)
    tables = build_tables(years, out["demos"], np.stack(out["employed"]), np.stack(out["vacancies"]),
                          np.stack(out["wages"]), np.stack(out["grads"]), np.stack(out["applicants"]))
    need = need_frame(years[1:], {name: np.stack(values) for name, values in need_rows.items()})
    return tables, need, demography_frame(out["demos"])


def demography_frame(demos: list[DemographicYear]) -> pd.DataFrame:
    """Population balance per region and year: ``population = population of the year before +
    births - deaths + net_migration`` (unrounded persons; the table's bands are rounded)."""
    rows = []
    for before, now in zip(demos[:-1], demos[1:]):
        f = now.flows
        net = f[:, 1].sum(axis=1) + f[:, 2].sum(axis=1) - f[:, 0].sum(axis=1) - f[:, 3].sum(axis=1)
        rows.append(pd.DataFrame({"region": REGION_CODES, "year": now.year,
                                  "population_before": before.population.sum(axis=(1, 2)),
                                  "births": now.births, "deaths": now.deaths, "net_migration": net,
                                  "population": now.population.sum(axis=(1, 2))}))
    return pd.concat(rows, ignore_index=True)
