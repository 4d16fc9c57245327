"""One run's series panel: the data on one set of boundaries, and every series the balance needs.

:func:`build_series_panel` is called once per dataset; the shortage forecast, its calibration, the
back-tests, the current conditions and the deliverables all receive the :class:`SeriesPanel` it
returns instead of harmonizing and rebuilding the series themselves.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from features.ids import make_unique_id
from forecast.inputs.harmonize import harmonize_tables
from forecast.inputs.loader import Dataset
from forecast.shortage.definitions import AGGREGATE_LEVELS, TOTAL_LABELS


@dataclass(frozen=True)
class SeriesPanel:
    """The tables of one dataset on one set of region boundaries and the series built from them.

    Attributes
    ----------
    tables : dict of DataFrame
        The data tables, harmonized (:func:`forecast.inputs.harmonize.harmonize_tables`).
    series : DataFrame
        Long panel ``unique_id, ds, y``: demand (employment plus vacancies) per region x sector x
        skill (``demand|R|S|K``) and its region, sector and national totals (``total|...``),
        migration flows by region and education, graduates by region, level and field, and
        employment-office applicants by region.
    memo : dict
        Results derived from the panel alone, kept for every step that receives it: the stock
        identity's fits (:func:`forecast.shortage.stock_dynamics.stock_dynamics_of`), and the
        indexed series, age structure and vacancy history every observed balance reads
        (:func:`forecast.shortage.balance.observed_balance`).
    """

    tables: dict[str, pd.DataFrame]
    series: pd.DataFrame
    memo: dict = field(default_factory=dict, init=False, repr=False, compare=False)

    def demand(self) -> pd.DataFrame:
        """The demand series of the cells only."""
        return self.series[self.series["unique_id"].str.startswith("demand|")]


def build_series_panel(data: Dataset | dict[str, pd.DataFrame]) -> SeriesPanel:
    """Harmonize the tables of ``data`` and build every series of the balance, once."""
    tables = harmonize_tables(dict(data.tables if isinstance(data, Dataset) else data))
    return SeriesPanel(tables, series_frame(tables))


def series_frame(tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
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
    """Series ``kind|key1|key2...`` in the long ``unique_id, ds, y`` format."""
    uid = make_unique_id(frame, keys)
    return pd.DataFrame({"unique_id": (kind + "|" + uid).to_numpy(), "ds": frame["year"].astype("int64"),
                         "y": frame["y"].astype(float)})


def demand_scale(panel: pd.DataFrame, origin: int) -> pd.Series:
    """Mean absolute yearly change of each cell's demand up to ``origin``: the unit in which
    back-test errors of the balance are pooled across cells of very different sizes."""
    demand = panel[panel["unique_id"].str.startswith("demand|") & (panel["ds"] <= origin)]
    demand = demand.sort_values(["unique_id", "ds"])
    change = demand.groupby("unique_id")["y"].diff().abs()
    scale = change.groupby(demand["unique_id"]).mean()
    return scale.fillna(0.0).clip(lower=1.0)
