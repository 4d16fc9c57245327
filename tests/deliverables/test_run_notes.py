"""Plain words on a run: the back-test sentence, the scenario named everywhere, the comparison
with translated headings, and why a missing piece is missing."""

from __future__ import annotations

import json
import re
from html import escape
from dataclasses import replace

import pytest

from forecast.deliverables.backtest_text import (improvement, model_sentence, quality_sentence,
                                                 run_notes, stock_sentence)
from forecast.deliverables.comparison import comparison_summary, comparison_view
from forecast.deliverables.i18n import Labels
from forecast.quota.scenarios import SCENARIOS, compare_scenarios

POOLED = [{"rule": "recommendation", "allocation_error": 0.828},
          {"rule": "status_quo", "allocation_error": 1.082},
          {"rule": "zero", "allocation_error": 1.0},
          {"rule": "last_year_need", "allocation_error": 0.7}]
BACKTEST = {"basis": "observed", "pooled": POOLED,
            "by_year": [{"year": str(y), "rule": "zero"} for y in (2022, 2023, 2024)]}


@pytest.mark.parametrize("lang", ["en", "ru", "kk"])
def test_without_a_back_test_the_sentence_says_how_to_get_one(lang):
    text = quality_sentence(None, Labels(lang))
    assert "--backtest 3" in text


def test_the_sentence_reads_its_numbers_from_the_table():
    text = quality_sentence(BACKTEST, Labels("en"))
    assert "last 3 data years (2022-2024)" in text
    assert f"{round(100 * (1.082 - 0.828) / 1.082)}% closer to the need observed afterwards than today's rule" in text
    assert f"{round(100 * (1 - 0.828))}% closer than a quota of zero" in text
    # Last year's need did better here: the sentence says so instead of claiming "closer".
    assert f"{round(100 * (0.828 - 0.7) / 0.7)}% further than keeping last year's need" in text
    # The errors are written as the back-test table writes them (a share, as a percentage).
    assert "82.8% for the recommendation, 108.2% for today's rule, 100.0% for a quota of zero and 70.0%" in text
    assert improvement(0.5, 0.0) is None


@pytest.mark.parametrize("lang", ["en", "ru", "kk"])
def test_a_proposal_further_ahead_than_the_back_test_says_so(lang):
    t = Labels(lang)
    a_year = quality_sentence(BACKTEST, t, 1)
    ahead = quality_sentence(BACKTEST, t, 3)
    assert ahead == a_year + " " + t("quality.horizon", run=3)
    assert "3" in t("quality.horizon", run=3) and "{" not in ahead


@pytest.mark.parametrize("lang", ["ru", "kk"])
def test_the_sentence_is_translated(lang):
    text = quality_sentence(BACKTEST, Labels(lang))
    assert "82,8" in text and "recommendation" not in text and "{" not in text


