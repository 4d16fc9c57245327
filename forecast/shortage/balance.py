"""The stock-flow balance of one year: openings against seekers per region x sector x skill.

::

    openings = expansion demand (growth of employment plus vacancies)
             + retirements (people reaching pension age, from the age structure)
             + deaths + emigration of workers (by education, spread over sectors)
             + unfilled demand carried from the origin (vacancies above the frictional rate,
               less what domestic hiring closes: forecast.shortage.unfilled)
    seekers  = graduates entering work (higher -> high skill, TVET -> medium skill,
               school leavers -> low skill)
             + immigrants and net internal migrants in work + hires from the unemployed
               (all scaled, where the vacancies behave as a stock, by the supply scale that
               forecast.shortage.stock_dynamics fits on them)
    shortage = openings - seekers        (positive: shortage; negative: surplus)

:func:`balance` computes it from demand in the year and the year before and the flows of the year,
whether forecast (:mod:`forecast.shortage.forecast`) or observed (:func:`observed_balance`).
"""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from features import demographic_features, single_year_population
from forecast.inputs.schema import EDUCATION_TO_SKILL, SKILLS
from forecast.shortage.definitions import Assumptions
from forecast.shortage.panel import SeriesPanel
from forecast.shortage.unfilled import cell_history, unfilled_stock

if TYPE_CHECKING:
    from forecast.shortage.stock_dynamics import StockDynamics

SEEKERS = ["graduates", "immigration", "internal_migration", "unemployed"]


def observed_balance(panel: SeriesPanel, year: int, assumptions: Assumptions,
                     dynamics: StockDynamics | None = None) -> pd.DataFrame:
    """The balance in a past ``year`` computed from what was observed then (ex post)."""
    demand, flows = _observed_series(panel)
    now = demand.xs(year, level="ds")
    previous = demand.xs(year - 1, level="ds").reindex(now.index)
    return _balance(panel.tables, year - 1, year, now, previous, flows.xs(year, level="ds"),
                    assumptions, dynamics, _observed_demography(panel, year - 1),
                    _vacancy_history(panel))


class ObservedBalances:
    """:func:`observed_balance` of ``panel`` by year, each year computed once.

    Call it with a year. A forecast's calibration compares with the balance observed in years
    that are also origins; this keeps one computation of each.
    """

    def __init__(self, panel: SeriesPanel, assumptions: Assumptions,
                 dynamics: StockDynamics | None = None):
        self.panel, self.assumptions, self.dynamics = panel, assumptions, dynamics
        self._years: dict[int, pd.DataFrame] = {}

    def __call__(self, year: int) -> pd.DataFrame:
        if year not in self._years:
            self._years[year] = observed_balance(self.panel, year, self.assumptions, self.dynamics)
        return self._years[year]


def balance(tables: dict[str, pd.DataFrame], origin: int, year: int, demand: pd.Series,
            previous: pd.Series, flows: pd.Series, assumptions: Assumptions,
            dynamics: StockDynamics | None = None) -> pd.DataFrame:
    """Openings, seekers and shortage per cell from demand in ``year`` and the year before, and
    the flows of ``year``; the age structure is taken at ``origin``.

    With accepted ``dynamics`` (:mod:`forecast.shortage.stock_dynamics`) the seekers are scaled
    by its supply scale and the carried stock keeps its keep share per year."""
    return _balance(tables, origin, year, demand, previous, flows, assumptions, dynamics,
                    _demography(tables["population"], origin, year - origin), None)


