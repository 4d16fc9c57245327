"""The quota workbook: read back with openpyxl and checked against quota.csv."""

import hashlib
import zipfile

import pandas as pd
import pytest
from openpyxl import load_workbook

from forecast.deliverables.content import planner_content
from forecast.deliverables.i18n import Labels
from forecast.pipeline import QuotaRun
from forecast.deliverables.workbook import write_workbook

YEAR = 2027


@pytest.fixture(scope="module")
def job(sample_quota_ru):
    return sample_quota_ru


@pytest.fixture(scope="module")
def book(job):
    return load_workbook(job[2] / "quota.xlsx")


def _frame(sheet, header_row=1):
    rows = list(sheet.iter_rows(min_row=header_row, values_only=True))
    return pd.DataFrame(rows[1:], columns=rows[0])


def test_sheets_are_named_in_the_chosen_language(book):
    t = Labels("ru")
    expected = [t(f"sheet.{k}") for k in ("summary", "headline", "regions", "sectors", "detail", "shortage",
                                          "ranking", "scenarios", "backtest", "policy", "sources")]
    assert book.sheetnames == expected


def test_detail_sheet_matches_quota_csv(job, book):
    csv = pd.read_csv(job[2] / "quota.csv", dtype={"category": str})
    t = Labels("ru")
    detail = _frame(book[t("sheet.detail")])
    total = detail.iloc[-1]
    lines = detail.iloc[:-1]
    assert len(lines) == len(csv)
    assert list(lines[t.column("region")]) == list(csv["region"])
    # Codes 1-4 as in the file; "seasonal", a word, in the reader's language.
    codes = csv["category"].replace({"seasonal": t("category_code.seasonal")})
    assert "сезонная" in set(codes)
    assert list(lines[t.column("category")].astype(str)) == list(codes)
    assert list(lines[t.column("quota")]) == list(csv["quota"])
    assert list(lines[t.column("quota_high")]) == list(csv["quota_high"])
    # Names come from the shipped classification in Russian.
    assert lines[t.column("region_name")].iloc[0] == t.region(csv["region"].iloc[0])
    last = len(csv) + 1
    assert total[t.column("quota")] == f"=SUBTOTAL(109,G2:G{last})" or "SUBTOTAL" in str(total[t.column("quota")])
    assert total.iloc[0] == t("total")


def test_region_and_sector_sheets_add_up_to_the_csv(job, book):
    csv = pd.read_csv(job[2] / "quota.csv")
    t = Labels("ru")
    for sheet, key in ((t("sheet.regions"), "region"), (t("sheet.sectors"), "sector")):
        frame = _frame(book[sheet]).iloc[:-1]
        expected = csv.groupby(key)["quota"].sum()
        got = frame.set_index(t.column(key))[t.column("quota")]
        assert got.to_dict() == expected.to_dict()
        assert "SUBTOTAL" in str(_frame(book[sheet]).iloc[-1][t.column("quota")])


def test_tables_are_formatted_for_planners(book):
    t = Labels("ru")
    for name in (t("sheet.regions"), t("sheet.sectors"), t("sheet.detail"), t("sheet.shortage")):
        sheet = book[name]
        assert sheet.freeze_panes == "A2"
        assert sheet.auto_filter.ref and sheet.auto_filter.ref.startswith("A1:")
        assert sheet["A1"].font.bold
        assert sheet["A1"].fill.fgColor.rgb.endswith("0F766E")
        assert all((sheet.column_dimensions[c].width or 0) >= 8 for c in "ABC")
    regions = book[t("sheet.regions")]
    quota_column = [c.value for c in regions[1]].index(t.column("quota")) + 1
    assert regions.cell(row=2, column=quota_column).number_format == "#,##0"


def test_summary_shows_totals_and_the_synthetic_notice(job, book):
    info = job[1].run_info
    sheet = book[Labels("ru")("sheet.summary")]
    texts = [c for row in sheet.iter_rows(values_only=True) for c in row if c is not None]
    assert Labels("ru")("banner") in texts
    assert info["totals"]["quota"] in texts and info["totals"]["cap"] in texts


