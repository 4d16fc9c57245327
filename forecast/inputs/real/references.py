"""Published Kazakhstan figures a run is set beside: the reference block of ``run.json``.

- the data reproduce the published totals: employed 2024 = 9,214.184 thousand (BNS 102798),
  labour force 2024 = 9,663.991 thousand (BNS 102800);
- the proposal's sector mix beside foreign workers by sector in 2023 (construction 34.5%,
  agriculture 11.5%, mining 9.6%, manufacturing 8.3%);
- its category mix beside the 2026 quota order (categories 1-4 and seasonal: 726 / 3,402 /
  5,893 / 3,131 / 4,994);
- its total beside the permits in use (the last year the quota history gives);
- the openings over ten years by sector beside the Ministry's 2025-2035 forecast (about 2.9
  million workers needed: education 447.7k, trade 251.3k, health 240.4k, manufacturing 231.4k,
  agriculture 222.1k, construction 216.8k), shown in the report of a run on real data.
"""

from __future__ import annotations

from importlib import resources

import pandas as pd

from forecast.inputs.real.tables import published_orders

__all__ = ["EMPLOYED_2024", "LABOUR_FORCE_2024", "FOREIGN_SECTOR_MIX_2023", "ORDER_2026",
           "MINISTRY_OPENINGS_2025_2035", "MINISTRY_TOTAL_2025_2035", "SOURCE_MINISTRY",
           "reference_rows"]

EMPLOYED_2024 = 9_214_184
LABOUR_FORCE_2024 = 9_663_991
FOREIGN_SECTOR_MIX_2023 = {"F": 34.5, "A": 11.5, "B": 9.6, "C": 8.3}
# Persons per category of the 2026 order: 726 / 3,402 / 5,893 / 3,131 / 4,994.
ORDER_2026 = published_orders()[2026]
SOURCE_BNS = "BNS labour-force survey (stat.gov.kz)"
SOURCE_MIX = "foreign workers by sector, 2023 (kz-public SOURCES.md)"
SOURCE_ORDER = "2026 quota order (quota_history_kz.csv)"
# Workers needed in 2025-2035 by OKED section (education P, trade G, health Q, manufacturing C,
# agriculture A, construction F) and in all, as published; the other sections are not published.
MINISTRY_OPENINGS_2025_2035 = {"P": 447_700, "G": 251_300, "Q": 240_400, "C": 231_400,
                               "A": 222_100, "F": 216_800}
MINISTRY_TOTAL_2025_2035 = 2_900_000  # "about 2.9M"
SOURCE_MINISTRY = ("the Ministry's 2025-2035 forecast of the workers needed, about 2.9 million "
                   "(kz-public SOURCES.md)")


def _permits_in_use() -> tuple[int, int] | None:
    path = resources.files("forecast.data").joinpath("kz_public/quota_history_kz.csv")
    with path.open(encoding="utf-8") as fh:
        history = pd.read_csv(fh)
    known = history[history["foreign_workers_with_permits"].notna()]
    if known.empty:
        return None
    last = known.iloc[-1]
    return int(last["year"]), int(last["foreign_workers_with_permits"])


def reference_rows(tables: dict, quota: pd.DataFrame) -> list[dict]:
    """Rows ``reference, published, this_run, unit, source`` for ``run.json["references"]``.

    Parameters
    ----------
    tables : mapping of str to DataFrame
        The run's data tables (``employment``, optional ``labour_force``).
    quota : DataFrame
        The proposal: ``sector``, ``category``, ``quota`` per line.
    """
    rows = []
    employment = tables["employment"]
    at = employment[(employment["year"] == 2024) & (employment["region"] != "KZ")]
    if len(at):
        rows.append({"reference": "employed_2024", "published": EMPLOYED_2024,
                     "this_run": float(at["employed"].sum()), "unit": "persons", "source": SOURCE_BNS})
    if "labour_force" in tables:
        labour = tables["labour_force"]
        at = labour[(labour["year"] == 2024) & (labour["region"] != "KZ")]
        if len(at):
            rows.append({"reference": "labour_force_2024", "published": LABOUR_FORCE_2024,
                         "this_run": float(at["labour_force"].sum()), "unit": "persons",
                         "source": SOURCE_BNS})
    total = float(quota["quota"].sum())
    by_sector = quota.groupby("sector")["quota"].sum()
    for sector, share in FOREIGN_SECTOR_MIX_2023.items():
        rows.append({"reference": f"sector_share_{sector}", "published": share,
                     "this_run": round(100 * float(by_sector.get(sector, 0)) / total, 1) if total else None,
                     "unit": "%", "source": SOURCE_MIX})
    by_category = quota.groupby(quota["category"].astype(str))["quota"].sum()
    ordered = sum(ORDER_2026.values())
    for category, persons in ORDER_2026.items():
        rows.append({"reference": f"category_share_{category}",
                     "published": round(100 * persons / ordered, 1),
                     "this_run": round(100 * float(by_category.get(category, 0)) / total, 1) if total else None,
                     "unit": "%", "source": SOURCE_ORDER + f": {persons:,} of {ordered:,}"})
    permits = _permits_in_use()
    if permits is not None:
        rows.append({"reference": f"permits_in_use_{permits[0]}", "published": permits[1],
                     "this_run": total, "unit": "persons", "source": "quota_history_kz.csv"})
    return rows
