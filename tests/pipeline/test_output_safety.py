"""What an output folder may be, and what a run leaves when it fails, is refused or is stopped.

- ``--force`` replaces only an earlier output folder of this library (its ``run.json`` and only
  the files one command writes); never the data directory, the policy file, the current
  directory, a filesystem root or a symbolic link, and these are refused before any work;
- one run at a time into a folder (a lock file beside it, taken over when its process is gone);
- SIGTERM stops a run like Ctrl-C (exit 143, the staging folder removed);
- a write error says where, and leaves the earlier results intact;
- bad ``--n-jobs`` and ``sample-data`` targets are refused with a message, not a traceback.
"""

from __future__ import annotations

import errno
import json
import os
import signal
import socket
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from forecast import cli
from forecast.deliverables.locking import lock_path
from forecast.deliverables.outputs import PACKAGE, check_output_target, staged_output
from forecast.inputs.errors import InputError

ROOT = Path(__file__).resolve().parents[2]


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()}


def _hidden(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.startswith("."))


def _earlier_output(folder: Path, files=("quota.csv", "quota.xlsx", "report.html")) -> dict:
    """An earlier output folder of this library, as --force may replace it."""
    folder.mkdir(parents=True)
    for name in files:
        (folder / name).write_text(f"earlier {name}\n", encoding="utf-8")
    (folder / "run.json").write_text(json.dumps({"package": PACKAGE, "seed": 0}), encoding="utf-8")
    return _snapshot(folder)


def _run(argv, capsys) -> tuple[int, str]:
    code = cli.main([str(a) for a in argv])
    return code, capsys.readouterr().err


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory) -> Path:
    data = tmp_path_factory.mktemp("inputs") / "data"
    assert cli.main(["sample-data", str(data)]) == 0
    return data


# 1. The data directory, the policy file, and folders that contain them --------------------------

def test_force_never_replaces_the_data_directory(data_dir, capsys):
    before = _snapshot(data_dir)
    for out in (data_dir, data_dir.parent):
        code, err = _run(["quota", "--year", "2027", "--data", data_dir, "--out", out, "--force"],
                         capsys)
        assert code == 2
        assert "of this run" in err and "an input" in err and str(data_dir.resolve()) in err
        assert "Traceback" not in err
    assert _snapshot(data_dir) == before
    assert _hidden(data_dir.parent) == []  # no staging folder, no lock
    assert [n for n in _hidden(data_dir.parent.parent) if n.startswith(f".{data_dir.parent.name}")] == []


def test_force_never_replaces_the_policy_file(tmp_path, capsys):
    policy = tmp_path / "my-policy.toml"
    policy.write_text("cap_percent_of_labour_force = 0.25\n", encoding="utf-8")
    for out in (policy, tmp_path):
        code, err = _run(["quota", "--year", "2027", "--policy", policy, "--out", out, "--force"],
                         capsys)
        assert code == 2 and "of this run" in err and "an input" in err and str(policy.resolve()) in err
    assert policy.read_text(encoding="utf-8") == "cap_percent_of_labour_force = 0.25\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["my-policy.toml"]


def test_force_refuses_a_folder_with_other_files(tmp_path, capsys):
    out = tmp_path / "results"
    earlier = _earlier_output(out)
    (out / "notes.txt").write_text("mine", encoding="utf-8")
    code, err = _run(["quota", "--year", "2027", "--out", out, "--force"], capsys)
    assert code == 2 and "notes.txt" in err and "not written by labor-forecast" in err
    assert _snapshot(out) == earlier | {"notes.txt": b"mine"}
    assert _hidden(tmp_path) == []


def test_force_refuses_a_folder_without_our_manifest(tmp_path, capsys):
    out = tmp_path / "results"
    out.mkdir()
    (out / "quota.csv").write_text("someone else's\n", encoding="utf-8")
    code, err = _run(["forecast", "--year", "2026", "--out", out, "--force"], capsys)
    assert code == 2 and "no run.json of labor-forecast" in err
    (out / "run.json").write_text(json.dumps({"package": "other-tool"}), encoding="utf-8")
    code, err = _run(["forecast", "--year", "2026", "--out", out, "--force"], capsys)
    assert code == 2 and "run.json is missing or not one of labor-forecast" in err
    assert sorted(p.name for p in out.iterdir()) == ["quota.csv", "run.json"]
    assert (out / "quota.csv").read_text(encoding="utf-8") == "someone else's\n"


