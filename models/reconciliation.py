"""Coherent forecasts for grouped hierarchies: region x sector (x skill) and their totals.

Base forecasts made separately for every series of a grouped hierarchy (the national total,
each region, each sector, each skill, every cross of them, and the bottom series) do not add
up. Reconciliation maps them onto coherent forecasts ``S @ G @ base``, where ``S`` is the
summing matrix (``n_total x n_bottom``) and ``G`` maps the base forecasts of every series to
bottom-level forecasts. The methods here are those of the MinTrace family:

``bottom_up``
    ``G`` selects the bottom base forecasts (Orcutt et al., 1968).
``ols``
    Generalised least squares with ``W = I`` (Hyndman et al., 2011).
``wls_struct``
    ``W = diag(S @ 1)``: each series weighted by the number of bottom series it sums
    (Athanasopoulos et al., 2017).
``mint_shrink``
    ``W`` is the Schäfer-Strimmer shrinkage estimate of the covariance of base forecast
    errors (Wickramasuriya, Athanasopoulos and Hyndman, 2019), with a recorded fallback to
    ``wls_struct`` (then ``ols``) when there are too few errors or the estimate is singular or
    ill-conditioned.

For every method but ``bottom_up``, ``G = (S' W^-1 S)^-1 S' W^-1``. With ``nonnegative=True``
the bottom forecasts solve the same weighted least-squares problem under ``b >= 0``
(Wickramasuriya, Turlach and Hyndman, 2020) exactly, by an active-set method; totals follow
from ``S``, so the result is coherent to rounding.

The summing matrix comes from :mod:`models.hierarchy`; long frames are reconciled by
:func:`models.reconcile.reconcile_frame`.

References
----------
Schäfer, J. and Strimmer, K. (2005). A shrinkage approach to large-scale covariance matrix
estimation and implications for functional genomics. Statistical Applications in Genetics and
Molecular Biology 4(1).

Wickramasuriya, S. L., Athanasopoulos, G. and Hyndman, R. J. (2019). Optimal forecast
reconciliation for hierarchical and grouped time series through trace minimization. Journal
of the American Statistical Association 114(526), 804-819.

Wickramasuriya, S. L., Turlach, B. A. and Hyndman, R. J. (2020). Optimal non-negative forecast
reconciliation. Statistics and Computing 30, 1167-1182.
"""

from __future__ import annotations

from numbers import Integral, Real

import numpy as np
import pandas as pd
from scipy import linalg, sparse
from sklearn.base import BaseEstimator

from ._validation import validate_params
from .constraints import Interval, Options
from .covariance import shrunk_correlation
from .nonnegative import nonnegative_bottom

METHODS = ("mint_shrink", "wls_struct", "ols", "bottom_up")



class _MethodFailed(Exception):
    """A method cannot be used on this problem; the message is the recorded fallback reason."""


