"""A run killed half-way leaves earlier results intact, and equal inputs give equal files.

Three runs of the main job on the embedded sample, in order (each a fixture of its own, so no
test waits for more than one run):

1. the session's sample run in this process, copied into a fresh output folder (the earlier
   results);
2. a real process with ``--force`` on the same folder, killed with SIGKILL while it writes its
   staging folder: the earlier results must be untouched, byte for byte;
3. a real process with ``--force`` again, after the kill: it must delete the stale staging
   folder a SIGKILL leaves behind (no clean-up can run in the killed process), and its files
   must equal those of run 1 byte for byte (``run.json`` apart from the time stamps).
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest


YEAR = "2027"
FILES = ["quota.csv", "quota.xlsx", "report.html", "run.json"]
# Fields of run.json that record when and how long, not what.
TIME_FIELDS = {"created", "seconds"}


def _command(out: Path) -> list[str]:
    return [sys.executable, "-m", "forecast.cli", "quota", "--year", YEAR, "--out", str(out),
            "--force", "--quiet"]


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def _stages(out: Path) -> list[Path]:
    # staged_output names its temporary folders ".<name>.<random>" beside the target.
    return sorted(p for p in out.parent.iterdir() if p.name.startswith(f".{out.name}."))


@pytest.fixture(scope="module")
def first(sample_quota_run, tmp_path_factory):
    """Run 1: the session's sample run, copied so the runs below may replace it."""
    out = tmp_path_factory.mktemp("kill") / f"quota-{YEAR}"
    shutil.copytree(sample_quota_run, out)
    return {"out": out, "files": _snapshot(out)}