def test_earlier_outputs_and_empty_folders_are_accepted(tmp_path):
    for command, files in (("quota", ["quota.csv", "quota.xlsx", "report.html"]),
                           ("forecast", ["shortage.csv", "shortage.html"]),
                           ("backtest", ["backtest.csv", "metrics.csv", "backtest.html"])):
        _earlier_output(tmp_path / command, files)
        check_output_target(tmp_path / command, force=True)
        with pytest.raises(InputError, match=r"pass force=True"):
            check_output_target(tmp_path / command, force=False)
    (tmp_path / "empty").mkdir()
    check_output_target(tmp_path / "empty", force=False)
    # A folder mixing two commands' files is not one command's output.
    (tmp_path / "quota" / "shortage.csv").write_text("x")
    with pytest.raises(InputError, match="not written by labor-forecast"):
        check_output_target(tmp_path / "quota", force=True)


# 2. The current directory ----------------------------------------------------------------------

def test_force_never_replaces_the_current_directory(data_dir, tmp_path, monkeypatch, capsys):
    work = tmp_path / "d"
    work.mkdir()
    (work / "keep.txt").write_text("keep", encoding="utf-8")
    monkeypatch.chdir(work)
    for out in (".", "..", str(work)):
        code, err = _run(["quota", "--year", "2027", "--data", data_dir, "--out", out, "--force"],
                         capsys)
        assert code == 2 and "the current directory" in err, err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["d"]
    assert sorted(p.name for p in work.iterdir()) == ["keep.txt"]
    # The Python API refuses it too.
    with pytest.raises(InputError, match="current directory"):
        with staged_output(".", force=True):
            pass
    assert sorted(p.name for p in work.iterdir()) == ["keep.txt"]


# 3. A filesystem root ----------------------------------------------------------------------------

def test_a_filesystem_root_is_refused_before_any_work(capsys):
    before = sorted(p.name for p in Path("/").iterdir())
    started = time.monotonic()
    code, err = _run(["quota", "--year", "2027", "--out", "/", "--force"], capsys)
    assert code == 2 and "filesystem root" in err
    assert time.monotonic() - started < 5  # refused before the forecast, not after
    with pytest.raises(InputError, match="filesystem root"):
        with staged_output("/", force=True):
            pass
    assert sorted(p.name for p in Path("/").iterdir()) == before


def test_a_symbolic_link_is_refused_not_followed(tmp_path, capsys):
    real = tmp_path / "real"
    earlier = _earlier_output(real)
    link = tmp_path / "link"
    link.symlink_to(real, target_is_directory=True)
    code, err = _run(["quota", "--year", "2027", "--out", link, "--force"], capsys)
    assert code == 2 and "symbolic link" in err and str(real) in err
    assert link.is_symlink() and _snapshot(real) == earlier
    assert _hidden(tmp_path) == []


# 4. One run at a time into a folder ---------------------------------------------------------------

def test_a_second_run_into_a_locked_folder_is_refused_and_names_the_first(tmp_path, capsys):
    out = tmp_path / "quota-2027"
    earlier = _earlier_output(out)
    lock = lock_path(out)
    # Another live process holds the lock as a run does: the kernel lock, and its id in the file.
    holder = ("import fcntl, os, socket, sys, time\n"
              "fd = os.open(sys.argv[1], os.O_CREAT | os.O_RDWR, 0o644)\n"
              "fcntl.flock(fd, fcntl.LOCK_EX)\n"
              "os.write(fd, f'{os.getpid()} {socket.gethostname()}\\n'.encode())\n"
              "print('ready', flush=True)\n"
              "time.sleep(60)\n")
    other = subprocess.Popen([sys.executable, "-c", holder, str(lock)], stdout=subprocess.PIPE, text=True)
    try:
        assert other.stdout.readline().strip() == "ready"
        started = time.monotonic()
        code, err = _run(["quota", "--year", "2027", "--out", out, "--force"], capsys)
        assert code == 2 and time.monotonic() - started < 5
        assert f"process {other.pid} on {socket.gethostname()}" in err and "another run" in err
        assert str(lock) in err
        with pytest.raises(InputError, match=f"process {other.pid}"):
            with staged_output(out, force=True):
                pass
        assert lock.read_text(encoding="utf-8").split()[0] == str(other.pid)
    finally:
        other.kill()
        other.wait()
    assert _snapshot(out) == earlier
    assert _hidden(tmp_path) == [lock.name]


