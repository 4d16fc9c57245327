"""Where data enter: read a data directory into one validated :class:`Dataset`.

A data directory holds one table per file (``employment.csv``, ``population.parquet``,
``wages.xlsx``, ...), in the long format of :mod:`forecast.inputs.schema`. :func:`load_data` reads every
table, checks every rule of the contract and either returns a :class:`Dataset` whose region and
sector columns hold codes, or raises :class:`~forecast.inputs.errors.DataValidationError` listing every
problem found, each with file, column, row, value and what was expected.
"""

from __future__ import annotations

import hashlib
import json
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Mapping

import pandas as pd

from forecast.inputs.errors import DataValidationError, Problem
from forecast.inputs.checks import check_coverage, validate_table
from forecast.inputs.consistency import (check_harmonization, check_population_bands,
                                         cross_table_warnings)
from forecast.inputs.real.flags import RowFlags, flags_of
from forecast.inputs.real.provenance import REAL_MARKER, table_provenance
from forecast.inputs.schema import SUFFIXES, TABLES

SAMPLE_MARKER = "synthetic-sample.json"


@dataclass(frozen=True)
class Dataset:
    """A validated data directory.

    Attributes
    ----------
    tables : mapping of str to DataFrame
        One long frame per table present, columns as in :data:`forecast.inputs.schema.TABLES`, region
        and sector as codes, ``year`` as int, values as float, sorted by key.
    source : str
        Where the data came from (a folder, or ``"embedded sample"``).
    sha256 : mapping of str to str
        File name -> sha256 of the file's bytes, for provenance in ``run.json``.
    synthetic_tables : tuple of str
        Tables that are the library's synthetic sample, not official statistics.
    warnings : tuple of str
        Things that did not stop the load but a user should know.
    provenance : mapping of str to dict
        Table -> ``{"provenance", "source", "detail"}``, provenance one of ``real``,
        ``provided``, ``estimated``, ``synthetic`` (:mod:`forecast.inputs.real.provenance`).

    Tables whose file has a ``status`` or ``estimation_cv`` column (``labor-forecast
    real-data`` writes both) carry them as a :class:`~forecast.inputs.real.flags.RowFlags` in
    ``DataFrame.attrs["flags"]``: see :attr:`flags` and :attr:`unscored`.
    """

    tables: Mapping[str, pd.DataFrame]
    source: str
    sha256: Mapping[str, str] = field(default_factory=dict)
    synthetic_tables: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()
    provenance: Mapping[str, dict] = field(default_factory=dict)

    def __getitem__(self, name: str) -> pd.DataFrame:
        return self.tables[name]

    def __contains__(self, name: object) -> bool:
        return name in self.tables

    @property
    def flags(self) -> dict[str, pd.DataFrame]:
        """Table -> its flag columns: key columns plus ``status`` (e.g. ``estimated;interpolated``)
        and/or ``estimation_cv`` (the relative spread of an estimated value over plausible
        priors), one row per row of the table as loaded; only tables whose file had them."""
        return {name: flags.frame for name, frame in self.tables.items()
                if (flags := flags_of(frame)) is not None}

    @property
    def unscored(self) -> dict[str, pd.DataFrame]:
        """Table -> key columns of its rows flagged ``interpolated``: not observations, so no
        back-test scores a forecast against them (``forecast.shortage.backtest``,
        ``forecast.quota.backtest``, the shortage quantiles' calibration). Only tables with
        such rows."""
        out = {}
        for name, frame in self.tables.items():
            flags = flags_of(frame)
            rows = flags.interpolated() if flags is not None else None
            if rows is not None and len(rows):
                out[name] = rows
        return out

    @property
    def is_synthetic(self) -> bool:
        """True when any table is the synthetic sample."""
        return bool(self.synthetic_tables)

    def table_provenance(self) -> dict[str, dict]:
        """Provenance of every table, ``synthetic`` or ``provided`` where none was recorded."""
        out = {}
        for name in self.tables:
            kind = "synthetic" if name in self.synthetic_tables else "provided"
            out[name] = dict(self.provenance.get(name) or {"provenance": kind, "source": self.source,
                                                           "detail": ""})
        return out

    @property
    def last_year(self) -> int:
        """The last year of the employment table: the origin of every forecast."""
        return int(self.tables["employment"]["year"].max())

    @property
    def first_year(self) -> int:
        return int(self.tables["employment"]["year"].min())

    def as_of(self, year: int) -> "Dataset":
        """The data as they stood at the end of ``year``: every table cut at that year."""
        return self.replace(**{name: frame[frame["year"] <= year] for name, frame in self.tables.items()})

    def replace(self, **tables: pd.DataFrame) -> "Dataset":
        """A copy with some tables replaced (used by harmonization and scenarios)."""
        merged = dict(self.tables)
        merged.update(tables)
        return Dataset(merged, self.source, self.sha256, self.synthetic_tables, self.warnings,
                       self.provenance)


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def load_data(path: str | Path) -> Dataset:
    """Read and validate a data directory.

    Parameters
    ----------
    path : str or Path
        A folder with one file per table: ``<table>.csv`` (UTF-8, comma-separated),
        ``<table>.parquet`` or ``<table>.xlsx`` (first sheet, or a sheet named after the table).

    Returns
    -------
    Dataset

    Raises
    ------
    DataValidationError
        With every problem found: missing tables or columns, wrong types, negative, missing or
        non-finite values, implausibly large values, duplicate keys, unknown regions, sectors or
        categories, gaps in a series' years, unreadable files, a column given twice, population
        age bands that do not tile ages 0..89, tables that cannot be put on one set of region
        boundaries (:mod:`forecast.inputs.harmonize`).

    Notes
    -----
    Accepted data a user should look at are named in :attr:`Dataset.warnings`: national ``KZ``
    rows that disagree with the sum of the regions by more than 0.5%, vacancies in a sector
    employment does not have (left out of demand), a migration table without emigration rows
    (emigration taken as zero).
    """
    folder = Path(path)
    if not folder.is_dir():
        reason = "does not exist" if not folder.exists() else "is not a folder"
        raise DataValidationError([Problem(str(folder), f"the data directory {reason}; expected a "
                                           "folder with one file per table (employment.csv, ...)")])
    problems: list[Problem] = []
    warnings: list[str] = []
    files = _table_files(folder, problems, warnings)
    tables: dict[str, pd.DataFrame] = {}
    rows: dict = {}
    marks: dict = {}
    for name, file in files.items():
        frame = _read_table(file, problems)
        if frame is not None:
            checked = validate_table(TABLES[name], frame, file, problems, rows, marks)
            if checked is not None:
                if name in marks:  # key columns as checked (codes), beside the flag columns
                    keys = [c for c in checked.columns if c != TABLES[name].value]
                    flagged = pd.concat([checked[keys], marks[name]], axis=1)
                    checked.attrs["flags"] = RowFlags(tuple(keys), flagged)
                tables[name] = checked
    if not problems:
        check_coverage(tables, files, problems)
        check_population_bands(tables, files, problems, rows)
    if not problems:
        check_harmonization(tables, files, problems)
    if problems:
        raise DataValidationError(problems)
    sha = {file.name: sha256_file(file) for file in files.values()}
    provenance = table_provenance(folder, files, sha, tables, _sample_sha(folder))
    synthetic = tuple(sorted(n for n, p in provenance.items() if p["provenance"] == "synthetic"))
    warnings.extend(cross_table_warnings(tables, files))
    return Dataset(tables, str(folder), sha, synthetic, tuple(warnings), provenance)


