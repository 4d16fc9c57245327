"""The tables of a data directory: names, key columns, value column and allowed values.

This is the contract users fill with data (see the README's "Data directory" section). Every
check of :mod:`forecast.inputs.loader` reads its rules from here, so the contract lives in one place.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

SKILLS = ("high", "medium", "low")
EDUCATION = ("higher", "tvet", "other")
LEVELS = ("higher", "tvet")
FLOWS = ("emigration", "immigration", "internal_in", "internal_out")
CATEGORIES = ("1", "2", "3", "4", "seasonal")
SEXES = ("male", "female")
EDUCATION_TO_SKILL = {"higher": "high", "tvet": "medium", "other": "low"}

AGE_BAND = re.compile(r"^(\d{1,3})(?:-(\d{1,3})|\+)$")
YEAR_RANGE = (1990, 2100)
# A count of people larger than five times the population of Kazakhstan is a unit or typing
# error, not data; a monthly wage above 100 million tenge likewise.
MAX_PERSONS = 100_000_000.0
MAX_WAGE = 100_000_000.0


@dataclass(frozen=True)
class TableSpec:
    """One table of the data directory.

    Attributes
    ----------
    name : str
        File stem, e.g. ``employment`` for ``employment.csv``.
    keys : tuple of str
        Key columns; together unique. ``year`` is always one of them.
    value : str
        The value column: a non-negative finite number.
    required : bool
        Whether a data directory must contain the table.
    optional_keys : tuple of str
        Key columns a file may add (``sex`` in ``population``).
    max_value : float
        Values above this are refused as implausible.
    description : str
        One line for messages and the documentation.
    contiguous : bool
        Whether each series must have every year between its first and last (sparse tables such
        as permits and quotas leave out years with nothing to report).
    """

    name: str
    keys: tuple[str, ...]
    value: str
    required: bool
    optional_keys: tuple[str, ...] = ()
    max_value: float = MAX_PERSONS
    description: str = ""
    contiguous: bool = True
    series_keys: tuple[str, ...] = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "series_keys", tuple(k for k in self.keys if k != "year"))


TABLES: dict[str, TableSpec] = {
    spec.name: spec
    for spec in (
        TableSpec("employment", ("region", "sector", "year", "skill"), "employed", True,
                  description="employed persons by region, sector and skill"),
        TableSpec("population", ("region", "year", "age_band"), "population", True,
                  optional_keys=("sex",), description="resident population by region and age band"),
        TableSpec("migration", ("region", "year", "flow", "education"), "persons", True,
                  description="migrants by region, flow and education"),
        TableSpec("vacancies", ("region", "sector", "year", "skill"), "vacancies", False,
                  description="vacancies unfilled at year end"),
        TableSpec("wages", ("region", "sector", "year"), "wage", False, max_value=MAX_WAGE,
                  description="average monthly nominal wage, KZT"),
        TableSpec("graduates", ("region", "year", "level", "sector"), "graduates", False,
                  description="graduates by level and field (sector)"),
        TableSpec("permits", ("region", "sector", "year", "category"), "permits", False,
                  description="foreign work permits valid", contiguous=False),
        TableSpec("quota", ("year", "region"), "quota", False,
                  description="foreign-labour quota, persons", contiguous=False),
        TableSpec("applicants", ("region", "year"), "applicants", False,
                  description="people who applied to employment offices"),
        # The labour-force survey's economically active population: the base of the legal
        # ceiling (a percentage of the labour force) when given.
        TableSpec("labour_force", ("region", "year"), "labour_force", False,
                  description="labour force (employed and unemployed, 15+), persons"),
    )
}

# Allowed values of the categorical key columns other than region and sector.
DOMAINS: dict[str, tuple[str, ...]] = {
    "skill": SKILLS,
    "education": EDUCATION,
    "level": LEVELS,
    "flow": FLOWS,
    "category": CATEGORIES,
    "sex": SEXES,
}

SUFFIXES = (".csv", ".parquet", ".xlsx")

# Optional columns of any table that the loader keeps beside it (forecast.inputs.real.flags):
# ``status`` (``estimated``, ``interpolated``, ``backcast``, ``extrapolated``, ``published``,
# joined by ``;``) and ``estimation_cv`` (relative spread of an estimated value).
FLAG_COLUMNS = ("status", "estimation_cv")


def parse_age_band(band: str) -> tuple[int, int | None]:
    """``"16-24"`` -> ``(16, 24)``; ``"63+"`` -> ``(63, None)``. Raises ``ValueError`` otherwise."""
    match = AGE_BAND.match(str(band).strip())
    if not match:
        raise ValueError(f"age band {band!r} is not of the form 'A-B' or 'A+'")
    low, high = int(match.group(1)), match.group(2)
    if high is not None and int(high) < low:
        raise ValueError(f"age band {band!r} ends before it starts")
    return low, None if high is None else int(high)
