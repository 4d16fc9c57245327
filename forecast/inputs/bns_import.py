"""Import tables published by the Bureau of National Statistics (BNS) into contract long tables.

BNS tables come as CSV (UTF-8 with or without BOM, or cp1251; ``;``, ``,`` or tab separated) or
XLSX (often with merged header cells), with title rows above one or more header rows, Russian or
Kazakh labels, thousands separated by spaces, decimal commas, and markers such as ``х``, ``-``
or ``…`` for values that are missing or confidential. Each source table is described once, by a
:class:`WideTableSpec`; :func:`read_bns_table` turns the file into the contract's long format.

Example: people registered with employment offices, years in rows and regions in columns::

    spec = WideTableSpec(table="applicants", value="applicants", layout="regions_in_columns")
    applicants = read_bns_table("employment_office_applicants_by_region_2001_2021.csv", spec)
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from forecast.inputs.bns_cells import DEFAULT_MISSING_MARKERS, cell_text, parse_number, read_grid

__all__ = ["WideTableSpec", "read_bns_table", "CONTRACT_COLUMNS", "DEFAULT_MISSING_MARKERS",
           "parse_number"]

CONTRACT_COLUMNS: dict[str, tuple[str, ...]] = {
    "employment": ("region", "sector", "year", "skill", "employed"),
    "population": ("region", "year", "age_band", "population"),
    "migration": ("region", "year", "flow", "education", "persons"),
    "vacancies": ("region", "sector", "year", "skill", "vacancies"),
    "wages": ("region", "sector", "year", "wage"),
    "graduates": ("region", "year", "level", "sector", "graduates"),
    "permits": ("region", "sector", "year", "category", "permits"),
    "quota": ("year", "region", "quota"),
    "applicants": ("region", "year", "applicants"),
}
# Key columns a table may carry beyond the contract's (population by sex).
OPTIONAL_KEYS: dict[str, tuple[str, ...]] = {"population": ("sex",)}

LAYOUTS = ("regions_in_rows", "regions_in_columns", "long")
_YEAR = re.compile(r"(?<!\d)((?:19|20)\d{2})(?!\d)")

Column = int | str


@dataclass(frozen=True)
class WideTableSpec:
    """How one BNS source table maps onto a contract table.

    Parameters
    ----------
    table : str
        Contract table produced (``employment``, ``population``, ``applicants``, ...).
    value : str
        Contract value column (``employed``, ``population``, ``applicants``, ...).
    layout : {"regions_in_rows", "regions_in_columns", "long"}
        ``regions_in_rows``: a column of region labels, one column per year (the usual BNS
        layout); ``regions_in_columns``: a column of years, one column per region;
        ``long``: one row per observation, with region, year and value columns.
    header_rows : int
        Number of header rows (after ``skip_rows``); merged header cells are spread over the
        columns they cover.
    skip_rows : int
        Title rows above the header.
    region_column : int or str
        Column of region labels (``regions_in_rows`` and ``long``): a 0-based position or a
        header label.
    year_column : int or str
        Column of years (``regions_in_columns`` and ``long``).
    value_column : int or str, optional
        Column of values (``long`` only).
    header_keys : mapping of str to int
        For wide layouts, which header row gives which key of each data column; the default
        reads the year from the last header row. For example ``{"year": 0, "sex": 1}`` when
        each year spans a men's and a women's column.
    row_keys : mapping of str to int or str
        Further key columns in the body (e.g. ``{"sector": 1}``, or for ``long``
        ``{"sex": "sex", "age_band": "age"}``).
    key_constants : mapping of str to str or int
        Keys the file implies, e.g. ``{"sector": "TOTAL", "skill": "high"}`` or
        ``{"age_band": "0+"}`` for a total population. ``{"year": 2021}`` makes a single-year
        table: the year is the constant, never read from the headers or the body, so its data
        columns may be anything (one value column, or sex or age columns given by
        ``header_keys``).
    value_maps : mapping of str to mapping
        Label translations per key, e.g. ``{"sex": {"мужчины": "male", "женщины": "female"}}``.
        Keys are matched case-insensitively after trimming.
    missing_markers : tuple of str
        Cell texts meaning "no value"; such cells produce no row.
    unit_multiplier : float
        Factor from the file's unit to the contract's (1000 for "thousand persons").
    skip_labels : tuple of str
        Region labels to ignore (e.g. "в том числе:"), matched case-insensitively.
    resolve_regions : bool
        Turn region labels into codes with :func:`forecast.inputs.regions.resolve_region`.
    sheet : int or str
        XLSX sheet (position or name).
    encoding : str, optional
        CSV encoding; by default a BOM means UTF-8, then UTF-8 is tried, then cp1251.
    delimiter : str, optional
        CSV delimiter; by default sniffed among ``;``, ``,`` and tab.
    """

    table: str
    value: str
    layout: str = "regions_in_rows"
    header_rows: int = 1
    skip_rows: int = 0
    region_column: Column = 0
    year_column: Column = 0
    value_column: Column | None = None
    header_keys: Mapping[str, int] = field(default_factory=lambda: {"year": -1})
    row_keys: Mapping[str, Column] = field(default_factory=dict)
    key_constants: Mapping[str, str | int] = field(default_factory=dict)
    value_maps: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    missing_markers: tuple[str, ...] = DEFAULT_MISSING_MARKERS
    unit_multiplier: float = 1.0
    skip_labels: tuple[str, ...] = ()
    resolve_regions: bool = True
    sheet: int | str = 0
    encoding: str | None = None
    delimiter: str | None = None

    def __post_init__(self) -> None:
        if self.table not in CONTRACT_COLUMNS:
            raise ValueError(f"unknown table {self.table!r}; expected one of "
                             f"{sorted(CONTRACT_COLUMNS)}")
        if self.value != CONTRACT_COLUMNS[self.table][-1]:
            raise ValueError(f"table {self.table!r} has value column "
                             f"{CONTRACT_COLUMNS[self.table][-1]!r}, not {self.value!r}")
        if self.layout not in LAYOUTS:
            raise ValueError(f"layout must be one of {LAYOUTS}, got {self.layout!r}")
        if self.layout == "long" and self.value_column is None:
            raise ValueError("layout 'long' needs value_column")
        if self.layout != "long" and self.header_rows < 1:
            raise ValueError("wide layouts need at least one header row")
        provided = set(self.key_constants) | set(self.row_keys) | {"region", "year"}
        if self.layout != "long":
            provided |= set(self.header_keys)
        required = set(CONTRACT_COLUMNS[self.table][:-1])
        if required - provided:
            raise ValueError(f"spec for table {self.table!r} gives no source for key(s) "
                             f"{sorted(required - provided)}; add them to key_constants, "
                             f"row_keys or header_keys")
        allowed = required | set(OPTIONAL_KEYS.get(self.table, ()))
        if provided - allowed:
            raise ValueError(f"table {self.table!r} has no key(s) {sorted(provided - allowed)}")

    def output_columns(self) -> list[str]:
        """Columns of the long table produced: contract keys, optional keys used, value."""
        keys = list(CONTRACT_COLUMNS[self.table][:-1])
        used = set(self.key_constants) | set(self.row_keys) | set(self.header_keys)
        extra = [key for key in OPTIONAL_KEYS.get(self.table, ()) if key in used]
        return [*keys, *extra, self.value]


def _column_position(header: pd.DataFrame, column: Column, path: Path) -> int:
    if isinstance(column, int):
        return column
    for position in range(header.shape[1]):
        if any(cell_text(value) == column for value in header.iloc[:, position]):
            return position
    raise ValueError(f"{path}: no column headed {column!r} in the header rows")


def _map_labels(key: str, labels: pd.Series, spec: WideTableSpec, path: Path) -> pd.Series:
    mapping = spec.value_maps.get(key)
    if not mapping:
        return labels
    lookup = {str(label).strip().casefold(): target for label, target in mapping.items()}
    mapped = labels.map(lambda label: lookup.get(str(label).strip().casefold()))
    unknown = mapped.isna() & labels.notna()
    if unknown.any():
        raise ValueError(f"{path}: {key} label {labels[unknown].iloc[0]!r} is not in value_maps"
                         f"[{key!r}] (known: {sorted(mapping)})")
    return mapped


def _parse_year(text: str) -> int | None:
    found = _YEAR.findall(text)
    return int(found[0]) if len(found) == 1 else None


def _observations(grid: pd.DataFrame, spec: WideTableSpec, path: Path) -> pd.DataFrame:
    """One row per body cell: ``file_row`` (1-based), ``label``, keys and raw ``cell``."""
    header = grid.iloc[spec.skip_rows: spec.skip_rows + spec.header_rows]
    body = grid.iloc[spec.skip_rows + spec.header_rows:]
    if spec.layout == "long":
        region_at = _column_position(header, spec.region_column, path)
        year_at = _column_position(header, spec.year_column, path)
        value_at = _column_position(header, spec.value_column, path)
        frame = pd.DataFrame({"file_row": body.index + 1, "label": body[region_at].map(cell_text),
                              "year": body[year_at].map(cell_text), "cell": body[value_at]})
        for key, column in spec.row_keys.items():
            frame[key] = body[_column_position(header, column, path)].map(cell_text).to_numpy()
        return frame

    # Merged header cells read from CSV arrive as blanks after their first column.
    filled_header = header.map(lambda value: cell_text(value) or None).ffill(axis=1)
    constant_year = "year" in spec.key_constants
    label_at = _column_position(header, spec.region_column if spec.layout == "regions_in_rows"
                                else spec.year_column, path)
    row_key_at = {key: _column_position(header, column, path)
                  for key, column in spec.row_keys.items()}
    skipped = {label_at, *row_key_at.values()}
    data_columns, column_keys = [], []
    for position in range(grid.shape[1]):
        if position in skipped:
            continue
        # With regions in columns the year comes from the body, never from the header.
        keys = {key: cell_text(filled_header.iloc[row, position])
                for key, row in spec.header_keys.items()
                if not ((spec.layout == "regions_in_columns" or constant_year) and key == "year")}
        if spec.layout == "regions_in_columns":
            keys["label"] = cell_text(filled_header.iloc[-1, position])
            if not keys["label"]:
                continue
        elif "year" in keys and _parse_year(keys["year"]) is None:
            continue  # a column of units, codes or notes rather than a year
        data_columns.append(position)
        column_keys.append(keys)
    if not data_columns:
        raise ValueError(f"{path}: found no data columns in header rows "
                         f"{spec.skip_rows + 1}..{spec.skip_rows + spec.header_rows}")

    parts = []
    for position, keys in zip(data_columns, column_keys):
        part = pd.DataFrame({"file_row": body.index + 1, "cell": body[position].to_numpy()})
        row_labels = body[label_at].map(cell_text).to_numpy()
        if spec.layout == "regions_in_rows":
            part["label"] = row_labels
        else:
            part["year"] = row_labels
        if constant_year:  # a single-year table: the constant, whatever the rows say
            part["year"] = str(spec.key_constants["year"])
        for key, value in keys.items():
            part[key] = value
        for key, at in row_key_at.items():
            part[key] = body[at].map(cell_text).to_numpy()
        parts.append(part)
    return pd.concat(parts, ignore_index=True)


def _resolve(labels: pd.Series, rows: pd.Series, path: Path) -> pd.Series:
    # Imported here so the importer's parsing stays usable on its own and import cycles are
    # impossible whatever ``forecast/__init__`` imports.
    from forecast.inputs.regions import resolve_region

    codes = {}
    for label in pd.unique(labels):
        try:
            codes[label] = resolve_region(label)
        except ValueError as error:
            row = int(rows[labels == label].iloc[0])
            raise ValueError(f"{path}: row {row}: {error}") from error
    return labels.map(codes)


def read_bns_table(path: str | Path, spec: WideTableSpec) -> pd.DataFrame:
    """Read one BNS export into the contract's long table described by ``spec``.

    Parameters
    ----------
    path : str or Path
        ``.csv`` or ``.xlsx`` file.
    spec : WideTableSpec
        Declarative description of the source table.

    Returns
    -------
    DataFrame
        Columns :meth:`WideTableSpec.output_columns` (contract keys, then the value), one row
        per non-missing cell, sorted by keys. Region labels become codes (``KZ`` for the
        national total).

    Raises
    ------
    ValueError
        Naming the file, row and column, on an unreadable file, a cell that is neither a number
        nor a missing marker, a negative value, an unknown region (with close matches), a
        year that cannot be read, or a key found twice.
    """
    path = Path(path)
    observations = _observations(read_grid(path, encoding=spec.encoding, delimiter=spec.delimiter, sheet=spec.sheet), spec, path)

    label_column = "label"
    # Blank lines (no region label or no year) separate blocks in many exports.
    observations = observations.loc[(observations[label_column].astype(str).str.len() > 0)
                                    & (observations["year"].map(cell_text).str.len() > 0)]
    skip = {label.casefold() for label in spec.skip_labels}
    observations = observations.loc[~observations[label_column].str.casefold().isin(skip)]

    values = observations["cell"].map(lambda cell: parse_number(cell, spec.missing_markers))
    invalid = values.isna() & observations["cell"].map(
        lambda cell: parse_number(cell, spec.missing_markers) is None)
    # Rows with text in every value cell are notes or sub-headings, not data.
    has_number = values.notna().groupby(observations["file_row"]).transform("any")
    bad = invalid & has_number
    if bad.any():
        first = observations.loc[bad].iloc[0]
        raise ValueError(f"{path}: row {first['file_row']}: value {first['cell']!r} for "
                         f"{first[label_column]!r} is neither a number nor a missing marker "
                         f"{list(spec.missing_markers)}")
    observations = observations.assign(value=values.astype(np.float64) * spec.unit_multiplier)
    observations = observations.loc[observations["value"].notna()]
    negative = observations["value"] < 0
    if negative.any():
        first = observations.loc[negative].iloc[0]
        raise ValueError(f"{path}: row {first['file_row']}: negative value {first['cell']!r}; "
                         f"{spec.value} must be non-negative")

    years = observations["year"].map(lambda text: _parse_year(cell_text(text)))
    if years.isna().any():
        first = observations.loc[years.isna()].iloc[0]
        raise ValueError(f"{path}: row {first['file_row']}: cannot read a year from "
                         f"{first['year']!r}")
    observations = observations.assign(year=years.astype(np.int64))

    if spec.resolve_regions:
        observations["region"] = _resolve(observations[label_column], observations["file_row"],
                                          path)
    else:
        observations["region"] = observations[label_column]
    for key in set(spec.header_keys) | set(spec.row_keys):
        if key not in ("year", "region"):
            observations[key] = _map_labels(key, observations[key], spec, path)
    for key, constant in spec.key_constants.items():
        observations[key] = constant

    columns = spec.output_columns()
    keys = columns[:-1]
    result = observations.rename(columns={"value": spec.value})
    duplicated = result.duplicated(keys, keep=False)
    if duplicated.any():
        first = result.loc[duplicated].iloc[0]
        raise ValueError(f"{path}: row {first['file_row']}: key "
                         f"{ {key: first[key] for key in keys} } occurs more than once "
                         f"(after region names became codes)")
    result = result[columns].sort_values(keys, kind="stable").reset_index(drop=True)
    for key in keys:
        if key != "year":
            result[key] = result[key].astype("str")
    return result
