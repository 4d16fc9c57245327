"""One set of numbers: every quantity shown in more than one of report.html, quota.xlsx and the
terminal summary is the same in each (to display rounding), and one label means one quantity."""

from __future__ import annotations

import html
import json
import re
from html.parser import HTMLParser
from types import SimpleNamespace

import pandas as pd
import pytest

from forecast.deliverables.console import quota_summary
from forecast.deliverables.i18n import Labels

T = Labels("en")


class _Tables(HTMLParser):
    """Tables (with their section) and the summary's figure cards of a report."""

    def __init__(self):
        super().__init__()
        self.tables, self.cards, self._open, self._cell, self._section = [], [], [], None, None
        self._card = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "section":
            self._section = attrs.get("id")
        elif tag == "table":
            self._open.append({"section": self._section, "rows": []})
        elif tag == "tr" and self._open:
            self._open[-1]["rows"].append([])
        elif tag in ("td", "th") and self._open:
            self._cell = ""
        elif tag == "div" and "figure" in (attrs.get("class") or "").split():
            self._card = []
        elif tag in ("b", "span") and self._card is not None:
            self._cell = ""

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self._cell is not None and self._open:
            self._open[-1]["rows"][-1].append(self._cell.strip())
            self._cell = None
        elif tag in ("b", "span") and self._card is not None and self._cell is not None:
            self._card.append(self._cell.strip())
            self._cell = None
            if len(self._card) == 2:
                self.cards.append(tuple(self._card))
                self._card = None
        elif tag == "table" and self._open:
            table = self._open.pop()
            rows = table["rows"]
            table["frame"] = pd.DataFrame(rows[1:], columns=rows[0])
            self.tables.append(table)

    def handle_data(self, data):
        if self._cell is not None:  # headings carry soft hyphens where a word may break
            self._cell += data.replace("\u00ad", "")


def number(text) -> float:
    if isinstance(text, (int, float)):
        return float(text)
    return float(str(text).replace(",", "").replace("\u2212", "-").strip())


def same(a, b, tolerance: float = 1.0) -> bool:
    """Equal to display rounding: whole persons (or a tenth where a table shows decimals)."""
    return abs(number(a) - number(b)) <= tolerance


@pytest.fixture(scope="module")
def documents(sample_quota_run):
    from openpyxl import load_workbook

    folder = sample_quota_run
    parser = _Tables()
    page = (folder / "report.html").read_text(encoding="utf-8")
    parser.feed(page)
    book = load_workbook(folder / "quota.xlsx", read_only=True)

    def sheet(title: str, header_row: int = 1) -> pd.DataFrame:
        rows = [list(r) for r in book[title].iter_rows(values_only=True)]
        header = rows[header_row - 1]
        body = [r for r in rows[header_row:] if r[0] not in (None, T("total"))]
        return pd.DataFrame(body, columns=header)

    summary_rows = [r for r in book[T("sheet.summary")].iter_rows(values_only=True) if r and r[0]]
    summary = {r[0]: r[1] for r in summary_rows if len(r) > 1 and r[1] is not None}
    run = SimpleNamespace(run_info=json.loads((folder / "run.json").read_text(encoding="utf-8")),
                          quota=pd.read_csv(folder / "quota.csv"))
    terminal = quota_summary(run, lang="en")
    report = {(t["section"], tuple(t["frame"].columns)): t["frame"] for t in parser.tables}
    return SimpleNamespace(report=parser, report_tables=report, cards=dict((k, v) for v, k in parser.cards),
                           sectors=sheet(T("sheet.sectors")), regions=sheet(T("sheet.regions")),
                           summary=summary, terminal=terminal, run=run, report_text=html.unescape(page))


def _report_table(documents, section: str, column: str, index: int = 0) -> pd.DataFrame:
    found = [t["frame"] for t in documents.report.tables
             if t["section"] == section and T.column(column) in t["frame"].columns]
    return found[index]


