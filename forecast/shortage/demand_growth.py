"""A panel model of demand growth, fitted across every cell, and its combination with the univariate one.

The univariate forecaster sees one series at a time. :class:`PanelGrowthModel` learns across the
whole panel how a cell's demand grows ``h`` years ahead from what is known at the origin: the
growth features of :mod:`features.growth` (the cell's momentum and its sector's, region's and the
nation's growth), and the labour-market, demographic and migration features of
:func:`features.build_feature_matrix` (vacancy rate, wage growth, applicants, pension entrants,
emigration, graduates, region, sector and skill codes). It is a scikit-learn gradient-boosting
regressor on log growth, weighted by the square root of the cell's demand.

Training is leakage-safe by construction: the row of year ``t`` holds only features computed
from data of years ``<= t`` (the builders' contract), and a model for origin ``T`` is trained only
on targets of years ``<= T``. :func:`combination_weight` chooses, on rolling-origin back-test
errors, how much of the panel model to mix into the univariate growth.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.ensemble import HistGradientBoostingRegressor
from threadpoolctl import threadpool_limits

from features import build_feature_matrix
from features.growth import hierarchy_growth_feature_names, hierarchy_growth_features
from forecast.shortage.panel import SeriesPanel

KEYS = ["region", "sector", "skill"]
MATRIX_FEATURES = ("vacancy_rate", "wage_log_growth", "applicants_per_worker",
                   "pension_entrants_share_h1", "emigration_rate_same_skill",
                   "graduates_per_skill_worker", "dependency_ratio", "sector_employment_share",
                   "net_internal_migration_rate", "region_code", "sector_code", "skill_code")
# Shares of the panel model in the combination, tried on the back-test.
WEIGHTS = (0.0, 0.25, 0.5, 0.75, 1.0)
# Growth beyond this (log points a year) is a boundary artefact or a tiny cell, not a signal.
MAX_GROWTH = 0.5
# Fewest training rows (cell-years) the panel model is fitted on; with fewer it says so and the
# forecast keeps the univariate growth.
MIN_TRAINING_ROWS = 500
# Bins per feature, as HistGradientBoosting's default: the features are binned here, by weighted
# quantiles computed with one sort per feature, because the estimator's own weighted binning
# sorts once per bin edge and took 80% of the fit.
MAX_BINS = 255


def weighted_bin_edges(X: np.ndarray, weight: np.ndarray, max_bins: int = MAX_BINS) -> list[np.ndarray]:
    """Per column of ``X``, the edges that cut it into ``max_bins`` bins of equal weight.

    A column with fewer distinct values than ``max_bins`` gets the midpoints between them, so
    no split the estimator could make is lost. Missing values are left out of the quantiles.
    """
    edges = []
    for column in X.T:
        known = ~np.isnan(column)
        values, w = column[known], weight[known]
        order = np.argsort(values, kind="stable")
        values, w = values[order], w[order]
        distinct = values[np.concatenate(([True], values[1:] != values[:-1]))] if len(values) else values
        if len(distinct) <= max_bins:
            edges.append((distinct[1:] + distinct[:-1]) / 2.0)
            continue
        cumulative = np.cumsum(w)
        targets = cumulative[-1] * np.arange(1, max_bins) / max_bins
        cuts = values[np.minimum(np.searchsorted(cumulative, targets), len(values) - 1)]
        edges.append(np.unique(cuts))
    return edges


def apply_bins(X: np.ndarray, edges: list[np.ndarray]) -> np.ndarray:
    """Each value of ``X`` replaced by the index of its bin (missing values stay missing)."""
    binned = np.empty_like(X, dtype=float)
    for j, cuts in enumerate(edges):
        column = X[:, j]
        binned[:, j] = np.where(np.isnan(column), np.nan,
                                np.searchsorted(cuts, column, side="left"))
    return binned


def growth_design(panel: SeriesPanel) -> pd.DataFrame:
    """Demand, features and yearly log growth of every cell and year, computed once per panel."""
    demand = panel.demand()
    parts = demand["unique_id"].str.split("|", expand=True)
    frame = pd.DataFrame({"unique_id": demand["unique_id"].to_numpy(),
                          "region": parts[1].to_numpy(), "sector": parts[2].to_numpy(),
                          "skill": parts[3].to_numpy(), "ds": demand["ds"].to_numpy(),
                          "demand": demand["y"].to_numpy()})
    design = hierarchy_growth_features(frame, keys=KEYS, value="demand")
    design = design.merge(frame[["unique_id", *KEYS, "ds", "demand"]], on=[*KEYS, "ds"])
    matrix = build_feature_matrix(panel.tables)
    present = [name for name in MATRIX_FEATURES if name in matrix]
    design = design.merge(matrix[[*KEYS, "ds", *present]], on=[*KEYS, "ds"], how="left")
    for name in ("region_code", "sector_code", "skill_code"):
        if name in design:
            design[name] = design[name].astype(float)
    design["vacancy_rate_change"] = (design.groupby(KEYS)["vacancy_rate"].diff()
                                     if "vacancy_rate" in design else np.nan)
    return design.sort_values(["unique_id", "ds"]).reset_index(drop=True)


def feature_columns(design: pd.DataFrame) -> list[str]:
    """The model's inputs among the design's columns."""
    names = [*hierarchy_growth_feature_names(), *MATRIX_FEATURES, "vacancy_rate_change"]
    return [name for name in names if name in design]


def trainable_features(design: pd.DataFrame, origin: int, horizon: int) -> list[str]:
    """The inputs a model fitted at ``origin`` uses: a feature whose table is absent (no
    vacancies, no wages) is all missing in the training rows and is left out."""
    return _usable_features(design, _training_rows(design, origin, int(horizon))[1])


def _usable_features(design: pd.DataFrame, rows: pd.Series) -> list[str]:
    return [name for name in feature_columns(design) if design.loc[rows, name].notna().any()]


def _training_rows(design: pd.DataFrame, origin: int, horizon: int) -> tuple[pd.Series, pd.Series]:
    target = design.groupby("unique_id")["growth"].shift(-horizon)
    return target, (design["ds"] + horizon <= origin) & target.notna() & design["growth"].notna()


class PanelGrowthModel:
    """Gradient boosting of each cell's log growth ``h`` years ahead, across the whole panel.

    Parameters
    ----------
    horizon : int, default 1
        Years from the origin to the year whose growth is forecast (growth from ``T + h - 1``
        to ``T + h``).
    max_iter, learning_rate, max_leaf_nodes, min_samples_leaf, l2_regularization :
        Passed to :class:`sklearn.ensemble.HistGradientBoostingRegressor`; the defaults are
        strongly regularized, because the target is mostly noise.
    random_state : int, default 0

    Attributes
    ----------
    estimator_ : HistGradientBoostingRegressor or None
        None when there were fewer than :data:`MIN_TRAINING_ROWS` rows to train on.
    features_ : list of str
    bin_edges_ : list of ndarray
        Per feature, the weighted-quantile edges its values are binned by before boosting.
    origin_ : int
    """

    def __init__(self, horizon: int = 1, *, max_iter: int = 100, learning_rate: float = 0.05,
                 max_leaf_nodes: int = 15, min_samples_leaf: int = 100,
                 l2_regularization: float = 1.0, random_state: int = 0):
        self.horizon = horizon
        self.max_iter = max_iter
        self.learning_rate = learning_rate
        self.max_leaf_nodes = max_leaf_nodes
        self.min_samples_leaf = min_samples_leaf
        self.l2_regularization = l2_regularization
        self.random_state = random_state

    def fit(self, design: pd.DataFrame, origin: int) -> "PanelGrowthModel":
        """Train on every cell and year ``t`` whose target year ``t + horizon`` is ``<= origin``."""
        h = int(self.horizon)
        target, rows = _training_rows(design, origin, h)
        self.features_ = _usable_features(design, rows)
        X = design.loc[rows, self.features_].to_numpy(dtype=float)
        y = target[rows].clip(-MAX_GROWTH, MAX_GROWTH).to_numpy(dtype=float)
        weight = np.sqrt(design.loc[rows, "demand"].clip(lower=1.0).to_numpy(dtype=float))
        self.origin_ = int(origin)
        if len(y) < MIN_TRAINING_ROWS:
            self.estimator_ = None
            return self
        self.bin_edges_ = weighted_bin_edges(X, weight)
        X = apply_bins(X, self.bin_edges_)
        self.estimator_ = HistGradientBoostingRegressor(
            max_iter=self.max_iter, learning_rate=self.learning_rate,
            max_leaf_nodes=self.max_leaf_nodes, min_samples_leaf=self.min_samples_leaf,
            l2_regularization=self.l2_regularization, random_state=self.random_state)
        # One OpenMP thread: on a busy machine spinning worker threads slow boosting down by
        # orders of magnitude, and the panel is small enough for one core.
        with threadpool_limits(limits=1, user_api="openmp"):
            self.estimator_.fit(X, y, sample_weight=weight)
        return self

    def predict(self, design: pd.DataFrame) -> pd.Series:
        """Log growth in year ``origin + horizon`` per cell id, from the features at the origin;
        NaN everywhere when the model could not be trained."""
        at_origin = design[design["ds"] == self.origin_]
        if self.estimator_ is None:
            return pd.Series(np.nan, index=at_origin["unique_id"].to_numpy())
        with threadpool_limits(limits=1, user_api="openmp"):
            growth = self.estimator_.predict(
                apply_bins(at_origin[self.features_].to_numpy(dtype=float), self.bin_edges_))
        return pd.Series(np.clip(growth, -MAX_GROWTH, MAX_GROWTH),
                         index=at_origin["unique_id"].to_numpy())


def combination_weight(univariate: list[np.ndarray], panel: list[np.ndarray],
                       observed: list[np.ndarray]) -> float:
    """The share of the panel model that minimises the back-test's absolute error of expansion.

    Each list holds one array per back-test origin: the univariate and the panel forecasts of
    expansion (persons) and the expansion observed afterwards, over the same cells. Ties go to
    the smaller share (the simpler forecast).
    """
    if not univariate:
        return 0.0
    uni, pan, obs = (np.concatenate(parts) for parts in (univariate, panel, observed))
    usable = np.isfinite(uni) & np.isfinite(pan) & np.isfinite(obs)
    errors = [float(np.abs((1 - w) * uni[usable] + w * pan[usable] - obs[usable]).sum())
              for w in WEIGHTS]
    return float(WEIGHTS[int(np.argmin(errors))])
