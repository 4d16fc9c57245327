"""The caller's kind of ``ds`` (integer years, annual dates or annual periods) and the way back.

The models work on integer years. A caller may give ``ds`` as integer years, as dates on one
fixed day of every year (1 January, 31 December, 1 July, ...) or as annual pandas periods;
:func:`models._validation.to_years` reads it into integer years and a :class:`YearCalendar`,
which turns forecast years back into the caller's kind, dtype and day of the year.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

# pandas numbers annual periods from 1970, whatever month the year ends in.
PERIOD_EPOCH = 1970
KINDS = ("year", "date", "period")


@dataclass(frozen=True)
class YearCalendar:
    """How integer years map to the caller's ``ds``.

    Parameters
    ----------
    kind : {"year", "date", "period"}
        Integer years, dates on one day of every year, or annual periods.
    dtype : numpy or pandas dtype, optional
        The caller's dtype of dates (unit and time zone) or periods (frequency).
    month, day : int
        Day of the year the dates fall on (``kind="date"``).
    time : pandas.Timedelta
        Time of day of the dates (``kind="date"``), usually zero.
    """

    kind: str = "year"
    dtype: object = None
    month: int = 1
    day: int = 1
    time: pd.Timedelta = pd.Timedelta(0)

    def matches(self, other: "YearCalendar") -> bool:
        """Whether ``other`` reads the same years the same way (date units may differ)."""
        if self.kind != other.kind:
            return False
        if self.kind == "period":
            return self.dtype == other.dtype
        if self.kind == "date":
            same_zone = str(getattr(self.dtype, "tz", None)) == str(getattr(other.dtype, "tz", None))
            return same_zone and (self.month, self.day, self.time) == (other.month, other.day, other.time)
        return True

    def describe(self) -> str:
        """Plain words for messages, e.g. ``"dates on 31 December"``."""
        if self.kind == "period":
            return f"annual periods ({pd.PeriodIndex([], dtype=self.dtype).freqstr})"
        if self.kind == "date":
            at = f" at {self.time}" if self.time else ""
            tz = getattr(self.dtype, "tz", None)
            return f"dates on {self.day} {pd.Timestamp(2000, self.month, 1).month_name()}{at}" + (f" ({tz})" if tz else "")
        return "integer years"

    def to_ds(self, years) -> np.ndarray | pd.api.extensions.ExtensionArray:
        """The caller's ``ds`` for integer ``years``: int64 years, dates or periods.

        Parameters
        ----------
        years : array-like of int
            Calendar years.

        Returns
        -------
        numpy.ndarray or pandas extension array
            ``years`` as int64 for integer years (unchanged); otherwise a
            ``DatetimeArray`` or ``PeriodArray`` of the caller's dtype.
        """
        years = np.asarray(years, dtype=np.int64)
        if self.kind == "period":
            return pd.arrays.PeriodArray(years - PERIOD_EPOCH, dtype=self.dtype)
        if self.kind == "date":
            months = (years - 1970).astype("datetime64[Y]").astype("datetime64[M]") + (self.month - 1)
            days = months.astype("datetime64[D]") + (self.day - 1)
            stamps = pd.DatetimeIndex(days.astype("datetime64[ns]") + self.time.to_timedelta64())
            tz = getattr(self.dtype, "tz", None)
            if tz is not None:
                stamps = stamps.tz_localize(tz)
            return stamps.as_unit(date_unit(self.dtype)).array
        return years

    def label(self, year: int) -> str:
        """One year as the caller writes it, for messages: ``2030``, ``2030-12-31``."""
        value = self.to_ds([year])[0]
        if self.kind == "date":
            return str(value.date()) if not self.time else str(value)
        return str(value)


YEARS = YearCalendar()


def date_unit(dtype) -> str:
    """Resolution (``"ns"``, ``"us"``, ``"s"`` ...) of a datetime dtype, time zone or not."""
    unit = getattr(dtype, "unit", None)
    return unit if unit is not None else np.datetime_data(dtype)[0]
