"""real-data and sample-data write whole folders or nothing, and never through links."""

import os

import pytest

from forecast.inputs.errors import InputError
from forecast.inputs.real.assemble import staged_directory, write_real_directory
from forecast.inputs.sample import write_sample_directory


def test_a_failed_write_leaves_the_earlier_folder_as_it_was(tmp_path):
    target = tmp_path / "kz"
    target.mkdir()
    (target / "employment.csv").write_text("earlier")
    with pytest.raises(RuntimeError):
        with staged_directory(target) as stage:
            (stage / "employment.csv").write_text("half")
            raise RuntimeError("killed")
    assert (target / "employment.csv").read_text() == "earlier"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["kz"]


def test_a_finished_write_replaces_the_folder_whole(tmp_path):
    target = tmp_path / "kz"
    target.mkdir()
    (target / "old.csv").write_text("earlier")
    with staged_directory(target) as stage:
        (stage / "employment.csv").write_text("new")
    assert sorted(p.name for p in target.iterdir()) == ["employment.csv"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["kz"]
    empty = tmp_path / "empty"
    empty.mkdir()
    with staged_directory(empty) as stage:
        (stage / "a.csv").write_text("x")
    assert [p.name for p in empty.iterdir()] == ["a.csv"]


def test_real_data_force_refuses_links_in_the_folder(tmp_path):
    precious = tmp_path / "precious.csv"
    precious.write_text("mine")
    target = tmp_path / "kz"
    target.mkdir()
    (target / "real-data.json").write_text("{}")
    os.symlink(precious, target / "quota.csv")
    with pytest.raises(InputError, match="quota.csv is not a plain file"):
        write_real_directory(target, force=True)
    assert precious.read_text() == "mine"
    link = tmp_path / "link"
    os.symlink(target, link)
    with pytest.raises(InputError, match="is a symbolic link"):
        write_real_directory(link, force=True)


def test_sample_data_replaces_a_link_rather_than_writing_through_it(tmp_path):
    precious = tmp_path / "precious.csv"
    precious.write_text("mine")
    target = tmp_path / "sample"
    target.mkdir()
    os.symlink(precious, target / "employment.csv")
    written = write_sample_directory(target)
    assert precious.read_text() == "mine"
    assert not (target / "employment.csv").is_symlink()
    assert target / "employment.csv" in written
    assert not [p for p in target.iterdir() if p.name.startswith(".")]


def test_an_employment_table_cut_short_is_refused_naming_the_regions(tmp_path):
    from forecast import load_data
    from forecast.inputs.errors import DataValidationError

    folder = tmp_path / "data"
    write_sample_directory(folder)
    lines = (folder / "employment.csv").read_text(encoding="utf-8").splitlines(keepends=True)
    (folder / "employment.csv").write_text("".join(lines[: int(len(lines) * 0.7)]), encoding="utf-8")
    with pytest.raises(DataValidationError) as refused:
        load_data(folder)
    text = "\n".join(str(p) for p in refused.value.problems)
    assert "has population up to" in text and "is the file cut short?" in text


def _refuse() -> None:
    raise InputError("refused after the clean-up")


def test_an_earlier_folder_stranded_by_a_kill_is_put_back_before_the_next_write(tmp_path):
    from forecast.deliverables.outputs import make_backup

    target = tmp_path / "kz"
    target.mkdir()
    (target / "employment.csv").write_text("earlier")
    make_backup(target)  # a run killed between its two renames: the earlier folder moved aside
    assert not target.exists()
    seen = []

    def check():
        seen.append(sorted(p.name for p in target.iterdir()))
        _refuse()

    with pytest.raises(InputError, match="refused after the clean-up"):
        with staged_directory(target, check=check):
            pass
    # The check saw the earlier folder back in place, and nothing else was left beside it.
    assert seen == [["employment.csv"]]
    assert (target / "employment.csv").read_text() == "earlier"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["kz"]
    make_backup(target)
    with staged_directory(target) as stage:  # no check: put back, then replaced whole
        (stage / "employment.csv").write_text("new")
    assert (target / "employment.csv").read_text() == "new"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["kz"]


def test_a_killed_writers_staging_folder_is_deleted_and_a_users_folder_is_not(tmp_path):
    import socket
    import subprocess
    import sys

    from forecast.deliverables.outputs import OWNER

    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    target = tmp_path / "kz"
    stranded = tmp_path / ".kz.abc123"
    stranded.mkdir()
    (stranded / OWNER).write_text(f"{dead.pid} {socket.gethostname()}\n")
    (stranded / "employment.csv").write_text("half")
    users = tmp_path / ".kz.notes"
    users.mkdir()
    (users / "notes.txt").write_text("mine")
    with staged_directory(target) as stage:
        (stage / "employment.csv").write_text("new")
    assert not stranded.exists()
    assert (users / "notes.txt").read_text() == "mine"
    assert sorted(p.name for p in tmp_path.iterdir()) == [".kz.notes", "kz"]


def test_a_second_writer_is_refused_while_one_holds_the_folder(tmp_path):
    import subprocess
    import sys

    target = tmp_path / "kz"
    holder = subprocess.Popen(
        [sys.executable, "-c",
         "import sys, time; from forecast.deliverables.locking import output_lock\n"
         f"with output_lock({str(target)!r}):\n"
         "    print('held', flush=True); time.sleep(30)\n"],
        stdout=subprocess.PIPE, text=True, env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)})
    try:
        assert holder.stdout.readline().strip() == "held"
        with pytest.raises(InputError, match=r"another run \(process \d+ .*\) is writing .*kz"):
            with staged_directory(target) as stage:
                (stage / "employment.csv").write_text("new")
        assert not target.exists()
    finally:
        holder.kill()
        holder.wait()
