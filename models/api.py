"""The public face of a model: ``fit``, ``predict`` and Nixtla-style ``cross_validation``.

Models compute on integer years (``_fit_panel``, ``_predict_arrays``). :class:`ForecasterMixin`
wraps that core for callers: it checks the parameters against the class's
``_parameter_constraints``, reads ``ds`` given as integer years, annual dates or annual
periods, checks future exogenous values, and gives forecasts back in the caller's kind of
``ds``.
"""

from __future__ import annotations

import pandas as pd
from sklearn.utils.validation import check_is_fitted

from . import backtest
from ._validation import (
    TIME_COL,
    check_future_exogenous,
    check_horizon,
    check_levels,
    exogenous_columns,
    sort_panel,
    to_years,
    validate_params,
)
from .conversion import to_nixtla
from .exogenous import attach_features
from .panel import Panel, forecast_frame
from .years import YEARS


class ForecasterMixin:
    """``fit``, ``predict`` and ``cross_validation`` for a model of this package.

    List it first among a model's bases, e.g. ``class Theta(ForecasterMixin,
    VectorizedForecaster)``, so that its methods come before :class:`BaseForecaster`'s.

    ``ds`` may be integer years, dates on one fixed day of every year (all on 1 January, all
    on 31 December, all on 1 July, ...) or annual pandas periods (``period[Y-DEC]``);
    forecasts come back in the same kind, dtype and day of the year. Sub-annual data are
    refused: the models are for annual series.

    Attributes
    ----------
    ds_calendar_ : YearCalendar
        The kind of ``ds`` seen at fit (see :mod:`models.years`).
    exog_names_in_ : list of str
        Exogenous columns of the frame given to ``fit`` (those besides ``unique_id, ds, y``),
        which ``X_df`` must hold at predict.
    """

    #: Parameter name to a list of allowed constraints, see :mod:`models.constraints`.
    _parameter_constraints: dict = {}

    def fit(self, df: pd.DataFrame, features: pd.DataFrame | None = None):
        """Fit on a long frame ``unique_id, ds, y`` (extra numeric columns are exogenous).

        Parameters
        ----------
        df : pandas.DataFrame
            Long panel; ``ds`` as integer years, annual dates or annual periods.
        features : pandas.DataFrame, optional
            Caller's features on ``unique_id, ds`` (``ds`` of the same kind as ``df``; text
            columns become categories); used by models with exogenous inputs, such as the
            gradient model, ignored by the others.

        Returns
        -------
        self

        Raises
        ------
        InvalidParameterError
            If a parameter breaks the class's constraints (a ``ValueError`` and ``TypeError``).
        ValueError
            On a bad panel, including sub-annual ``ds``.
        """
        validate_params(self)
        frame, calendar = to_years(df)
        if features is not None:
            features, _ = to_years(features, calendar=calendar, name="features")
        frame, categorical = attach_features(frame, features)
        self._fit_panel(Panel.from_frame(frame, validated=True, categorical=categorical))
        self.ds_calendar_ = calendar
        self.exog_names_in_ = exogenous_columns(df)
        return self

    def predict(self, h: int, level: list[float] | None = None, *, X_df: pd.DataFrame | None = None) -> pd.DataFrame:
        """Forecast ``h`` years past each series' last year.

        Parameters
        ----------
        h : int
            Forecast horizon in years.
        level : list of float, optional
            Prediction-interval levels in percent, e.g. ``[80, 95]``. Levels must lie strictly
            between 0 and 100; a level of 1 or less warns, as it is likely a share (0.8)
            meant as a percentage (80).
        X_df : pandas.DataFrame, optional
            Future exogenous values: ``unique_id, ds`` and the exogenous columns of the
            fitted frame, one row per series and forecast year. It is checked (columns,
            series, years covering the horizon, kind of ``ds``) and then not used: no model
            of this package uses future exogenous values. The gradient model reads exogenous
            columns at the forecast origin, which it has from the fitted frame.

        Returns
        -------
        pandas.DataFrame
            ``unique_id, ds, yhat`` and ``yhat_lo_<L>``, ``yhat_hi_<L>`` per level, ordered by
            series then year; ``ds`` of the kind given to ``fit``. ``attrs["model"]`` is the
            class name. For statsforecast's column names use :func:`models.to_nixtla`.
        """
        check_is_fitted(self, "ids_")
        h = check_horizon(h)
        levels = check_levels(level)
        calendar = getattr(self, "ds_calendar_", YEARS)
        check_future_exogenous(
            X_df, ids=self.ids_, last_ds=self.last_ds_, h=h, columns=getattr(self, "exog_names_in_", []), calendar=calendar
        )
        mean, bounds = self._predict_arrays(h, levels)
        forecast = forecast_frame(self.ids_, self.last_ds_, mean, bounds, calendar)
        forecast.attrs["model"] = type(self).__name__
        return forecast

    def cross_validation(
        self, df: pd.DataFrame, h: int, n_windows: int = 1, step_size: int = 1, level: list[float] | None = None
    ) -> pd.DataFrame:
        """Rolling-origin evaluation in the frame of statsforecast's ``cross_validation``.

        A fresh copy of the model, with these parameters, is fitted at each cutoff on the
        data up to it and forecasts ``h`` years; the model itself is left as it was. Cutoffs
        are calendar years shared by all series, the latest ``h`` years before the last year
        of the panel and the others ``step_size`` years apart, so related series never see a
        year another is scored on. Only years with an observed ``y`` are kept.

        Parameters
        ----------
        df : pandas.DataFrame
            Long panel ``unique_id, ds, y``.
        h : int
            Horizon of every window.
        n_windows : int, default 1
            Number of cutoffs (statsforecast's default).
        step_size : int, default 1
            Years between cutoffs.
        level : list of float, optional
            Interval levels in percent.

        Returns
        -------
        pandas.DataFrame
            ``unique_id, ds, cutoff, y, <Class>`` and ``<Class>-lo-<L>, <Class>-hi-<L>`` per
            level, ``<Class>`` being the class name (e.g. ``AutoForecaster``); ordered by
            series, cutoff and year; ``ds`` and ``cutoff`` of the kind of the input ``ds``.
            It can be passed to ``utilsforecast.evaluation.evaluate``.
        """
        cv = backtest.cross_validation(self, df, h, n_windows=n_windows, step_size=step_size, level=level)
        return sort_panel(to_nixtla(cv, model_name=type(self).__name__), by=("cutoff", TIME_COL))

    def _validate_params(self) -> None:
        # scikit-learn's own hook would read the constraints with its private validator.
        validate_params(self)
