"""Convert domain tables (one column per key) to long panels and back."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from ._validation import ID_COL, TARGET_COL, TIME_COL

SEPARATOR = "|"
# Columns a Nixtla frame keeps besides the forecasts; Nixtla's tools take any other one for a model.
NIXTLA_KEYS = (ID_COL, TIME_COL, "cutoff", TARGET_COL)


def to_long(
    df: pd.DataFrame,
    keys: Sequence[str],
    time: str = "year",
    value: str = "value",
    exog: Sequence[str] = (),
) -> pd.DataFrame:
    """Build a long ``unique_id, ds, y`` panel from a table keyed by several columns.

    Parameters
    ----------
    df : pandas.DataFrame
        Table with the key columns, a time column and a value column.
    keys : str or sequence of str
        Columns whose values, joined with ``|``, form ``unique_id`` (in this order).
    time, value : str
        Names of the year and value columns.
    exog : sequence of str
        Extra columns to carry along as exogenous variables.

    Returns
    -------
    pandas.DataFrame
        ``unique_id, ds, y`` (+ ``exog``) sorted by ``unique_id`` then ``ds``.

    Raises
    ------
    TypeError
        If ``df`` is not a DataFrame.
    ValueError
        If a column is missing, a key value is missing or contains the separator ``|``.
    """
    _check_frame(df, "to_long")
    keys = _key_list(keys)
    if not keys:
        raise ValueError("keys must name at least one column")
    missing = [c for c in [*keys, time, value, *exog] if c not in df.columns]
    if missing:
        raise ValueError(f"missing column {missing[0]!r}; table has {', '.join(map(str, df.columns))}")
    for key in keys:
        absent = df[key].isna().to_numpy()
        if absent.any():
            raise ValueError(f"column {key!r} has a missing value in row {df.index[int(np.flatnonzero(absent)[0])]}; "
                             "every row needs all its keys to name its series")
    parts = [df[k].astype(str) for k in keys]
    for key, part in zip(keys, parts):
        clash = part.str.contains(SEPARATOR, regex=False)
        if clash.any():
            raise ValueError(
                f"column {key!r} value {part[clash].iloc[0]!r} contains the separator {SEPARATOR!r}"
            )
    uid = parts[0]
    for part in parts[1:]:
        uid = uid + SEPARATOR + part
    out = pd.DataFrame({ID_COL: uid.to_numpy(), TIME_COL: df[time].to_numpy(), TARGET_COL: df[value].to_numpy()})
    for col in exog:
        out[col] = df[col].to_numpy()
    return out.sort_values([ID_COL, TIME_COL], kind="stable", ignore_index=True)


def from_long(
    df: pd.DataFrame,
    keys: Sequence[str],
    time: str = "year",
    value: str | None = None,
) -> pd.DataFrame:
    """Split ``unique_id`` back into key columns and rename ``ds`` (and ``y``).

    Parameters
    ----------
    df : pandas.DataFrame
        Long frame, e.g. a forecast with ``unique_id, ds, yhat, ...``.
    keys : str or sequence of str
        Names for the parts of ``unique_id``, in the order used by :func:`to_long`.
    time : str
        New name of ``ds``.
    value : str, optional
        New name of ``y`` if present.

    Returns
    -------
    pandas.DataFrame
        Key columns first, then ``time`` and the remaining columns.

    Raises
    ------
    TypeError
        If ``df`` is not a DataFrame.
    ValueError
        If ``unique_id`` is missing or an identifier does not split into ``len(keys)`` parts.
    """
    _check_frame(df, "from_long")
    keys = _key_list(keys)
    if ID_COL not in df.columns:
        raise ValueError(f"from_long: missing column {ID_COL!r}; found {', '.join(map(str, df.columns))}")
    split = df[ID_COL].astype(str).str.split(SEPARATOR, regex=False)
    counts = split.str.len().to_numpy()
    if len(df) and not np.all(counts == len(keys)):
        bad = df[ID_COL].iloc[int(np.flatnonzero(counts != len(keys))[0])]
        raise ValueError(f"unique_id {bad!r} does not split into the {len(keys)} keys {', '.join(keys)}")
    out = pd.DataFrame(split.tolist() if len(df) else [], columns=keys, index=df.index)
    rest = df.drop(columns=[ID_COL]).rename(columns={TIME_COL: time})
    if value is not None and TARGET_COL in rest.columns:
        rest = rest.rename(columns={TARGET_COL: value})
    return pd.concat([out, rest], axis=1).reset_index(drop=True)


def _check_frame(df: object, function: str) -> None:
    if not isinstance(df, pd.DataFrame):
        raise TypeError(f"{function} expects a pandas DataFrame; got {type(df).__name__}")


def _key_list(keys: str | Sequence[str]) -> list[str]:
    """Key columns as a list; one name may be given as a string."""
    return [keys] if isinstance(keys, str) else list(keys)


def to_nixtla(forecast: pd.DataFrame, *, model_name: str | None = None) -> pd.DataFrame:
    """Name forecast columns the way Nixtla's statsforecast does.

    ``yhat`` becomes ``<model_name>``, ``yhat_lo_<L>`` and ``yhat_hi_<L>`` become
    ``<model_name>-lo-<L>`` and ``<model_name>-hi-<L>``, so the frame can be merged with
    statsforecast output or scored by ``utilsforecast.evaluation.evaluate``.

    Parameters
    ----------
    forecast : pandas.DataFrame
        Output of ``predict`` or of :func:`models.cross_validation`.
    model_name : str, optional
        Name of the forecast columns. By default the class name of the model that made the
        forecast (``predict`` and :func:`models.cross_validation` record it in
        ``forecast.attrs["model"]``), else ``"AutoForecaster"``.

    Returns
    -------
    pandas.DataFrame
        ``unique_id, ds`` (then ``cutoff`` and ``y`` where present) and the renamed forecast
        columns. Other columns (``step``, ``scale_mae``, ``scale_mse`` of a back-test) are
        dropped, since Nixtla's tools would read them as models.

    Raises
    ------
    TypeError
        If ``forecast`` is not a DataFrame or ``model_name`` not a string.
    ValueError
        If ``forecast`` has no ``yhat`` column or ``model_name`` is empty.

    Examples
    --------
    >>> import pandas as pd
    >>> fc = pd.DataFrame({"unique_id": ["a"], "ds": [2025], "yhat": [1.0],
    ...                    "yhat_lo_80": [0.5], "yhat_hi_80": [1.5]})
    >>> to_nixtla(fc).columns.tolist()
    ['unique_id', 'ds', 'AutoForecaster', 'AutoForecaster-lo-80', 'AutoForecaster-hi-80']
    """
    if not isinstance(forecast, pd.DataFrame):
        raise TypeError(f"to_nixtla expects a forecast DataFrame; got {type(forecast).__name__}")
    if model_name is None:
        model_name = forecast.attrs.get("model", "AutoForecaster")
    if not isinstance(model_name, str):
        raise TypeError(f"model_name must be a string; got {model_name!r}")
    if not model_name:
        raise ValueError("model_name must not be empty")
    if "yhat" not in forecast.columns:
        raise ValueError(
            f"to_nixtla: missing column 'yhat'; expected a forecast with yhat, yhat_lo_<L>, yhat_hi_<L> "
            f"(found {', '.join(map(str, forecast.columns))})"
        )
    names = {"yhat": model_name}
    for col in forecast.columns:
        for side in ("lo", "hi"):
            if str(col).startswith(f"yhat_{side}_"):
                names[col] = f"{model_name}-{side}-{str(col).removeprefix(f'yhat_{side}_')}"
    keys = [col for col in NIXTLA_KEYS if col in forecast.columns]
    return forecast[keys + list(names)].rename(columns=names).reset_index(drop=True)
