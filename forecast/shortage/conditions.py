"""Current labour-market conditions and a classifier of next year's shortage tier.

Before projecting, the best official systems read current conditions: Canada's COPS rates each
occupation from about 30 indicators, the UK Migration Advisory Committee weighs vacancies and
wage growth, Jobs and Skills Australia nowcasts its shortage list with a machine-learning model.
Here, per region x sector x skill and year:

- the vacancy rate and its change, the wage relative to the national wage and its growth over
  national wage growth, employment growth, applicants at employment offices per vacancy,
  emigration per 1,000 working-age people of the same education, graduates per worker, the
  share of workers reaching pension age next year (from :func:`features.build_feature_matrix`);
- the balance observed ex post (openings minus seekers, per worker; with the stock identity of
  :mod:`forecast.shortage.stock_dynamics` fitted on the years up to it, as the forecasts use
  it), its change and its means over the past 3 and 5 years, and its tier.

:func:`fit_tier_classifier` trains a scikit-learn gradient-boosting classifier to predict next
year's tier from this year's conditions; :func:`tier_backtest` scores it by rolling origin with
macro-F1, the measure used for Australian occupation shortage nowcasts (0.83-0.86 reported).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.metrics import f1_score

from features import build_feature_matrix
from forecast.shortage.definitions import TIERS, Assumptions
from forecast.shortage.balance import observed_balance
from forecast.shortage.forecast import classify_tiers
from forecast.shortage.panel import SeriesPanel
from forecast.shortage.stock_dynamics import stock_dynamics_of

INDICATORS = (
    "vacancy_rate", "vacancy_rate_change", "wage_relative_to_national", "relative_wage_growth",
    "employment_growth", "applicants_per_vacancy", "emigration_rate_same_skill",
    "graduates_per_skill_worker", "pension_entrants_share_h1", "balance_per_worker",
    "balance_per_worker_change", "balance_per_worker_mean_3", "balance_per_worker_mean_5",
    "sector_code", "skill_code",
)


def current_conditions(panel: SeriesPanel,
                       assumptions: Assumptions | None = None) -> pd.DataFrame:
    """Indicators and the observed tier for every region x sector x skill and year.

    Parameters
    ----------
    panel : SeriesPanel
        The run's series panel (:func:`forecast.shortage.panel.build_series_panel`).
    assumptions : Assumptions, optional
        Conversion rates and tier thresholds of the balance.

    Returns
    -------
    DataFrame
        ``region, sector, skill, year``, the :data:`INDICATORS`, ``observed_tier`` (tier of the
        ex-post balance in ``year``) and ``next_tier`` (the same a year later; missing in the
        last year).
    """
    assumptions = assumptions or Assumptions()
    matrix = build_feature_matrix(panel.tables).rename(columns={"ds": "year"})
    frame = matrix[["region", "sector", "skill", "year", "sector_code", "skill_code"]].copy()
    keys = ["region", "sector", "skill"]
    frame["vacancy_rate"] = matrix["vacancy_rate"]
    frame["vacancy_rate_change"] = matrix.groupby(keys)["vacancy_rate"].diff()
    frame["wage_relative_to_national"] = matrix["wage_relative_to_national"]
    national_growth = matrix.groupby("year")["wage_log_growth"].transform("median")
    frame["relative_wage_growth"] = matrix["wage_log_growth"] - national_growth
    frame["employment_growth"] = matrix["y_log_growth_1"]
    frame["applicants_per_vacancy"] = (matrix["applicants_per_worker"]
                                       / matrix["vacancy_rate"].where(matrix["vacancy_rate"] > 0))
    for column in ("emigration_rate_same_skill", "graduates_per_skill_worker",
                   "pension_entrants_share_h1"):
        frame[column] = matrix[column] if column in matrix else np.nan

    years = sorted(set(frame["year"]))
    # Each year's balance is observed as the forecasts see it: with the stock identity fitted
    # on the data of that year, where the vacancies behave as a stock.
    dynamics_at = stock_dynamics_of(panel, assumptions)
    balances = [observed_balance(panel, year, assumptions, dynamics_at(year)) for year in years[1:]]
    observed = pd.concat(balances, ignore_index=True)
    observed["balance_per_worker"] = observed["shortage"] / observed["demand"].where(observed["demand"] > 0)
    observed["observed_tier"] = classify_tiers(observed["shortage"], observed["demand"], assumptions)
    frame = frame.merge(observed[[*keys, "year", "balance_per_worker", "observed_tier"]],
                        on=[*keys, "year"], how="left")
    frame = frame.sort_values([*keys, "year"]).reset_index(drop=True)
    grouped = frame.groupby(keys)
    frame["balance_per_worker_change"] = grouped["balance_per_worker"].diff()
    # The structural part of a balance (graduates of the wrong fields, an ageing workforce)
    # persists; yearly swings of demand do not. Averages over past years separate the two.
    for window in (3, 5):
        frame[f"balance_per_worker_mean_{window}"] = grouped["balance_per_worker"].transform(
            lambda s, w=window: s.rolling(w, min_periods=2).mean())
    frame["next_tier"] = grouped["observed_tier"].shift(-1)
    return frame


def fit_tier_classifier(conditions: pd.DataFrame, through_year: int,
                        random_state: int = 0) -> HistGradientBoostingClassifier:
    """Train on conditions of years whose next-year tier is known by ``through_year``."""
    train = conditions[(conditions["year"] < through_year) & conditions["next_tier"].notna()
                       & conditions["observed_tier"].notna()]
    if train.empty:
        raise ValueError(f"no year before {through_year} with a known next-year tier to train on")
    model = HistGradientBoostingClassifier(max_iter=200, learning_rate=0.08, max_leaf_nodes=31,
                                           class_weight="balanced", random_state=random_state,
                                           categorical_features=[INDICATORS.index("sector_code"),
                                                                 INDICATORS.index("skill_code")])
    model.fit(train[list(INDICATORS)].to_numpy(dtype=float), train["next_tier"].astype(str))
    return model


def predict_next_tiers(model: HistGradientBoostingClassifier, conditions: pd.DataFrame,
                       year: int) -> pd.DataFrame:
    """Tier predicted for ``year + 1`` from the conditions of ``year``, with class probabilities."""
    rows = conditions[conditions["year"] == year]
    probabilities = model.predict_proba(rows[list(INDICATORS)].to_numpy(dtype=float))
    out = rows[["region", "sector", "skill"]].reset_index(drop=True)
    out["year"] = year + 1
    out["predicted_tier"] = model.classes_[probabilities.argmax(axis=1)]
    for k, label in enumerate(model.classes_):
        out[f"p_{label.replace(' ', '_')}"] = probabilities[:, k]
    return out


def tier_backtest(conditions: pd.DataFrame, origins: list[int], truth: pd.DataFrame | None = None,
                  random_state: int = 0) -> pd.DataFrame:
    """Rolling-origin macro-F1 of next-year tier predictions.

    For each origin ``T`` the classifier learns from conditions up to ``T - 1`` (whose next-year
    tiers were observed by ``T``) and predicts the tiers of ``T + 1`` from the conditions of
    ``T``. It is scored against the observed tiers and, if ``truth`` (``region, sector, skill,
    year, tier``) is given, against the true ones; beside it the persistence rule "next year's
    tier is this year's" is scored the same way.
    """
    rows = []
    for origin in origins:
        model = fit_tier_classifier(conditions, origin, random_state)
        predicted = predict_next_tiers(model, conditions, origin)
        current = conditions.loc[conditions["year"] == origin, ["region", "sector", "skill",
                                                                "observed_tier", "next_tier"]]
        merged = predicted.merge(current, on=["region", "sector", "skill"])
        if truth is not None:
            merged = merged.merge(truth.rename(columns={"tier": "true_tier"}),
                                  on=["region", "sector", "skill", "year"], how="left")
        row = {"origin": origin, "n": len(merged)}
        targets = {"observed": "next_tier", **({"truth": "true_tier"} if truth is not None else {})}
        for name, column in targets.items():
            known = merged[column].notna()
            y_true = merged.loc[known, column].astype(str)
            row[f"macro_f1_vs_{name}"] = f1_score(y_true, merged.loc[known, "predicted_tier"],
                                                  labels=list(TIERS), average="macro", zero_division=0)
            row[f"persistence_macro_f1_vs_{name}"] = f1_score(
                y_true, merged.loc[known, "observed_tier"].astype(str), labels=list(TIERS),
                average="macro", zero_division=0)
        rows.append(row)
    return pd.DataFrame(rows)
