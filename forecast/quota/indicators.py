"""Where the policy's effectiveness indicators are computed, from published and user data.

Reviews of Kazakhstan's labour-migration policy note that it has no quantitative indicators of
effectiveness. These are the ones this library can compute every year:

- ``quota_utilisation``: foreign workers holding permits / quota (published figures,
  ``forecast/data/kz_public/quota_history_kz.csv``, sources per row);
- ``quota_percent_of_labour_force``: the legal rate of each year (same file);
- ``skilled_share_of_emigration``: emigrants with higher or vocational education / all emigrants;
- ``net_skilled_migration``: skilled immigrants minus skilled emigrants;
- ``permits_per_skilled_emigrant``: foreign permits valid / skilled emigrants (how far foreign
  recruitment replaces the skilled people who leave);
- ``quota_share_in_shortage``: share of a proposal's quota in lines forecast in shortage.
"""

from __future__ import annotations

from importlib import resources

import numpy as np
import pandas as pd

from forecast.inputs.loader import Dataset

QUOTA_HISTORY = "kz_public/quota_history_kz.csv"
COLUMNS = ["indicator", "year", "value", "unit", "source"]


def quota_history() -> pd.DataFrame:
    """The published quota history shipped with the package."""
    with resources.files("forecast.data").joinpath(QUOTA_HISTORY).open(encoding="utf-8") as fh:
        return pd.read_csv(fh)


def utilisation(history: pd.DataFrame | None = None) -> pd.DataFrame:
    """Quota utilisation and the legal rate by year, where published."""
    history = quota_history() if history is None else history
    used = history.dropna(subset=["quota_persons", "foreign_workers_with_permits"])
    rate = history.dropna(subset=["quota_pct_of_labor_force"])
    source = "forecast/data/" + QUOTA_HISTORY
    return pd.concat([
        pd.DataFrame({"indicator": "quota_utilisation", "year": used["year"],
                      "value": (used["foreign_workers_with_permits"] / used["quota_persons"]).round(4),
                      "unit": "share", "source": source + ": " + used["source"]}),
        pd.DataFrame({"indicator": "quota_percent_of_labour_force", "year": rate["year"],
                      "value": rate["quota_pct_of_labor_force"], "unit": "percent",
                      "source": source + ": " + rate["source"]}),
    ], ignore_index=True)[COLUMNS]


def migration_indicators(data: Dataset) -> pd.DataFrame:
    """Skilled share of emigration, net skilled migration and permits per skilled emigrant."""
    migration = data["migration"]
    migration = migration[migration["region"] != "KZ"]
    skilled = migration["education"].isin(["higher", "tvet"])
    by_year = migration.assign(skilled=np.where(skilled, migration["persons"], 0.0)).pivot_table(
        index="year", columns="flow", values=["persons", "skilled"], aggfunc="sum").fillna(0.0)
    source = f"{data.source}: migration" + (" (synthetic sample)" if "migration" in data.synthetic_tables else "")
    years = by_year.index.to_numpy()
    parts = []
    if ("persons", "emigration") in by_year:
        emigrants = by_year[("persons", "emigration")]
        skilled_out = by_year[("skilled", "emigration")]
        share = (skilled_out / emigrants.where(emigrants > 0)).round(4)
        parts.append(pd.DataFrame({"indicator": "skilled_share_of_emigration", "year": years,
                                   "value": share.to_numpy(), "unit": "share", "source": source}))
        if ("skilled", "immigration") in by_year:
            net = by_year[("skilled", "immigration")] - skilled_out
            parts.append(pd.DataFrame({"indicator": "net_skilled_migration", "year": years,
                                       "value": net.to_numpy(), "unit": "persons", "source": source}))
        if "permits" in data:
            permits = data["permits"]
            permits = permits[permits["region"] != "KZ"].groupby("year")["permits"].sum()
            ratio = (permits.reindex(by_year.index) / skilled_out.where(skilled_out > 0)).round(4)
            psource = f"{data.source}: permits, migration"
            parts.append(pd.DataFrame({"indicator": "permits_per_skilled_emigrant", "year": years,
                                       "value": ratio.to_numpy(), "unit": "ratio", "source": psource}))
    frame = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=COLUMNS)
    return frame.dropna(subset=["value"])[COLUMNS]


def effectiveness_indicators(data: Dataset | None = None, quota: pd.DataFrame | None = None,
                             year: int | None = None) -> pd.DataFrame:
    """Every indicator available: long frame ``indicator, year, value, unit, source``."""
    parts = [utilisation()]
    if data is not None and "migration" in data:
        parts.append(migration_indicators(data))
    if quota is not None and quota["quota"].sum() > 0:
        short = quota["tier"].isin(["shortage", "severe shortage"])
        share = float(quota.loc[short, "quota"].sum() / quota["quota"].sum())
        parts.append(pd.DataFrame([{"indicator": "quota_share_in_shortage", "year": year,
                                    "value": round(share, 4), "unit": "share",
                                    "source": "this proposal"}]))
    frame = pd.concat(parts, ignore_index=True)
    frame["year"] = frame["year"].astype("Int64")
    return frame[COLUMNS]