class Reconciler(BaseEstimator):
    """Reconcile base forecasts of a hierarchy into coherent ones: ``S @ G @ base``.

    Parameters
    ----------
    method : {"mint_shrink", "wls_struct", "ols", "bottom_up"}, default "mint_shrink"
        How the base forecasts are weighted (see the module docstring). ``mint_shrink`` needs
        ``residuals`` in :meth:`fit`; without enough usable ones it falls back to
        ``wls_struct``, and ``wls_struct`` falls back to ``ols`` when a row of ``S`` does not
        have a positive sum. Each fallback is recorded in ``fallback_reason_``.
    nonnegative : bool, default False
        Constrain the reconciled bottom forecasts to be ``>= 0``, solving the weighted
        least-squares problem of the method exactly under that constraint (``bottom_up``
        clips the bottom base forecasts at zero). Aggregates follow from ``S``. Unlike
        hierarchicalforecast, negative base forecasts are used as they are, not set to zero
        first: the constraint is on the result.
    min_obs : int, default 5
        Fewest finite residuals each series needs for ``mint_shrink``. With fewer, the
        variances that dominate the shrunk covariance are too noisy to beat structural
        weights.
    min_rcond : float, default 1e-10
        Smallest reciprocal condition number (LAPACK estimate, 1-norm) of the shrunk
        correlation matrix accepted for ``mint_shrink``.

    Attributes
    ----------
    G_ : numpy.ndarray
        ``n_bottom x n_total`` map from base forecasts to reconciled bottom forecasts.
    P_ : numpy.ndarray
        ``n_total x n_total`` projection ``S @ G_`` (``P_ @ P_ == P_``, ``P_ @ S == S``).
    method_used_ : str
        The method actually used.
    fallback_reason_ : str or None
        Why ``method_used_`` differs from ``method``; None when it does not.
    exact_series_ : numpy.ndarray
        For ``mint_shrink``: series whose residuals are all zero; they get a variance far below
        the others' (they are trusted, not dropped). Empty otherwise.
    shrinkage_ : float
        Schäfer-Strimmer intensity of ``mint_shrink``; NaN when another method was used.
    weights_ : numpy.ndarray
        Diagonal of ``W`` (error variances for ``mint_shrink``, row sums of ``S`` for
        ``wls_struct``, ones for ``ols``); NaN for ``bottom_up``.
    quadratic_ : numpy.ndarray or None
        ``S' W^-1 S`` (``n_bottom x n_bottom``), the Hessian of the non-negative problem;
        None for ``bottom_up``.
    S_ : scipy.sparse.csr_array
        The summing matrix.
    bottom_rows_ : numpy.ndarray
        Row of ``S`` holding each bottom series: the last row equal to that unit vector.
    n_series_, n_bottom_ : int
        Shape of ``S``.

    Examples
    --------
    >>> S = np.array([[1.0, 1.0], [1.0, 0.0], [0.0, 1.0]])
    >>> rec = Reconciler(method="ols").fit(S)
    >>> rec.reconcile(np.array([3.0, 1.0, 1.0])).round(6).tolist()
    [2.666667, 1.333333, 1.333333]
    """

    _parameter_constraints = {
        "method": [Options(*METHODS)],
        "nonnegative": [bool, np.bool_],
        "min_obs": [Interval(Integral, 2, None)],
        "min_rcond": [Interval(Real, 0, 1, closed="left")],
    }

    def __init__(self, method: str = "mint_shrink", *, nonnegative: bool = False, min_obs: int = 5,
                 min_rcond: float = 1e-10):
        self.method = method
        self.nonnegative = nonnegative
        self.min_obs = min_obs
        self.min_rcond = min_rcond

    # -- fitting -------------------------------------------------------------------------------

    def fit(self, S, residuals=None) -> Reconciler:
        """Compute the reconciliation map for summing matrix ``S``.

        Parameters
        ----------
        S : array-like or scipy.sparse matrix
            ``n_total x n_bottom`` summing matrix; every bottom series must have a row of
            ``S`` equal to its unit vector (see :func:`summing_matrix`).
        residuals : array-like, optional
            ``n_obs x n_total`` errors of the base forecasts (in-sample or back-test), columns
            in the order of the rows of ``S``; NaN where missing. Used by ``mint_shrink`` only;
            rows with no finite value are dropped.

        Returns
        -------
        Reconciler
            self.

        Raises
        ------
        ValueError
            On an unknown method, bad parameters, an ``S`` that is not a finite 2-D matrix with
            a unit row for each bottom series, or residuals whose columns do not match ``S``.
        """
        validate_params(self)
        S = _check_summing(S)
        n_total, n_bottom = S.shape
        residuals = _check_residuals(residuals, n_total)
        self.n_series_, self.n_bottom_ = n_total, n_bottom
        self.exact_series_ = np.array([], dtype=np.int64)
        self.bottom_rows_ = _bottom_rows(S)
        self.S_ = S

        reasons = []
        chain = {"mint_shrink": ["mint_shrink", "wls_struct", "ols"], "wls_struct": ["wls_struct", "ols"]}.get(self.method, [self.method])
        for method in chain:
            try:
                G, quadratic, weights, shrinkage = self._fit_method(method, S, residuals)
            except _MethodFailed as failure:
                reasons.append(f"{method}: {failure}")
                continue
            break
        self.method_used_ = method
        self.fallback_reason_ = "; ".join(reasons) or None
        self.G_, self.weights_, self.shrinkage_ = G, weights, shrinkage
        self.quadratic_ = quadratic
        self.P_ = np.asarray(S @ G)
        return self

    def _fit_method(self, method: str, S: sparse.csr_array, residuals: np.ndarray | None):
        n_total, n_bottom = S.shape
        if method == "bottom_up":
            G = np.zeros((n_bottom, n_total))
            G[np.arange(n_bottom), self.bottom_rows_] = 1.0
            return G, None, np.full(n_total, np.nan), np.nan
        if method == "ols":
            return (*_gls(S, np.ones(n_total), None), np.ones(n_total), np.nan)
        if method == "wls_struct":
            weights = np.asarray(S.sum(axis=1)).ravel()
            bad = np.flatnonzero(~(weights > 0))
            if bad.size:
                raise _MethodFailed(f"row {bad[0]} of S sums to {weights[bad[0]]:g}, so it has no structural weight")
            return (*_gls(S, weights, None), weights, np.nan)
        correlation, scale, shrinkage = self._shrunk_covariance(residuals, n_total)
        try:
            factor = linalg.cholesky(correlation, lower=True, check_finite=False)
        except linalg.LinAlgError:
            raise _MethodFailed(f"the shrunk error covariance is singular (shrinkage {shrinkage:.3g})") from None
        rcond, _ = linalg.lapack.dpocon(factor, np.max(np.sum(np.abs(correlation), axis=0)), uplo="L")
        if not rcond >= self.min_rcond:
            raise _MethodFailed(f"the shrunk error covariance is ill-conditioned (reciprocal condition {rcond:.3g} "
                                f"< {self.min_rcond:g}, shrinkage {shrinkage:.3g})")
        G, quadratic = _gls(S, scale**2, factor)
        return G, quadratic, scale**2, shrinkage

    def _shrunk_covariance(self, residuals: np.ndarray | None, n_total: int):
        if residuals is None:
            raise _MethodFailed("no residuals were given")
        residuals = residuals[np.isfinite(residuals).any(axis=1)]
        counts = np.isfinite(residuals).sum(axis=0)
        short = np.flatnonzero(counts < self.min_obs)
        if short.size:
            raise _MethodFailed(f"too few residuals: series {short[0]} has {counts[short[0]]} finite ones "
                                f"({short.size} series have fewer than min_obs={self.min_obs})")
        mean_square = np.nanmean(residuals**2, axis=0)
        flat = np.flatnonzero(~(mean_square > 0))
        self.exact_series_ = flat
        if not flat.size:
            return shrunk_correlation(residuals)
        # A series its base forecast always got right (a cell that is constantly zero, say)
        # would make the covariance singular. It is the most trusted series: give it a variance
        # far below every other and no correlation, so reconciliation barely moves it.
        keep = np.flatnonzero(mean_square > 0)
        if keep.size < 2:
            raise _MethodFailed(f"the error covariance is singular: {flat.size} of {n_total} series "
                                "have zero residuals")
        correlation_kept, scale_kept, shrinkage = shrunk_correlation(residuals[:, keep])
        correlation = np.eye(n_total)
        correlation[np.ix_(keep, keep)] = correlation_kept
        scale = np.full(n_total, np.sqrt(mean_square[keep].min() * 1e-4))
        scale[keep] = scale_kept
        return correlation, scale, shrinkage

    # -- reconciling ---------------------------------------------------------------------------

    def reconcile(self, base) -> np.ndarray:
        """Coherent forecasts ``S @ G_ @ base`` (with ``b >= 0`` when ``nonnegative``).

        Parameters
        ----------
        base : array-like
            ``n_total`` or ``n_total x k`` base forecasts, rows in the order of the rows of
            ``S``; the ``k`` columns (a point forecast, quantiles, simulated paths, horizons)
            are reconciled with the same ``G_``.

        Returns
        -------
        numpy.ndarray
            Reconciled forecasts, the shape of ``base``.

        Raises
        ------
        RuntimeError
            If the reconciler is not fitted.
        ValueError
            If ``base`` has the wrong number of rows, more than two dimensions or a
            non-finite value.
        """
        if not hasattr(self, "G_"):
            raise RuntimeError("this Reconciler is not fitted yet; call fit(S, residuals) first")
        values = np.asarray(base, dtype=float)
        if values.ndim not in (1, 2):
            raise ValueError(f"base must be 1-D or 2-D (n_total x k); got {values.ndim} dimensions")
        if values.shape[0] != self.n_series_:
            raise ValueError(f"base has {values.shape[0]} rows but S has {self.n_series_} series")
        if not np.all(np.isfinite(values)):
            row = int(np.flatnonzero(~np.isfinite(values.reshape(values.shape[0], -1)).all(axis=1))[0])
            raise ValueError(f"base has a non-finite value in row {row}; reconciliation would spread it to every series")
        matrix = values.reshape(values.shape[0], -1)
        bottom = self.G_ @ matrix
        if self.nonnegative:
            bottom = self._nonnegative(bottom, matrix)
        return np.asarray(self.S_ @ bottom).reshape(values.shape)

    transform = reconcile

    def _nonnegative(self, bottom: np.ndarray, base: np.ndarray) -> np.ndarray:
        if self.quadratic_ is None:
            # Bottom-up weighs only the bottom forecasts, each on its own: the nearest
            # non-negative point is the clipped one.
            return np.maximum(bottom, 0.0)
        out = bottom.copy()
        for col in np.flatnonzero((bottom < 0).any(axis=0)):
            out[:, col] = nonnegative_bottom(self.quadratic_, bottom[:, col], max_iter=10 * bottom.shape[0])
        return out


