"""The quota workbook (``quota.xlsx``) planners open, edit and send on.

Sheets: summary, quota by region, by sector, the full detail with reasons, the shortage forecast
with its drivers, the ranking, the scenarios, the back-test, indicators, the policy used and the
data sources. Every table has a styled, frozen header row, an autofilter, number formats and
column widths; quota tables end in a totals row whose ``SUBTOTAL`` formulas follow the filter.

The file is deterministic (:mod:`~forecast.deliverables.stable_xlsx`): the same inputs give the
same bytes.
"""

from __future__ import annotations

import dataclasses
import math
from datetime import datetime
from pathlib import Path

import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from forecast.deliverables.backtest_text import document_title
from forecast.deliverables.balance import approved_last_year
from forecast.deliverables.content import PlannerContent, backtest_origins_text
from forecast.deliverables.provenance import data_basis, provenance_view
from forecast.deliverables.stable_xlsx import save_stable
from forecast.deliverables.outputs import safe_text
from forecast.deliverables.cell_values import (DECIMAL, INTEGER, column_format, plain_numbers,
                                              plain_value, unit_value)
from forecast.deliverables.formats import PERCENT, is_share, person_columns, setting_rows, unit_kind
from forecast.deliverables.i18n import Labels
from forecast.deliverables.messages import (model_name, table_names, translate_frame,
                                            translate_source, translate_value, translate_warning)
from forecast.inputs.sample import notice

HEADER_FILL = PatternFill("solid", fgColor="0F766E")
HEADER_FONT = Font(bold=True, color="FFFFFF")
TITLE_FONT = Font(bold=True, size=14)
BANNER_FILL = PatternFill("solid", fgColor="FDE68A")
TOTAL_FONT = Font(bold=True)
TOTAL_BORDER = Border(top=Side(style="medium", color="1F2937"))
NOTE_FONT = Font(italic=True, color="6B7280")
SHARE = PERCENT
# Columns holding persons are shown as whole numbers; shares, rates and coverages (declared in
# forecast.deliverables.formats.SHARE_COLUMNS) as percentages.
WIDE_TEXT = {"reason": 90, "sha256": 68}
# Texts longer than LONG_TEXT are wrapped: a note over NOTE_COLUMNS columns at about NOTE_LINE
# characters a line, a table's cell within its column (at most MAX_WIDTH characters wide).
LONG_TEXT, NOTE_COLUMNS, NOTE_LINE, MAX_WIDTH = 150, 10, 110, 50
LINE_HEIGHT = 15  # points


