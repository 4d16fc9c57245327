"""Stage progress: timed lines on stderr off a terminal, nothing with --quiet, never on stdout."""

import io
import re

import pytest

from forecast.cli import main
from forecast.pipeline.progress import Progress, as_progress

LINE = re.compile(r"^\[ *\d+\.\d s\] \S.*$")


class Clock:
    """A fake clock: each reading is ``step`` seconds after the previous one."""

    def __init__(self, step: float = 1.5):
        self.now, self.step = 0.0, step

    def __call__(self) -> float:
        reading = self.now
        self.now += self.step
        return reading


def fake_job(progress=None) -> int:
    """A tiny job with three stages, reporting as the real jobs do."""
    progress = as_progress(progress)
    with progress.stage("inputs: the data"):
        total = 1
    with progress.stage("forecast: shortage by region x sector x skill"):
        total += 1
    progress.advance("deliverables: workbook")
    return total


def test_one_line_per_stage_with_elapsed_seconds_off_a_terminal():
    stream = io.StringIO()
    assert fake_job(Progress(stream=stream, clock=Clock())) == 2
    lines = stream.getvalue().splitlines()
    assert lines == ["[  1.5 s] inputs: the data",
                     "[  3.0 s] forecast: shortage by region x sector x skill",
                     "[  4.5 s] deliverables: workbook"]
    assert "\r" not in stream.getvalue() and "\033[" not in stream.getvalue()


def test_quiet_prints_nothing_and_no_progress_is_silent(capsys):
    stream = io.StringIO()
    fake_job(Progress(stream=stream, quiet=True))
    fake_job(None)
    assert stream.getvalue() == ""
    assert capsys.readouterr() == ("", "")


def test_default_stream_is_stderr_and_stages_done_reach_the_callback(capsys):
    done = []
    fake_job(Progress(on_step=done.append))
    captured = capsys.readouterr()
    assert captured.out == "" and len(captured.err.splitlines()) == 3
    assert done == ["inputs: the data", "forecast: shortage by region x sector x skill",
                    "deliverables: workbook"]
    # A plain callable (the older form of ``progress=``) hears of every stage done, silently.
    heard = []
    fake_job(heard.append)
    assert heard == done and capsys.readouterr() == ("", "")


def test_a_failing_stage_is_not_reported_done():
    done = []
    progress = Progress(stream=io.StringIO(), on_step=done.append)
    with pytest.raises(ValueError), progress.stage("forecast"):
        raise ValueError("bad")
    assert done == []


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_a_terminal_gets_a_bar_that_is_removed_at_the_end():
    stream = Terminal()
    with Progress(stream=stream, total=3) as progress:
        fake_job(progress)
        assert "\r" in stream.getvalue() and "3/3" in stream.getvalue()
    assert not LINE.match(stream.getvalue().splitlines()[0])


@pytest.mark.slow
def test_cli_progress_goes_to_stderr_and_quiet_removes_it(tmp_path, capsys):
    argv = ["backtest", "--h", "1", "--windows", "1"]
    assert main([*argv, "--out", str(tmp_path / "loud")]) == 0
    loud = capsys.readouterr()
    stages = loud.err.splitlines()
    assert len(stages) == 4 and all(LINE.match(line) for line in stages), loud.err
    assert [line.split("] ", 1)[1].split(":")[0] for line in stages] == [
        "inputs", "panel", "back-test", "deliverables"]
    assert "[" not in loud.out and "wrote" in loud.out
    assert main([*argv, "--out", str(tmp_path / "quiet"), "--quiet"]) == 0
    assert capsys.readouterr() == ("", "")
    # Progress never reaches the files.
    for name in ("backtest.csv", "metrics.csv"):
        assert ((tmp_path / "loud" / name).read_bytes()
                == (tmp_path / "quiet" / name).read_bytes())
