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

Series identifiers
------------------
:func:`summing_matrix` names every row of ``S`` by its key values joined with ``"|"``, in the
order of the key columns, with a total label where a key is aggregated out: ``"TOTAL"`` for
any column, except ``"KZ"`` (the national total) for a column named ``region``. With keys
``region, sector, skill``: ``"KZ|TOTAL|TOTAL"`` is the national total, ``"ALM|TOTAL|TOTAL"``
the region ALM, ``"KZ|C|TOTAL"`` the sector C nationally, ``"ALM|C|high"`` a bottom series.
Rows come level by level in the order given (aggregates sorted by their keys), then the bottom
series in the order of the input table, so the last ``n_bottom`` rows of ``S`` are the
identity.

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

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd
from scipy import linalg, sparse
from scipy.optimize import nnls

METHODS = ("mint_shrink", "wls_struct", "ols", "bottom_up")
TOTAL_LABEL = "TOTAL"
DEFAULT_TOTALS = {"region": "KZ"}
SEPARATOR = "|"
TOTAL_LEVEL = "total"

# Relative tolerance of the active-set test for a negative bottom value or a negative
# multiplier; values this close to zero are rounding, not a violated constraint.
_ACTIVE_SET_TOL = 1e-10


# ---------------------------------------------------------------------------------------------
# Summing matrix
# ---------------------------------------------------------------------------------------------


def _total_labels(keys: Sequence[str], totals: Mapping[str, str] | None) -> dict[str, str]:
    labels = {key: DEFAULT_TOTALS.get(key, TOTAL_LABEL) for key in keys}
    if totals is not None:
        unknown = [key for key in totals if key not in labels]
        if unknown:
            raise ValueError(f"totals names column {unknown[0]!r}, which is not a key column ({', '.join(keys)})")
        labels.update({key: str(label) for key, label in totals.items()})
    return labels


def _normalise_levels(levels: Sequence[Sequence[str]], keys: list[str]) -> list[tuple[str, ...]]:
    """Each level as a tuple in key-column order, without repeats, the bottom level last."""
    if isinstance(levels, str) or not isinstance(levels, Sequence):
        raise TypeError("levels must be a list of lists of key columns, e.g. [[], ['region'], ['sector']]")
    out: list[tuple[str, ...]] = []
    for level in levels:
        if isinstance(level, str) or not isinstance(level, Sequence):
            raise TypeError(f"each level must be a list of key columns; got {level!r}")
        unknown = [col for col in level if col not in keys]
        if unknown:
            raise ValueError(f"level {list(level)!r} names {unknown[0]!r}, which is not a key column ({', '.join(keys)})")
        if len(set(level)) != len(level):
            raise ValueError(f"level {list(level)!r} repeats a column")
        ordered = tuple(col for col in keys if col in level)
        if ordered not in out and len(ordered) < len(keys):
            out.append(ordered)
    out.append(tuple(keys))
    return out


def _ids(frame: pd.DataFrame, keys: list[str]) -> pd.Series:
    """Key values joined by the separator, vectorised (a row-wise join is slow at 10^4 rows)."""
    text = [frame[key].astype(str) for key in keys]
    return text[0].str.cat(text[1:], sep=SEPARATOR) if len(text) > 1 else text[0]


def _level_name(level: tuple[str, ...]) -> str:
    return "/".join(level) if level else TOTAL_LEVEL


