"""What the planner deliverables say: the figures behind the workbook and the report, in one place.

:func:`planner_content` gathers, once per run, every table and series the workbook
(:mod:`forecast.deliverables.workbook`) and the report (:mod:`forecast.deliverables.report`) show, with names in the
chosen language, so the two documents always agree with each other and with ``quota.csv``.

What is observed and what is forecast is kept apart: skilled demand (employment plus unfilled
vacancies) and vacancies are observed up to the last data year; the shortage itself is never
observed, only forecast for the quota year. Pieces a run may or may not carry (ranking, scenarios,
status-quo comparison, quota back-test, indicators) are looked up on the run result and left as
``None`` when absent, so the documents can say plainly that they were not computed.
"""

from __future__ import annotations

from types import SimpleNamespace

from dataclasses import dataclass, field
from typing import Any, Callable

import numpy as np
import pandas as pd

from forecast.quota.explain import line_reasons
from forecast.deliverables.i18n import Labels
from forecast.deliverables.balance import balance_by, net_shortage_total, ranking_view
from forecast.deliverables.backtest_text import run_notes
from forecast.deliverables.comparison import comparison_view
from forecast.deliverables.mechanism_text import mechanism_view
from forecast.inputs.regions import region_table
from forecast.shortage import DRIVERS, QUANTILES, SeriesPanel, build_series_panel
from forecast.shortage.backtest import DemandBacktest, demand_backtest

SKILLED = ("high", "medium")
# Origins the ``backtest`` command re-makes by default (its --windows); the report's demand
# back-test uses the run's own number, and says so.
COMMAND_WINDOWS = 5
OPENING_DRIVERS = ("expansion", "retirements", "deaths", "emigration", "unfilled")
SEEKER_DRIVERS = ("graduates", "immigration", "internal_migration", "unemployed")
FAN_LEVELS = (50, 80, 95)
# Optional results of a run, by the names under which a run may carry them (as an attribute of
# the result or a key of its run information), first match wins.
OPTIONAL_PIECES = {
    "ranking": ("ranking",),
    "scenarios": ("scenarios",),
    "status_quo": ("status_quo", "status_quo_comparison", "comparison"),
    "quota_backtest": ("quota_backtest", "backtest"),
    "indicators": ("indicators",),
}
Progress = Callable[[str], None]


@dataclass(frozen=True)
class PlannerContent:
    """Every figure of the workbook and the report for one run.

    Attributes
    ----------
    labels : Labels
        Texts and number formats of the chosen language.
    info : dict
        The run information written to ``run.json``.
    detail : DataFrame
        ``quota.csv`` with region, sector, category and tier names in the chosen language.
    by_region, by_sector : DataFrame
        Quota, range, foreign need, the net shortage at the planning quantile and the demand
        of the quota year over all cells (:mod:`forecast.deliverables.balance`) per region or sector,
        sorted by code; ``by_region`` carries the tile-map position and, when the run has a
        status-quo comparison, the ``status_quo`` quota.
    shortage : DataFrame
        The shortage forecast (one row per region x sector x skill, with drivers and quantiles).
    history : DataFrame
        Observed national skilled demand and vacancies by year.
    demand_fan : DataFrame or None
        National skilled demand forecast from the last data year to the quota year, with
        ``lo_<L>``/``hi_<L>`` bands for :data:`FAN_LEVELS`.
    shortage_quantiles : dict
        National skilled shortage in the quota year at each quantile (``p05`` .. ``p95``).
    drivers : Series
        National skilled totals of each driver, openings positive and seekers negative.
    demand_backtest : DataFrame or None
        Rolling-origin accuracy of the demand forecasts by horizon (:func:`models.evaluate`).
    demand_backtest_origins : tuple of int
        The origins of that back-test (empty when it was not made).
    demand_backtest_horizon : int
        Its longest horizon in years (0 when it was not made).
    pieces : dict
        Optional results of the run (:data:`OPTIONAL_PIECES`), ``None`` where absent.
    mechanisms : dict
        The headline chain, the fee scenario and the texts on uptake and the ceiling
        (:func:`~forecast.deliverables.mechanism_text.mechanism_view`); empty when the run has none.
    notes : dict
        The national net shortage at the planning quantile, the scenario and the plain-words
        back-test summary (:func:`forecast.deliverables.backtest_text.run_notes`).
    """

    labels: Labels
    info: dict
    detail: pd.DataFrame
    by_region: pd.DataFrame
    by_sector: pd.DataFrame
    shortage: pd.DataFrame
    history: pd.DataFrame
    demand_fan: pd.DataFrame | None
    shortage_quantiles: dict
    drivers: pd.Series
    demand_backtest: pd.DataFrame | None
    pieces: dict[str, Any] = field(default_factory=dict)
    mechanisms: dict[str, Any] = field(default_factory=dict)
    notes: dict[str, Any] = field(default_factory=dict)
    demand_backtest_origins: tuple[int, ...] = ()
    demand_backtest_horizon: int = 0

    @property
    def year(self) -> int:
        return int(self.info["year"])

    @property
    def origin(self) -> int:
        return int(self.info["origin"])

    @property
    def synthetic(self) -> bool:
        return bool(self.info["data"]["synthetic_sample"])


