"""Wall time of the main job on the embedded sample, as a user runs it.

Run from the repository root::

    python -m benchmarks.pipeline.main_job            # 5 runs
    python -m benchmarks.pipeline.main_job --quick    # 2 runs

Each run is a fresh ``labor-forecast quota --year 2027`` process (start-up, imports, loading,
forecasting, writing), pinned to at most 2 CPU cores. Prints the timings and writes
``benchmarks/results/main_job.json`` (``main_job_quick.json`` with ``--quick``). Target: under
10 s wall.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks._process import RESULTS_DIR, save_json

TARGET_SECONDS = 10.0


def _command() -> list[str]:
    script = Path(sys.executable).with_name("labor-forecast")
    return [str(script)] if script.exists() else [sys.executable, "-m", "forecast.cli"]


def run(repeats: int, cores: int = 2, year: int = 2027) -> dict:
    """Run the main job ``repeats`` times; return the measurements."""
    affinity = None
    if hasattr(os, "sched_getaffinity"):
        affinity = sorted(os.sched_getaffinity(0))[:cores]
    timings = []
    work = Path(tempfile.mkdtemp(prefix="main-job-"))
    try:
        for i in range(repeats):
            out = work / f"quota-{i}"
            start = time.perf_counter()
            subprocess.run(_command() + ["quota", "--year", str(year), "--out", str(out), "--quiet"],
                           check=True, preexec_fn=(lambda: os.sched_setaffinity(0, affinity))
                           if affinity else None)
            timings.append(time.perf_counter() - start)
        total = json.loads((work / "quota-0" / "run.json").read_text())["totals"]["quota"]
    finally:
        shutil.rmtree(work, ignore_errors=True)
    median = statistics.median(timings)
    return {"benchmark": "main_job", "command": f"labor-forecast quota --year {year}",
            "repeats": repeats, "cores": len(affinity) if affinity else os.cpu_count(),
            "seconds": [round(t, 3) for t in timings], "median_seconds": round(median, 3),
            "target_seconds": TARGET_SECONDS, "meets_target": median < TARGET_SECONDS,
            "quota_total": total, "python": platform.python_version(),
            "machine": platform.machine(), "cpu_count": os.cpu_count()}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="2 runs instead of 5")
    args = parser.parse_args(argv)
    result = run(2 if args.quick else 5)
    save_json(RESULTS_DIR / ("main_job_quick.json" if args.quick else "main_job.json"), result)
    print(f"main job: median {result['median_seconds']:.2f} s over {result['repeats']} runs "
          f"({', '.join(f'{t:.2f}' for t in result['seconds'])}); target < {TARGET_SECONDS:.0f} s: "
          f"{'met' if result['meets_target'] else 'NOT met'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
