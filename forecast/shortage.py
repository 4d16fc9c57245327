"""Where shortages are computed: job openings against domestic supply, by region, sector and skill.

The method follows Canada's COPS and the US BLS replacement-needs approach::

    openings = expansion demand (growth of employment plus vacancies)
             + retirements (people reaching pension age, from the age structure)
             + deaths + emigration of workers (by education, spread over sectors)
    seekers  = graduates entering work (higher -> high skill, TVET -> medium skill,
               school leavers -> low skill)
             + immigrants and net internal migrants in work + hires from the unemployed
    shortage = openings - seekers        (positive: shortage; negative: surplus)

Every series (demand per cell, migration flows per region and education, graduates per region,
level and field, employment-office applicants per region) is forecast by
:class:`models.AutoForecaster` from the last data year. The conversion rates (how many emigrants
were working, how many graduates enter work, ...) are :class:`Assumptions`, documented and
overridable. Shortage quantiles come from the calibrated one-year-ahead uncertainty of demand,
the dominant and most volatile component.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

import numpy as np
import pandas as pd
from scipy import stats

from features import demographic_features, single_year_population
from forecast.errors import InputError
from forecast.harmonize import harmonize_tables
from forecast.loader import Dataset
from forecast.schema import EDUCATION_TO_SKILL, SKILLS
from models import AutoForecaster

QUANTILES = (0.05, 0.10, 0.25, 0.50, 0.75, 0.90, 0.95)
TIERS = ("severe shortage", "shortage", "balance", "surplus")
DRIVERS = ("expansion", "retirements", "deaths", "emigration", "graduates", "immigration",
           "internal_migration", "unemployed")
MAX_HORIZON = 5


@dataclass(frozen=True)
class Assumptions:
    """Conversion rates from population flows to labour-market flows.

    Attributes
    ----------
    retirement_exit : float
        Share of workers reaching pension age who leave work that year.
    working_age_mortality : float
        Deaths per worker per year.
    emigrant_workers : float
        Share of emigrants who were working (working age times employment rate).
    graduate_entry : float
        Share of graduates who enter work in their field the year they graduate.
    school_leaver_entry : float
        Share of each 18-year-old cohort entering low-skill work directly.
    migrant_participation : float
        Share of immigrants and of net internal migrants who take up work.
    unemployed_placement : float
        Share of employment-office applicants placed in work during the year.
    applicant_skill_mix : tuple of float
        Skill mix (high, medium, low) of the applicants.
    severe_threshold, shortage_threshold, surplus_threshold : float
        Tier limits on the shortage as a share of demand: at or above ``severe_threshold`` a
        severe shortage, at or above ``shortage_threshold`` a shortage, at or below
        ``-surplus_threshold`` a surplus, balance in between.
    """

    retirement_exit: float = 0.8
    working_age_mortality: float = 0.004
    emigrant_workers: float = 0.6
    graduate_entry: float = 0.8
    school_leaver_entry: float = 0.16
    migrant_participation: float = 0.55
    unemployed_placement: float = 0.22
    applicant_skill_mix: tuple[float, float, float] = (0.15, 0.35, 0.50)
    severe_threshold: float = 0.03
    shortage_threshold: float = 0.01
    surplus_threshold: float = 0.01

    def __post_init__(self) -> None:
        for name, value in asdict(self).items():
            values = value if isinstance(value, tuple) else (value,)
            if any(not np.isfinite(v) or v < 0 for v in values):
                raise InputError(f"assumption {name} = {value!r}: expected non-negative numbers")
        if abs(sum(self.applicant_skill_mix) - 1) > 1e-9:
            raise InputError(f"assumption applicant_skill_mix = {self.applicant_skill_mix!r}: "
                             "expected three shares that add up to 1")


@dataclass(frozen=True)
class ShortageForecast:
    """The shortage forecast for one year and what produced it.

    Attributes
    ----------
    table : DataFrame
        One row per region x sector x skill: ``region, sector, skill, year, demand`` (forecast
        demand in ``year``), the drivers (:data:`DRIVERS`), ``openings``, ``seekers``,
        ``shortage`` (central), ``shortage_p05`` .. ``shortage_p95`` and ``tier``.
    origin : int
        Last data year the forecast starts from.
    year : int
        Forecast year.
    labour_force : float
        Employment plus employment-office applicants in the origin year.
    models : dict
        Count of series per chosen model.
    fallbacks : DataFrame
        Series that fell back to a simpler model, and why.
    assumptions : Assumptions
    """

    table: pd.DataFrame
    origin: int
    year: int
    labour_force: float
    models: dict
    fallbacks: pd.DataFrame
    assumptions: Assumptions = field(default_factory=Assumptions)


def _series_panel(tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Every series the balance needs, as one long panel ``unique_id, ds, y``."""
    employment = tables["employment"]
    cell = ["region", "sector", "skill"]
    demand = employment[employment["region"] != "KZ"].set_index([*cell, "year"])["employed"]
    if "vacancies" in tables:
        vacancies = tables["vacancies"].set_index([*cell, "year"])["vacancies"]
        demand = demand.add(vacancies.reindex(demand.index).fillna(0.0))
    parts = [_ids(demand.reset_index(name="y"), "demand", cell)]

    migration = tables["migration"]
    migration = migration[migration["region"] != "KZ"]
    wide = migration.pivot_table(index=["region", "education", "year"], columns="flow",
                                 values="persons", aggfunc="sum").fillna(0.0)
    for flow in ("emigration", "immigration"):
        if flow in wide:
            parts.append(_ids(wide[flow].reset_index(name="y"), flow, ["region", "education"]))
    if {"internal_in", "internal_out"} <= set(wide.columns):
        net = (wide["internal_in"] - wide["internal_out"]).reset_index(name="y")
        parts.append(_ids(net, "internal", ["region", "education"]))
    if "graduates" in tables:
        grads = tables["graduates"]
        grads = grads[(grads["region"] != "KZ") & (grads["sector"] != "TOTAL")]
        parts.append(_ids(grads.rename(columns={"graduates": "y"}), "graduates",
                          ["region", "level", "sector"]))
    if "applicants" in tables:
        applicants = tables["applicants"]
        applicants = applicants[applicants["region"] != "KZ"]
        parts.append(_ids(applicants.rename(columns={"applicants": "y"}), "applicants", ["region"]))
    return pd.concat(parts, ignore_index=True)