def planner_content(data, run, lang: str = "en", *, panel: SeriesPanel | None = None,
                    progress: Progress | None = None, backtest_windows: int = 4) -> PlannerContent:
    """Gather the figures of the deliverables of one run.

    Parameters
    ----------
    data : Dataset
        The data the run used (for the observed history and the back-test).
    run : QuotaRun
        The run result: ``forecast``, ``quota`` and ``run_info``, and any optional pieces.
    lang : {"en", "ru", "kk"}
    panel : SeriesPanel, optional
        The run's series panel (:func:`forecast.shortage.build_series_panel` of ``data``); built
        here when not given.
    progress : callable, optional
        Called with the name of each step when it is done.
    backtest_windows : int
        Origins of the demand back-test (0 skips it).

    Returns
    -------
    PlannerContent
    """
    labels = Labels(lang)
    step = progress or (lambda name: None)
    forecast, quota, info = run.forecast, run.quota, run.run_info
    table = forecast.table
    skilled = table[table["skill"].isin(SKILLED)]
    pieces = {name: _localise_piece(_piece(run, names), labels)
              for name, names in OPTIONAL_PIECES.items()}
    pieces["ranking"] = ranking_view(pieces["ranking"])
    pieces["scenarios"] = comparison_view(pieces["scenarios"], labels)
    planning = float(info["policy"].get("planning_quantile", 0.5))

    detail = _localise(quota, labels)
    if labels.lang != "en" and "reason" in detail:
        rules = SimpleNamespace(domestic_share=info["policy"]["domestic_share"],
                                history_years=info["policy"].get("history_years", 3))
        detail["reason"] = line_reasons(quota, rules, labels).to_numpy()
        if "driver_type" in detail:
            detail["driver_type"] = detail["driver_type"].map(lambda kind: labels(f"driver_type.{kind}"))
        if "binding_constraint" in detail:
            detail["binding_constraint"] = detail["binding_constraint"].map(
                lambda name: labels(f"constraint.{name}") if labels.has(f"constraint.{name}") else name)
        if "need_source" in detail:
            detail["need_source"] = detail["need_source"].map(
                lambda name: labels(f"need_source.{name}") if labels.has(f"need_source.{name}") else name)
        if "skills" in detail:
            detail["skills"] = detail["skills"].map(
                lambda names: "/".join(labels.skill(part) for part in str(names).split("/")))
    by_region = _aggregate(quota, table, "region", labels, planning)
    tiles = region_table().set_index("code")[["tile_row", "tile_col"]]
    by_region = by_region.join(tiles, on="region")
    by_sector = _aggregate(quota, table, "sector", labels, planning)
    status_quo = _status_quo(quota, pieces["status_quo"], "region")
    if status_quo is not None:
        by_region["status_quo"] = by_region["region"].map(status_quo)
    status_quo = _status_quo(quota, pieces["status_quo"], "sector")
    if status_quo is not None:
        by_sector["status_quo"] = by_sector["sector"].map(status_quo)
    shortage = _localise(table, labels)

    history = _history(data)
    step("history")
    demand_fan = _demand_fan(history, forecast.origin, forecast.year)
    step("forecast fan")
    quantiles = {f"p{round(q * 100):02d}": float(skilled[f"shortage_p{round(q * 100):02d}"].sum())
                 for q in QUANTILES}
    quantiles["central"] = float(skilled["shortage"].sum())
    # What the quota is planned on: the drivers add up to the central forecast, not to this.
    quantiles["planned"] = net_shortage_total(skilled, planning)
    totals = skilled[list(DRIVERS)].sum()
    drivers = pd.concat([totals[list(OPENING_DRIVERS)], -totals[list(SEEKER_DRIVERS)]])
    panel = panel if panel is not None else build_series_panel(data)
    demand_accuracy = _demand_backtest(panel, forecast.year - forecast.origin, backtest_windows)
    step("back-test")
    return PlannerContent(labels, info, detail, by_region, by_sector, shortage, history,
                          demand_fan, quantiles, drivers,
                          None if demand_accuracy is None else demand_accuracy.metrics, pieces,
                          mechanism_view(info, labels),
                          run_notes(info, pieces, labels, net_shortage_total(table, planning)),
                          () if demand_accuracy is None else tuple(demand_accuracy.origins),
                          0 if demand_accuracy is None else int(demand_accuracy.h))


