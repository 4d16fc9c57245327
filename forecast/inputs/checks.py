"""The rules of the table contract, checked on one table at a time and across tables.

:func:`validate_table` checks one table read by :func:`forecast.inputs.loader.load_data`: its
columns, types, values, codes, duplicate keys and gaps; :func:`check_coverage` checks that the
tables cover the same years; :func:`check_population_bands` that every population age band set
tiles ages 0..89; :func:`check_harmonization` that every table can be put on one set of region
boundaries. Each records every problem it finds, with file, column, row, value and what was
expected, instead of stopping at the first. :func:`cross_table_warnings` names what is accepted
but worth a look (national rows that disagree with the regions, vacancies without employment,
no emigration rows).
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd

from forecast.inputs import regions, sectors
from forecast.inputs.errors import Problem
from forecast.inputs.schema import DOMAINS, FLAG_COLUMNS, YEAR_RANGE, TableSpec, parse_age_band

ROWS_SHOWN = 3
_DECIMAL_COMMA = re.compile(r"^-?\d+,\d+$")
_SPACED_THOUSANDS = re.compile(r"^-?\d{1,3}([ \u00a0\u202f]\d{3})+([.,]\d+)?$")


def _row_numbers(index: pd.Index, file: Path) -> np.ndarray:
    # Spreadsheet rows: the header is row 1, so data start at row 2; Parquet records count from 1.
    offset = 1 if file.suffix.lower() == ".parquet" else 2
    return np.asarray(index) + offset


def _report(problems: list[Problem], file: Path, column: str, frame: pd.DataFrame,
            mask: pd.Series, expected: str, shown: pd.Series | None = None) -> None:
    """Record a problem for the first rows of ``mask``, summarising the rest."""
    bad = np.flatnonzero(np.asarray(mask))
    if bad.size == 0:
        return
    values = (shown if shown is not None else frame[column]).to_numpy()
    rows = _row_numbers(frame.index, file)
    for k, i in enumerate(bad[:ROWS_SHOWN]):
        more = int(bad.size - ROWS_SHOWN) if k == min(bad.size, ROWS_SHOWN) - 1 else 0
        value = values[i]
        problems.append(Problem(str(file), expected, column, int(rows[i]),
                                value.item() if hasattr(value, "item") else value, max(more, 0)))


def _as_text(column: pd.Series) -> pd.Series:
    text = column.astype("string").str.strip()
    # Spreadsheet cells typed as numbers come back as 2001.0 or 1.0.
    return text.str.replace(r"^(-?\d+)\.0+$", r"\1", regex=True)


def _parse_numbers(column: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Numbers from a column of cells; returns values (NaN where unreadable) and text."""
    if pd.api.types.is_numeric_dtype(column) and not pd.api.types.is_bool_dtype(column):
        values = column.astype("float64")
        return values, column.astype("string")
    text = column.astype("string").str.strip()
    values = pd.to_numeric(text.fillna(""), errors="coerce").astype("float64")
    return values, text


def _shown(name: object) -> str:
    """A column name as a message shows it: as it is, or quoted with its escapes when it holds
    characters that do not show (a NUL byte, a control character)."""
    text = str(name)
    return text if text.isprintable() else repr(text)


def _printable(text: str) -> str:
    return "".join(ch for ch in text if ch.isprintable())