def _table(sheet: Worksheet, frame: pd.DataFrame, labels: Labels, *, start_row: int = 1,
           totals: tuple[str, ...] = (), ratio: tuple[str, str, str] | None = None) -> int:
    """Write ``frame`` as a formatted table from ``start_row``; return the next free row.

    ``totals`` names the columns summed in a totals row (``SUBTOTAL(109, ...)``, which ignores
    rows hidden by the filter); ``ratio`` = (column, numerator, denominator) adds a ratio to it.
    """
    frame = translate_frame(frame, labels)
    columns = list(frame.columns)
    # Indicator tables carry a unit per row: shares and percentages get a percent format.
    units = ([unit_kind(u, labels) for u in frame["unit"]] if "unit" in frame and "value" in frame
             else None)
    for j, column in enumerate(columns, start=1):
        cell = sheet.cell(row=start_row, column=j, value=safe_text(labels.column(column)))
        cell.font, cell.fill = HEADER_FONT, HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="center")
    formats = {c: column_format(c, frame[c]) for c in columns}
    wrap = Alignment(wrap_text=True, vertical="top")
    for j, column in enumerate(columns, start=1):
        numbers = None if units and column == "value" else plain_numbers(frame[column])
        if numbers is not None:  # no unit, no text: the values and one format for the column
            number_format = formats[column]
            for i, value in enumerate(numbers, start=start_row + 1):
                cell = sheet.cell(row=i, column=j, value=value)
                if number_format:
                    cell.number_format = number_format
            continue
        for i, value in enumerate(frame[column], start=start_row + 1):
            unit = units[i - start_row - 1] if units else None
            value, number_format = unit_value(column, value, unit, formats[column])
            cell = sheet.cell(row=i, column=j, value=plain_value(value))
            if number_format:
                cell.number_format = number_format
            if column in WIDE_TEXT:
                cell.alignment = wrap
            elif isinstance(value, str) and len(value) > LONG_TEXT:
                cell.alignment = wrap
                height = LINE_HEIGHT * math.ceil(len(value) / MAX_WIDTH)
                sheet.row_dimensions[i].height = max(sheet.row_dimensions[i].height or 0, height)
    last = start_row + len(frame)
    if start_row == 1:
        sheet.freeze_panes = "A2"
    if len(frame):
        sheet.auto_filter.ref = f"A{start_row}:{get_column_letter(len(columns))}{last}"
    next_row = last + 1
    if totals and len(frame):
        row = next_row
        sheet.cell(row=row, column=1, value=labels("total"))
        for j, column in enumerate(columns, start=1):
            letter = get_column_letter(j)
            if column in totals:
                cell = sheet.cell(row=row, column=j,
                                  value=f"=SUBTOTAL(109,{letter}{start_row + 1}:{letter}{last})")
                cell.number_format = formats[column] or INTEGER
            elif ratio and column == ratio[0]:
                num = get_column_letter(columns.index(ratio[1]) + 1)
                den = get_column_letter(columns.index(ratio[2]) + 1)
                cell = sheet.cell(row=row, column=j, value=f'=IF({den}{row}=0,0,{num}{row}/{den}{row})')
                cell.number_format = formats[column] or SHARE
        for j in range(1, len(columns) + 1):
            sheet.cell(row=row, column=j).font = TOTAL_FONT
            sheet.cell(row=row, column=j).border = TOTAL_BORDER
        next_row = row + 1
    _widths(sheet, frame, labels)
    return next_row + 1


def _widths(sheet: Worksheet, frame: pd.DataFrame, labels: Labels) -> None:
    """Column widths from the longest heading word or value, within sensible limits."""
    for j, column in enumerate(frame.columns, start=1):
        letter = get_column_letter(j)
        if column in WIDE_TEXT:
            width = WIDE_TEXT[column]
        else:
            values = frame[column].head(500).map(lambda v: len(f"{v:,.1f}") if isinstance(v, float) else len(str(v)))
            longest_value = int(values.max()) if len(values) else 0
            heading = max((len(word) for word in labels.column(column).split()), default=8)
            width = min(max(longest_value, heading, 8) + 2, MAX_WIDTH)
        current = sheet.column_dimensions[letter].width or 0
        sheet.column_dimensions[letter].width = max(width, current if current != 13 else 0)


def _note(sheet: Worksheet, row: int, text: str, *, fill: PatternFill | None = None,
          font: Font = NOTE_FONT) -> int:
    cell = sheet.cell(row=row, column=1, value=safe_text(text))
    cell.font = font
    if fill is not None:
        cell.fill = fill
    if len(str(text)) > LONG_TEXT:
        # A paragraph: spread over the first columns and wrapped, with a row tall enough for
        # it (a spreadsheet does not size merged rows itself).
        sheet.merge_cells(start_row=row, start_column=1, end_row=row, end_column=NOTE_COLUMNS)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        sheet.row_dimensions[row].height = LINE_HEIGHT * math.ceil(len(str(text)) / NOTE_LINE)
    return row + 1


