"""Shared benchmark plumbing: machine facts, versions, peers, tables and JSON output."""

from __future__ import annotations

import importlib
import json
import os
import platform
import resource
import sys
from datetime import datetime, timezone
from pathlib import Path

import numpy as np
import pandas as pd

RESULTS = Path(__file__).resolve().parents[1] / "results"


def machine_info() -> dict:
    return {
        "python": sys.version.split()[0],
        "platform": platform.platform(),
        "processor": platform.processor() or platform.machine(),
        "cpu_count": os.cpu_count(),
    }


def versions(*names: str) -> dict:
    out = {}
    for name in ("numpy", "pandas", "statsmodels", "sklearn", "joblib", *names):
        try:
            out[name] = importlib.import_module(name).__version__
        except ImportError:
            out[name] = None
    return out


def run_record(module: str, quick: bool = False) -> dict:
    """What every result records of its run: the command that reruns it, when, the machine
    and the library versions."""
    return {"command": f"python -m {module}" + (" --quick" if quick else ""),
            "created": datetime.now(timezone.utc).isoformat(timespec="seconds"),
            "machine": machine_info(), "versions": versions()}


def optional(name: str):
    """The module, or None when it is not installed (peers are an optional extra)."""
    try:
        return importlib.import_module(name)
    except ImportError:
        return None


def peak_memory_mb() -> float:
    """Peak resident memory of this process so far (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def print_table(rows: list[dict], columns: list[str]) -> None:
    frame = pd.DataFrame(rows)[columns]
    print(frame.to_string(index=False, float_format=lambda v: f"{v:.3f}"))


def write_json(name: str, payload: dict) -> Path:
    """Write ``results/<name>.json`` (``<name>-quick.json`` in quick mode, keeping full results)."""
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / (f"{name}-quick.json" if payload.get("quick") else f"{name}.json")

    def default(value):
        if isinstance(value, (np.integer,)):
            return int(value)
        if isinstance(value, (np.floating,)):
            return None if not np.isfinite(value) else float(value)
        raise TypeError(type(value).__name__)

    path.write_text(json.dumps(payload, indent=2, default=default, allow_nan=False) + "\n")
    print(f"wrote {path}")
    return path


def clean(value):
    """Float for JSON, None for NaN."""
    value = float(value)
    return value if np.isfinite(value) else None
