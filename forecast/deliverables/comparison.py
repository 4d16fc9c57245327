"""The scenarios side by side (``quota --compare``), as the report, the workbook and the terminal
show them: scenario names in the chosen language, headings translated (``col.<name>`` labels).
"""

from __future__ import annotations

import pandas as pd

from forecast.deliverables.i18n import Labels

# The comparison's columns in the order a reader wants them.
COLUMNS = ("scenario", "quota", "quota_low", "quota_high", "foreign_need", "ceiling_binding",
           "shortage_lines", "quota_change", "need_change")


def scenario_title(name: str, t: Labels) -> str:
    """The scenario's name in the language (the code where there is no label)."""
    return t(f"scenario_name.{name}") if t.has(f"scenario_name.{name}") else name


def comparison_view(piece, t: Labels):
    """The comparison table with scenario names in the language; anything else unchanged."""
    if not isinstance(piece, pd.DataFrame) or "scenario" not in piece:
        return piece
    out = piece[[c for c in COLUMNS if c in piece] + [c for c in piece if c not in COLUMNS]].copy()
    out["scenario"] = out["scenario"].map(lambda name: scenario_title(str(name), t))
    return out


def comparison_summary(result, lang: str = "en", bold=None) -> str:
    """The terminal table of the scenarios side by side; empty when the run compared none."""
    from forecast.deliverables.console import text_table

    t = Labels(lang)
    frame = getattr(result, "scenarios", None)
    if not isinstance(frame, pd.DataFrame) or frame.empty:
        return ""
    shown = comparison_view(frame, t)
    if "ceiling_binding" in shown:
        shown["ceiling_binding"] = shown["ceiling_binding"].map(t.yes_no)
    title = t("summary.comparison")
    return "\n".join([bold(title) if bold else title] + text_table(shown, None, t))
