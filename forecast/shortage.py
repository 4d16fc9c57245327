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
from models.reconciliation import reconcile_frame

QUANTILES = (0.05, 0.10, 0.25, 0.50, 0.75, 0.90, 0.95)
TIERS = ("severe shortage", "shortage", "balance", "surplus")
DRIVERS = ("expansion", "retirements", "deaths", "emigration", "graduates", "immigration",
           "internal_migration", "unemployed")
MAX_HORIZON = 5
# Fewest years of data a forecast is made from, in the calibration windows and quota back-tests.
MIN_HISTORY = 8
# Levels of the region x sector hierarchy forecast beside the cells and reconciled with them.
AGGREGATE_LEVELS = ([], ["region"], ["sector"], ["region", "sector"])
TOTAL_LABELS = {"region": "KZ", "sector": "TOTAL", "skill": "TOTAL"}
RECONCILIATION_METHODS = ("mint_shrink", "wls_struct", "ols", "bottom_up")


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
    min_cell_size : float
        Cells with less demand than this at the origin are too small for a reliable forecast of
        their own: their shortage and drivers are their parent's (the sector x skill nationally)
        per worker, times their demand.
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
    min_cell_size: float = 300.0

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
    reconciliation : dict
        How demand was reconciled: ``method``, ``method_used``, ``fallback_reason``.
    """

    table: pd.DataFrame
    origin: int
    year: int
    labour_force: float
    models: dict
    fallbacks: pd.DataFrame
    assumptions: Assumptions = field(default_factory=Assumptions)
    reconciliation: dict = field(default_factory=dict)


def _series_panel(tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Every series the balance needs, as one long panel ``unique_id, ds, y``."""
    employment = tables["employment"]
    cell = ["region", "sector", "skill"]
    demand = employment[employment["region"] != "KZ"].set_index([*cell, "year"])["employed"]
    if "vacancies" in tables:
        vacancies = tables["vacancies"].set_index([*cell, "year"])["vacancies"]
        demand = demand.add(vacancies.reindex(demand.index).fillna(0.0))
    bottom = demand.reset_index(name="y")
    parts = [_ids(bottom, "demand", cell)]
    for level in AGGREGATE_LEVELS:
        summed = bottom.groupby([*level, "year"], as_index=False)["y"].sum()
        for key in cell:
            if key not in level:
                summed[key] = TOTAL_LABELS[key]
        parts.append(_ids(summed, "total", cell))

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


def _demand_scale(panel: pd.DataFrame, origin: int) -> pd.Series:
    """Mean absolute yearly change of each cell's demand up to ``origin``: the unit in which
    back-test errors of the balance are pooled across cells of very different sizes."""
    demand = panel[panel["unique_id"].str.startswith("demand|") & (panel["ds"] <= origin)]
    demand = demand.sort_values(["unique_id", "ds"])
    change = demand.groupby("unique_id")["y"].diff().abs()
    scale = change.groupby(demand["unique_id"]).mean()
    return scale.fillna(0.0).clip(lower=1.0)


def _forecast_balance(panel: pd.DataFrame, tables: dict[str, pd.DataFrame], origin: int,
                      year: int, assumptions: Assumptions, n_jobs: int, random_state: int,
                      reconciliation: str = "bottom_up", backend: str | None = None):
    """Central balance in ``year`` from series observed up to ``origin``; returns it, the model
    and how the demand forecasts were reconciled."""
    horizon = year - origin
    model = AutoForecaster(h=MAX_HORIZON, n_jobs=n_jobs, backend=backend,
                           random_state=random_state)
    model.fit(panel[panel["ds"] <= origin])
    predicted = model.predict(h=horizon + 1)
    years = [year - 1, year] if horizon > 1 else [year, year + 1]
    demand, how = _reconciled_demand(predicted, model, origin, years, reconciliation)
    now = demand[year]
    if horizon > 1:
        previous = demand[year - 1]
    else:
        # A year on from the last observation, growth is read off the forecast path rather
        # than from the last observed level, whose sampling error would pass into it whole.
        previous = now - (demand[year + 1] - now)
    values = predicted.set_index(["unique_id", "ds"])["yhat"]
    flow_ids = ~values.index.get_level_values(0).str.match(r"^(demand|total)\|")
    flows = values[flow_ids].xs(year, level="ds")
    table = _balance(tables, origin, year, now, previous, flows, assumptions)
    return table, model, how


