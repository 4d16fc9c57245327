"""Where each flow of a year lands among the cells of a balance, worked out once per set of ids.

A run computes some thirty balances (the forecast at each calibration origin, the balance
observed in each year, the years of the stock identity) over the same cells and the same flow
series. Each balance groups the flows by (region, skill) or by cell and spreads them over the
cells; :class:`CellLayout` turns the series ids into integer group codes once, so that each
balance is array arithmetic on the year's values.

Missing values count as none in the sums, as in pandas' ``groupby(...).sum()``. The sums are
plain ones in row order (pandas compensates its sums): a group holds at most a few dozen
counts of people, where the two differ in the last digit or two of sixteen.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
import pandas as pd

from forecast.inputs.schema import EDUCATION_TO_SKILL, SKILLS

MIGRATION_KINDS = ("emigration", "immigration", "internal")
GRADUATE_SKILL = {"higher": "high", "tvet": "medium"}


class Grouping:
    """Rows in groups ``0..n_groups - 1``; a negative code leaves a row out.

    Parameters
    ----------
    codes : numpy.ndarray
        The group of each row.
    n_groups : int
    """

    def __init__(self, codes: np.ndarray, n_groups: int):
        codes = np.asarray(codes, dtype=np.intp)
        self.rows = np.flatnonzero(codes >= 0)
        self.codes, self.n_groups = codes[self.rows], int(n_groups)

    def sum(self, values: np.ndarray) -> np.ndarray:
        """The sum of ``values`` (one per row) in each group, in row order; a missing value
        counts as none."""
        values = values[self.rows]
        return np.bincount(self.codes, weights=np.where(np.isnan(values), 0.0, values),
                           minlength=self.n_groups)


class FlowGroups:
    """One kind of flow series grouped by a key, and the group of each cell with the same key.

    Parameters
    ----------
    rows : numpy.ndarray
        Positions of this kind's series among the year's flows.
    grouping : Grouping
        The group of each of those series.
    cell_groups : numpy.ndarray
        The group of each cell; -1 where no series of this kind has the cell's key.
    """

    def __init__(self, rows: np.ndarray, grouping: Grouping, cell_groups: np.ndarray):
        self.rows, self.grouping, self.cell_groups = rows, grouping, cell_groups

    def per_cell(self, flows: np.ndarray, *, clip: bool) -> np.ndarray:
        """Each cell's sum of this kind's ``flows`` with its key (0 without one); ``clip``
        counts negative flows as 0."""
        values = flows[self.rows]
        if clip:
            values = np.clip(values, 0.0, None)
        sums = np.append(self.grouping.sum(values), 0.0)  # code -1 reads the appended 0
        return sums[self.cell_groups]


class CellLayout:
    """The cells of a balance (``demand|region|sector|skill`` ids) and the flows of its year.

    Attributes
    ----------
    n_cells : int
    region, sector, skill : numpy.ndarray
        Each cell's keys; ``low`` marks the low-skill cells, ``skill_code`` is each cell's
        position in :data:`~forecast.inputs.schema.SKILLS` (-1 for another skill).
    regions : pandas.Index
        The cells' distinct regions; ``region_code`` is each cell's position in it.
    region_groups : Grouping
        The cells grouped by region.
    region_skill_groups : Grouping
        The cells grouped by region and skill; ``region_skill_code`` is each cell's group.
    migration : dict of FlowGroups
        Emigration, immigration and net internal migration by (region, skill), for each kind in
        the flows.
    graduates : FlowGroups or None
        Graduates by (region, sector, skill).
    applicants : numpy.ndarray or None
        Positions of the applicants' series among the flows, and ``applicant_regions`` their
        regions.
    """

    def __init__(self, cell_ids: tuple[str, ...], flow_ids: tuple[str, ...]):
        self.region, self.sector, self.skill = id_parts(cell_ids, 4)[1:4]
        self.n_cells = len(cell_ids)
        region_code, regions = pd.factorize(pd.Index(self.region, dtype=object))
        self.region_code, self.regions = region_code, pd.Index(regions, dtype=object)
        pair_code, pairs = pd.factorize(pd.MultiIndex.from_arrays([self.region, self.skill]))
        self.region_skill_groups, self.region_skill_code = Grouping(pair_code, len(pairs)), pair_code
        self.low = self.skill == "low"
        self.skill_code = pd.Index(SKILLS).get_indexer(self.skill)
        self.region_groups = Grouping(region_code, len(regions))

        kinds, regions_of, second, third = id_parts(flow_ids, 4)
        cell_pairs = list(zip(self.region, self.skill))
        self.migration = {}
        for kind in MIGRATION_KINDS:
            rows = np.flatnonzero(kinds == kind)
            if len(rows):
                keys = list(zip(regions_of[rows], (EDUCATION_TO_SKILL.get(e) for e in second[rows])))
                self.migration[kind] = _flow_groups(rows, keys, cell_pairs)
        rows = np.flatnonzero(kinds == "graduates")
        self.graduates = None
        if len(rows):
            keys = list(zip(regions_of[rows], third[rows],
                            (GRADUATE_SKILL.get(level) for level in second[rows])))
            self.graduates = _flow_groups(rows, keys, list(zip(self.region, self.sector, self.skill)))
        rows = np.flatnonzero(kinds == "applicants")
        self.applicants = rows if len(rows) else None
        self.applicant_regions = pd.Index(regions_of[rows], dtype=object)

    def by_region(self, values: pd.Series) -> np.ndarray:
        """Each cell's value of ``values`` (indexed by region), 0 where it has none."""
        return values.reindex(self.regions).fillna(0.0).to_numpy(dtype=float)[self.region_code]


def _flow_groups(rows: np.ndarray, keys: list[tuple], cell_keys: list[tuple]) -> FlowGroups:
    """Group flow series ``rows`` by ``keys`` (a key holding None, an unknown education or
    level, is left out) and find each cell's group by its own key."""
    codes: dict[tuple, int] = {}
    row_codes = np.array([-1 if None in key else codes.setdefault(key, len(codes)) for key in keys],
                         dtype=np.intp)
    cell_groups = np.array([codes.get(key, -1) for key in cell_keys], dtype=np.intp)
    return FlowGroups(rows, Grouping(row_codes, len(codes)), cell_groups)


@lru_cache(maxsize=64)
def cell_layout(cell_ids: tuple[str, ...], flow_ids: tuple[str, ...]) -> CellLayout:
    """:class:`CellLayout` of these ids, made once: the same ids come back in every balance of
    a run (each year's flows, each origin's cells)."""
    return CellLayout(cell_ids, flow_ids)


@lru_cache(maxsize=256)
def id_parts(ids: tuple[str, ...], width: int) -> tuple[np.ndarray, ...]:
    """The first ``width`` ``|``-separated parts of series ids ``kind|key1|key2...``, one array
    per position; ids with fewer keys have "" in the missing positions."""
    split = [uid.split("|")[:width] for uid in ids]
    padded = [parts + [""] * (width - len(parts)) for parts in split]
    parts = tuple(np.array([row[k] for row in padded], dtype=object) for k in range(width))
    for part in parts:
        part.setflags(write=False)  # shared by every caller of the cache
    return parts
