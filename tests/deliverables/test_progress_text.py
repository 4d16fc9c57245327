"""The terminal's progress and --verbose lines in the reader's language."""

import io
import re

import pytest

from forecast.deliverables.i18n import Labels
from forecast.deliverables.progress_text import done_line, progress_line
from forecast.pipeline.progress import Progress

# Every stage name the jobs give (forecast.pipeline, forecast.cli, forecast.quota.backtest).
STAGES = [
    "inputs: the embedded sample",
    "panel: series by region x sector x skill",
    "forecast: shortage by region x sector x skill",
    "forecast: shortage by region x sector x skill (baseline)",
    "forecast: scenario emigration_shock",
    "quota: recommendation, ranking, indicators",
    "quota: scenarios side by side",
    "back-test: quota rules from 2021-2023, scored on the years after",
    "back-test: origin 2021, quota 2022 scored",
    "back-test: demand at 5 origins, 3 years ahead",
    "deliverables: tables and charts",
    "deliverables: history done",
    "deliverables: forecast fan done",
    "deliverables: back-test done",
    "deliverables: workbook",
    "deliverables: report",
]
FILE_NAMES = re.compile(r"\b[\w-]+\.(csv|html|json|xlsx)\b")


@pytest.mark.parametrize("lang", ["ru", "kk"])
def test_every_stage_is_said_without_english(lang):
    labels = Labels(lang)
    for name in [*STAGES, "deliverables: run.json", "deliverables: shortage.csv, shortage.html, run.json"]:
        for line in (progress_line(name, labels), done_line(name, labels)):
            assert not re.search(r"[A-Za-z]", FILE_NAMES.sub("", line)), (name, line)


def test_english_lines_are_the_stage_names_and_unknown_names_pass_through():
    labels = Labels("en")
    for name in STAGES:
        assert progress_line(name, labels) == name
    assert done_line("deliverables: history done", labels) == "history done"
    assert done_line("deliverables: workbook", labels) == "workbook done"
    assert done_line("inputs: /data/kz", labels) == "/data/kz done"
    assert progress_line("something else entirely", Labels("ru")) == "something else entirely"


def test_known_answers_in_russian_and_kazakh():
    ru, kk = Labels("ru"), Labels("kk")
    assert progress_line("deliverables: workbook", ru) == "результаты: рабочая книга"
    assert progress_line("forecast: shortage by region x sector x skill (baseline)", kk) == (
        "болжам: өңір × сала × біліктілік бойынша тапшылық («базалық» сценарийі)")
    assert progress_line("back-test: origin 2021, quota 2022 scored", ru) == (
        "ретропроверка: данные по 2021 год: квота на 2022 год оценена")
    assert progress_line("deliverables: history done", ru) == "результаты: история — готово"
    assert done_line("deliverables: history done", ru) == "готово: история"


def test_progress_shows_the_translation_and_keeps_the_jobs_names():
    log, done = io.StringIO(), []
    progress = Progress(stream=log, bar=False, clock=iter([0.0, 1.0, 2.0, 3.0]).__next__,
                        on_step=done.append, translate=lambda name: progress_line(name, Labels("ru")))
    with progress.stage("deliverables: report"):
        pass
    assert log.getvalue() == "[  1.0 s] результаты: отчёт\n"
    assert done == ["deliverables: report"] and progress.stages == ["deliverables: report"]