def summing_matrix(
    bottom: pd.DataFrame,
    levels: Sequence[Sequence[str]],
    *,
    keys: Sequence[str] | None = None,
    totals: Mapping[str, str] | None = None,
    sparse_output: bool = False,
) -> tuple[np.ndarray | sparse.csr_array, pd.DataFrame]:
    """Summing matrix of a grouped hierarchy and the identifier of every series.

    Parameters
    ----------
    bottom : pandas.DataFrame
        One row per bottom series, with its key values (e.g. columns ``region, sector,
        skill``). Other columns are ignored when ``keys`` is given.
    levels : list of list of str
        Aggregation levels to include, each a list of key columns kept (the others are summed
        out): ``[]`` is the total, ``["region"]`` one series per region, ``["region",
        "sector"]`` one per region x sector. The bottom level (all keys) is always included,
        last, whether listed or not; repeats are dropped.
    keys : list of str, optional
        Key columns; default every column of ``bottom``.
    totals : mapping of str to str, optional
        Label of an aggregated-out key, by column. Default ``"KZ"`` for a column named
        ``region`` and ``"TOTAL"`` for any other.
    sparse_output : bool, default False
        Return ``S`` as a ``scipy.sparse.csr_array`` (memory linear in the number of bottom
        series times the number of levels) instead of a dense array.

    Returns
    -------
    S : numpy.ndarray or scipy.sparse.csr_array
        ``n_total x n_bottom`` float64 matrix of 0s and 1s; ``S[i, j] = 1`` when bottom series
        ``j`` sums into series ``i``. Its last ``n_bottom`` rows are the identity.
    tags : pandas.DataFrame
        One row per row of ``S``: the key columns (as strings, total labels where summed out),
        ``level`` (``"total"`` or the kept columns joined by ``"/"``) and ``unique_id`` (key
        values joined by ``"|"``).

    Raises
    ------
    TypeError
        If ``bottom`` is not a DataFrame or ``levels`` is not a list of lists.
    ValueError
        On an empty table, a missing or unknown key column, a missing key value, a duplicate
        bottom series, a key value equal to that column's total label or containing ``"|"``.

    Examples
    --------
    >>> bottom = pd.DataFrame({"region": ["ALM", "ALM", "AST"], "sector": ["C", "F", "C"]})
    >>> S, tags = summing_matrix(bottom, [[], ["region"]])
    >>> tags["unique_id"].tolist()
    ['KZ|TOTAL', 'ALM|TOTAL', 'AST|TOTAL', 'ALM|C', 'ALM|F', 'AST|C']
    >>> S.astype(int).tolist()[:3]
    [[1, 1, 1], [1, 1, 0], [0, 0, 1]]
    """
    if not isinstance(bottom, pd.DataFrame):
        raise TypeError(f"bottom must be a pandas DataFrame of key columns; got {type(bottom).__name__}")
    keys = list(bottom.columns) if keys is None else list(keys)
    if not keys:
        raise ValueError("at least one key column is needed")
    missing = [key for key in keys if key not in bottom.columns]
    if missing:
        raise ValueError(f"missing key column {missing[0]!r} (found {', '.join(map(str, bottom.columns)) or 'none'})")
    if len(bottom) == 0:
        raise ValueError("the table of bottom series is empty")
    labels = _total_labels(keys, totals)
    values: dict[str, np.ndarray] = {}
    for key in keys:
        column = bottom[key]
        if column.isna().any():
            raise ValueError(f"column {key!r} has a missing value at row {int(np.flatnonzero(column.isna().to_numpy())[0])}")
        text = column.astype(str).to_numpy(dtype=object)
        clash = text == labels[key]
        if clash.any():
            raise ValueError(f"column {key!r} holds {labels[key]!r}, its total label, at row {int(np.flatnonzero(clash)[0])}; "
                             "a bottom series must not look like an aggregate")
        has_sep = np.array([SEPARATOR in value for value in text], dtype=bool)
        if has_sep.any():
            raise ValueError(f"column {key!r} value {text[has_sep][0]!r} contains {SEPARATOR!r}, the identifier separator")
        values[key] = text
    n_bottom = len(bottom)
    codes = {}
    uniques = {}
    for key in keys:
        codes[key], uniques[key] = pd.factorize(values[key], sort=True)
    dims = tuple(len(uniques[key]) for key in keys)
    combined = np.ravel_multi_index(tuple(codes[key] for key in keys), dims)
    if len(np.unique(combined)) != n_bottom:
        first = pd.Series(combined).duplicated().to_numpy().argmax()
        raise ValueError(f"duplicate bottom series {SEPARATOR.join(values[k][first] for k in keys)!r} at row {first}")

    row_blocks, col_blocks, tag_blocks = [], [], []
    offset = 0
    for level in _normalise_levels(levels, keys):
        if len(level) == len(keys):
            group = np.arange(n_bottom)
            tag = {key: values[key] for key in keys}
        else:
            # Groups sorted by the sorted codes of their kept keys, so aggregate rows come in a
            # stable order whatever the order of the bottom table.
            kept = [key for key in keys if key in level]
            sub = np.ravel_multi_index(tuple(codes[key] for key in kept), tuple(len(uniques[key]) for key in kept)) if kept else np.zeros(n_bottom, dtype=np.int64)
            present, group = np.unique(sub, return_inverse=True)
            positions = np.unravel_index(present, tuple(len(uniques[key]) for key in kept)) if kept else ()
            tag = {key: np.full(len(present), labels[key], dtype=object) for key in keys}
            for key, pos in zip(kept, positions):
                tag[key] = np.asarray(uniques[key], dtype=object)[pos]
        n_rows = int(group.max()) + 1
        row_blocks.append(offset + group)
        col_blocks.append(np.arange(n_bottom))
        frame = pd.DataFrame(tag)
        frame["level"] = _level_name(level)
        tag_blocks.append(frame)
        offset += n_rows
    rows = np.concatenate(row_blocks)
    cols = np.concatenate(col_blocks)
    S = sparse.csr_array((np.ones(len(rows)), (rows, cols)), shape=(offset, n_bottom))
    tags = pd.concat(tag_blocks, ignore_index=True)
    for key in keys:
        tags[key] = tags[key].astype(str)
    tags["unique_id"] = _ids(tags, keys)
    return (S if sparse_output else S.toarray()), tags