def test_a_lock_file_nobody_holds_is_taken_over_even_if_its_process_still_runs(tmp_path):
    # A killed run's process id may be reused by another program: only the kernel lock counts.
    out = tmp_path / "quota-2027"
    lock = lock_path(out)
    lock.write_text(f"{os.getppid()} {socket.gethostname()}\n", encoding="utf-8")
    with staged_output(out) as stage:
        assert lock.read_text(encoding="utf-8").split() == [str(os.getpid()), socket.gethostname()]
        (stage / "quota.csv").write_text("new")
    assert not lock.exists()


def test_a_stale_lock_is_taken_over_and_released(tmp_path):
    out = tmp_path / "quota-2027"
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    lock = lock_path(out)
    lock.write_text(f"{dead.pid} {socket.gethostname()}\n", encoding="utf-8")
    with staged_output(out) as stage:
        assert lock.read_text(encoding="utf-8").split() == [str(os.getpid()), socket.gethostname()]
        (stage / "quota.csv").write_text("new")
    assert not lock.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["quota-2027"]


# 5. SIGTERM ----------------------------------------------------------------------------------------

def _stages(out: Path) -> list[Path]:
    return sorted(p for p in out.parent.iterdir() if p.name.startswith(f".{out.name}."))


def _terminate_when(process: subprocess.Popen, out: Path, wait: float) -> bool:
    """SIGTERM ``process`` once a staging folder of ``out`` appears or after ``wait`` s."""
    deadline = time.monotonic() + wait
    staged = False
    while process.poll() is None and time.monotonic() < deadline:
        if _stages(out):
            staged = True
            break
        time.sleep(0.02)
    process.send_signal(signal.SIGTERM)
    return staged


