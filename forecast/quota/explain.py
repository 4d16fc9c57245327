"""Where each quota line is explained: the type of shortage driver and one plain sentence.

Driver types follow Jobs and Skills Australia's tags, read from the forecast's flows for each
region x sector x skill cell with a positive central shortage:

- **retention gap**: departures (emigration and net moves to other regions) are the largest
  source of openings: workers are trained but leave;
- **suitability gap**: the region has no shortage of this skill level overall (its other sectors
  have more seekers than openings): workers exist but not for this sector, so retraining and
  matching are the answer;
- **long training gap**: a high-skill shortage from growth or retirements: new graduates take four
  years or more, foreign specialists bridge the gap;
- **short training gap**: a medium- or low-skill shortage from growth or retirements: vocational
  training can close it within one or two years.

A line's type is that of the feeding cell with the largest positive shortage; ``no gap`` where no
feeding cell is short. A seasonal line whose need comes from the seasonal permits of recent years
(:mod:`forecast.quota.seasonal`) is explained by those permits instead.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from forecast.inputs.regions import region_codes
from forecast.inputs.schema import CATEGORIES, SKILLS
from forecast.inputs.sectors import sector_codes

DRIVER_TYPES = ("retention gap", "suitability gap", "long training gap", "short training gap",
                "no gap")


def cell_driver_types(table: pd.DataFrame, shortage: np.ndarray | None = None) -> pd.Series:
    """Driver type of each region x sector x skill cell of a shortage table.

    ``shortage`` (default the central ``shortage`` column) decides which cells are short: the
    proposal passes the shortage at its planning quantile, so every line with quota has a type.
    """
    short = pd.Series(table["shortage"] if shortage is None else shortage, index=table.index)
    departures = table["emigration"] + (-table["internal_migration"]).clip(lower=0.0)
    replacement = table["retirements"] + table["deaths"]
    expansion = table["expansion"].clip(lower=0.0)
    region_skill = short.groupby([table["region"], table["skill"]]).transform("sum")
    kind = np.select(
        [short <= 0,
         (departures >= replacement) & (departures >= expansion),
         region_skill <= 0,
         table["skill"] == "high"],
        ["no gap", "retention gap", "suitability gap", "long training gap"],
        default="short training gap")
    return pd.Series(kind, index=table.index)


def driver_types(table: pd.DataFrame, shortage: np.ndarray, feeds: np.ndarray,
                 open_cells: np.ndarray) -> np.ndarray:
    """Driver type per line (region x sector x category order) from its feeding cells, with
    ``shortage`` (per cell, e.g. at the planning quantile) deciding which cells are short."""
    cells = table[["region", "sector", "skill"]].assign(
        shortage=shortage, kind=cell_driver_types(table, shortage))
    full = pd.MultiIndex.from_product([region_codes(), sector_codes(), list(SKILLS)])
    cells = cells.set_index(["region", "sector", "skill"]).reindex(full)
    shape = (len(region_codes()), len(sector_codes()), len(SKILLS))
    shortage = cells["shortage"].fillna(0.0).to_numpy(dtype=float).reshape(shape)
    kinds = cells["kind"].fillna("no gap").to_numpy(dtype=object).reshape(shape)
    usable = feeds[None, None, :, :] & open_cells[None, :, :, None]              # (1, S, K, C)
    score = np.where(usable, shortage[..., None], -np.inf)                      # (R, S, K, C)
    best = score.argmax(axis=2)                                                 # (R, S, C)
    chosen = np.take_along_axis(kinds[..., None].repeat(len(CATEGORIES), axis=-1),
                                best[:, :, None, :], axis=2)[:, :, 0, :]
    positive = np.take_along_axis(score, best[:, :, None, :], axis=2)[:, :, 0, :] > 0
    return np.where(positive, chosen, "no gap").reshape(-1).astype(str)


def line_reasons(out: pd.DataFrame, policy, labels=None) -> pd.Series:
    """One plain sentence per line: what the forecast says and which rule set the number.

    ``labels`` (a :class:`forecast.deliverables.i18n.Labels`) chooses the language; English by default.
    The sentence templates are the ``reason.*`` entries of the label files.
    """
    if labels is None:
        from forecast.deliverables.i18n import Labels

        labels = Labels("en")
    main = out[["expansion", "replacement", "emigration"]].clip(lower=0.0).idxmax(axis=1)
    integer, number = labels.integer, labels.number

    def signed(value: float) -> str:
        return ("+" if value > 0 else "") + integer(value)

    def skills_of(names: str) -> str:
        return "/".join(labels.skill(part) for part in names.split("/")) if names != "-" else names

    pieces = []
    # A loop over rows is fine here: it only assembles text.
    for row, driver in zip(out.itertuples(index=False), main):
        skills = skills_of(row.skills)
        tier = labels.tier(row.tier)
        if row.binding_constraint == "protected sector":
            text = labels("reason.protected", sector=labels.sector(row.sector),
                          shortage=signed(row.shortage))
        elif row.binding_constraint == "not seasonal sector":
            text = labels("reason.not_seasonal")
        elif getattr(row, "need_source", "shortage") == "seasonal permits" and row.quota > 0:
            key = f"reason.bound.{row.binding_constraint}"
            bound = labels(key) if labels.has(key) else ""
            text = labels("reason.seasonal", quota=integer(row.quota),
                          permits=number(row.permits_recent, 1), years=policy.history_years,
                          need=number(row.need, 1), tier=tier,
                          bound=(", " + bound) if bound else "")
        elif row.quota > 0 or row.need > 0.05 or labels.has(f"reason.bound.{row.binding_constraint}"):
            key = f"reason.bound.{row.binding_constraint}"
            bound = labels(key) if labels.has(key) else ""
            text = labels("reason.quota", quota=integer(row.quota), tier=tier,
                          driver_type=labels(f"driver_type.{row.driver_type}"), skills=skills,
                          shortage=integer(row.shortage_planned),
                          main=labels(f"reason.main.{driver}"), expansion=signed(row.expansion),
                          retirements=integer(row.replacement), emigration=integer(row.emigration),
                          graduates=integer(row.graduates), migration=signed(row.migration),
                          domestic=labels.percent(policy.domestic_share, 0),
                          need=number(row.need, 1),
                          bound=(", " + bound) if bound else "")
        elif row.shortage_planned <= 0:
            text = labels("reason.surplus", skills=skills, tier=tier,
                          surplus=integer(-row.shortage_planned))
        else:
            text = labels("reason.small", skills=skills, shortage=integer(row.shortage_planned))
        pieces.append(text)
    return pd.Series(pieces, index=out.index)