def test_scenario_comparison_has_readable_translated_headings(sample_quota_ru):
    _, run, _ = sample_quota_ru
    other = run.quota.assign(quota=run.quota["quota"] // 2)
    frame = compare_scenarios({"baseline": run.quota, "emigration_shock": other})
    for lang in ("en", "ru", "kk"):
        t = Labels(lang)
        text = comparison_summary(replace(run, scenarios=frame), lang)
        assert text.splitlines()[0] == t("summary.comparison")
        for column in ("scenario", "quota", "foreign_need", "ceiling_binding", "quota_change"):
            assert t.column(column) in text and t.has(f"col.{column}")
        assert "foreign_need" not in text and "ceiling_binding" not in text
        assert t("scenario_name.emigration_shock") in text and t.yes_no(False) in text
        shown = comparison_view(frame, t)
        assert list(shown["scenario"]) == [t("scenario_name.baseline"), t("scenario_name.emigration_shock")]
    assert comparison_summary(run, "en") == ""


@pytest.mark.parametrize("lang", ["en", "ru", "kk"])
def test_every_scenario_has_a_name_and_description(lang):
    t = Labels(lang)
    for name in SCENARIOS:
        assert t.has(f"scenario_name.{name}") and t.has(f"scenario_description.{name}")
        notes = run_notes({"scenario": {"name": name, "description": "x"}}, {}, t, 0.0)
        assert (notes["scenario"]["text"] == "") == (name == "baseline")
        # Without a back-test or a comparison, the documents say how to get them.
        assert "--backtest 3" in notes["absent"]["quota_backtest"]
        assert "--compare all" in notes["absent"]["scenarios"]


@pytest.fixture(scope="module")
def scenario_run(tmp_path_factory):
    """``quota --scenario emigration_shock`` through the command line, once."""
    import contextlib
    import io

    from forecast.cli import main

    out = tmp_path_factory.mktemp("scenario") / "quota"
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        assert main(["quota", "--year", "2027", "--scenario", "emigration_shock", "--out", str(out),
                     "--demand-model", "univariate"]) == 0
    return out, printed.getvalue()


def test_a_scenario_run_names_its_scenario_everywhere(scenario_run):
    from openpyxl import load_workbook

    out, printed = scenario_run
    t = Labels("en")
    run = json.loads((out / "run.json").read_text(encoding="utf-8"))
    assert run["scenario"]["name"] == "emigration_shock" and "emigration" in run["scenario"]["description"]
    name = t("scenario_name.emigration_shock")
    page = (out / "report.html").read_text(encoding="utf-8")
    assert re.search(rf"<title>[^<]*{name}</title>", page) and re.search(rf"<h1>[^<]*{name}</h1>", page)
    assert 'id="scenario"' in page and "emigration_shock" in page
    # Nothing is "not computed" without a way to get it.
    t_absent = [t("absent", what=t(f"piece.{name}")) for name in ("scenarios", "quota_backtest")]
    for text, piece in zip(t_absent, ("scenarios", "quota_backtest")):
        assert re.search(rf'{re.escape(text)}</p><p class="absent" id="absent-{piece}">[^<]*<code class="cmd">--', page), piece
    assert "--compare all" in page and "--backtest 3" in page
    book = load_workbook(out / "quota.xlsx", read_only=True)
    summary = [row[0] for row in book[t("sheet.summary")].iter_rows(values_only=True) if row and row[0]]
    assert summary[0].endswith(name) and any("emigration_shock" in str(cell) for cell in summary)
    assert any("--compare all" in str(cell) for cell in summary)
    assert any("--backtest 3" in str(cell) for cell in summary)
    assert f"scenario {name}" in printed.splitlines()[1] or f"scenario {name}" in printed


def _models(**how):
    return {"models": {"demand_model": how}}


def test_model_sentence_gives_the_mix_and_the_balance_weights():
    text = model_sentence(_models(name="combined", panel_weight=0.25, panel_trained=True,
                                  features=["a", "b", "c"], balance_forecast_share=0.75),
                          Labels("en"))
    assert "on 3 features" in text
    assert "weighing 25%" in text and "weighing 75%" in text
    assert "the forecast counts 75% and the shortage observed in the last data year 25%" in text


def test_model_sentence_names_one_model_when_the_other_gets_nothing():
    t = Labels("en")
    assert model_sentence(_models(name="combined", panel_weight=0.0, panel_trained=True),
                          t) == t("model.univariate")
    assert model_sentence(_models(name="panel", panel_weight=1.0, panel_trained=True,
                                  features=["growth", "momentum"]), t) == t(
        "model.panel", features=2, groups="growth at cell, sector, region and national level")
    assert model_sentence(_models(name="combined", panel_weight=0.0, panel_trained=False),
                          t) == t("model.panel_untrained")
    assert model_sentence({}, t) == ""


STOCK = {"keep_share": 0.7017, "supply_scale": 1.3577, "r_squared": 0.9935, "cell_years": 16348,
         "accepted": True, "min_r_squared": 0.5, "min_cell_years": 50}


def test_the_stock_sentence_gives_the_fitted_rates_or_why_there_are_none():
    t = Labels("en")
    accepted = stock_sentence(STOCK, t)
    assert "behave as a stock" in accepted and "16,348 cell-years" in accepted
    assert "explains 99%" in accepted and "70% of a cell's vacancies" in accepted
    assert "the market finds 1.36" in accepted
    rejected = stock_sentence({**STOCK, "keep_share": -1.22, "r_squared": 0.3755,
                               "accepted": False}, t)
    assert "do not behave as a stock" in rejected
    assert "explains 38%" in rejected and "at least 50%" in rejected
    assert "-122" not in rejected  # an impossible share is not quoted to the reader
    # A fit that explains less than nothing reads 0%, and no vacancies table means no sentence.
    assert "explains 0%" in stock_sentence({**STOCK, "r_squared": -0.2, "accepted": False}, t)
    assert stock_sentence({}, t) == ""
    assert stock_sentence({**STOCK, "r_squared": None, "accepted": False}, t) == ""
    both = model_sentence({"models": {"demand_model": {"name": "univariate"},
                                      "stock_dynamics": STOCK}}, t)
    assert both == t("model.univariate") + " " + accepted


@pytest.mark.parametrize("lang", ["ru", "kk"])
def test_the_stock_sentences_hold_no_english(lang):
    t = Labels(lang)
    for fit in (STOCK, {**STOCK, "accepted": False}):
        text = stock_sentence(fit, t)
        assert "99" in text and not re.search(r"[A-Za-z]{3,}", text)
    assert "1,36" in stock_sentence(STOCK, t)


@pytest.mark.parametrize("lang", ["ru", "kk"])
def test_model_sentence_holds_no_english(lang):
    text = model_sentence(_models(name="combined", panel_weight=0.5, panel_trained=True,
                                  features=["a"], balance_forecast_share=1.0), Labels(lang))
    assert "50" in text and "100" in text
    assert not re.search(r"[A-Za-z]{3,}", text)


def test_the_documents_carry_the_model_sentence_of_the_run(sample_quota_run):
    from openpyxl import load_workbook

    info = json.loads((sample_quota_run / "run.json").read_text(encoding="utf-8"))
    sentence = model_sentence(info, Labels("en"))
    assert "gradient-boosting" in sentence or "univariate" in sentence
    html = (sample_quota_run / "report.html").read_text(encoding="utf-8")
    assert f'<p id="models">{escape(sentence)}</p>' in html
    book = load_workbook(sample_quota_run / "quota.xlsx", read_only=True)
    cells = [c for sheet in book.worksheets for row in sheet.iter_rows(values_only=True)
             for c in row if isinstance(c, str)]
    assert sentence in cells


@pytest.mark.parametrize("lang", ["en", "ru", "kk"])
def test_model_sentence_names_only_the_kinds_of_input_the_model_used(lang):
    t = Labels(lang)
    used = ["growth", "growth_lag_1", "momentum", "pension_entrants_share_h1", "emigration_rate_same_skill"]
    text = model_sentence(_models(name="panel", panel_weight=1.0, panel_trained=True, features=used), t)
    assert t("model.feature.demography") in text and t("model.feature.emigration") in text
    for absent in ("vacancies", "wages", "applicants"):
        assert t(f"model.feature.{absent}") not in text
    full = model_sentence(_models(name="panel", panel_weight=1.0, panel_trained=True,
                                  features=[*used, "vacancy_rate", "wage_log_growth", "applicants_per_worker"]), t)
    assert all(t(f"model.feature.{kind}") in full for kind in ("vacancies", "wages", "applicants"))
