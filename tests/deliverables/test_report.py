"""The HTML report: self-contained, every section and chart present, honest about what is absent."""

import re

import pytest

from forecast import load_sample, run_quota
from forecast.deliverables.content import planner_content
from forecast.deliverables.i18n import Labels
from forecast.pipeline import QuotaRun
from forecast.deliverables.report import SECTIONS, render_report
from forecast.inputs.sample import NOTICE

YEAR = 2027
CHARTS = ("fan", "sectors", "map", "regions", "drivers", "backtest")


@pytest.fixture(scope="module")
def job(tmp_path_factory):
    data = load_sample()
    out = tmp_path_factory.mktemp("report") / "quota"
    result = run_quota(data, YEAR, out=out, lang="kk")
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
    assert NOTICE in html


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