def _ids(frame: pd.DataFrame, kind: str, keys: list[str]) -> pd.DataFrame:
    uid = frame[keys[0]].astype(str)
    for key in keys[1:]:
        uid = uid + "|" + frame[key].astype(str)
    return pd.DataFrame({"unique_id": kind + "|" + uid, "ds": frame["year"].astype("int64"),
                         "y": frame["y"].astype(float)})


def _split_ids(frame: pd.DataFrame, kind: str, keys: list[str]) -> pd.DataFrame:
    rows = frame[frame["unique_id"].str.startswith(kind + "|")].copy()
    parts = rows["unique_id"].str.split("|", expand=True)
    for i, key in enumerate(keys, start=1):
        rows[key] = parts[i].to_numpy()
    return rows


def forecast_shortage(data: Dataset, year: int, *, assumptions: Assumptions | None = None,
                      n_jobs: int = 1, random_state: int = 0) -> ShortageForecast:
    """Forecast openings, seekers and the shortage in ``year`` for every region x sector x skill.

    Parameters
    ----------
    data : Dataset
        From :func:`forecast.load_data` or :func:`forecast.load_sample`; tables are put on the
        2022 boundaries first.
    year : int
        Forecast year, 1 to 5 years after the last data year.
    assumptions : Assumptions, optional
    n_jobs : int
        joblib workers for the models.
    random_state : int
        Seed of the models.

    Returns
    -------
    ShortageForecast
    """
    assumptions = assumptions or Assumptions()
    origin = data.last_year
    horizon = int(year) - origin
    if not 1 <= horizon <= MAX_HORIZON:
        raise InputError(f"--year {year}: expected a year from {origin + 1} to "
                         f"{origin + MAX_HORIZON} (the data end in {origin})")
    tables = harmonize_tables(dict(data.tables))
    panel = _series_panel(tables)
    model = AutoForecaster(h=MAX_HORIZON, n_jobs=n_jobs, random_state=random_state)
    model.fit(panel)
    predicted = model.predict(h=horizon, level=[80])
    half_width = (predicted["yhat_hi_80"] - predicted["yhat_lo_80"]) / 2
    predicted = predicted.assign(half_width=half_width)

    demand = _split_ids(predicted, "demand", ["region", "sector", "skill"])
    observed = panel[panel["ds"] == origin].set_index("unique_id")["y"]
    target = demand[demand["ds"] == year].set_index("unique_id")
    before = (demand[demand["ds"] == year - 1].set_index("unique_id")["yhat"] if horizon > 1
              else observed.reindex(target.index))
    table = target[["region", "sector", "skill"]].copy()
    table["year"] = int(year)
    table["demand"] = target["yhat"].clip(lower=0.0)
    previous = before.reindex(target.index).clip(lower=0.0)
    table["expansion"] = table["demand"] - previous
    one_step = demand[demand["ds"] == origin + 1].set_index("unique_id")["half_width"]
    spread = one_step.reindex(target.index).to_numpy() / stats.norm.ppf(0.9)

    retire_rate, school_leavers = _demography(tables["population"], origin, horizon)
    table["retirements"] = (previous * table["region"].map(retire_rate).fillna(0.0)
                            * assumptions.retirement_exit)
    table["deaths"] = previous * assumptions.working_age_mortality

    skill_share = _skill_employment_share(table, previous)
    flows = _flows_at(predicted, year)
    table["emigration"] = _allocate(flows.get("emigration"), skill_share, table,
                                    assumptions.emigrant_workers)
    table["immigration"] = _allocate(flows.get("immigration"), skill_share, table,
                                     assumptions.migrant_participation)
    table["internal_migration"] = _allocate(flows.get("internal"), skill_share, table,
                                            assumptions.migrant_participation)
    table["graduates"] = _graduate_supply(predicted, year, table, previous, school_leavers,
                                          assumptions)
    table["unemployed"] = _unemployed(predicted, year, table, previous, assumptions)

    table["openings"] = table[["expansion", "retirements", "deaths", "emigration"]].sum(axis=1)
    table["seekers"] = table[["graduates", "immigration", "internal_migration", "unemployed"]].sum(axis=1)
    table["shortage"] = table["openings"] - table["seekers"]
    for q in QUANTILES:
        table[f"shortage_p{round(q * 100):02d}"] = table["shortage"] + stats.norm.ppf(q) * spread
    table["tier"] = classify_tiers(table["shortage"], table["demand"], assumptions)
    table = table.sort_values(["region", "sector", "skill"]).reset_index(drop=True)

    selected = model.selected_
    counts = selected["model"].value_counts().sort_index().to_dict()
    employed_origin = tables["employment"].query("year == @origin and region != 'KZ'")["employed"].sum()
    applicants = (tables["applicants"].query("year == @origin and region != 'KZ'")["applicants"].sum()
                  if "applicants" in tables else 0.0)
    return ShortageForecast(table, origin, int(year), float(employed_origin + applicants),
                            {str(k): int(v) for k, v in counts.items()}, model.fallbacks_,
                            assumptions)


