"""``labor-forecast real-data DIR``: a complete data directory from the real published tables.

Writes ``employment.csv`` (estimated grid), ``population.csv`` and ``migration.csv`` (estimated),
``labour_force.csv`` and ``quota.csv`` (real), the publisher's ``SOURCES.md`` and
``real-data.json``: each table's sha256 and provenance, what it was made from, the assumptions
behind the estimated ones, how closely the grid reproduces every published margin, and which
optional tables have no public source (and what replaces them in a run). Every file carries a
``status`` column flagging estimated, interpolated (2015), back-cast and extrapolated values,
which the loader keeps (:mod:`forecast.inputs.real.flags`: interpolated values are never
scored); ``employment.csv`` also has ``estimation_cv``, each cell's relative spread over
refits from plausible priors (:mod:`forecast.inputs.real.uncertainty`), summarised in
``real-data.json["estimation"]``.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pandas as pd

from forecast.deliverables.locking import output_lock
from forecast.deliverables.outputs import (make_backup, new_stage, recover, remove_backup,
                                           seal_stage)
from forecast.inputs.errors import InputError, option
from forecast.inputs.loader import sha256_file
from forecast.inputs.real.demography import labour_force_table, migration_table, population_table
from forecast.inputs.real.grid import employment_grid
from forecast.inputs.real.provenance import MISSING_TABLES, REAL_MARKER
from forecast.inputs.real.tables import PUBLISHER, quota_history, shipped_path
from forecast.inputs.real.uncertainty import estimation_spread, refit_grids, spread_summary

__all__ = ["write_real_directory", "summary_lines", "TABLE_NOTES"]

TABLE_NOTES = {
    "employment": ("estimated", "BNS elements 102798, 443430, 443435, 443438, 5831; Taldau 702840",
                   "region x section x skill by iterative proportional fitting to the published "
                   "region totals, region x broad sector (2016 on) and national sections; skill "
                   "mix within sections a documented national prior; 2015 regional totals "
                   "interpolated; S includes T and U"),
    "population": ("estimated", "BNS population by region (open-data-kazakhstan), data.egov.kz "
                   "age-sex table", "regional totals x the one-year sex x broad age shares; "
                   "2024-2025 carried forward by each region's growth of 2018-2023"),
    "migration": ("estimated", "published national emigration and immigration totals",
                  "no public table by region and education: national totals shared by population "
                  "x zone weights, education 38/34/28% (emigrants 2011-2022), 16/25/59% "
                  "(immigrants); no internal migration"),
    "labour_force": ("real", "BNS element 102800 (labour force, 15+)",
                     "thousand persons to persons; 2015 interpolated; new units back-cast"),
    "quota": ("real", "quota_history_kz.csv (legal acts and news reports)",
              "national quota in persons where published; 2025 and 2026, published by "
              "category only, as the sum of categories 1-4 and seasonal"),
}
MISSING = ("vacancies", "wages", "graduates", "permits", "applicants")


def write_real_directory(folder: str | Path, *, force: bool = False) -> dict:
    """Write the real data directory into ``folder`` and return its ``real-data.json`` content.

    Raises
    ------
    InputError
        If ``folder`` is not a folder, or is not empty and is not an earlier real-data
        directory holding only the files this function writes (``force`` replaces those).
    """
    target = Path(folder)
    _check_target(target, force)  # before minutes of work, and again once the folder is locked
    grid = employment_grid()
    refits = refit_grids()
    spread = estimation_spread(refits)
    employment = grid.table.merge(spread, on=["region", "sector", "year", "skill"], how="left")
    employment["estimation_cv"] = employment["estimation_cv"].fillna(0.0)
    employment = employment[["region", "sector", "year", "skill", "employed", "estimation_cv",
                             "status"]]
    first, last = int(grid.table["year"].min()), int(grid.table["year"].max())
    frames = {"employment": employment, "population": population_table(first, last),
              "migration": migration_table(first, last), "labour_force": labour_force_table(),
              "quota": quota_history()}
    with staged_directory(target, check=lambda: _check_target(target, force)) as stage:
        info = _write_tables(stage, frames, grid, refits, spread)
    return info


def _check_target(target: Path, force: bool) -> None:
    """Refuse a ``target`` that real-data must not write into (see :func:`write_real_directory`)."""
    if target.exists() and not target.is_dir():
        raise InputError(f"{target}: exists and is not a folder; expected a new or empty folder")
    if target.is_symlink():
        raise InputError(f"{target}: is a symbolic link; expected a new or empty folder, or an "
                         f"earlier real-data directory with {option('force', True)}")
    if target.is_dir() and any(target.iterdir()):
        ours = {f"{name}.csv" for name in TABLE_NOTES} | {"SOURCES.md", REAL_MARKER}
        entries = list(target.iterdir())
        linked = sorted(p.name for p in entries if p.is_symlink() or not p.is_file())
        if force and linked:
            raise InputError(f"{target}: {', '.join(linked)} is not a plain file (a link or a "
                             f"folder); {option('force', True)} replaces only the files real-data "
                             "wrote")
        earlier = (target / REAL_MARKER).is_file() and {p.name for p in entries} <= ours
        if not (force and earlier):
            hint = f" (pass {option('force', True)} to replace it)" if earlier else ""
            raise InputError(f"{target}: the folder is not empty{hint}; expected a new or empty "
                             f"folder, or an earlier real-data directory with {option('force', True)}")


def _write_tables(target: Path, frames: dict[str, pd.DataFrame], grid, refits, spread) -> dict:
    tables = {}
    for name, frame in frames.items():
        path = target / f"{name}.csv"
        frame.to_csv(path, index=False, lineterminator="\n")
        provenance, source, assumption = TABLE_NOTES[name]
        tables[name] = {"file": path.name, "sha256": sha256_file(path), "provenance": provenance,
                        "source": source, "assumption": assumption, "rows": int(len(frame)),
                        "years": [int(frame["year"].min()), int(frame["year"].max())]}
        if "status" in frame.columns:
            tables[name]["status_counts"] = {str(k): int(v) for k, v in
                                             frame["status"].value_counts().sort_index().items()}
    shutil.copyfile(shipped_path("SOURCES.md"), target / "SOURCES.md")
    fit = grid.fit.groupby("margin")["max_abs_deviation"].max()
    worst = grid.fit.loc[grid.fit.groupby("margin")["max_abs_deviation"].idxmax(), ["margin", "year"]]
    info = {
        "package": "labor-demand-forecast",
        "publisher": PUBLISHER,
        "tables": tables,
        "missing": {name: MISSING_TABLES[name] for name in MISSING},
        "grid_fit": {margin: {"max_abs_deviation": float(fit[margin]),
                              "worst_year": int(worst.set_index("margin").loc[margin, "year"])}
                     for margin in fit.index},
        "references": published_references(frames),
        "estimation": spread_summary(spread, grid.table["employed"], refits),
    }
    (target / REAL_MARKER).write_text(json.dumps(info, indent=2, ensure_ascii=False) + "\n",
                                      encoding="utf-8")
    return info


@contextlib.contextmanager
def staged_directory(target: Path, check: Callable[[], None] | None = None) -> Iterator[Path]:
    """A new folder beside ``target`` to write into; it becomes ``target`` when all is written.

    As the main job's output folder (:func:`forecast.deliverables.outputs.staged_output`): one run
    at a time holds the folder's lock; an interrupted or failed write leaves ``target`` as it
    was; an earlier directory is moved into a marked backup only once the new one is complete,
    and deleted after the new one is in place. A run killed outright (between the two renames,
    say) is cleaned up by the next: its staging folder deleted once its process is gone, and an
    earlier directory stranded in its backup put back. ``check``, when given, is called once the
    folder is locked and cleaned up, before anything is written (it raises to refuse the folder).
    """
    target = Path(target).resolve()
    target.parent.mkdir(parents=True, exist_ok=True)
    with output_lock(target):
        recover(target)
        if check is not None:
            check()
        stage = new_stage(target)
        try:
            yield stage
            seal_stage(stage)
            if target.exists() and any(target.iterdir()):
                backup = make_backup(target)
                os.replace(stage, target)
                remove_backup(backup)
            else:
                if target.exists():
                    target.rmdir()
                os.replace(stage, target)
        except BaseException:
            shutil.rmtree(stage, ignore_errors=True)
            raise


def published_references(frames: dict[str, pd.DataFrame]) -> dict:
    """The published totals the directory reproduces (employed and labour force, 2024)."""
    employment, labour = frames["employment"], frames["labour_force"]
    return {"employed_2024": int(employment.loc[employment["year"] == 2024, "employed"].sum()),
            "employed_2024_published": 9_214_184,
            "labour_force_2024": int(labour.loc[labour["year"] == 2024, "labour_force"].sum()),
            "labour_force_2024_published": 9_663_991}


def summary_lines(folder: str | Path, info: dict) -> list[str]:
    """What ``labor-forecast real-data`` prints: the tables and their provenance, the fit to the
    published margins, the published totals reproduced and the tables with no public source."""
    refs = info["references"]
    return [
        f"wrote {len(info['tables'])} tables to {folder}: "
        + ", ".join(f"{name} ({entry['provenance']})" for name, entry in info["tables"].items()),
        "employment grid reproduces the published margins: "
        + "; ".join(f"{margin} max |deviation| {entry['max_abs_deviation']:,.0f} (worst {entry['worst_year']})"
                    for margin, entry in info["grid_fit"].items()),
        f"employed 2024: {refs['employed_2024']:,} (published {refs['employed_2024_published']:,}); "
        f"labour force 2024: {refs['labour_force_2024']:,} "
        f"(published {refs['labour_force_2024_published']:,})",
        "no public source, left out: " + "; ".join(info["missing"].values()),
    ]
