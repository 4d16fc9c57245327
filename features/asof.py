"""Cutting input tables at a forecast origin, so nothing after it can leak into features."""

from __future__ import annotations

from collections.abc import Mapping
from numbers import Integral, Real

import pandas as pd

__all__ = ["tables_as_of"]


def tables_as_of(tables: Mapping[str, pd.DataFrame], origin: int | None,
                 year_column: str = "year") -> dict[str, pd.DataFrame]:
    """Keep only the rows with ``year <= origin`` in every table that has a year column.

    Parameters
    ----------
    tables : mapping of str to DataFrame
        Contract tables by name (``employment``, ``population``, ...).
    origin : int or None
        Forecast origin year; ``None`` returns the tables unchanged (copied into a new dict).
    year_column : str
        Name of the year column in the input tables.

    Returns
    -------
    dict of str to DataFrame
        The same tables, truncated; tables without a year column are passed through.

    Raises
    ------
    ValueError
        If ``origin`` is not a whole year.
    """
    if origin is None:
        return dict(tables)
    whole = isinstance(origin, Integral) or (isinstance(origin, Real) and float(origin).is_integer())
    if isinstance(origin, bool) or not whole:
        raise ValueError(f"origin must be a whole year (an integer) or None; got {origin!r}")
    origin = int(origin)
    return {
        name: frame.loc[frame[year_column] <= origin] if year_column in frame.columns else frame
        for name, frame in tables.items()
    }