def validate_table(spec: TableSpec, frame: pd.DataFrame, file: Path,
                    problems: list[Problem], rows: dict | None = None,
                    flags: dict | None = None) -> pd.DataFrame | None:
    """Check one table; return it typed and sorted by key, or ``None`` after recording problems.

    ``rows``, when given, receives ``rows[spec.name]``: the file row number of every row of the
    returned frame, so that checks across tables can still name rows. ``flags``, when given,
    receives ``flags[spec.name]``: the flag columns of :data:`~forecast.inputs.schema.FLAG_COLUMNS`
    the file has (``status`` as text, ``estimation_cv`` a non-negative number), row for row
    with the returned frame; not set when the file has none.
    """
    before = len(problems)
    columns = list(spec.keys) + [spec.value]
    missing = [c for c in columns if c not in frame.columns]
    for column in missing:
        lookalike = next((str(c) for c in frame.columns if not str(c).isprintable()
                          and _printable(str(c)) == column), None)
        hint = (f"; column {lookalike!r} has that name but holds characters that do not show "
                f"(remove them)" if lookalike is not None else "")
        problems.append(Problem(str(file), f"required column {column!r} is missing{hint}; the "
                                f"{spec.name} table needs columns {', '.join(columns)} "
                                f"(found: {', '.join(map(_shown, frame.columns))})", column))
    if missing:
        return None
    keys = list(spec.keys) + [k for k in spec.optional_keys if k in frame.columns]
    out = pd.DataFrame(index=frame.index)

    for column in keys:
        if column == "year":
            out["year"] = _check_year(frame, file, problems)
        elif column == "region":
            text = _as_text(frame[column])
            codes, unknown = regions.resolve_regions(text.fillna(""))
            for value in pd.unique(text[unknown].fillna("")):
                where = (text.fillna("") == value) & unknown
                try:
                    regions.resolve_region(value)
                except regions.UnknownRegionError as exc:
                    hint = f"did you mean {', '.join(exc.suggestions)}? " if exc.suggestions else ""
                    _report(problems, file, column, frame, where,
                            f"unknown region; {hint}expected a region code (KZ-10..KZ-79, KZ for "
                            "the national total) or a region name in English, Russian or Kazakh",
                            text)
            out[column] = codes
        elif column == "sector":
            text = _as_text(frame[column])
            codes, unknown = sectors.resolve_sectors(text.fillna(""))
            for value in pd.unique(text[unknown].fillna("")):
                where = (text.fillna("") == value) & unknown
                try:
                    sectors.resolve_sector(value)
                except sectors.UnknownSectorError as exc:
                    hint = f"did you mean {', '.join(exc.suggestions)}? " if exc.suggestions else ""
                    _report(problems, file, column, frame, where, f"unknown sector; {hint}"
                            "expected an OKED section letter A..U or 'TOTAL'", text)
            out[column] = codes
        elif column == "age_band":
            text = _as_text(frame[column])
            valid = text.fillna("").map(_is_age_band).astype(bool)
            _report(problems, file, column, frame, ~valid,
                    "expected an age band 'A-B' or 'A+' in whole years, e.g. '16-24' or '63+'", text)
            out[column] = text
        else:
            text = _as_text(frame[column]).str.casefold()
            allowed = DOMAINS[column]
            _report(problems, file, column, frame, ~text.isin(allowed).fillna(False),
                    f"expected one of {', '.join(allowed)}", _as_text(frame[column]))
            out[column] = text

    out[spec.value] = _check_values(spec, frame, file, problems)
    marks = _check_flags(frame, file, problems)
    # Columns beyond the contract (notes, sources) are allowed and left out of the dataset.
    if len(problems) > before:
        return None
    _check_duplicates(spec, out, keys, frame, file, problems)
    if len(problems) > before:
        return None
    if spec.contiguous:
        _check_gaps(spec, out, keys, file, problems)
    if len(problems) > before:
        return None
    out = out.astype({c: "string" for c in keys if c != "year"})
    out = out.sort_values(keys, kind="stable")
    if rows is not None:
        rows[spec.name] = _row_numbers(out.index, file)
    if flags is not None and marks is not None:
        flags[spec.name] = marks.loc[out.index].reset_index(drop=True)
    return out.reset_index(drop=True)