@pytest.fixture(scope="module")
def killed(first):
    """Run 2, killed with SIGKILL while it writes its staging folder."""
    out = first["out"]
    process = subprocess.Popen(_command(out), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    caught = None
    deadline = time.monotonic() + 180
    # Kill once the staging folder holds the first file but not yet the last (run.json), so the
    # process is surely in the middle of writing and not at the final renames.
    while process.poll() is None and time.monotonic() < deadline:
        stage = next((s for s in _stages(out) if (s / "quota.csv").exists()), None)
        if stage is not None and not (stage / "run.json").exists():
            os.kill(process.pid, signal.SIGKILL)
            caught = sorted(p.name for p in stage.iterdir())
            break
        time.sleep(0.005)
    else:
        process.kill()
    process.wait(timeout=60)
    killed = {"status": process.returncode, "caught": caught, "after": _snapshot(out),
              "stages": [s.name for s in _stages(out)], "stderr": process.stderr.read()}
    process.stderr.close()
    return killed


@pytest.fixture(scope="module")
def rerun(first, killed):
    """Run 3, after the kill, into the same folder."""
    out = first["out"]
    finished = subprocess.run(_command(out), capture_output=True, text=True, timeout=300)
    return {"process": finished, "last": _snapshot(out), "stages_after": [s.name for s in _stages(out)]}


def test_the_run_was_killed_while_writing(killed):
    assert killed["caught"] is not None, "the second run finished before it could be killed"
    assert killed["status"] == -signal.SIGKILL
    assert "quota.csv" in killed["caught"] and "run.json" not in killed["caught"]


def test_earlier_results_survive_a_kill_byte_for_byte(first, killed):
    assert sorted(first["files"]) == FILES
    assert killed["after"] == first["files"]


def test_a_kill_leaves_only_a_hidden_staging_folder(killed):
    # SIGKILL cannot be caught, so the staging folder stays; it is hidden and named after the
    # output folder, so it is easy to find and delete, and it is never mistaken for results.
    stages = killed["stages"]
    assert len(stages) == 1 and stages[0].startswith(f".quota-{YEAR}.")
    assert not stages[0].startswith(f".quota-{YEAR}.old.")


def test_the_next_run_succeeds_despite_the_stale_staging_folder(rerun):
    finished = rerun["process"]
    assert finished.returncode == 0, finished.stderr
    assert "Traceback" not in finished.stderr
    assert sorted(rerun["last"]) == FILES
    # The killed run's staging folder is gone: its process is, and the next run cleans up.
    assert rerun["stages_after"] == []


@pytest.mark.parametrize("name", ["quota.csv", "quota.xlsx"])
def test_same_inputs_and_seed_give_byte_identical_files(first, rerun, name):
    assert rerun["last"][name] == first["files"][name]


def test_run_json_differs_only_in_time_stamps(first, rerun):
    earlier = json.loads(first["files"]["run.json"])
    last = json.loads(rerun["last"]["run.json"])
    assert TIME_FIELDS <= set(earlier)
    assert earlier["seed"] == last["seed"] == 0
    for info in (earlier, last):
        for name in TIME_FIELDS:
            del info[name]
    assert earlier == last


def _dead_pid() -> int:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def test_recover_deletes_only_stages_whose_process_is_gone(tmp_path):
    import socket

    from forecast.deliverables.outputs import OWNER, recover

    target = tmp_path / "quota-2027"
    host = socket.gethostname()
    stages = {}
    for name, owner in {"dead": f"{_dead_pid()} {host}", "alive": f"{os.getppid()} {host}",
                        "elsewhere": f"{_dead_pid()} another-host", "unowned": None}.items():
        stages[name] = tmp_path / f".quota-2027.{name}"
        stages[name].mkdir()
        if owner is not None:
            (stages[name] / OWNER).write_text(owner)
    unrelated = tmp_path / ".quota-2028.x"
    unrelated.mkdir()
    recover(target)
    assert {name for name, path in stages.items() if path.exists()} == {"alive", "elsewhere", "unowned"}
    assert unrelated.exists()


def test_recover_puts_back_results_stranded_between_the_final_renames(tmp_path):
    from forecast.deliverables.outputs import BACKUP_MARK, recover, staged_output

    target = tmp_path / "quota-2027"
    backup = tmp_path / ".quota-2027.old.abc"
    (backup / "quota-2027").mkdir(parents=True)
    (backup / BACKUP_MARK).write_text("quota-2027\n")
    (backup / "quota-2027" / "quota.csv").write_text("earlier")
    recover(target)
    assert (target / "quota.csv").read_text() == "earlier" and not backup.exists()
    # With the results in place, a leftover backup is the finished replacement's: deleted.
    (backup / "quota-2027").mkdir(parents=True)
    (backup / BACKUP_MARK).write_text("quota-2027\n")
    recover(target)
    assert not backup.exists() and target.exists()
    # And a run then replaces the results, leaving no owner file in them.
    with staged_output(target, force=True) as stage:
        (stage / "quota.csv").write_text("new")
    assert sorted(p.name for p in target.iterdir()) == ["quota.csv"]
    assert [p.name for p in tmp_path.iterdir()] == ["quota-2027"]


def test_recover_never_touches_a_folder_that_is_not_its_backup(tmp_path):
    from forecast.deliverables.outputs import BACKUP_MARK, OWNER, recover

    target = tmp_path / "X"
    # A user's folder named like a backup, and another output's backup (of "X.old"), with and
    # without the target present: neither is moved or deleted.
    mine = tmp_path / ".X.old.mine"
    mine.mkdir()
    (mine / "notes.txt").write_text("mine")
    other = tmp_path / ".X.old.abc"
    (other / "X.old").mkdir(parents=True)
    (other / BACKUP_MARK).write_text("X.old\n")
    live = tmp_path / ".X.old.live"  # the staging folder of a running run into X.old
    live.mkdir()
    (live / OWNER).write_text(f"{os.getppid()} {__import__('socket').gethostname()}")
    for present in (False, True):
        if present:
            target.mkdir()
        recover(target)
        assert (mine / "notes.txt").read_text() == "mine"
        assert (other / "X.old").is_dir() and live.is_dir()
        assert target.exists() == present


def test_force_refuses_when_a_user_file_appears_in_the_output_during_the_run(tmp_path):
    from forecast.deliverables.outputs import staged_output
    from forecast.inputs.errors import InputError

    target = tmp_path / "out"
    with staged_output(target) as stage:
        (stage / "quota.csv").write_text("first")
    with pytest.raises(InputError, match="changed during the run: it holds my-notes.txt.*nothing was replaced"):
        with staged_output(target, force=True) as stage:
            (stage / "quota.csv").write_text("second")
            (target / "my-notes.txt").write_text("keep me")
    assert (target / "my-notes.txt").read_text() == "keep me"
    assert (target / "quota.csv").read_text() == "first"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


def test_a_read_only_earlier_output_is_replaced_without_leaving_its_backup(tmp_path):
    from forecast.deliverables.outputs import staged_output

    target = tmp_path / "out"
    with staged_output(target) as stage:
        (stage / "quota.csv").write_text("first")
    os.chmod(target, 0o555)
    with staged_output(target, force=True) as stage:
        (stage / "quota.csv").write_text("second")
    assert (target / "quota.csv").read_text() == "second"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]
