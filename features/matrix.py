"""One call from contract tables to the model feature matrix, aligned on ``unique_id, ds``.

Rows are the employment series (region x sector x skill) in each year, with ``y`` the number
employed; region-level, region-sector and national features are joined onto them. Only the
feature families whose input tables are present are added; :func:`feature_names` lists them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from features.asof import tables_as_of
from features.demography import (
    DEFAULT_MALE_SHARE,
    demographic_feature_names,
    demographic_features,
)
from features.ids import SERIES_KEYS, make_unique_id
from features.labour import (
    NATIONAL_REGION,
    applicants_per_worker,
    employment_structure,
    vacancy_rate,
    wage_features,
)
from features.migration import emigration_rate_by_skill, migration_feature_names, migration_features
from features.panel import joined_columns, key_codes, require_columns
from features.pension import KAZAKHSTAN_PENSION_AGES, PensionAgeSchedule
from features.structure import (
    DEFAULT_BREAK_YEARS,
    SeriesIdentifierEncoder,
    break_feature_names,
    break_indicators,
)
from features.supply import graduate_features, graduates_per_skill_worker
from features.timeseries import time_series_columns, time_series_feature_names

__all__ = ["FeatureConfig", "series_frame", "build_feature_matrix", "feature_names"]

_IDENTIFIER_NAMES = ("region_code", "sector_code", "skill_code")


@dataclass(frozen=True)
class FeatureConfig:
    """Settings of :func:`build_feature_matrix`; the defaults suit annual BNS data.

    Parameters
    ----------
    horizon : int
        Coming years for which pension-age entrants are projected (``_h1`` .. ``_h{horizon}``).
    lags, diffs, growth_lags, windows, scale_window
        Time-series settings, see :func:`features.timeseries.time_series_features`.
    pension_ages : PensionAgeSchedule
        Pension age by sex and year (default: Kazakhstan's schedule).
    working_age_min : int
        First year of working age.
    open_band_end : int
        Age (exclusive) up to which an open age band ``A+`` is spread.
    male_share : float
        Share of men, used when the population table has no ``sex`` column.
    break_years : tuple of int
        Structural-break years for ``break_{year}`` indicators.
    break_kind : {"step", "pulse"}
        Shape of the break indicators.
    national_region : str
        Region code of the national total.
    regions : tuple of str, optional
        Fixed region vocabulary for ``region_code``; learned from the data when None.
    """

    horizon: int = 5
    lags: tuple[int, ...] = (1, 2, 3)
    diffs: tuple[int, ...] = (1,)
    growth_lags: tuple[int, ...] = (1,)
    windows: tuple[int, ...] = (3, 5)
    scale_window: int = 5
    pension_ages: PensionAgeSchedule = KAZAKHSTAN_PENSION_AGES
    working_age_min: int = 16
    open_band_end: int = 90
    male_share: float = DEFAULT_MALE_SHARE
    break_years: tuple[int, ...] = DEFAULT_BREAK_YEARS
    break_kind: str = "step"
    national_region: str = NATIONAL_REGION
    regions: tuple[str, ...] | None = None


def feature_names(config: FeatureConfig | None = None,
                  tables: Mapping[str, pd.DataFrame] | None = None) -> list[str]:
    """Feature columns of :func:`build_feature_matrix`, in order.

    With ``tables`` given, only the families whose tables are present; otherwise all of them:

    - time series of ``y``: ``y_lag_{k}``, ``y_diff_{k}``, ``y_log_growth_{k}``,
      ``y_rolling_mean_{w}``, ``y_volatility_{w}``, ``y_level_scale_{w}``, ``y_log_level``;
    - labour market: ``sector_employment_share``, ``sector_employment_log_growth``,
      ``vacancy_rate`` (vacancies), ``wage_relative_to_national``, ``wage_log_growth`` (wages),
      ``applicants_per_worker`` (applicants);
    - demographic (population): ``working_age_population``, ``dependency_ratio``,
      ``pension_entrants_h{k}``, ``pension_entrants_share_h{k}``;
    - migration (migration and population): ``emigration_rate_{higher,tvet,other}``,
      ``emigration_rate``, ``skilled_emigrant_share``, ``net_internal_migration``,
      ``net_internal_migration_rate``, ``educated_immigration``, ``educated_immigration_rate``,
      ``emigration_rate_same_skill``;
    - supply pipeline (graduates): ``graduates_higher_per_worker``,
      ``graduates_tvet_per_worker``, ``graduates_per_skill_worker``;
    - structure (integers): ``region_code``, ``sector_code``, ``skill_code``, ``break_{year}``.
    """
    config = config or FeatureConfig()

    def present(*names: str) -> bool:
        return tables is None or all(name in tables for name in names)

    names = time_series_feature_names("y", config.lags, config.diffs, config.growth_lags,
                                      config.windows, config.scale_window)
    names += ["sector_employment_share", "sector_employment_log_growth"]
    if present("vacancies"):
        names += ["vacancy_rate"]
    if present("wages"):
        names += ["wage_relative_to_national", "wage_log_growth"]
    if present("applicants"):
        names += ["applicants_per_worker"]
    if present("population"):
        names += demographic_feature_names(config.horizon)
    if present("population", "migration"):
        names += [*migration_feature_names(), "emigration_rate_same_skill"]
    if present("graduates"):
        names += ["graduates_higher_per_worker", "graduates_tvet_per_worker",
                  "graduates_per_skill_worker"]
    names += [*_IDENTIFIER_NAMES, *break_feature_names(config.break_years)]
    return names


def series_frame(employment: pd.DataFrame) -> pd.DataFrame:
    """Model series from the employment table: ``unique_id, ds, region, sector, skill, y``.

    Rows are sorted by region, sector, skill and year (a deterministic order whatever the input
    order); ``y`` is the number employed.
    """
    require_columns(employment, "employment", ["region", "sector", "year", "skill", "employed"])
    codes, series = key_codes(employment, SERIES_KEYS)
    # Rank the distinct series by their sorted keys, then order rows by (series rank, year).
    series_order = np.lexsort([pd.factorize(series[key], sort=True)[0]
                               for key in reversed(SERIES_KEYS)])
    series_rank = np.empty_like(series_order)
    series_rank[series_order] = np.arange(len(series_order))
    years = employment["year"].to_numpy(dtype=np.int64)
    order = np.lexsort((years, series_rank[codes]))
    row_series = codes[order]
    series_ids = make_unique_id(series)
    frame = pd.DataFrame({
        "unique_id": series_ids.astype("str").array.take(row_series),
        "ds": years[order],
        **{key: series[key].astype("str").array.take(row_series) for key in SERIES_KEYS},
        "y": employment["employed"].to_numpy(dtype=np.float64, na_value=np.nan)[order],
    })
    return frame


# Key columns turned categorical once, so the many group-bys and joins below reuse the codes
# instead of hashing millions of strings again.
_KEY_COLUMNS = ("region", "sector", "skill", "flow", "education", "level", "sex", "age_band")


def _with_categorical_keys(tables: Mapping[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    converted = {}
    for name, frame in tables.items():
        keys = {key: "category" for key in _KEY_COLUMNS
                if key in frame.columns and not isinstance(frame[key].dtype, pd.CategoricalDtype)}
        converted[name] = frame.astype(keys) if keys else frame
    return converted


class _FeatureColumns:
    """Feature columns of the series rows, written into one preallocated float block.

    Writing each feature straight into its row of a (features x rows) block lets the final
    frame wrap that block without the copy pandas makes when it consolidates separate columns.
    """

    def __init__(self, series_keys: pd.DataFrame, float_names: list[str]):
        self.series_keys = series_keys
        self.float_names = float_names
        self.block = np.full((len(float_names), len(series_keys)), np.nan)
        self.position = {name: i for i, name in enumerate(float_names)}
        self.other: dict[str, np.ndarray] = {}

    def _store(self, name: str, values: np.ndarray) -> None:
        if name in self.position:
            self.block[self.position[name]] = values
        else:
            self.other[name] = np.asarray(values)

    def add(self, features: pd.DataFrame | dict[str, np.ndarray],
            keys: list[str] | None = None) -> None:
        """Add the non-key columns of ``features``, already row-aligned when ``keys`` is None,
        otherwise looked up by equal ``keys``."""
        if keys is None:
            for name in features:
                self._store(name, np.asarray(features[name]))
            return
        value_columns = [column for column in features.columns if column not in keys]
        for name, values in joined_columns(self.series_keys, features, keys,
                                           value_columns).items():
            self._store(name, values)

    def frame(self, series: pd.DataFrame, names: list[str]) -> pd.DataFrame:
        floats = pd.DataFrame(self.block.T, columns=self.float_names, copy=False)
        others = pd.DataFrame(self.other)
        # Float features come before the integer structure columns in ``feature_names``, so
        # placing the blocks side by side already gives the documented order.
        return pd.concat([series, floats, others[[n for n in names if n in self.other]]], axis=1)


def build_feature_matrix(tables: Mapping[str, pd.DataFrame], origin: int | None = None,
                         config: FeatureConfig | None = None) -> pd.DataFrame:
    """All features of every series and year, as a forecaster at ``origin`` would see them.

    Parameters
    ----------
    tables : mapping of str to DataFrame, or an object with such a ``tables`` attribute
        Contract tables by name with region codes: ``employment`` (required), and optionally
        ``population`` (with or without ``sex``), ``migration``, ``vacancies``, ``wages``,
        ``graduates``, ``applicants`` (``region, year, applicants``).
    origin : int, optional
        Forecast origin year. Rows of every table after it are dropped before anything is
        computed, and the result has years ``<= origin``; the row at ``ds == origin`` holds the
        predictors for targets ``origin+1 .. origin+horizon``. None uses all years.
    config : FeatureConfig, optional
        Feature settings.

    Returns
    -------
    DataFrame
        ``unique_id, ds, region, sector, skill, y`` followed by :func:`feature_names` (for the
        tables present). Every value in row ``ds`` depends only on input rows of years ``<= ds``.

    Examples
    --------
    >>> dataset = forecast.load_data("data/")                     # doctest: +SKIP
    >>> matrix = build_feature_matrix(dataset, origin=2021)       # doctest: +SKIP
    >>> predictors = matrix[matrix["ds"] == 2021]                 # doctest: +SKIP
    """
    config = config or FeatureConfig()
    # A loaded data set (anything with a ``tables`` mapping) is accepted as well as the mapping.
    tables = getattr(tables, "tables", tables)
    if "employment" not in tables:
        raise ValueError("tables lack the required 'employment' table")
    tables = _with_categorical_keys(tables_as_of(tables, origin))
    employment = tables["employment"]
    series = series_frame(employment)
    names = feature_names(config, tables)
    integer_names = {*_IDENTIFIER_NAMES, *break_feature_names(config.break_years)}
    features = _FeatureColumns(
        series[["region", "sector", "skill", "ds"]].astype({key: "category" for key in SERIES_KEYS}),
        [name for name in names if name not in integer_names])

    features.add(time_series_columns(
        series, "y", lags=config.lags, diffs=config.diffs, growth_lags=config.growth_lags,
        windows=config.windows, scale_window=config.scale_window))
    encoder = SeriesIdentifierEncoder(regions=config.regions).fit(features.series_keys)
    features.add(encoder.transform(features.series_keys))
    features.add(break_indicators(series["ds"], config.break_years, config.break_kind))

    features.add(employment_structure(employment), ["region", "sector", "ds"])
    if "vacancies" in tables:
        features.add(vacancy_rate(employment, tables["vacancies"]),
                     ["region", "sector", "skill", "ds"])
    if "wages" in tables:
        features.add(wage_features(tables["wages"], employment, config.national_region),
                     ["region", "sector", "ds"])
    if "applicants" in tables:
        features.add(applicants_per_worker(tables["applicants"], employment), ["region", "ds"])
    if "population" in tables:
        demography = demographic_features(
            tables["population"], horizon=config.horizon, pension_ages=config.pension_ages,
            working_age_min=config.working_age_min, open_band_end=config.open_band_end,
            male_share=config.male_share)
        features.add(demography, ["region", "ds"])
        if "migration" in tables:
            migration = migration_features(
                tables["migration"], demography[["region", "ds", "working_age_population"]])
            features.add(migration, ["region", "ds"])
            features.add(emigration_rate_by_skill(migration), ["region", "skill", "ds"])
    if "graduates" in tables:
        features.add(graduate_features(tables["graduates"], employment),
                     ["region", "sector", "ds"])
        features.add(graduates_per_skill_worker(tables["graduates"], employment),
                     ["region", "sector", "skill", "ds"])

    return features.frame(series, names)
