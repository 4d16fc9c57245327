"""The report of a run on the real Kazakhstan data: the openings beside the Ministry's 2025-2035
forecast, and the demand back-test of the real regional series (one real run for the module)."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from forecast.deliverables.i18n import Labels
from forecast.deliverables.notes_html import OPENING_FLOWS, YEARS
from forecast.inputs.real.references import (MINISTRY_OPENINGS_2025_2035, MINISTRY_TOTAL_2025_2035,
                                             SOURCE_MINISTRY)

T = Labels("en")


@pytest.fixture(scope="module")
def real_run(real_data_dir, tmp_path_factory):
    from forecast import run_quota
    from forecast.inputs.loader import load_data

    data = load_data(real_data_dir[0])
    out = tmp_path_factory.mktemp("kz-real") / "quota"
    run = run_quota(data, 2027, out=out)
    return run, (out / "report.html").read_text(encoding="utf-8")


def test_the_published_figures_and_their_source():
    assert MINISTRY_OPENINGS_2025_2035 == {"P": 447_700, "G": 251_300, "Q": 240_400, "C": 231_400,
                                           "A": 222_100, "F": 216_800}
    assert MINISTRY_TOTAL_2025_2035 == 2_900_000
    assert "2025-2035" in SOURCE_MINISTRY and "SOURCES.md" in SOURCE_MINISTRY


def _table(page: str, css_id: str) -> pd.DataFrame:
    body = page.split(f'<table id="{css_id}">', 1)[1].split("</table>", 1)[0]
    headings = re.findall(r"<th[^>]*>([^<]*)</th>", body.replace("\u00ad", ""))
    rows = [re.findall(r"<td[^>]*>([^<]*)</td>", row) for row in re.findall(r"<tr>(.*?)</tr>", body)[1:]]
    return pd.DataFrame(rows, columns=headings)


def test_real_report_sets_the_openings_beside_the_ministry_forecast(real_run):
    run, page = real_run
    section = page.split('<section id="ministry">', 1)[1].split("</section>", 1)[0]
    assert T("ministry.title").replace("'", "&#x27;") in section
    assert "expansion of employment plus the replacement" in section and "2025-2035" in section
    table = _table(page, "ministry-openings").set_index(T.column("sector"))
    number = lambda text: float(text.replace(",", ""))  # noqa: E731
    ministry = table[T.column("ministry_2025_2035")].map(number)
    for code, persons in MINISTRY_OPENINGS_2025_2035.items():
        assert ministry[code] == persons
    assert ministry[""] == MINISTRY_TOTAL_2025_2035
    # This library's openings: the quota year's expansion and replacement per cell (at least 0),
    # ten times, from the same forecast the run made.
    cells = run.forecast.table
    flows = cells[list(OPENING_FLOWS)].sum(axis=1).clip(lower=0) * YEARS
    ours = table[T.column("openings_10y")].map(number)
    for code in MINISTRY_OPENINGS_2025_2035:
        assert ours[code] == pytest.approx(flows[cells["sector"] == code].sum(), abs=1)
    assert ours[""] == pytest.approx(flows.sum(), abs=1)
    assert (ours >= 0).all()


def test_real_report_shows_the_demand_back_test_against_naive(real_run):
    _, page = real_run
    backtest = page.split('<section id="backtest">', 1)[1].split("</section>", 1)[0].replace("\u00ad", "")
    assert "<table" in backtest and T.column("mase") in backtest and T.column("coverage_80") in backtest
    sentence = re.search(r'<p id="real-demand-backtest">([^<]*)</p>', page).group(1)
    assert "MASE" in sentence and "naive" in sentence
    first = backtest.split("<tbody>", 1)[1].split("</tr>", 1)[0]
    cells = re.findall(r"<td[^>]*>([^<]*)</td>", first)
    headings = re.findall(r"<th[^>]*>([^<]*)</th>", backtest.split("<tbody>", 1)[0])
    mase = cells[headings.index(T.column("mase"))]
    assert f"MASE is {mase} " in sentence


def test_the_sample_report_has_no_ministry_section(sample_quota_run):
    page = (sample_quota_run / "report.html").read_text(encoding="utf-8")
    assert 'id="ministry"' not in page


def test_the_summary_says_what_is_estimated_and_what_replaces_the_missing_tables(real_run):
    from openpyxl import load_workbook

    from forecast.deliverables.messages import translate_missing
    from forecast.inputs.real.provenance import MISSING_TABLES

    run, page = real_run
    summary = page.split('<section id="summary">', 1)[1].split("</section>", 1)[0]
    basis = re.search(r'<div class="basis" id="data-basis">(.*?)</div>', summary, re.S).group(1)
    assert "employment (estimated)" in basis and "labour force (real)" in basis
    for name in ("vacancies", "graduates", "permits"):
        assert translate_missing(MISSING_TABLES[name], T).replace("'", "&#x27;") in basis
    # What the missing tables do to the headline figures is said where they are.
    assert "upper bounds" in MISSING_TABLES["graduates"] and "not a forecast" in MISSING_TABLES["permits"]
    book = load_workbook(run.out / "quota.xlsx", read_only=True)
    texts = [row[0] for row in book[T("sheet.summary")].iter_rows(values_only=True) if row and row[0]]
    book.close()
    assert "• " + MISSING_TABLES["graduates"] in texts
    assert any(str(text).startswith("Data tables: employment (estimated)") for text in texts)


def test_without_vacancies_the_outlook_says_so_and_ticks_whole_years(real_run):
    _, page = real_run
    outlook = page.split('<section id="outlook">', 1)[1].split("</section>", 1)[0]
    assert "the data have no vacancies table" in outlook
    assert "observed skilled vacancies" not in outlook
    # The shortage panel has one year: its only tick is that year, not 2026.45 ... 2027.65.
    assert not re.search(r">\s*20\d\d\.\d+\s*<", outlook)
