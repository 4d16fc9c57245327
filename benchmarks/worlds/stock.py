"""The stock world: the need is an accumulated stock of unfilled vacancies.

Jobs grow steadily (little noise, a weak cycle), but fast in some **hot** region x sector pairs:
ICT, finance, professional and administrative services and health in the cities; mining,
manufacturing, construction and transport in the resource regions; and a few pairs drawn at
random. Fields of study follow demand eight years late, so domestic supply falls behind where
demand outgrows it. Each year a cell's openings that domestic supply does not fill are added
to its stock of unfilled vacancies, domestic adjustment (training, resettlement) closes only a
share ``closure`` of last year's stock, and seekers left over in a cell fill part of it::

    closed_t    = round(closure * stock_{t-1})
    stock_t     = clip(stock_{t-1} - closed_t + openings_t - supply_t, 0, floor(jobs_t / 2))

with ``openings`` and ``supply`` rounded to whole persons (:func:`accumulate_stock`). The
vacancies table is that stock (it carries the signal), employment is jobs less the stock, and
the world's **need** is the stock: the posts foreign workers could fill now.
"""

from __future__ import annotations


import numpy as np

from .common import (KINDS, REGIONS, SECTORS, SKILLS, Demography, cycle_shocks,
                     sector_vector, simulate, simulate_years)
from .flow import AGE_FACTOR, REGION_TREND, SECTOR_TREND

NAME = "stock"
RNG_STREAM = 2  # the world's generator is seeded [seed, RNG_STREAM]
CLOSURE = 0.3
FIELD_LAG = 8
HOT_BOOST = 0.025
HOT = {"city": "JKMNQ", "resource": "BCFH"}
RANDOM_HOT_SHARE = 0.08
INITIAL_VACANCY_RATE = 0.01
SUPPLY_SCALE = 1.5
SKILL_DRIFT = (0.004, 0.0, -0.004)


def accumulate_stock(stock_before: np.ndarray, openings: np.ndarray, supply: np.ndarray,
                     jobs: np.ndarray, closure: float = CLOSURE) -> tuple[np.ndarray, np.ndarray]:
    """This year's stock of unfilled vacancies and the part of last year's closed.

    ``closed = round(closure * stock_before)``; ``stock = clip(stock_before - closed +
    round(openings) - round(supply), 0, floor(jobs / 2))``. All in whole persons.
    """
    stock_before = np.asarray(stock_before, dtype=float)
    closed = np.round(closure * stock_before)
    stock = stock_before - closed + np.round(openings) - np.round(supply)
    return np.clip(stock, 0, np.floor(np.asarray(jobs, dtype=float) / 2)), closed


class SteadyGrowth:
    """Log growth of jobs: trends, a boost in the hot pairs, weak momentum and cycle."""

    def __init__(self, rng: np.random.Generator):
        self.rng = rng
        region = np.array([REGION_TREND[k] for k in KINDS]) + rng.normal(0, .003, len(REGIONS))
        hot = np.zeros((len(REGIONS), len(SECTORS)))
        for r, kind in enumerate(KINDS):
            for s, sector in enumerate(SECTORS):
                if sector in HOT.get(kind, ""):
                    hot[r, s] = 1.0
        hot = np.maximum(hot, rng.random(hot.shape) < RANDOM_HOT_SHARE)
        hot[:, SECTORS.index("O")] = 0.0  # public administration does not boom
        hot[:, SECTORS.index("U")] = 0.0
        self.hot = hot
        self.trend = (sector_vector(SECTOR_TREND)[None, :, None] + region[:, None, None]
                      + np.array(SKILL_DRIFT)[None, None, :] + HOT_BOOST * hot[:, :, None])
        self.momentum = np.zeros((len(REGIONS), len(SECTORS)))

    def __call__(self, year: int) -> np.ndarray:
        rng = self.rng
        self.momentum = 0.5 * self.momentum + rng.normal(0, 0.006, self.momentum.shape)
        noise = rng.normal(0, 0.004, (len(REGIONS), len(SECTORS), len(SKILLS)))
        return self.trend + self.momentum[:, :, None] + 0.5 * cycle_shocks(year) + noise


def stock_vacancies(closure: float = CLOSURE):
    def rule(state):
        stock, closed = accumulate_stock(state.vacancies_before, state.openings, state.supply,
                                         state.demand, closure)
        extra = {"stock_before": state.vacancies_before, "closed": closed,
                 "openings_whole": np.round(state.openings), "supply_whole": np.round(state.supply)}
        return stock, stock, extra
    return rule


def simulate_world(*, seed: int, last_year: int, first_year: int = 2000, horizon: int = 3,
                   rng: np.random.Generator | None = None, on_year=None) -> dict:
    """The stock world in memory: ``truth_last_year``, ``tables``, ``need``, ``demography`` and
    ``parameters``, as :func:`~benchmarks.worlds.common.write_world` writes them. ``rng`` replaces the world's generator
    (seeded ``[seed, RNG_STREAM]``) and ``on_year`` is passed to
    :func:`~benchmarks.worlds.common.simulate`: both for :mod:`benchmarks.worlds.bound`."""
    years = simulate_years(first_year, last_year, horizon)
    rng = np.random.default_rng([seed, RNG_STREAM]) if rng is None else rng
    demography = Demography(rng, first_year)
    growth = SteadyGrowth(rng)
    tables, need, demography_table = simulate(rng, years, demography, growth, stock_vacancies(),
                            age_factor=sector_vector(AGE_FACTOR)[:, None], field_lag=FIELD_LAG,
                            frictional=INITIAL_VACANCY_RATE, supply_scale=SUPPLY_SCALE, on_year=on_year)
    hot = [f"{code}|{SECTORS[s]}" for code, row in zip(REGIONS, growth.hot)
           for s in np.flatnonzero(row)]
    parameters = {"closure": CLOSURE, "field_lag": FIELD_LAG, "hot_boost": HOT_BOOST,
                  "hot_pairs": hot, "initial_vacancy_rate": INITIAL_VACANCY_RATE,
                  "supply_scale": SUPPLY_SCALE,
                  "need": "stock of unfilled vacancies (= vacancies table)",
                  "identity": "stock_t = clip(stock_{t-1} - round(closure*stock_{t-1}) + "
                              "round(openings_t) - round(supply_t), 0, floor(jobs_t/2))"}
    return {"truth_last_year": years[-1], "tables": tables, "need": need,
            "demography": demography_table, "parameters": parameters}
