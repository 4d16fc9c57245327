"""Start-up time of the light commands: ``--help``, ``validate --help``, ``sample-data DIR``.

Run from the repository root::

    python -m benchmarks.pipeline.startup            # 5 runs of each
    python -m benchmarks.pipeline.startup --quick    # 2 runs of each

Each run is a fresh process of the installed ``labor-forecast`` script, pinned to at most 2 CPU
cores; the figure is the median wall time. Also counts the modules ``labor-forecast --help``
imports (``python -X importtime``) and whether any of the numerical stack (pandas, numpy, sklearn,
statsmodels, matplotlib, openpyxl) is among them. Prints the timings and writes
``benchmarks/results/startup.json`` (``startup_quick.json`` with ``--quick``). Target: every
command under 0.5 s; exits 1 if one misses it.
"""

from __future__ import annotations

import argparse
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

TARGET_SECONDS = 0.5
HEAVY = ("pandas", "numpy", "sklearn", "statsmodels", "matplotlib", "openpyxl", "scipy", "pyarrow")
COMMANDS = {"--help": ["--help"], "validate --help": ["validate", "--help"],
            "sample-data DIR": ["sample-data", "{tmp}"]}


def _command() -> list[str]:
    script = Path(sys.executable).with_name("labor-forecast")
    return [str(script)] if script.exists() else [sys.executable, "-m", "forecast.cli"]


def _affinity(cores: int):
    if not hasattr(os, "sched_getaffinity"):
        return None
    chosen = sorted(os.sched_getaffinity(0))[:cores]
    return lambda: os.sched_setaffinity(0, chosen)


def _time(argv: list[str], pin) -> float:
    start = time.perf_counter()
    subprocess.run(argv, check=True, stdout=subprocess.DEVNULL, preexec_fn=pin)
    return time.perf_counter() - start


def imported_modules(args: list[str]) -> list[str]:
    """Names of the modules a fresh ``labor-forecast ARGS`` imports (``python -X importtime``)."""
    code = "import sys; from forecast.cli import main; sys.exit(main(sys.argv[1:]))"
    done = subprocess.run([sys.executable, "-X", "importtime", "-c", code, *args],
                          stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    if done.returncode != 0:
        raise RuntimeError(done.stderr[-2000:])
    return [line.rsplit("|", 1)[1].strip() for line in done.stderr.splitlines()
            if line.startswith("import time:") and "|" in line and "imported package" not in line]


def run(repeats: int, cores: int = 2) -> dict:
    """Time each command ``repeats`` times in fresh processes; return the measurements."""
    pin = _affinity(cores)
    work = Path(tempfile.mkdtemp(prefix="startup-"))
    commands = {}
    try:
        for name, args in COMMANDS.items():
            timings = []
            for i in range(repeats):
                target = work / f"sample-{i}"
                timings.append(_time(_command() + [a.format(tmp=target) for a in args], pin))
                shutil.rmtree(target, ignore_errors=True)
            median = statistics.median(timings)
            shown = " ".join(["labor-forecast", *args]).replace("{tmp}", "DIR")
            commands[name] = {"command": shown,
                              "seconds": [round(t, 3) for t in timings],
                              "median_seconds": round(median, 3),
                              "meets_target": median < TARGET_SECONDS}
    finally:
        shutil.rmtree(work, ignore_errors=True)
    modules = imported_modules(["--help"])
    heavy = sorted({m.split(".")[0] for m in modules} & set(HEAVY))
    return {"benchmark": "startup", "repeats": repeats, "target_seconds": TARGET_SECONDS,
            "commands": commands, "help_imports": {"modules": len(modules), "heavy": heavy},
            "meets_target": all(c["meets_target"] for c in commands.values()) and not heavy,
            "cores": cores, "python": platform.python_version(), "machine": platform.machine(),
            "cpu_count": os.cpu_count()}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="2 runs of each instead of 5")
    args = parser.parse_args(argv)
    result = run(2 if args.quick else 5)
    save_json(RESULTS_DIR / ("startup_quick.json" if args.quick else "startup.json"), result)
    for name, figures in result["commands"].items():
        print(f"labor-forecast {name:<16} median {figures['median_seconds']:.3f} s "
              f"({', '.join(f'{t:.3f}' for t in figures['seconds'])}); target < "
              f"{TARGET_SECONDS} s: {'met' if figures['meets_target'] else 'NOT met'}")
    imports = result["help_imports"]
    print(f"labor-forecast --help imports {imports['modules']} modules; numerical stack: "
          f"{', '.join(imports['heavy']) or 'none'}")
    return 0 if result["meets_target"] else 1


if __name__ == "__main__":
    sys.exit(main())
