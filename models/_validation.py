"""Input checks shared by every model, so that bad panels fail in one place with one message."""

from __future__ import annotations

import warnings
from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd

from .constraints import InvalidParameterError, as_constraint, describe
from .years import PERIOD_EPOCH, YEARS, YearCalendar

ID_COL = "unique_id"
TIME_COL = "ds"
TARGET_COL = "y"
REQUIRED_COLUMNS = (ID_COL, TIME_COL, TARGET_COL)


def _first_offending(frame: pd.DataFrame, mask: np.ndarray) -> tuple[object, object]:
    row = frame.loc[mask].iloc[0]
    return row[ID_COL], row[TIME_COL]


def validate_panel(df: pd.DataFrame, *, require_target: bool = True) -> pd.DataFrame:
    """Check a long panel and return it sorted by ``unique_id`` then ``ds``.

    Parameters
    ----------
    df : pandas.DataFrame
        Columns ``unique_id``, ``ds`` (integer years) and ``y``; any further columns are
        exogenous variables and must be numeric (missing values allowed there).
    require_target : bool, default True
        Whether ``y`` must be present.

    Returns
    -------
    pandas.DataFrame
        A sorted copy with ``ds`` as int64 and ``y`` and exogenous columns as float64.

    Raises
    ------
    TypeError
        If ``df`` is not a DataFrame.
    ValueError
        On a missing column, a non-integer year, a duplicate ``(unique_id, ds)``, a non-finite
        target, a non-numeric exogenous column or a gap in the years of a series. The message
        names the column, the series and the offending value.
    """
    if not isinstance(df, pd.DataFrame):
        raise TypeError(f"expected a pandas DataFrame with columns unique_id, ds, y; got {type(df).__name__}")
    required = REQUIRED_COLUMNS if require_target else (ID_COL, TIME_COL)
    missing = [col for col in required if col not in df.columns]
    if missing:
        raise ValueError(
            f"missing column {missing[0]!r}; expected columns {', '.join(required)} "
            f"(found {', '.join(map(str, df.columns)) or 'none'})"
        )
    if len(df) == 0:
        raise ValueError("the panel is empty: no rows in columns unique_id, ds, y")
    frame = df.copy()

    if frame[ID_COL].isna().any():
        bad = frame.loc[frame[ID_COL].isna(), TIME_COL].iloc[0]
        raise ValueError(f"column 'unique_id' has a missing value (at ds {bad!r})")

    frame[TIME_COL] = integer_years(frame)
    for col in [c for c in frame.columns if c not in (ID_COL, TIME_COL)]:
        frame[col] = _numeric_column(frame, col)
    if require_target:
        finite = np.isfinite(frame[TARGET_COL].to_numpy())
        if not finite.all():
            uid, ds = _first_offending(frame, ~finite)
            value = frame.loc[~finite, TARGET_COL].iloc[0]
            raise ValueError(
                f"column 'y' has non-finite value {value} for series {uid!r} at ds {plain_value(ds)}; "
                "expected finite numbers"
            )

    frame = sort_panel(frame)
    ids = frame[ID_COL].to_numpy()
    years = frame[TIME_COL].to_numpy()
    same_series = ids[1:] == ids[:-1]
    step = np.diff(years)
    duplicate = same_series & (step == 0)
    if duplicate.any():
        at = int(np.flatnonzero(duplicate)[0]) + 1
        raise ValueError(f"duplicate (unique_id, ds) = ({ids[at]!r}, {plain_value(years[at])}) in columns unique_id, ds")
    gap = same_series & (step > 1)
    if gap.any():
        at = int(np.flatnonzero(gap)[0])
        raise ValueError(
            f"series {ids[at]!r} has a gap in column 'ds' between {years[at]} and {years[at + 1]}; "
            "years inside a series must be consecutive"
        )
    return frame


ANNUAL_ONLY = (
    "the models are for annual series: give ds as integer years, as dates on one day of every "
    "year (e.g. 1 January or 31 December) or as annual periods (freq 'Y')"
)


