"""Where the headline is built: one table from the shortage to the permits expected to be used,
whose numbers add up.

A planner reading "net shortage -58,406" next to "quota 21,869" needs the steps between them. At
the planning quantile, over every region x sector x skill cell:

    gross shortage (cells short)                         memo: surplus (cells in surplus), net
    - closed to foreign workers (low skill outside the seasonal sectors)
    - closed by domestic measures (domestic_share)
    - left to wages and productivity (1 - foreign_share)
    = foreign need from the shortage
    + seasonal need from permits (:mod:`forecast.quota.seasonal`)
    = foreign need
    - protected sectors - regulated professions - local content
    = eligible need
    - cut by caps and the ceiling  +/- whole persons
    = the proposal
    - expected unused
    = expected uptake

Each number is rounded once on the running total, and each step is the difference of two
rounded running totals, so the printed figures add up exactly. ``kind`` says how a row reads:
``start``, ``step`` (signed: negative removes), ``subtotal`` or ``memo`` (beside the chain).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["HEADLINE_STEPS", "headline_table"]

# (item, kind) in order; the values come from :func:`headline_table`.
HEADLINE_STEPS = (
    ("gross_shortage", "start"), ("surplus", "memo"), ("net_shortage", "memo"),
    ("closed_to_foreign", "step"), ("domestic_measures", "step"), ("left_to_wages", "step"),
    ("need_from_shortage", "subtotal"), ("seasonal_permits", "step"), ("foreign_need", "subtotal"),
    ("protected", "step"), ("regulated", "step"), ("local_content", "step"),
    ("eligible_need", "subtotal"), ("ceiling_cut", "step"), ("rounding", "step"),
    ("proposal", "subtotal"), ("unused", "step"), ("uptake", "subtotal"),
)


def headline_table(shortage: np.ndarray, open_cells: np.ndarray, stages: dict[str, float],
                   domestic_share: float, foreign_share: float) -> pd.DataFrame:
    """The headline chain from the shortage to the expected uptake.

    Parameters
    ----------
    shortage : ndarray
        Shortage per region x sector x skill cell at the planning quantile.
    open_cells : ndarray of bool
        Which cells may use foreign workers (same shape).
    stages : dict
        Totals of the quota's stages: ``need_from_shortage``, ``foreign_need``, ``after_protected``,
        ``after_regulated``, ``eligible_need`` (each as the lines write it, to 0.1 person),
        ``need_from_shortage_exact`` and ``eligible_exact`` (optional: unrounded), ``allocated``
        (exact), ``proposal`` (whole persons) and ``uptake``.
    domestic_share, foreign_share : float
        The policy's shares.

    Returns
    -------
    DataFrame
        ``item``, ``kind`` and ``persons`` (integers; steps signed), in :data:`HEADLINE_STEPS`
        order.
    """
    shortage = np.asarray(shortage, dtype=float)
    positive = np.clip(shortage, 0.0, None)
    gross = float(positive.sum())
    open_short = float(positive[open_cells].sum())
    # The cut is the exact allocation less the exact eligible need, put on the need as the lines
    # write it (to 0.1 person, whose sum differs from the exact one by rounding); under half a
    # person of cut is none: the rounding step carries it, so a cut never reads +1 where nothing
    # was cut.
    cut = stages["allocated"] - stages.get("eligible_exact", stages["eligible_need"])
    # The lines' rounding of the need from the shortage goes to the domestic measures (tens of
    # thousands of persons), so that the step to wages, zero when every remaining need is open to
    # foreign workers, reads zero.
    drift = stages["need_from_shortage"] - stages.get("need_from_shortage_exact", stages["need_from_shortage"])
    running = {
        "gross_shortage": gross,
        "closed_to_foreign": open_short,
        "domestic_measures": open_short * (1 - domestic_share) + drift,
        "left_to_wages": stages["need_from_shortage"],
        "need_from_shortage": stages["need_from_shortage"],
        "seasonal_permits": stages["foreign_need"],
        "foreign_need": stages["foreign_need"],
        "protected": stages["after_protected"],
        "regulated": stages["after_regulated"],
        "local_content": stages["eligible_need"],
        "eligible_need": stages["eligible_need"],
        "ceiling_cut": stages["eligible_need"] + (cut if abs(cut) >= 0.5 else 0.0),
        "rounding": stages["proposal"],
        "proposal": stages["proposal"],
        "unused": stages["uptake"],
        "uptake": stages["uptake"],
    }
    rows, previous = [], None
    for item, kind in HEADLINE_STEPS:
        if kind == "memo":
            # The net shortage is rounded once, as every other table shows it; the surplus is
            # what takes the rounded gross shortage to it, so the memo lines still add up.
            net = round(gross + float(np.clip(shortage, None, 0.0).sum()))
            value = net - round(gross) if item == "surplus" else net
        else:
            total = round(running[item])
            value = total if kind in ("start", "subtotal") else total - previous
            previous = total
        rows.append({"item": item, "kind": kind, "persons": int(value)})
    return pd.DataFrame(rows)
