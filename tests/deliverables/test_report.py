"""The HTML report: self-contained, every section and chart present, honest about what is absent."""

import re

import pytest

from forecast.deliverables.content import planner_content
from forecast.deliverables.i18n import Labels
from forecast.pipeline import QuotaRun
from forecast.deliverables.report import SECTIONS, render_report
from forecast.inputs.sample import NOTICE, notice

YEAR = 2027
CHARTS = ("fan", "sectors", "map", "regions", "drivers", "backtest")


@pytest.fixture(scope="module")
def job(sample_quota_kk):
    data, result, out = sample_quota_kk
    return data, result, (out / "report.html").read_text(encoding="utf-8")


def test_report_is_self_contained(job):
    html = job[2]
    assert html.startswith("<!DOCTYPE html>") and '<html lang="kk">' in html
    # Nothing is fetched: no scripts, no external links, images or styles.
    assert "<script" not in html
    # In-page anchors and inline data (the colour bar's image) are all that may be referenced.
    assert not re.search(r'(?:src|href)\s*=\s*"(?!#|data:)', html)
    assert "@media print" in html and "@page" in html


def test_every_section_and_chart_is_there(job):
    html = job[2]
    for section in SECTIONS:
        assert f'<section id="{section}">' in html
    for chart in CHARTS:
        block = re.search(rf'<figure class="chart" id="chart-{chart}"[^>]*>(.*?)</figure>', html, re.S)
        assert block, chart
        assert "<svg" in block.group(1) and "<path" in block.group(1)


def test_texts_and_names_are_in_the_chosen_language(job):
    html, t = job[2], Labels("kk")
    assert t("report.title", year=YEAR) in html
    assert t("section.map") in html
    assert t.region_short("KZ-61") in html          # on the tile map
    assert t.sector("Q") in html                     # in the sector table


def test_synthetic_banner_is_visible(job):
    html = job[2]
    assert 'id="synthetic-banner"' in html
    # In the report's language; run.json keeps the English notice.
    assert notice("kk") in html and NOTICE not in html


def test_absent_pieces_are_declared_not_invented(job):
    data, result, _ = job
    optional = ("ranking", "scenarios", "indicators", "quota_backtest", "backtest")
    info = {k: v for k, v in result.run_info.items() if k not in optional}
    bare = QuotaRun(result.forecast, result.quota, info, None)
    html = render_report(planner_content(data, bare, "en", backtest_windows=0))
    t = Labels("en")
    for piece in ("piece.ranking", "piece.scenarios", "piece.quota_backtest",
                  "piece.demand_backtest", "piece.indicators"):
        assert t("absent", what=t(piece)) in html
    assert 'id="chart-backtest"' not in html


def test_attached_pieces_are_shown(job):
    data, result, html = job
    t = Labels("kk")
    if result.ranking:
        assert t.column("rank") in html
    if result.indicators is not None:
        assert t("absent", what=t("piece.indicators")) not in html


def test_no_banner_without_synthetic_data(job):
    data, result, _ = job
    info = dict(result.run_info, data=dict(result.run_info["data"], synthetic_sample=False))
    run = QuotaRun(result.forecast, result.quota, info, None, result.ranking)
    html = render_report(planner_content(data, run, "ru", backtest_windows=0))
    assert 'id="synthetic-banner"' not in html


@pytest.mark.parametrize("lang, grouped", [("en", "2,014"), ("ru", "2\u00a0014")])
def test_years_are_labels_and_other_numbers_are_grouped(lang, grouped):
    import pandas as pd

    from forecast.deliverables.report import table_html

    html = table_html(pd.DataFrame({"year": [2014], "value": [2014]}), Labels(lang))
    assert '<td class="n">2014</td>' in html
    assert f'<td class="n">{grouped}</td>' in html


def _section(html: str, name: str) -> str:
    return re.search(rf'<section id="{name}">(.*?)</section>', html, re.S).group(1)


def _column_cells(table: str, heading: str) -> list[str]:
    """Texts of the cells under ``heading`` in an HTML table."""
    import html as markup

    heads = [markup.unescape(h).replace("\u00ad", "") for h in re.findall(r"<th[^>]*>(.*?)</th>", table)]
    index = heads.index(heading)
    rows = re.findall(r"<tr>(.*?)</tr>", table, re.S)
    return [markup.unescape(re.findall(r"<td[^>]*>(.*?)</td>", row)[index]) for row in rows
            if row.count("<td") == len(heads)]


