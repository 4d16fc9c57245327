"""Structural features: integer identifiers of region, sector and skill, and break-year
indicators for known structural breaks.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.utils.validation import check_is_fitted

from features.panel import require_columns, vocabulary_codes

__all__ = [
    "SECTORS",
    "SKILLS",
    "DEFAULT_BREAK_YEARS",
    "SeriesIdentifierEncoder",
    "break_indicators",
    "break_feature_names",
]

SECTORS: tuple[str, ...] = (*"ABCDEFGHIJKLMNOPQRSTU", "TOTAL")
SKILLS: tuple[str, ...] = ("high", "medium", "low")

# 2009: the 2008-09 financial crisis; 2015: tenge devaluation; 2020: pandemic; 2022: inflow of
# skilled migrants from Russia and the Abai / Zhetysu / Ulytau boundary change.
DEFAULT_BREAK_YEARS: tuple[int, ...] = (2009, 2015, 2020, 2022)


class SeriesIdentifierEncoder(TransformerMixin, BaseEstimator):
    """Integer codes for region, sector and skill, stable under the arrival of later data.

    Sectors and skills use the fixed contract vocabularies. Regions, which are opaque codes,
    are numbered in order of first appearance (earliest year first, then by name), so fitting on
    data that ends earlier gives every region seen by then the same code; regions unseen at fit
    time transform to -1.

    Parameters
    ----------
    regions : sequence of str, optional
        Fixed region vocabulary in code order. If given, ``fit`` does not learn regions.

    Attributes
    ----------
    regions_ : ndarray of str
        Region of each code.
    """

    def __init__(self, regions: Sequence[str] | None = None):
        self.regions = regions

    def fit(self, X: pd.DataFrame, y=None) -> SeriesIdentifierEncoder:
        """Learn the region vocabulary from ``X`` (columns ``region`` and ``ds``)."""
        if self.regions is not None:
            self.regions_ = np.asarray(list(self.regions), dtype=object)
            return self
        require_columns(X, "series", ["region", "ds"])
        first_year = X.groupby("region", observed=True, sort=False)["ds"].min()
        ordered = first_year.reset_index().sort_values(["ds", "region"], kind="stable")
        self.regions_ = ordered["region"].to_numpy(dtype=object)
        return self

    def transform(self, X: pd.DataFrame) -> pd.DataFrame:
        """``region_code, sector_code, skill_code`` for each row of ``X`` (-1 when unknown)."""
        check_is_fitted(self, "regions_")
        require_columns(X, "series", ["region", "sector", "skill"])
        return pd.DataFrame({
            "region_code": vocabulary_codes(X["region"], self.regions_),
            "sector_code": vocabulary_codes(X["sector"], SECTORS),
            "skill_code": vocabulary_codes(X["skill"], SKILLS),
        }, index=X.index)

    def get_feature_names_out(self, input_features=None) -> np.ndarray:
        """Names of the output columns."""
        return np.array(["region_code", "sector_code", "skill_code"], dtype=object)


def break_feature_names(break_years: Sequence[int] = DEFAULT_BREAK_YEARS) -> list[str]:
    """Names of the columns :func:`break_indicators` adds."""
    return [f"break_{year}" for year in break_years]


def break_indicators(years: Sequence[int] | np.ndarray | pd.Series,
                     break_years: Sequence[int] = DEFAULT_BREAK_YEARS,
                     kind: str = "step") -> pd.DataFrame:
    """0/1 indicators of structural breaks for each year.

    Parameters
    ----------
    years : array-like of int
        Year of each row.
    break_years : sequence of int
        First year of each break.
    kind : {"step", "pulse"}
        ``"step"``: 1 from the break year on (a level shift); ``"pulse"``: 1 in the break year
        only (a one-off shock).

    Returns
    -------
    DataFrame
        One ``break_{year}`` column per break year, one row per input year.
    """
    if kind not in ("step", "pulse"):
        raise ValueError(f"kind must be 'step' or 'pulse', got {kind!r}")
    index = years.index if isinstance(years, pd.Series) else None
    years = np.asarray(years, dtype=np.int64)
    columns = {
        f"break_{year}": ((years >= year) if kind == "step" else (years == year)).astype(np.int8)
        for year in break_years
    }
    return pd.DataFrame(columns, index=index)
