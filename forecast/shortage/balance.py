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
from forecast.shortage.cell_layout import CellLayout, cell_layout
from forecast.shortage.definitions import Assumptions
from forecast.shortage.panel import SeriesPanel
from forecast.shortage.unfilled import cell_history, unfilled_stock

if TYPE_CHECKING:
    from forecast.shortage.stock_dynamics import StockDynamics

SEEKERS = ["graduates", "immigration", "internal_migration", "unemployed"]
# Each migration flow's column, and the assumption giving the share of it in work.
MIGRATION_COLUMNS = {"emigration": ("emigration", "emigrant_workers"),
                     "immigration": ("immigration", "migrant_participation"),
                     "internal": ("internal_migration", "migrant_participation")}
# The balance's columns after the cell, the year and its demand, in the table's order.
COLUMNS = ["expansion", "retirements", "deaths", "emigration", "immigration", "internal_migration",
           "graduates", "unemployed", "unfilled"]


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
    if not previous.index.equals(demand.index):
        previous = previous.reindex(demand.index)
    cells = cell_layout(tuple(demand.index), tuple(flows.index))
    now = _at_least_zero(demand.to_numpy(dtype=float))
    before = _at_least_zero(previous.to_numpy(dtype=float))
    flow = flows.to_numpy(dtype=float)
    retire_rate, school_leavers = demography
    columns = {"expansion": now - before,
               "retirements": before * cells.by_region(retire_rate) * assumptions.retirement_exit,
               "deaths": before * assumptions.working_age_mortality}

    # Each cell's share of its region's demand at the same skill level.
    totals = cells.region_skill_groups.sum(before)[cells.region_skill_code]
    skill_share = np.divide(before, totals, out=np.zeros(cells.n_cells), where=totals > 0)
    for kind, (column, rate) in MIGRATION_COLUMNS.items():
        groups = cells.migration.get(kind)
        # Net internal migration may be negative; emigrants and immigrants may not.
        columns[column] = (np.zeros(cells.n_cells) if groups is None else
                           skill_share * groups.per_cell(flow, clip=kind != "internal")
                           * getattr(assumptions, rate))
    columns["graduates"] = _graduate_supply(cells, flow, before, school_leavers, assumptions)
    columns["unemployed"] = _unemployed(cells, flow, assumptions, skill_share)
    keep_share = None
    if dynamics is not None and dynamics.accepted:
        for column in SEEKERS:
            columns[column] = columns[column] * dynamics.supply_scale
        keep_share = dynamics.keep_share
    keys = pd.DataFrame({"region": cells.region, "sector": cells.sector, "skill": cells.skill})
    columns["unfilled"] = (unfilled_stock(tables, origin, year, keys, assumptions.frictional_quantile,
                                          keep_share, history=history)
                           if assumptions.carry_unfilled else np.zeros(cells.n_cells))
    openings = _row_sum(columns, ["expansion", "retirements", "deaths", "emigration", "unfilled"])
    seekers = _row_sum(columns, SEEKERS)
    return keys.assign(year=np.full(cells.n_cells, int(year), dtype=np.int64), demand=now,
                       **{column: columns[column] for column in COLUMNS},
                       openings=openings, seekers=seekers, shortage=openings - seekers)


def _at_least_zero(values: np.ndarray) -> np.ndarray:
    """``values`` with negatives set to 0 and missing values kept, as ``Series.clip`` does."""
    return np.where(values < 0.0, 0.0, values)


def _row_sum(columns: dict[str, np.ndarray], names: list[str]) -> np.ndarray:
    """The sum of the ``names`` columns in each row, in their order, a missing value counting
    as 0 (as ``DataFrame.sum(axis=1)`` adds them)."""
    total, *rest = (np.where(np.isnan(columns[name]), 0.0, columns[name]) for name in names)
    for values in rest:
        total = total + values
    return total


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


def _graduate_supply(cells: CellLayout, flows: np.ndarray, previous: np.ndarray,
                     school_leavers: pd.Series, assumptions: Assumptions) -> np.ndarray:
    """Graduates entering work in their field and level, and school leavers in low-skill work."""
    supply = np.zeros(cells.n_cells)
    if cells.graduates is not None:
        supply = supply + cells.graduates.per_cell(flows, clip=True) * assumptions.graduate_entry
    weights = np.where(cells.low, previous, 0.0)
    region_total = cells.region_groups.sum(weights)[cells.region_code]
    share = np.divide(weights, region_total, out=np.zeros(cells.n_cells), where=region_total > 0)
    leavers = cells.by_region(school_leavers)
    return supply + share * leavers * assumptions.school_leaver_entry


def _unemployed(cells: CellLayout, flows: np.ndarray, assumptions: Assumptions,
                skill_share: np.ndarray) -> np.ndarray:
    """Hires from the applicants registered with employment offices, spread by each cell's share
    of its region's demand at its skill level."""
    if cells.applicants is None:
        return np.zeros(cells.n_cells)
    applicants = pd.Series(np.clip(flows[cells.applicants], 0.0, None), index=cells.applicant_regions)
    # A skill outside SKILLS (code -1) reads the appended NaN: it has no share of the applicants.
    skill_mix = np.append(np.asarray(assumptions.applicant_skill_mix, dtype=float), np.nan)[cells.skill_code]
    pool = cells.by_region(applicants) * skill_mix * assumptions.unemployed_placement
    return pool * skill_share
