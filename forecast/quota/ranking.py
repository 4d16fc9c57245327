"""Where the annual ranking of in-demand sectors and regions is built, with its evidence.

The policy papers ask for a "competency ranking" of high-demand professions refreshed
automatically every year to drive industry-specific quotas. Sectors and regions are ranked by
shortage intensity: the positive central shortage of their cells as a share of their demand
(ties by the shortage in persons), with the evidence a planner needs beside each rank.
"""

from __future__ import annotations

import pandas as pd

from forecast.quota.explain import cell_driver_types
from forecast.inputs.regions import region_name
from forecast.inputs.sectors import sector_name
from forecast.shortage import ShortageForecast


def rank_demand(forecast: ShortageForecast, quota: pd.DataFrame | None = None) -> dict[str, pd.DataFrame]:
    """The ranking of sectors and of regions by shortage intensity.

    Returns
    -------
    dict
        ``{"sectors": DataFrame, "regions": DataFrame}``, each with ``rank``, the code and name,
        ``demand``, ``shortage`` (positive central shortage of its cells), ``intensity``
        (shortage / demand), ``shortage_p90``, ``severe_cells``, ``main_driver_type`` and, when
        ``quota`` is given, the recommended ``quota``.
    """
    table = forecast.table.assign(
        positive=forecast.table["shortage"].clip(lower=0.0),
        positive_p90=forecast.table["shortage_p90"].clip(lower=0.0),
        severe=(forecast.table["tier"] == "severe shortage").astype(int),
        driver_type=cell_driver_types(forecast.table))
    out = {}
    for level, namer in (("sector", sector_name), ("region", region_name)):
        grouped = table.groupby(level)
        frame = grouped.agg(demand=("demand", "sum"), shortage=("positive", "sum"),
                            shortage_p90=("positive_p90", "sum"), severe_cells=("severe", "sum"))
        frame["intensity"] = (frame["shortage"] / frame["demand"].where(frame["demand"] > 0)).fillna(0.0)
        # The driver type carrying most of the positive shortage in the group.
        by_type = table[table["positive"] > 0].groupby([level, "driver_type"])["positive"].sum()
        main = by_type.sort_values(ascending=False, kind="stable").reset_index()
        main = main.drop_duplicates(level).set_index(level)["driver_type"]
        frame["main_driver_type"] = main.reindex(frame.index).fillna("no gap")
        if quota is not None:
            frame["quota"] = quota.groupby(level)["quota"].sum().reindex(frame.index).fillna(0).astype(int)
        frame = frame.reset_index()
        frame.insert(1, f"{level}_name", frame[level].map({c: namer(c) for c in frame[level]}))
        frame = frame.sort_values(["intensity", "shortage", level], ascending=[False, False, True],
                                  kind="stable").reset_index(drop=True)
        frame.insert(0, "rank", range(1, len(frame) + 1))
        out[f"{level}s"] = frame.round({"demand": 0, "shortage": 1, "shortage_p90": 1, "intensity": 5})
    return out