def test_shortage_share_is_a_percentage_with_digits(job):
    html, t = job[2], Labels("kk")
    ranking = _section(html, "ranking").replace("\u00ad", "")  # soft hyphens in headings
    heading = next(t.column(name) for name in ("short_cells_intensity", "intensity")
                   if t.has(f"col.{name}") and t.column(name) in ranking)
    table = next(tab for tab in re.findall(r"<table.*?</table>", ranking, re.S) if heading in tab)
    cells = _column_cells(table, heading)
    assert cells and all(c.endswith("%") for c in cells)
    # Shares of about one percent keep a digit after the point, not 0,01 or 0,00.
    assert not any(c in ("0,01", "0,00") for c in cells)
    assert any(re.fullmatch(r"\d,\d+\xa0%", c) and c != "0,0\xa0%" for c in cells)


def test_policy_tables_have_readable_names_and_small_rates(job):
    import html as markup

    html, t = job[2], Labels("kk")
    policy = markup.unescape(re.sub(r"<[^>]+>", "\n", _section(html, "policy")))
    assert re.findall(r"\b[a-z]+_[a-z0-9_]+\b", policy) == []    # no raw policy key
    for key in ("low_quantile", "min_cell_size", "region_floors", "working_age_mortality"):
        assert t.column(key) in policy
    assert t.number(0.004, 3) in policy                           # deaths per worker: 0,004
    assert t("none") in policy                                    # empty region floors


def test_small_rates_keep_their_digits():
    import pandas as pd

    from forecast.deliverables.report import table_html

    html = table_html(pd.DataFrame({"setting": ["rate"], "value": [0.004]}), Labels("en"))
    assert ">0.004<" in html
    shares = table_html(pd.DataFrame({"intensity": [0.0136, 0.0035], "coverage_80": [0.74, 0.9]}),
                        Labels("en"))
    assert ">1.4%<" in shares and ">0.35%<" in shares and ">74.0%<" in shares


@pytest.mark.parametrize("lang", ["en", "ru", "kk"])
def test_almaty_region_and_city_read_differently(lang):
    from forecast.inputs.regions import region_codes

    t = Labels(lang)
    short = [t.region_short(code) for code in region_codes()]
    assert len(set(short)) == len(short)
    assert t.region_short("KZ-19") != t.region_short("KZ-75")


def _svg_texts(svg: str) -> list[str]:
    import html as markup

    return [markup.unescape(re.sub(r"<[^>]+>", "", text)).strip()
            for text in re.findall(r"<text\b[^>]*>(.*?)</text>", svg, re.S)]


def test_chart_labels_are_unique_per_region(job):
    """On the tile map and the region chart every region has its own label: Almaty Region and
    the city of Almaty read differently (the report's charts, and English ones drawn here)."""
    from forecast.deliverables import charts
    from forecast.deliverables.content import planner_content

    data, result, html = job
    english = planner_content(data, result, "en", backtest_windows=0)
    svgs = {("en", "map"): charts.tile_map(english), ("en", "regions"): charts.regions_chart(english)}
    for name in ("map", "regions"):
        svgs[("kk", name)] = re.search(rf'id="chart-{name}"[^>]*>(.*?)</figure>', html, re.S).group(1)
    codes = list(english.by_region["region"])
    for (lang, name), svg in svgs.items():
        t = Labels(lang)
        texts = _svg_texts(svg)
        joined = " ".join(texts)                     # tile names may wrap onto two lines
        labels = [t.region_short(code) for code in codes]
        assert len(set(labels)) == len(labels)
        for code, label in zip(codes, labels):
            assert label in joined, (lang, name, code, label)
        almaty = [x for x in texts if x.startswith(("Almaty", "Алматы"))]
        assert len(almaty) == 2 and len(set(almaty)) == 2, (lang, name, almaty)


