"""Small file-system helpers shared by the commands that write folders."""

from __future__ import annotations

import os

__all__ = ["current_umask"]


def current_umask() -> int:
    """The process's umask (reading it means setting it, so it is set straight back)."""
    old = os.umask(0)
    os.umask(old)
    return old
