"""Where each table of a data directory comes from: ``real``, ``provided``, ``estimated`` or
``synthetic``.

The rule, applied to every table file of a directory:

1. a table listed in the directory's ``real-data.json`` (written by ``labor-forecast real-data``)
   with the file's sha256 is what that manifest says: ``real`` (a shipped published table in
   the contract's layout) or ``estimated`` (derived by the library from published margins and
   documented assumptions);
2. otherwise a table is ``synthetic`` when it *is* the embedded sample's: its sha256 is the
   sample's, or at least :data:`SYNTHETIC_SHARE` (half) of its rows have a key and a value
   equal to a row of the sample's table. A hand-edited sample table therefore stays synthetic
   until most of its rows are replaced. Rows equal to a published figure the sample copies (the
   sample's quota history is the real one) are no evidence either way and are not counted as
   the sample's;
3. anything else is ``provided``: the user's own table.

A changed ``real-data`` table (its sha256 differs) falls to rule 2 or 3: ``provided`` once
edited, since the library can no longer vouch for it.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Mapping

import pandas as pd

from forecast.inputs.schema import TABLES

__all__ = ["REAL_MARKER", "PROVENANCES", "SYNTHETIC_SHARE", "MISSING_TABLES", "table_provenance",
           "synthetic_share"]

REAL_MARKER = "real-data.json"
PROVENANCES = ("real", "provided", "estimated", "synthetic")
SYNTHETIC_SHARE = 0.5
# What replaces each optional table when a directory has none (shown in run.json and the report).
MISSING_TABLES = {
    "vacancies": "no vacancies: demand is employment alone (no unfilled posts added) and the "
                 "demand models have no vacancy rate",
    "wages": "no wages: the demand models have no wage features",
    "graduates": "no graduates: no graduates among the skilled job seekers (school leavers from "
                 "the population still enter low-skill work), so skilled shortages, the eligible "
                 "need and any ceiling said to cover it are upper bounds",
    "permits": "no permits: the expected uptake of every line is the assumed use of a new quota "
               "line, not a forecast; no seasonal need is estimated from permits; last year's "
               "quota is spread over lines by today's rule, not by the permits in use",
    "quota": "no quota history: no comparison with last year's quota",
    "applicants": "no employment-office applicants: no hires from the registered unemployed "
                  "among the job seekers",
    "labour_force": "no labour force: the ceiling's labour force is employment plus applicants",
}


def _sample_tables() -> dict[str, pd.DataFrame]:
    from forecast.inputs.sample import sample_directory

    out = {}
    for name in TABLES:
        file = sample_directory() / f"{name}.csv"
        if file.is_file():
            out[name] = pd.read_csv(file, dtype=str, keep_default_na=False)
    return out


def synthetic_share(name: str, table: pd.DataFrame, sample: pd.DataFrame | None = None) -> float:
    """Share of ``table``'s rows (a validated table) whose key and value equal a row of the
    embedded sample's table ``name`` (0.0 when the sample has no such table), among the rows
    that are not published figures the sample copies."""
    if sample is None:
        sample = _sample_tables().get(name)
    if sample is None or table.empty:
        return 0.0
    spec = TABLES[name]
    columns = [c for c in (*spec.keys, *spec.optional_keys, spec.value) if c in table.columns]
    if any(c not in sample.columns for c in columns):
        return 0.0

    def canonical(frame: pd.DataFrame) -> pd.DataFrame:
        out = frame[columns].astype(str).apply(lambda c: c.str.strip().str.casefold())
        out[spec.value] = pd.to_numeric(frame[spec.value], errors="coerce").astype(float).round(6).astype(str)
        out["year"] = pd.to_numeric(frame["year"], errors="coerce").astype("Int64").astype(str)
        return out.drop_duplicates()

    mine = canonical(table)
    published = _published_rows(name)
    if published is not None:  # rows that are published figures are no evidence of the sample
        mine = mine.merge(canonical(published), on=columns, how="left", indicator=True)
        mine = mine[mine.pop("_merge") == "left_only"]
    if mine.empty:
        return 0.0
    matched = mine.merge(canonical(sample), on=columns, how="inner")
    return len(matched) / len(mine)


def _published_rows(name: str) -> pd.DataFrame | None:
    """Real figures the sample itself copies (its quota history is the published one)."""
    if name != "quota":
        return None
    from forecast.inputs.real.tables import quota_history

    return quota_history()


def table_provenance(folder: Path, files: Mapping[str, Path], sha: Mapping[str, str],
                     tables: Mapping[str, pd.DataFrame],
                     sample_sha: Mapping[str, str]) -> dict[str, dict]:
    """Provenance of every table read: ``{name: {"provenance", "source", "detail"}}``.

    ``sample_sha`` maps file names to the sample's sha256 (from its ``synthetic-sample.json``
    when the directory holds one). See the module docstring for the rule.
    """
    real = _real_manifest(folder)
    sample = None
    out: dict[str, dict] = {}
    for name, file in files.items():
        entry = real.get(name)
        if entry and entry.get("sha256") == sha[file.name] and entry.get("provenance") in PROVENANCES:
            out[name] = {"provenance": entry["provenance"], "source": entry.get("source", ""),
                         "detail": entry.get("assumption", "")}
            continue
        if sample_sha.get(file.name) == sha[file.name]:
            out[name] = {"provenance": "synthetic", "source": "embedded synthetic sample",
                         "detail": "the sample's file, unchanged"}
            continue
        if sample is None:
            sample = _sample_tables()
        share = synthetic_share(name, tables[name], sample.get(name)) if name in tables else 0.0
        if share >= SYNTHETIC_SHARE:
            out[name] = {"provenance": "synthetic", "source": "embedded synthetic sample",
                         "detail": f"{share:.0%} of its rows equal the sample's"}
        else:
            out[name] = {"provenance": "provided", "source": file.name,
                         "detail": "the user's own table" + (f" ({share:.0%} of rows equal the "
                                                             "sample's)" if share else "")}
    return out


def _real_manifest(folder: Path) -> dict:
    marker = folder / REAL_MARKER
    if not marker.is_file():
        return {}
    try:
        return json.loads(marker.read_text(encoding="utf-8")).get("tables", {})
    except (ValueError, OSError):
        return {}
