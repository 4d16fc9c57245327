"""Row flags of a data directory: which values were interpolated, and how uncertain the estimate is.

``labor-forecast real-data`` writes a ``status`` column on every table (``estimated``,
``interpolated``, ``backcast``, ``extrapolated``, ``published``, joined by ``;``) and an
``estimation_cv`` column on ``employment`` (the relative spread of each estimated cell over
plausible IPF priors, :mod:`forecast.inputs.real.uncertainty`). The loader keeps both as a
:class:`RowFlags` per table: on :attr:`forecast.inputs.loader.Dataset.flags` and in the table's
``DataFrame.attrs["flags"]``, so the flags travel with the table through cuts (``as_of``) and
harmonization into every :class:`~forecast.shortage.panel.SeriesPanel`.

Interpolated values are not observations: no back-test scores a forecast against them
(:func:`unscored_cells`). A user's own table without these columns has no flags, and nothing
changes for it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping

import pandas as pd

from forecast.inputs.regions import boundary_changes
from forecast.inputs.schema import FLAG_COLUMNS

__all__ = ["FLAG_COLUMNS", "INTERPOLATED", "RowFlags", "flags_of", "unscored_cells",
           "unscored_ids", "estimation_cv", "selection_unscored"]

INTERPOLATED = "interpolated"
CELL = ["region", "sector", "skill"]


@dataclass(frozen=True, eq=False)
class RowFlags:
    """The flag columns of one table.

    Attributes
    ----------
    keys : tuple of str
        The table's key columns (region and sector as codes).
    frame : DataFrame
        The key columns and whichever of ``status`` (text) and ``estimation_cv`` (float) the
        file had, one row per row of the table as loaded.
    """

    keys: tuple[str, ...]
    frame: pd.DataFrame

    def __deepcopy__(self, memo) -> "RowFlags":
        # Immutable by convention: pandas deep-copies ``attrs`` on every operation, and the
        # flags of a 24,000-row table must not be copied each time.
        return self

    def interpolated(self) -> pd.DataFrame:
        """Key columns of the rows whose status includes ``interpolated``."""
        if "status" not in self.frame.columns:
            return self.frame.loc[[], list(self.keys)]
        status = self.frame["status"].astype("string").fillna("")
        hit = status.str.contains(rf"(?:^|;)\s*{INTERPOLATED}\s*(?:;|$)", regex=True)
        return self.frame.loc[hit.to_numpy(dtype=bool), list(self.keys)].reset_index(drop=True)


def flags_of(frame: pd.DataFrame | None) -> RowFlags | None:
    """The flags a loaded table carries, or ``None``."""
    if frame is None:
        return None
    flags = frame.attrs.get("flags")
    return flags if isinstance(flags, RowFlags) else None


def unscored_cells(tables: Mapping[str, pd.DataFrame]) -> pd.DataFrame:
    """``region, sector, skill, year`` of the employment cells that were interpolated.

    A flagged parent region of a 2018 or 2022 boundary change flags its children too (the
    harmonized history of a child is split from its parent's). Empty without flags.
    """
    flags = flags_of(tables.get("employment"))
    if flags is None:
        return pd.DataFrame(columns=[*CELL, "year"])
    rows = flags.interpolated()
    if rows.empty:
        return rows.reindex(columns=[*CELL, "year"])
    rows = rows[[*CELL, "year"]]
    children = boundary_changes()
    extra = [rows[rows["region"] == parent].assign(region=child)
             for parent, child in zip(children["parent"], children["child"])]
    out = pd.concat([rows, *extra], ignore_index=True).drop_duplicates()
    return out.astype({"year": "int64"}).reset_index(drop=True)


def unscored_ids(tables: Mapping[str, pd.DataFrame]) -> pd.MultiIndex:
    """``(unique_id, ds)`` of the cell demand series (``demand|R|S|K``) at interpolated years."""
    cells = unscored_cells(tables)
    ids = "demand|" + cells["region"].astype(str) + "|" + cells["sector"].astype(str) + "|" \
        + cells["skill"].astype(str)
    return pd.MultiIndex.from_arrays([ids.to_numpy(dtype=object),
                                      cells["year"].to_numpy(dtype="int64")],
                                     names=["unique_id", "ds"])


def estimation_cv(tables: Mapping[str, pd.DataFrame], year: int) -> pd.Series | None:
    """Estimation cv of every employment cell in ``year``, indexed ``demand|R|S|K``; ``None``
    when the employment table has no ``estimation_cv`` column."""
    flags = flags_of(tables.get("employment"))
    if flags is None or "estimation_cv" not in flags.frame.columns:
        return None
    rows = flags.frame[(flags.frame["year"] == year) & (flags.frame["region"] != "KZ")]
    ids = ("demand|" + rows["region"].astype(str) + "|" + rows["sector"].astype(str) + "|"
           + rows["skill"].astype(str))
    return pd.Series(rows["estimation_cv"].to_numpy(dtype=float), index=ids.to_numpy())


def selection_unscored(series: pd.DataFrame, tables: dict[str, pd.DataFrame]) -> set | None:
    """``(unique_id, ds)`` the models' selection back-test must not score: interpolated cell
    demand, and the demand totals in those years (sums of it); ``None`` when nothing is."""
    cells = unscored_ids(tables)
    if not len(cells):
        return None
    years = set(cells.get_level_values(1))
    totals = [uid for uid in series["unique_id"].unique() if uid.startswith("total|")]
    return set(cells) | {(uid, year) for uid in totals for year in years}
