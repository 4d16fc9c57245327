"""The labor-forecast command line: outputs, summary, loudness, help and exit codes."""

import json
import re

import pandas as pd
import pytest

from forecast.cli import EXAMPLES, HANDLERS, build_parser, main


@pytest.fixture(scope="module")
def quota_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("cli") / "proposal"
    capture = pytest.MonkeyPatch()
    import io
    import sys

    stdout = io.StringIO()
    capture.setattr(sys, "stdout", stdout)
    try:
        # What the command prints and writes, not the demand model: the univariate one is quicker.
        status = main(["quota", "--year", "2027", "--lang", "ru", "--out", str(out), "--verbose",
                       "--backtest", "1", "--demand-model", "univariate"])
    finally:
        capture.undo()
    return status, stdout.getvalue(), out


def test_quota_writes_the_four_files_and_a_summary(quota_run):
    status, printed, out = quota_run
    assert status == 0
    assert sorted(p.name for p in out.iterdir()) == ["quota.csv", "quota.xlsx", "report.html", "run.json"]
    quota = pd.read_csv(out / "quota.csv")
    # The summary speaks the language asked for, numbers in its notation.
    total = f"{quota['quota'].sum():,}".replace(",", "\u00a0")
    # Labels are padded to one column, numbers right-aligned in the next.
    assert re.search(rf"^  рекомендуемая квота +{total}   ", printed, re.M)
    assert "По регионам" in printed and "Туркестанская область" in printed
    assert "синтетические данные" in printed
    assert '<html lang="ru">' in (out / "report.html").read_text(encoding="utf-8")


def test_summary_in_english_from_the_written_files(quota_run):
    from types import SimpleNamespace

    from forecast.deliverables.console import quota_summary

    out = quota_run[2]
    result = SimpleNamespace(run_info=json.loads((out / "run.json").read_text()),
                             quota=pd.read_csv(out / "quota.csv"))
    text = quota_summary(result, lang="en", rows=3)
    total = result.quota["quota"].sum()
    assert re.search(rf"^  recommended quota +{total:,}   ", text, re.M)
    assert re.search(r"^  last year's approved quota \(\d{4}\) +[\d,]+$", text, re.M)
    assert "By region" in text and "Turkestan Region" in text and "... and 17 more" in text
    assert "NOTE: synthetic sample data, not official statistics." in text
    assert "back-test 2024: allocation error" in text


def test_output_off_a_terminal_has_no_colour_or_progress_bar(quota_run):
    printed = quota_run[1]
    assert "\033[" not in printed and "\r" not in printed


def test_verbose_reports_steps_and_models_in_the_language_asked_for(quota_run):
    printed = quota_run[1]
    assert "готово: прогноз и квота" in printed and "готово: отчёт" in printed
    assert "выбранные модели: " in printed and "прочитано: встроенные демонстрационные данные" in printed
    for english in ("done", "models chosen", "read ", "warning:"):
        assert english not in printed
    # Nothing else in Latin letters: table names, seconds and headings are Russian too.
    rest = re.sub(r"\blabor-demand-forecast\b|\bp(10|90)\b", "", _without_names(printed))
    assert not re.search(r"[A-Za-z]", rest), [line for line in rest.splitlines() if re.search(r"[A-Za-z]", line)]
    assert re.search(r"^\[ +[\d,.]+ с\] готово: отчёт$", printed, re.M)


def test_quiet_prints_nothing(tmp_path, capsys):
    assert main(["backtest", "--h", "1", "--windows", "1", "--out", str(tmp_path / "bt"), "--quiet"]) == 0
    captured = capsys.readouterr()
    assert captured.out == "" and captured.err == ""
    assert {p.name for p in (tmp_path / "bt").iterdir()} == {"backtest.csv", "metrics.csv", "backtest.html", "run.json"}
    page = (tmp_path / "bt" / "backtest.html").read_text(encoding="utf-8")
    assert 'id="chart-backtest"' in page and "<svg" in page


def test_forecast_writes_csv_and_a_page(tmp_path, capsys):
    out = tmp_path / "shortage"
    assert main(["forecast", "--year", "2026", "--out", str(out), "--lang", "kk"]) == 0
    printed = capsys.readouterr().out
    table = pd.read_csv(out / "shortage.csv")
    assert len(table) > 0 and {"shortage", "tier"} <= set(table.columns)
    page = (out / "shortage.html").read_text(encoding="utf-8")
    assert '<html lang="kk">' in page and 'id="synthetic-banner"' in page
    cells = f"{len(table):,}".replace(",", "\u00a0")
    assert f"өңір × сала × біліктілік бойынша {cells} ұяшық" in printed
    counts = table["tier"].value_counts()
    assert re.search(rf"^  тапшылық +{counts.get('shortage', 0)}$", printed, re.M)
    assert not re.search(r"[A-Za-z]", _without_names(printed)), printed
    assert json.loads((out / "run.json").read_text())["year"] == 2026


