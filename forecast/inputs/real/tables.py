"""The real published tables the package ships, read into tidy frames.

``forecast/data/kz_bns/`` holds eleven Bureau of National Statistics tables as republished by
``makenerzhan-gif/kazakhstan-economic-data`` (its SOURCES.md names the files, element numbers,
units and the commit each was copied from); ``forecast/data/kz_public/`` the figures republished
by ``open-data-kazakhstan`` (population, age structure, the quota history). Every reader here
returns persons, region codes of :mod:`forecast.inputs.regions` and integer years, with the
publisher's quirks repaired and flagged (:mod:`forecast.inputs.real.bns_long`).
"""

from __future__ import annotations

import re
from importlib import resources
from pathlib import Path

import numpy as np
import pandas as pd

from forecast.inputs.real.bns_long import fill_year_gaps, read_bns_long
from forecast.inputs.regions import resolve_region

BNS_PACKAGE = "forecast.data"
BNS_FOLDER = "kz_bns"
PUBLIC_FOLDER = "kz_public"
PUBLISHER = ("Bureau of National Statistics of the Agency for Strategic Planning and Reforms of "
             "the Republic of Kazakhstan (stat.gov.kz), via makenerzhan-gif/kazakhstan-economic-data "
             "and open-data-kazakhstan")
# Sections of the 2010-2025 national table; S there includes T and U, so the grid has A..S
# with S standing for S+T+U in every year.
SECTIONS = tuple("ABCDEFGHIJKLMNOPQRS")
# The broad sectors of the regional files (2016 on) as OKED sections.
BROAD = {"agriculture": tuple("A"), "industry": tuple("BCDEF"), "services": tuple("GHIJKLMNOPQRS")}
BROAD_FILES = {"agriculture": "employed_agriculture_by_region.csv",
               "industry": "employed_industry_construction_by_region.csv",
               "services": "employed_services_by_region.csv"}


def shipped_path(name: str, folder: str = BNS_FOLDER) -> Path:
    """Path of a shipped file, e.g. ``shipped_path("employed_by_region.csv")``."""
    return Path(str(resources.files(BNS_PACKAGE).joinpath(f"{folder}/{name}")))


def regional_series(name: str) -> pd.DataFrame:
    """A regional labour-force-survey series (``employed_by_region.csv``, ...) in persons:
    ``region, year, value, interpolated`` with the 2015 gap filled by interpolation."""
    frame = read_bns_long(shipped_path(name), unit="thousand")
    frame = frame[["region", "year", "value"]]
    return fill_year_gaps(frame, "value", ["region"])


def broad_sector_by_region() -> pd.DataFrame:
    """Employment by region and broad sector, 2016-2025, persons: ``region, year, broad,
    value``; the 2016-2017 Shymkent double count removed (South Kazakhstan -> Turkestan)."""
    parts = []
    for broad, name in BROAD_FILES.items():
        frame = read_bns_long(shipped_path(name), unit="persons")
        parts.append(frame.assign(broad=broad)[["region", "year", "broad", "value"]])
    return pd.concat(parts, ignore_index=True)


def national_sections() -> pd.DataFrame:
    """National employment by OKED section, 2001-2025, persons: ``year, sector, value``.

    2010-2025 from the 5831 table; 2001-2009 from the Taldau 702840 table, with T and U folded
    into S as in the newer table. The 2014 agriculture fall (a survey reweighting) is kept: it is
    what was published, and the grid must reproduce what was published.
    """
    new = read_bns_long(shipped_path("employed_by_section.csv"), unit="thousand")
    old = read_bns_long(shipped_path("employed_by_section_long.csv"), unit="thousand")
    old = old[old["year"] < new["year"].min()].copy()
    old.loc[old["item"].isin(["T", "U"]), "item"] = "S"
    both = pd.concat([old, new], ignore_index=True)
    both = both[both["item"].isin(SECTIONS)]
    out = both.groupby(["year", "item"], as_index=False)["value"].sum()
    return out.rename(columns={"item": "sector"})


