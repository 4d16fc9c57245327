"""Read tables in the Bureau of National Statistics long layout, and repair what they publish.

The long layout (``date,region,item_code,item_name,value[,transformation]``, one row per
observation) is how the BNS element tables are republished in machine-readable form, e.g. by
``makenerzhan-gif/kazakhstan-economic-data``. :func:`read_bns_long` turns such a file into a
frame ``region, year, item, value`` with region codes of :mod:`forecast.inputs.regions`:

- regions may be that repository's three-letter codes (``AKM``, ``ALA``, ``YKO`` ...), KATO codes
  (``750000000``), ISO codes or names; ``national`` is the Republic (``KZ``);
- the year comes from the ``date`` column (``2024-12-31``), or, where a file has no date, from a
  constant (``year=2021``), a sheet title or the file name (``population_2021.csv``);
- ``unit="thousand"`` turns thousand persons into persons;
- the Shymkent double count of the 2016-2017 regional sector files (Shymkent published on its own
  *and* inside South Kazakhstan, ``YKO``) is removed: South Kazakhstan becomes Turkestan by
  subtracting Shymkent (:func:`remove_shymkent_double_count`).

:func:`fill_year_gaps` fills a missing year inside a series (the regional labour-force survey
has no 2015) by linear interpolation and flags every filled value, so that it can be told apart
from published figures and left out of any scoring.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd

from forecast.inputs.errors import InputError
from forecast.inputs.regions import UnknownRegionError, resolve_region

__all__ = ["LONG_COLUMNS", "UNITS", "read_bns_long", "year_from_text", "fill_year_gaps",
           "remove_shymkent_double_count"]

LONG_COLUMNS = ("date", "region", "item_code", "item_name", "value")
UNITS = {"persons": 1.0, "thousand": 1000.0, "percent": 1.0}
_YEAR = re.compile(r"(?<!\d)((?:19|20)\d{2})(?!\d)")
# Codes of that repository for South Kazakhstan before 2018 and for Shymkent city.
SOUTH_KAZAKHSTAN = "YKO"
SHYMKENT = "SHM"
TURKESTAN = "TRK"


def year_from_text(text: object) -> int | None:
    """The one four-digit year (1900-2099) in ``text`` (a date, a sheet title, a file name), or
    ``None`` when there is none or more than one."""
    found = _YEAR.findall(str(text))
    return int(found[0]) if len(set(found)) == 1 else None


def read_bns_long(path: str | Path, *, unit: str = "persons", year: int | None = None,
                  sheet: int | str = 0, repair_shymkent: bool = True) -> pd.DataFrame:
    """Read one BNS long-layout file (``.csv`` or ``.xlsx``).

    Parameters
    ----------
    path : str or Path
    unit : {"persons", "thousand", "percent"}
        The file's unit; values are returned in persons (or percent), ``thousand`` x 1000.
    year : int, optional
        The year of every row, for files without a ``date`` column; by default read from the
        sheet title (XLSX) or the file name when the file has no ``date`` column.
    sheet : int or str
        XLSX sheet.
    repair_shymkent : bool
        Remove the Shymkent double count (:func:`remove_shymkent_double_count`).

    Returns
    -------
    DataFrame
        ``region`` (codes), ``year`` (int), ``item`` (the item code, ``TOTAL`` if the file has
        none), ``value`` (float), sorted by item, region, year. The source's own region code is
        kept in ``source_region``.

    Raises
    ------
    InputError
        Naming the file, row, column and value: a missing column, an unreadable date or
        number, an unknown region, a negative value, a key given twice.
    """
    path = Path(path)
    if unit not in UNITS:
        raise InputError(f"unit {unit!r}: expected one of {', '.join(UNITS)}")
    frame, sheet_title = _read(path, sheet)
    frame.columns = [str(c).strip().lstrip("\ufeff") for c in frame.columns]
    for column in ("region", "value"):
        if column not in frame.columns:
            raise InputError(f"{path}: column {column!r} is missing; the BNS long layout has "
                             f"columns {', '.join(LONG_COLUMNS)} (found: {', '.join(frame.columns)})")
    rows = pd.Series(np.arange(len(frame)) + 2, index=frame.index)  # file rows, header is 1
    years = _years(frame, path, rows, year, sheet_title)
    values = pd.to_numeric(frame["value"].astype(str).str.replace(",", ".").str.strip(),
                           errors="coerce")
    bad = values.isna() | ~np.isfinite(values)
    if bad.any():
        at = bad.idxmax()
        raise InputError(f"{path}: row {rows[at]}, column 'value': {frame.at[at, 'value']!r} is "
                         "not a number; expected a non-negative number")
    if (values < 0).any():
        at = (values < 0).idxmax()
        raise InputError(f"{path}: row {rows[at]}, column 'value': {frame.at[at, 'value']!r} is "
                         "negative; expected a non-negative number")
    item = (frame["item_code"].astype(str).str.strip() if "item_code" in frame.columns
            else pd.Series("TOTAL", index=frame.index))
    out = pd.DataFrame({"source_region": frame["region"].astype(str).str.strip(),
                        "year": years, "item": item, "value": values * UNITS[unit],
                        "file_row": rows})
    if repair_shymkent:
        out = remove_shymkent_double_count(out)
    out["region"] = _codes(out, path)
    duplicated = out.duplicated(["region", "year", "item"], keep=False)
    if duplicated.any():
        first = out.loc[duplicated].iloc[0]
        raise InputError(f"{path}: row {first['file_row']}, column 'region': "
                         f"{first['source_region']!r} for {first['year']} (item {first['item']}) "
                         "occurs more than once after region names became codes; expected one "
                         "row per region, year and item")
    return (out[["region", "year", "item", "value", "source_region"]]
            .sort_values(["item", "region", "year"], kind="stable").reset_index(drop=True))


def _read(path: Path, sheet: int | str) -> tuple[pd.DataFrame, str | None]:
    try:
        if path.suffix.lower() == ".xlsx":
            with pd.ExcelFile(path, engine="openpyxl") as book:
                name = sheet if isinstance(sheet, str) else book.sheet_names[sheet]
                return pd.read_excel(book, sheet_name=name, dtype=str), name
        return pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig"), None
    except (OSError, ValueError, IndexError) as exc:
        raise InputError(f"{path}: cannot be read ({type(exc).__name__}: {str(exc)[:200]}); "
                         "expected a CSV (UTF-8) or XLSX file in the BNS long layout") from exc


def _years(frame: pd.DataFrame, path: Path, rows: pd.Series, year: int | None,
           sheet_title: str | None) -> pd.Series:
    if year is not None:
        return pd.Series(int(year), index=frame.index)
    column = "date" if "date" in frame.columns else "year" if "year" in frame.columns else None
    if column is None:
        found = year_from_text(sheet_title) if sheet_title else None
        found = found if found is not None else year_from_text(path.stem)
        if found is None:
            raise InputError(f"{path}: no 'date' or 'year' column, and neither the sheet title "
                             f"{sheet_title!r} nor the file name gives one year; pass year=YYYY")
        return pd.Series(found, index=frame.index)
    parsed = frame[column].map(year_from_text)
    if parsed.isna().any():
        at = parsed.isna().idxmax()
        raise InputError(f"{path}: row {rows[at]}, column {column!r}: cannot read a year from "
                         f"{frame.at[at, column]!r}; expected a date such as 2024-12-31 or a year")
    return parsed.astype(np.int64)


def _codes(frame: pd.DataFrame, path: Path) -> pd.Series:
    codes = {}
    for label in pd.unique(frame["source_region"]):
        try:
            codes[label] = resolve_region(label)
        except UnknownRegionError as exc:
            row = frame.loc[frame["source_region"] == label, "file_row"].iloc[0]
            raise InputError(f"{path}: row {row}, column 'region': {exc}") from exc
    return frame["source_region"].map(codes)


def remove_shymkent_double_count(frame: pd.DataFrame) -> pd.DataFrame:
    """Where a year has both South Kazakhstan (``YKO``, Shymkent included) and Shymkent
    (``SHM``) but no Turkestan (``TRK``), replace South Kazakhstan by Turkestan = YKO - SHM.

    The BNS regional sector files of 2016-2017 publish Shymkent on its own and inside South
    Kazakhstan; summing the regions would count Shymkent twice. Works on a frame with
    ``source_region, year, item, value``; other rows are returned unchanged.
    """
    out = frame.copy()
    key = ["year", "item"]
    south = out[out["source_region"] == SOUTH_KAZAKHSTAN].set_index(key)
    city = out[out["source_region"] == SHYMKENT].set_index(key)["value"]
    turkestan = out[out["source_region"] == TURKESTAN].set_index(key).index
    both = south.index.intersection(city.index).difference(turkestan)
    if both.empty:
        return out
    rows = out["source_region"].eq(SOUTH_KAZAKHSTAN) & pd.MultiIndex.from_frame(out[key]).isin(both)
    remainder = out.loc[rows].set_index(key)["value"] - city.reindex(both)
    if (remainder < 0).any():
        bad = remainder[remainder < 0].index[0]
        raise InputError(f"South Kazakhstan ({SOUTH_KAZAKHSTAN}) {bad[0]} item {bad[1]} is smaller "
                         f"than Shymkent ({SHYMKENT}): it cannot include it; expected YKO >= SHM")
    out.loc[rows, "value"] = remainder.to_numpy()
    out.loc[rows, "source_region"] = TURKESTAN
    return out


def fill_year_gaps(frame: pd.DataFrame, value: str, by: list[str]) -> pd.DataFrame:
    """Fill years missing inside each series by linear interpolation, and flag them.

    Parameters
    ----------
    frame : DataFrame
        Long table with ``year``, the series keys ``by`` and ``value``.
    value : str
    by : list of str
        Series keys (e.g. ``["region"]``).

    Returns
    -------
    DataFrame
        ``frame`` with a row for every missing inner year and a boolean ``interpolated``
        column (True on the filled rows). Years before a series' first or after its last are
        not invented.
    """
    parts = []
    for keys, series in frame.groupby(by, sort=True):
        series = series.set_index("year").sort_index()
        years = np.arange(series.index.min(), series.index.max() + 1)
        full = series.reindex(years)
        missing = full[value].isna()
        full[value] = full[value].interpolate(method="index")
        for column, key in zip(by, keys if isinstance(keys, tuple) else (keys,)):
            full[column] = key
        full["interpolated"] = missing.to_numpy()
        parts.append(full.rename_axis("year").reset_index())
    columns = [*frame.columns, "interpolated"]
    out = pd.concat(parts, ignore_index=True)
    return out[[c for c in columns if c in out.columns]]
