"""The report's plain-words pieces: the scenario, "how good is this?", why a piece is missing, and
for a run on real data the openings beside the Ministry's 2025-2035 forecast.

The texts come from :func:`forecast.deliverables.backtest_text.run_notes` (``PlannerContent.notes``)
so the report and the workbook print the same sentences.
"""

from __future__ import annotations

import html
import re
from typing import Callable

import pandas as pd

from forecast.deliverables.messages import translate_source
from forecast.inputs.real.references import (MINISTRY_OPENINGS_2025_2035, MINISTRY_TOTAL_2025_2035,
                                             SOURCE_MINISTRY)

# The yearly flows that make the openings, without the unfilled demand carried over (a stock).
OPENING_FLOWS = ("expansion", "retirements", "deaths", "emigration")
YEARS = 10


# A command of the library, or an option with its value, as the texts of the report name them.
COMMAND = re.compile(r"labor-forecast(?: (?:quota|forecast|backtest|validate|real-data|sample-data))?"
                     r"|(?<![\w-])--[a-z][a-z-]*(?: (?:\d+|all))?")


def _esc(value: object) -> str:
    return html.escape(str(value), quote=True)


def prose_html(text: str) -> str:
    """``text`` escaped, with the commands and options it names as code that does not break
    across lines (``labor-`` / ``forecast backtest`` would be copied wrong)."""
    return COMMAND.sub(lambda m: f'<code class="cmd">{m.group(0)}</code>', _esc(text))


def notes_html(notes: dict) -> str:
    """The scenario sentence under the title (nothing for the baseline)."""
    text = (notes.get("scenario") or {}).get("text")
    return f'<p class="meta" id="scenario">{_esc(text)}</p>' if text else ""


def quality_html(notes: dict, t) -> str:
    """The "how good is this?" paragraph of the summary."""
    if not notes.get("quality"):
        return ""
    return f'<h3>{_esc(t("quality.title"))}</h3><p id="quality">{prose_html(notes["quality"])}</p>'


def absent_html(notes: dict, name: str) -> str:
    """How to get the missing optional piece ``name`` (or, for ``backtest_note``, what a
    scenario's back-test scores); empty when there is no note."""
    text = notes.get(name) if name == "backtest_note" else (notes.get("absent") or {}).get(name)
    return f'<p class="absent" id="absent-{name}">{prose_html(text)}</p>' if text else ""


def openings_view(shortage: pd.DataFrame, t) -> pd.DataFrame:
    """Ten years of this run's openings (:data:`OPENING_FLOWS` of the quota year per cell, at
    least 0, x 10) beside
    the Ministry's published 2025-2035 figures, by sector and in all."""
    # A cell shrinking by more than its workers leave hires no one: its openings are zero.
    flows = shortage[list(OPENING_FLOWS)].sum(axis=1).clip(lower=0.0) * YEARS
    by_sector = flows.groupby(shortage["sector"]).sum()
    rows = [{"sector": code, "sector_name": t.sector(code), "openings_10y": round(float(by_sector.get(code, 0.0))),
             "ministry_2025_2035": persons} for code, persons in MINISTRY_OPENINGS_2025_2035.items()]
    rows.append({"sector": "", "sector_name": t("ministry.total"), "openings_10y": round(float(flows.sum())),
                 "ministry_2025_2035": MINISTRY_TOTAL_2025_2035})
    frame = pd.DataFrame(rows)
    frame["openings_ratio"] = (frame["openings_10y"] / frame["ministry_2025_2035"]).round(2)
    return frame


def demand_backtest_text(metrics: pd.DataFrame | None, t) -> str:
    """One sentence on the demand back-test: MASE and interval coverage one step ahead."""
    if metrics is None or metrics.empty:
        return t("absent", what=t("piece.demand_backtest"))
    first = metrics.iloc[0]
    return t("real.demand_backtest", h=first["step"], mase=t.number(float(first["mase"]), 2),
             coverage_80=t.percent(float(first["coverage_80"]), 0),
             coverage_95=t.percent(float(first["coverage_95"]), 0))


def ministry_html(content, table: Callable[..., str]) -> str:
    """The section of a run on real data: openings beside the Ministry's forecast and the demand
    back-test in words; nothing for the synthetic sample."""
    if content.synthetic:
        return ""
    t = content.labels
    view = openings_view(content.shortage, t)
    return (f'<section id="ministry"><h2>{_esc(t("ministry.title"))}</h2>'
            + table(view, t, limit=None, css_id="ministry-openings")
            + f'<p>{_esc(t("ministry.text", year=content.year))}</p>'
            + f'<p class="note">{_esc(t("ministry.source", source=translate_source(SOURCE_MINISTRY, t)))}</p>'
            + f'<p id="real-demand-backtest">{_esc(demand_backtest_text(content.demand_backtest, t))}</p>'
            + "</section>")
