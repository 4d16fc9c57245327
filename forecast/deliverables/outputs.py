"""Writing results: all files into a temporary folder first, moved into place at the end.

A run that fails or is killed half-way leaves no half-written output and never touches the
results of an earlier run; an existing output folder is replaced only when asked to, and only
if it holds nothing but an earlier output of this library (:func:`check_output_target`).

Two runs into the same folder at once are refused: a run holds a lock file ``.<name>-lock``
beside its output folder (process id and host) while it works
(:func:`forecast.deliverables.locking.output_lock`).

A process killed outright (SIGKILL, power loss) cannot clean up after itself. The next run into
the same folder does it: it deletes staging folders whose process is gone (each records its
process id and host in a ``.owner`` file), takes over a lock file nobody holds any more, and, if
the kill came between the two final renames, puts the earlier results back where they were.
"""

from __future__ import annotations

import contextlib
import json
import math
import os
import re
import shutil
import socket
import sys
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import Iterator

import numpy as np

from forecast.deliverables.locking import output_lock
from forecast.inputs.errors import InputError, option
from forecast.inputs.files import current_umask

# The package name each run.json records (forecast.pipeline.manifest.PACKAGE; not imported
# from there so that the command line checks its output folder without the numerical stack).
PACKAGE = "labor-demand-forecast"

# The files each command writes into its output folder.
OUTPUT_FILES = {
    "quota": frozenset({"quota.csv", "quota.xlsx", "report.html", "run.json"}),
    "forecast": frozenset({"shortage.csv", "shortage.html", "run.json"}),
    "backtest": frozenset({"backtest.csv", "metrics.csv", "backtest.html", "run.json"}),
}


def check_output_target(out: str | Path, force: bool = False,
                        protected: Iterable[str | Path | None] = (),
                        require_manifest: bool = True) -> None:
    """Refuse an output folder that a run must not write or replace, before any work.

    Refused: a symbolic link (rather than replacing what it points to); a filesystem root;
    the current directory or a folder that contains it; any of ``protected`` (the run's data
    directory, policy file) or a folder that contains one; a path that exists and is not a
    folder; an existing folder that is not empty unless ``force``; and, with ``force``, a folder
    that holds anything but an earlier output of this library: only the files one command
    writes, and (with ``require_manifest``) a ``run.json`` whose ``"package"`` is this one.
    An empty existing folder may be used.

    Raises
    ------
    InputError
        Saying which rule the folder breaks.
    """
    given = Path(out)
    if given.is_symlink():
        raise InputError(f"output folder {given} is a symbolic link (to {os.readlink(given)}); "
                         "refusing to write through it or replace what it points to; choose "
                         f"another folder with {option('out')}")
    target = given.resolve()
    if target == Path(target.anchor) or not target.name:
        raise InputError(f"output folder {target} is a filesystem root; choose another folder "
                         f"with {option('out')}")
    cwd = Path.cwd().resolve()
    if target == cwd or target in cwd.parents:
        what = "is" if target == cwd else "contains"
        raise InputError(f"output folder {target} {what} the current directory; it would be "
                         f"replaced by the results; choose another folder with {option('out')}")
    for path in protected:
        if path is None:
            continue
        inp = Path(path).resolve()
        if target == inp or target in inp.parents:
            kind = "folder" if inp.is_dir() else "file"
            what = (f"is an input {kind} of this run" if target == inp
                    else f"contains {inp}, an input {kind} of this run")
            raise InputError(f"output folder {target} {what} (outputs never replace inputs); "
                             f"choose another folder with {option('out')}")
    if not target.exists():
        return
    if not target.is_dir():
        raise InputError(f"output path {target} exists and is not a folder; choose another "
                         f"with {option('out')}")
    entries = sorted(target.iterdir())
    if not entries:
        return
    # A folder that is not an earlier output is refused whatever ``force`` says, and the
    # message does not offer a replacement that would be refused too.
    problem = _not_an_output(target, entries, require_manifest)
    if problem:
        why = (f"{option('force', True)} replaces only an earlier output folder of labor-forecast"
               if force else "it is not an earlier output folder of labor-forecast")
        raise InputError(f"output folder {target} already exists and {why}: {problem}; choose "
                         f"another folder with {option('out')}")
    if not force:
        raise InputError(f"output folder {target} already exists; choose another with "
                         f"{option('out')} or pass {option('force', True)} to replace it")


