"""Helpers shared by the benchmarks: pinning to the target's cores, peak memory, saving results."""

from __future__ import annotations

import os
import platform
import resource
from pathlib import Path

from forecast.deliverables.outputs import strict_json

RESULTS_DIR = Path(__file__).resolve().parent / "results"


def pin_to_cores(cores: int) -> int:
    """Restrict this process to ``cores`` CPUs where the OS allows it; return the count used."""
    if hasattr(os, "sched_setaffinity"):
        available = sorted(os.sched_getaffinity(0))
        os.sched_setaffinity(0, available[:cores])
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or cores


def peak_rss_mb() -> float:
    """Peak resident memory of this process so far, in MB."""
    # ru_maxrss is in kilobytes on Linux and bytes on macOS.
    scale = 1024 * 1024 if platform.system() == "Darwin" else 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / scale


def save_json(path: Path, payload: dict) -> Path:
    """Write ``payload`` as indented standard JSON to ``path`` (a missing number is ``null``),
    creating its folder; return the path."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(strict_json(payload) + "\n", encoding="utf-8")
    return path
