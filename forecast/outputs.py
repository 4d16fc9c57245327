"""Writing results: all files into a temporary folder first, moved into place at the end.

A run that fails or is killed half-way leaves no half-written output and never touches the
results of an earlier run; an existing output folder is replaced only when asked to.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import tempfile
from pathlib import Path
from typing import Iterator

from forecast.errors import InputError


@contextlib.contextmanager
def staged_output(target: str | Path, force: bool = False) -> Iterator[Path]:
    """Yield a temporary folder beside ``target``; on success it becomes ``target``.

    Raises
    ------
    InputError
        If ``target`` exists and ``force`` is false, or its parent cannot be written.
    """
    target = Path(target).resolve()
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
    try:
        yield stage
    except BaseException:
        shutil.rmtree(stage, ignore_errors=True)
        raise
    backup = None
    if target.exists():
        backup = Path(tempfile.mkdtemp(prefix=f".{target.name}.old.", dir=parent))
        backup.rmdir()
        os.replace(target, backup)
    os.replace(stage, target)
    if backup is not None:
        shutil.rmtree(backup, ignore_errors=True)


def write_json(path: Path, payload: dict) -> None:
    path.write_text(json.dumps(payload, indent=2, sort_keys=True, ensure_ascii=False, default=str)
                    + "\n", encoding="utf-8")
