"""The HTML report a planner reads and sends on, and the short pages of the other commands.

One self-contained file: styles and charts (inline SVG from :mod:`forecast.deliverables.charts`) are inside,
nothing is fetched from the network and no script runs, so it opens the same offline, in a mail
attachment or printed (a print stylesheet sets A4 pages, keeps charts whole and repeats table
headers). Sections whose results a run did not compute say so instead of showing anything made up.
"""

from __future__ import annotations

import dataclasses
import html
import math
from pathlib import Path

import pandas as pd

from forecast.deliverables import charts
from forecast.deliverables.balance import approved_last_year
from forecast.deliverables.content import PlannerContent, backtest_origins_text
from forecast.deliverables.provenance import data_basis, provenance_view
from forecast.deliverables.backtest_text import document_title
from forecast.deliverables.notes_html import absent_html, ministry_html, notes_html, prose_html, quality_html
from forecast.deliverables.formats import (is_persons, is_share, person_columns, setting_rows,
                                          share_text, small_number, unit_kind)
from forecast.deliverables.hyphenation import hyphenate
from forecast.deliverables.i18n import Labels
from forecast.deliverables.messages import table_names, translate_frame, translate_source, translate_value, translate_warning
from forecast.inputs.sample import NOTICE, notice

_CSS = """
:root{--ink:#1f2937;--muted:#6b7280;--line:#d1d5db;--accent:#0f766e;--warn:#fde68a;--warn-ink:#92400e}
*{box-sizing:border-box}
body{font-family:"Segoe UI","DejaVu Sans",Arial,sans-serif;color:var(--ink);margin:0 auto;
 max-width:72rem;padding:1.5rem;line-height:1.45;font-size:15px}
h1{font-size:1.7rem;margin:.2rem 0}h2{font-size:1.25rem;margin-top:2rem;border-bottom:2px solid var(--accent);
 padding-bottom:.2rem}h3{font-size:1.05rem}
.meta{color:var(--muted);margin:.2rem 0 1rem}
.banner{background:var(--warn);color:var(--warn-ink);border:2px solid var(--warn-ink);padding:.7rem 1rem;
 font-weight:600;margin-bottom:1rem}
.banner small{display:block;font-weight:400}
nav ol{columns:2;margin:.5rem 0;padding-left:1.2rem}nav a{color:var(--accent)}
.figures{display:grid;grid-template-columns:repeat(auto-fit,minmax(11rem,1fr));gap:.6rem;margin:1rem 0}
.figure{border:1px solid var(--line);border-radius:6px;padding:.6rem .8rem}
.figure b{display:block;font-size:1.4rem}.figure span{color:var(--muted);font-size:.85rem}
.figure.range b{font-size:1.1rem;white-space:nowrap;line-height:2.1rem}code.cmd{white-space:nowrap}
.range-note{color:var(--muted);font-size:.85rem;margin-top:-.4rem}
figure.chart{margin:1rem 0}figure.chart svg{width:100%;height:auto;display:block}
figcaption{color:var(--muted);font-size:.85rem;margin-top:.3rem}
.scroll{overflow-x:auto;margin:.6rem 0}
table{border-collapse:collapse;width:100%;font-size:.8rem}
th,td{border-bottom:1px solid var(--line);padding:.25rem .45rem;vertical-align:top}
th{background:#f3f4f6;text-align:left;overflow-wrap:break-word;hyphens:manual}
td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}td.n{white-space:nowrap}
tr.total td{font-weight:700;border-top:2px solid var(--ink)}
.absent{border-left:4px solid var(--muted);padding:.4rem .8rem;color:var(--muted);background:#f9fafb}
.note{color:var(--muted);font-size:.85rem}
.basis{border-left:4px solid var(--accent);padding:.2rem .8rem;margin:.8rem 0;background:#f9fafb}
.basis p{margin:.3rem 0}.basis ul{margin:.2rem 0 .4rem;padding-left:1.2rem}
code{font-size:.8rem;word-break:break-all}
@media print{
 @page{size:A4;margin:14mm 12mm}
 body{max-width:none;padding:0;font-size:10.5pt}
 nav{display:none}
 .banner,th,.figure{-webkit-print-color-adjust:exact;print-color-adjust:exact}
 h2{break-after:avoid}
 figure.chart,.figure,tr{break-inside:avoid}
 thead{display:table-header-group}
 .scroll{overflow:visible}
 table{font-size:7.5pt}th,td{padding:.1rem .2rem}
 a{color:inherit;text-decoration:none}
}
"""