# What may stay Latin in ru/kk output: file and folder names, and the metrics' acronyms.
_NAMES = re.compile(r"(\S*/\S*|\b[\w-]+\.(csv|html|json|xlsx)\b|\bs?MAPE\b|\bMASE\b)")


def _without_names(text: str) -> str:
    return _NAMES.sub("", text)


def test_backtest_summary_speaks_the_language_asked_for(tmp_path, capsys):
    out = tmp_path / "bt"
    assert main(["backtest", "--h", "2", "--windows", "1", "--out", str(out), "--lang", "ru"]) == 0
    printed = capsys.readouterr().out
    metrics = pd.read_csv(out / "metrics.csv")
    assert "Ретроспективная проверка прогнозов спроса" in printed
    assert "горизонт 2 г., точек отсчёта: 1" in printed and "лет вперёд" in printed
    first = metrics.iloc[0]
    # Numbers in Russian notation: a decimal comma.
    assert f"{first['mase']:.3f}".replace(".", ",") in printed
    assert re.search(r"^  все ", printed, re.M)
    assert not re.search(r"[A-Za-z]", _without_names(printed)), printed


def test_forecast_and_backtest_summaries_in_english():
    from types import SimpleNamespace

    from forecast.deliverables.console import backtest_summary, forecast_summary

    table = pd.DataFrame({"tier": ["shortage", "shortage", "surplus", "severe shortage"]})
    run = SimpleNamespace(run_info={"data": {"synthetic_sample": False}},
                          forecast=SimpleNamespace(year=2026, origin=2024, table=table))
    assert forecast_summary(run).splitlines() == [
        "Skilled-worker shortage forecast for 2026 (data to 2024: 4 region x sector x skill cells)",
        "  severe shortage        1",
        "  shortage               2",
        "  balance                0",
        "  surplus                1",
    ]
    metrics = pd.DataFrame({"step": ["1", "all"], "mase": [0.81234, 0.9], "smape": [3.5, 4.0],
                            "coverage_80": [0.8, 0.75], "coverage_95": [0.95, 0.9], "n": [1200, 2400]})
    run = SimpleNamespace(run_info={"data": {"synthetic_sample": True}},
                          backtest=SimpleNamespace(series=1200, h=1, origins=[2020, 2021], metrics=metrics))
    lines = backtest_summary(run).splitlines()
    assert lines[0] == "NOTE: synthetic sample data, not official statistics."
    assert lines[1] == "Back-test of the demand forecasts (1,200 series, horizon 1, 2 origins)"
    assert lines[-1].split() == ["all", "0.900", "4.000", "0.750", "0.900", "2,400"]
    assert lines[-2].split() == ["1", "0.812", "3.500", "0.800", "0.950", "1,200"]


