"""The flow world: the need is mostly a flow of openings that domestic supply does not meet.

Jobs in each region x sector x skill grow at a sector trend plus a region trend plus a skill
drift (high skill gaining on low), plus **persistent growth momentum**: an AR(1) deviation per
region x sector (``phi = 0.8``), a national cycle (AR(1)) with the 2009, 2015 and 2020 shocks,
and a little cell noise. Replacement comes from an **ageing workforce**: last year's workers
times the region's share of working-age people reaching pension age (from its age structure and
the pension-age schedule), higher in sectors with an older workforce (utilities, transport,
education, health, mining) and lower in young ones (ICT, hospitality, trade, finance,
professional services), plus deaths and emigrating workers. Domestic supply is graduates (fields
follow demand five years late), school leavers, migrants and hires of the unemployed.

Shortage = openings - supply per cell; the world's **need** is its positive part, a flow each
year. Vacancies are frictional (about 1.2% of jobs) plus a quarter of the year's shortage;
employment is jobs less vacancies.
"""

from __future__ import annotations


import numpy as np

from .common import (KINDS, REGIONS, SECTORS, SKILLS, Demography, cycle_shocks,
                     sector_vector, simulate, simulate_years)

NAME = "flow"
RNG_STREAM = 1  # the world's generator is seeded [seed, RNG_STREAM]
PHI = 0.8
MOMENTUM_SD = 0.018
SECTOR_TREND = dict(A=-.015, B=.01, C=.012, D=.005, E=.01, F=.025, G=.02, H=.015, I=.03, J=.045,
                    K=.02, L=.02, M=.035, N=.03, O=.005, P=.015, Q=.025, R=.02, S=.01, T=-.01, U=0.0)
REGION_TREND = dict(city=.015, resource=.005, agri_north=-.01, agri_south=.005, industrial=-.005)
SKILL_DRIFT = (0.012, 0.0, -0.01)
AGE_FACTOR = dict(B=1.2, D=1.3, E=1.3, H=1.3, P=1.3, Q=1.2, G=.8, I=.7, J=.6, K=.7, M=.8)
SHARE_OF_SHORTAGE_POSTED = 0.25
FRICTIONAL = 0.012


class MomentumGrowth:
    """Log growth of jobs: trends + AR(1) momentum per region x sector + national AR(1) cycle."""

    def __init__(self, rng: np.random.Generator, phi: float = PHI, sd: float = MOMENTUM_SD,
                 cell_sd: float = 0.008):
        self.rng, self.phi, self.sd, self.cell_sd = rng, phi, sd, cell_sd
        region = np.array([REGION_TREND[k] for k in KINDS]) + rng.normal(0, .003, len(REGIONS))
        self.trend = (sector_vector(SECTOR_TREND)[None, :, None] + region[:, None, None]
                      + np.array(SKILL_DRIFT)[None, None, :])
        self.momentum = rng.normal(0, sd / np.sqrt(1 - phi ** 2), (len(REGIONS), len(SECTORS)))
        self.cycle = 0.0

    def __call__(self, year: int) -> np.ndarray:
        rng = self.rng
        self.momentum = self.phi * self.momentum + rng.normal(0, self.sd, self.momentum.shape)
        self.cycle = 0.5 * self.cycle + rng.normal(0, 0.01)
        noise = rng.normal(0, self.cell_sd, (len(REGIONS), len(SECTORS), len(SKILLS)))
        return self.trend + self.momentum[:, :, None] + self.cycle + cycle_shocks(year) + noise


def flow_vacancies(rng: np.random.Generator, share_posted: float = SHARE_OF_SHORTAGE_POSTED,
                   frictional: float = FRICTIONAL):
    """Vacancies = frictional share of jobs + a share of the positive shortage; need = the
    positive shortage."""
    def rule(state):
        need = np.clip(state.shortage, 0, None)
        noise = rng.lognormal(0, 0.2, state.demand.shape)
        posted = frictional * state.demand * noise + share_posted * need
        vacancies = np.minimum(np.round(posted), np.floor(state.demand / 2))
        return vacancies, need, {}
    return rule


def simulate_world(*, seed: int, last_year: int, first_year: int = 2000, horizon: int = 3,
                   rng: np.random.Generator | None = None, on_year=None) -> dict:
    """The flow world in memory: ``truth_last_year``, ``tables``, ``need``, ``demography`` and
    ``parameters``, as :func:`~benchmarks.worlds.common.write_world` writes them. ``rng`` replaces the world's generator
    (seeded ``[seed, RNG_STREAM]``) and ``on_year`` is passed to
    :func:`~benchmarks.worlds.common.simulate`: both for :mod:`benchmarks.worlds.bound`."""
    years = simulate_years(first_year, last_year, horizon)
    rng = np.random.default_rng([seed, RNG_STREAM]) if rng is None else rng
    demography = Demography(rng, first_year)
    tables, need, demography_table = simulate(rng, years, demography, MomentumGrowth(rng),
                                              flow_vacancies(rng),
                            age_factor=sector_vector(AGE_FACTOR)[:, None], frictional=FRICTIONAL, on_year=on_year)
    parameters = {"phi": PHI, "momentum_sd": MOMENTUM_SD, "sector_trend": SECTOR_TREND,
                  "region_trend": REGION_TREND, "skill_drift": SKILL_DRIFT,
                  "age_factor": AGE_FACTOR, "share_of_shortage_posted": SHARE_OF_SHORTAGE_POSTED,
                  "frictional_vacancies": FRICTIONAL, "need": "max(openings - supply, 0)"}
    return {"truth_last_year": years[-1], "tables": tables, "need": need,
            "demography": demography_table, "parameters": parameters}
