"""Iterative proportional fitting (raking) of a table to published margins.

A margin is a partition of the cells into groups (regions, region x broad sector, sections, ...)
with a published total per group. :func:`ipf` scales a non-negative prior, margin after margin,
until every group sums to its total: the classic Deming-Stephan algorithm, which gives the table
closest to the prior in the Kullback-Leibler sense among those that reproduce every margin. Cells
that are zero in the prior stay zero. A few lines of numpy; the ``ipfn`` package is unmaintained.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["Margin", "IPFResult", "ipf"]


@dataclass(frozen=True)
class Margin:
    """One published margin.

    Attributes
    ----------
    name : str
        For messages and the fit report (``"region"``, ``"region x broad sector"``).
    groups : ndarray of int
        Same shape as the table: the group of every cell, ``0..n-1``.
    totals : ndarray of float
        Length ``n``: the published total of every group.
    """

    name: str
    groups: np.ndarray
    totals: np.ndarray


@dataclass(frozen=True)
class IPFResult:
    """The fitted table, how many sweeps it took and the largest absolute deviation per margin."""

    table: np.ndarray
    iterations: int
    deviation: dict[str, float]
    converged: bool


def ipf(prior: np.ndarray, margins: list[Margin], *, tol: float = 1e-6,
        max_iter: int = 2000) -> IPFResult:
    """Fit ``prior`` to ``margins`` by iterative proportional fitting.

    Parameters
    ----------
    prior : ndarray
        Non-negative starting table (any shape); zeros are structural and stay zero.
    margins : list of Margin
        Their totals must agree where they overlap (every margin's grand total the same) for
        the fit to reproduce all of them.
    tol : float
        Stop when no group is further than ``tol`` persons from its total.
    max_iter : int
        Sweeps over all margins at most.

    Returns
    -------
    IPFResult

    Raises
    ------
    ValueError
        If a margin's shape does not match the prior, a total is negative or not finite, or a
        group with a positive total has no positive prior cell (it could never be reached).
    """
    table = np.asarray(prior, dtype=np.float64).copy()
    if (table < 0).any() or not np.isfinite(table).all():
        raise ValueError("the prior must be finite and non-negative")
    flat = table.ravel()
    for margin in margins:
        if margin.groups.shape != table.shape:
            raise ValueError(f"margin {margin.name!r}: groups of shape {margin.groups.shape}, "
                             f"the table has shape {table.shape}")
        totals = np.asarray(margin.totals, dtype=np.float64)
        if (totals < 0).any() or not np.isfinite(totals).all():
            raise ValueError(f"margin {margin.name!r}: totals must be finite and non-negative")
        reach = np.bincount(margin.groups.ravel(), weights=flat, minlength=totals.size)
        unreachable = (reach <= 0) & (totals > 0)
        if unreachable.any():
            raise ValueError(f"margin {margin.name!r}: group {int(np.flatnonzero(unreachable)[0])} "
                             "has a positive total but no positive prior cell")
    deviation: dict[str, float] = {}
    for iteration in range(1, max_iter + 1):
        for margin in margins:
            groups = margin.groups.ravel()
            current = np.bincount(groups, weights=flat, minlength=margin.totals.size)
            factor = np.divide(margin.totals, current, out=np.zeros_like(current),
                               where=current > 0)
            flat *= factor[groups]
        deviation = _deviations(flat, margins)
        if max(deviation.values(), default=0.0) <= tol:
            return IPFResult(flat.reshape(table.shape), iteration, deviation, True)
    return IPFResult(flat.reshape(table.shape), max_iter, deviation, False)


def _deviations(flat: np.ndarray, margins: list[Margin]) -> dict[str, float]:
    out = {}
    for margin in margins:
        current = np.bincount(margin.groups.ravel(), weights=flat, minlength=margin.totals.size)
        out[margin.name] = float(np.abs(current - margin.totals).max()) if current.size else 0.0
    return out
