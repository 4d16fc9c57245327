"""Where shortages are forecast: the balance of a future year, with calibrated quantiles.

Every series of the :class:`~forecast.shortage.panel.SeriesPanel` (demand per cell and its
totals, migration flows, graduates, applicants) is forecast by :class:`models.AutoForecaster`
from the last data year; cell demand is reconciled with its totals; the balance of
:mod:`forecast.shortage.balance` is computed from the forecasts. Its quantiles are conformal: the
same forecast made from earlier origins is compared with the balance observed afterwards (not
where that balance rests on interpolated demand, :attr:`forecast.inputs.loader.Dataset.unscored`).
When the employment table carries ``estimation_cv`` (the real-data grid's spread over plausible
priors), :func:`widen_for_estimation` widens each cell's quantiles by that spread.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

from forecast.inputs.loader import Dataset
from forecast.inputs.real.flags import estimation_cv, selection_unscored, unscored_ids
from forecast.shortage.arguments import check_forecast_arguments
from forecast.shortage.anchoring import aligned_observed, anchor_weight, mix_with_observed
from forecast.shortage.balance import ObservedBalances, balance
from forecast.shortage.calibration import calibration_origins, conformal_offsets
from forecast.shortage.definitions import (DEFAULT_DEMAND_MODEL, DRIVERS, MAX_HORIZON,
                                           QUANTILES, TOTAL_LABELS,
                                           Assumptions, ShortageForecast)
from forecast.shortage.demand_growth import combination_weight, growth_design, trainable_features
from forecast.shortage.growth_fits import GrowthFits, panel_expansion
from forecast.shortage.panel import SeriesPanel, build_series_panel, demand_scale
from forecast.shortage.stock_dynamics import StockDynamics, stock_dynamics_of
from models import AutoForecaster, ForecastMemo
from models.reconcile import reconcile_frame


@dataclass
class _Components:
    """What the univariate forecasts give for one origin, before the balance is computed."""

    tables: dict
    origin: int
    year: int
    now: pd.Series
    previous: pd.Series
    flows: pd.Series
    model: AutoForecaster
    how: dict
    panel_expansion: pd.Series | None = None


def _forecast_components(panel: pd.DataFrame, tables: dict[str, pd.DataFrame], origin: int,
                         year: int, n_jobs: int, random_state: int,
                         reconciliation: str = "bottom_up",
                         backend: str | None = None, memo: ForecastMemo | None = None) -> _Components:
    """Demand in ``year`` and the year before, and the flows of ``year``, forecast from series
    observed up to ``origin``, with the model and how demand was reconciled; ``memo`` keeps the
    model's back-test windows for the next origin's forecast."""
    horizon = year - origin
    model = AutoForecaster(h=MAX_HORIZON, n_jobs=n_jobs, backend=backend,
                           random_state=random_state, unscored=selection_unscored(panel, tables),
                           memo=memo)
    model.fit(panel[panel["ds"] <= origin])
    predicted = model.predict(h=horizon + 1)
    years = [year - 1, year] if horizon > 1 else [year, year + 1]
    demand, how = _reconciled_demand(predicted, model, origin, years, reconciliation)
    now = demand[year]
    if horizon > 1:
        previous = demand[year - 1]
    else:
        # A year on from the last observation, growth is read off the forecast path rather
        # than from the last observed level, whose sampling error would pass into it whole.
        previous = now - (demand[year + 1] - now)
    values = predicted.set_index(["unique_id", "ds"])["yhat"]
    flow_ids = ~values.index.get_level_values(0).str.match(r"^(demand|total)\|")
    flows = values[flow_ids].xs(year, level="ds")
    return _Components(tables, origin, year, now, previous, flows, model, how)


def _balance_of(parts: _Components, assumptions: Assumptions, weight: float,
                dynamics: StockDynamics | None) -> pd.DataFrame:
    """The balance of ``parts`` with ``weight`` of the panel model's expansion in the demand path
    and the stock ``dynamics`` estimated at its origin."""
    previous = parts.previous
    if weight > 0 and parts.panel_expansion is not None:
        expansion = (1 - weight) * (parts.now - parts.previous) + weight * parts.panel_expansion
        previous = parts.now - expansion
    return balance(parts.tables, parts.origin, parts.year, parts.now, previous, parts.flows,
                   assumptions, dynamics)


def _reconciled_demand(predicted: pd.DataFrame, model: AutoForecaster, origin: int,
                       years: list[int], method: str) -> tuple[dict[int, pd.Series], dict]:
    """Cell demand in each of ``years``, reconciled with the region, sector and national totals.

    The totals are forecast on their own; reconciliation (MinT with shrinkage by default, on the
    forecasts' back-test errors) makes cells and totals add up and lets each level correct the
    others. Demand stays non-negative.
    """
    keys = ["region", "sector", "skill"]
    rows = predicted[predicted["unique_id"].str.match(r"^(demand|total)\|")]
    parts = rows["unique_id"].str.split("|", expand=True)
    frame = pd.DataFrame({"unique_id": rows["unique_id"].to_numpy(), "ds": rows["ds"].to_numpy(),
                          "region": parts[1].to_numpy(), "sector": parts[2].to_numpy(),
                          "skill": parts[3].to_numpy(), "yhat": rows["yhat"].to_numpy()})
    ids = model.selected_["unique_id"].to_numpy()
    position = pd.Series(np.arange(len(ids)), index=ids)
    out, how = {}, {}
    for year in years:
        base = frame[frame["ds"] == year].reset_index(drop=True)
        residuals = None
        if method == "mint_shrink":
            errors = model.backtest_errors_[position.loc[base["unique_id"]].to_numpy(), :, year - origin - 1]
            residuals = pd.DataFrame({
                "region": np.repeat(base["region"].to_numpy(), errors.shape[1]),
                "sector": np.repeat(base["sector"].to_numpy(), errors.shape[1]),
                "skill": np.repeat(base["skill"].to_numpy(), errors.shape[1]),
                "ds": np.tile(model.backtest_cutoffs_, len(base)),
                "residual": errors.reshape(-1)}).dropna(subset=["residual"])
        coherent = reconcile_frame(base, keys, ["yhat"], method=method, residuals=residuals,
                                   nonnegative=True, totals=TOTAL_LABELS)
        how = coherent.attrs.get("reconciliation", {})
        cells = coherent[coherent["unique_id"].str.startswith("demand|")]
        out[year] = pd.Series(cells["yhat"].to_numpy(), index=cells["unique_id"].to_numpy())
    return out, how


def forecast_shortage(data: Dataset, year: int, *, assumptions: Assumptions | None = None,
                      reconciliation: str = "bottom_up", n_windows: int = 4, n_jobs: int = 1,
                      backend: str | None = None, random_state: int = 0,
                      panel: SeriesPanel | None = None,
                      demand_model: str = DEFAULT_DEMAND_MODEL,
                      memo: ForecastMemo | None = None) -> ShortageForecast:
    """Forecast openings, seekers and the shortage in ``year`` for every region x sector x skill.

    The central forecast comes from the component forecasts (see the module docstring). Its
    quantiles are conformal: the same forecast is made from ``n_windows`` earlier origins for the
    same horizon and compared with the balance observed ex post; the errors, in units of each
    cell's typical yearly change of demand, are pooled over cells and their empirical quantiles
    give the forecast's. Because the whole balance is back-tested, the dependence between its
    components (a recession that cuts demand growth and emigration together) is in the errors.

    Parameters
    ----------
    data : Dataset
        From :func:`forecast.load_data` or :func:`forecast.load_sample`; tables are put on the
        2022 boundaries first.
    year : int
        Forecast year, 1 to 5 years after the last data year.
    assumptions : Assumptions, optional
    reconciliation : {"bottom_up", "wls_struct", "ols", "mint_shrink"}
        How cell demand is made coherent with the region, sector and national demand forecasts
        (:mod:`models.reconciliation`). Bottom-up is the default because it was the most
        accurate in the back-test against the sample's truth
        (``benchmarks/results/shortage_reconciliation.json``): structural WLS was as good,
        MinT with shrinkage, estimated from a handful of back-test errors per series, worse.
        MinT falls back to structural WLS, then OLS, when its covariance cannot be estimated;
        ``reconciliation`` in the result says which ran.
    n_windows : int
        Back-test origins for the quantiles (fewer when the data are short).
    n_jobs : int
        joblib workers for the univariate models. The panel growth model's fits run in a
        background thread meanwhile, whatever ``n_jobs`` (:mod:`~forecast.shortage.growth_fits`).
    backend : str, optional
        joblib backend of the models' parallel steps, e.g. ``"loky"`` or ``"threading"``.
    random_state : int
        Seed of the models.
    panel : SeriesPanel, optional
        The series panel of ``data`` (:func:`~forecast.shortage.panel.build_series_panel`),
        when the caller has built it already; built here otherwise.
    demand_model : {"univariate", "panel", "combined"}
        Where the growth of cell demand comes from: the univariate forecasts alone, the panel
        growth model of :mod:`forecast.shortage.demand_growth` alone, or (the default) a mix of
        the two whose share is chosen on the calibration origins' back-test errors: see
        :data:`~forecast.shortage.definitions.DEFAULT_DEMAND_MODEL`.
    memo : models.ForecastMemo, optional
        The univariate models' back-test windows, shared with the other forecasts of a job
        (back-test origins a year apart, scenarios on the same series): a window already made
        on the same data is reused, so the forecast is the same with or without it. Its own
        origins share one anyway; one is made when not given.

    Returns
    -------
    ShortageForecast
    """
    assumptions = assumptions or Assumptions()
    data, year, n_windows = check_forecast_arguments(data, year, n_windows, reconciliation,
                                                     demand_model, panel)
    origin = data.last_year
    horizon = year - origin
    panel = panel if panel is not None else build_series_panel(data)
    tables = panel.tables
    pasts = calibration_origins(data.first_year, origin, horizon, n_windows)
    design = growth_design(panel) if demand_model != "univariate" else None
    # The origins are a year apart, so their back-tests refit the candidates on the same data
    # at most windows: each such fit is made once.
    memo = memo if memo is not None else ForecastMemo()
    with GrowthFits(design, [origin, *pasts] if design is not None else [], horizon,
                    random_state=random_state) as fits:
        main = _forecast_components(panel.series, tables, origin, int(year), n_jobs, random_state,
                                    reconciliation, backend, memo)
        past_parts = []
        for past in pasts:
            past_tables = {name: frame[frame["year"] <= past] for name, frame in tables.items()}
            past_parts.append(_forecast_components(panel.series, past_tables, past, past + horizon,
                                                   n_jobs, random_state, reconciliation, backend,
                                                   memo))
        # While the last panel fits finish, the work that does not need them: the stock identity
        # at every origin and the balances observed in the years the calibration compares with.
        dynamics_at = stock_dynamics_of(panel, assumptions)
        dynamics = dynamics_at(origin)
        for parts in past_parts:
            dynamics_at(parts.origin)
        observed_at = ObservedBalances(panel, assumptions, dynamics)
        for parts in past_parts:
            observed_at(parts.year)
            if assumptions.mix_observed_balance:
                observed_at(parts.origin)
        if assumptions.mix_observed_balance and past_parts:
            observed_at(origin)
        if design is not None:
            for parts in (main, *past_parts):
                parts.panel_expansion = panel_expansion(fits.growth(parts.origin), panel,
                                                        parts.origin, parts.year, parts.now,
                                                        parts.previous)
    weight = 0.0
    if demand_model != "univariate":
        if main.panel_expansion is None:
            weight = 0.0  # too little history to train the panel model: univariate growth
        elif demand_model == "panel":
            weight = 1.0
        else:
            weight = _learned_weight(panel, [p for p in past_parts if p.panel_expansion is not None])
    table = _balance_of(main, assumptions, weight, dynamics)
    model, reconciled = main.model, main.how

    scale = demand_scale(panel.series, origin)
    unscored = unscored_ids(tables)
    # Each calibration origin's forecast balance (a calibration origin too short for the panel
    # model is scored on univariate growth) and the balance observed in its target year.
    checks = [(parts, _balance_of(parts, assumptions, weight if parts.panel_expansion is not None else 0.0,
                                  dynamics_at(parts.origin)), observed_at(parts.year))
              for parts in past_parts]
    share = 1.0
    if assumptions.mix_observed_balance and checks:
        at_origins = [aligned_observed(predicted, observed_at(parts.origin))
                      for parts, predicted, _ in checks]
        share = anchor_weight([predicted["shortage"].to_numpy() for _, predicted, _ in checks],
                              [seen["shortage"].to_numpy() for seen in at_origins],
                              [aligned_observed(predicted, observed)["shortage"].to_numpy()
                               for _, predicted, observed in checks])
        checks = [(parts, mix_with_observed(predicted, seen, share), observed)
                  for (parts, predicted, observed), seen in zip(checks, at_origins)]
        table = mix_with_observed(table, aligned_observed(table, observed_at(origin)),
                                  share)
    errors = []
    for parts, predicted, observed in checks:
        # Matched by cell, not by position: a cell that entered the data after ``parts.origin``
        # has an observed balance but no forecast, and is left out of the errors.
        error = aligned_observed(predicted, observed)["shortage"].to_numpy() - predicted["shortage"].to_numpy()
        ids = "demand|" + predicted["region"] + "|" + predicted["sector"] + "|" + predicted["skill"]
        # Expansion is demand of the year less the year before: interpolated in either, the
        # observed balance is no observation and is not scored.
        if len(unscored):
            skip = np.zeros(len(ids), dtype=bool)
            for target in (parts.year, parts.year - 1):
                skip |= pd.MultiIndex.from_arrays([ids, np.full(len(ids), target)]).isin(unscored)
            error = np.where(skip, np.nan, error)
        errors.append(error / scale.reindex(ids).fillna(1.0).to_numpy())
    ids = "demand|" + table["region"] + "|" + table["sector"] + "|" + table["skill"]
    cell_scale = scale.reindex(ids).fillna(1.0).to_numpy()
    offsets = conformal_offsets(errors, QUANTILES, bias_correction=assumptions.bias_correction)
    for q, offset in zip(QUANTILES, offsets):
        table[f"shortage_p{round(q * 100):02d}"] = table["shortage"] + cell_scale * offset
    cv = estimation_cv(tables, origin)
    if cv is not None:
        table = widen_for_estimation(table, cv.reindex(ids).fillna(0.0).to_numpy())
    table = borrow_for_small_cells(table, assumptions.min_cell_size)
    table["tier"] = classify_tiers(table["shortage"], table["demand"], assumptions)
    table = table.sort_values(["region", "sector", "skill"]).reset_index(drop=True)

    counts = model.selected_["model"].value_counts().sort_index().to_dict()
    at_origin = tables["employment"]
    employed = at_origin.loc[(at_origin["year"] == origin) & (at_origin["region"] != "KZ"), "employed"].sum()
    applicants = 0.0
    if "applicants" in tables:
        frame = tables["applicants"]
        applicants = frame.loc[(frame["year"] == origin) & (frame["region"] != "KZ"), "applicants"].sum()
    how_demand = {"name": demand_model, "panel_weight": weight}
    if assumptions.mix_observed_balance:
        how_demand["balance_forecast_share"] = share
    if demand_model != "univariate":
        how_demand["panel_trained"] = main.panel_expansion is not None
        how_demand["features"] = trainable_features(design, origin, horizon)
        how_demand["estimator"] = "sklearn.ensemble.HistGradientBoostingRegressor"
    return ShortageForecast(table, origin, int(year), float(employed + applicants),
                            {str(k): int(v) for k, v in counts.items()}, model.fallbacks_,
                            assumptions, dict(reconciled), how_demand,
                            {} if dynamics is None else dynamics.as_dict())


def _learned_weight(panel: SeriesPanel, past_parts: list[_Components]) -> float:
    """The panel model's share chosen on the calibration origins: expansion forecasts against the
    expansion observed afterwards."""
    values = panel.demand().set_index(["unique_id", "ds"])["y"]
    univariate, panel_model, observed = [], [], []
    for parts in past_parts:
        ids = parts.now.index
        now = values.xs(parts.year, level="ds").reindex(ids)
        before = values.xs(parts.year - 1, level="ds").reindex(ids)
        univariate.append((parts.now - parts.previous).to_numpy())
        panel_model.append(parts.panel_expansion.reindex(ids).to_numpy())
        observed.append((now - before).to_numpy())
    return combination_weight(univariate, panel_model, observed)


def widen_for_estimation(table: pd.DataFrame, cv: np.ndarray) -> pd.DataFrame:
    """Widen each cell's shortage quantiles by the estimation spread of its demand.

    ``cv`` is the cell's ``estimation_cv`` in the origin year (its relative spread over the
    real-data grid's plausible priors). Every term of a cell's balance scales with its estimated
    level (openings directly, seekers shared out by employment), so a relative error ``cv``
    moves the shortage by at most ``cv x (openings + seekers)``: that is the estimation sd. Each
    quantile ``q`` moves outwards, away from the central ``shortage``, so that its distance
    from it is the quadrature sum ``sqrt(d_q**2 + (z_q x sd)**2)`` of the forecast error's
    ``d_q`` and the estimation's, ``z_q`` the standard normal quantile; the median (``z = 0``)
    and the central value stay, as does any cell with ``cv = 0``.
    """
    table = table.copy()
    sd = np.asarray(cv, dtype=float) * (table["openings"].abs() + table["seekers"].abs()).to_numpy()
    columns = [f"shortage_p{round(q * 100):02d}" for q in QUANTILES]
    centre = table["shortage"].to_numpy()
    moved = []
    for q, column in zip(QUANTILES, columns):
        d = table[column].to_numpy() - centre
        extra = np.sqrt(d ** 2 + (stats.norm.ppf(q) * sd) ** 2) - np.abs(d)
        moved.append(d + np.sign(q - 0.5) * extra)
    # Quantiles stay in order (a quantile near the median with an offset on the far side
    # could otherwise cross its neighbour).
    ordered = np.maximum.accumulate(np.column_stack(moved), axis=1)
    table[columns] = ordered + centre[:, None]
    return table


def borrow_for_small_cells(table: pd.DataFrame, min_cell_size: float) -> pd.DataFrame:
    """Flag cells below ``min_cell_size`` and give them their parent's rates.

    Following Cedefop's practice, a cell of a few dozen workers is not forecast on its own: its
    balance per worker is taken from the same sector and skill in the whole country, which
    pools enough workers for a stable estimate. Quantile offsets keep their width.
    """
    table = table.copy()
    small = (table["demand"] < min_cell_size).to_numpy()
    table["small_cell"] = small
    if not small.any():
        return table
    columns = [*DRIVERS, "openings", "seekers", "shortage"]
    parent = table.groupby(["sector", "skill"])[[*columns, "demand"]].transform("sum")
    per_worker = parent[columns].div(parent["demand"].where(parent["demand"] > 0), axis=0).fillna(0.0)
    borrowed = per_worker.mul(table["demand"], axis=0)
    quantiles = [c for c in table.columns if c.startswith("shortage_p")]
    offsets = table[quantiles].sub(table["shortage"], axis=0)
    table.loc[small, columns] = borrowed.loc[small, columns].to_numpy()
    table.loc[small, quantiles] = offsets.loc[small].add(table.loc[small, "shortage"], axis=0).to_numpy()
    return table


def classify_tiers(shortage: pd.Series, demand: pd.Series, assumptions: Assumptions) -> pd.Series:
    """Tier of each cell from its shortage as a share of demand."""
    ratio = shortage / demand.where(demand > 0)
    ratio = ratio.fillna(0.0)
    tier = np.select(
        [ratio >= assumptions.severe_threshold, ratio >= assumptions.shortage_threshold,
         ratio <= -assumptions.surplus_threshold],
        ["severe shortage", "shortage", "surplus"], default="balance")
    return pd.Series(tier, index=shortage.index)
