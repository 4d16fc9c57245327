"""Statutory pension age by sex and year, as a parameter of the demographic features.

The default is Kazakhstan's schedule: men 63; women 58 until 2017, then 6 months more each year
from 2018 (58.5 in 2018, 60.5 in 2022) up to 61 in 2023, held at 61 to 2028, then 6 months more
each year from 2029 to reach 63 in 2032. Pass another schedule to model a reform scenario.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

__all__ = ["PensionAgeSchedule", "KAZAKHSTAN_PENSION_AGES", "SEXES"]

SEXES: tuple[str, ...] = ("male", "female")

_MALE_STEPS: tuple[tuple[int, float], ...] = ((0, 63.0),)
_FEMALE_STEPS: tuple[tuple[int, float], ...] = (
    (0, 58.0),
    (2018, 58.5), (2019, 59.0), (2020, 59.5), (2021, 60.0), (2022, 60.5), (2023, 61.0),
    (2029, 61.5), (2030, 62.0), (2031, 62.5), (2032, 63.0),
)


@dataclass(frozen=True)
class PensionAgeSchedule:
    """Pension age (in years, halves allowed) by sex, as steps ``(first_year, age)``.

    Each step's age applies from its first year until the next step; the first step's age also
    applies to all earlier years.

    Parameters
    ----------
    male, female : sequence of (int, float)
        Steps sorted by strictly increasing first year.

    Examples
    --------
    >>> schedule = PensionAgeSchedule()
    >>> schedule.ages("female", [2017, 2018, 2025, 2032]).tolist()
    [58.0, 58.5, 61.0, 63.0]
    """

    male: Sequence[tuple[int, float]] = _MALE_STEPS
    female: Sequence[tuple[int, float]] = _FEMALE_STEPS

    def __post_init__(self) -> None:
        for sex in SEXES:
            steps = getattr(self, sex)
            if len(steps) == 0:
                raise ValueError(f"pension age schedule for {sex} has no steps")
            years = np.array([year for year, _ in steps])
            ages = np.array([age for _, age in steps], dtype=np.float64)
            if np.any(np.diff(years) <= 0):
                raise ValueError(
                    f"pension age steps for {sex} must have strictly increasing years, got "
                    f"{years.tolist()}")
            if np.any(~np.isfinite(ages)) or np.any(ages <= 0):
                raise ValueError(f"pension ages for {sex} must be positive, got {ages.tolist()}")

    def ages(self, sex: str, years: Sequence[int] | np.ndarray) -> np.ndarray:
        """Pension age of ``sex`` in each of ``years`` (vectorized over years)."""
        if sex not in SEXES:
            raise ValueError(f"sex must be one of {SEXES}, got {sex!r}")
        steps = getattr(self, sex)
        step_years = np.array([year for year, _ in steps])
        step_ages = np.array([age for _, age in steps], dtype=np.float64)
        position = np.searchsorted(step_years, np.asarray(years), side="right") - 1
        return step_ages[np.clip(position, 0, None)]

    @classmethod
    def from_frame(cls, frame: pd.DataFrame) -> PensionAgeSchedule:
        """Build a schedule from a table with columns ``sex, year, pension_age``.

        Each row is a step: the age that applies from that year on.
        """
        missing = {"sex", "year", "pension_age"} - set(frame.columns)
        if missing:
            raise ValueError(f"pension age table lacks column(s) {sorted(missing)}")
        unknown = set(frame["sex"]) - set(SEXES)
        if unknown:
            raise ValueError(f"pension age table has sex {sorted(unknown)}; expected {SEXES}")
        steps = {}
        for sex in SEXES:
            rows = frame.loc[frame["sex"] == sex].sort_values("year")
            steps[sex] = tuple(zip(rows["year"].astype(int), rows["pension_age"].astype(float)))
        return cls(male=steps["male"], female=steps["female"])


KAZAKHSTAN_PENSION_AGES = PensionAgeSchedule()
