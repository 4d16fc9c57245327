"""Wall time of the main job on the embedded sample, as a user runs it.

Run from the repository root::

    python -m benchmarks.pipeline.main_job            # 5 runs
    python -m benchmarks.pipeline.main_job --quick    # 2 runs

Each run is a fresh ``labor-forecast quota --year 2027`` process (start-up, imports, loading,
forecasting, writing), pinned to at most 2 CPU cores. The same command with ``--n-jobs 2`` is
timed beside it, one more run records when each stage began (the progress lines on stderr), and
a fixed pure-Python loop is timed so that figures from machines of different speed can be set
side by side. Each run's CPU time (user and system, of the process and of the helper process it
waits for) is recorded too: divided by the cores, it is the least wall time any schedule of the
same work could take on them, the bound the wall time is compared with. Prints the timings and
writes ``benchmarks/results/main_job.json`` (``main_job_quick.json`` with ``--quick``). Target:
under 10 s wall.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
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


def reference_loop_seconds() -> float:
    """Seconds of a fixed pure-Python loop: how fast this machine runs the interpreter."""
    start = time.perf_counter()
    total = 0
    for i in range(10_000_000):
        total += i
    return round(time.perf_counter() - start, 3)


def _stages(stderr: str) -> list[dict]:
    """The progress lines ``[  1.5 s] stage`` of one run, as ``{"at_seconds", "stage"}``."""
    rows = []
    for line in stderr.splitlines():
        match = re.match(r"\[\s*([0-9.]+) s\] (.+)", line)
        if match:
            rows.append({"at_seconds": float(match.group(1)), "stage": match.group(2)})
    return rows


def _children_cpu_seconds() -> float:
    """User and system seconds of every finished child process waited for so far (and of the
    children they waited for); POSIX only."""
    import resource

    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run(repeats: int, cores: int = 2, year: int = 2027) -> dict:
    """Run the main job ``repeats`` times (and with ``--n-jobs 2``); return the measurements."""
    affinity = None
    if hasattr(os, "sched_getaffinity"):
        affinity = sorted(os.sched_getaffinity(0))[:cores]
    pin = (lambda: os.sched_setaffinity(0, affinity)) if affinity else None
    timings, parallel, cpu = [], [], []
    work = Path(tempfile.mkdtemp(prefix="main-job-"))
    command = _command() + ["quota", "--year", str(year)]
    try:
        for i in range(repeats):
            for extra, into in (([], timings), (["--n-jobs", "2"], parallel)):
                out = work / f"quota-{len(into)}{'-parallel' if extra else ''}"
                before = _children_cpu_seconds()
                start = time.perf_counter()
                subprocess.run(command + ["--out", str(out), "--quiet", *extra], check=True,
                               preexec_fn=pin)
                into.append(time.perf_counter() - start)
                if not extra:
                    cpu.append(_children_cpu_seconds() - before)
        total = json.loads((work / "quota-0" / "run.json").read_text())["totals"]["quota"]
        logged = subprocess.run(command + ["--out", str(work / "logged")], check=True,
                                preexec_fn=pin, capture_output=True, text=True)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    median = statistics.median(timings)
    cores = len(affinity) if affinity else os.cpu_count()
    cpu_median = statistics.median(cpu)
    return {"benchmark": "main_job", "command": f"labor-forecast quota --year {year}",
            "repeats": repeats, "cores": cores,
            "seconds": [round(t, 3) for t in timings], "median_seconds": round(median, 3),
            "cpu_seconds": [round(t, 3) for t in cpu], "median_cpu_seconds": round(cpu_median, 3),
            "cpu_bound_seconds": round(cpu_median / cores, 3),
            "cpu_bound_definition": "median CPU seconds of a run (process and waited-for helpers, "
                                    "user + system) / cores: the least wall time of the same work "
                                    "on these cores",
            "target_seconds": TARGET_SECONDS, "meets_target": median < TARGET_SECONDS,
            "n_jobs_2": {"command": f"labor-forecast quota --year {year} --n-jobs 2",
                         "seconds": [round(t, 3) for t in parallel],
                         "median_seconds": round(statistics.median(parallel), 3)},
            "stages": _stages(logged.stderr), "reference_loop_seconds": reference_loop_seconds(),
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
          f"{'met' if result['meets_target'] else 'NOT met'}; CPU {result['median_cpu_seconds']:.2f} s, "
          f"so at least {result['cpu_bound_seconds']:.2f} s on {result['cores']} cores; "
          f"with --n-jobs 2: median "
          f"{result['n_jobs_2']['median_seconds']:.2f} s; reference loop "
          f"{result['reference_loop_seconds']:.2f} s")
    for stage in result["stages"]:
        print(f"  [{stage['at_seconds']:6.1f} s] {stage['stage']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