def test_sigterm_stops_a_real_run_like_ctrl_c(tmp_path, capsys):
    out = tmp_path / "quota-2026"
    earlier = _earlier_output(out)
    process = subprocess.Popen([sys.executable, "-m", "forecast.cli", "quota", "--year", "2026", "--quiet",
                                "--out", str(out), "--force"], cwd=ROOT,
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 5
        while not lock_path(out).exists() and time.monotonic() < deadline:
            time.sleep(0.02)
        # While it runs, a second run into the same folder is refused and names it.
        code, err = _run(["quota", "--year", "2026", "--out", out, "--force"], capsys)
        assert code == 2 and f"process {process.pid} on {socket.gethostname()}" in err
        _terminate_when(process, out, wait=3)
        _, stderr = process.communicate(timeout=15)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    assert process.returncode == 143, stderr
    assert stderr.strip().splitlines() == ["labor-forecast: terminated; no output was written"]
    assert _stages(out) == [] and not lock_path(out).exists()
    assert _snapshot(out) == earlier


STAGED_AND_WAITING = textwrap.dedent("""
    import sys, time
    from pathlib import Path
    from forecast import cli
    from forecast.deliverables.outputs import staged_output

    def writing_slowly(args):
        with staged_output(args.out, force=args.force) as stage:
            (stage / "shortage.csv").write_text("half")
            time.sleep(60)
        return 0

    cli.HANDLERS["forecast"] = writing_slowly
    sys.exit(cli.main(sys.argv[1:]))
""")


def test_sigterm_while_writing_removes_the_staging_folder(tmp_path):
    out = tmp_path / "shortage-2026"
    earlier = _earlier_output(out, ["shortage.csv", "shortage.html"])
    process = subprocess.Popen([sys.executable, "-c", STAGED_AND_WAITING, "forecast", "--year",
                                "2026", "--out", str(out), "--force"], cwd=ROOT,
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        assert _terminate_when(process, out, wait=15), "the staging folder never appeared"
        _, stderr = process.communicate(timeout=15)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    assert process.returncode == 143
    assert stderr.strip().splitlines() == ["labor-forecast: terminated; no output was written"]
    assert _stages(out) == [] and not lock_path(out).exists()
    assert _snapshot(out) == earlier


# 6. A write error ----------------------------------------------------------------------------------

def test_a_full_disk_says_where_and_keeps_the_earlier_results(tmp_path, monkeypatch, capsys):
    from forecast.pipeline import backtest_job

    out = tmp_path / "backtest"
    earlier = _earlier_output(out, ["backtest.csv", "metrics.csv", "backtest.html"])

    def full_disk(path, payload):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(path))

    monkeypatch.setattr(backtest_job, "write_json", full_disk)
    code, err = _run(["backtest", "--h", "1", "--windows", "1", "--out", out, "--force",
                      "--quiet"], capsys)
    assert code == 2
    assert f"cannot write {out.resolve() / 'run.json'}: {os.strerror(errno.ENOSPC)}" in err
    assert "Traceback" not in err and "internal error" not in err
    assert _snapshot(out) == earlier
    assert _hidden(tmp_path) == []


# 7. --n-jobs ----------------------------------------------------------------------------------------

@pytest.mark.parametrize("command", [["quota", "--year", "2027"], ["forecast", "--year", "2026"]])
@pytest.mark.parametrize("value", ["0", "-3", "two"])
def test_bad_n_jobs_is_refused(command, value, tmp_path, capsys):
    with pytest.raises(SystemExit) as stop:
        cli.main([*command, "--n-jobs", value, "--out", str(tmp_path / "out")])
    assert stop.value.code == 2
    err = capsys.readouterr().err
    assert "--n-jobs" in err and "1 or more" in err and "Traceback" not in err
    assert list(tmp_path.iterdir()) == []


# 8-9. sample-data -----------------------------------------------------------------------------------

def test_sample_data_into_a_file_is_refused(tmp_path, capsys):
    target = tmp_path / "data"
    target.write_text("a file", encoding="utf-8")
    for force in ([], ["--force"]):
        code, err = _run(["sample-data", target, *force], capsys)
        assert code == 2 and "is not a folder" in err and "internal error" not in err
    assert target.read_text(encoding="utf-8") == "a file"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["data"]


def test_sample_data_force_refuses_a_table_given_in_another_format(tmp_path, capsys):
    target = tmp_path / "data"
    target.mkdir()
    (target / "employment.parquet").write_bytes(b"PAR1 not really")
    (target / "notes.md").write_text("mine", encoding="utf-8")
    before = _snapshot(target)
    code, err = _run(["sample-data", target, "--force"], capsys)
    assert code == 2 and "employment.parquet" in err and "employment.csv" in err
    assert _snapshot(target) == before
    # Without a conflict, --force writes into the folder and keeps the other files.
    (target / "employment.parquet").unlink()
    code, _ = _run(["sample-data", target, "--force"], capsys)
    assert code == 0 and (target / "employment.csv").exists() and (target / "notes.md").exists()


# 10. Permissions follow the umask ---------------------------------------------------------------

@pytest.mark.parametrize("umask, mode", [(0o022, 0o755), (0o027, 0o750), (0o002, 0o775)])
def test_output_folders_follow_the_umask(tmp_path, umask, mode):
    old = os.umask(umask)
    try:
        with staged_output(tmp_path / "out") as stage:
            (stage / "quota.csv").write_text("x")
    finally:
        os.umask(old)
    assert (tmp_path / "out").stat().st_mode & 0o777 == mode


def test_json_outputs_write_missing_numbers_as_null():
    import json

    import numpy as np

    from forecast.deliverables.outputs import strict_json

    text = strict_json({"a": float("nan"), "b": [1.5, float("inf"), np.float32(0.25)], "c": (np.nan,),
                        "d": {"e": -np.inf, "f": "NaN"}})
    assert json.loads(text) == {"a": None, "b": [1.5, None, 0.25], "c": [None], "d": {"e": None, "f": "NaN"}}
    assert "NaN" not in text.replace('"NaN"', "") and "Infinity" not in text
