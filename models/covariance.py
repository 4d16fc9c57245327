"""Shrinkage estimates of the covariance of forecast errors (Schäfer and Strimmer, 2005)."""

from __future__ import annotations

import numpy as np


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