def test_optional_pieces_are_written_or_declared_absent(job, book):
    t = Labels("ru")
    result = job[1]
    ranking = [c for row in book[t("sheet.ranking")].iter_rows(values_only=True) for c in row if c]
    if result.ranking:
        assert t.column("rank") in ranking
    else:
        assert t("absent", what=t("piece.ranking")) in ranking
    scenarios = [c for row in book[t("sheet.scenarios")].iter_rows(values_only=True) for c in row if c]
    if result.scenarios is None:
        assert scenarios == [t("absent", what=t("piece.scenarios"))]
    backtest = [c for row in book[t("sheet.backtest")].iter_rows(values_only=True) for c in row if c]
    assert t.column("smape") in backtest


def test_policy_and_sources_sheets_record_the_run(job, book):
    t = Labels("ru")
    info = job[1].run_info
    policy = _frame(book[t("sheet.policy")])
    assert t.column("cap_percent_of_labour_force") in set(policy[t.column("setting")])
    sources = [c for row in book[t("sheet.sources")].iter_rows(values_only=True) for c in row if c]
    for name, digest in info["data"]["sha256"].items():
        assert name in sources and digest in sources


def test_workbook_bytes_are_the_same_for_the_same_inputs(job, tmp_path):
    data, result, _ = job
    # Two runs differ only in their time stamps (run.json's "created" and "seconds").
    for name, created in (("a", "2027-01-01T00:00:00+00:00"), ("b", "2031-06-30T12:00:00+00:00")):
        run = QuotaRun(result.forecast, result.quota,
                       dict(result.run_info, created=created, seconds=len(name)), None,
                       result.ranking, result.indicators, result.scenarios)
        write_workbook(tmp_path / f"{name}.xlsx", planner_content(data, run, "en", backtest_windows=1))
    a, b = (tmp_path / "a.xlsx").read_bytes(), (tmp_path / "b.xlsx").read_bytes()
    assert hashlib.sha256(a).hexdigest() == hashlib.sha256(b).hexdigest()
    with zipfile.ZipFile(tmp_path / "a.xlsx") as archive:
        core = archive.read("docProps/core.xml").decode()
        assert all(info.date_time == (1980, 1, 1, 0, 0, 0) for info in archive.infolist())
    assert f"{result.run_info['origin'] + 1}-01-01T00:00:00Z" in core


def test_detail_reasons_are_in_the_chosen_language(job, book):
    import re

    t = Labels("ru")
    lines = _frame(book[t("sheet.detail")]).iloc[:-1]
    reasons = lines[t.column("reason")]
    assert reasons.str.contains(r"[а-яА-Я]").all()
    assert not reasons.str.contains(r"\b(?:from abroad|No quota|openings)\b").any()
    given = lines[lines[t.column("quota")] > 0]
    assert given[t.column("reason")].str.contains("из-за рубежа").all()
    for value in given[t.column("quota")].head(20):
        assert re.search(rf"^{value} из-за рубежа", given.loc[given[t.column('quota')] == value,
                                                               t.column("reason")].iloc[0])
    assert set(lines[t.column("binding_constraint")]) <= {t(f"constraint.{k}") for k in (
        "none", "no need", "national ceiling", "region cap", "sector cap", "floor",
        "local content", "protected sector", "not seasonal sector", "regulated profession")}


def test_headline_sheet_adds_up_and_summary_shows_uptake(job, book):
    t = Labels("ru")
    sheet = book[t("sheet.headline")]
    rows = [r for r in sheet.iter_rows(values_only=True) if r and isinstance(r[1], (int, float))]
    values = {item: persons for item, persons, *_ in rows[:18]}
    proposal = values[t("headline.proposal")]
    assert proposal == pd.read_csv(job[2] / "quota.csv")["quota"].sum()
    assert values[t("headline.uptake")] == proposal + values[t("headline.unused")]
    summary = [r[0] for r in book[t("sheet.summary")].iter_rows(values_only=True) if r and r[0]]
    assert t("fig.uptake") in summary and t("fig.unused") in summary


def _is_percent(number_format: str) -> bool:
    return number_format.endswith("%") and "0" in number_format


def _header_cells(sheet, heading):
    """Cells under every header cell reading ``heading`` on a sheet (tables may start low)."""
    cells = []
    for row in sheet.iter_rows():
        for cell in row:
            if cell.value == heading:
                for below in sheet.iter_rows(min_row=cell.row + 1, min_col=cell.column,
                                             max_col=cell.column):
                    value = below[0].value
                    if not isinstance(value, (int, float)) or isinstance(value, bool):
                        break
                    cells.append(below[0])
    return cells


