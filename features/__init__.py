"""Feature builders: long panel tables in, model inputs aligned on ``unique_id, ds`` out.

Where data becomes features. Nothing here imports ``models`` or ``forecast``.

One call builds everything a forecaster at an origin year can know::

    from features import build_feature_matrix
    matrix = build_feature_matrix(tables, origin=2021)   # tables: dict of contract DataFrames

Each family is also callable on its own:

- :mod:`features.timeseries`: lags, differences, log growth, rolling means, volatility, scale;
- :mod:`features.labour`: vacancy rate, relative wage, wage and employment growth, sector share,
  applicants per worker;
- :mod:`features.demography` (with :mod:`features.pension`): working-age population, dependency
  ratio, cohorts reaching pension age in the coming years;
- :mod:`features.migration`: emigration rates by education, skilled share of emigrants, net
  internal migration, immigration of the educated;
- :mod:`features.supply`: graduates per worker by level and sector;
- :mod:`features.structure`: region / sector / skill codes and break-year indicators.

Every feature in the row of year ``ds`` is computed from input rows of years ``<= ds`` only.
"""

from features.asof import tables_as_of
from features.demography import demographic_features, parse_age_bands, single_year_population
from features.ids import SERIES_KEYS, make_unique_id, split_unique_id
from features.labour import (
    applicants_per_worker,
    employment_structure,
    regional_employment,
    sector_employment,
    vacancy_rate,
    wage_features,
)
from features.matrix import FeatureConfig, build_feature_matrix, feature_names, series_frame
from features.migration import emigration_rate_by_skill, migration_features
from features.panel import join_on_keys
from features.pension import KAZAKHSTAN_PENSION_AGES, PensionAgeSchedule
from features.structure import SeriesIdentifierEncoder, break_indicators
from features.supply import graduate_features, graduates_per_skill_worker
from features.timeseries import time_series_features

__all__ = [
    "FeatureConfig",
    "KAZAKHSTAN_PENSION_AGES",
    "PensionAgeSchedule",
    "SERIES_KEYS",
    "SeriesIdentifierEncoder",
    "applicants_per_worker",
    "break_indicators",
    "build_feature_matrix",
    "demographic_features",
    "emigration_rate_by_skill",
    "employment_structure",
    "feature_names",
    "graduate_features",
    "graduates_per_skill_worker",
    "join_on_keys",
    "make_unique_id",
    "migration_features",
    "parse_age_bands",
    "regional_employment",
    "sector_employment",
    "series_frame",
    "single_year_population",
    "split_unique_id",
    "tables_as_of",
    "time_series_features",
    "vacancy_rate",
    "wage_features",
]