def _write_piece(sheet: Worksheet, piece, labels: Labels, row: int) -> int:
    """Write an optional result whatever shape the run gave it: a table, records, a mapping of
    values or of tables, or a dataclass of those; return the next free row."""
    if dataclasses.is_dataclass(piece) and not isinstance(piece, type):
        piece = {f.name: getattr(piece, f.name) for f in dataclasses.fields(piece)}
    if isinstance(piece, pd.DataFrame):
        return _table(sheet, piece.reset_index(drop=True), labels, start_row=row)
    if isinstance(piece, list) and piece and all(isinstance(item, dict) for item in piece):
        return _table(sheet, pd.DataFrame(piece), labels, start_row=row)
    if isinstance(piece, dict):
        nested = (dict, list, pd.DataFrame)
        scalars = {k: v for k, v in piece.items()
                   if not isinstance(v, nested) and not dataclasses.is_dataclass(v)}
        if scalars:
            frame = pd.DataFrame({"item": [labels.column(str(k)) for k in scalars],
                                  "value": [plain_value(translate_value(str(k), v, labels))
                                            for k, v in scalars.items()]}).astype({"value": object})
            row = _table(sheet, frame, labels, start_row=row)
            for r, key in enumerate(scalars, start=row - len(scalars) - 1):
                if is_share(str(key)) and isinstance(scalars[key], (int, float)):
                    sheet.cell(row=r, column=2).number_format = PERCENT
        if not piece:
            return _note(sheet, row, labels("none")) + 1
        for key, value in piece.items():
            if key not in scalars:
                row = _note(sheet, row, labels.column(str(key)), font=TOTAL_FONT)
                row = _write_piece(sheet, value, labels, row)
        return row
    return _note(sheet, row, str(piece)) + 1


def _summary(sheet: Worksheet, content: PlannerContent) -> None:
    t, info = content.labels, content.info
    totals = info["totals"]
    row = _note(sheet, 1, document_title(content), font=TITLE_FONT)
    # No run time stamp here: the workbook must be the same for the same inputs.
    row = _note(sheet, row, t("wb.meta", origin=content.origin, version=info["version"]))
    if content.notes.get("scenario", {}).get("text"):
        row = _note(sheet, row, content.notes["scenario"]["text"], font=TOTAL_FONT)
    if content.synthetic:
        row = _note(sheet, row, t("banner"), fill=BANNER_FILL, font=Font(bold=True, color="92400E"))
        row = _note(sheet, row, notice(t.lang), fill=BANNER_FILL, font=Font(color="92400E"))
        if info["data"].get("synthetic_tables"):
            row = _note(sheet, row, t("banner.tables", tables=table_names(info["data"]["synthetic_tables"], t)),
                        fill=BANNER_FILL, font=Font(color="92400E"))
    items = pd.DataFrame({
        "item": [t("fig.quota"), t("wb.quota_low"), t("wb.quota_high"), t("fig.need"), t("fig.cap"),
                 t("wb.cap_binding"), t("wb.labour_force"), t("fig.net_shortage", year=content.year),
                 t("wb.year"), t("wb.origin"), t("wb.synthetic")],
        "value": [totals["quota"], totals["quota_low"], totals["quota_high"], totals["foreign_need"],
                  totals["cap"], t.yes_no(totals["cap_binding"]), totals["labour_force"],
                  round(content.notes["net_shortage"]), content.year, content.origin,
                  t.yes_no(content.synthetic)],
    })
    if "uptake" in info:
        uptake = info["uptake"]
        extra = pd.DataFrame({"item": [t("fig.uptake"), t("fig.unused"), t("col.moved")],
                              "value": [uptake["expected_uptake"], uptake["expected_unused"],
                                        uptake["moved"]]})
        items = pd.concat([items.iloc[:4], extra, items.iloc[4:]], ignore_index=True)
    last = approved_last_year(info)
    if last is not None:
        extra = pd.DataFrame({"item": [t("fig.last_year", year=last["year"])], "value": [last["total"]]})
        items = pd.concat([items.iloc[:1], extra, items.iloc[1:]], ignore_index=True)
    start = row + 1
    next_row = _table(sheet, items.astype({"value": object}), t, start_row=start)
    # Persons get thousands separators; the last three items (years, a flag) do not.
    for r in range(start + 1, start + 1 + len(items) - 3):
        sheet.cell(row=r, column=2).number_format = INTEGER
    sheet.freeze_panes = f"A{start + 1}"
    row = next_row
    for key in ("net_text", "uptake_text", "ceiling_text"):
        if content.mechanisms.get(key):
            row = _note(sheet, row, content.mechanisms[key])
    basis, effects = data_basis(info, t)
    for line in basis:
        row = _note(sheet, row, line)
    for effect in effects:
        row = _note(sheet, row, f"• {effect}")  # a leading "-" would read as a formula
    if content.notes.get("quality"):
        row = _note(sheet, row + 1, t("quality.title"), font=TOTAL_FONT)
        row = _note(sheet, row, content.notes["quality"])
    for name, reason in content.notes.get("absent", {}).items():  # why a sheet is empty
        row = _note(sheet, row, f'{t("absent", what=t(f"piece.{name}"))} {reason}')
    warnings = info.get("warnings", [])
    if warnings:
        row = _note(sheet, row + 1, t("warnings"), font=TOTAL_FONT)
        for warning in warnings:
            row = _note(sheet, row, translate_warning(warning, t))
    sheet.column_dimensions["A"].width = 48
    sheet.column_dimensions["B"].width = 18