SECTIONS = ("summary", "headline", "uptake", "outlook", "sectors", "map", "regions", "drivers", "ranking", "scenarios",
            "backtest", "policy", "provenance")
TABLE_ROWS = 25


def _esc(value: object) -> str:
    return html.escape(str(value), quote=True)


def _cell(value: object, labels: Labels) -> tuple[str, bool]:
    """Text of one table cell and whether it is a number (right-aligned)."""
    if isinstance(value, bool):
        return labels.yes_no(value), False
    if isinstance(value, int) or (isinstance(value, float) and value.is_integer()):
        return labels.integer(value), True
    if isinstance(value, float):
        if math.isnan(value):
            return "-", True
        # Persons in the hundreds and more read best whole; small rates and scores need decimals,
        # enough to show two significant digits (a rate of 0.004 is not 0.00).
        if abs(value) >= 100:
            return labels.integer(value), True
        return small_number(value, labels), True
    if hasattr(value, "item") and not isinstance(value, str):  # numpy scalars
        return _cell(value.item(), labels)
    if value is None or (not isinstance(value, (list, dict, tuple)) and pd.isna(value)):
        return "-", False
    return str(value), False


# Columns holding calendar years, written without a thousands separator.
YEAR_COLUMNS = ("year", "ds", "cutoff", "origin")


def table_html(frame: pd.DataFrame, labels: Labels, *, total: dict | None = None,
               limit: int | None = TABLE_ROWS, css_id: str | None = None) -> str:
    """A table with translated headings, numbers in the language's notation and an optional totals
    row; longer tables show their first ``limit`` rows and say where the rest is."""
    frame = translate_frame(frame, labels)
    shown = frame if limit is None else frame.head(limit)
    units = ([unit_kind(u, labels) for u in shown["unit"]] if "unit" in frame and "value" in frame
             else None)
    numeric = {c: pd.api.types.is_numeric_dtype(frame[c]) and not pd.api.types.is_bool_dtype(frame[c])
               for c in frame.columns}
    head = "".join(f'<th class="{"n" if numeric[c] else ""}" scope="col">'
                   f"{_esc(hyphenate(labels.column(c), labels.lang))}</th>" for c in frame.columns)
    rows = []
    for row, record in enumerate(shown.itertuples(index=False)):
        cells = []
        for column, value in zip(frame.columns, record):
            text, is_number = _number_cell(column, value, labels, units[row] if units else None)
            if column in YEAR_COLUMNS and is_number and text != "-":
                text = str(int(value))  # a year is a label: no thousands separator
            cells.append(f'<td class="{"n" if is_number else ""}">{_esc(text)}</td>')
        rows.append("<tr>" + "".join(cells) + "</tr>")
    if total is not None:
        cells = [f'<td class="n">{_esc(_number_cell(c, total[c], labels, None)[0])}</td>' if c in total
                 else f"<td>{_esc(labels('total')) if i == 0 else ''}</td>"
                 for i, c in enumerate(frame.columns)]
        rows.append('<tr class="total">' + "".join(cells) + "</tr>")
    more = ""
    if limit is not None and len(frame) > limit:
        more = f'<p class="note">{_esc(labels("table.more", shown=limit, total=len(frame)))}</p>'
    ident = f' id="{css_id}"' if css_id else ""
    # A table wider than the page scrolls inside its box instead of widening the page.
    return (f'<div class="scroll"><table{ident}><thead><tr>{head}</tr></thead>'
            f"<tbody>{''.join(rows)}</tbody></table></div>{more}")


def _basis_html(info: dict, labels: Labels) -> str:
    """The tables the figures rest on and what replaces the missing ones, in the summary: an
    estimated or assumed input is said where the figures are, not only in the provenance."""
    basis, effects = data_basis(info, labels)
    if not basis:
        return ""
    items = "".join(f"<li>{_esc(effect)}</li>" for effect in effects)
    return ('<div class="basis" id="data-basis">' + "".join(f"<p>{_esc(line)}</p>" for line in basis)
            + (f"<ul>{items}</ul>" if items else "") + "</div>")


def _number_cell(column: str, value: object, labels: Labels, unit: str | None) -> tuple[str, bool]:
    """A cell as :func:`_cell`, with shares as percentages: share columns
    (:func:`~forecast.deliverables.formats.is_share`) and indicator values in a share or percent unit."""
    if isinstance(value, (int, float)) and not isinstance(value, bool) and value == value:
        if is_share(column) or (column == "value" and unit == "share"):
            return share_text(float(value), labels), True
        if column == "value" and unit == "percent":
            return share_text(float(value) / 100, labels), True
        if is_persons(column):
            return labels.integer(value), True
    return _cell(value, labels)