def classify_tiers(shortage: pd.Series, demand: pd.Series, assumptions: Assumptions) -> pd.Series:
    """Tier of each cell from its shortage as a share of demand."""
    ratio = shortage / demand.where(demand > 0)
    ratio = ratio.fillna(0.0)
    tier = np.select(
        [ratio >= assumptions.severe_threshold, ratio >= assumptions.shortage_threshold,
         ratio <= -assumptions.surplus_threshold],
        ["severe shortage", "shortage", "surplus"], default="balance")
    return pd.Series(tier, index=shortage.index)


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


def _flows_at(predicted: pd.DataFrame, year: int) -> dict[str, pd.Series]:
    out = {}
    for kind in ("emigration", "immigration", "internal"):
        rows = _split_ids(predicted[predicted["ds"] == year], kind, ["region", "education"])
        if rows.empty:
            continue
        rows["skill"] = rows["education"].map(EDUCATION_TO_SKILL)
        values = rows["yhat"] if kind == "internal" else rows["yhat"].clip(lower=0.0)
        out[kind] = pd.Series(values.to_numpy(), index=pd.MultiIndex.from_frame(rows[["region", "skill"]]))
    return out


def _allocate(flow: pd.Series | None, share: pd.Series, table: pd.DataFrame,
              rate: float) -> pd.Series:
    """Spread a (region, skill) flow over sectors by each cell's share of skill employment."""
    if flow is None:
        return pd.Series(0.0, index=share.index)
    keys = pd.MultiIndex.from_frame(table[["region", "skill"]])
    return share * flow.reindex(keys).fillna(0.0).to_numpy() * rate


def _graduate_supply(predicted, year, table, previous, school_leavers, assumptions) -> pd.Series:
    supply = pd.Series(0.0, index=table.index)
    grads = _split_ids(predicted[predicted["ds"] == year], "graduates", ["region", "level", "sector"])
    if not grads.empty:
        grads["skill"] = grads["level"].map({"higher": "high", "tvet": "medium"})
        by_cell = grads.groupby(["region", "sector", "skill"])["yhat"].sum().clip(lower=0.0)
        keys = pd.MultiIndex.from_frame(table[["region", "sector", "skill"]])
        supply += by_cell.reindex(keys).fillna(0.0).to_numpy() * assumptions.graduate_entry
    low = table["skill"] == "low"
    weights = previous.where(low, 0.0)
    region_total = weights.groupby(table["region"]).transform("sum")
    share = np.where(region_total > 0, weights / region_total, 0.0)
    leavers = table["region"].map(school_leavers).fillna(0.0).to_numpy()
    supply += share * leavers * assumptions.school_leaver_entry
    return supply


def _unemployed(predicted, year, table, previous, assumptions) -> pd.Series:
    rows = _split_ids(predicted[predicted["ds"] == year], "applicants", ["region"])
    if rows.empty:
        return pd.Series(0.0, index=table.index)
    applicants = rows.set_index("region")["yhat"].clip(lower=0.0)
    mix = dict(zip(SKILLS, assumptions.applicant_skill_mix))
    pool = (table["region"].map(applicants).fillna(0.0) * table["skill"].map(mix)
            * assumptions.unemployed_placement)
    return pool * _skill_employment_share(table, previous)
