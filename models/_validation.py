"""Input checks shared by every model, so that bad panels fail in one place with one message."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd

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

    frame[TIME_COL] = _integer_years(frame)
    for col in [c for c in frame.columns if c not in (ID_COL, TIME_COL)]:
        frame[col] = _numeric_column(frame, col)
    if require_target:
        finite = np.isfinite(frame[TARGET_COL].to_numpy())
        if not finite.all():
            uid, ds = _first_offending(frame, ~finite)
            value = frame.loc[~finite, TARGET_COL].iloc[0]
            raise ValueError(
                f"column 'y' has non-finite value {value} for series {uid!r} at ds {_plain(ds)}; "
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
        raise ValueError(f"duplicate (unique_id, ds) = ({ids[at]!r}, {_plain(years[at])}) in columns unique_id, ds")
    gap = same_series & (step > 1)
    if gap.any():
        at = int(np.flatnonzero(gap)[0])
        raise ValueError(
            f"series {ids[at]!r} has a gap in column 'ds' between {years[at]} and {years[at + 1]}; "
            "years inside a series must be consecutive"
        )
    return frame


def _integer_years(frame: pd.DataFrame) -> np.ndarray:
    column = frame[TIME_COL]
    if not (pd.api.types.is_numeric_dtype(column) and not pd.api.types.is_bool_dtype(column)):
        uid, value = frame[ID_COL].iloc[0], column.iloc[0]
        raise ValueError(
            f"column 'ds' must hold integer years; series {uid!r} has {value!r} (dtype {column.dtype})"
        )
    values = column.to_numpy(dtype=np.float64, na_value=np.nan)
    whole = np.isfinite(values) & (values == np.round(values))
    if not whole.all():
        at = int(np.flatnonzero(~whole)[0])
        raise ValueError(
            f"column 'ds' must hold integer years; series {frame[ID_COL].iloc[at]!r} has {_plain(column.iloc[at])}"
        )
    return values.astype(np.int64)


def _plain(value: object) -> str:
    """Show numpy scalars as plain numbers in messages."""
    return repr(value.item()) if isinstance(value, np.generic) else repr(value)


def _numeric_column(frame: pd.DataFrame, col: str) -> np.ndarray:
    column = frame[col]
    if not (pd.api.types.is_numeric_dtype(column) or pd.api.types.is_bool_dtype(column)):
        uid, ds = frame[ID_COL].iloc[0], frame[TIME_COL].iloc[0]
        raise ValueError(
            f"column {col!r} must be numeric; series {uid!r} at ds {ds} has {column.iloc[0]!r} "
            f"(dtype {column.dtype})"
        )
    return column.to_numpy(dtype=np.float64, na_value=np.nan)


def sort_panel(frame: pd.DataFrame) -> pd.DataFrame:
    """Sort by ``unique_id`` then ``ds``; identifiers of mixed types sort by their text."""
    try:
        return frame.sort_values([ID_COL, TIME_COL], kind="stable", ignore_index=True)
    except TypeError:
        order = np.lexsort((frame[TIME_COL].to_numpy(), frame[ID_COL].astype(str).to_numpy()))
        return frame.iloc[order].reset_index(drop=True)


def check_horizon(h: object) -> int:
    """Return ``h`` as a positive int or raise ``ValueError``."""
    if isinstance(h, bool) or not isinstance(h, (int, np.integer)) or h < 1:
        raise ValueError(f"h must be a positive integer number of years; got {h!r}")
    return int(h)


def check_levels(level: Iterable[float] | float | None) -> list[float]:
    """Return prediction-interval levels (percent) as a sorted list, checking each is in (0, 100)."""
    if level is None:
        return []
    if isinstance(level, (int, float, np.number)):
        level = [level]
    levels = []
    for value in level:
        if isinstance(value, bool) or not isinstance(value, (int, float, np.number)) or not 0 < value < 100:
            raise ValueError(f"level must hold percentages strictly between 0 and 100; got {value!r}")
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