def _check_flags(frame: pd.DataFrame, file: Path, problems: list[Problem]) -> pd.DataFrame | None:
    """The flag columns the file has: ``status`` as text, ``estimation_cv`` checked as a
    non-negative finite number (blank means none: 0)."""
    present = [c for c in FLAG_COLUMNS if c in frame.columns]
    if not present:
        return None
    marks = pd.DataFrame(index=frame.index)
    if "status" in present:
        marks["status"] = _as_text(frame["status"]).fillna("").astype(str)
    if "estimation_cv" in present:
        values, text = _parse_numbers(frame["estimation_cv"])
        blank = text.isna() | (text.fillna("") == "")
        bad = ~blank & ~(np.isfinite(values) & (values >= 0))
        _report(problems, file, "estimation_cv", frame, bad, "expected the estimation's "
                "coefficient of variation, a non-negative number (or blank)", text)
        marks["estimation_cv"] = values.where(~blank, 0.0).fillna(0.0).astype(float)
    return marks


def _is_age_band(text: str) -> bool:
    try:
        parse_age_band(text)
    except ValueError:
        return False
    return True


def _check_year(frame: pd.DataFrame, file: Path, problems: list[Problem]) -> pd.Series:
    values, text = _parse_numbers(frame["year"])
    not_number = values.isna() | ~np.isfinite(values.fillna(0))
    _report(problems, file, "year", frame, not_number, "expected a whole year such as 2015", text)
    fractional = ~not_number & (values != values.round())
    _report(problems, file, "year", frame, fractional, "expected a whole year such as 2015", text)
    low, high = YEAR_RANGE
    outside = ~not_number & ~fractional & ((values < low) | (values > high))
    _report(problems, file, "year", frame, outside, f"expected a year between {low} and {high}", text)
    # Unreadable, infinite or far-off years were reported above; 0 keeps the cast from failing.
    usable = np.isfinite(values.fillna(0)) & values.fillna(0).abs().lt(1e9)
    return values.where(usable, 0).fillna(0).round().astype("int64")


def _check_values(spec: TableSpec, frame: pd.DataFrame, file: Path,
                  problems: list[Problem]) -> pd.Series:
    column = spec.value
    values, text = _parse_numbers(frame[column])
    blank = text.isna() | (text.fillna("") == "") | (text.fillna("").str.lower().isin(["nan", "none", "<na>"]))
    unreadable = values.isna() & ~blank
    comma = unreadable & text.fillna("").str.match(_DECIMAL_COMMA)
    spaced = unreadable & text.fillna("").str.match(_SPACED_THOUSANDS) & ~comma
    other = unreadable & ~comma & ~spaced
    _report(problems, file, column, frame, blank, "the value is missing; expected a non-negative "
            "number (write 0 for none)", text)
    _report(problems, file, column, frame, comma, "decimal comma; expected a number with a "
            "decimal point, e.g. 1234.5", text)
    _report(problems, file, column, frame, spaced, "spaces inside a number; expected digits "
            "without thousands separators, e.g. 1234567", text)
    _report(problems, file, column, frame, other, "expected a non-negative number", text)
    finite = np.isfinite(values)
    _report(problems, file, column, frame, values.notna() & ~finite,
            "expected a finite number, not infinity", text)
    _report(problems, file, column, frame, finite & (values < 0),
            "expected a non-negative number", text)
    _report(problems, file, column, frame, finite & (values > spec.max_value),
            f"implausibly large; expected at most {spec.max_value:,.0f} ({spec.description})", text)
    return values


def _check_duplicates(spec: TableSpec, out: pd.DataFrame, keys: list[str], frame: pd.DataFrame,
                      file: Path, problems: list[Problem]) -> None:
    dup = out.duplicated(keys, keep=False)
    if not dup.any():
        return
    rows = _row_numbers(frame.index, file)
    groups = out[dup].groupby(keys, sort=True, dropna=False).indices
    shown = 0
    for key, positions in groups.items():
        if shown == ROWS_SHOWN:
            break
        key = key if isinstance(key, tuple) else (key,)
        label = ", ".join(f"{k}={v}" for k, v in zip(keys, key))
        at = [int(rows[out.index.get_loc(out[dup].index[p])]) for p in positions]
        originals = [frame.loc[out[dup].index[p], "region"] for p in positions] if "region" in keys else []
        note = ""
        if len(set(map(str, originals))) > 1:
            note = f" ({' and '.join(repr(str(o)) for o in originals)} name the same region)"
        problems.append(Problem(str(file), f"duplicate key {label} also in row(s) "
                                f"{', '.join(map(str, at[1:]))}{note}; expected each key once",
                                ", ".join(keys), at[0]))
        shown += 1
    extra = len(groups) - shown
    if extra > 0:
        problems.append(Problem(str(file), f"{extra} more duplicate key(s)", ", ".join(keys)))


