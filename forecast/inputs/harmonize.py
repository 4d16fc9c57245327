"""Put regional panels on one set of boundaries across the 2018 and 2022 changes.

Statistical tables are published on the boundaries of their year: South Kazakhstan (now
Turkestan, ``KZ-61``) includes Shymkent before 2018; East Kazakhstan, Almaty and Karaganda regions
include Abai, Zhetysu and Ulytau before 2022. Models need one territory per series, so:

- ``boundaries="2022"`` (the default, the current 20 units) splits a parent's history into the
  parent and the child by the child's share of the two in the first year both are published, for
  the same keys (sector, skill, ...), falling back to the child's share of the whole table in that
  year. Counts are split into whole numbers and the parent keeps the rest, so every total is
  preserved exactly. Averages (wages) are copied to both.
- ``boundaries="2017"`` (the set before 2018) adds children into their parents from the year they
  split off; averages are weighted by the counts given.

A child with rows before its split year is taken as already back-cast by the publisher; its parent
is then assumed to be on the new boundaries too, and nothing is moved.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from forecast.inputs import regions

BOUNDARY_SETS = ("2022", "2017")


def _events(boundaries: str) -> pd.DataFrame:
    if boundaries not in BOUNDARY_SETS:
        raise ValueError(f"unknown boundary set {boundaries!r}; expected one of {', '.join(BOUNDARY_SETS)}")
    return regions.boundary_changes()


def harmonize(frame: pd.DataFrame, value: str, boundaries: str = "2022", kind: str = "count",
              weights: pd.Series | None = None) -> pd.DataFrame:
    """Return ``frame`` with every year on the chosen set of boundaries.

    Parameters
    ----------
    frame : DataFrame
        A long table with ``region`` (codes) and ``year`` columns, other key columns, and
        ``value``.
    value : str
        The value column.
    boundaries : {"2022", "2017"}
        The target boundary set.
    kind : {"count", "mean"}
        Counts are split and summed; means are copied when splitting and weighted when summing.
    weights : Series, optional
        For ``kind="mean"`` with ``boundaries="2017"``: weights aligned with ``frame``'s index
        (e.g. employment behind an average wage).

    Raises
    ------
    ValueError
        If a child has rows for only some of the years before its split, so that it cannot be
        told whether its parent includes it.
    """
    if kind not in ("count", "mean"):
        raise ValueError(f"unknown kind {kind!r}; expected 'count' or 'mean'")
    events = _events(boundaries)
    keys = [c for c in frame.columns if c not in ("region", "year", value)]
    out = frame.copy()
    for event in events.itertuples():
        if boundaries == "2022":
            out = _split(out, value, keys, int(event.year), event.parent, event.child, kind)
        else:
            if kind == "mean" and weights is None:
                raise ValueError("averages need weights to be merged into the 2017 boundaries")
            out, weights = _merge(out, value, keys, event.parent, event.child, kind, weights)
    return out.sort_values(["region", *keys, "year"] if keys else ["region", "year"],
                           kind="stable").reset_index(drop=True)


def _split(frame: pd.DataFrame, value: str, keys: list[str], year: int, parent: str, child: str,
           kind: str) -> pd.DataFrame:
    is_child = frame["region"] == child
    early_parent = (frame["region"] == parent) & (frame["year"] < year)
    if not early_parent.any():
        return frame
    child_years = set(frame.loc[is_child, "year"])
    parent_early_years = set(frame.loc[early_parent, "year"])
    backcast = child_years & parent_early_years
    if backcast == parent_early_years:
        return frame
    if backcast:
        raise ValueError(
            f"region {child} ({regions.region_name(child)}) has rows for only some years before "
            f"{year} ({min(backcast)}-{max(backcast)}); give it for every earlier year its parent "
            f"{parent} has, or for none, so the parent's boundaries are known")
    if not child_years:
        return frame  # the table has no rows for the child at all: nothing to split into

    early = frame[early_parent]
    if kind == "mean":
        child_rows = early.assign(region=child)
        return pd.concat([frame, child_rows], ignore_index=True)

    share = _child_share(frame, value, keys, year, parent, child)
    parent_values = early[value].to_numpy(dtype=float)
    share_rows = (early[keys].merge(share, on=keys, how="left")["share"].to_numpy()
                  if keys else np.full(len(early), share["share"].iloc[0]))
    fallback = _table_share(frame, value, year, parent, child)
    share_rows = np.where(np.isnan(share_rows), fallback, share_rows)
    child_values = parent_values * share_rows
    integral = np.all(np.equal(np.mod(frame[value].to_numpy(dtype=float), 1), 0))
    if integral:
        child_values = np.round(child_values)
    out = frame.copy()
    out.loc[early_parent, value] = parent_values - child_values
    child_rows = early.assign(region=child)
    child_rows[value] = child_values
    return pd.concat([out, child_rows], ignore_index=True)


def _first_common_year(frame: pd.DataFrame, year: int, parent: str, child: str) -> int | None:
    years_p = set(frame.loc[frame["region"] == parent, "year"])
    years_c = set(frame.loc[frame["region"] == child, "year"])
    common = sorted(y for y in years_p & years_c if y >= year)
    return common[0] if common else None


def _child_share(frame: pd.DataFrame, value: str, keys: list[str], year: int, parent: str,
                 child: str) -> pd.DataFrame:
    first = _first_common_year(frame, year, parent, child)
    at = frame[frame["year"] == first] if first is not None else frame.iloc[0:0]
    p = at[at["region"] == parent].set_index(keys)[value] if keys else at.loc[at["region"] == parent, value].sum()
    c = at[at["region"] == child].set_index(keys)[value] if keys else at.loc[at["region"] == child, value].sum()
    if not keys:
        total = p + c
        return pd.DataFrame({"share": [c / total if total > 0 else np.nan]})
    both = pd.concat({"p": p, "c": c}, axis=1)
    total = both["p"] + both["c"]
    share = (both["c"] / total.where(total > 0)).rename("share")
    return share.reset_index()


def _table_share(frame: pd.DataFrame, value: str, year: int, parent: str, child: str) -> float:
    first = _first_common_year(frame, year, parent, child)
    if first is None:
        raise ValueError(f"cannot split {parent} before {year}: {child} is never published "
                         f"together with it")
    at = frame[frame["year"] == first]
    p = at.loc[at["region"] == parent, value].sum()
    c = at.loc[at["region"] == child, value].sum()
    return float(c / (p + c)) if p + c > 0 else 0.0


def _merge(frame: pd.DataFrame, value: str, keys: list[str], parent: str, child: str,
           kind: str, weights: pd.Series | None):
    """Add the child into its parent in every year (before its split it has no rows)."""
    frame = frame.copy()
    frame.loc[frame["region"] == child, "region"] = parent
    group = ["region", *keys, "year"]
    if kind == "count":
        return frame.groupby(group, sort=False, as_index=False)[value].sum(), None
    weights = weights.loc[frame.index].to_numpy()
    frame = frame.assign(_w=weights, _v=frame[value] * weights)
    merged = frame.groupby(group, sort=False, as_index=False)[["_v", "_w"]].sum()
    merged[value] = merged["_v"] / merged["_w"]
    return merged.drop(columns=["_v", "_w"]), merged["_w"]


# Which tables hold counts and which hold averages.
TABLE_KINDS = {"employment": "count", "population": "count", "migration": "count",
               "vacancies": "count", "graduates": "count", "permits": "count",
               "applicants": "count", "wages": "mean"}


def harmonize_tables(tables: dict[str, pd.DataFrame], boundaries: str = "2022",
                     values: dict[str, str] | None = None) -> dict[str, pd.DataFrame]:
    """Harmonize every regional table of a dataset; national rows (``KZ``) pass through.

    ``values`` maps table name to its value column (from :data:`forecast.inputs.schema.TABLES` by
    default). Wages merged into 2017 boundaries are weighted by employment of all skills.
    """
    from forecast.inputs.schema import TABLES

    values = values or {name: spec.value for name, spec in TABLES.items()}
    out = {}
    for name, frame in tables.items():
        kind = TABLE_KINDS.get(name)
        if kind is None:
            out[name] = frame
            continue
        national = frame[frame["region"] == regions.NATIONAL]
        regional = frame[frame["region"] != regions.NATIONAL]
        weights = None
        if kind == "mean" and boundaries == "2017":
            heads = tables["employment"].groupby(["region", "sector", "year"])["employed"].sum()
            weights = pd.Series(regional.set_index(["region", "sector", "year"]).index.map(heads),
                                index=regional.index).fillna(0).astype(float) + 1e-9
        harmonized = harmonize(regional, values[name], boundaries, kind, weights)
        out[name] = pd.concat([harmonized, national], ignore_index=True) if len(national) else harmonized
    return out


def onto_regions(frame: pd.DataFrame, present: set[str] | list[str], values: list[str]) -> pd.DataFrame:
    """Sum count columns of regions missing from ``present`` into the units that held them.

    A forecast made from data that end before a boundary change is on the older boundaries: it
    has no row for a unit that did not exist yet, and its parent still covers that territory.
    To score it, later figures on the newer boundaries (a known truth, say) are put back onto
    the forecast's units with this function.

    Parameters
    ----------
    frame : DataFrame
        Rows with a ``region`` column, other key columns and the count columns ``values``.
    present : collection of str
        The region codes of the target boundaries.
    values : list of str
        Count columns to sum; every other column except ``region`` is a key.

    Raises
    ------
    ValueError
        If a region is neither present nor the child of a boundary change whose parent (or its
        own parent) is present.
    """
    present = set(present)
    changes = regions.boundary_changes()
    parent_of = dict(zip(changes["child"], changes["parent"]))
    mapping = {}
    for code in frame["region"].unique():
        unit = code
        while unit not in present and unit in parent_of:
            unit = parent_of[unit]
        if unit not in present:
            raise ValueError(f"region {code} ({regions.region_name(code)}) has no unit among "
                             f"{', '.join(sorted(present))} that contains it")
        mapping[code] = unit
    if all(code == unit for code, unit in mapping.items()):
        return frame
    keys = [c for c in frame.columns if c not in values]
    moved = frame.assign(region=frame["region"].map(mapping))
    return moved.groupby(keys, sort=False, as_index=False)[values].sum()