def test_the_demand_back_test_names_its_origins_in_report_and_workbook(sample_quota_run):
    import html as markup

    from openpyxl import load_workbook

    from forecast.cli.parser import build_parser
    from forecast.deliverables.content import COMMAND_WINDOWS

    # The sample ends in 2024 and the quota year is 2027: four origins whose three-year
    # forecasts are all observed, 2018-2021.
    T = Labels("en")
    sentence = T("caption.backtest_origins", first=2018, last=2021, count=4, horizon=3,
                 default=COMMAND_WINDOWS)
    page = (sample_quota_run / "report.html").read_text(encoding="utf-8")
    assert markup.escape(sentence, quote=False) in re.sub(r'</?code[^>]*>', "", page)
    book = load_workbook(sample_quota_run / "quota.xlsx", read_only=True)
    texts = [c for row in book[T("sheet.backtest")].iter_rows(values_only=True) for c in row if c]
    book.close()
    assert sentence in texts
    # The sentence quotes the backtest command's own default.
    assert build_parser().parse_args(["backtest"]).windows == COMMAND_WINDOWS


def test_largest_cuts_name_regions_and_sectors_apart_and_quote_sector_names():
    from forecast.deliverables.mechanism_text import largest_cuts

    t = Labels("en")
    advice = {"by_region": [{"region": "KZ-75"}, {"region": "KZ-71"}],
              "by_sector": [{"sector": "G"}, {"sector": "P"}]}
    text = largest_cuts(advice, t)
    assert text == ('by region: Almaty, Astana; by sector: “Wholesale and retail trade; repair of '
                    'motor vehicles”, “Education”')
    assert largest_cuts({"by_region": [], "by_sector": []}, t) == "-"
    assert largest_cuts(advice, Labels("ru")).startswith("по регионам: город Алматы")


def test_the_summary_says_why_a_negative_net_shortage_still_gives_a_quota(sample_quota_run):
    import html as markup
    import json

    info = json.loads((sample_quota_run / "run.json").read_text(encoding="utf-8"))
    steps = {step["item"]: step["persons"] for step in info["headline"]}
    t = Labels("en")
    assert steps["net_shortage"] < 0 < steps["gross_shortage"]  # the case that needs the sentence
    sentence = t("summary.net_note", net=t.integer(steps["net_shortage"]),
                 gross=t.integer(steps["gross_shortage"]), section=t("section.headline"))
    summary = _section((sample_quota_run / "report.html").read_text(encoding="utf-8"), "summary")
    assert markup.escape(sentence) in summary
    assert f"{t.integer(steps['net_shortage'])}<" in summary.replace("</b>", "<")  # the card


def test_commands_and_ranges_do_not_break_across_lines(job):
    _, _, page = job
    # The kk caption names the command mid-sentence; copied from a broken line it would not run.
    assert '<code class="cmd">labor-forecast backtest</code>' in page
    assert '<code class="cmd">--windows</code>' in page
    assert re.search(r'<div class="figure range"><b>[\d\u00a0\u202f ,.]+ – [\d\u00a0\u202f ,.]+</b>', page)
    assert "code.cmd{white-space:nowrap}" in page and ".figure.range b{" in page


def test_every_chart_has_a_label_read_aloud(job):
    _, _, page = job
    svgs = re.findall(r"<svg\b[^>]*>", page)
    assert len(svgs) >= len(CHARTS)
    labels = [re.search(r'role="img" aria-label="([^"]+)"', tag) for tag in svgs
              if 'role="img"' in tag]
    assert len(labels) == len(CHARTS) and all(label and len(label.group(1)) > 10 for label in labels)


def _drivers_caption(page: str) -> str:
    import html as markup

    section = page.split('<section id="drivers">', 1)[1].split("</section>", 1)[0]
    caption = section.split("<figcaption", 1)[1].split("</figcaption>", 1)[0]
    return markup.unescape(re.sub(r"<[^>]+>", "", caption))


def test_the_drivers_caption_gives_the_planned_shortage_where_it_differs_from_the_central(job):
    """Planned at another quantile (or with the bias correction), the skilled net shortage the
    quota rests on differs from the drivers' sum, and the caption gives both."""
    from dataclasses import replace

    data, result, _ = job
    content = planner_content(data, result, "en", backtest_windows=0)
    t = Labels("en")
    quantiles = content.shortage_quantiles
    central = t.integer(quantiles["central"])
    same = _drivers_caption(render_report(content))
    assert t("caption.drivers_planned_central", central=central) in same
    moved = replace(content, shortage_quantiles={**quantiles, "planned": quantiles["central"] + 1234})
    caption = _drivers_caption(render_report(moved))
    assert t("caption.drivers_planned", central=central, quantile=50,
             planned=t.integer(quantiles["central"] + 1234)) in caption