def _check_summing(S) -> sparse.csr_array:
    # A copy, as zeros are dropped and indices sorted in place below.
    matrix = sparse.csr_array(S, dtype=float, copy=True) if sparse.issparse(S) else None
    if matrix is None:
        dense = np.asarray(S, dtype=float)
        if dense.ndim != 2:
            raise ValueError(f"S must be a 2-D n_total x n_bottom matrix; got {dense.ndim} dimensions")
        matrix = sparse.csr_array(dense)
    n_total, n_bottom = matrix.shape
    if n_bottom == 0 or n_total < n_bottom:
        raise ValueError(f"S must have at least as many rows (series) as columns (bottom series); got {n_total} x {n_bottom}")
    if not np.all(np.isfinite(matrix.data)):
        raise ValueError("S has a non-finite value")
    matrix.eliminate_zeros()
    matrix.sort_indices()
    return matrix


def _bottom_rows(S: sparse.csr_array) -> np.ndarray:
    per_row = np.diff(S.indptr)
    single = np.flatnonzero(per_row == 1)
    unit = single[S.data[S.indptr[single]] == 1.0]
    rows = np.full(S.shape[1], -1)
    np.maximum.at(rows, S.indices[S.indptr[unit]], unit)
    missing = np.flatnonzero(rows < 0)
    if missing.size:
        raise ValueError(f"S has no row equal to the unit vector of bottom series {missing[0]}; "
                         "every bottom series must be a row of S")
    return rows


