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

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from features import demographic_features, single_year_population
from forecast.inputs.schema import EDUCATION_TO_SKILL, SKILLS
from forecast.shortage.definitions import Assumptions
from forecast.shortage.panel import SeriesPanel
from forecast.shortage.unfilled import unfilled_stock

if TYPE_CHECKING:
    from forecast.shortage.stock_dynamics import StockDynamics

SEEKERS = ["graduates", "immigration", "internal_migration", "unemployed"]


def observed_balance(panel: SeriesPanel, year: int, assumptions: Assumptions,
                     dynamics: StockDynamics | None = None) -> pd.DataFrame:
    """The balance in a past ``year`` computed from what was observed then (ex post)."""
    tables = panel.tables
    values = panel.series.set_index(["unique_id", "ds"])["y"]
    ids = values.index.get_level_values(0)
    demand = values[ids.str.startswith("demand|")]
    now = demand.xs(year, level="ds")
    previous = demand.xs(year - 1, level="ds").reindex(now.index)
    flows = values[~ids.str.match(r"^(demand|total)\|")].xs(year, level="ds")
    return balance(tables, year - 1, year, now, previous, flows, assumptions, dynamics)


def balance(tables: dict[str, pd.DataFrame], origin: int, year: int, demand: pd.Series,
            previous: pd.Series, flows: pd.Series, assumptions: Assumptions,
            dynamics: StockDynamics | None = None) -> pd.DataFrame:
    """Openings, seekers and shortage per cell from demand in ``year`` and the year before, and
    the flows of ``year``; the age structure is taken at ``origin``.

    With accepted ``dynamics`` (:mod:`forecast.shortage.stock_dynamics`) the seekers are scaled
    by its supply scale and the carried stock keeps its keep share per year."""
    cells = demand.index.str.split("|", expand=True)
    table = pd.DataFrame({"region": cells.get_level_values(1), "sector": cells.get_level_values(2),
                          "skill": cells.get_level_values(3)}, index=demand.index)
    table["year"] = int(year)
    table["demand"] = demand.clip(lower=0.0)
    previous = previous.clip(lower=0.0)
    table["expansion"] = table["demand"] - previous
    retire_rate, school_leavers = _demography(tables["population"], origin, year - origin)
    table["retirements"] = (previous * table["region"].map(retire_rate).fillna(0.0)
                            * assumptions.retirement_exit)
    table["deaths"] = previous * assumptions.working_age_mortality
    table = table.reset_index(drop=True)
    previous = previous.reset_index(drop=True)

    skill_share = _skill_employment_share(table, previous)
    by_kind = _flows_by_region_skill(flows)
    table["emigration"] = _allocate(by_kind.get("emigration"), skill_share, table,
                                    assumptions.emigrant_workers)
    table["immigration"] = _allocate(by_kind.get("immigration"), skill_share, table,
                                     assumptions.migrant_participation)
    table["internal_migration"] = _allocate(by_kind.get("internal"), skill_share, table,
                                            assumptions.migrant_participation)
    table["graduates"] = _graduate_supply(flows, table, previous, school_leavers, assumptions)
    table["unemployed"] = _unemployed(flows, table, previous, assumptions)
    keep_share = None
    if dynamics is not None and dynamics.accepted:
        table[SEEKERS] *= dynamics.supply_scale
        keep_share = dynamics.keep_share
    table["unfilled"] = (unfilled_stock(tables, origin, year, table, assumptions.frictional_quantile,
                                        keep_share) if assumptions.carry_unfilled else 0.0)
    table["openings"] = table[["expansion", "retirements", "deaths", "emigration", "unfilled"]].sum(axis=1)
    table["seekers"] = table[SEEKERS].sum(axis=1)
    table["shortage"] = table["openings"] - table["seekers"]
    return table


