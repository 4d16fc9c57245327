"""Where a run's figures come from: its tables' provenance, the tables it lacks, and the
published Kazakhstan figures set beside it, as the report and the workbook show them."""

from __future__ import annotations

import pandas as pd

from forecast.deliverables.i18n import Labels
from forecast.deliverables.messages import table_name, table_names, translate_missing


def data_basis(info: dict, labels: Labels) -> tuple[list[str], list[str]]:
    """What the run's figures rest on, for the summary of every document: the tables and their
    provenance (real, estimated, synthetic) and the missing ones, then what replaces each
    missing table and what that does to the figures (upper bounds, assumed uptake)."""
    t = labels
    lines = []
    if info.get("tables"):
        lines.append(t("summary.tables", tables=", ".join(
            f"{table_name(name, t)} ({t('provenance.' + entry['provenance'])})"
            for name, entry in info["tables"].items())))
    missing = info.get("missing_tables") or {}
    if missing:
        lines.append(t("summary.missing", tables=table_names(list(missing), t)))
    return lines, [translate_missing(text, t) for text in missing.values()]


# What a reference figure rests on, said only where it is so: (table, its provenance then, label
# suffix). The real-data grid is fitted to the employed total; the real labour force table is
# the published one.
REFERENCE_BASIS = {"employed_2024": ("employment", "estimated", "fitted"),
                   "labour_force_2024": ("labour_force", "real", "read")}


def _reference_value(value, ref: dict, labels: Labels) -> str:
    """A published figure or its counterpart as text in its own unit: persons whole, percentages
    with one decimal, so a column mixing the two reads evenly (9.3 and 4.0, not 9.30 and 4)."""
    if value is None or value != value:
        return "-"
    if ref.get("unit") == "%":
        return labels.number(float(value), 1)
    return labels.integer(float(value))


def provenance_view(info: dict, labels: Labels) -> dict:
    """Where the run's tables come from, which are missing, and the published references.

    Keys: ``tables`` (table, provenance, source, detail), ``missing`` (table, instead),
    ``references`` (reference, published, this_run, source), ``synthetic`` (the names of the
    synthetic tables); frames are empty when ``run.json`` has no such block.
    """
    t = labels
    tables = pd.DataFrame([{"table": name, "provenance": t(f"provenance.{entry['provenance']}"),
                            "source": entry.get("source", ""), "detail": entry.get("detail", "")}
                           for name, entry in info.get("tables", {}).items()])
    if "detail" in tables and not tables["detail"].astype(str).str.strip().any():
        tables = tables.drop(columns="detail")  # no table rests on anything worth a column
    missing = pd.DataFrame([{"table": name, "instead": text}
                            for name, text in info.get("missing_tables", {}).items()])
    rows = []
    for ref in info.get("references", []):
        name = ref["reference"]
        if name.startswith("sector_share_"):
            text = t("ref.sector_share", sector=t.sector(name.rsplit("_", 1)[1]))
        elif name.startswith("category_share_"):
            text = t("ref.category_share", category=t.category(name.rsplit("_", 1)[1]))
        elif name.startswith("permits_in_use_"):
            text = t("ref.permits_in_use", year=name.rsplit("_", 1)[1])
        else:
            basis = REFERENCE_BASIS.get(name)
            provenance = (info.get("tables", {}).get(basis[0], {}).get("provenance")
                          if basis else None)
            text = t(f"ref.{name}.{basis[2]}" if basis and provenance == basis[1] else f"ref.{name}")
        rows.append({"reference": text, "published": _reference_value(ref["published"], ref, t),
                     "this_run": _reference_value(ref["this_run"], ref, t), "source": ref["source"]})
    return {"tables": tables, "missing": missing, "references": pd.DataFrame(rows),
            "synthetic": list(info.get("data", {}).get("synthetic_tables", []))}
