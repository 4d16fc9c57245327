"""The report written by a helper process: the same bytes as in-process, errors passed back,
and the report still written when the helper cannot do it."""

from __future__ import annotations

from dataclasses import replace

import pytest

from forecast.deliverables.content import planner_content
from forecast.deliverables.report import write_report
from forecast.pipeline import report_process as module
from forecast.pipeline.report_process import ReportProcess, report_process


def _fake_report(path, content):
    path.write_text(f"written here: {content}", encoding="utf-8")


def _through_helper(path, content, *, kill_first=False):
    """Write ``content`` to ``path`` through a fresh helper (killed first if asked)."""
    helper = ReportProcess()
    try:
        if kill_first:
            helper.process.kill()
            helper.process.wait()
        helper.submit(path, content)
        helper.wait()
    finally:
        helper.close()


@pytest.fixture(scope="module")
def content(sample_quota_kk):
    data, run, _ = sample_quota_kk
    return planner_content(data, replace(run, out=None), "kk")


def test_helper_writes_the_same_bytes_as_this_process(content, tmp_path):
    write_report(tmp_path / "here.html", content)
    _through_helper(tmp_path / "helper.html", content)
    assert (tmp_path / "helper.html").read_bytes() == (tmp_path / "here.html").read_bytes()


def test_an_error_of_the_report_is_raised_here(tmp_path):
    helper = ReportProcess()
    try:
        helper.submit(tmp_path / "report.html", {"not": "planner content"})
        with pytest.raises(AttributeError):
            helper.wait()
    finally:
        helper.close()
    assert not (tmp_path / "report.html").exists()


def test_a_dead_helper_leaves_the_report_to_this_process(tmp_path, monkeypatch):
    monkeypatch.setattr(module, "write_report", _fake_report)
    _through_helper(tmp_path / "report.html", "content", kill_first=True)
    assert (tmp_path / "report.html").read_text(encoding="utf-8") == "written here: content"


def test_content_that_cannot_be_sent_is_written_here(tmp_path, monkeypatch):
    monkeypatch.setattr(module, "write_report", _fake_report)
    unpicklable = lambda: None  # noqa: E731 - a lambda is what pickle refuses
    _through_helper(tmp_path / "report.html", unpicklable)
    assert (tmp_path / "report.html").read_text(encoding="utf-8").startswith("written here:")


def test_a_helper_never_given_a_report_writes_nothing(tmp_path):
    with report_process() as helper:
        assert helper is not None or module.available_cores() < 2
    if helper is not None:
        assert helper.process.returncode is not None
    assert list(tmp_path.iterdir()) == []


def test_no_helper_when_disabled_or_on_one_core(monkeypatch):
    with report_process(enabled=False) as helper:
        assert helper is None
    monkeypatch.setattr(module, "available_cores", lambda: 1)
    with report_process() as helper:
        assert helper is None


def test_wait_before_submit_is_a_programming_error():
    helper = ReportProcess()
    try:
        with pytest.raises(RuntimeError, match="before submit"):
            helper.wait()
    finally:
        helper.close()