# ---------------------------------------------------------------------------------------------
# Shrinkage covariance
# ---------------------------------------------------------------------------------------------


def shrunk_correlation(residuals: np.ndarray) -> tuple[np.ndarray, np.ndarray, float]:
    """Schäfer-Strimmer shrinkage of the error correlation towards the identity.

    Second moments are taken about zero, as in the MinTrace paper: a biased base forecast is
    less accurate, and its bias belongs in its error variance. Missing values (NaN) are
    handled pairwise: each moment uses the observations both series have.

    Parameters
    ----------
    residuals : numpy.ndarray
        ``n_obs x n_series`` forecast errors; NaN where an error is missing. Every series needs
        at least two finite errors and a positive mean square error.

    Returns
    -------
    correlation : numpy.ndarray
        ``n_series x n_series`` shrunk correlation ``lambda * I + (1 - lambda) * R``.
    scale : numpy.ndarray
        Root mean square error of each series, so that the shrunk covariance is
        ``scale[:, None] * correlation * scale[None, :]``, i.e.
        ``lambda * diag(Sigma) + (1 - lambda) * Sigma``.
    shrinkage : float
        The intensity ``lambda`` in [0, 1]: the estimated variance of the sample correlations
        over their squared sum, off the diagonal.
    """
    finite = np.isfinite(residuals)
    errors = np.where(finite, residuals, 0.0)
    counts = finite.T.astype(float) @ finite.astype(float)
    n_own = np.diag(counts).copy()
    if np.any(n_own < 2):
        raise ValueError("every series needs at least two finite residuals")
    variance = np.einsum("ij,ij->j", errors, errors) / n_own
    if not np.all(variance > 0):
        raise ValueError("every series needs a positive mean square residual")
    scale = np.sqrt(variance)
    standard = errors / scale
    usable = counts >= 2
    safe = np.where(usable, counts, 1.0)
    # Sample correlation and the estimated variance of each one (Schäfer and Strimmer, 2005,
    # eq. 10): w_kij = x_ki x_kj, r_ij = mean_k w_kij, Var(r_ij) = sum_k (w_kij - r_ij)^2 / (n (n - 1)).
    sum_w = standard.T @ standard
    sum_w2 = (standard**2).T @ standard**2
    corr = np.where(usable, sum_w / safe, 0.0)
    var_corr = np.where(usable, (sum_w2 - safe * corr**2) / (safe * np.maximum(safe - 1.0, 1.0)), 0.0)
    off = ~np.eye(len(scale), dtype=bool)
    numerator = float(np.sum(np.maximum(var_corr[off], 0.0)))
    denominator = float(np.sum(corr[off] ** 2))
    shrinkage = 1.0 if denominator == 0.0 else float(np.clip(numerator / denominator, 0.0, 1.0))
    shrunk = (1.0 - shrinkage) * corr
    np.fill_diagonal(shrunk, 1.0)
    return shrunk, scale, shrinkage


# ---------------------------------------------------------------------------------------------
# Non-negative least squares on the normal equations
# ---------------------------------------------------------------------------------------------


