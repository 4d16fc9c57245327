"""Messages name the option to change as the caller writes it: ``--force`` at the command line,
``force=True`` in Python."""

from __future__ import annotations

import json

import pytest

from forecast import cli
from forecast.deliverables.outputs import PACKAGE
from forecast.inputs.errors import InputError, command_line_options, option
from forecast.pipeline import run_backtest, run_quota


def _earlier_folder(tmp_path):
    """An earlier output of the main job, which ``force`` may replace."""
    folder = tmp_path / "out"
    folder.mkdir()
    (folder / "quota.csv").write_text("earlier\n", encoding="utf-8")
    (folder / "run.json").write_text(json.dumps({"package": PACKAGE}), encoding="utf-8")
    return folder


def _someone_elses_folder(tmp_path):
    folder = tmp_path / "notes"
    folder.mkdir(exist_ok=True)
    (folder / "notes.txt").write_text("a planner's notes\n", encoding="utf-8")
    return folder


@pytest.mark.parametrize("call, expected", [
    (lambda data, tmp: run_quota(data, 2027, out=_earlier_folder(tmp)),
     ["choose another with out=... or pass force=True"]),
    (lambda data, tmp: run_quota(data, 2027, backtest_years=-1), ["backtest_years=-1"]),
    (lambda data, tmp: run_quota(data, 2027, compare=["nope"]), ["compare='nope': unknown scenario"]),
    (lambda data, tmp: run_quota(data, 2027, scenario="nope"), ["scenario='nope': unknown scenario"]),
    (lambda data, tmp: run_backtest(data, h=0), ["h=0 windows=5: both must be at least 1"]),
    (lambda data, tmp: run_quota(data, 2027, lang="de"), ["lang='de': unknown language"]),
])
def test_python_callers_are_told_the_keyword_argument(call, expected, sample, tmp_path):
    with pytest.raises(InputError) as refused:
        call(sample, tmp_path)
    message = str(refused.value)
    assert all(text in message for text in expected), message
    assert "--" not in message


def test_the_command_line_is_told_its_option(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    folder = _earlier_folder(tmp_path)
    assert cli.main(["quota", "--year", "2027", "--out", str(folder)]) == 2
    err = capsys.readouterr().err
    assert "choose another with --out or pass --force to replace it" in err
    assert "force=True" not in err
    # A folder the library did not write: no advice to replace it, which would be refused.
    for force in ([], ["--force"]):
        assert cli.main(["quota", "--year", "2027", "--out", str(_someone_elses_folder(tmp_path)),
                         *force]) == 2
        err = capsys.readouterr().err
        assert "it holds notes.txt, not written by labor-forecast; choose another folder with --out" in err
        assert ("pass --force" not in err) and (not force or "--force replaces only" in err)
    assert cli.main(["quota", "--year", "2027", "--backtest", "-1"]) == 2
    assert "back-test years --backtest -1: expected a whole number" in capsys.readouterr().err


def test_the_command_line_naming_ends_with_its_block():
    with command_line_options():
        assert option("n_jobs", 2) == "--n-jobs 2"
        with pytest.raises(InputError, match="^--force"):
            raise InputError(option("force", True))
    assert option("n_jobs", 2) == "n_jobs=2"