def _reconciled_demand(predicted: pd.DataFrame, model: AutoForecaster, origin: int,
                       years: list[int], method: str) -> tuple[dict[int, pd.Series], dict]:
    """Cell demand in each of ``years``, reconciled with the region, sector and national totals.

    The totals are forecast on their own; reconciliation (MinT with shrinkage by default, on the
    forecasts' back-test errors) makes cells and totals add up and lets each level correct the
    others. Demand stays non-negative.
    """
    keys = ["region", "sector", "skill"]
    rows = predicted[predicted["unique_id"].str.match(r"^(demand|total)\|")]
    parts = rows["unique_id"].str.split("|", expand=True)
    frame = pd.DataFrame({"unique_id": rows["unique_id"].to_numpy(), "ds": rows["ds"].to_numpy(),
                          "region": parts[1].to_numpy(), "sector": parts[2].to_numpy(),
                          "skill": parts[3].to_numpy(), "yhat": rows["yhat"].to_numpy()})
    ids = model.selected_["unique_id"].to_numpy()
    position = pd.Series(np.arange(len(ids)), index=ids)
    out, how = {}, {}
    for year in years:
        base = frame[frame["ds"] == year].reset_index(drop=True)
        residuals = None
        if method == "mint_shrink":
            errors = model.backtest_errors_[position.loc[base["unique_id"]].to_numpy(), :, year - origin - 1]
            residuals = pd.DataFrame({
                "region": np.repeat(base["region"].to_numpy(), errors.shape[1]),
                "sector": np.repeat(base["sector"].to_numpy(), errors.shape[1]),
                "skill": np.repeat(base["skill"].to_numpy(), errors.shape[1]),
                "ds": np.tile(model.backtest_cutoffs_, len(base)),
                "residual": errors.reshape(-1)}).dropna(subset=["residual"])
        coherent = reconcile_frame(base, keys, ["yhat"], method=method, residuals=residuals,
                                   nonnegative=True, totals=TOTAL_LABELS)
        how = coherent.attrs.get("reconciliation", {})
        cells = coherent[coherent["unique_id"].str.startswith("demand|")]
        out[year] = pd.Series(cells["yhat"].to_numpy(), index=cells["unique_id"].to_numpy())
    return out, how


def _observed_balance(panel: pd.DataFrame, tables: dict[str, pd.DataFrame], year: int,
                      assumptions: Assumptions) -> pd.DataFrame:
    """The balance in a past ``year`` computed from what was observed then (ex post)."""
    values = panel.set_index(["unique_id", "ds"])["y"]
    ids = values.index.get_level_values(0)
    demand = values[ids.str.startswith("demand|")]
    now = demand.xs(year, level="ds")
    previous = demand.xs(year - 1, level="ds").reindex(now.index)
    flows = values[~ids.str.match(r"^(demand|total)\|")].xs(year, level="ds")
    return _balance(tables, year - 1, year, now, previous, flows, assumptions)


def _balance(tables: dict[str, pd.DataFrame], origin: int, year: int, demand: pd.Series,
             previous: pd.Series, flows: pd.Series, assumptions: Assumptions) -> pd.DataFrame:
    """Openings, seekers and shortage per cell from demand in ``year`` and the year before, and
    the flows of ``year``; the age structure is taken at ``origin``."""
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
    table["openings"] = table[["expansion", "retirements", "deaths", "emigration"]].sum(axis=1)
    table["seekers"] = table[["graduates", "immigration", "internal_migration", "unemployed"]].sum(axis=1)
    table["shortage"] = table["openings"] - table["seekers"]
    return table


def calibration_origins(first_year: int, origin: int, horizon: int, n_windows: int,
                        min_years: int = MIN_HISTORY) -> list[int]:
    """Past origins whose ``horizon``-year-ahead balance can be checked against what was observed:
    the latest ``n_windows`` of them, each with at least ``min_years`` years of data."""
    latest = origin - horizon
    earliest = first_year + min_years - 1
    return [o for o in range(latest, latest - n_windows, -1) if o >= earliest]


