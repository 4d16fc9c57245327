"""Supply pipeline: graduates per worker by level and sector.

Graduates of a year enter the labour market as a flow; dividing by the employment they would join
makes regions and sectors of different size comparable.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from features.labour import sector_employment
from features.panel import join_on_keys, require_columns

__all__ = ["LEVEL_TO_SKILL", "LEVELS", "graduate_features", "graduates_per_skill_worker"]

LEVELS: tuple[str, ...] = ("higher", "tvet")
LEVEL_TO_SKILL: dict[str, str] = {"higher": "high", "tvet": "medium"}


def _wide_graduates(graduates: pd.DataFrame) -> pd.DataFrame:
    """``region, sector, ds, graduates_higher, graduates_tvet`` (NaN where a level is absent)."""
    require_columns(graduates, "graduates", ["region", "year", "level", "sector", "graduates"])
    unknown = ~graduates["level"].isin(LEVELS)
    if unknown.any():
        raise ValueError(f"graduates column 'level' has value "
                         f"{graduates.loc[unknown, 'level'].iloc[0]!r}; expected one of {LEVELS}")
    wide = (graduates.groupby(["region", "sector", "year", "level"], sort=True, observed=True)
            ["graduates"].sum(min_count=1).unstack("level").reindex(columns=list(LEVELS)))
    wide.columns = [f"graduates_{level}" for level in LEVELS]
    return wide.reset_index().rename(columns={"year": "ds"})


def graduate_features(graduates: pd.DataFrame, employment: pd.DataFrame) -> pd.DataFrame:
    """Graduates of each level per employed person of the region x sector (all skills).

    Returns
    -------
    DataFrame
        ``region, sector, ds, graduates_higher_per_worker, graduates_tvet_per_worker``, one row
        per region x sector x year with graduates; NaN where employment is missing or 0.
    """
    wide = _wide_graduates(graduates)
    employed = join_on_keys(wide, sector_employment(employment), ["region", "sector", "ds"],
                            ["employed"])["employed"].to_numpy()
    result = wide[["region", "sector", "ds"]].copy()
    with np.errstate(divide="ignore", invalid="ignore"):
        for level in LEVELS:
            result[f"graduates_{level}_per_worker"] = np.where(
                employed > 0, wide[f"graduates_{level}"].to_numpy() / employed, np.nan)
    return result


def graduates_per_skill_worker(graduates: pd.DataFrame, employment: pd.DataFrame) -> pd.DataFrame:
    """Graduates of the level that supplies each series' skill, per worker of that series.

    Higher-education graduates supply ``high`` skill and TVET graduates ``medium`` skill; no
    graduate level supplies ``low`` skill, so low-skill series get 0.

    Returns
    -------
    DataFrame
        ``region, sector, skill, ds, graduates_per_skill_worker``, one row per employment row;
        NaN where the matching graduate count is missing or the series' employment is 0.
    """
    require_columns(employment, "employment", ["region", "sector", "year", "skill", "employed"])
    wide = _wide_graduates(graduates)
    result = employment[["region", "sector", "skill", "year"]].rename(columns={"year": "ds"})
    result = result.reset_index(drop=True)
    supplied = join_on_keys(result, wide, ["region", "sector", "ds"],
                            [f"graduates_{level}" for level in LEVELS])
    matching = np.select([(result["skill"] == LEVEL_TO_SKILL[level]).to_numpy() for level in LEVELS],
                         [supplied[f"graduates_{level}"].to_numpy() for level in LEVELS],
                         default=0.0)
    employed = employment["employed"].to_numpy(dtype=np.float64, na_value=np.nan)
    with np.errstate(divide="ignore", invalid="ignore"):
        result["graduates_per_skill_worker"] = np.where(employed > 0, matching / employed, np.nan)
    return result