def _balance(tables: dict[str, pd.DataFrame], origin: int, year: int, demand: pd.Series,
             previous: pd.Series, flows: pd.Series, assumptions: Assumptions,
             dynamics: StockDynamics | None, demography: tuple[pd.Series, pd.Series],
             history: pd.DataFrame | None) -> pd.DataFrame:
    region, sector, skill = _id_parts(demand.index)[1:4]
    table = pd.DataFrame({"region": region, "sector": sector, "skill": skill}, index=demand.index)
    table["year"] = int(year)
    table["demand"] = demand.clip(lower=0.0)
    previous = previous.clip(lower=0.0)
    table["expansion"] = table["demand"] - previous
    retire_rate, school_leavers = demography
    table["retirements"] = (previous * table["region"].map(retire_rate).fillna(0.0)
                            * assumptions.retirement_exit)
    table["deaths"] = previous * assumptions.working_age_mortality
    table = table.reset_index(drop=True)
    previous = previous.reset_index(drop=True)

    skill_share = _skill_employment_share(table, previous)
    by_kind = _flows_by_region_skill(flows)
    keys = pd.MultiIndex.from_frame(table[["region", "skill"]])
    table["emigration"] = _allocate(by_kind.get("emigration"), skill_share, keys,
                                    assumptions.emigrant_workers)
    table["immigration"] = _allocate(by_kind.get("immigration"), skill_share, keys,
                                     assumptions.migrant_participation)
    table["internal_migration"] = _allocate(by_kind.get("internal"), skill_share, keys,
                                            assumptions.migrant_participation)
    table["graduates"] = _graduate_supply(flows, table, previous, school_leavers, assumptions)
    table["unemployed"] = _unemployed(flows, table, assumptions, skill_share)
    keep_share = None
    if dynamics is not None and dynamics.accepted:
        table[SEEKERS] *= dynamics.supply_scale
        keep_share = dynamics.keep_share
    table["unfilled"] = (unfilled_stock(tables, origin, year, table, assumptions.frictional_quantile,
                                        keep_share, history=history)
                         if assumptions.carry_unfilled else 0.0)
    table["openings"] = table[["expansion", "retirements", "deaths", "emigration", "unfilled"]].sum(axis=1)
    table["seekers"] = table[SEEKERS].sum(axis=1)
    table["shortage"] = table["openings"] - table["seekers"]
    return table


@lru_cache(maxsize=256)
def _split_ids(ids: tuple[str, ...], width: int) -> tuple[np.ndarray, ...]:
    split = [uid.split("|")[:width] for uid in ids]
    # Ids of different kinds have different numbers of keys: the missing ones are "".
    padded = [parts + [""] * (width - len(parts)) for parts in split]
    parts = tuple(np.array([row[k] for row in padded], dtype=object) for k in range(width))
    for part in parts:
        part.setflags(write=False)  # shared by every caller of the cache
    return parts


def _id_parts(index: pd.Index, width: int = 4) -> tuple[np.ndarray, ...]:
    """The first ``width`` ``|``-separated parts of series ids ``kind|key1|key2...``, one array
    per position.

    The same ids come back in every balance of a run (each year's flows, each origin's cells),
    so their parsing is cached on the ids themselves."""
    return _split_ids(tuple(index), width)


def _observed_series(panel: SeriesPanel) -> tuple[pd.Series, pd.Series]:
    """The panel's cell demand and flows, indexed by ``(unique_id, ds)``, made once per panel."""
    key = "observed_series"
    if key not in panel.memo:
        values = panel.series.set_index(["unique_id", "ds"])["y"]
        ids = values.index.get_level_values(0)
        panel.memo[key] = (values[ids.str.startswith("demand|")],
                           values[~ids.str.match(r"^(demand|total)\|")])
    return panel.memo[key]


def _observed_demography(panel: SeriesPanel, origin: int) -> tuple[pd.Series, pd.Series]:
    """:func:`_demography` a year ahead of ``origin``, from the age structure of every year
    computed once per panel (each year's rows are computed alone, so they equal the one-year
    computation)."""
    key = "demography_h1"
    if key not in panel.memo:
        population = panel.tables["population"]
        panel.memo[key] = _demography_by_year(population[population["region"] != "KZ"], 1)
    return _in_year(panel.memo[key], origin)


def _vacancy_history(panel: SeriesPanel) -> pd.DataFrame | None:
    """The cells' vacancies and demand in every year of the panel, as
    :func:`~forecast.shortage.unfilled.cell_history` gives them, made once per panel."""
    key = "vacancy_history"
    if key not in panel.memo:
        years = panel.tables["employment"]["year"]
        panel.memo[key] = cell_history(panel.tables, int(years.max())) if len(years) else None
    return panel.memo[key]


def _demography(population: pd.DataFrame, origin: int, horizon: int) -> tuple[pd.Series, pd.Series]:
    """Share of the working-age population reaching pension age in the forecast year, and the
    number of people aged 18 then, both by region, from the age structure at the origin."""
    regional = population[(population["region"] != "KZ") & (population["year"] == origin)]
    return _in_year(_demography_by_year(regional, horizon), origin)


def _demography_by_year(regional: pd.DataFrame, horizon: int) -> tuple[pd.Series, pd.Series]:
    """:func:`_demography` for every year of ``regional``, indexed by ``(ds, region)``."""
    rates = demographic_features(regional, horizon=horizon).set_index(["ds", "region"])
    groups, persons = single_year_population(regional)
    leavers = pd.Series(persons[:, 18 - horizon],  # aged 18 ``horizon`` years on
                        index=pd.MultiIndex.from_frame(groups[["ds", "region"]]))
    return rates[f"pension_entrants_share_h{horizon}"], leavers.groupby(level=[0, 1]).sum()