def _piece(run, names: tuple[str, ...]):
    for name in names:
        value = getattr(run, name, None)
        if value is None and isinstance(getattr(run, "run_info", None), dict):
            value = run.run_info.get(name)
        empty = (isinstance(value, pd.DataFrame) and value.empty) or (
            isinstance(value, (dict, list, tuple)) and not value)
        if value is not None and not empty:
            return value
    return None


def _name(lookup, code) -> str:
    """A classification name, or the code itself where a table holds something else (a total)."""
    try:
        return lookup(code)
    except (KeyError, ValueError):
        return code


def _localise_piece(piece, labels: Labels):
    """Tables of an optional result (alone or in a mapping) with names in the chosen language."""
    if isinstance(piece, pd.DataFrame):
        return _localise(piece, labels)
    if isinstance(piece, dict):
        return {key: _localise_piece(value, labels) for key, value in piece.items()}
    return piece


def _localise(frame: pd.DataFrame, labels: Labels) -> pd.DataFrame:
    """Names of regions, sectors, categories, skills and tiers in the chosen language."""
    out = frame.copy()
    if "region" in out:
        names = out["region"].map(lambda code: _name(labels.region, code))
        out = out.drop(columns=["region_name"], errors="ignore")
        out.insert(out.columns.get_loc("region") + 1, "region_name", names)
    if "sector" in out:
        names = out["sector"].map(lambda code: _name(labels.sector, code))
        out = out.drop(columns=["sector_name"], errors="ignore")
        out.insert(out.columns.get_loc("sector") + 1, "sector_name", names)
    if "category" in out:
        names = out["category"].map(labels.category)
        out = out.drop(columns=["category_name"], errors="ignore")
        out.insert(out.columns.get_loc("category") + 1, "category_name", names)
    if "skill" in out:
        out["skill"] = out["skill"].map(labels.skill)
    for column, prefix in (("rule", "rule"), ("indicator", "indicator"), ("unit", "unit")):
        if column in out:
            out[column] = out[column].map(
                lambda value, p=prefix: labels(f"{p}.{value}") if labels.has(f"{p}.{value}") else value)
    if "tier" in out:
        out["tier"] = out["tier"].map(labels.tier)
    return out


