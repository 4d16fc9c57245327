"""Writing results: all files into a temporary folder first, moved into place at the end.

A run that fails or is killed half-way leaves no half-written output and never touches the
results of an earlier run; an existing output folder is replaced only when asked to.

A process killed outright (SIGKILL, power loss) cannot clean up after itself. The next run into
the same folder does it: it deletes staging folders whose process is gone (each records its
process id and host in a ``.owner`` file) and, if the kill came between the two final renames,
puts the earlier results back where they were.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import socket
import tempfile
from pathlib import Path
from typing import Iterator

from forecast.inputs.errors import InputError


@contextlib.contextmanager
def staged_output(target: str | Path, force: bool = False) -> Iterator[Path]:
    """Yield a temporary folder beside ``target``; on success it becomes ``target``.

    Raises
    ------
    InputError
        If ``target`` exists and ``force`` is false, or its parent cannot be written.
    """
    target = Path(target).resolve()
    recover(target)
    if target.exists() and not force:
        raise InputError(f"output folder {target} already exists; choose another with --out or "
                         "pass --force to replace it")
    if target.exists() and not target.is_dir():
        raise InputError(f"output path {target} exists and is not a folder")
    parent = target.parent
    try:
        parent.mkdir(parents=True, exist_ok=True)
        stage = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=parent))
    except OSError as exc:
        raise InputError(f"cannot write into {parent}: {exc.strerror or exc}") from None
    (stage / OWNER).write_text(f"{os.getpid()} {socket.gethostname()}\n", encoding="utf-8")
    try:
        yield stage
    except BaseException:
        shutil.rmtree(stage, ignore_errors=True)
        raise
    (stage / OWNER).unlink()
    backup = None
    if target.exists():
        backup = Path(tempfile.mkdtemp(prefix=f".{target.name}.old.", dir=parent))
        backup.rmdir()
        os.replace(target, backup)
    os.replace(stage, target)
    if backup is not None:
        shutil.rmtree(backup, ignore_errors=True)


OWNER = ".owner"


def recover(target: Path) -> None:
    """Clean up after runs into ``target`` that were killed outright.

    - A staging folder ``.<name>.<random>`` whose ``.owner`` process no longer runs on this host
      is deleted (one without an owner file, or of another host, is left alone).
    - A backup ``.<name>.old.<random>`` is the earlier results moved aside for a replacement: if
      ``target`` is missing, the kill came between the two renames and the backup is put back;
      otherwise the replacement finished and the backup is deleted.
    """
    parent = target.parent
    if not parent.is_dir():
        return
    prefix = f".{target.name}."
    for path in sorted(parent.iterdir()):
        if not path.name.startswith(prefix) or not path.is_dir() or path.is_symlink():
            continue
        if path.name.startswith(prefix + "old."):
            if not target.exists():
                os.replace(path, target)
            else:
                shutil.rmtree(path, ignore_errors=True)
        elif _owner_gone(path / OWNER):
            shutil.rmtree(path, ignore_errors=True)


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
    path.write_text(json.dumps(payload, indent=2, sort_keys=True, ensure_ascii=False, default=str)
                    + "\n", encoding="utf-8")