def _table_files(folder: Path, problems: list[Problem], warnings: list[str]) -> dict[str, Path]:
    found: dict[str, list[Path]] = {}
    for file in sorted(folder.iterdir()):
        if (file.name.startswith(".") or file.name in (SAMPLE_MARKER, REAL_MARKER)
                or not file.is_file()):
            continue
        if file.suffix.lower() not in SUFFIXES:
            if file.suffix.lower() not in (".txt", ".md", ".toml", ".json"):
                warnings.append(f"{file.name}: ignored, not a .csv, .parquet or .xlsx table")
            continue
        if file.stem not in TABLES:
            warnings.append(f"{file.name}: ignored, {file.stem!r} is not a table of the contract "
                            f"({', '.join(TABLES)})")
            continue
        found.setdefault(file.stem, []).append(file)
    for name, spec in TABLES.items():
        if spec.required and name not in found:
            problems.append(Problem(str(folder / f"{name}.csv"), f"required table {name!r} is "
                                    f"missing ({spec.description}); expected {name}.csv, "
                                    f"{name}.parquet or {name}.xlsx in {folder}"))
    for name, paths in found.items():
        if len(paths) > 1:
            problems.append(Problem(str(paths[0]), f"table {name!r} is given by "
                                    f"{len(paths)} files ({', '.join(p.name for p in paths)}); "
                                    "expected exactly one"))
    return {name: paths[0] for name, paths in found.items() if len(paths) == 1}


