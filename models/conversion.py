"""Convert domain tables (one column per key) to long panels and back."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from ._validation import ID_COL, TARGET_COL, TIME_COL

SEPARATOR = "|"


def to_long(
    df: pd.DataFrame,
    keys: Sequence[str],
    time: str = "year",
    value: str = "value",
    exog: Sequence[str] = (),
) -> pd.DataFrame:
    """Build a long ``unique_id, ds, y`` panel from a table keyed by several columns.

    Parameters
    ----------
    df : pandas.DataFrame
        Table with the key columns, a time column and a value column.
    keys : sequence of str
        Columns whose values, joined with ``|``, form ``unique_id`` (in this order).
    time, value : str
        Names of the year and value columns.
    exog : sequence of str
        Extra columns to carry along as exogenous variables.

    Returns
    -------
    pandas.DataFrame
        ``unique_id, ds, y`` (+ ``exog``) sorted by ``unique_id`` then ``ds``.

    Raises
    ------
    ValueError
        If a column is missing or a key value contains the separator ``|``.
    """
    keys = list(keys)
    if not keys:
        raise ValueError("keys must name at least one column")
    missing = [c for c in [*keys, time, value, *exog] if c not in df.columns]
    if missing:
        raise ValueError(f"missing column {missing[0]!r}; table has {', '.join(map(str, df.columns))}")
    parts = [df[k].astype(str) for k in keys]
    for key, part in zip(keys, parts):
        clash = part.str.contains(SEPARATOR, regex=False)
        if clash.any():
            raise ValueError(
                f"column {key!r} value {part[clash].iloc[0]!r} contains the separator {SEPARATOR!r}"
            )
    uid = parts[0]
    for part in parts[1:]:
        uid = uid + SEPARATOR + part
    out = pd.DataFrame({ID_COL: uid.to_numpy(), TIME_COL: df[time].to_numpy(), TARGET_COL: df[value].to_numpy()})
    for col in exog:
        out[col] = df[col].to_numpy()
    return out.sort_values([ID_COL, TIME_COL], kind="stable", ignore_index=True)


def from_long(
    df: pd.DataFrame,
    keys: Sequence[str],
    time: str = "year",
    value: str | None = None,
) -> pd.DataFrame:
    """Split ``unique_id`` back into key columns and rename ``ds`` (and ``y``).

    Parameters
    ----------
    df : pandas.DataFrame
        Long frame, e.g. a forecast with ``unique_id, ds, yhat, ...``.
    keys : sequence of str
        Names for the parts of ``unique_id``, in the order used by :func:`to_long`.
    time : str
        New name of ``ds``.
    value : str, optional
        New name of ``y`` if present.

    Returns
    -------
    pandas.DataFrame
        Key columns first, then ``time`` and the remaining columns.

    Raises
    ------
    ValueError
        If an identifier does not split into ``len(keys)`` parts.
    """
    keys = list(keys)
    split = df[ID_COL].astype(str).str.split(SEPARATOR, regex=False)
    counts = split.str.len().to_numpy()
    if len(df) and not np.all(counts == len(keys)):
        bad = df[ID_COL].iloc[int(np.flatnonzero(counts != len(keys))[0])]
        raise ValueError(f"unique_id {bad!r} does not split into the {len(keys)} keys {', '.join(keys)}")
    out = pd.DataFrame(split.tolist() if len(df) else [], columns=keys, index=df.index)
    rest = df.drop(columns=[ID_COL]).rename(columns={TIME_COL: time})
    if value is not None and TARGET_COL in rest.columns:
        rest = rest.rename(columns={TARGET_COL: value})
    return pd.concat([out, rest], axis=1).reset_index(drop=True)
