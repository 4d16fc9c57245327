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
feeding cell is short.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from forecast.regions import region_codes
from forecast.schema import CATEGORIES, SKILLS
from forecast.sectors import sector_codes

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


_MAIN_DRIVER = {"expansion": "growth of employment", "replacement": "retirements",
                "emigration": "emigration"}
_BINDING_TEXT = {
    "national ceiling": "cut by the national ceiling, keeping a share weighted by priority and severity",
    "region cap": "cut to the region's cap",
    "sector cap": "cut to the sector's cap",
    "floor": "held at the protected floor",
    "local content": "limited by the local-content rule",
}


def line_reasons(out: pd.DataFrame, policy) -> pd.Series:
    """One plain sentence per line: what the forecast says and which rule set the number."""
    main = out[["expansion", "replacement", "emigration"]].clip(lower=0.0).idxmax(axis=1)
    pieces = []
    # A loop over rows is fine here: it only assembles text.
    for row, driver in zip(out.itertuples(index=False), main):
        skills = row.skills
        if row.binding_constraint == "protected sector":
            text = (f"No quota: {row.sector_name} is closed to foreign workers by the policy "
                    f"(forecast shortage {row.shortage:+,.0f}).")
        elif row.binding_constraint == "not seasonal sector":
            text = "No quota: seasonal permits are not used in this sector."
        elif row.quota > 0 or row.need > 0.05 or row.binding_constraint in _BINDING_TEXT:
            bound = _BINDING_TEXT.get(row.binding_constraint)
            text = (f"{row.quota:,} from abroad ({row.tier}, {row.driver_type}): {skills}-skill "
                    f"openings exceed seekers by {row.shortage_planned:,.0f} at the planning "
                    f"quantile, mainly from {_MAIN_DRIVER[driver]} (growth {row.expansion:+,.0f}, "
                    f"retirements {row.replacement:,.0f}, emigration {row.emigration:,.0f} against "
                    f"{row.graduates:,.0f} graduates and {row.migration:+,.0f} migrants); after "
                    f"the {policy.domestic_share:.0%} domestic measures can close the need is "
                    f"{row.need:,.1f}" + (f", {bound}." if bound else "."))
        elif row.shortage_planned <= 0:
            text = (f"No quota: {skills}-skill workers are forecast in {row.tier} "
                    f"({-row.shortage_planned:,.0f} more seekers than openings at the planning "
                    "quantile).")
        else:
            text = (f"No quota: the {skills}-skill shortage of {row.shortage_planned:,.0f} is small "
                    "enough for domestic measures to close.")
        pieces.append(text)
    return pd.Series(pieces, index=out.index)