def _not_an_output(target: Path, entries: list[Path], require_manifest: bool) -> str | None:
    """Why the folder ``target`` holding ``entries`` is not an earlier output, or None."""
    names = {p.name for p in entries}
    foreign = sorted(p.name for p in entries if p.is_symlink() or not p.is_file())
    if not foreign and not any(names <= files for files in OUTPUT_FILES.values()):
        known = frozenset().union(*OUTPUT_FILES.values())
        foreign = sorted(names - known) or sorted(names)
    problem = None
    if foreign:
        shown = ", ".join(foreign[:5]) + (f" and {len(foreign) - 5} more" if len(foreign) > 5 else "")
        problem = f"it holds {shown}, not written by labor-forecast"
    elif require_manifest or "run.json" in names:
        try:
            package = json.loads((target / "run.json").read_text(encoding="utf-8")).get("package")
        except (OSError, ValueError, AttributeError):
            package = None
        if package != PACKAGE:
            problem = ("its run.json is missing or not one of labor-forecast"
                       if "run.json" in names else "it has no run.json of labor-forecast")
    return problem


@contextlib.contextmanager
def staged_output(target: str | Path, force: bool = False) -> Iterator[Path]:
    """Yield a temporary folder beside ``target``; on success it becomes ``target``.

    Holds :func:`output_lock` meanwhile. The folder gets the permissions of the user's umask.

    Raises
    ------
    InputError
        If :func:`check_output_target` refuses ``target`` (an existing non-empty folder is
        replaced only with ``force``, and only if it holds an earlier output), another run
        holds its lock, or the results cannot be written (saying where).
    """
    check_output_target(target, force, require_manifest=False)
    target = Path(target).resolve()
    with output_lock(target):
        recover(target)
        check_output_target(target, force, require_manifest=False)
        parent = target.parent
        try:
            parent.mkdir(parents=True, exist_ok=True)
            stage = new_stage(target)
        except OSError as exc:
            raise InputError(f"cannot write into {parent}: {exc.strerror or exc}") from None
        try:
            yield stage
            seal_stage(stage)
        except OSError as exc:
            shutil.rmtree(stage, ignore_errors=True)
            raise InputError(f"cannot write {_where(exc, stage, target)}: "
                             f"{exc.strerror or exc}") from None
        except BaseException:
            shutil.rmtree(stage, ignore_errors=True)
            raise
        backup = None
        try:
            if target.exists():
                backup = make_backup(target)
                moved = backup / target.name
                changed = _not_an_output(moved, list(moved.iterdir()), require_manifest=False)
                if changed:
                    os.replace(moved, target)  # put it back untouched, and replace nothing
                    shutil.rmtree(backup, ignore_errors=True)
                    shutil.rmtree(stage, ignore_errors=True)
                    raise InputError(f"output folder {target} changed during the run: {changed}; "
                                     "nothing was replaced; choose another folder with "
                                     f"{option('out')}")
            os.replace(stage, target)
        except OSError as exc:
            shutil.rmtree(stage, ignore_errors=True)
            if backup is not None and (backup / target.name).exists() and not target.exists():
                os.replace(backup / target.name, target)  # the earlier results back where they were
            raise InputError(f"cannot write {target}: {exc.strerror or exc}") from None
        if backup is not None:
            remove_backup(backup)


def new_stage(target: Path) -> Path:
    """A new staging folder ``.<name>.<random>`` beside ``target``, owned by this process: its
    owner file names the process and host, so that :func:`recover` deletes it only once that
    process is gone."""
    stage = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=target.parent))
    try:
        (stage / OWNER).write_text(f"{os.getpid()} {socket.gethostname()}\n", encoding="utf-8")
    except BaseException:
        shutil.rmtree(stage, ignore_errors=True)
        raise
    return stage


def seal_stage(stage: Path) -> None:
    """Ready a written staging folder to become its target: without the owner file, and with
    the permissions of the user's umask."""
    (stage / OWNER).unlink()
    os.chmod(stage, 0o777 & ~current_umask())


def make_backup(target: Path) -> Path:
    """Move ``target`` into a new backup folder beside it, marked as this library's backup of it
    before the move, so that :func:`recover` restores or deletes only what was moved there.
    Returns the backup folder; :func:`remove_backup` deletes it once the replacement is in."""
    backup = Path(tempfile.mkdtemp(prefix=f".{target.name}.old.", dir=target.parent))
    (backup / BACKUP_MARK).write_text(target.name + "\n", encoding="utf-8")
    os.replace(target, backup / target.name)
    return backup


def remove_backup(backup: Path) -> None:
    """Delete a backup of earlier results, making read-only folders in it writable first."""
    def retry_writable(function, path, _):
        with contextlib.suppress(OSError):
            os.chmod(Path(path).parent, 0o700)
            os.chmod(path, 0o700)
            function(path)

    if _ONEXC:
        shutil.rmtree(backup, onexc=retry_writable)
    else:
        shutil.rmtree(backup, onerror=retry_writable)


