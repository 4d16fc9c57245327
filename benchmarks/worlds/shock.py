"""The shock world: booms and busts, a demographic wave and a shift in skilled emigration.

Three breaks that no trend in the employment series foresees, each relative to ``last_year``
(``L``):

- **boom then bust** in mining (B) and construction (F), with manufacturing (C) and transport
  (H) following, in the resource and industrial regions (half as strong elsewhere for
  construction): strong growth from ``L-9`` to ``L-3``, a bust from ``L-2`` to ``L+1``, a
  partial recovery after;
- a **demographic wave**: the cohorts born ``L-64..L-60`` are 80% larger, so a large cohort
  reaches pension age around ``L-2..L+3``. It shows only in the population's age structure, not
  in employment, until its members retire;
- an **emigration shift**: from ``L-1`` on, people with higher education emigrate 2.5 times as
  often from the northern, central and eastern regions (1.6 times elsewhere), and TVET graduates
  1.3 times; the emigrants come more often from ICT, professional services, health and
  education.

Otherwise it runs like the flow world (weaker momentum). The world's **need** is the positive
part of openings - supply per cell.
"""

from __future__ import annotations


import numpy as np

from .common import (KINDS, REGIONS, SECTORS, SKILLS, Demography,
                     sector_vector, simulate, simulate_years)
from .flow import AGE_FACTOR, FRICTIONAL, MomentumGrowth, flow_vacancies

NAME = "shock"
RNG_STREAM = 3  # the world's generator is seeded [seed, RNG_STREAM]
# Extra log growth per sector in each phase, in the resource and industrial regions.
BOOM = dict(B=.09, F=.13, C=.03, H=.03)
BUST = dict(B=-.10, F=-.16, C=-.03, H=-.04)
RECOVERY = dict(B=.04, F=.06, C=.01, H=.01)
ELSEWHERE = dict(F=0.5)  # share of the phase effect outside the resource and industrial regions
WAVE_SIZE = 1.8
HIGHER_EMIGRATION = dict(agri_north=2.5, industrial=2.5, other=1.6)
TVET_EMIGRATION = 1.3
EMIGRANT_SECTORS = dict(J=2.0, M=2.0, Q=1.8, P=1.5)


def phases(last_year: int) -> list[tuple[int, int, dict]]:
    return [(last_year - 9, last_year - 3, BOOM), (last_year - 2, last_year + 1, BUST),
            (last_year + 2, last_year + 10, RECOVERY)]


class BoomBustGrowth(MomentumGrowth):
    def __init__(self, rng: np.random.Generator, last_year: int):
        super().__init__(rng, phi=0.5, sd=0.01)
        self.phases = phases(last_year)
        exposed = np.isin(np.array(KINDS), ["resource", "industrial"])
        self.exposure = np.stack([np.where(exposed, 1.0, ELSEWHERE.get(s, 0.0)) for s in SECTORS], axis=1)

    def __call__(self, year: int) -> np.ndarray:
        growth = super().__call__(year)
        for first, last, effect in self.phases:
            if first <= year <= last:
                growth = growth + (sector_vector(effect, 0.0)[None, :] * self.exposure)[:, :, None]
        return growth


def emigration_shift(last_year: int):
    north = np.array([HIGHER_EMIGRATION.get(k, HIGHER_EMIGRATION["other"]) for k in KINDS])

    def multipliers(year: int) -> np.ndarray:
        out = np.ones((len(REGIONS), 3))
        if year >= last_year - 1:
            out[:, 0] = north
            out[:, 1] = TVET_EMIGRATION
        return out
    return multipliers


def simulate_world(*, seed: int, last_year: int, first_year: int = 2000, horizon: int = 3,
                   rng: np.random.Generator | None = None, on_year=None) -> dict:
    """The shock world in memory: ``truth_last_year``, ``tables``, ``need``, ``demography`` and
    ``parameters``, as :func:`~benchmarks.worlds.common.write_world` writes them. ``rng`` replaces the world's generator
    (seeded ``[seed, RNG_STREAM]``) and ``on_year`` is passed to
    :func:`~benchmarks.worlds.common.simulate`: both for :mod:`benchmarks.worlds.bound`."""
    years = simulate_years(first_year, last_year, horizon)
    rng = np.random.default_rng([seed, RNG_STREAM]) if rng is None else rng
    wave = (last_year - 64, last_year - 60)
    demography = Demography(rng, first_year, bumps={wave: WAVE_SIZE},
                            emigration_education=emigration_shift(last_year))
    propensity = np.ones((len(SECTORS), len(SKILLS)))
    propensity[:, 0] = sector_vector(EMIGRANT_SECTORS)
    tables, need, demography_table = simulate(rng, years, demography, BoomBustGrowth(rng, last_year),
                            flow_vacancies(rng), age_factor=sector_vector(AGE_FACTOR)[:, None],
                            emigration_propensity=propensity, frictional=FRICTIONAL, on_year=on_year)
    parameters = {"phases": [{"years": [a, b], "extra_log_growth": e} for a, b, e in phases(last_year)],
                  "phase_share_elsewhere": ELSEWHERE, "wave_birth_years": list(wave),
                  "wave_size": WAVE_SIZE, "emigration_shift_from": last_year - 1,
                  "higher_emigration_multiplier": HIGHER_EMIGRATION,
                  "tvet_emigration_multiplier": TVET_EMIGRATION,
                  "emigrant_sector_propensity_high_skill": EMIGRANT_SECTORS,
                  "need": "max(openings - supply, 0)"}
    return {"truth_last_year": years[-1], "tables": tables, "need": need,
            "demography": demography_table, "parameters": parameters}