def to_years(df: pd.DataFrame, *, calendar: YearCalendar | None = None, name: str | None = None):
    """Read ``ds`` of integer years, annual dates or annual periods as integer years.

    Parameters
    ----------
    df : pandas.DataFrame
        A frame with column ``ds``; anything else is left to :func:`validate_panel`.
    calendar : YearCalendar, optional
        The calendar ``ds`` must follow (that of the data a model was fitted on).
    name : str, optional
        What ``df`` is called in messages, e.g. ``"X_df"``.

    Returns
    -------
    frame : pandas.DataFrame
        ``df`` itself for integer years (checked later by :func:`validate_panel`), otherwise
        a copy with ``ds`` as int64 years.
    calendar : YearCalendar
        How to turn years back into the caller's ``ds``.

    Raises
    ------
    ValueError
        On sub-annual data (two dates in one year of a series, dates on different days of the
        year, periods that are not annual), a missing date, text in ``ds``, or a ``ds`` of
        another kind than ``calendar``.
    """
    prefix = f"{name}: " if name else ""
    if not isinstance(df, pd.DataFrame) or TIME_COL not in df.columns or ID_COL not in df.columns or len(df) == 0:
        return df, YEARS if calendar is None else calendar
    column = df[TIME_COL]
    if isinstance(column.dtype, pd.PeriodDtype):
        years, found = _period_years(df, prefix)
    elif pd.api.types.is_datetime64_any_dtype(column):
        years, found = _date_years(df, prefix)
    elif pd.api.types.is_numeric_dtype(column) or len(column.dropna()) == 0:
        years, found = None, YEARS
    else:
        raise ValueError(
            f"{prefix}column 'ds' must hold integer years, annual dates or annual periods; series "
            f"{df[ID_COL].iloc[0]!r} has {column.iloc[0]!r} (dtype {column.dtype})"
        )
    if calendar is not None and not calendar.matches(found):
        raise ValueError(f"{prefix}column 'ds' holds {found.describe()}; the model was fitted on {calendar.describe()}")
    if years is None:
        return df, found
    frame = df.copy()
    frame[TIME_COL] = years
    return frame, found


def _missing_ds(df: pd.DataFrame, missing: np.ndarray, prefix: str) -> ValueError:
    return ValueError(f"{prefix}column 'ds' has a missing value for series {df[ID_COL].to_numpy()[missing][0]!r}")


def _period_years(df: pd.DataFrame, prefix: str) -> tuple[np.ndarray, YearCalendar]:
    column = df[TIME_COL]
    freq = column.dtype.freq
    if not (isinstance(freq, pd.offsets.YearEnd) and freq.n == 1):
        raise ValueError(f"{prefix}column 'ds' holds periods of frequency {column.array.freqstr!r}; {ANNUAL_ONLY}")
    missing = column.isna().to_numpy()
    if missing.any():
        raise _missing_ds(df, missing, prefix)
    return column.array.asi8 + PERIOD_EPOCH, YearCalendar("period", column.dtype)


def _date_years(df: pd.DataFrame, prefix: str) -> tuple[np.ndarray, YearCalendar]:
    column = df[TIME_COL]
    missing = column.isna().to_numpy()
    if missing.any():
        raise _missing_ds(df, missing, prefix)
    years = column.dt.year.to_numpy(np.int64)
    ids = df[ID_COL].to_numpy()
    stamps = column.array.asi8
    codes, _ = pd.factorize(df[ID_COL])
    order = np.lexsort((stamps, codes))
    # Equal dates are duplicates, which validate_panel reports; two days of one year are sub-annual.
    same_year = (codes[order][1:] == codes[order][:-1]) & (years[order][1:] == years[order][:-1])
    same_year &= stamps[order][1:] != stamps[order][:-1]
    if same_year.any():
        at = int(np.flatnonzero(same_year)[0])
        first, second = column.iloc[order[at]], column.iloc[order[at + 1]]
        raise ValueError(
            f"{prefix}series {ids[order[at]]!r} has two dates in {years[order[at]]} in column 'ds' "
            f"({_show(first)} and {_show(second)}); {ANNUAL_ONLY}"
        )
    times = (column - column.dt.normalize()).to_numpy()
    anchor = np.stack([column.dt.month.to_numpy(np.int64), column.dt.day.to_numpy(np.int64)], axis=1)
    other = (anchor != anchor[0]).any(axis=1) | (times != times[0])
    if other.any():
        at = int(np.flatnonzero(other)[0])
        raise ValueError(
            f"{prefix}column 'ds' has dates on different days of the year ({_show(column.iloc[0])} for series "
            f"{ids[0]!r}, {_show(column.iloc[at])} for series {ids[at]!r}); {ANNUAL_ONLY}"
        )
    month, day = (int(v) for v in anchor[0])
    if (month, day) == (2, 29):
        raise ValueError(f"{prefix}column 'ds' has dates on 29 February, which most years lack; {ANNUAL_ONLY}")
    return years, YearCalendar("date", column.dtype, month, day, pd.Timedelta(times[0]))


