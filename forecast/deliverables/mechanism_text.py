"""What the run's mechanisms say in words: the headline chain as a table, the fee scenario, and
the sentences on uptake, the net shortage and the ceiling (where it cuts most), in the reader's
language, for the report, the workbook and the terminal alike."""

from __future__ import annotations

import pandas as pd

from forecast.deliverables.i18n import Labels


def mechanism_view(info: dict, labels: Labels) -> dict:
    """The headline chain, the fee scenario and the uptake and ceiling texts of a run.

    Reads what :func:`forecast.quota.mechanisms.add_mechanisms` put in the run information;
    returns ``{}`` for a run without it. Keys: ``headline`` (item, persons), ``fee_scenario``,
    ``uptake_text``, ``uptake_caption``, ``net_text`` and ``ceiling_text``.
    """
    if "headline" not in info or "uptake" not in info:
        return {}
    t, uptake, advice = labels, info["uptake"], info.get("ceiling_advice") or {}
    headline = pd.DataFrame(info["headline"])
    headline = pd.DataFrame({"item": headline["item"].map(lambda item: t(f"headline.{item}")),
                             "persons": headline["persons"].astype("int64")})
    scenario = pd.DataFrame(info.get("fee_scenario") or [])
    if len(scenario):
        scenario["scenario"] = scenario["scenario"].map(lambda name: t(f"scenario.{name}"))
        # Here "unmet" is employer demand the quota does not cover, not the need of the back-test.
        scenario = scenario.rename(columns={"employer_demand": "employer_demand_total",
                                            "unmet": "unmet_demand"})
    low, high = uptake["historical_utilisation"]
    share = uptake["utilisation"] if uptake["utilisation"] is not None else 0.0
    view = {
        "headline": headline, "fee_scenario": scenario,
        "uptake_text": t("summary.uptake_detail", utilisation=t.percent(share, 0),
                         unused=t.integer(uptake["expected_unused"]), low=t.percent(low, 0),
                         high=t.percent(high, 0)),
        "uptake_caption": t("caption.uptake", utilisation=t.percent(share, 0),
                            new_share=t.percent(info["policy"].get("new_line_utilisation", 0.6), 0),
                            low=t.percent(low, 0), high=t.percent(high, 0))
        + ("" if uptake.get("fee_model", True) else " " + t("caption.no_wages")),
        "reallocation_text": t("summary.reallocation", moved=t.integer(uptake["moved"])),
        "net_text": None,
        "ceiling_text": None,
    }
    steps = {step["item"]: step["persons"] for step in info["headline"]}
    if "gross_shortage" in steps and "net_shortage" in steps:
        # A net figure below the quota reads as a contradiction unless the page says why.
        view["net_text"] = t("summary.net_note", net=t.integer(steps["net_shortage"]),
                             gross=t.integer(steps["gross_shortage"]),
                             section=t("section.headline"))
    if advice:
        key = "summary.ceiling_advice" if advice["binding"] else "summary.ceiling_fits"
        view["ceiling_text"] = t(key, need=t.integer(advice["eligible_need"]),
                                 ceiling=t.integer(advice["ceiling"]),
                                 excess=t.integer(advice["excess"]),
                                 percent=t.number(advice["percent_needed"] or 0.0, 2),
                                 where=largest_cuts(advice, t))
    return view


def largest_cuts(advice: dict, labels: Labels, top: int = 3) -> str:
    """Where the ceiling cuts most: the ``top`` regions, then the ``top`` sectors, each list
    named (a sector's name may hold a semicolon, so sector names are quoted)."""
    t = labels
    parts = []
    regions = [t.region(r["region"]) for r in advice.get("by_region", [])[:top]]
    sectors = [t("quoted", text=t.sector(r["sector"])) for r in advice.get("by_sector", [])[:top]]
    if regions:
        parts.append(t("cuts.by_region", names=", ".join(regions)))
    if sectors:
        parts.append(t("cuts.by_sector", names=", ".join(sectors)))
    return "; ".join(parts) or "-"