def forecast_shortage(data: Dataset, year: int, *, assumptions: Assumptions | None = None,
                      reconciliation: str = "bottom_up", n_windows: int = 4, n_jobs: int = 1,
                      backend: str | None = None, random_state: int = 0) -> ShortageForecast:
    """Forecast openings, seekers and the shortage in ``year`` for every region x sector x skill.

    The central forecast comes from the component forecasts (see the module docstring). Its
    quantiles are conformal: the same forecast is made from ``n_windows`` earlier origins for the
    same horizon and compared with the balance observed ex post; the errors, in units of each
    cell's typical yearly change of demand, are pooled over cells and their empirical quantiles
    give the forecast's. Because the whole balance is back-tested, the dependence between its
    components (a recession that cuts demand growth and emigration together) is in the errors.

    Parameters
    ----------
    data : Dataset
        From :func:`forecast.load_data` or :func:`forecast.load_sample`; tables are put on the
        2022 boundaries first.
    year : int
        Forecast year, 1 to 5 years after the last data year.
    assumptions : Assumptions, optional
    reconciliation : {"bottom_up", "wls_struct", "ols", "mint_shrink"}
        How cell demand is made coherent with the region, sector and national demand forecasts
        (:mod:`models.reconciliation`). Bottom-up is the default because it was the most
        accurate in the back-test against the sample's truth
        (``benchmarks/results/shortage_reconciliation.json``): structural WLS was as good,
        MinT with shrinkage, estimated from a handful of back-test errors per series, worse.
        MinT falls back to structural WLS, then OLS, when its covariance cannot be estimated;
        ``reconciliation`` in the result says which ran.
    n_windows : int
        Back-test origins for the quantiles (fewer when the data are short).
    n_jobs : int
        joblib workers for the models.
    backend : str, optional
        joblib backend of the models' parallel steps, e.g. ``"loky"`` or ``"threading"``.
    random_state : int
        Seed of the models.

    Returns
    -------
    ShortageForecast
    """
    assumptions = assumptions or Assumptions()
    if reconciliation not in RECONCILIATION_METHODS:
        raise InputError(f"reconciliation {reconciliation!r}: expected one of "
                         f"{', '.join(RECONCILIATION_METHODS)}")
    origin = data.last_year
    horizon = int(year) - origin
    if not 1 <= horizon <= MAX_HORIZON:
        raise InputError(f"--year {year}: expected a year from {origin + 1} to "
                         f"{origin + MAX_HORIZON} (the data end in {origin})")
    tables = harmonize_tables(dict(data.tables))
    panel = _series_panel(tables)
    table, model, reconciled = _forecast_balance(panel, tables, origin, int(year), assumptions,
                                                 n_jobs, random_state, reconciliation, backend)

    scale = _demand_scale(panel, origin)
    errors = []
    for past in calibration_origins(data.first_year, origin, horizon, n_windows):
        past_tables = {name: frame[frame["year"] <= past] for name, frame in tables.items()}
        predicted, _, _ = _forecast_balance(panel, past_tables, past, past + horizon, assumptions,
                                            n_jobs, random_state, reconciliation, backend)
        observed = _observed_balance(panel, tables, past + horizon, assumptions)
        error = observed["shortage"].to_numpy() - predicted["shortage"].to_numpy()
        ids = "demand|" + predicted["region"] + "|" + predicted["sector"] + "|" + predicted["skill"]
        errors.append(error / scale.reindex(ids).fillna(1.0).to_numpy())
    ids = "demand|" + table["region"] + "|" + table["sector"] + "|" + table["skill"]
    cell_scale = scale.reindex(ids).fillna(1.0).to_numpy()
    if errors:
        pooled = np.concatenate(errors)
        pooled = pooled[np.isfinite(pooled)]
        offsets = np.quantile(pooled, QUANTILES)
    else:  # too little history to back-test: a wide normal band of four typical changes
        offsets = stats.norm.ppf(QUANTILES) * 4.0
    for q, offset in zip(QUANTILES, offsets):
        table[f"shortage_p{round(q * 100):02d}"] = table["shortage"] + cell_scale * offset
    table = borrow_for_small_cells(table, assumptions.min_cell_size)
    table["tier"] = classify_tiers(table["shortage"], table["demand"], assumptions)
    table = table.sort_values(["region", "sector", "skill"]).reset_index(drop=True)

    counts = model.selected_["model"].value_counts().sort_index().to_dict()
    at_origin = tables["employment"]
    employed = at_origin.loc[(at_origin["year"] == origin) & (at_origin["region"] != "KZ"), "employed"].sum()
    applicants = 0.0
    if "applicants" in tables:
        frame = tables["applicants"]
        applicants = frame.loc[(frame["year"] == origin) & (frame["region"] != "KZ"), "applicants"].sum()
    return ShortageForecast(table, origin, int(year), float(employed + applicants),
                            {str(k): int(v) for k, v in counts.items()}, model.fallbacks_,
                            assumptions, dict(reconciled))


def borrow_for_small_cells(table: pd.DataFrame, min_cell_size: float) -> pd.DataFrame:
    """Flag cells below ``min_cell_size`` and give them their parent's rates.

    Following Cedefop's practice, a cell of a few dozen workers is not forecast on its own: its
    balance per worker is taken from the same sector and skill in the whole country, which
    pools enough workers for a stable estimate. Quantile offsets keep their width.
    """
    table = table.copy()
    small = (table["demand"] < min_cell_size).to_numpy()
    table["small_cell"] = small
    if not small.any():
        return table
    columns = [*DRIVERS, "openings", "seekers", "shortage"]
    parent = table.groupby(["sector", "skill"])[[*columns, "demand"]].transform("sum")
    per_worker = parent[columns].div(parent["demand"].where(parent["demand"] > 0), axis=0).fillna(0.0)
    borrowed = per_worker.mul(table["demand"], axis=0)
    quantiles = [c for c in table.columns if c.startswith("shortage_p")]
    offsets = table[quantiles].sub(table["shortage"], axis=0)
    table.loc[small, columns] = borrowed.loc[small, columns].to_numpy()
    table.loc[small, quantiles] = offsets.loc[small].add(table.loc[small, "shortage"], axis=0).to_numpy()
    return table


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
