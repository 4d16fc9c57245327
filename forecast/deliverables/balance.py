"""One computation per quantity: the shortage and demand every document shows.

Every table of the workbook, the report and the terminal that shows a shortage or a demand per
region or sector takes it from here, so one label always means one aggregate:

- **demand** (``demand``): the forecast skilled-and-unskilled demand of the quota year (employment
  plus unfilled vacancies), summed over every region x sector x skill cell of the group;
- **net shortage at the planning quantile** (``net_shortage``): the shortage of each cell at the
  policy's planning quantile (the one the quota is made from), summed over every cell of the
  group, surpluses included; its national total is the headline's "memo: net shortage";
- the ranking's **shortage of the cells short** (``short_cells_shortage``): the positive part of
  each cell's central forecast shortage, summed; a different quantity, with its own label.
"""

from __future__ import annotations

import pandas as pd

from forecast.quota.need import shortage_at

# The ranking's own columns, renamed so that their headings say what they hold.
RANKING_COLUMNS = {"shortage": "short_cells_shortage", "shortage_p90": "short_cells_shortage_p90",
                   "intensity": "short_cells_intensity"}


def planned_shortage(table: pd.DataFrame, quantile: float) -> pd.Series:
    """The shortage of each cell of the forecast ``table`` at the planning ``quantile``."""
    return pd.Series(shortage_at(table, quantile), index=table.index, name="net_shortage")


def balance_by(table: pd.DataFrame, key: str, quantile: float) -> pd.DataFrame:
    """``net_shortage`` and ``demand`` per ``key`` (region or sector), indexed by ``key``."""
    frame = pd.DataFrame({key: table[key], "net_shortage": planned_shortage(table, quantile),
                          "demand": table["demand"].astype(float)})
    return frame.groupby(key)[["net_shortage", "demand"]].sum()


def net_shortage_total(table: pd.DataFrame, quantile: float) -> float:
    """The national net shortage at the planning quantile, over every cell."""
    return float(planned_shortage(table, quantile).sum())


def ranking_view(piece):
    """The ranking tables with the columns renamed after what they hold (:data:`RANKING_COLUMNS`)."""
    if isinstance(piece, pd.DataFrame):
        return piece.rename(columns=RANKING_COLUMNS)
    if isinstance(piece, dict):
        return {key: ranking_view(value) for key, value in piece.items()}
    return piece


def approved_last_year(info: dict) -> dict | None:
    """Last year's approved quota as the run recorded it (``year``, ``total``), or None when the
    data hold no quota for that year."""
    last = (info.get("comparison") or {}).get("last_year") or {}
    if not last.get("available") or last.get("total") is None:
        return None
    return {"year": int(last["year"]), "total": int(last["total"])}
