"""Join a caller's feature frame onto a panel, turning text columns into category codes."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ._validation import ID_COL, TIME_COL, integer_years, plain_value, validate_panel


def attach_features(df: pd.DataFrame, features: pd.DataFrame | None) -> tuple[pd.DataFrame, list[str]]:
    """Validate ``df``, left-join ``features`` on ``unique_id, ds`` and encode categories.

    Parameters
    ----------
    df : pandas.DataFrame
        Long panel ``unique_id, ds, y`` (+ numeric exogenous columns).
    features : pandas.DataFrame, optional
        ``unique_id, ds`` and feature columns, e.g. the output of the project's feature
        builders. Non-numeric columns (region, sector, ...) become integer category codes.
        Values at year ``t`` must be known at the end of year ``t``.

    Returns
    -------
    frame : pandas.DataFrame
        Validated panel with the features as float columns.
    categorical : list of str
        Columns holding category codes.
    """
    if features is None:
        return validate_panel(df), []
    if not isinstance(features, pd.DataFrame):
        raise TypeError(f"features must be a pandas DataFrame; got {type(features).__name__}")
    for col in (ID_COL, TIME_COL):
        if col not in features.columns:
            raise ValueError(f"features: missing column {col!r}; features are aligned on unique_id, ds")
    clash = [c for c in features.columns if c in df.columns and c not in (ID_COL, TIME_COL)]
    if clash:
        raise ValueError(f"features: column {clash[0]!r} is already in the panel")
    extra = features.copy()
    extra[TIME_COL] = integer_years(extra, prefix="features: ")
    duplicated = extra.duplicated([ID_COL, TIME_COL])
    if duplicated.any():
        row = extra.loc[duplicated].iloc[0]
        raise ValueError(f"features: duplicate (unique_id, ds) = ({row[ID_COL]!r}, {plain_value(row[TIME_COL])})")
    categorical = []
    for col in extra.columns:
        if col in (ID_COL, TIME_COL):
            continue
        column = extra[col]
        if not (pd.api.types.is_numeric_dtype(column) or pd.api.types.is_bool_dtype(column)):
            codes, _ = pd.factorize(column.astype(str).where(column.notna()), sort=True)
            extra[col] = np.where(codes < 0, np.nan, codes.astype(float))
            categorical.append(col)
    base = validate_panel(df)
    merged = base.merge(extra, on=[ID_COL, TIME_COL], how="left", sort=False)
    return validate_panel(merged), categorical
