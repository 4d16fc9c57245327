"""The ``labor-forecast`` argument parser: commands, options, examples in every ``--help``.

It imports nothing heavy, so ``labor-forecast --help`` starts at once.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from forecast.deliverables import LANGUAGES

EXAMPLES = {
    "quota": """examples:
  labor-forecast quota --year 2027                      # on the embedded sample
  labor-forecast quota --year 2027 --lang ru            # summary, workbook and report in Russian
  labor-forecast quota --year 2027 --data ./data --out ./proposal-2027
  labor-forecast quota --year 2027 --policy my-policy.toml --scenario emigration_shock
  labor-forecast quota --year 2027 --compare all --lang kk --quiet
  labor-forecast quota --year 2027 --backtest 3         # how the rules did in 2022-2024
  labor-forecast quota --year 2027 --out ./quota-2027 --force   # replace earlier results""",
    "forecast": """examples:
  labor-forecast forecast --year 2026
  labor-forecast forecast --year 2028 --data ./data --out ./shortage-2028 --lang ru""",
    "backtest": """examples:
  labor-forecast backtest
  labor-forecast backtest --data ./data --h 3 --windows 5 --out ./backtest --lang kk""",
    "validate": """examples:
  labor-forecast validate ./data""",
    "sample-data": """examples:
  labor-forecast sample-data ./data      # then replace tables with real data, one by one""",
    "real-data": """examples:
  labor-forecast real-data ./kz && labor-forecast validate ./kz && labor-forecast quota --year 2027 --data ./kz
  labor-forecast real-data ./kz --force  # replace an earlier real-data directory""",
}


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # argparse exits with 2 on usage errors: keep it
        self.print_usage(sys.stderr)
        self.exit(2, f"{self.prog}: error: {message}\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="labor-forecast",
                     description="Forecast skilled-worker shortages by region and sector and "
                                 "recommend the annual foreign-labour quota.",
                     epilog="Run 'labor-forecast COMMAND --help' for a command's options.")
    parser.add_argument("--version", action="version", version=f"%(prog)s {_version()}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    commands.required = True

    def command(name: str, help_text: str) -> argparse.ArgumentParser:
        return commands.add_parser(name, help=help_text, description=help_text,
                                   epilog=EXAMPLES[name],
                                   formatter_class=argparse.RawDescriptionHelpFormatter)

    quota = command("quota", "Forecast shortages and write the quota proposal (the main job).")
    quota.add_argument("--year", type=int, required=True, help="year the quota is for")
    _data_option(quota)
    quota.add_argument("--policy", type=Path, metavar="FILE.toml",
                       help="quota rules to use (default: the shipped policy); only the keys "
                            "that differ are needed")
    quota.add_argument("--scenario", metavar="NAME",
                       help="run a scenario instead of the data as they are: "
                            + ", ".join(_scenario_names()))
    quota.add_argument("--compare", nargs="+", metavar="NAME",
                       help="also run these scenarios ('all' for every one) and compare totals")
    quota.add_argument("--backtest", type=int, default=0, metavar="YEARS",
                       help="also back-test the quota rules on the last YEARS years of data "
                            "against the need observed afterwards (adds about as long as the "
                            "forecast per year)")
    quota.add_argument("--out", type=Path, help="output folder (default ./quota-YEAR)")
    quota.add_argument("--force", action="store_true", help="replace an existing output folder")
    _run_options(quota)
    quota.add_argument("--demand-model", choices=("univariate", "panel", "combined"),
                       default="combined",
                       help="where the growth of demand comes from: the univariate forecasts, "
                            "the panel growth model fitted across all cells, or their mix in the "
                            "share the back-test chooses (default)")
    _output_options(quota)

    fc = command("forecast", "Forecast openings, supply and shortage by region, sector and skill.")
    fc.add_argument("--year", type=int, required=True, help="forecast year")
    _data_option(fc)
    fc.add_argument("--out", type=Path, help="output folder (default ./shortage-YEAR)")
    fc.add_argument("--force", action="store_true", help="replace an existing output folder")
    _run_options(fc)
    _output_options(fc)

    bt = command("backtest", "Rolling-origin back-test of the demand forecasts.")
    _data_option(bt)
    bt.add_argument("--h", type=int, default=3, help="horizon in years (default 3)")
    bt.add_argument("--windows", type=int, default=5, help="number of origins (default 5)")
    bt.add_argument("--out", type=Path, help="output folder (default ./backtest)")
    bt.add_argument("--force", action="store_true", help="replace an existing output folder")
    _output_options(bt)

    val = command("validate", "Check a data directory and list every problem found.")
    val.add_argument("directory", type=Path, help="the data directory")

    sample = command("sample-data", "Write the embedded synthetic sample as a data directory.")
    sample.add_argument("directory", type=Path, help="folder to write (created if missing)")
    sample.add_argument("--force", action="store_true", help="write into an existing folder")

    real = command("real-data", "Write a data directory from the real published BNS tables the "
                                "package ships (the grid estimated from their margins).")
    real.add_argument("directory", type=Path, help="folder to write (created if missing)")
    real.add_argument("--force", action="store_true",
                      help="replace an earlier real-data directory")
    return parser


def _run_options(parser: argparse.ArgumentParser) -> None:
    """Seed and where the models run: options of the commands that forecast."""
    parser.add_argument("--seed", type=_seed, default=0, help="random seed (default 0)")
    parser.add_argument("--n-jobs", type=_workers, default=1, metavar="N",
                        help="parallel workers for the models on this machine (default 1)")
    parser.add_argument("--scheduler", metavar="ADDRESS",
                        help="run the models on a Dask cluster (needs the 'distributed' extra), "
                             "e.g. tcp://scheduler:8786")


def _workers(text: str) -> int:
    """``--n-jobs``: a whole number of workers, 1 or more (or -1 for one per core)."""
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1 and value != -1:
        raise argparse.ArgumentTypeError(f"{text!r}: expected a whole number of workers, 1 or "
                                         "more (or -1 for one per core)")
    # More workers than cores only adds processes: each holds the data, and thousands exhaust
    # the memory. A cluster is reached with --scheduler, not with more local workers.
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    if value > cores:
        raise argparse.ArgumentTypeError(f"{text!r}: this machine has {cores} core(s); expected at "
                                         f"most {cores} workers (or -1 for one per core)")
    return value


MAX_SEED = 2**32 - 1  # the seeds numpy and scikit-learn accept


def _seed(text: str) -> int:
    """``--seed``: a whole number from 0 to 2**32 - 1."""
    try:
        value = int(text)
    except ValueError:
        value = -1
    if not 0 <= value <= MAX_SEED:
        raise argparse.ArgumentTypeError(f"{text!r}: expected a whole number from 0 to {MAX_SEED}")
    return value


def _data_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--data", type=Path,
                        help="data directory (default: the embedded synthetic sample)")


def _output_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--lang", choices=LANGUAGES, default="en",
                        help="language of the workbook and report labels and of the quota "
                             "summary (default en)")
    loudness = parser.add_mutually_exclusive_group()
    loudness.add_argument("--quiet", "-q", action="store_true", help="print nothing but errors")
    loudness.add_argument("--verbose", "-v", action="store_true",
                          help="also print each step's time, the models chosen and warnings")


# Named here rather than read from forecast.quota.scenarios, so that --help starts without the
# numerical stack; tests/pipeline/test_cli.py checks the two lists agree.
SCENARIO_NAMES = ("baseline", "emigration_shock", "growth_slowdown", "pension_age_change",
                  "skilled_inflow_2022")


def _scenario_names() -> list[str]:
    return sorted(SCENARIO_NAMES)


def _version() -> str:
    from forecast import package_version

    return package_version()