def _where(exc: OSError, stage: Path, target: Path) -> Path:
    """The output path an error while writing the stage is about (the target, not the stage)."""
    try:
        return target / Path(exc.filename).resolve().relative_to(stage.resolve())
    except (TypeError, ValueError, OSError):
        return target


OWNER = ".owner"
# Written into a backup folder before the earlier results are moved into it; holds the name of
# the output folder the backup belongs to.
BACKUP_MARK = ".backup-of"
_ONEXC = sys.version_info >= (3, 12)


def recover(target: Path) -> None:
    """Clean up after runs into ``target`` that were killed outright.

    - A staging folder ``.<name>.<random>`` whose ``.owner`` process no longer runs on this host
      is deleted (one without an owner file, or of another host, is left alone).
    - A backup ``.<name>.old.<random>`` holding a ``.backup-of`` mark with ``<name>`` keeps the
      earlier results moved aside for a replacement: if ``target`` is missing, the kill came
      between the two renames and they are put back; otherwise the replacement finished and the
      backup is deleted. A folder without the mark is never touched, whatever its name.
    """
    parent = target.parent
    if not parent.is_dir():
        return
    prefix = f".{target.name}."
    for path in sorted(parent.iterdir()):
        if not path.name.startswith(prefix) or not path.is_dir() or path.is_symlink():
            continue
        if _backup_of(path) == target.name:
            kept = path / target.name
            if not target.exists() and kept.is_dir() and not kept.is_symlink():
                os.replace(kept, target)
            remove_backup(path)
        elif _owner_gone(path / OWNER):
            shutil.rmtree(path, ignore_errors=True)


def _backup_of(folder: Path) -> str | None:
    mark = folder / BACKUP_MARK
    if mark.is_symlink() or not mark.is_file():
        return None
    try:
        return mark.read_text(encoding="utf-8").strip()
    except OSError:
        return None


def _owner_gone(owner: Path) -> bool:
    try:
        pid_text, host = owner.read_text(encoding="utf-8").split()
        pid = int(pid_text)
    except (OSError, ValueError):
        return False
    if host != socket.gethostname() or pid == os.getpid():
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except OSError:  # exists but belongs to someone else
        return False
    return False


def write_json(path: Path, payload: dict) -> None:
    path.write_text(strict_json(payload, sort_keys=True, ensure_ascii=False) + "\n", encoding="utf-8")


def strict_json(payload, **options) -> str:
    """``payload`` as indented standard JSON: a missing or infinite number is ``null``, since
    ``NaN`` and ``Infinity`` are not JSON and most readers (``JSON.parse``, ``jq``) refuse them."""
    return json.dumps(_finite(payload), indent=2, default=str, allow_nan=False, **options)


def _finite(value):
    if isinstance(value, (float, np.floating)):
        return float(value) if math.isfinite(value) else None
    if isinstance(value, dict):
        return {key: _finite(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_finite(item) for item in value]
    return value


# Text a spreadsheet reads as a formula (OWASP, "CSV Injection"): cells that begin with one of
# these are prefixed with a single quote, so they are shown and stored as text. A lone "-" or
# "+" (the placeholder of an empty cell) and a signed number written as text are not formulas
# and are left alone.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_SIGNED_NUMBER = re.compile(r"^[+-](\d+([.,]\d*)?|[.,]\d+)([eE][+-]?\d+)?%?$")


def _is_formula_like(value: object) -> bool:
    if not isinstance(value, str) or not value.startswith(FORMULA_STARTS):
        return False
    if value[0] in "+-":
        return len(value) > 1 and not _SIGNED_NUMBER.match(value)
    return True


def safe_text(value: object) -> object:
    """``value`` with a leading ``'`` if it is text a spreadsheet would run as a formula.

    Only ``str`` values change (``"=HYPERLINK(1).csv"`` -> ``"'=HYPERLINK(1).csv"``, also text
    beginning with ``+``, ``-``, ``@``, a tab or a carriage return); numbers, negative ones
    included, are returned as they are, and so are ``"-"`` alone and ``"-12.5"``. Used for every
    text cell of ``quota.xlsx`` and ``quota.csv``, which can hold input (names, warnings,
    messages, file names).
    """
    return "'" + value if _is_formula_like(value) else value


def safe_frame(frame):
    """A DataFrame with :func:`safe_text` applied to its text cells (numeric columns are never
    touched), for writing as CSV; the frame itself when nothing needs it."""
    import pandas as pd  # imported here: the command line checks outputs without pandas

    columns = [c for c in frame.columns if pd.api.types.is_object_dtype(frame[c])
               or pd.api.types.is_string_dtype(frame[c])]
    needs = [c for c in columns if frame[c].map(_is_formula_like).any()]
    if not needs:
        return frame
    return frame.assign(**{c: frame[c].map(safe_text) for c in needs})