def _rows(frame: pd.DataFrame, key: str) -> pd.DataFrame:
    """Rows with a name in ``key`` (the totals row has none)."""
    return frame[frame[key].astype(str).str.len() > 0].set_index(key)


def _terminal_figure(text: str, label: str) -> float:
    match = re.search(rf"^  {re.escape(label)}\s+([-\d,]+)", text, re.M)
    assert match, label
    return number(match.group(1))


def test_total_quota_ceiling_uptake_and_need_agree_everywhere(documents):
    info = documents.run.run_info
    total = int(documents.run.quota["quota"].sum())
    cards = documents.cards
    headline = _report_table(documents, "headline", "persons").set_index(T.column("item"))
    summary = documents.summary
    quota = [cards[T("fig.quota")], summary[T("fig.quota")], headline.loc[T("headline.proposal"), T.column("persons")],
             _terminal_figure(documents.terminal, T("summary.recommended")),
             documents.sectors[T.column("quota")].sum(), documents.regions[T.column("quota")].sum(),
             _report_table(documents, "sectors", "quota").iloc[-1][T.column("quota")],
             _report_table(documents, "regions", "quota").iloc[-1][T.column("quota")]]
    assert all(same(value, total, 0) for value in quota), quota
    ceiling = [cards.get(T("fig.cap")) or cards[T("fig.cap_binding")], summary[T("fig.cap")],
               _terminal_figure(documents.terminal, T("summary.ceiling"))]
    assert all(same(value, info["totals"]["cap"], 0) for value in ceiling), ceiling
    uptake = [cards[T("fig.uptake")], summary[T("fig.uptake")],
              headline.loc[T("headline.uptake"), T.column("persons")],
              _terminal_figure(documents.terminal, T("summary.uptake")),
              documents.sectors[T.column("expected_uptake")].sum()]
    assert all(same(value, info["uptake"]["expected_uptake"]) for value in uptake), uptake
    need = [cards[T("fig.need")], summary[T("fig.need")], headline.loc[T("headline.foreign_need"), T.column("persons")]]
    assert all(same(value, info["totals"]["foreign_need"]) for value in need), need


def test_net_shortage_has_one_definition_in_every_document(documents):
    """The card, the workbook summary, the headline's memo and the sector and region totals are
    one aggregate: the net shortage at the planning quantile over all cells."""
    headline = _report_table(documents, "headline", "persons").set_index(T.column("item"))
    memo = number(headline.loc[T("headline.net_shortage"), T.column("persons")])
    label = T("fig.net_shortage", year=2027)
    sectors = documents.sectors[T.column("net_shortage")].sum()
    regions = documents.regions[T.column("net_shortage")].sum()
    values = [documents.cards[label], documents.summary[label], sectors, regions]
    assert all(same(value, memo) for value in values), (memo, values)
    # The headline figures themselves are one number, not one number give or take rounding.
    assert number(documents.cards[label]) == number(documents.summary[label]) == memo


def test_total_foreign_need_is_the_sum_of_its_lines(sample_quota_run):
    info = json.loads((sample_quota_run / "run.json").read_text(encoding="utf-8"))
    lines = pd.read_csv(sample_quota_run / "quota.csv")["need"].sum()
    assert info["totals"]["foreign_need"] == round(float(lines), 1)


