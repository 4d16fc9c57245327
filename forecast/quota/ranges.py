"""Where the quota's range and the ceiling advice are made: what the need's uncertainty and the
legal ceiling each do to the proposal.

**The range brackets the proposal.** The rules are applied to the shortage at the low, planning
and high quantiles, giving three complete proposals. When the ceiling binds, the high proposal is
cut with the weights of the high shortage, so a line with a mild shortage can get less in the
high proposal than in the central one (severe shortages elsewhere take precedence): the
proposals themselves do not bracket. A range read line by line must contain the proposal, so

    quota_low  = min(low proposal, quota)
    quota_high = quota + floor(s x max(0, high proposal - quota))

where ``s`` (0 to 1) is the smallest, over the line's groups (its sector, its region, the
country), of the share of the group's upward moves that fits under the group's cap. So the high
end is what the line would get with the high need, as far as every cap and the ceiling allow;
each total's range is the sum of its lines' (and brackets the total's quota), and no total's
high end exceeds a cap. The three proposals' own totals are kept in ``attrs["proposals"]``.

**What the ceiling does is reported apart**: ``need_low``, ``need`` and ``need_high`` are the
foreign need at the three quantiles before any cap, beside the capped proposal.

**Ceiling advice.** When the eligible need at the planning quantile (after protected sectors,
regulated professions and the local-content rule) exceeds the national ceiling, the advice says
by how much, which regions and sectors lose most to the cut, and the ceiling (in percent of the
labour force) that would cover the whole eligible need.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from forecast.quota.allocation import GroupKind

__all__ = ["bracket", "ceiling_advice"]

# Regions and sectors named in the advice: the largest cuts.
ADVICE_TOP = 5


def bracket(quota: np.ndarray, low: np.ndarray, high: np.ndarray,
            kinds: list[GroupKind]) -> tuple[np.ndarray, np.ndarray]:
    """Per line, the range ``(quota_low, quota_high)`` around the whole-person proposal ``quota``
    from the low and high proposals, within every cap of ``kinds`` (see the module docstring)."""
    quota = np.asarray(quota, dtype=np.int64)
    up = np.clip(np.asarray(high, dtype=np.int64) - quota, 0, None).astype(float)
    share = np.ones(quota.size)
    for kind in kinds:
        inside = kind.labels >= 0
        room = np.clip(np.floor(kind.caps + 1e-9) - kind.sums(quota.astype(float)), 0.0, None)
        asked = kind.sums(up)
        fits = np.divide(room, asked, out=np.ones_like(asked), where=asked > room)
        labels = np.where(inside, kind.labels, 0)
        share = np.where(inside, np.minimum(share, np.minimum(fits, 1.0)[labels]), share)
    return np.minimum(low, quota), quota + np.floor(share * up + 1e-9).astype(np.int64)


def ceiling_advice(lines: pd.DataFrame, eligible: np.ndarray, allocated: np.ndarray, ceiling: int,
                   labour_force: float, *, eligible_total: float | None = None) -> dict:
    """What the national ceiling does to the proposal, and the ceiling that would cover the need.

    Parameters
    ----------
    lines : DataFrame
        The quota lines (``region``, ``sector``) in the order of the arrays.
    eligible : ndarray
        Need per line after protected sectors, regulated professions and local content.
    allocated : ndarray
        The exact allocation per line under the caps and the ceiling.
    ceiling : int
        The national ceiling in persons.
    labour_force : float
    eligible_total : float, optional
        The eligible need's total as the lines write it (to 0.1 person), which the advice quotes
        so that it agrees with the headline; the cuts are always those of the exact arrays.
        Defaults to the sum of ``eligible``.

    Returns
    -------
    dict
        ``binding`` (the eligible need exceeds the ceiling), ``eligible_need``, ``ceiling``,
        ``excess`` (need above the ceiling), ``cut`` (need the caps and the ceiling leave
        unfunded), ``percent_needed`` (the ceiling in percent of the labour force that would
        cover the eligible need) and the regions and sectors losing most (``by_region``,
        ``by_sector``: code and persons cut).
    """
    need = float(np.sum(eligible)) if eligible_total is None else float(eligible_total)
    cut = np.clip(np.asarray(eligible, dtype=float) - allocated, 0.0, None)
    frame = pd.DataFrame({"region": lines["region"].to_numpy(), "sector": lines["sector"].to_numpy(),
                          "cut": cut})

    def largest(key: str) -> list[dict]:
        sums = frame.groupby(key)["cut"].sum()
        sums = sums[sums >= 0.5].sort_values(ascending=False, kind="stable").head(ADVICE_TOP)
        return [{key: code, "cut": round(float(value))} for code, value in sums.items()]

    percent = need / labour_force * 100 if labour_force > 0 else float("nan")
    return {"binding": bool(need > ceiling), "eligible_need": round(need),
            "ceiling": int(ceiling), "excess": round(max(need - ceiling, 0.0)),
            "cut": round(float(cut.sum())),
            # Rounded up to the hundredth of a percent a decree would write.
            "percent_needed": float(np.ceil(percent * 100) / 100) if np.isfinite(percent) else None,
            "by_region": largest("region"), "by_sector": largest("sector")}
