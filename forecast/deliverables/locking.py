"""One run at a time into an output folder: a lock file beside it, held with the kernel's lock.

A run holds ``.<name>-lock`` beside its output folder (:func:`output_lock`) while it works; the
file records the holder's process id and host, for the message a second run gets. The lock itself
is the kernel's (``flock``), which is released when its process dies however it dies, so a lock
file left by a killed run is taken over by the next run, and two runs can never both take it.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import socket
from pathlib import Path
from typing import Iterator

from forecast.inputs.errors import InputError

__all__ = ["lock_path", "output_lock"]


def lock_path(target: str | Path) -> Path:
    """The lock file of runs into ``target``: ``.<name>-lock`` beside it."""
    target = Path(target).resolve()
    return target.parent / f".{target.name}-lock"


_HELD: dict[Path, int] = {}  # lock files this process holds, and how many times


@contextlib.contextmanager
def output_lock(target: str | Path) -> Iterator[Path]:
    """Hold the exclusive lock of runs into ``target`` (re-entrant within one process).

    Raises
    ------
    InputError
        If another process holds it. The lock is the kernel's (``flock``) on the file, which
        records the holder's process id and host for the message: a file left by a killed run
        is held by nobody and is taken over.
    """
    lock = lock_path(target)
    if lock in _HELD:
        _HELD[lock] += 1
        try:
            yield lock
        finally:
            _HELD[lock] -= 1
        return
    try:
        lock.parent.mkdir(parents=True, exist_ok=True)
        fd = _take_lock(lock, Path(target).resolve())
    except OSError as exc:
        raise InputError(f"cannot write into {lock.parent}: {exc.strerror or exc}") from None
    _HELD[lock] = 1
    try:
        yield lock
    finally:
        del _HELD[lock]
        # Unlinked while still held: a run that opened this file meanwhile finds it is no
        # longer the lock's path and takes a fresh one.
        with contextlib.suppress(OSError):
            lock.unlink()
        os.close(fd)


def _take_lock(lock: Path, target: Path) -> int:
    """An open descriptor holding the kernel lock of ``lock``, which records this process.

    The kernel releases the lock of a process that dies, however it dies, so a lock file left
    by a killed run is simply taken over, and two runs can never both take it over.
    """
    for _ in range(10):
        fd = os.open(lock, os.O_CREAT | os.O_RDWR, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            try:
                owner = " on ".join(lock.read_text(encoding="utf-8").split()) or "unknown"
            except OSError:
                owner = "unknown"
            raise InputError(f"another run (process {owner}) is writing {target}; wait for it to "
                             f"finish, or delete {lock} if that process is gone") from None
        try:
            same = os.stat(lock).st_ino == os.fstat(fd).st_ino
        except FileNotFoundError:
            same = False
        if not same:  # its holder removed it between our open and our lock: try again
            os.close(fd)
            continue
        os.ftruncate(fd, 0)
        os.write(fd, f"{os.getpid()} {socket.gethostname()}\n".encode("utf-8"))
        return fd
    raise InputError(f"cannot take the lock {lock}; delete it if no run is writing {target}")
