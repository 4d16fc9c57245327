"""Array layout of a long panel that the vectorized models work on.

Every series is stored right-aligned in one matrix: its last observation sits in the last
column and earlier columns before its first observation hold NaN. Models then run one
recursion over the columns for all series at once.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ._validation import ID_COL, TARGET_COL, TIME_COL, exogenous_columns, level_label, validate_panel
from .years import YEARS, YearCalendar


@dataclass(frozen=True)
class Panel:
    """Right-aligned matrix view of a validated long panel.

    Attributes
    ----------
    ids : numpy.ndarray
        Series identifiers in output order (integers as given, anything else an object array).
    last_ds : numpy.ndarray
        Last observed year of each series (int64).
    lengths : numpy.ndarray
        Number of observations of each series (int64, at least 1).
    values : numpy.ndarray
        ``(n_series, width)`` float64 matrix, right-aligned, NaN before each series starts.
    exog : dict of str to numpy.ndarray
        Exogenous columns in the same layout as ``values``.
    categorical : tuple of str
        Exogenous columns holding integer category codes rather than quantities.
    """

    ids: np.ndarray
    last_ds: np.ndarray
    lengths: np.ndarray
    values: np.ndarray
    exog: dict[str, np.ndarray] = field(default_factory=dict)
    categorical: tuple[str, ...] = ()

    @classmethod
    def from_frame(cls, df: pd.DataFrame, *, validated: bool = False, categorical=()) -> "Panel":
        """Validate ``df`` (unless already done) and lay it out as a right-aligned matrix."""
        frame = df if validated else validate_panel(df)
        codes, uniques = pd.factorize(frame[ID_COL], sort=False)
        # Integer ids stay integers, so forecasts merge and concatenate with the input as they
        # are; any other ids are held as objects.
        ids = np.asarray(uniques)
        if ids.dtype.kind not in "iu":
            ids = np.asarray(uniques, dtype=object)
        years = frame[TIME_COL].to_numpy()
        n = len(ids)
        lengths = np.bincount(codes, minlength=n).astype(np.int64)
        ends = np.cumsum(lengths)
        last_ds = years[ends - 1].astype(np.int64)
        width = int(lengths.max())
        # Position of each row counted back from its series' last year.
        column = width - 1 - (last_ds[codes] - years)

        def lay_out(col: str) -> np.ndarray:
            matrix = np.full((n, width), np.nan)
            matrix[codes, column] = frame[col].to_numpy(dtype=np.float64)
            return matrix

        exog = {col: lay_out(col) for col in exogenous_columns(frame)}
        return cls(ids=ids, last_ds=last_ds, lengths=lengths, values=lay_out(TARGET_COL), exog=exog, categorical=tuple(categorical))

    @property
    def n_series(self) -> int:
        return len(self.ids)

    @property
    def width(self) -> int:
        return self.values.shape[1]

    @property
    def first_column(self) -> np.ndarray:
        """Column index of each series' first observation."""
        return self.width - self.lengths

    def last_values(self) -> np.ndarray:
        return self.values[:, -1]

    def subset(self, rows: np.ndarray) -> "Panel":
        """Panel of the selected rows (boolean mask or indices), trimmed to the longest series."""
        rows = np.asarray(rows)
        if rows.dtype == bool:
            rows = np.flatnonzero(rows)
        lengths = self.lengths[rows]
        width = int(lengths.max()) if len(rows) else 1
        return Panel(
            ids=self.ids[rows],
            last_ds=self.last_ds[rows],
            lengths=lengths,
            values=self.values[rows, -width:],
            exog={k: v[rows, -width:] for k, v in self.exog.items()},
            categorical=self.categorical,
        )

    def truncate(self, cutoff: int) -> tuple["Panel", np.ndarray]:
        """Keep observations with ``ds <= cutoff``; drop series with none left.

        Returns the truncated panel and the row indices (into this panel) it kept. Every
        series shares the same calendar cutoff, so no series sees a year that another
        series is being evaluated on.
        """
        drop = np.clip(self.last_ds - cutoff, 0, None)
        lengths = self.lengths - drop
        keep = np.flatnonzero(lengths > 0)
        drop, lengths = drop[keep], lengths[keep]
        width = int(lengths.max()) if len(keep) else 1
        source = self.width - width + np.arange(width)[None, :] - drop[:, None]

        def shift(matrix: np.ndarray) -> np.ndarray:
            out = np.take_along_axis(matrix[keep], np.clip(source, 0, None), axis=1)
            out[source < self.width - self.lengths[keep][:, None]] = np.nan
            return out

        panel = Panel(
            ids=self.ids[keep],
            last_ds=self.last_ds[keep] - drop,
            lengths=lengths,
            values=shift(self.values),
            exog={k: shift(v) for k, v in self.exog.items()},
            categorical=self.categorical,
        )
        return panel, keep

    def actuals_after(self, rows: np.ndarray, cutoff: int, h: int) -> np.ndarray:
        """Observed values at ``cutoff + 1 .. cutoff + h`` for ``rows``, NaN where unobserved."""
        steps = cutoff + np.arange(1, h + 1)
        column = self.width - 1 - (self.last_ds[rows][:, None] - steps[None, :])
        inside = (column >= self.first_column[rows][:, None]) & (column < self.width)
        out = np.full((len(rows), h), np.nan)
        r, c = np.nonzero(inside)
        out[r, c] = self.values[rows[r], column[r, c]]
        return out

    def to_frame(self) -> pd.DataFrame:
        """Back to a long ``unique_id, ds, y`` frame (with exogenous columns)."""
        observed = self.first_column[:, None] <= np.arange(self.width)[None, :]
        rows, cols = np.nonzero(observed)
        data = {
            ID_COL: self.ids[rows],
            TIME_COL: self.last_ds[rows] - (self.width - 1 - cols),
            TARGET_COL: self.values[rows, cols],
        }
        data.update({k: v[rows, cols] for k, v in self.exog.items()})
        return pd.DataFrame(data)


def forecast_frame(
    ids: np.ndarray,
    last_ds: np.ndarray,
    mean: np.ndarray,
    bounds: dict[float, tuple[np.ndarray, np.ndarray]] | None = None,
    calendar: YearCalendar = YEARS,
) -> pd.DataFrame:
    """Long forecast frame ``unique_id, ds, yhat[, yhat_lo_L, yhat_hi_L]`` ordered by series then year.

    ``ds`` is in the kind of ``calendar``: int64 years by default, or the caller's dates or periods.
    """
    n, h = mean.shape
    data = {
        ID_COL: np.repeat(ids, h),
        TIME_COL: calendar.to_ds((last_ds[:, None] + np.arange(1, h + 1)[None, :]).ravel()),
        "yhat": mean.ravel(),
    }
    for level, (lo, hi) in (bounds or {}).items():
        label = level_label(level)
        data[f"yhat_lo_{label}"] = lo.ravel()
        data[f"yhat_hi_{label}"] = hi.ravel()
    return pd.DataFrame(data)