def _demography(population: pd.DataFrame, origin: int, horizon: int) -> tuple[pd.Series, pd.Series]:
    """Share of the working-age population reaching pension age in the forecast year, and the
    number of people aged 18 then, both by region, from the age structure at the origin."""
    regional = population[population["region"] != "KZ"]
    at_origin = regional[regional["year"] == origin]
    demo = demographic_features(at_origin, horizon=horizon)
    rate = demo.set_index("region")[f"pension_entrants_share_h{horizon}"]
    groups, persons = single_year_population(at_origin)
    age = 18 - horizon
    leavers = pd.Series(persons[:, age], index=groups["region"].to_numpy()).groupby(level=0).sum()
    return rate, leavers


def _skill_employment_share(table: pd.DataFrame, previous: pd.Series) -> pd.Series:
    """Each cell's share of its region's demand at the same skill level."""
    weights = previous.to_numpy()
    frame = table[["region", "skill"]].assign(w=weights)
    totals = frame.groupby(["region", "skill"])["w"].transform("sum")
    return pd.Series(np.where(totals > 0, weights / totals, 0.0), index=table.index)


def _flows_by_region_skill(flows: pd.Series) -> dict[str, pd.Series]:
    """Migration flows of the year by (region, skill), from series ``kind|region|education``."""
    out = {}
    for kind in ("emigration", "immigration", "internal"):
        rows = flows[flows.index.str.startswith(kind + "|")]
        if rows.empty:
            continue
        parts = rows.index.str.split("|", expand=True)
        skill = pd.Index(parts.get_level_values(2)).map(EDUCATION_TO_SKILL)
        values = rows.to_numpy() if kind == "internal" else rows.clip(lower=0.0).to_numpy()
        index = pd.MultiIndex.from_arrays([parts.get_level_values(1), skill], names=["region", "skill"])
        out[kind] = pd.Series(values, index=index).groupby(level=[0, 1]).sum()
    return out


def _allocate(flow: pd.Series | None, share: pd.Series, table: pd.DataFrame,
              rate: float) -> pd.Series:
    """Spread a (region, skill) flow over sectors by each cell's share of skill employment."""
    if flow is None:
        return pd.Series(0.0, index=share.index)
    keys = pd.MultiIndex.from_frame(table[["region", "skill"]])
    return share * flow.reindex(keys).fillna(0.0).to_numpy() * rate


def _graduate_supply(flows: pd.Series, table: pd.DataFrame, previous: pd.Series,
                     school_leavers: pd.Series, assumptions: Assumptions) -> pd.Series:
    """Graduates entering work in their field and level, and school leavers in low-skill work."""
    supply = pd.Series(0.0, index=table.index)
    grads = flows[flows.index.str.startswith("graduates|")].clip(lower=0.0)
    if not grads.empty:
        parts = grads.index.str.split("|", expand=True)
        skill = pd.Index(parts.get_level_values(2)).map({"higher": "high", "tvet": "medium"})
        keys = pd.MultiIndex.from_arrays([parts.get_level_values(1), parts.get_level_values(3), skill])
        by_cell = pd.Series(grads.to_numpy(), index=keys).groupby(level=[0, 1, 2]).sum()
        cells = pd.MultiIndex.from_frame(table[["region", "sector", "skill"]])
        supply += by_cell.reindex(cells).fillna(0.0).to_numpy() * assumptions.graduate_entry
    low = table["skill"] == "low"
    weights = previous.where(low, 0.0)
    region_total = weights.groupby(table["region"]).transform("sum")
    share = np.where(region_total > 0, weights / region_total, 0.0)
    leavers = table["region"].map(school_leavers).fillna(0.0).to_numpy()
    return supply + share * leavers * assumptions.school_leaver_entry


def _unemployed(flows: pd.Series, table: pd.DataFrame, previous: pd.Series,
                assumptions: Assumptions) -> pd.Series:
    """Hires from the applicants registered with employment offices."""
    rows = flows[flows.index.str.startswith("applicants|")]
    if rows.empty:
        return pd.Series(0.0, index=table.index)
    applicants = pd.Series(rows.clip(lower=0.0).to_numpy(),
                           index=rows.index.str.split("|").str[1])
    mix = dict(zip(SKILLS, assumptions.applicant_skill_mix))
    pool = (table["region"].map(applicants).fillna(0.0) * table["skill"].map(mix)
            * assumptions.unemployed_placement)
    return pool * _skill_employment_share(table, previous)