def _show(stamp: pd.Timestamp) -> str:
    return str(stamp.date()) if stamp == stamp.normalize() else str(stamp)


def integer_years(frame: pd.DataFrame, prefix: str = "") -> np.ndarray:
    """``ds`` of ``frame`` as int64 years; a ValueError naming the series and value otherwise."""
    column = frame[TIME_COL]
    if not (pd.api.types.is_numeric_dtype(column) and not pd.api.types.is_bool_dtype(column)):
        uid, value = frame[ID_COL].iloc[0], column.iloc[0]
        raise ValueError(
            f"{prefix}column 'ds' must hold integer years; series {uid!r} has {value!r} (dtype {column.dtype})"
        )
    values = column.to_numpy(dtype=np.float64, na_value=np.nan)
    whole = np.isfinite(values) & (values == np.round(values))
    if not whole.all():
        at = int(np.flatnonzero(~whole)[0])
        raise ValueError(
            f"{prefix}column 'ds' must hold integer years; series {frame[ID_COL].iloc[at]!r} has {plain_value(column.iloc[at])}"
        )
    return values.astype(np.int64)


def plain_value(value: object) -> str:
    """Show numpy scalars as plain numbers in messages."""
    return repr(value.item()) if isinstance(value, np.generic) else repr(value)


def _numeric_column(frame: pd.DataFrame, col: str, prefix: str = "") -> np.ndarray:
    column = frame[col]
    if not (pd.api.types.is_numeric_dtype(column) or pd.api.types.is_bool_dtype(column)):
        uid, ds = frame[ID_COL].iloc[0], frame[TIME_COL].iloc[0]
        raise ValueError(
            f"{prefix}column {col!r} must be numeric; series {uid!r} at ds {ds} has {column.iloc[0]!r} "
            f"(dtype {column.dtype})"
        )
    return column.to_numpy(dtype=np.float64, na_value=np.nan)


def sort_panel(frame: pd.DataFrame, by: Sequence[str] = (TIME_COL,)) -> pd.DataFrame:
    """Sort by ``unique_id`` then ``by``; identifiers of mixed types sort by their text."""
    try:
        return frame.sort_values([ID_COL, *by], kind="stable", ignore_index=True)
    except TypeError:
        keys = [frame[col].to_numpy() for col in reversed(by)]
        order = np.lexsort((*keys, frame[ID_COL].astype(str).to_numpy()))
        return frame.iloc[order].reset_index(drop=True)


def validate_params(estimator) -> None:
    """Check every parameter of ``estimator`` against its class's ``_parameter_constraints``.

    Parameters
    ----------
    estimator : estimator
        A model whose class maps parameter names to lists of constraints (see
        :mod:`models.constraints`), one of which each value must meet; a parameter listed
        as ``"no_validation"`` or not listed is left to the model.

    Raises
    ------
    InvalidParameterError
        Naming the class, the parameter, what was expected and the value given. It is both a
        ``ValueError`` and a ``TypeError``, as in scikit-learn.
    """
    constraints = getattr(type(estimator), "_parameter_constraints", {})
    for name, value in estimator.get_params(deep=False).items():
        allowed = constraints.get(name, "no_validation")
        if allowed == "no_validation" or any(as_constraint(item).accepts(value) for item in allowed):
            continue
        raise InvalidParameterError(f"{type(estimator).__name__}: {name} must be {describe(allowed)}; got {value!r}")


def check_horizon(h: object) -> int:
    """Return ``h`` as a positive int or raise ``ValueError``."""
    if isinstance(h, bool) or not isinstance(h, (int, np.integer)) or h < 1:
        raise ValueError(f"h must be a positive integer number of years; got {h!r}")
    return int(h)


def check_levels(level: Iterable[float] | float | None) -> list[float]:
    """Return prediction-interval levels (percent) as a sorted list, checking each is in (0, 100)."""
    if level is None:
        return []
    if isinstance(level, (int, float, np.number, str)):
        level = [level]
    levels = []
    for value in level:
        if isinstance(value, bool) or not isinstance(value, (int, float, np.number)) or not 0 < value < 100:
            raise ValueError(f"level must hold percentages strictly between 0 and 100; got {value!r}")
        if value <= 1:
            # A share (0.8) where a percentage (80) was meant gives a uselessly narrow interval.
            warnings.warn(
                f"level {value:g} is read as a percentage, a {value:g}% interval; levels are "
                f"percentages, e.g. 80 for an 80% interval",
                UserWarning,
                stacklevel=3,
            )
        levels.append(float(value))
    return sorted(set(levels))