def _settings_html(settings: dict, labels: Labels) -> str:
    """A policy or assumptions mapping as a table of readable names and values."""
    rows = setting_rows(settings, labels)
    frame = pd.DataFrame({"setting": [name for name, _ in rows],
                          "value": [_cell(value, labels)[0] for _, value in rows]})
    return table_html(frame, labels, limit=None)


def _absent(labels: Labels, what: str) -> str:
    return f'<p class="absent">{prose_html(labels("absent", what=labels(what)))}</p>'


def figure_html(name: str, svg: str, caption: str) -> str:
    """A chart's SVG in its ``<figure>``, with its caption (its first sentence read aloud)."""
    svg = svg.replace("<svg", f'<svg role="img" aria-label="{_esc(caption.split(". ")[0])}"', 1)
    return (f'<figure class="chart" id="chart-{name}" data-chart="{name}">{svg}'
            f"<figcaption>{prose_html(caption)}</figcaption></figure>")


def _piece_html(piece, labels: Labels) -> str:
    """Render an optional result whatever its shape: a table, a list of records, a mapping of
    values or of tables, or a dataclass of those."""
    if dataclasses.is_dataclass(piece) and not isinstance(piece, type):
        piece = {f.name: getattr(piece, f.name) for f in dataclasses.fields(piece)}
    if isinstance(piece, pd.DataFrame):
        return table_html(piece, labels)
    if isinstance(piece, list) and piece and all(isinstance(item, dict) for item in piece):
        return table_html(pd.DataFrame(piece), labels)
    if isinstance(piece, dict):
        scalars = {k: v for k, v in piece.items()
                   if not isinstance(v, (dict, list, pd.DataFrame)) and not dataclasses.is_dataclass(v)}
        parts = []
        if scalars:
            frame = pd.DataFrame({"item": [labels.column(k) for k in scalars],
                                  "value": [_number_cell(str(k), translate_value(str(k), v, labels),
                                                         labels, None)[0]
                                            for k, v in scalars.items()]})
            parts.append(table_html(frame, labels, limit=None))
        for key, value in piece.items():
            if key not in scalars:
                parts.append(f"<h3>{_esc(labels.column(str(key)))}</h3>{_piece_html(value, labels)}")
        return "".join(parts)
    if isinstance(piece, (list, dict)) and not piece:
        return f'<p class="note">{_esc(labels("none"))}</p>'
    if isinstance(piece, list):
        return "<ul>" + "".join(f"<li>{_esc(item)}</li>" for item in piece) + "</ul>"
    return f"<p>{_esc(piece)}</p>"


def page_html(title: str, body: str, labels: Labels, synthetic: bool | list[str]) -> str:
    """``synthetic``: whether synthetic tables fed the page, or their names (then named)."""
    banner = ""
    if synthetic:
        named = (f"<small>{_esc(labels('banner.tables', tables=table_names(synthetic, labels)))}</small>"
                 if isinstance(synthetic, list) else "")
        banner = (f'<div class="banner" id="synthetic-banner" role="note">{_esc(labels("banner"))}'
                  f"{named}<small>{_esc(notice(labels.lang))}</small></div>")
    return (f'<!DOCTYPE html>\n<html lang="{labels.lang}"><head><meta charset="utf-8">'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>{_esc(title)}</title><style>{_CSS}</style></head>\n<body>\n{banner}\n{body}\n"
            f"</body></html>\n")