def _in_year(by_year: tuple[pd.Series, pd.Series], year: int) -> tuple[pd.Series, pd.Series]:
    """The regions' rows of :func:`_demography_by_year` in ``year`` (empty without that year)."""
    rates, leavers = by_year
    if year not in rates.index.get_level_values(0):
        return pd.Series(dtype=float), pd.Series(dtype=float)
    return rates.xs(year, level="ds"), leavers.xs(year, level="ds")


def _skill_employment_share(table: pd.DataFrame, previous: pd.Series) -> pd.Series:
    """Each cell's share of its region's demand at the same skill level."""
    weights = previous.to_numpy()
    frame = table[["region", "skill"]].assign(w=weights)
    totals = frame.groupby(["region", "skill"])["w"].transform("sum")
    return pd.Series(np.where(totals > 0, weights / totals, 0.0), index=table.index)


def _flows_by_region_skill(flows: pd.Series) -> dict[str, pd.Series]:
    """Migration flows of the year by (region, skill), from series ``kind|region|education``."""
    kinds, regions, educations = _id_parts(flows.index)[:3]
    every = flows.to_numpy()
    out = {}
    for kind in ("emigration", "immigration", "internal"):
        rows = kinds == kind
        if not rows.any():
            continue
        skill = pd.Index(educations[rows]).map(EDUCATION_TO_SKILL)
        values = every[rows] if kind == "internal" else np.clip(every[rows], 0.0, None)
        index = pd.MultiIndex.from_arrays([regions[rows], skill], names=["region", "skill"])
        out[kind] = pd.Series(values, index=index).groupby(level=[0, 1]).sum()
    return out


def _allocate(flow: pd.Series | None, share: pd.Series, keys: pd.MultiIndex,
              rate: float) -> pd.Series:
    """Spread a (region, skill) flow over sectors by each cell's share of skill employment;
    ``keys`` are the cells' (region, skill)."""
    if flow is None:
        return pd.Series(0.0, index=share.index)
    return share * flow.reindex(keys).fillna(0.0).to_numpy() * rate


def _graduate_supply(flows: pd.Series, table: pd.DataFrame, previous: pd.Series,
                     school_leavers: pd.Series, assumptions: Assumptions) -> pd.Series:
    """Graduates entering work in their field and level, and school leavers in low-skill work."""
    supply = pd.Series(0.0, index=table.index)
    kinds, regions, levels, sectors = _id_parts(flows.index)[:4]
    rows = kinds == "graduates"
    if rows.any():
        grads = np.clip(flows.to_numpy()[rows], 0.0, None)
        skill = pd.Index(levels[rows]).map({"higher": "high", "tvet": "medium"})
        keys = pd.MultiIndex.from_arrays([regions[rows], sectors[rows], skill])
        by_cell = pd.Series(grads, index=keys).groupby(level=[0, 1, 2]).sum()
        cells = pd.MultiIndex.from_frame(table[["region", "sector", "skill"]])
        supply += by_cell.reindex(cells).fillna(0.0).to_numpy() * assumptions.graduate_entry
    low = table["skill"] == "low"
    weights = previous.where(low, 0.0)
    region_total = weights.groupby(table["region"]).transform("sum")
    share = np.where(region_total > 0, weights / region_total, 0.0)
    leavers = table["region"].map(school_leavers).fillna(0.0).to_numpy()
    return supply + share * leavers * assumptions.school_leaver_entry


def _unemployed(flows: pd.Series, table: pd.DataFrame, assumptions: Assumptions,
                skill_share: pd.Series) -> pd.Series:
    """Hires from the applicants registered with employment offices, spread by ``skill_share``
    (:func:`_skill_employment_share`)."""
    kinds, regions = _id_parts(flows.index)[:2]
    rows = kinds == "applicants"
    if not rows.any():
        return pd.Series(0.0, index=table.index)
    applicants = pd.Series(np.clip(flows.to_numpy()[rows], 0.0, None), index=regions[rows])
    mix = dict(zip(SKILLS, assumptions.applicant_skill_mix))
    pool = (table["region"].map(applicants).fillna(0.0) * table["skill"].map(mix)
            * assumptions.unemployed_placement)
    return pool * skill_share
