"""Where a quota is shared out under caps and floors: the numeric core of the recommendation.

Lines (region x sector x category) have a need ``n`` and a weight ``w`` (priority and severity).
Groups of lines (a region, a sector, the whole country) may have a cap and a floor.

The cut is a *progressive filling* of severity-weighted shares of need: every line keeps
``x(f) = max(lower, n * min(1, f * w))`` of its need for one common level ``f`` raised from 0; when a
capped group fills up, its lines are frozen at that level and the others go on rising. Lines with
a larger weight keep a larger share; nothing is cut pro rata blindly. Floors set ``lower``: the
share of a group's need (up to its floor) that no cut may take away.

Guarantees (tested under property-based tests):

- every line gets at least its floor share and at most its need; every capped group stays within
  its cap; the total never exceeds the national ceiling;
- raising one line's need never lowers that line's exact allocation (the level ``f`` that freezes
  it can only fall as much as its need rises), so whole-person quotas can fall by at most one
  person, from rounding;
- the same inputs give the same result (ties go to the earlier line).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

_BISECTIONS = 80
_TOLERANCE = 1e-9


@dataclass(frozen=True)
class GroupKind:
    """One way of grouping lines (by region, by sector, the whole country).

    Attributes
    ----------
    name : str
        What a binding cap of this kind is called in a line's explanation.
    labels : ndarray of int
        Group of each line, ``-1`` for lines in no group of this kind.
    caps : ndarray of float
        Cap per group (``inf`` where there is none).
    floors : ndarray of float
        Floor per group (0 where there is none).
    """

    name: str
    labels: np.ndarray
    caps: np.ndarray
    floors: np.ndarray

    @property
    def size(self) -> int:
        return int(self.caps.size)

    def sums(self, values: np.ndarray) -> np.ndarray:
        inside = self.labels >= 0
        return np.bincount(self.labels[inside], values[inside], minlength=self.size)


@dataclass(frozen=True)
class Allocation:
    """Result of :func:`allocate`: exact shares, whole persons and what bound each line."""

    exact: np.ndarray
    quota: np.ndarray
    lower: np.ndarray
    binding: np.ndarray


def floor_shares(need: np.ndarray, kinds: list[GroupKind]) -> np.ndarray:
    """The part of each line's need its groups' floors protect: ``n * min(1, F / N)`` of its group."""
    lower = np.zeros_like(need)
    for kind in kinds:
        if not np.any(kind.floors > 0):
            continue
        totals = kind.sums(need)
        ratio = np.minimum(1.0, np.divide(kind.floors, totals, out=np.zeros_like(totals),
                                          where=totals > 1e-12))
        inside = kind.labels >= 0
        lower[inside] = np.maximum(lower[inside], need[inside] * ratio[kind.labels[inside]])
    return lower


def _kept(need, lower, weight, level):
    return np.maximum(lower, need * np.minimum(1.0, level * weight))


def _group_levels(kind: GroupKind, need, lower, weight, active, fixed) -> np.ndarray:
    """Per group, the highest level at which the group stays within its cap (``inf`` if all of
    its need fits)."""
    inside = (kind.labels >= 0) & active
    fixed_sum = kind.sums(np.where(active, 0.0, fixed))
    full = kind.sums(np.where(active, need, 0.0)) + fixed_sum
    levels = np.full(kind.size, np.inf)
    tight = full > kind.caps + _TOLERANCE
    if not tight.any():
        return levels
    top = 1.0 / weight[inside].min()
    low, high = np.zeros(kind.size), np.full(kind.size, top)
    labels = np.where(kind.labels >= 0, kind.labels, 0)
    for _ in range(_BISECTIONS):
        mid = (low + high) / 2
        kept = np.where(inside, _kept(need, lower, weight, mid[labels]), 0.0)
        over = kind.sums(kept) + fixed_sum > kind.caps
        high = np.where(over, mid, high)
        low = np.where(over, low, mid)
    levels[tight] = low[tight]
    return levels


def allocate(need: np.ndarray, weight: np.ndarray, kinds: list[GroupKind]) -> Allocation:
    """Share out ``need`` within every group's cap, protecting floors, in whole persons.

    Parameters
    ----------
    need : ndarray
        Non-negative need per line.
    weight : ndarray
        Positive weight per line: a larger weight keeps a larger share of need when a cap binds.
    kinds : list of GroupKind
        Groupings with caps (integers) and floors; their order is the order in which a binding
        cap is named when several bind at the same level.

    Returns
    -------
    Allocation
        ``exact`` (the continuous allocation), ``quota`` (integers: each within one person of
        ``exact``, adding up to the rounded total, within every cap and at or above every floor
        ``min(floor, floor(group need))``), ``lower`` (floor shares) and ``binding`` (name of the
        cap that froze each line, ``"floor"`` where a floor holds it, ``""`` where the line got its
        whole need).
    """
    need = np.asarray(need, dtype=float)
    weight = np.asarray(weight, dtype=float)
    lower = floor_shares(need, kinds)
    for kind in kinds:
        used = kind.sums(lower)
        over = np.flatnonzero(used > kind.caps + _TOLERANCE)
        if over.size:
            raise ValueError(f"{kind.name}: protected floors need {used[over[0]]:.0f} persons in "
                             f"group {over[0]} but its cap is {kind.caps[over[0]]:.0f}")
    active = need > lower
    fixed = need.copy()
    binding = np.full(need.size, "", dtype=object)
    while active.any():
        levels = [_group_levels(kind, need, lower, weight, active, fixed) for kind in kinds]
        level = min((lv.min() for lv in levels), default=np.inf)
        if not np.isfinite(level):
            break
        frozen = np.zeros(need.size, dtype=bool)
        for kind, kind_levels in zip(kinds, levels):
            hit = kind_levels <= level * (1 + 1e-12)
            lines = active & (kind.labels >= 0) & hit[np.where(kind.labels >= 0, kind.labels, 0)]
            binding[lines & ~frozen] = kind.name
            frozen |= lines
        fixed[frozen] = _kept(need[frozen], lower[frozen], weight[frozen], level)
        active &= ~frozen
    exact = np.where(active, need, fixed)
    held = (binding != "") & (exact <= lower + _TOLERANCE) & (lower > 0)
    binding[held] = "floor"
    quota = round_within(exact, kinds, need)
    return Allocation(exact, quota, lower, binding.astype(str))


def round_within(exact: np.ndarray, kinds: list[GroupKind], need: np.ndarray) -> np.ndarray:
    """Whole persons by largest remainder that respect every cap and floor.

    Every line gets ``floor(exact)`` or one more; the extra persons (as many as the rounded total
    needs) go first to lines of groups still below their floor, then by largest remainder, skipping
    lines whose groups are full. Ties go to the earlier line.
    """
    base = np.floor(exact + _TOLERANCE).astype(np.int64)
    fraction = np.clip(exact - base, 0.0, None)
    remaining = int(np.round(exact.sum())) - int(base.sum())
    order = np.lexsort((np.arange(exact.size), -fraction))
    order = order[fraction[order] > _TOLERANCE]
    used = [kind.sums(base.astype(float)) for kind in kinds]
    caps = [np.floor(kind.caps + _TOLERANCE) for kind in kinds]
    targets = [np.minimum(kind.floors, np.floor(kind.sums(need) + _TOLERANCE)) for kind in kinds]
    given = np.zeros(exact.size, dtype=bool)

    def room(i: int) -> bool:
        return all(k.labels[i] < 0 or u[k.labels[i]] + 1 <= c[k.labels[i]]
                   for k, u, c in zip(kinds, used, caps))

    def below_floor(i: int) -> bool:
        return any(k.labels[i] >= 0 and u[k.labels[i]] < t[k.labels[i]]
                   for k, u, t in zip(kinds, used, targets))

    # Greedy over the candidate lines (at most one extra person each): a short loop over the
    # lines with a remainder, not over the table.
    for pass_floor in (True, False):
        for i in order:
            if remaining <= 0:
                break
            if given[i] or not room(i) or (pass_floor and not below_floor(i)):
                continue
            given[i] = True
            remaining -= 1
            for k, u in zip(kinds, used):
                if k.labels[i] >= 0:
                    u[k.labels[i]] += 1
    return base + given.astype(np.int64)


def largest_remainder(values: np.ndarray, total: int) -> np.ndarray:
    """Integers proportional to ``values`` that add up to exactly ``total``.

    Ties in the remainders go to the earlier position, so the result is deterministic.
    """
    values = np.asarray(values, dtype=float)
    if total <= 0 or values.sum() <= 0:
        return np.zeros(values.size, dtype=np.int64)
    exact = values / values.sum() * total
    floors = np.floor(exact).astype(np.int64)
    remainder = int(total - floors.sum())
    order = np.lexsort((np.arange(values.size), -(exact - floors)))
    floors[order[:remainder]] += 1
    return floors
