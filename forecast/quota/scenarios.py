"""Where named scenarios live: changes to the data or assumptions, run side by side.

A :class:`Scenario` transforms the data before forecasting (through :meth:`Dataset.replace`), may
change the forecast's :class:`~forecast.shortage.Assumptions`, and may adjust a flow of the
finished forecast (recomputing openings, the shortage, its quantiles and the tiers). Changes to the
recent history of a series carry into its forecast, which is how a shock in the last data years
reaches the forecast year; a change of the future itself (a slowdown) is a forecast adjustment.

:data:`SCENARIOS` holds the named ones: ``baseline``, ``emigration_shock``, ``growth_slowdown``,
``pension_age_change`` and ``skilled_inflow_2022``.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Callable

import numpy as np
import pandas as pd

from forecast.inputs.errors import InputError, option
from forecast.inputs.loader import Dataset
from forecast.shortage.definitions import DEFAULT_DEMAND_MODEL
from models import ForecastMemo
from forecast.shortage import (DRIVERS, Assumptions, SeriesPanel, ShortageForecast,
                               classify_tiers, forecast_shortage)

RECENT_YEARS = 3


@dataclass(frozen=True)
class Scenario:
    """A named change to the inputs of the forecast.

    Attributes
    ----------
    name, description : str
    transform : callable, optional
        ``Dataset -> Dataset``, applied before forecasting.
    assumptions : dict
        Changes to :class:`Assumptions` fields.
    flows : dict
        Driver name -> factor applied to the positive part of that driver in the forecast.
    """

    name: str
    description: str
    transform: Callable[[Dataset], Dataset] | None = None
    assumptions: dict = field(default_factory=dict)
    flows: dict = field(default_factory=dict)

    def apply(self, data: Dataset, assumptions: Assumptions | None = None) -> tuple[Dataset, Assumptions]:
        """The scenario's data and assumptions."""
        assumptions = assumptions or Assumptions()
        data = self.transform(data) if self.transform else data
        return data, replace(assumptions, **self.assumptions)

    def forecast(self, data: Dataset, year: int, *, assumptions: Assumptions | None = None,
                 n_jobs: int = 1, backend: str | None = None, random_state: int = 0,
                 panel: SeriesPanel | None = None,
                 demand_model: str = DEFAULT_DEMAND_MODEL,
                 memo: ForecastMemo | None = None) -> ShortageForecast:
        """The shortage forecast under this scenario.

        ``panel`` is the series panel of ``data`` as given; it is used only by a scenario that
        leaves the data unchanged (a transformed dataset gets a panel of its own). ``memo`` is
        passed to :func:`~forecast.shortage.forecast_shortage`.
        """
        if self.transform is not None:
            panel = None
        data, assumptions = self.apply(data, assumptions)
        result = forecast_shortage(data, year, assumptions=assumptions, n_jobs=n_jobs,
                                   backend=backend, random_state=random_state, panel=panel,
                                   demand_model=demand_model, memo=memo)
        return adjust_flows(result, self.flows) if self.flows else result


def adjust_flows(forecast: ShortageForecast, factors: dict) -> ShortageForecast:
    """The forecast with the positive part of some drivers scaled, and the balance recomputed.

    The quantiles move with the central shortage (the uncertainty is that of the baseline).
    """
    unknown = set(factors) - set(DRIVERS)
    if unknown:
        raise InputError(f"scenario flows {sorted(unknown)}: expected drivers {', '.join(DRIVERS)}")
    table = forecast.table.copy()
    for name, factor in factors.items():
        table[name] = np.where(table[name] > 0, table[name] * factor, table[name])
    openings = table[["expansion", "retirements", "deaths", "emigration"]].sum(axis=1)
    seekers = table[["graduates", "immigration", "internal_migration", "unemployed"]].sum(axis=1)
    shift = (openings - seekers) - table["shortage"]
    table["openings"], table["seekers"], table["shortage"] = openings, seekers, openings - seekers
    for column in [c for c in table.columns if c.startswith("shortage_p")]:
        table[column] = table[column] + shift
    table["tier"] = classify_tiers(table["shortage"], table["demand"], forecast.assumptions)
    return replace(forecast, table=table)


def _recent(frame: pd.DataFrame, years: int = RECENT_YEARS) -> pd.Series:
    return frame["year"] > frame["year"].max() - years


def _scale_migration(flow: str, factor: float, education: tuple[str, ...]) -> Callable[[Dataset], Dataset]:
    def transform(data: Dataset) -> Dataset:
        migration = data["migration"]
        hit = _recent(migration) & (migration["flow"] == flow) & migration["education"].isin(education)
        return data.replace(migration=migration.assign(
            persons=np.where(hit, migration["persons"] * factor, migration["persons"])))
    return transform


SCENARIOS: dict[str, Scenario] = {s.name: s for s in (
    Scenario("baseline", "the data and assumptions as they are"),
    Scenario("emigration_shock",
             f"emigration of people with higher and vocational education 50% higher over the last "
             f"{RECENT_YEARS} data years (as in 2019-2020, when 74.3 thousand left)",
             _scale_migration("emigration", 1.5, ("higher", "tvet"))),
    Scenario("growth_slowdown", "employment growth in the forecast year halved (expansion "
             "demand of growing cells x 0.5)", flows={"expansion": 0.5}),
    Scenario("pension_age_change",
             "pension age raised: half as many workers reaching today's pension age leave work",
             assumptions={"retirement_exit": 0.4}),
    Scenario("skilled_inflow_2022",
             "a 2022-style inflow: immigration of people with higher and vocational education "
             f"tripled over the last {RECENT_YEARS} data years",
             _scale_migration("immigration", 3.0, ("higher", "tvet"))),
)}


def get_scenario(name: str, argument: str = "scenario") -> Scenario:
    """The named scenario; :class:`InputError` listing the names otherwise, naming
    ``argument`` (the keyword argument, or its command-line option, the name was given in)."""
    try:
        return SCENARIOS[name]
    except KeyError:
        raise InputError(f"{option(argument, name)}: unknown scenario; expected one of "
                         f"{', '.join(SCENARIOS)}") from None


def compare_scenarios(results: dict[str, pd.DataFrame], baseline: str = "baseline") -> pd.DataFrame:
    """Totals of each scenario's proposal and their difference from the baseline.

    Parameters
    ----------
    results : dict
        Scenario name -> quota proposal (:func:`forecast.quota.recommend_quota`).
    """
    rows = []
    for name, quota in results.items():
        rows.append({"scenario": name, "quota": int(quota["quota"].sum()),
                     "quota_low": int(quota["quota_low"].sum()),
                     "quota_high": int(quota["quota_high"].sum()),
                     "foreign_need": round(float(quota["need"].sum()), 1),
                     "shortage_lines": int((quota["shortage"] > 0).sum()),
                     "ceiling_binding": bool((quota["binding_constraint"] == "national ceiling").any())})
    frame = pd.DataFrame(rows)
    if baseline in results:
        base = frame.set_index("scenario").loc[baseline]
        frame["quota_change"] = frame["quota"] - int(base["quota"])
        frame["need_change"] = (frame["foreign_need"] - float(base["foreign_need"])).round(1)
    return frame