@pytest.mark.parametrize("argv, message", [
    (["quota", "--year", "2040"], "--year 2040"),
    (["quota", "--year", "2027", "--policy", "missing-policy.toml"], "policy file not found"),
    (["quota", "--year", "2027", "--scenario", "no_such"], "unknown scenario"),
    (["backtest", "--h", "0"], "at least 1"),
    (["quota", "--year", "2027", "--backtest", "30"], "at most 16 years"),
    (["quota", "--year", "2027", "--backtest", "-1"], "0 or more"),
    (["validate", "no-such-folder"], "no-such-folder"),
    (["quota", "--year", "2027", "--compare", "nope"], "--compare nope: unknown scenario"),
    (["quota", "--year", "2027", "--policy", "."], "is a folder; expected a policy TOML file"),
    (["backtest", "--h", "100"], "h=100 leaves no year to train on"),
])
def test_bad_input_exits_2_with_a_message_and_writes_nothing(argv, message, tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert main(argv) == 2
    captured = capsys.readouterr()
    assert message in captured.err and "Traceback" not in captured.err
    assert list(tmp_path.iterdir()) == []


def test_quota_backtest_reaches_the_summary_run_json_report_and_workbook(quota_run):
    from openpyxl import load_workbook

    status, printed, out = quota_run
    assert "ретроспективная проверка 2024: ошибка распределения" in printed

    def refuse(constant):
        raise AssertionError(f"run.json holds {constant}, which is not JSON")

    # Standard JSON: a quota of zero has no distribution, and says so with null, not NaN.
    backtest = json.loads((out / "run.json").read_text(), parse_constant=refuse)["quota_backtest"]
    zero = next(row for row in backtest["pooled"] if row["rule"] == "zero")
    assert zero["distribution_error"] is None and zero["allocation_error"] == 1.0
    assert backtest["basis"] == "observed" and backtest["origins"] == [2023]
    rules = [row["rule"] for row in backtest["by_year"]]
    assert rules == ["recommendation", "status_quo", "zero", "last_year_need", "last_vacancies"]
    assert all("rank_correlation" in row and "distribution_error" in row for row in backtest["pooled"])
    assert {row["year"] for row in backtest["by_year"]} == {"2024"}
    page = (out / "report.html").read_text(encoding="utf-8")
    assert "По годам квоты" in page and "действующее правило" in page
    # Indicator names and units are translated, and years carry no thousands separator.
    assert "использование квоты" in page and "quota_utilisation" not in page
    assert "2\u00a0014" not in page and '<td class="n">2014</td>' in page
    cells = [c.value for row in load_workbook(out / "quota.xlsx").worksheets for r in row.iter_rows()
             for c in r]
    assert "ошибка распределения" in cells and "рекомендация" in cells


def test_existing_output_is_refused_with_status_2(quota_run, capsys):
    assert main(["quota", "--year", "2027", "--out", str(quota_run[2])]) == 2
    assert "--force" in capsys.readouterr().err


@pytest.mark.parametrize("argv", [["quota", "--year", "2027", "--lang", "de"], ["quota"], ["nothing"],
                                  ["quota", "--year", "2027", "--quiet", "--verbose"]])
def test_bad_usage_exits_2(argv, capsys):
    with pytest.raises(SystemExit) as stop:
        main(argv)
    assert stop.value.code == 2
    assert "usage:" in capsys.readouterr().err


@pytest.mark.parametrize("command", sorted(HANDLERS))
def test_every_command_has_help_with_examples(command, capsys):
    with pytest.raises(SystemExit) as stop:
        main([command, "--help"])
    assert stop.value.code == 0
    text = capsys.readouterr().out
    assert "examples:" in text and EXAMPLES[command].splitlines()[1].strip() in text


def test_a_reader_that_stops_reading_ends_the_command_quietly():
    # ``labor-forecast quota ... | head``: the pipe closes while the summary is printed.
    import subprocess
    import sys

    code = ("import sys; from forecast.cli import HANDLERS, main\n"
            "def chatty(args):\n"
            "    for _ in range(100000):\n"
            "        print('a line of the summary')\n"
            "    return 0\n"
            "HANDLERS['validate'] = chatty\n"
            "sys.exit(main(['validate', 'x']))\n")
    process = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE)
    assert process.stdout.read(10) == b"a line of "
    process.stdout.close()
    errors = process.stderr.read().decode()
    assert process.wait(timeout=60) == 141
    assert errors == ""


def test_internal_errors_exit_1_without_traceback(monkeypatch, capsys):
    def broken(args):
        raise RuntimeError("disk on fire")

    monkeypatch.setitem(HANDLERS, "validate", broken)
    assert main(["validate", "x"]) == 1
    err = capsys.readouterr().err
    assert "internal error" in err and "disk on fire" in err and "Traceback" not in err


def test_language_options_match_the_label_files():
    quota = build_parser()._subparsers._group_actions[0].choices["quota"]
    lang = next(a for a in quota._actions if a.dest == "lang")
    assert tuple(lang.choices) == ("en", "ru", "kk")


def test_scenario_names_in_help_match_the_scenarios():
    from forecast.cli import SCENARIO_NAMES
    from forecast.quota.scenarios import SCENARIOS

    assert sorted(SCENARIO_NAMES) == sorted(SCENARIOS)


def test_demand_model_option_reaches_the_run(monkeypatch, tmp_path):
    import forecast.pipeline

    seen = {}

    def fake_run(data, year, **options):
        seen.update(options)
        raise KeyboardInterrupt

    monkeypatch.setattr(forecast.pipeline, "run_quota", fake_run)
    assert main(["quota", "--year", "2026", "--demand-model", "combined",
                 "--out", str(tmp_path / "q")]) == 130
    assert seen["demand_model"] == "combined"