def render_report(content: PlannerContent) -> str:
    """The report of one run as an HTML document."""
    t = content.labels
    info = content.info
    totals = info["totals"]
    parts = [f"<header><h1>{_esc(document_title(content))}</h1>"
             f'<p class="meta">{_esc(t("report.meta", origin=content.origin, version=info["version"], created=info["created"]))}</p>'
             + notes_html(content.notes) + "</header>"]
    parts.append("<nav><ol>" + "".join(f'<li><a href="#{s}">{_esc(t("section." + s))}</a></li>'
                                       for s in SECTIONS) + "</ol></nav>")

    range_card = (f"{t.integer(totals['quota_low'])} – {t.integer(totals['quota_high'])}", t("fig.range_card"))
    figures = [
        (t.integer(totals["quota"]), t("fig.quota")), range_card,
        (t.integer(totals["cap"]), t("fig.cap_binding") if totals["cap_binding"] else t("fig.cap")),
        (t.integer(totals["foreign_need"]), t("fig.need")),
        (t.integer(content.notes["net_shortage"]), t("fig.net_shortage", year=content.year)),
    ]
    last = approved_last_year(info)
    if last is not None:
        figures.insert(2, (t.integer(last["total"]), t("fig.last_year", year=last["year"])))
    view = content.mechanisms
    if view:
        uptake = info["uptake"]
        figures[2:2] = [(t.integer(uptake["expected_uptake"]), t("fig.uptake")),
                        (t.integer(uptake["expected_unused"]), t("fig.unused"))]
    cards = "".join(f'<div class="figure{" range" if card is range_card else ""}">'
                    f'<b>{_esc(card[0])}</b><span>{_esc(card[1])}</span></div>' for card in figures)
    # The synthetic-data warning is the banner at the top of the page: not repeated here.
    warnings = "".join(f"<li>{_esc(translate_warning(w, t))}</li>" for w in info.get("warnings", [])
                       if not (content.synthetic and w.startswith(NOTICE)))
    parts.append(f'<section id="summary"><h2>{_esc(t("section.summary"))}</h2>'
                 f'<div class="figures">{cards}</div>'
                 # What the range is takes a sentence: below the cards, not in one of them.
                 f'<p class="range-note">{_esc(_range_label(info, t).capitalize())}.</p>'
                 f'<p>{_esc(t("summary.text", cap_percent=t.number(info["policy"]["cap_percent_of_labour_force"], 2), labour_force=t.integer(totals["labour_force"])))}</p>'
                 + "".join(f"<p>{_esc(view[key])}</p>" for key in ("net_text", "uptake_text", "ceiling_text")
                           if view.get(key))
                 + _basis_html(info, t)
                 + quality_html(content.notes, t)
                 + (f"<h3>{_esc(t('warnings'))}</h3><ul>{warnings}</ul>" if warnings else "")
                 + "</section>")
    parts.append(_mechanism_sections(view, t))

    q = content.shortage_quantiles
    parts.append(f'<section id="outlook"><h2>{_esc(t("section.outlook"))}</h2>'
                 + figure_html("fan", charts.fan_chart(content),
                               t("caption.fan" if content.history["vacancies"].notna().any()
                                 else "caption.fan_without_vacancies", origin=content.origin,
                                 year=content.year, p05=t.integer(q["p05"]), p95=t.integer(q["p95"])))
                 + "</section>")

    by_sector = content.by_sector.sort_values(["quota", "sector"], ascending=[False, True])
    parts.append(f'<section id="sectors"><h2>{_esc(t("section.sectors"))}</h2>'
                 + figure_html("sectors", charts.sectors_chart(content), t("caption.sectors"))
                 + table_html(by_sector.drop(columns=["intensity"]), t, limit=None,
                              total=by_sector[person_columns(by_sector)].sum().to_dict())
                 + "</section>")

    parts.append(f'<section id="map"><h2>{_esc(t("section.map"))}</h2>'
                 + figure_html("map", charts.tile_map(content), t("caption.map_planned")) + "</section>")

    regions = content.by_region.drop(columns=["tile_row", "tile_col", "intensity"])
    has_status_quo = "status_quo" in regions and regions["status_quo"].notna().any()
    region_total = regions[person_columns(regions)].sum().to_dict()
    parts.append(f'<section id="regions"><h2>{_esc(t("section.regions"))}</h2>'
                 + figure_html("regions", charts.regions_chart(content),
                           t("caption.regions") if has_status_quo else t("caption.regions_no_sq"))
                 + ("" if has_status_quo else _absent(t, "piece.status_quo"))
                 + table_html(regions, t, limit=None, total=region_total) + "</section>")

    parts.append(f'<section id="drivers"><h2>{_esc(t("section.drivers"))}</h2>'
                 + figure_html("drivers", charts.waterfall(content),
                           t("caption.drivers", year=content.year) + " " + _planned_note(content, t))
                 + "</section>")

    for name in ("ranking", "scenarios"):
        piece = content.pieces.get(name)
        parts.append(f'<section id="{name}"><h2>{_esc(t("section." + name))}</h2>'
                     + (_piece_html(piece, t) if piece is not None
                        else _absent(t, "piece." + name) + absent_html(content.notes, name))
                     + "</section>")

    backtest = [f'<section id="backtest"><h2>{_esc(t("section.backtest"))}</h2>']
    if content.demand_backtest is not None:
        backtest.append(figure_html("backtest", charts.backtest_chart(content.demand_backtest, t),
                                f'{t("caption.backtest")} {backtest_origins_text(content)}'.strip()))
        backtest.append(table_html(content.demand_backtest, t, limit=None))
    else:
        backtest.append(_absent(t, "piece.demand_backtest"))
    backtest.append(f"<h3>{_esc(t('piece.quota_backtest'))}</h3>")
    piece = content.pieces.get("quota_backtest")
    backtest.append(_piece_html(piece, t) if piece is not None
                    else _absent(t, "piece.quota_backtest") + absent_html(content.notes, "quota_backtest"))
    backtest.append(absent_html(content.notes, "backtest_note"))
    piece = content.pieces.get("indicators")
    backtest.append(f"<h3>{_esc(t('piece.indicators'))}</h3>")
    backtest.append(_piece_html(piece, t) if piece is not None else _absent(t, "piece.indicators"))
    parts.append("".join(backtest) + "</section>")

    parts.append(ministry_html(content, table_html))
    parts.append(f'<section id="policy"><h2>{_esc(t("section.policy"))}</h2>'
                 f"<h3>{_esc(t('policy.rules'))}</h3>{_settings_html(info['policy'], t)}"
                 f"<h3>{_esc(t('policy.assumptions'))}</h3>{_settings_html(info['assumptions'], t)}"
                 "</section>")

    data = info["data"]
    files = pd.DataFrame(sorted(data["sha256"].items()), columns=["file", "sha256"])
    models = pd.DataFrame(sorted(info["models"]["chosen"].items()), columns=["model", "series"])
    facts = {"source": translate_source(data["source"], t), "synthetic_sample": data["synthetic_sample"],
             "years": f"{data['first_year']}–{data['last_year']}", "seed": info["seed"],
             "version": info["version"]}
    parts.append(f'<section id="provenance"><h2>{_esc(t("section.provenance"))}</h2>'
                 f"{_piece_html(facts, t)}<h3>{_esc(t('provenance.files'))}</h3>"
                 f"{table_html(files, t, limit=None)}<h3>{_esc(t('provenance.models'))}</h3>"
                 f"{table_html(models, t, limit=None)}"
                 + (f'<p id="models">{_esc(content.notes["models"])}</p>'
                    if content.notes.get("models") else "")
                 + f"{_provenance_tables(info, t)}"
                 f"<p class=\"note\">{_esc(t('provenance.note'))}</p></section>")
    return page_html(document_title(content), "\n".join(parts), t,
                 (list(data.get("synthetic_tables") or []) or True) if content.synthetic else False)


