"""Grouped hierarchies: the summing matrix of region x sector (x skill) and their totals.

:func:`summing_matrix` builds ``S`` (``n_total x n_bottom``) from the bottom series and the
aggregation levels, and names every series; the reconciliation methods
(:mod:`models.reconciliation`) and :func:`models.reconcile.reconcile_frame` work on it.

Series identifiers
------------------
:func:`summing_matrix` names every row of ``S`` by its key values joined with ``"|"``, in the
order of the key columns, with a total label where a key is aggregated out: ``"TOTAL"`` unless the caller names another
per column (``totals={"region": "KZ"}``). With keys ``region, sector, skill`` and that mapping:
``"KZ|TOTAL|TOTAL"`` is the national total, ``"ALM|TOTAL|TOTAL"`` the region ALM,
``"KZ|C|TOTAL"`` the sector C nationally, ``"ALM|C|high"`` a bottom series.
Rows come level by level in the order given (aggregates sorted by their keys), then the bottom
series in the order of the input table, so the last ``n_bottom`` rows of ``S`` are the
identity.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd
from scipy import sparse

TOTAL_LABEL = "TOTAL"
SEPARATOR = "|"
TOTAL_LEVEL = "total"


def total_labels(keys: Sequence[str], totals: Mapping[str, str] | None) -> dict[str, str]:
    labels = {key: TOTAL_LABEL for key in keys}
    if totals is not None:
        unknown = [key for key in totals if key not in labels]
        if unknown:
            raise ValueError(f"totals names column {unknown[0]!r}, which is not a key column ({', '.join(keys)})")
        labels.update({key: str(label) for key, label in totals.items()})
    return labels


def normalise_levels(levels: Sequence[Sequence[str]], keys: list[str]) -> list[tuple[str, ...]]:
    """Each level as a tuple in key-column order, without repeats, the bottom level last."""
    if isinstance(levels, str) or not isinstance(levels, Sequence):
        raise TypeError("levels must be a list of lists of key columns, e.g. [[], ['region'], ['sector']]")
    out: list[tuple[str, ...]] = []
    for level in levels:
        if isinstance(level, str) or not isinstance(level, Sequence):
            raise TypeError(f"each level must be a list of key columns; got {level!r}")
        unknown = [col for col in level if col not in keys]
        if unknown:
            raise ValueError(f"level {list(level)!r} names {unknown[0]!r}, which is not a key column ({', '.join(keys)})")
        if len(set(level)) != len(level):
            raise ValueError(f"level {list(level)!r} repeats a column")
        ordered = tuple(col for col in keys if col in level)
        if ordered not in out and len(ordered) < len(keys):
            out.append(ordered)
    out.append(tuple(keys))
    return out


def series_ids(frame: pd.DataFrame, keys: list[str]) -> pd.Series:
    """Key values joined by the separator, vectorised (a row-wise join is slow at 10^4 rows)."""
    text = [frame[key].astype(str) for key in keys]
    return text[0].str.cat(text[1:], sep=SEPARATOR) if len(text) > 1 else text[0]


def level_name(level: tuple[str, ...]) -> str:
    return "/".join(level) if level else TOTAL_LEVEL


def summing_matrix(
    bottom: pd.DataFrame,
    levels: Sequence[Sequence[str]],
    *,
    keys: Sequence[str] | None = None,
    totals: Mapping[str, str] | None = None,
    sparse_output: bool = False,
) -> tuple[np.ndarray | sparse.csr_array, pd.DataFrame]:
    """Summing matrix of a grouped hierarchy and the identifier of every series.

    Parameters
    ----------
    bottom : pandas.DataFrame
        One row per bottom series, with its key values (e.g. columns ``region, sector,
        skill``). Other columns are ignored when ``keys`` is given.
    levels : list of list of str
        Aggregation levels to include, each a list of key columns kept (the others are summed
        out): ``[]`` is the total, ``["region"]`` one series per region, ``["region",
        "sector"]`` one per region x sector. The bottom level (all keys) is always included,
        last, whether listed or not; repeats are dropped.
    keys : list of str, optional
        Key columns; default every column of ``bottom``.
    totals : mapping of str to str, optional
        Label of an aggregated-out key, by column, e.g. ``{"region": "KZ"}``; ``"TOTAL"``
        for every column not named.
    sparse_output : bool, default False
        Return ``S`` as a ``scipy.sparse.csr_array`` (memory linear in the number of bottom
        series times the number of levels) instead of a dense array.

    Returns
    -------
    S : numpy.ndarray or scipy.sparse.csr_array
        ``n_total x n_bottom`` float64 matrix of 0s and 1s; ``S[i, j] = 1`` when bottom series
        ``j`` sums into series ``i``. Its last ``n_bottom`` rows are the identity.
    tags : pandas.DataFrame
        One row per row of ``S``: the key columns (as strings, total labels where summed out),
        ``level`` (``"total"`` or the kept columns joined by ``"/"``) and ``unique_id`` (key
        values joined by ``"|"``).

    Raises
    ------
    TypeError
        If ``bottom`` is not a DataFrame or ``levels`` is not a list of lists.
    ValueError
        On an empty table, a missing or unknown key column, a missing key value, a duplicate
        bottom series, a key value equal to that column's total label or containing ``"|"``.

    Examples
    --------
    >>> bottom = pd.DataFrame({"region": ["ALM", "ALM", "AST"], "sector": ["C", "F", "C"]})
    >>> S, tags = summing_matrix(bottom, [[], ["region"]])
    >>> tags["unique_id"].tolist()
    ['TOTAL|TOTAL', 'ALM|TOTAL', 'AST|TOTAL', 'ALM|C', 'ALM|F', 'AST|C']
    >>> summing_matrix(bottom, [[]], totals={"region": "KZ"})[1]["unique_id"].tolist()[0]
    'KZ|TOTAL'
    >>> S.astype(int).tolist()[:3]
    [[1, 1, 1], [1, 1, 0], [0, 0, 1]]
    """
    if not isinstance(bottom, pd.DataFrame):
        raise TypeError(f"bottom must be a pandas DataFrame of key columns; got {type(bottom).__name__}")
    keys = list(bottom.columns) if keys is None else list(keys)
    if not keys:
        raise ValueError("at least one key column is needed")
    missing = [key for key in keys if key not in bottom.columns]
    if missing:
        raise ValueError(f"missing key column {missing[0]!r} (found {', '.join(map(str, bottom.columns)) or 'none'})")
    if len(bottom) == 0:
        raise ValueError("the table of bottom series is empty")
    labels = total_labels(keys, totals)
    values: dict[str, np.ndarray] = {}
    for key in keys:
        column = bottom[key]
        if column.isna().any():
            raise ValueError(f"column {key!r} has a missing value at row {int(np.flatnonzero(column.isna().to_numpy())[0])}")
        text = column.astype(str).to_numpy(dtype=object)
        clash = text == labels[key]
        if clash.any():
            raise ValueError(f"column {key!r} holds {labels[key]!r}, its total label, at row {int(np.flatnonzero(clash)[0])}; "
                             "a bottom series must not look like an aggregate")
        has_sep = np.array([SEPARATOR in value for value in text], dtype=bool)
        if has_sep.any():
            raise ValueError(f"column {key!r} value {text[has_sep][0]!r} contains {SEPARATOR!r}, the identifier separator")
        values[key] = text
    n_bottom = len(bottom)
    codes = {}
    uniques = {}
    for key in keys:
        codes[key], uniques[key] = pd.factorize(values[key], sort=True)
    dims = tuple(len(uniques[key]) for key in keys)
    combined = np.ravel_multi_index(tuple(codes[key] for key in keys), dims)
    if len(np.unique(combined)) != n_bottom:
        first = pd.Series(combined).duplicated().to_numpy().argmax()
        raise ValueError(f"duplicate bottom series {SEPARATOR.join(values[k][first] for k in keys)!r} at row {first}")

    row_blocks, col_blocks, tag_blocks = [], [], []
    offset = 0
    for level in normalise_levels(levels, keys):
        if len(level) == len(keys):
            group = np.arange(n_bottom)
            tag = {key: values[key] for key in keys}
        else:
            # Groups sorted by the sorted codes of their kept keys, so aggregate rows come in a
            # stable order whatever the order of the bottom table.
            kept = [key for key in keys if key in level]
            sub = np.ravel_multi_index(tuple(codes[key] for key in kept), tuple(len(uniques[key]) for key in kept)) if kept else np.zeros(n_bottom, dtype=np.int64)
            present, group = np.unique(sub, return_inverse=True)
            positions = np.unravel_index(present, tuple(len(uniques[key]) for key in kept)) if kept else ()
            tag = {key: np.full(len(present), labels[key], dtype=object) for key in keys}
            for key, pos in zip(kept, positions):
                tag[key] = np.asarray(uniques[key], dtype=object)[pos]
        n_rows = int(group.max()) + 1
        row_blocks.append(offset + group)
        col_blocks.append(np.arange(n_bottom))
        frame = pd.DataFrame(tag)
        frame["level"] = level_name(level)
        tag_blocks.append(frame)
        offset += n_rows
    rows = np.concatenate(row_blocks)
    cols = np.concatenate(col_blocks)
    S = sparse.csr_array((np.ones(len(rows)), (rows, cols)), shape=(offset, n_bottom))
    tags = pd.concat(tag_blocks, ignore_index=True)
    for key in keys:
        tags[key] = tags[key].astype(str)
    tags["unique_id"] = series_ids(tags, keys)
    return (S if sparse_output else S.toarray()), tags
