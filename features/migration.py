"""Emigration and migration features per region and year: emigration rates by education, the
skilled share of emigrants, net internal migration, and immigration of the educated.

Rates are per 1,000 working-age people of the same region and year (from
:func:`features.demography.demographic_features`). A flow or education category missing for a
region-year gives NaN in the features that need it, never a silent zero.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from features.panel import join_on_keys, require_columns

__all__ = [
    "EDUCATION_TO_SKILL",
    "EDUCATIONS",
    "migration_features",
    "migration_feature_names",
    "emigration_rate_by_skill",
]

EDUCATIONS: tuple[str, ...] = ("higher", "tvet", "other")
EDUCATION_TO_SKILL: dict[str, str] = {"higher": "high", "tvet": "medium", "other": "low"}
FLOWS: tuple[str, ...] = ("emigration", "immigration", "internal_in", "internal_out")


def migration_feature_names() -> list[str]:
    """Names of the columns :func:`migration_features` adds, in order."""
    return [
        *(f"emigration_rate_{education}" for education in EDUCATIONS),
        "emigration_rate",
        "skilled_emigrant_share",
        "net_internal_migration",
        "net_internal_migration_rate",
        "educated_immigration",
        "educated_immigration_rate",
    ]


def _flows_by_education(migration: pd.DataFrame) -> pd.DataFrame:
    """Wide frame indexed by ``(region, ds)`` with one column per ``(flow, education)``."""
    require_columns(migration, "migration", ["region", "year", "flow", "education", "persons"])
    unknown_flow = ~migration["flow"].isin(FLOWS)
    if unknown_flow.any():
        raise ValueError(f"migration column 'flow' has value "
                         f"{migration.loc[unknown_flow, 'flow'].iloc[0]!r}; expected one of {FLOWS}")
    unknown_education = ~migration["education"].isin(EDUCATIONS)
    if unknown_education.any():
        raise ValueError(f"migration column 'education' has value "
                         f"{migration.loc[unknown_education, 'education'].iloc[0]!r}; "
                         f"expected one of {EDUCATIONS}")
    wide = (migration.groupby(["region", "year", "flow", "education"], sort=True, observed=True)
            ["persons"].sum(min_count=1).unstack(["flow", "education"]))
    full_columns = pd.MultiIndex.from_product([FLOWS, EDUCATIONS], names=["flow", "education"])
    wide = wide.reindex(columns=full_columns)
    wide.index = wide.index.set_names(["region", "ds"])
    return wide


def _per_thousand(persons: np.ndarray, working_age: np.ndarray) -> np.ndarray:
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(working_age > 0, 1000.0 * persons / working_age, np.nan)


def migration_features(migration: pd.DataFrame, working_age: pd.DataFrame) -> pd.DataFrame:
    """Emigration, internal and educated-immigration features per region-year.

    Parameters
    ----------
    migration : DataFrame
        Contract ``migration`` table: ``region, year, flow, education, persons``.
    working_age : DataFrame
        ``region, ds, working_age_population``, e.g. from
        :func:`features.demography.demographic_features`.

    Returns
    -------
    DataFrame
        ``region, ds`` and

        - ``emigration_rate_{higher,tvet,other}``: emigrants with that education per 1,000
          working-age people;
        - ``emigration_rate``: all emigrants per 1,000 working-age people;
        - ``skilled_emigrant_share``: share of emigrants with higher or TVET education;
        - ``net_internal_migration``: internal arrivals minus internal departures (persons);
        - ``net_internal_migration_rate``: the same per 1,000 working-age people;
        - ``educated_immigration``: immigrants with higher or TVET education (persons);
        - ``educated_immigration_rate``: the same per 1,000 working-age people.
    """
    require_columns(working_age, "working_age", ["region", "ds", "working_age_population"])
    wide = _flows_by_education(migration)
    keys = wide.index.to_frame(index=False)
    workers = join_on_keys(keys, working_age, ["region", "ds"],
                           ["working_age_population"])["working_age_population"].to_numpy()

    def flow(name: str, education: str) -> np.ndarray:
        return wide[(name, education)].to_numpy(dtype=np.float64, na_value=np.nan)

    emigrants = {education: flow("emigration", education) for education in EDUCATIONS}
    all_emigrants = emigrants["higher"] + emigrants["tvet"] + emigrants["other"]
    skilled_emigrants = emigrants["higher"] + emigrants["tvet"]
    net_internal = sum(flow("internal_in", e) for e in EDUCATIONS) - sum(
        flow("internal_out", e) for e in EDUCATIONS)
    educated_immigrants = flow("immigration", "higher") + flow("immigration", "tvet")

    result = keys.copy()
    for education in EDUCATIONS:
        result[f"emigration_rate_{education}"] = _per_thousand(emigrants[education], workers)
    result["emigration_rate"] = _per_thousand(all_emigrants, workers)
    with np.errstate(divide="ignore", invalid="ignore"):
        result["skilled_emigrant_share"] = np.where(
            all_emigrants > 0, skilled_emigrants / all_emigrants, np.nan)
    result["net_internal_migration"] = net_internal
    result["net_internal_migration_rate"] = _per_thousand(net_internal, workers)
    result["educated_immigration"] = educated_immigrants
    result["educated_immigration_rate"] = _per_thousand(educated_immigrants, workers)
    return result


def emigration_rate_by_skill(features: pd.DataFrame) -> pd.DataFrame:
    """Emigration rate of the education matching each skill, in long form for joining onto series.

    Parameters
    ----------
    features : DataFrame
        Output of :func:`migration_features`.

    Returns
    -------
    DataFrame
        ``region, skill, ds, emigration_rate_same_skill`` (higher -> high, tvet -> medium,
        other -> low).
    """
    parts = [
        features[["region", "ds"]].assign(
            skill=skill, emigration_rate_same_skill=features[f"emigration_rate_{education}"])
        for education, skill in EDUCATION_TO_SKILL.items()
    ]
    return pd.concat(parts, ignore_index=True)[["region", "skill", "ds", "emigration_rate_same_skill"]]