def test_the_back_test_sentence_has_the_numbers_of_the_back_test_table(quota_run):
    """The plain-words summary near the top of the report reads its numbers from the pooled
    back-test table the report shows."""
    import re

    from forecast.deliverables.i18n import Labels

    _, _, out = quota_run
    t = Labels("ru")
    page = (out / "report.html").read_text(encoding="utf-8")
    sentence = re.search(r'<p id="quality">([^<]*)</p>', page).group(1)
    assert page.index('id="quality"') < page.index('id="outlook"')  # near the top
    pooled = page.split(f"<h3>{t.column('pooled')}</h3>", 1)[1].split("</table>", 1)[0]
    headings = re.findall(r"<th[^>]*>([^<]*)</th>", pooled.replace("\u00ad", ""))
    error = headings.index(t.column("allocation_error"))
    rows = {}
    for row in re.findall(r"<tr>(.*?)</tr>", pooled)[1:]:
        cells = re.findall(r"<td[^>]*>([^<]*)</td>", row)
        rows[cells[0]] = cells[error]
    shown = [rows[t(f"rule.{rule}")] for rule in ("recommendation", "status_quo", "zero", "last_year_need")]
    # The allocation errors, as the table writes them, in the sentence's order.
    assert re.findall(r"\d+,\d\u00a0%", sentence.rsplit("(", 1)[1])[:4] == shown
    exact = {row["rule"]: row["allocation_error"]
             for row in json.loads((out / "run.json").read_text())["quota_backtest"]["pooled"]}
    percents = [int(p) for p in re.findall(r"на (\d+)\u00a0%", sentence)]
    expected = [round(100 * abs(exact[ref] - exact["recommendation"]) / exact[ref])
                for ref in ("status_quo", "zero", "last_year_need")]
    assert percents == expected
    cells = [c.value for sheet in load_book(out).worksheets for r in sheet.iter_rows() for c in r]
    assert sentence.replace("&#x27;", "'") in cells


def load_book(out):
    from openpyxl import load_workbook

    return load_workbook(out / "quota.xlsx", read_only=False)


def test_compare_prints_the_scenarios_side_by_side(tmp_path, capsys):
    from forecast.deliverables.i18n import Labels

    out = tmp_path / "compare"
    assert main(["quota", "--year", "2027", "--compare", "growth_slowdown", "--out", str(out),
                 "--demand-model", "univariate"]) == 0
    printed = capsys.readouterr().out
    t = Labels("en")
    table = printed.split(t("summary.comparison"), 1)[1]
    for column in ("scenario", "foreign_need", "ceiling_binding", "quota_change"):
        assert t.column(column) in table
    assert "foreign_need" not in table and t("scenario_name.growth_slowdown") in table
    rows = json.loads((out / "run.json").read_text())["scenarios"]
    assert {row["scenario"] for row in rows} == {"baseline", "growth_slowdown"}
    for row in rows:
        assert f"{row['quota']:,}" in table
    page = (out / "report.html").read_text(encoding="utf-8")
    section = page.split('<section id="scenarios">', 1)[1].split("</section>", 1)[0]
    assert "foreign_need" not in section and "ceiling_binding" not in section
    assert t.column("ceiling_binding") in section


def test_compare_all_prints_every_scenario(monkeypatch, tmp_path, capsys, sample_quota_ru):
    """``--compare all``: the handler prints the comparison the run returns (the run faked)."""
    from dataclasses import replace

    import forecast.pipeline
    from forecast.deliverables.i18n import Labels
    from forecast.quota.scenarios import SCENARIOS, compare_scenarios

    _, run, _ = sample_quota_ru
    frame = compare_scenarios({name: run.quota for name in SCENARIOS})
    seen = {}

    def fake_run(data, year, **options):
        seen.update(options)
        return replace(run, scenarios=frame)

    monkeypatch.setattr(forecast.pipeline, "run_quota", fake_run)
    assert main(["quota", "--year", "2027", "--compare", "all", "--lang", "kk",
                 "--out", str(tmp_path / "q")]) == 0
    assert seen["compare"] == ["all"]
    t = Labels("kk")
    table = capsys.readouterr().out.split(t("summary.comparison"), 1)[1]
    assert all(t(f"scenario_name.{name}") in table for name in SCENARIOS)
    assert t.column("foreign_need") in table and t.column("ceiling_binding") in table


@pytest.mark.parametrize("argv, message", [
    (["quota", "--year", "2027", "--seed", "-1"], "expected a whole number from 0 to 4294967295"),
    (["quota", "--year", "2027", "--n-jobs", "100000"], "expected at most"),
])
def test_bad_seed_and_worker_counts_are_usage_errors(argv, message, capsys):
    with pytest.raises(SystemExit) as stopped:
        main(argv)
    assert stopped.value.code == 2 and message in capsys.readouterr().err