def _nonnegative_bottom(quadratic: np.ndarray, target: np.ndarray, max_iter: int) -> np.ndarray:
    """Minimise ``(b - target)' Q (b - target)`` subject to ``b >= 0``, exactly.

    Block principal pivoting (Kim and Park, 2011) started from the sign pattern of the
    unconstrained solution: all infeasible variables switch sets at once while the number of
    infeasible ones falls, then Murty's single-switch rule guarantees termination. Starting
    from ``target > 0`` usually finishes in a few solves, far fewer than Lawson-Hanson, which
    adds one variable at a time from zero.
    """
    linear = quadratic @ target
    size = max(float(np.max(np.abs(target))), np.finfo(float).tiny)
    tol_x = _ACTIVE_SET_TOL * size
    tol_g = _ACTIVE_SET_TOL * max(float(np.max(np.abs(linear))), np.finfo(float).tiny)
    free = target > 0
    best, patience = free.size + 1, 3
    for _ in range(max_iter):
        b = np.zeros_like(target)
        if free.any():
            b[free] = linalg.solve(quadratic[np.ix_(free, free)], linear[free], assume_a="pos")
        gradient = quadratic @ b - linear
        infeasible = (free & (b < -tol_x)) | (~free & (gradient < -tol_g))
        n_bad = int(infeasible.sum())
        if n_bad == 0:
            return np.maximum(b, 0.0)
        if n_bad < best:
            best, patience = n_bad, 3
            free ^= infeasible
        elif patience > 0:
            patience -= 1
            free ^= infeasible
        else:
            last = np.flatnonzero(infeasible)[-1]
            free[last] = ~free[last]
    # Rounding can keep the pivoting from settling; Lawson-Hanson on the Cholesky factor
    # solves the same problem exactly, only more slowly.
    upper = linalg.cholesky(quadratic, lower=False)
    return nnls(upper, upper @ target, maxiter=50 * target.size)[0]


# ---------------------------------------------------------------------------------------------
# Reconciler
# ---------------------------------------------------------------------------------------------


class _MethodFailed(Exception):
    """A method cannot be used on this problem; the message is the recorded fallback reason."""


class Reconciler:
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

    def __init__(self, method: str = "mint_shrink", nonnegative: bool = False, min_obs: int = 5, min_rcond: float = 1e-10):
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
        if self.method not in METHODS:
            raise ValueError(f"unknown method {self.method!r}; expected one of {', '.join(METHODS)}")
        if int(self.min_obs) != self.min_obs or self.min_obs < 2:
            raise ValueError(f"min_obs must be an integer of at least 2; got {self.min_obs!r}")
        if not 0.0 <= float(self.min_rcond) < 1.0:
            raise ValueError(f"min_rcond must be in [0, 1); got {self.min_rcond!r}")
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
            out[:, col] = _nonnegative_bottom(self.quadratic_, bottom[:, col], max_iter=10 * bottom.shape[0])
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


# ---------------------------------------------------------------------------------------------
# Long frames
# ---------------------------------------------------------------------------------------------