def _headline(sheet: Worksheet, content: PlannerContent) -> None:
    """The chain from the shortage to the permits used, and the fee scenario."""
    t, view = content.labels, content.mechanisms
    if not view:
        _absent(sheet, t, "section.headline")
        return
    row = _note(sheet, 1, t("section.headline"), font=TOTAL_FONT)
    row = _note(sheet, row, t("caption.headline"))
    row = _table(sheet, view["headline"], t, start_row=row + 1)
    row = _note(sheet, row + 1, t("section.uptake"), font=TOTAL_FONT)
    row = _note(sheet, row, view["uptake_caption"])
    row = _note(sheet, row, view["reallocation_text"])
    _table(sheet, view["fee_scenario"], t, start_row=row + 1)
    sheet.column_dimensions["A"].width = 60


def _reference_numbers(sheet: Worksheet, first_row: int, references: list[dict]) -> None:
    """The published figures and this run's counterparts as numbers, not the report's texts:
    persons whole, percentages with one decimal (the references' rows from ``first_row``)."""
    for r, ref in enumerate(references, start=first_row):
        for column, key in ((2, "published"), (3, "this_run")):
            value = ref.get(key)
            if value is None or value != value:
                continue  # shown as "-"
            cell = sheet.cell(row=r, column=column, value=float(value))
            cell.number_format = DECIMAL if ref.get("unit") == "%" else INTEGER


def _absent(sheet: Worksheet, labels: Labels, what: str, row: int = 1) -> int:
    return _note(sheet, row, labels("absent", what=labels(what)))


