"""Demographic features per region and year: working-age population, dependency ratio, and the
cohort reaching pension age in each of the coming years.

Age bands are spread evenly over their single years of age (the open band ``A+`` over
``A..open_band_end-1``), so fractional pension ages such as 58.5 count half of the age-58 cohort.
The cohort reaching pension age in year ``ds + k`` is projected from the age structure of year
``ds`` alone, by ageing it ``k`` years without mortality or migration, so the feature at ``ds``
never reads a later population row.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from features.panel import key_codes, require_columns, sum_by_keys
from features.pension import KAZAKHSTAN_PENSION_AGES, SEXES, PensionAgeSchedule

__all__ = [
    "DEFAULT_MALE_SHARE",
    "parse_age_bands",
    "single_year_population",
    "demographic_features",
    "demographic_feature_names",
]

# Men were about 49% of Kazakhstan's population in the 2010s-2020s (BNS); used only when the
# population table has no sex column.
DEFAULT_MALE_SHARE = 0.49


def parse_age_bands(bands: pd.Series, open_band_end: int = 90) -> tuple[np.ndarray, np.ndarray]:
    """Lower (inclusive) and upper (exclusive) whole-year bounds of ``A-B`` / ``A+`` age bands.

    ``"16-19"`` covers ages 16..19, i.e. ``[16, 20)``; ``"65+"`` covers ``[65, open_band_end)``.

    Raises
    ------
    ValueError
        On a band that is not ``A-B`` or ``A+``, has ``B < A``, or starts at or after
        ``open_band_end``.
    """
    codes, distinct = pd.factorize(pd.Series(bands, dtype="str"))
    parts = pd.Series(distinct, dtype="str").str.strip().str.extract(r"^(\d+)\s*(?:-\s*(\d+)|(\+))$")
    unparsed = parts[0].isna() | (parts[1].isna() & parts[2].isna())
    if unparsed.any():
        bad = distinct[int(np.flatnonzero(unparsed.to_numpy())[0])]
        raise ValueError(f"age_band {bad!r} is not of the form 'A-B' or 'A+' (whole years)")
    lower = parts[0].astype(np.int64).to_numpy()
    upper = np.where(parts[2].notna(), open_band_end,
                     pd.to_numeric(parts[1]).fillna(-1).to_numpy(dtype=np.int64) + 1)
    invalid = (upper <= lower) | (lower >= open_band_end) | (upper > open_band_end)
    if invalid.any():
        bad = distinct[int(np.flatnonzero(invalid)[0])]
        raise ValueError(
            f"age_band {bad!r} is empty or reaches past open_band_end={open_band_end}")
    return lower[codes], upper[codes]


def _with_sex(population: pd.DataFrame, male_share: float) -> pd.DataFrame:
    """The population table with a ``sex`` column, splitting both-sex rows by ``male_share``."""
    if "sex" in population.columns:
        unknown = ~population["sex"].isin(SEXES)
        if unknown.any():
            bad = population.loc[unknown, "sex"].iloc[0]
            raise ValueError(f"population column 'sex' has value {bad!r}; expected one of {SEXES}")
        return population
    if not 0.0 <= male_share <= 1.0:
        raise ValueError(f"male_share must be between 0 and 1, got {male_share}")
    men = population.assign(sex="male", population=population["population"] * male_share)
    women = population.assign(sex="female", population=population["population"] * (1 - male_share))
    return pd.concat([men, women], ignore_index=True)


def single_year_population(
    population: pd.DataFrame, open_band_end: int = 90, male_share: float = DEFAULT_MALE_SHARE
) -> tuple[pd.DataFrame, np.ndarray]:
    """Population by single year of age for each region x year x sex.

    Parameters
    ----------
    population : DataFrame
        Contract ``population`` table (``region, year, age_band, population``, optional ``sex``).
        Each region-year(-sex) must tile ages ``0..open_band_end-1`` with non-overlapping bands.
    open_band_end : int
        Age (exclusive) up to which the open band ``A+`` is spread.
    male_share : float
        Share of men, used only when there is no ``sex`` column.

    Returns
    -------
    groups : DataFrame
        ``region, ds, sex`` of each matrix row.
    persons : ndarray, shape (n_groups, open_band_end)
        ``persons[g, a]`` people aged ``a`` (in ``[a, a+1)``) in group ``g``.

    Raises
    ------
    ValueError
        On missing columns, an unparsable band, or bands that overlap or leave ages uncovered.
    """
    require_columns(population, "population", ["region", "year", "age_band", "population"])
    population = _with_sex(population, male_share)
    lower, upper = parse_age_bands(population["age_band"], open_band_end)
    group, groups = key_codes(population, ["region", "year", "sex"])

    order = np.lexsort((lower, group))
    sorted_group, sorted_lower, sorted_upper = group[order], lower[order], upper[order]
    starts_group = np.r_[True, sorted_group[1:] != sorted_group[:-1]]
    ends_group = np.r_[sorted_group[1:] != sorted_group[:-1], True]
    expected_lower = np.where(starts_group, 0, np.r_[0, sorted_upper[:-1]])
    broken = (sorted_lower != expected_lower) | (ends_group & (sorted_upper != open_band_end))
    if broken.any():
        row = population.iloc[order[int(np.flatnonzero(broken)[0])]]
        raise ValueError(
            f"population bands for region {row['region']!r}, year {row['year']}, sex "
            f"{row['sex']!r} must tile ages 0..{open_band_end - 1} without gaps or overlaps "
            f"(problem near band {row['age_band']!r}); use open_band_end to set where 'A+' ends")

    widths = upper - lower
    row_of_age = np.repeat(np.arange(len(population)), widths)
    offset_in_band = np.arange(len(row_of_age)) - np.repeat(np.cumsum(widths) - widths, widths)
    ages = lower[row_of_age] + offset_in_band
    persons_per_age = (population["population"].to_numpy(dtype=np.float64, na_value=np.nan)
                       / widths)[row_of_age]
    cells = group[row_of_age] * open_band_end + ages
    persons = np.bincount(cells, weights=persons_per_age,
                          minlength=len(groups) * open_band_end).reshape(len(groups), open_band_end)
    return groups.rename(columns={"year": "ds"}), persons


def _people_younger_than(persons: np.ndarray, cumulative: np.ndarray, age: np.ndarray) -> np.ndarray:
    """People younger than a (possibly fractional) ``age``, per row, ages uniform within a year."""
    n_ages = persons.shape[1]
    age = np.clip(age, 0.0, float(n_ages))
    whole = np.minimum(np.floor(age).astype(np.int64), n_ages - 1)
    fraction = age - whole
    rows = np.arange(persons.shape[0])
    return cumulative[rows, whole] + fraction * persons[rows, whole]


def demographic_feature_names(horizon: int = 5) -> list[str]:
    """Names of the columns :func:`demographic_features` adds, in order."""
    return [
        "working_age_population",
        "dependency_ratio",
        *(f"pension_entrants_h{k}" for k in range(1, horizon + 1)),
        *(f"pension_entrants_share_h{k}" for k in range(1, horizon + 1)),
    ]


def demographic_features(
    population: pd.DataFrame,
    *,
    horizon: int = 5,
    pension_ages: PensionAgeSchedule = KAZAKHSTAN_PENSION_AGES,
    working_age_min: int = 16,
    open_band_end: int = 90,
    male_share: float = DEFAULT_MALE_SHARE,
) -> pd.DataFrame:
    """Working-age population, dependency ratio and coming pension-age cohorts per region-year.

    Parameters
    ----------
    population : DataFrame
        Contract ``population`` table, optionally with ``sex`` (``male`` / ``female``).
    horizon : int
        Number of coming years ``ds+1..ds+horizon`` to project pension-age entrants for.
    pension_ages : PensionAgeSchedule
        Pension age by sex and year; the default is Kazakhstan's schedule.
    working_age_min : int
        First age of working age.
    open_band_end : int
        Age (exclusive) up to which the open band ``A+`` is spread.
    male_share : float
        Share of men, used only when the table has no ``sex`` column.

    Returns
    -------
    DataFrame
        ``region, ds`` and, summed over sexes:

        - ``working_age_population``: people aged ``working_age_min`` up to the pension age of
          their sex in year ``ds``;
        - ``dependency_ratio``: people younger than ``working_age_min`` or at or above pension
          age, per working-age person;
        - ``pension_entrants_h{k}``: people of working age in year ``ds+k-1`` who are at or
          above pension age in ``ds+k``, projected from the age structure in ``ds``;
        - ``pension_entrants_share_h{k}``: the same per working-age person in ``ds``.
    """
    if horizon < 0:
        raise ValueError(f"horizon must be non-negative, got {horizon}")
    groups, persons = single_year_population(population, open_band_end, male_share)
    cumulative = np.concatenate([np.zeros((len(persons), 1)), np.cumsum(persons, axis=1)], axis=1)
    years = groups["ds"].to_numpy(dtype=np.int64)
    is_male = (groups["sex"] == "male").to_numpy()

    def pension_age(in_years: np.ndarray) -> np.ndarray:
        return np.where(is_male, pension_ages.ages("male", in_years),
                        pension_ages.ages("female", in_years))

    def younger_than(age: np.ndarray | float) -> np.ndarray:
        return _people_younger_than(persons, cumulative, np.broadcast_to(age, years.shape))

    age_now = pension_age(years)
    children = younger_than(float(working_age_min))
    below_pension = younger_than(age_now)
    per_sex = groups[["region", "ds"]].copy()
    per_sex["working_age_population"] = below_pension - children
    per_sex["dependent"] = children + cumulative[:, -1] - below_pension
    for k in range(1, horizon + 1):
        # Someone aged x now is x + k in ds + k: of working age in ds+k-1 (x + k - 1 < p(ds+k-1))
        # and of pension age in ds+k (x + k >= p(ds+k)).
        lowest = pension_age(years + k) - k
        highest = np.maximum(pension_age(years + k - 1) - k + 1, lowest)
        per_sex[f"pension_entrants_h{k}"] = younger_than(highest) - younger_than(lowest)

    summed_columns = ["working_age_population", "dependent",
                      *(f"pension_entrants_h{k}" for k in range(1, horizon + 1))]
    result = sum_by_keys(per_sex, ["region", "ds"], summed_columns[0])
    for column in summed_columns[1:]:
        result[column] = sum_by_keys(per_sex, ["region", "ds"], column)[column].to_numpy()
    working_age = result["working_age_population"].to_numpy()
    with np.errstate(divide="ignore", invalid="ignore"):
        result["dependency_ratio"] = np.where(
            working_age > 0, result["dependent"].to_numpy() / working_age, np.nan)
        for k in range(1, horizon + 1):
            result[f"pension_entrants_share_h{k}"] = np.where(
                working_age > 0, result[f"pension_entrants_h{k}"].to_numpy() / working_age, np.nan)
    return result[["region", "ds", *demographic_feature_names(horizon)]]
