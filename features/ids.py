"""Series identifiers: ``unique_id`` strings built from, and split back into, key columns.

Models see one series per region x sector x skill, named ``"{region}|{sector}|{skill}"``.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from features.panel import key_codes

__all__ = ["SERIES_KEYS", "ID_SEPARATOR", "make_unique_id", "split_unique_id"]

SERIES_KEYS: tuple[str, ...] = ("region", "sector", "skill")
ID_SEPARATOR = "|"


def make_unique_id(frame: pd.DataFrame, keys: Sequence[str] = SERIES_KEYS) -> pd.Series:
    """Join the ``keys`` columns of each row with ``|`` into a series identifier.

    The strings are built once per distinct key combination, then broadcast to the rows, so the
    cost grows with the number of series rather than the number of rows.

    Raises
    ------
    ValueError
        If a key value contains the separator, which would make the identifier ambiguous.
    """
    codes, combinations = key_codes(frame, keys)
    text = [combinations[key].astype(str) for key in keys]
    for key, values in zip(keys, text):
        if values.str.contains(ID_SEPARATOR, regex=False).any():
            bad = values[values.str.contains(ID_SEPARATOR, regex=False)].iloc[0]
            raise ValueError(f"column '{key}' value {bad!r} contains the id separator '|'")
    joined = text[0]
    for values in text[1:]:
        joined = joined + ID_SEPARATOR + values
    return pd.Series(joined.astype("str").array.take(codes), index=frame.index, name="unique_id")


def split_unique_id(unique_id: pd.Series | Sequence[str],
                    keys: Sequence[str] = SERIES_KEYS) -> pd.DataFrame:
    """Split ``"{region}|{sector}|{skill}"`` identifiers back into key columns.

    Raises
    ------
    ValueError
        If an identifier does not have exactly ``len(keys)`` parts.
    """
    ids = pd.Series(unique_id, dtype="str")
    index = ids.index
    codes, distinct = pd.factorize(ids)
    parts = pd.Series(distinct, dtype="str").str.split(ID_SEPARATOR, regex=False)
    lengths = parts.str.len()
    if (lengths != len(keys)).any():
        bad = distinct[int(np.flatnonzero((lengths != len(keys)).to_numpy())[0])]
        raise ValueError(
            f"unique_id {bad!r} does not split into {len(keys)} parts {list(keys)} on '|'"
        )
    columns = {
        key: pd.Series(parts.str[position].astype("str").array.take(codes), index=index)
        for position, key in enumerate(keys)
    }
    return pd.DataFrame(columns, index=index)
