"""Recent conditions as the starting point: the stock of unfilled demand carried into the forecast year.

Flows (growth, retirements, emigration against graduates and migrants) say what changes in a
year; they do not say how many posts were already unfilled when the year began. As Canada's
COPS does, the balance starts from current conditions: vacancies above a frictional rate are
demand that domestic hiring has not met, and the part of it that domestic hiring does not close
before the forecast year is carried into that year's openings.

Both rates are estimated from the data, up to the origin only:

- the **frictional rate** of a cell is a low quantile
  (:attr:`~forecast.shortage.definitions.Assumptions.frictional_quantile`) of its own vacancy
  rates (vacancies / (employment + vacancies)) over the years: the vacancies its market has even
  when it is in balance, while people change jobs. A cell's own history is the reference
  because rates differ between regions and sectors for structural reasons that are not unmet
  demand;
- the **closure share** is how much of a cell's excess vacancies is gone a year later, from the
  regression through the origin of next year's excess on this year's across cells and years.

Without a vacancies table there is no stock to carry: the balance is the flows alone, and the run
says so in its warnings.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

KEYS = ["region", "sector", "skill"]


def cell_history(tables: dict[str, pd.DataFrame], origin: int) -> pd.DataFrame | None:
    """Every cell's employment, vacancies, demand (their sum) and vacancy rate in each year up
    to ``origin``, in the employment table's order; None without a vacancies table."""
    if "vacancies" not in tables:
        return None
    employment = tables["employment"]
    employment = employment[(employment["region"] != "KZ") & (employment["year"] <= origin)]
    vacancies = tables["vacancies"]
    vacancies = vacancies[(vacancies["region"] != "KZ") & (vacancies["year"] <= origin)]
    frame = employment.merge(vacancies, on=[*KEYS, "year"], how="left")
    frame["vacancies"] = frame["vacancies"].fillna(0.0)
    frame["demand"] = frame["employed"] + frame["vacancies"]
    frame["rate"] = frame["vacancies"] / frame["demand"].where(frame["demand"] > 0)
    return frame


def vacancy_history(tables: dict[str, pd.DataFrame], origin: int) -> pd.DataFrame | None:
    """Every cell's vacancies and demand (employment plus vacancies) in each year up to
    ``origin``: ``region, sector, skill, year, demand, vacancies``, sorted by cell and year;
    None without a vacancies table."""
    frame = cell_history(tables, origin)
    if frame is None or frame.empty:
        return None
    frame = frame.sort_values([*KEYS, "year"]).reset_index(drop=True)
    return frame[[*KEYS, "year", "demand", "vacancies"]]


def unfilled_rates(tables: dict[str, pd.DataFrame], origin: int,
                   quantile: float, frame: pd.DataFrame | None = None) -> tuple[pd.Series, float] | None:
    """The frictional vacancy rate per cell, and the closure share, from the data up to
    ``origin``; None without a vacancies table. ``frame`` is the cells' history when the
    caller has it already."""
    frame = cell_history(tables, origin) if frame is None else frame
    if frame is None or frame.empty:
        return None
    frame = frame.sort_values([*KEYS, "year"])
    cells = frame.groupby(KEYS, sort=True)
    frictional = cells["rate"].quantile(quantile).fillna(0.0)
    # Rows are sorted by cell, and the groups come in the same order: each row's limit is its
    # group's quantile, without looking the keys up again.
    limit = frictional.to_numpy(dtype=float)[cells.ngroup().to_numpy()]
    frame = frame.assign(excess=np.clip(frame["vacancies"].to_numpy(dtype=float)
                                        - limit * frame["demand"].to_numpy(dtype=float), 0.0, None))
    cells = frame.groupby(KEYS, sort=True)
    following = cells["excess"].shift(-1)
    consecutive = cells["year"].shift(-1) == frame["year"] + 1
    now, later = frame.loc[consecutive, "excess"], following[consecutive]
    denominator = float((now * now).sum())
    kept = float((now * later).sum()) / denominator if denominator > 0 else 0.0
    return frictional, float(np.clip(1.0 - kept, 0.0, 1.0))


def unfilled_stock(tables: dict[str, pd.DataFrame], origin: int, year: int,
                   cells: pd.DataFrame, quantile: float,
                   keep_share: float | None = None, *,
                   history: pd.DataFrame | None = None) -> np.ndarray:
    """Excess vacancies of each of ``cells`` (region, sector, skill) at ``origin``, less what
    domestic hiring closes by ``year``: the unfilled demand carried into ``year`` (persons).

    ``keep_share``, the share of the stock left a year later, is one less the closure share of
    :func:`unfilled_rates` unless given. It is given where the vacancies follow the stock identity
    of :mod:`forecast.shortage.stock_dynamics`, which estimates it on the vacancies themselves:
    there the vacancies are the stock, and all of them are carried, not their excess over a
    frictional rate (a lower quantile of a growing stock's rates is the stock at its lowest, not
    friction).

    ``history`` is :func:`cell_history` at any later year, when the caller has it already: its
    years up to ``origin`` are the same rows."""
    frame = cell_history(tables, origin) if history is None else history[history["year"] <= origin]
    if frame is None or frame.empty:
        return np.zeros(len(cells))
    at_origin = frame[frame["year"] == origin].set_index(KEYS)
    index = pd.MultiIndex.from_frame(cells[KEYS])
    vacancies = at_origin["vacancies"].reindex(index).fillna(0.0).to_numpy(dtype=float)
    steps = max(int(year) - int(origin), 1)
    if keep_share is not None:
        return vacancies * float(keep_share) ** steps
    frictional, closure = unfilled_rates(tables, origin, quantile, frame)
    demand = at_origin["demand"].reindex(index).fillna(0.0).to_numpy(dtype=float)
    limit = np.nan_to_num(frictional.reindex(index).to_numpy(dtype=float))
    excess = np.clip(vacancies - limit * demand, 0.0, None)
    return excess * (1.0 - closure) ** steps
