"""Labour-market indicators: vacancy rate, relative wage and wage growth, employment structure
and growth, employment-office applicants per worker.

Inputs are contract tables (``year`` column); outputs are keyed on ``ds`` (the year) plus the
region / sector / skill keys they vary by. Each value in year ``ds`` uses rows of years ``<= ds``
only.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from features.panel import join_on_keys, panel_grid, require_columns, shift_years, sum_by_keys

__all__ = [
    "NATIONAL_REGION",
    "TOTAL_SECTOR",
    "sector_employment",
    "regional_employment",
    "vacancy_rate",
    "wage_features",
    "employment_structure",
    "applicants_per_worker",
]

NATIONAL_REGION = "KZ"
TOTAL_SECTOR = "TOTAL"


def _ratio(numerator: np.ndarray, denominator: np.ndarray) -> np.ndarray:
    """Element-wise ratio with NaN (not inf) where the denominator is 0 or missing."""
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(denominator > 0, numerator / denominator, np.nan)


def _one_year_log_growth(frame: pd.DataFrame, keys: list[str], value: str) -> np.ndarray:
    """``log1p(value) - log1p(value a calendar year earlier)`` for each row of ``frame``."""
    grid = panel_grid(frame, keys, "ds")
    log_levels = np.log1p(grid.to_matrix(frame[value]))
    return grid.gather(log_levels - shift_years(log_levels, 1))


def sector_employment(employment: pd.DataFrame) -> pd.DataFrame:
    """Employment per region x sector x year, summed over skills.

    Returns
    -------
    DataFrame
        ``region, sector, ds, employed``.
    """
    require_columns(employment, "employment", ["region", "sector", "year", "skill", "employed"])
    summed = sum_by_keys(employment, ["region", "sector", "year"], "employed")
    return summed.rename(columns={"year": "ds"})


def regional_employment(employment: pd.DataFrame) -> pd.DataFrame:
    """Total employment per region x year.

    Uses the region's ``TOTAL``-sector rows when present (they include sectors that may not be
    listed), otherwise the sum over its section letters.

    Returns
    -------
    DataFrame
        ``region, ds, employed_total``.
    """
    per_sector = sector_employment(employment)
    is_total = (per_sector["sector"] == TOTAL_SECTOR).to_numpy()
    from_total = per_sector.loc[is_total, ["region", "ds", "employed"]]
    from_letters = sum_by_keys(per_sector.loc[~is_total], ["region", "ds"], "employed")
    combined = pd.concat([from_total, from_letters], ignore_index=True)
    combined = combined.drop_duplicates(["region", "ds"], keep="first")
    return combined.rename(columns={"employed": "employed_total"}).reset_index(drop=True)


def vacancy_rate(employment: pd.DataFrame, vacancies: pd.DataFrame) -> pd.DataFrame:
    """Vacancy rate of each region x sector x skill series: vacancies / (employed + vacancies).

    Returns
    -------
    DataFrame
        ``region, sector, skill, ds, vacancy_rate``, one row per employment row; NaN where the
        vacancy count is missing or employed + vacancies is 0.
    """
    require_columns(employment, "employment", ["region", "sector", "year", "skill", "employed"])
    require_columns(vacancies, "vacancies", ["region", "sector", "year", "skill", "vacancies"])
    keys = ["region", "sector", "skill", "year"]
    open_posts = join_on_keys(employment, vacancies, keys, ["vacancies"])["vacancies"].to_numpy()
    employed = employment["employed"].to_numpy(dtype=np.float64, na_value=np.nan)
    result = employment[keys].rename(columns={"year": "ds"}).reset_index(drop=True)
    result["vacancy_rate"] = _ratio(open_posts, employed + open_posts)
    return result


def _national_wage(wages: pd.DataFrame, employment: pd.DataFrame | None,
                   national_region: str) -> pd.DataFrame:
    """National wage per sector x year: the national rows when published, otherwise the
    employment-weighted mean of the regions (the plain mean when some region's employment in
    that sector-year is unknown)."""
    is_national = (wages["region"] == national_region).to_numpy()
    published = wages.loc[is_national, ["sector", "year", "wage"]]
    regional = wages.loc[~is_national, ["region", "sector", "year", "wage"]].reset_index(drop=True)
    wage = regional["wage"].to_numpy(dtype=np.float64, na_value=np.nan)
    if employment is not None:
        employed = sector_employment(employment).rename(columns={"ds": "year"})
        weights = join_on_keys(regional, employed, ["region", "sector", "year"],
                               ["employed"])["employed"].to_numpy()
    else:
        weights = np.full(len(regional), np.nan)
    has_wage = ~np.isnan(wage)
    has_weight = has_wage & ~np.isnan(weights)
    parts = regional[["sector", "year"]].assign(
        weighted_wage=np.where(has_weight, wage * weights, 0.0),
        weight=np.where(has_weight, weights, 0.0),
        weighted_count=has_weight.astype(np.float64),
        wage=wage,
        count=has_wage.astype(np.float64),
    )
    sums = sum_by_keys(parts, ["sector", "year"], "weighted_wage")
    for column in ("weight", "weighted_count", "wage", "count"):
        sums[column] = sum_by_keys(parts, ["sector", "year"], column)[column].to_numpy()
    weight = sums["weight"].to_numpy()
    weighted_mean = _ratio(sums["weighted_wage"].to_numpy(), weight)
    plain_mean = _ratio(sums["wage"].to_numpy(), sums["count"].to_numpy())
    # Weighting only some regions would bias the mean towards them; then every region counts once.
    all_weighted = (sums["weighted_count"].to_numpy() == sums["count"].to_numpy()) & (weight > 0)
    sums["wage"] = np.where(all_weighted, weighted_mean, plain_mean)
    combined = pd.concat([published, sums[["sector", "year", "wage"]]], ignore_index=True)
    return combined.drop_duplicates(["sector", "year"], keep="first").reset_index(drop=True)


def wage_features(wages: pd.DataFrame, employment: pd.DataFrame | None = None,
                  national_region: str = NATIONAL_REGION) -> pd.DataFrame:
    """Wage relative to the national wage of the same sector, and 1-year wage log growth.

    Parameters
    ----------
    wages : DataFrame
        Contract ``wages`` table: ``region, sector, year, wage``.
    employment : DataFrame, optional
        Contract ``employment`` table, used to weight regions when the national wage of a
        sector-year is not published as a ``national_region`` row (regions count equally when
        any of them lacks employment, or without this table).
    national_region : str
        Region code of the national total.

    Returns
    -------
    DataFrame
        ``region, sector, ds, wage_relative_to_national, wage_log_growth``, one row per wage row.
        The comparison is within sector, so it measures a region's pay premium for the same kind
        of work rather than its sector mix.
    """
    require_columns(wages, "wages", ["region", "sector", "year", "wage"])
    national = _national_wage(wages, employment, national_region).rename(
        columns={"wage": "national_wage"})
    result = wages[["region", "sector", "year", "wage"]].reset_index(drop=True)
    reference = join_on_keys(result, national, ["sector", "year"], ["national_wage"])
    wage = result["wage"].to_numpy(dtype=np.float64, na_value=np.nan)
    result = result.rename(columns={"year": "ds"})
    result["wage_relative_to_national"] = _ratio(wage, reference["national_wage"].to_numpy())
    result["wage_log_growth"] = _one_year_log_growth(result, ["region", "sector"], "wage")
    return result.drop(columns="wage")


def employment_structure(employment: pd.DataFrame) -> pd.DataFrame:
    """Sector share of regional employment and 1-year log growth of sector employment.

    Returns
    -------
    DataFrame
        ``region, sector, ds, sector_employment_share, sector_employment_log_growth``, with
        employment summed over skills; the ``TOTAL`` sector has share 1 when the region's total
        is taken from it.
    """
    per_sector = sector_employment(employment)
    totals = regional_employment(employment)
    regional_total = join_on_keys(per_sector, totals, ["region", "ds"], ["employed_total"])
    employed = per_sector["employed"].to_numpy()
    result = per_sector[["region", "sector", "ds"]].copy()
    result["sector_employment_share"] = _ratio(employed, regional_total["employed_total"].to_numpy())
    result["sector_employment_log_growth"] = _one_year_log_growth(
        per_sector, ["region", "sector"], "employed")
    return result


def applicants_per_worker(applicants: pd.DataFrame, employment: pd.DataFrame) -> pd.DataFrame:
    """People registered with employment offices per employed person in the region.

    Returns
    -------
    DataFrame
        ``region, ds, applicants_per_worker``, one row per applicants row.
    """
    require_columns(applicants, "applicants", ["region", "year", "applicants"])
    totals = regional_employment(employment)
    result = applicants[["region", "year", "applicants"]].rename(columns={"year": "ds"})
    result = result.reset_index(drop=True)
    employed = join_on_keys(result, totals, ["region", "ds"], ["employed_total"])
    result["applicants_per_worker"] = _ratio(
        result["applicants"].to_numpy(dtype=np.float64, na_value=np.nan),
        employed["employed_total"].to_numpy())
    return result.drop(columns="applicants")