def population_totals() -> pd.DataFrame:
    """Resident population by region and year (the BNS series and its projections):
    ``region, year, population, projected`` (True after the last actual year, 2023)."""
    with resources.files(BNS_PACKAGE).joinpath(
            f"{PUBLIC_FOLDER}/population_by_region_2000_2050.csv").open(encoding="utf-8") as fh:
        raw = pd.read_csv(fh)
    raw = raw.rename(columns={"Область": "label", "Год": "year", "Население": "population"})
    codes = {label: resolve_region(label) for label in raw["label"].unique()}
    out = pd.DataFrame({"region": raw["label"].map(codes), "year": raw["year"].astype(int),
                        "population": raw["population"].astype(float)})
    out["projected"] = out["year"] > LAST_ACTUAL_POPULATION_YEAR
    return out.sort_values(["region", "year"]).reset_index(drop=True)


# population_by_region_2000_2050.csv: actual figures to 2023, the BNS projection after.
LAST_ACTUAL_POPULATION_YEAR = 2023


def age_sex_shares() -> pd.DataFrame:
    """Share of each sex x broad age band in each region's population, from the one-year
    data.egov.kz table: ``region, sex, age_band, share`` (bands 0-15, 16-62 and 63+ for men,
    0-15, 16-58 and 59+ for women: the pension ages of the table's year)."""
    with resources.files(BNS_PACKAGE).joinpath(
            f"{PUBLIC_FOLDER}/population_by_region_age_sex.csv").open(encoding="utf-8") as fh:
        raw = pd.read_csv(fh)
    raw["region"] = raw["region"].map(resolve_region)
    raw["sex"] = raw["sex"].map({"men": "male", "women": "female"})
    raw["share"] = raw["value"] / raw.groupby("region")["value"].transform("sum")
    return raw.rename(columns={"age": "age_band"})[["region", "sex", "age_band", "share"]]


# The quota orders of years whose total was not published give persons per category in the note
# ("cat1 726, ..., seasonal 4994"); categories 1-4 and seasonal make up the order.
_ORDER_PART = re.compile(r"\b(?:cat(?P<category>[1-4])|(?P<seasonal>seasonal)) (?P<persons>\d[\d,]*)\b")
ORDER_CATEGORIES = ("1", "2", "3", "4", "seasonal")


def _quota_history_raw() -> pd.DataFrame:
    with resources.files(BNS_PACKAGE).joinpath(
            f"{PUBLIC_FOLDER}/quota_history_kz.csv").open(encoding="utf-8") as fh:
        return pd.read_csv(fh)


def published_orders() -> dict[int, dict[str, int]]:
    """Persons per category of the quota orders whose note lists all five (categories 1-4 and
    seasonal): ``{year: {"1": ..., "2": ..., "3": ..., "4": ..., "seasonal": ...}}``."""
    return _orders_in(_quota_history_raw())


def _orders_in(raw: pd.DataFrame) -> dict[int, dict[str, int]]:
    orders = {}
    for row in raw.itertuples():
        if not isinstance(row.note, str):
            continue
        parts = {(m["category"] or m["seasonal"]): int(m["persons"].replace(",", ""))
                 for m in _ORDER_PART.finditer(row.note)}
        if set(parts) == set(ORDER_CATEGORIES):
            orders[int(row.year)] = {category: parts[category] for category in ORDER_CATEGORIES}
    return orders


def quota_history() -> pd.DataFrame:
    """The national foreign-labour quota in persons: ``year, region, quota``.

    The published total where there is one; for the orders published by category only (2025,
    2026) the sum of categories 1-4 and seasonal. Years with neither are left out.
    """
    raw = _quota_history_raw()
    persons = raw.set_index("year")["quota_persons"].astype(float)
    for year, order in _orders_in(raw).items():
        if np.isnan(persons.get(year, np.nan)):
            persons[year] = float(sum(order.values()))
    persons = persons.dropna().sort_index()
    return pd.DataFrame({"year": persons.index.astype(int), "region": "KZ",
                         "quota": persons.round().astype(np.int64).to_numpy()})