def reconcile_frame(
    base: pd.DataFrame,
    keys: Sequence[str],
    value_columns: Sequence[str],
    levels: Sequence[Sequence[str]] | None = None,
    method: str = "mint_shrink",
    residuals: pd.DataFrame | None = None,
    nonnegative: bool = False,
    *,
    totals: Mapping[str, str] | None = None,
    time_column: str = "ds",
    residual_column: str = "residual",
    min_obs: int = 5,
) -> pd.DataFrame:
    """Reconcile the value columns of a long frame with one row per series at every level.

    Parameters
    ----------
    base : pandas.DataFrame
        Key columns and value columns (e.g. ``yhat``, ``yhat_lo_80``, ``yhat_hi_80``), one
        row per series: bottom series have every key, aggregates carry the total label in each
        summed-out key (``"KZ"`` for ``region``, ``"TOTAL"`` for others, see ``totals``).
    keys : list of str
        Key columns, e.g. ``["region", "sector", "skill"]``.
    value_columns : list of str
        Columns to reconcile, each with the same map ``G``.
    levels : list of list of str, optional
        Aggregation levels (as in :func:`summing_matrix`); default the levels present in
        ``base``. Every series of every level must be present exactly once.
    method, nonnegative :
        As in :class:`Reconciler`.
    residuals : pandas.DataFrame, optional
        Base forecast errors in long form: the key columns, ``time_column`` (one value per
        origin or in-sample period) and ``residual_column``. Series or periods without a
        row count as missing (NaN). Needed for ``mint_shrink``.
    totals : mapping of str to str, optional
        Total labels by key column, as in :func:`summing_matrix`.
    time_column, residual_column : str
        Column names in ``residuals``.
    min_obs : int, default 5
        As in :class:`Reconciler`.

    Returns
    -------
    pandas.DataFrame
        A copy of ``base`` in the same row order with the value columns (float64) coherent.
        ``attrs["reconciliation"]`` records ``method``, ``method_used``, ``fallback_reason``
        and ``nonnegative``.

    Raises
    ------
    ValueError
        On a missing column, a missing or non-finite value, a duplicate series, a series of a
        listed level that is absent, a row belonging to no listed level, or residual rows for
        series outside the hierarchy.
    """
    if not isinstance(base, pd.DataFrame):
        raise TypeError(f"base must be a pandas DataFrame; got {type(base).__name__}")
    keys, value_columns = list(keys), list(value_columns)
    missing = [col for col in keys + value_columns if col not in base.columns]
    if missing:
        raise ValueError(f"base has no column {missing[0]!r} (found {', '.join(map(str, base.columns))})")
    if not value_columns:
        raise ValueError("no value column to reconcile")
    for key in keys:
        if base[key].isna().any():
            raise ValueError(f"column {key!r} of base has a missing value at row {int(np.flatnonzero(base[key].isna().to_numpy())[0])}")
    labels = _total_labels(keys, totals)
    text = pd.DataFrame({key: base[key].astype(str) for key in keys})
    aggregated = np.column_stack([(text[key] == labels[key]).to_numpy() for key in keys])
    is_bottom = ~aggregated.any(axis=1)
    if not is_bottom.any():
        raise ValueError("base has no bottom series (rows without a total label in any key)")
    if levels is None:
        patterns = np.unique(aggregated[~is_bottom], axis=0)
        levels = [[key for key, out in zip(keys, pattern) if not out] for pattern in patterns[::-1]]
    S, tags = summing_matrix(text.loc[is_bottom, keys].reset_index(drop=True), levels, keys=keys, totals=totals, sparse_output=True)

    ids = _ids(text, keys)
    duplicated = ids.duplicated()
    if duplicated.any():
        raise ValueError(f"series {ids[duplicated].iloc[0]!r} appears more than once in base")
    position = pd.Index(tags["unique_id"]).get_indexer(ids)
    if (position < 0).any():
        raise ValueError(f"series {ids[position < 0].iloc[0]!r} belongs to no listed level {[list(level) for level in levels]!r}")
    if len(ids) != len(tags):
        absent = sorted(set(tags["unique_id"]) - set(ids))
        raise ValueError(f"base lacks {len(absent)} series of the listed levels, e.g. {absent[0]!r}")

    values = np.empty((len(tags), len(value_columns)))
    for j, col in enumerate(value_columns):
        column = pd.to_numeric(base[col], errors="coerce").to_numpy(dtype=float, na_value=np.nan)
        bad = ~np.isfinite(column)
        if bad.any():
            raise ValueError(f"column {col!r} has a missing or non-finite value for series {ids.iloc[int(np.flatnonzero(bad)[0])]!r}")
        values[position, j] = column

    wide = None
    if residuals is not None:
        wide = _residual_matrix(residuals, keys, tags["unique_id"], time_column, residual_column)
    reconciler = Reconciler(method=method, nonnegative=nonnegative, min_obs=min_obs).fit(S, wide)
    reconciled = reconciler.reconcile(values)
    out = base.copy()
    for j, col in enumerate(value_columns):
        out[col] = reconciled[position, j]
    out.attrs["reconciliation"] = {"method": method, "method_used": reconciler.method_used_,
                                   "fallback_reason": reconciler.fallback_reason_, "nonnegative": bool(nonnegative)}
    return out


def _residual_matrix(residuals: pd.DataFrame, keys: list[str], order: pd.Series, time_column: str, residual_column: str) -> np.ndarray:
    if not isinstance(residuals, pd.DataFrame):
        raise TypeError(f"residuals must be a pandas DataFrame in long form; got {type(residuals).__name__}")
    missing = [col for col in keys + [time_column, residual_column] if col not in residuals.columns]
    if missing:
        raise ValueError(f"residuals have no column {missing[0]!r} (found {', '.join(map(str, residuals.columns))})")
    ids = _ids(residuals, keys)
    position = pd.Index(order).get_indexer(ids)
    if (position < 0).any():
        raise ValueError(f"residuals name series {ids[position < 0].iloc[0]!r}, which is not in base")
    times, time_index = pd.factorize(residuals[time_column], sort=True)
    if (times < 0).any():
        raise ValueError(f"column {time_column!r} of residuals has a missing value")
    cell = times.astype(np.int64) * len(order) + position
    if len(np.unique(cell)) != len(cell):
        raise ValueError(f"residuals have more than one row for a series and {time_column!r}")
    wide = np.full((len(time_index), len(order)), np.nan)
    wide[times, position] = pd.to_numeric(residuals[residual_column], errors="coerce").to_numpy(dtype=float, na_value=np.nan)
    return wide