def write_workbook(path: Path, content: PlannerContent) -> None:
    """Write the workbook of one run to ``path``."""
    t = content.labels
    book = Workbook()
    summary = book.active
    summary.title = t("sheet.summary")
    _summary(summary, content)
    _headline(book.create_sheet(t("sheet.headline")), content)

    region = content.by_region.drop(columns=["tile_row", "tile_col"])
    # The same columns are summed as in the report's tables: every column counting persons.
    _table(book.create_sheet(t("sheet.regions")), region, t, totals=tuple(person_columns(region)),
           ratio=("intensity", "net_shortage", "demand"))
    _table(book.create_sheet(t("sheet.sectors")), content.by_sector, t,
           totals=tuple(person_columns(content.by_sector)),
           ratio=("intensity", "net_shortage", "demand"))
    _table(book.create_sheet(t("sheet.detail")), content.detail, t,
           totals=tuple(c for c in ("quota", "quota_low", "quota_high", "need", "need_low",
                                    "need_high", "eligible_need", "employer_demand",
                                    "expected_uptake", "expected_unused", "reallocated")
                        if c in content.detail))
    flows = ("demand", "expansion", "retirements", "deaths", "emigration", "immigration",
             "internal_migration", "graduates", "unemployed", "openings", "seekers", "shortage")
    _table(book.create_sheet(t("sheet.shortage")), content.shortage, t,
           totals=tuple(c for c in flows if c in content.shortage))

    for name in ("ranking", "scenarios"):
        sheet = book.create_sheet(t(f"sheet.{name}"))
        piece = content.pieces.get(name)
        if piece is None:
            _absent(sheet, t, f"piece.{name}")
        else:
            _write_piece(sheet, piece, t, 1)

    sheet = book.create_sheet(t("sheet.backtest"))
    row = _note(sheet, 1, t("quality.title"), font=TOTAL_FONT)
    row = _note(sheet, row, content.notes.get("quality", ""))
    if content.notes.get("backtest_note"):
        row = _note(sheet, row, content.notes["backtest_note"])
    row = _note(sheet, row + 1, t("piece.demand_backtest"), font=TOTAL_FONT)
    if content.demand_backtest is not None:
        row = _note(sheet, row, backtest_origins_text(content))
        row = _table(sheet, content.demand_backtest, t, start_row=row)
    else:
        row = _absent(sheet, t, "piece.demand_backtest", row) + 1
    for name in ("quota_backtest", "indicators"):
        row = _note(sheet, row, t(f"piece.{name}"), font=TOTAL_FONT)
        piece = content.pieces.get(name)
        reason = content.notes.get("absent", {}).get(name)
        row = (_write_piece(sheet, piece, t, row) if piece is not None
               else _note(sheet, _absent(sheet, t, f"piece.{name}", row), reason) + 1 if reason
               else _absent(sheet, t, f"piece.{name}", row) + 1)

    sheet = book.create_sheet(t("sheet.policy"))
    info = content.info
    settings = pd.DataFrame(
        [(t("policy.rules"), key, value) for key, value in setting_rows(info["policy"], t)]
        + [(t("policy.assumptions"), key, value) for key, value in setting_rows(info["assumptions"], t)],
        columns=["group", "setting", "value"]).astype({"value": object})
    _table(sheet, settings, t)

    sheet = book.create_sheet(t("sheet.sources"))
    data = info["data"]
    facts = pd.DataFrame(
        [(t.column("source"), translate_source(data["source"], t)),
         (t.column("synthetic_sample"), t.yes_no(data["synthetic_sample"])),
         (t("provenance.synthetic_tables"), table_names(data["synthetic_tables"], t) or "-"),
         (t.column("years"), f"{data['first_year']}-{data['last_year']}"),
         (t.column("version"), info["version"]), (t.column("seed"), info["seed"])]
        + [(f"{t.column('model')}: {model_name(name, t)}", count)
           for name, count in sorted(info["models"]["chosen"].items())],
        columns=["item", "value"]).astype({"value": object})
    row = _table(sheet, facts, t)
    if content.notes.get("models"):
        row = _note(sheet, row, content.notes["models"])
    files = pd.DataFrame(sorted(data["sha256"].items()), columns=["file", "sha256"])
    row = _note(sheet, row, t("provenance.files"), font=TOTAL_FONT)
    row = _table(sheet, files, t, start_row=row)
    view = provenance_view(info, t)
    for key in ("tables", "missing", "references"):
        if len(view[key]):
            row = _note(sheet, row, t(f"provenance.{key}"), font=TOTAL_FONT)
            start, row = row, _table(sheet, view[key], t, start_row=row)
            if key == "references":
                _reference_numbers(sheet, start + 1, info["references"])
    if content.synthetic:
        _note(sheet, row, notice(t.lang), fill=BANNER_FILL)
    # The first day after the data end: fixed for given inputs, and a plausible date to a reader.
    save_stable(book, Path(path), stamp=datetime(content.origin + 1, 1, 1),
                title=t("report.title", year=content.year), language=t.lang)