def _check_residuals(residuals, n_total: int) -> np.ndarray | None:
    if residuals is None:
        return None
    values = np.asarray(residuals.to_numpy(dtype=float) if isinstance(residuals, pd.DataFrame) else residuals, dtype=float)
    if values.ndim != 2:
        raise ValueError(f"residuals must be 2-D (n_obs x n_total); got {values.ndim} dimensions")
    if values.shape[1] != n_total:
        raise ValueError(f"residuals have {values.shape[1]} columns but S has {n_total} series (rows)")
    if np.isinf(values).any():
        raise ValueError("residuals have an infinite value; mark missing errors with NaN")
    return values


def _gls(S: sparse.csr_array, variance: np.ndarray, factor: np.ndarray | None) -> tuple[np.ndarray, np.ndarray]:
    """``G = (S' W^-1 S)^-1 S' W^-1`` and ``S' W^-1 S`` for ``W = D C D``.

    ``D = diag(sqrt(variance))`` and ``C = L L'`` a correlation matrix (identity when
    ``factor`` is None). Working in correlation scale keeps the solves well conditioned when
    series differ in size by orders of magnitude (the national total against one bottom
    series), and Cholesky solves stand in for every inverse.
    """
    inv_scale = 1.0 / np.sqrt(variance)
    scaled = sparse.csr_array(S.multiply(inv_scale[:, None]))
    if factor is None:
        whitened = scaled.toarray()
    else:
        whitened = linalg.cho_solve((factor, True), scaled.toarray(), check_finite=False)
    # whitened = C^-1 D^-1 S, so S' W^-1 = (D^-1 whitened)' and S' W^-1 S = (D^-1 S)' whitened.
    quadratic = np.asarray(scaled.T @ whitened)
    quadratic = 0.5 * (quadratic + quadratic.T)
    try:
        chol = linalg.cho_factor(quadratic, lower=True, check_finite=False)
    except linalg.LinAlgError:
        raise _MethodFailed("S' W^-1 S is not positive definite") from None
    G = linalg.cho_solve(chol, (whitened * inv_scale[:, None]).T, check_finite=False)
    return G, quadratic
