"""How much the estimated employment grid depends on its prior: refits over plausible priors.

The grid (:mod:`forecast.inputs.real.grid`) reproduces every published margin whatever its
prior; within those margins, the split of a region's sector into sections and skills comes from
the documented prior. To measure that dependence the grid is refitted :data:`N_PRIORS` times,
each from a prior drawn around the documented one (seeded, :data:`SEED`):

- the regional specialisation (:data:`~forecast.inputs.sample.generator.SECTOR_TILT`) of every
  region x section times an independent log-normal factor of log-sd :data:`PRIOR_SD` (0.25:
  a specialisation of 2 is as plausibly 1.2 or 3.3 at two standard deviations);
- the national skill mix of every section (:data:`~forecast.inputs.sample.generator.SKILL_MIX`,
  the section x skill margin, itself a documented prior: no public table bounds it; the
  decent-work indicators give occupations by sex, not education) times log-normal factors of
  the same sd, renormalised; and each region's skill mix within a section likewise.

Every refit reproduces the published margins exactly as the documented fit does (region totals,
region x broad sector, national sections); the spread is only within them. Each cell's
``estimation_cv`` is the coefficient of variation (sample sd / mean) of its value over the
refits, 0 where the mean is 0; the forecast widens the shortage quantiles with it
(:func:`forecast.shortage.forecast.widen_for_estimation`).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from forecast.inputs.real.grid import GridFit, PriorPerturbation, employment_grid, national_mix
from forecast.inputs.real.tables import SECTIONS
from forecast.inputs.regions import region_table
from forecast.inputs.schema import SKILLS

__all__ = ["N_PRIORS", "PRIOR_SD", "SEED", "draw_perturbation", "refit_grids",
           "estimation_spread", "spread_summary"]

N_PRIORS = 20
PRIOR_SD = 0.25
SEED = 20_150_101
KEYS = ["region", "sector", "year", "skill"]


def draw_perturbation(rng: np.random.Generator, sd: float = PRIOR_SD) -> PriorPerturbation:
    """One plausible prior: log-normal factors of log-sd ``sd`` on the tilt and skill mixes."""
    table = region_table()
    codes = list(table.loc[table["kind"] != "country", "code"])
    S, K = len(SECTIONS), len(SKILLS)
    tilt = {code: np.exp(rng.normal(0.0, sd, S)) for code in codes}
    mix = national_mix() * np.exp(rng.normal(0.0, sd, (S, K)))
    mix /= mix.sum(axis=1, keepdims=True)
    regional = {code: np.exp(rng.normal(0.0, sd, (S, K))) for code in codes}
    return PriorPerturbation(tilt, mix, regional)


def refit_grids(n_priors: int = N_PRIORS, sd: float = PRIOR_SD, seed: int = SEED) -> list[GridFit]:
    """The grid refitted from ``n_priors`` plausible priors (seeded, reproducible)."""
    rng = np.random.default_rng(seed)
    return [employment_grid(draw_perturbation(rng, sd)) for _ in range(n_priors)]


def estimation_spread(refits: list[GridFit]) -> pd.DataFrame:
    """``region, sector, year, skill, estimation_cv`` over the refitted grids."""
    first = refits[0].table[KEYS]
    values = np.column_stack([fit.table.set_index(KEYS)["employed"].reindex(
        pd.MultiIndex.from_frame(first)).to_numpy(dtype=float) for fit in refits])
    mean = values.mean(axis=1)
    sd = values.std(axis=1, ddof=1) if values.shape[1] > 1 else np.zeros(len(mean))
    cv = np.divide(sd, mean, out=np.zeros_like(mean), where=mean > 0)
    return first.assign(estimation_cv=np.round(cv, 4)).reset_index(drop=True)


def spread_summary(spread: pd.DataFrame, employed: pd.Series, refits: list[GridFit],
                   sd: float = PRIOR_SD, seed: int = SEED) -> dict:
    """What ``real-data.json["estimation"]`` records: the method, the cv's distribution over
    cells (and weighted by employment) and the worst fit of any refit to each margin."""
    cv = spread["estimation_cv"].to_numpy(dtype=float)
    weights = np.asarray(employed, dtype=float)
    worst = pd.concat([fit.fit for fit in refits]).groupby("margin")["max_abs_deviation"].max()
    return {"priors": len(refits), "prior_log_sd": sd, "seed": seed,
            "method": "grid refitted from priors with the regional specialisation and the skill "
                      "mixes times seeded log-normal factors; estimation_cv = sd / mean of each "
                      "cell over the refits",
            "cv_median": float(np.median(cv)), "cv_p10": float(np.quantile(cv, 0.1)),
            "cv_p90": float(np.quantile(cv, 0.9)), "cv_max": float(cv.max()),
            "cv_employment_weighted": float((cv * weights).sum() / max(weights.sum(), 1.0)),
            "refit_max_abs_deviation": {str(k): float(v) for k, v in worst.items()}}