def _provenance_tables(info: dict, t: Labels) -> str:
    """Each table's provenance, the missing tables and the published references, as HTML."""
    view = provenance_view(info, t)
    out = ""
    for key in ("tables", "missing", "references"):
        if len(view[key]):
            out += (f'<h3 id="provenance-{key}">{_esc(t("provenance." + key))}</h3>'
                    + table_html(view[key], t, limit=None))
    return out


def _mechanism_sections(view: dict, t: Labels) -> str:
    """The headline chain and the uptake, reallocation and fee section."""
    if not view:
        return "".join(f'<section id="{name}"><h2>{_esc(t("section." + name))}</h2>'
                       f'{_absent(t, "section." + name)}</section>' for name in ("headline", "uptake"))
    headline = (f'<section id="headline"><h2>{_esc(t("section.headline"))}</h2>'
                f'<p class="note">{_esc(t("caption.headline"))}</p>'
                + table_html(view["headline"], t, limit=None) + "</section>")
    uptake = (f'<section id="uptake"><h2>{_esc(t("section.uptake"))}</h2>'
              f'<p>{_esc(view["uptake_caption"])}</p><p>{_esc(view["reallocation_text"])}</p>'
              + table_html(view["fee_scenario"], t, limit=None) + "</section>")
    return headline + uptake


def _planned_note(content: PlannerContent, t: Labels) -> str:
    """How the drivers' central shortage and the one the quota is planned on relate."""
    central, planned = (t.integer(content.shortage_quantiles[k]) for k in ("central", "planned"))
    if planned == central:
        return t("caption.drivers_planned_central", central=central)
    return t("caption.drivers_planned", central=central, planned=planned,
             quantile=round(100 * float(content.info["policy"].get("planning_quantile", 0.5))))


def _range_label(info: dict, t: Labels) -> str:
    """The range card's label; it names the ceiling when the high proposal reaches it, so that
    the upper end sits close to the central quota however far the shortage could rise."""
    high = (info.get("proposals") or {}).get("quota_high")
    if high is not None and high >= info["totals"]["cap"]:
        return t("fig.range_ceiling", cap=t.integer(info["totals"]["cap"]))
    return t("fig.range")


def write_report(path: Path, content: PlannerContent) -> None:
    """Write the report of one run to ``path`` (UTF-8)."""
    Path(path).write_text(render_report(content), encoding="utf-8")