def _check_gaps(spec: TableSpec, out: pd.DataFrame, keys: list[str], file: Path,
                problems: list[Problem]) -> None:
    series = [k for k in keys if k != "year"]
    grouped = out.groupby(series, sort=True)["year"] if series else None
    if grouped is None:
        years = np.sort(out["year"].unique())
        spans = pd.DataFrame({"min": [years.min()], "max": [years.max()], "count": [years.size]})
    else:
        spans = grouped.agg(["min", "max", "count"])
    gappy = spans[spans["count"] != spans["max"] - spans["min"] + 1]
    for k, (key, span) in enumerate(gappy.iterrows()):
        if k == ROWS_SHOWN:
            problems.append(Problem(str(file), f"{len(gappy) - k} more series with gaps", "year"))
            break
        key = key if isinstance(key, tuple) else (key,)
        present = set(out.loc[(out[series] == pd.Series(key, index=series)).all(axis=1), "year"]) if series else set(out["year"])
        holes = [y for y in range(int(span["min"]), int(span["max"]) + 1) if y not in present]
        label = ", ".join(f"{c}={v}" for c, v in zip(series, key)) or "the table"
        problems.append(Problem(str(file), f"years of {label} run {span['min']}-{span['max']} with "
                                f"{years_text(holes)} missing; expected every year in between",
                                "year"))


def years_text(years: list[int]) -> str:
    return ", ".join(map(str, years[:8])) + (" ..." if len(years) > 8 else "")


def check_coverage(tables: dict[str, pd.DataFrame], files: dict[str, Path],
                    problems: list[Problem]) -> None:
    """Population and migration must cover every region and year that employment has, and
    employment every region and year of the population within its own years (a table cut
    short, by a truncated file for instance, would otherwise drop regions from the quota)."""
    employment = tables.get("employment")
    if employment is None:
        return
    regional = employment[employment["region"] != regions.NATIONAL]
    population = tables.get("population")
    if population is not None and len(regional):
        last = int(regional["year"].max())
        people = population[(population["region"] != regions.NATIONAL)
                            & (population["year"] <= last)].groupby("region")["year"].max()
        ends = regional.groupby("region")["year"].max()
        for region, people_last in people.items():
            # A region may start later than the others (a short history), never stop early.
            end_year = ends.get(region)
            if end_year is None or (end_year < last and people_last > end_year):
                rows = "no employment rows" if end_year is None else f"employment only up to {end_year}"
                problems.append(Problem(str(files["employment"]), f"region {region} "
                                        f"({regions.region_name(region)}) has population up to "
                                        f"{int(people_last)} but {rows}; expected employment "
                                        f"up to {last} for every region of the population table "
                                        "(is the file cut short?)", "region"))
    needed = regional.groupby("region")["year"].agg(["min", "max"])
    for name in ("population", "migration"):
        table = tables.get(name)
        if table is None:
            continue
        have = table.groupby("region")["year"].agg(["min", "max"])
        for region, span in needed.iterrows():
            if region not in have.index:
                problems.append(Problem(str(files[name]), f"region {region} "
                                        f"({regions.region_name(region)}) has employment for "
                                        f"{span['min']}-{span['max']} but no rows here; expected "
                                        "the same regions and years as employment", "region"))
            elif have.loc[region, "min"] > span["min"] or have.loc[region, "max"] < span["max"]:
                problems.append(Problem(str(files[name]), f"region {region} covers "
                                        f"{have.loc[region, 'min']}-{have.loc[region, 'max']} but "
                                        f"employment covers {span['min']}-{span['max']}; expected "
                                        "every employment year", "year"))

