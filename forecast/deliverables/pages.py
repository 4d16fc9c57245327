"""The short HTML pages of ``labor-forecast forecast`` (``shortage.html``) and ``labor-forecast
backtest`` (``backtest.html``), in the report's style and languages."""

from __future__ import annotations

import html

import pandas as pd

from forecast.deliverables import charts
from forecast.deliverables.i18n import Labels
from forecast.deliverables.report import figure_html, page_html, table_html


def _text(value: object) -> str:
    return html.escape(str(value), quote=True)


def forecast_page(result, synthetic: bool, lang: str = "en", top: int = 20) -> str:
    """The short page of ``labor-forecast forecast``: tiers, regions and the largest shortages."""
    t = Labels(lang)
    table = result.table
    tiers = table["tier"].value_counts().reindex(["severe shortage", "shortage", "balance", "surplus"],
                                                  fill_value=0)
    tier_frame = pd.DataFrame({"tier": [t.tier(k) for k in tiers.index], "cells": tiers.to_numpy()})
    skilled = table[table["skill"].isin(["high", "medium"])]
    regions = skilled.groupby("region", as_index=False)[["demand", "openings", "seekers", "shortage"]].sum()
    regions.insert(1, "region_name", regions["region"].map(t.region))
    largest = table.sort_values(["shortage", "region", "sector", "skill"],
                                ascending=[False, True, True, True]).head(top)
    largest = largest[["region", "sector", "skill", "demand", "openings", "seekers", "shortage",
                       "shortage_p05", "shortage_p95", "tier"]].copy()
    largest.insert(1, "region_name", largest["region"].map(t.region))
    largest.insert(3, "sector_name", largest["sector"].map(t.sector))
    largest["skill"] = largest["skill"].map(t.skill)
    largest["tier"] = largest["tier"].map(t.tier)
    body = (f"<h1>{_text(t('forecast.title', year=result.year))}</h1>"
            f'<p class="meta">{_text(t("forecast.meta", origin=result.origin, cells=len(table)))}</p>'
            f"<h2>{_text(t('forecast.tiers'))}</h2>{table_html(tier_frame, t, limit=None)}"
            f"<h2>{_text(t('forecast.regions'))}</h2>"
            + table_html(regions, t, limit=None, total=regions[["demand", "openings", "seekers", "shortage"]].sum().to_dict())
            + f"<h2>{_text(t('forecast.largest', top=top))}</h2>{table_html(largest, t, limit=None)}"
            f'<p class="note">{_text(t("forecast.note"))}</p>')
    return page_html(t("forecast.title", year=result.year), body, t, synthetic)


def backtest_page(metrics: pd.DataFrame, h: int, windows: int, synthetic: bool, lang: str = "en") -> str:
    """The short page of ``labor-forecast backtest``: accuracy by horizon, as chart and table."""
    t = Labels(lang)
    body = (f"<h1>{_text(t('backtest.title'))}</h1>"
            f'<p class="meta">{_text(t("backtest.meta", h=h, windows=windows))}</p>'
            + figure_html("backtest", charts.backtest_chart(metrics, t), t("caption.backtest"))
            + table_html(metrics, t, limit=None))
    return page_html(t("backtest.title"), body, t, synthetic)