def _aggregate(quota: pd.DataFrame, table: pd.DataFrame, key: str, labels: Labels,
               planning: float) -> pd.DataFrame:
    columns = [c for c in ("quota", "quota_low", "quota_high", "need", "expected_uptake",
                           "expected_unused", "reallocated") if c in quota]
    sums = quota.groupby(key, as_index=False)[columns].sum()
    out = sums.join(balance_by(table, key, planning), on=key)
    out["intensity"] = (out["net_shortage"] / out["demand"].where(out["demand"] > 0)).fillna(0.0)
    name = labels.region if key == "region" else labels.sector
    out.insert(1, f"{key}_name", out[key].map(name))
    for column in ("need", "expected_uptake", "expected_unused"):
        if column in out:
            out[column] = out[column].round(1)
    return out.sort_values(key).reset_index(drop=True)


def _status_quo(quota: pd.DataFrame, piece, key: str) -> pd.Series | None:
    """The status-quo quota per region or sector: from the quota lines when they carry it, else
    from a status-quo table of the run."""
    for frame in (quota, piece):
        if not isinstance(frame, pd.DataFrame) or key not in frame:
            continue
        columns = [c for c in frame.columns
                   if c.startswith("status_quo") and pd.api.types.is_numeric_dtype(frame[c])]
        if columns:
            return frame.groupby(key)[columns[0]].sum()
    return None


def _history(data) -> pd.DataFrame:
    """Observed national skilled demand (employment plus vacancies) and vacancies by year."""
    employment = data["employment"]
    employment = employment[(employment["region"] != "KZ") & employment["skill"].isin(SKILLED)]
    employed = employment.groupby("year")["employed"].sum()
    out = pd.DataFrame({"year": employed.index.astype("int64"), "employed": employed.to_numpy()})
    if "vacancies" in data:
        vacancies = data["vacancies"]
        vacancies = vacancies[(vacancies["region"] != "KZ") & vacancies["skill"].isin(SKILLED)]
        out["vacancies"] = out["year"].map(vacancies.groupby("year")["vacancies"].sum())
    else:
        out["vacancies"] = np.nan
    out["demand"] = out["employed"] + out["vacancies"].fillna(0.0)
    return out


def _demand_fan(history: pd.DataFrame, origin: int, year: int) -> pd.DataFrame | None:
    """National skilled demand forecast with nested bands, from the origin to the quota year."""
    from models import AutoForecaster

    observed = history[history["year"] <= origin]
    if len(observed) < 4:
        return None
    panel = pd.DataFrame({"unique_id": "skilled demand", "ds": observed["year"].astype("int64"),
                          "y": observed["demand"].astype(float)})
    horizon = year - origin
    predicted = AutoForecaster(h=horizon).fit(panel).predict(h=horizon, level=list(FAN_LEVELS))
    out = pd.DataFrame({"year": predicted["ds"].astype("int64"), "central": predicted["yhat"]})
    for level in FAN_LEVELS:
        out[f"lo_{level}"] = predicted[f"yhat_lo_{level}"].to_numpy()
        out[f"hi_{level}"] = predicted[f"yhat_hi_{level}"].to_numpy()
    # The fan starts at the last observation so the forecast visibly continues the history.
    start = {"year": origin, "central": float(observed["demand"].iloc[-1])}
    start.update({f"{side}_{level}": start["central"] for level in FAN_LEVELS for side in ("lo", "hi")})
    return pd.concat([pd.DataFrame([start]), out], ignore_index=True)


def _demand_backtest(panel: SeriesPanel, horizon: int, windows: int) -> DemandBacktest | None:
    """The demand forecasts re-made from past origins and scored, by horizon."""
    if windows < 1:
        return None
    try:
        return demand_backtest(panel, max(1, min(horizon, 3)), windows)
    except ValueError:  # too short a history for any origin: the section says so
        return None


def backtest_origins_text(content: PlannerContent) -> str:
    """Which origins and horizons the report's demand back-test used, and why the ``backtest``
    command (:data:`COMMAND_WINDOWS` origins by default) gives other figures; empty when the
    back-test was not made."""
    origins = content.demand_backtest_origins
    if not origins or content.demand_backtest is None:
        return ""
    return content.labels("caption.backtest_origins", first=origins[0], last=origins[-1],
                          count=len(origins), horizon=content.demand_backtest_horizon,
                          default=COMMAND_WINDOWS)