def _read_table(file: Path, problems: list[Problem]) -> pd.DataFrame | None:
    """Read a file as text cells (CSV, XLSX) or typed columns (Parquet), or record why not."""
    suffix = file.suffix.lower()
    try:
        if file.stat().st_size == 0:
            problems.append(Problem(str(file), "the file is empty; expected a header row and data"))
            return None
        if suffix == ".csv":
            frame = _read_csv(file, problems)
        elif suffix == ".parquet":
            frame = pd.read_parquet(file)
        else:
            frame = _read_xlsx(file)
    except UnicodeDecodeError as exc:
        problems.append(Problem(str(file), f"the file is not UTF-8 text (byte {exc.start} cannot be "
                                "decoded); save it as CSV UTF-8, or import statistical-office "
                                "exports in other encodings with forecast.inputs.bns_import"))
        return None
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, TypeError, EOFError) as exc:
        if isinstance(exc, pd.errors.EmptyDataError):
            problems.append(Problem(str(file), "the file has no header row; expected the columns "
                                    "of the contract"))
        else:
            kind = {".parquet": "Parquet", ".xlsx": "XLSX"}.get(suffix, "CSV")
            reason = " ".join(str(exc).split())[:200]
            found = re.search(r"Expected (\d+) fields in line (\d+), saw (\d+)", reason)
            if found:
                reason = (f"line {found[2]} has {found[3]} fields where the header has {found[1]}: "
                          "a separator inside a value must be quoted")
            else:
                reason = f"{type(exc).__name__}: {reason}"
            problems.append(Problem(str(file), f"cannot be read as {kind} ({reason}); expected a "
                                    f"valid {kind} file"))
        return None
    if frame is None:
        return None
    frame.columns = [str(c).strip() for c in frame.columns]
    if _duplicate_columns(frame, file, problems):
        return None
    if frame.empty:
        problems.append(Problem(str(file), "the table has a header but no data rows"))
        return None
    return frame.reset_index(drop=True)


def _duplicate_columns(frame: pd.DataFrame, file: Path, problems: list[Problem]) -> bool:
    """Record a column of the contract given more than once (after stripping spaces)."""
    spec = TABLES.get(file.stem)
    wanted = set(spec.keys) | set(spec.optional_keys) | {spec.value} if spec else set()
    names = list(frame.columns)
    found = False
    for name in dict.fromkeys(names):
        at = [i for i, n in enumerate(names) if n == name]
        if len(at) > 1 and name in wanted:
            found = True
            problems.append(Problem(str(file), f"column {name!r} is given {len(at)} times (columns "
                                    f"{', '.join(str(i + 1) for i in at)} of the header); expected "
                                    "each column once", name, 1, name))
    return found


def _header_first(frame: pd.DataFrame) -> pd.DataFrame:
    """Use a frame read without a header's first row as its header, keeping repeated names
    (pandas would rename a second ``employed`` to ``employed.1`` and it would go unnoticed)."""
    if frame.empty:
        raise pd.errors.EmptyDataError("no header row")
    header = ["" if (isinstance(c, float) and c != c) else str(c) for c in frame.iloc[0]]
    body = frame.iloc[1:].reset_index(drop=True)
    body.columns = header
    return body


def _read_csv(file: Path, problems: list[Problem]) -> pd.DataFrame | None:
    frame = _header_first(pd.read_csv(file, dtype=str, keep_default_na=False,
                                      encoding="utf-8-sig", header=None))
    if frame.shape[1] == 1 and ";" in frame.columns[0]:
        problems.append(Problem(str(file), "columns are separated by ';'; expected ',' (save as "
                                "'CSV UTF-8 (comma delimited)')"))
        return None
    return frame


def _read_xlsx(file: Path) -> pd.DataFrame:
    with pd.ExcelFile(file, engine="openpyxl") as book:
        sheet = file.stem if file.stem in book.sheet_names else book.sheet_names[0]
        frame = pd.read_excel(book, sheet_name=sheet, dtype=object, header=None)
    return _header_first(frame).dropna(how="all")


def _sample_sha(folder: Path) -> dict[str, str]:
    """The sample's file checksums, when ``folder`` holds the sample's marker."""
    marker = folder / SAMPLE_MARKER
    if not marker.is_file():
        return {}
    try:
        return dict(json.loads(marker.read_text(encoding="utf-8")).get("sha256", {}))
    except (ValueError, OSError, AttributeError):
        return {}