def level_label(level: float) -> str:
    """Column suffix for a level: ``80`` for 80.0, ``97.5`` for 97.5."""
    return f"{level:g}"


def check_positive_int(name: str, value: object, minimum: int = 1) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < minimum:
        raise ValueError(f"{name} must be an integer >= {minimum}; got {value!r}")
    return int(value)


def exogenous_columns(frame: pd.DataFrame, exclude: Sequence[str] = REQUIRED_COLUMNS) -> list[str]:
    return [c for c in frame.columns if c not in exclude]


def check_future_exogenous(
    X_df: pd.DataFrame | None,
    *,
    ids: np.ndarray,
    last_ds: np.ndarray,
    h: int,
    columns: Sequence[str],
    calendar: YearCalendar = YEARS,
) -> pd.DataFrame | None:
    """Check future exogenous values: one row per series and forecast year, nothing else.

    Parameters
    ----------
    X_df : pandas.DataFrame or None
        ``unique_id, ds`` and the exogenous ``columns``, for each series' next ``h`` years.
    ids, last_ds : numpy.ndarray
        The fitted series and their last observed years.
    h : int
        Forecast horizon.
    columns : sequence of str
        Exogenous columns of the data the model was fitted on.
    calendar : YearCalendar
        The kind of ``ds`` the model was fitted on; ``X_df`` must use the same.

    Returns
    -------
    pandas.DataFrame or None
        ``X_df`` in forecast order (series, then year) with ``ds`` as int64 years.

    Raises
    ------
    TypeError
        If ``X_df`` is not a DataFrame.
    ValueError
        On a missing or unexpected column, a ``ds`` of another kind, a non-numeric value, a
        duplicate, an unknown series, or a row missing or outside the horizon.
    """
    if X_df is None:
        return None
    if not isinstance(X_df, pd.DataFrame):
        raise TypeError(f"X_df must be a pandas DataFrame with columns unique_id, ds and the exogenous columns; got {type(X_df).__name__}")
    expected = [ID_COL, TIME_COL, *columns]
    fitted_with = ", ".join(columns) or "none"
    missing = [col for col in expected if col not in X_df.columns]
    if missing:
        raise ValueError(f"X_df: missing column {missing[0]!r}; expected unique_id, ds and the exogenous columns at fit ({fitted_with})")
    unexpected = [col for col in X_df.columns if col not in expected]
    if unexpected:
        raise ValueError(f"X_df: column {unexpected[0]!r} was not an exogenous column at fit (the model was fitted with: {fitted_with})")
    frame, _ = to_years(X_df[expected], calendar=calendar, name="X_df")
    if frame[ID_COL].isna().any():
        raise ValueError("X_df: column 'unique_id' has a missing value")
    if pd.api.types.is_numeric_dtype(frame[TIME_COL]):
        frame[TIME_COL] = integer_years(frame, prefix="X_df: ")
    for col in columns:
        frame[col] = _numeric_column(frame, col, prefix="X_df: ")
    key = pd.MultiIndex.from_arrays([frame[ID_COL], frame[TIME_COL]])
    if key.duplicated().any():
        uid, year = key[key.duplicated()][0]
        raise ValueError(f"X_df: duplicate (unique_id, ds) = ({uid!r}, {calendar.label(year)})")
    years = last_ds[:, None] + np.arange(1, h + 1)[None, :]
    wanted = pd.MultiIndex.from_arrays([np.repeat(ids, h), years.ravel()])
    outside = ~key.isin(wanted)
    if outside.any():
        uid, year = key[outside][0]
        if uid not in set(ids):
            raise ValueError(f"X_df: series {uid!r} is not among the series the model was fitted on")
        row = int(np.flatnonzero(ids == uid)[0])
        raise ValueError(
            f"X_df: series {uid!r} has ds {calendar.label(year)} outside its forecast years "
            f"{calendar.label(years[row, 0])} .. {calendar.label(years[row, -1])}"
        )
    absent = ~wanted.isin(key)
    if absent.any():
        uid, year = wanted[absent][0]
        raise ValueError(f"X_df: no row for series {uid!r} at ds {calendar.label(year)}; X_df must cover each series' next {h} years")
    return frame.iloc[np.argsort(wanted.get_indexer(key))].reset_index(drop=True)
