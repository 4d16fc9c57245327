"""How long ``labor-forecast validate`` takes, and how much memory, as the data directory grows.

Run from the repository root::

    python -m benchmarks.scale.input_size            # 1x, 10x refused, all years valid
    python -m benchmarks.scale.input_size --quick    # 1x and 10x refused only

Data directories built from the embedded sample (120,000 rows in nine tables):

- ``1x``: the sample as it is (valid);
- ``10x-refused``: every table ten times over (1.2 million rows). The contract has no room for
  ten times the sample's rows as valid data (20 regions, 21 sectors, years 1990-2100), so this is
  the largest input a user is likely to hand over: it must be refused, with the duplicate keys
  located, within the bound, not exhaust memory;
- ``all-years-valid``: every series extended to all 111 years the contract allows (1990-2100) by
  repeating the sample's years (the four regions created by the 2018 and 2022 boundary changes
  left out, as they start late), the largest *valid* directory of the sample's shape (about 4.3x
  the sample's rows), loaded through every check including harmonization.

Each directory is validated in a process of its own, pinned to at most 2 CPU cores, so its peak
resident memory is its own. Prints a table and writes ``benchmarks/results/input_size.json``
(``input_size_quick.json`` with ``--quick``). Bounds: ``validate`` under 60 s and under 2 GB peak
for every directory.
"""

from __future__ import annotations

import argparse
import json
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks._process import RESULTS_DIR, peak_rss_mb, pin_to_cores, save_json

BOUND_SECONDS = 60.0
BOUND_PEAK_MB = 2048.0
FIRST_YEAR, LAST_YEAR = 1990, 2100


def build(kind: str, folder: Path) -> int:
    """Write the data directory ``kind`` into ``folder``; return its number of data rows."""
    import pandas as pd

    from forecast.inputs.sample import sample_directory

    folder.mkdir(parents=True)
    files = sorted(sample_directory().glob("*.csv"))
    late = set()
    if kind == "all-years-valid":
        # Regions created by a boundary change start late in the sample; repeating its years
        # would give them gaps, so they are left out (their parents then hold their territory).
        employment = pd.read_csv(sample_directory() / "employment.csv", dtype=str)
        first = employment.assign(year=employment["year"].astype(int)).groupby("region")["year"].min()
        late = set(first[first > first.min()].index)
    rows = 0
    for file in files:
        frame = pd.read_csv(file, dtype=str, keep_default_na=False)
        if kind == "10x-refused":
            frame = pd.concat([frame] * 10, ignore_index=True)
        elif kind == "all-years-valid":
            frame = frame[~frame["region"].isin(late)]
            if file.stem != "quota":
                frame = _all_years(frame)
        frame.to_csv(folder / file.name, index=False)
        rows += len(frame)
    return rows


def _all_years(frame):
    """Every series of ``frame`` on every year 1990-2100: year ``y`` takes the values of one of
    the sample's years, cycling through them, so each series stays complete and gap-free."""
    import pandas as pd

    years = sorted(frame["year"].astype(int).unique())
    by_year = {year: part for year, part in frame.groupby(frame["year"].astype(int))}
    parts = [by_year[years[k % len(years)]].assign(year=str(year))
             for k, year in enumerate(range(FIRST_YEAR, LAST_YEAR + 1))]
    return pd.concat(parts, ignore_index=True)


def measure(folder: Path, cores: int) -> dict:
    """Validate ``folder`` in this process; return seconds, peak memory and the outcome."""
    used = pin_to_cores(cores)
    from forecast.cli import main

    start = time.perf_counter()
    status = main(["validate", str(folder)])
    seconds = time.perf_counter() - start
    return {"seconds": round(seconds, 2), "peak_mb": round(peak_rss_mb(), 1), "exit": status,
            "cores": used}


def _in_child(folder: Path, cores: int) -> dict:
    command = [sys.executable, "-m", "benchmarks.scale.input_size", "--child", str(folder),
               "--cores", str(cores)]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    lines = done.stdout.strip().splitlines()
    if done.returncode != 0 or not lines:
        raise RuntimeError(f"the benchmark child failed: {done.stderr[-2000:]}")
    result = json.loads(lines[-1])
    result["message"] = (done.stderr.strip().splitlines() or [""])[0][:200]
    return result


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="1x and 10x refused only")
    parser.add_argument("--cores", type=int, default=2)
    parser.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child is not None:
        import contextlib
        import io

        with contextlib.redirect_stdout(io.StringIO()):
            result = measure(args.child, args.cores)
        print(json.dumps(result))
        return result
    kinds = ["1x", "10x-refused"] + ([] if args.quick else ["all-years-valid"])
    results = []
    root = Path(tempfile.mkdtemp(prefix="input-size-"))
    try:
        for kind in kinds:
            folder = root / kind
            rows = build(kind, folder)
            size_mb = sum(p.stat().st_size for p in folder.iterdir()) / 1e6
            figures = _in_child(folder, args.cores)
            figures.update(kind=kind, rows=rows, csv_mb=round(size_mb, 1),
                           within_bound=figures["seconds"] < BOUND_SECONDS
                           and figures["peak_mb"] < BOUND_PEAK_MB)
            results.append(figures)
            print(f"{kind:>12}  {rows:>10,} rows  {size_mb:7.1f} MB  exit {figures['exit']}  "
                  f"{figures['seconds']:7.2f} s  {figures['peak_mb']:8.1f} MB peak")
    finally:
        shutil.rmtree(root, ignore_errors=True)
    payload = {"benchmark": "input_size", "command": "labor-forecast validate",
               "bound": {"seconds": BOUND_SECONDS, "peak_mb": BOUND_PEAK_MB},
               "python": platform.python_version(), "machine": platform.machine(),
               "results": results}
    name = "input_size_quick.json" if args.quick else "input_size.json"
    save_json(RESULTS_DIR / name, payload)
    return payload


if __name__ == "__main__":
    main()