def test_sector_and_region_tables_agree_between_report_workbook_and_ranking(documents):
    for key, sheet, section, level in (("sector_name", documents.sectors, "sectors", "sectors"),
                                       ("region_name", documents.regions, "regions", "regions")):
        name = T.column(key)
        report = _rows(_report_table(documents, section, "net_shortage"), name)
        book = sheet.set_index(name)
        assert set(report.index) == set(book.index)
        for column, tolerance in (("quota", 0), ("quota_low", 0), ("quota_high", 0), ("need", 1),
                                  ("expected_uptake", 1), ("net_shortage", 1), ("demand", 1)):
            heading = T.column(column)
            for row in report.index:
                assert same(report.loc[row, heading], book.loc[row, heading], tolerance + 0.5), (column, row)
        # The ranking shows the same demand and quota under the same labels, and its shortage
        # under a label of its own.
        ranking = _rows(_report_table(documents, "ranking", "short_cells_shortage",
                                      0 if level == "sectors" else 1), name)
        assert T.column("shortage") not in ranking.columns
        assert T.column("net_shortage") not in ranking.columns
        for row in ranking.index:
            for column in ("demand", "quota"):
                heading = T.column(column)
                assert same(ranking.loc[row, heading], report.loc[row, heading]), (level, column, row)


def test_terminal_regions_match_the_report(documents):
    report = _rows(_report_table(documents, "regions", "net_shortage"), T.column("region_name"))
    block = documents.terminal.split(T("summary.by_region"), 1)[1].split("\n\n", 1)[0]
    rows = [line for line in block.splitlines()[3:] if re.search(r"\d", line) and "..." not in line]
    assert len(rows) == 10
    for line in rows:
        name, numbers = re.match(r"^  (\D+?)\s{2,}([-\d,\s]+)$", line).groups()
        quota = number(numbers.split()[0])
        assert same(quota, report.loc[name.strip(), T.column("quota")], 0), name


def test_labels_name_distinct_quantities():
    """Different aggregates carry different headings."""
    headings = [T.column(c) for c in ("shortage", "net_shortage", "short_cells_shortage",
                                      "shortage_planned", "demand")]
    assert len(set(headings)) == len(headings)
    for lang in ("ru", "kk"):
        t = Labels(lang)
        assert len({t.column(c) for c in ("shortage", "net_shortage", "short_cells_shortage")}) == 3


def test_the_range_card_says_when_the_ceiling_holds_its_upper_end(documents):
    info = documents.run.run_info
    held = info["proposals"]["quota_high"] >= info["totals"]["cap"]
    label = (T("fig.range_ceiling", cap=T.integer(info["totals"]["cap"])) if held
             else T("fig.range"))
    assert label.capitalize() + "." in documents.report_text
    low, high = (number(part) for part in documents.cards[T("fig.range_card")].split("–"))
    assert (low, high) == (info["totals"]["quota_low"], info["totals"]["quota_high"])
    assert low <= info["totals"]["quota"] <= high


def test_the_drivers_caption_says_the_central_shortage_is_the_planned_median(sample_quota_run):
    """The drivers add up to the central forecast, which is the median the quota is planned on
    by default: the caption says so, with the forecast sheet's figure."""
    from openpyxl import load_workbook

    page = (sample_quota_run / "report.html").read_text(encoding="utf-8")
    section = page.split('<section id="drivers">', 1)[1].split("</section>", 1)[0]
    caption = html.unescape(re.sub(r"<[^>]+>", "", section.split("<figcaption", 1)[1]
                                   .split("</figcaption>", 1)[0]))
    book = load_workbook(sample_quota_run / "quota.xlsx", read_only=True)
    rows = list(book[T("sheet.shortage")].iter_rows(values_only=True))
    forecast = pd.DataFrame([r for r in rows[1:] if r[0] not in (None, T("total"))], columns=rows[0])
    skilled = forecast[forecast[T.column("skill")].isin([T.skill("high"), T.skill("medium")])]
    central = round(skilled[T.column("shortage")].sum())
    planned = round(skilled[T.column("shortage_p50")].sum())
    assert central == planned
    assert T("caption.drivers_planned_central", central=f"{central:,}") in caption


def test_last_years_approved_quota_is_one_number_everywhere(documents):
    last = documents.run.run_info["comparison"]["last_year"]
    assert last["available"]
    label = T("fig.last_year", year=last["year"])
    values = [documents.cards[label], documents.summary[label],
              _terminal_figure(documents.terminal, label)]
    assert all(same(value, last["total"], 0) for value in values), values