def test_share_columns_have_percent_formats(book):
    from forecast.deliverables.formats import SHARE_COLUMNS

    t = Labels("ru")
    assert {"intensity", "coverage_80", "coverage_95"} <= SHARE_COLUMNS
    backtest = book[t("sheet.backtest")]
    for column in ("coverage_80", "coverage_95"):
        cells = _header_cells(backtest, t.column(column))
        assert cells and all(_is_percent(c.number_format) for c in cells), column
        assert all(0 <= c.value <= 1 for c in cells)
    ranking = [cell for name in ("intensity", "short_cells_intensity") if t.has(f"col.{name}")
               for cell in _header_cells(book[t("sheet.ranking")], t.column(name))]
    assert ranking and all(_is_percent(c.number_format) for c in ranking)
    # Shares of about one percent show their digits (1.36%, not 0.0).
    assert all(c.number_format == "0.00%" for c in ranking)
    regions = _header_cells(book[t("sheet.regions")], t.column("intensity"))
    assert len(regions) >= 20 and all(_is_percent(c.number_format) for c in regions)


def test_indicator_values_are_formatted_by_their_unit(book):
    t = Labels("ru")
    sheet = book[t("sheet.backtest")]
    seen = set()
    for row in sheet.iter_rows():
        cells = {c.column: c for c in row}
        for cell in row:
            if cell.value == t("unit.percent") or cell.value == t("unit.share"):
                value = cells.get(cell.column - 1)
                if value is not None and isinstance(value.value, (int, float)):
                    assert _is_percent(value.number_format), (cell.value, value.number_format)
                    seen.add(cell.value)
                    if cell.value == t("unit.percent"):
                        assert value.value < 0.02   # 0.25 percent is the share 0.0025
    assert seen == {t("unit.percent"), t("unit.share")}


def test_policy_sheet_has_readable_names(book):
    import re

    t = Labels("ru")
    rows = list(book[t("sheet.policy")].iter_rows(values_only=True))[1:]
    names = [r[1] for r in rows]
    assert not [n for n in names if re.search(r"\b[a-z]+_[a-z0-9_]+\b", str(n))]
    assert t.column("low_quantile") in names and t.column("min_cell_size") in names
    values = dict(zip(names, (r[2] for r in rows)))
    assert values[t.column("region_floors")] == t("none")
    assert values[t.column("working_age_mortality")] == pytest.approx(0.004)


def test_long_texts_are_wrapped_where_a_reader_can_see_them():
    from openpyxl import Workbook

    from forecast.deliverables import workbook

    sheet = Workbook().active
    paragraph = "word " * 100  # 500 characters
    assert workbook._note(sheet, 1, "short") == 2
    assert workbook._note(sheet, 2, paragraph) == 3
    assert not sheet["A1"].alignment.wrap_text and "A1" not in sheet.merged_cells
    assert sheet["A2"].alignment.wrap_text and "A2:J2" in {str(r) for r in sheet.merged_cells.ranges}
    assert sheet.row_dimensions[2].height == workbook.LINE_HEIGHT * 5  # 500 / 110 characters a line
    frame = pd.DataFrame({"item": ["definition", "name"], "value": [paragraph, "x"]})
    workbook._table(sheet, frame, Labels("en"), start_row=5)
    long_cell, short_cell = sheet["B6"], sheet["B7"]
    assert long_cell.alignment.wrap_text and not short_cell.alignment.wrap_text
    assert sheet.row_dimensions[6].height == workbook.LINE_HEIGHT * 10  # 500 / 50 characters
    assert sheet.column_dimensions["B"].width == workbook.MAX_WIDTH


def test_published_references_are_numbers_a_spreadsheet_can_add(book):
    t = Labels("ru")
    sheet = book[t("sheet.sources")]
    rows = {row[0].value: row for row in sheet.iter_rows() if row[0].value}
    employed = rows[t("ref.employed_2024")]
    assert isinstance(employed[1].value, (int, float)) and employed[1].value > 9_000_000
    assert employed[1].number_format == "#,##0" and isinstance(employed[2].value, (int, float))
    shares = [row for label, row in rows.items() if isinstance(label, str) and "(%)" in label]
    assert shares and all(isinstance(row[1].value, (int, float)) and row[1].number_format == "#,##0.0"
                          for row in shares)
