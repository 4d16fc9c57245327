"""The ``labor-forecast`` command line.

It only parses arguments, calls the orchestration layer (:mod:`forecast.pipeline`) and hands
the result to the terminal renderer (:mod:`forecast.deliverables.console`).

Exit status: 0 done, 2 bad input or bad usage (a message on stderr, no traceback), 1 an internal
error. Progress bars and colour go to a terminal only (``NO_COLOR`` turns colour off).
``--quiet`` prints nothing but errors; ``--verbose`` adds each step's time, the models chosen
and the warnings.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import signal
import sys
from pathlib import Path

from forecast.inputs.errors import DataValidationError, InputError
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
    return parser


def _run_options(parser: argparse.ArgumentParser) -> None:
    """Seed and where the models run: options of the commands that forecast."""
    parser.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
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


def _dataset(path: Path | None):
    from forecast.inputs.loader import load_data
    from forecast.inputs.sample import load_sample

    return load_sample() if path is None else load_data(path)


QUOTA_STEPS = ["forecast and quota", "history", "forecast fan", "back-test", "workbook", "report"]


def _refuse_existing(out: Path, force: bool, protected: tuple = ()) -> None:
    """Refuse an output folder that must not be written or replaced (see
    :func:`forecast.deliverables.outputs.check_output_target`: an existing one is replaced only
    with ``force`` and only if it is an earlier output of this library; never the data, the
    policy file, the current directory or a root), or an unwritable one, before minutes of work,
    not after."""
    from forecast.deliverables.outputs import check_output_target

    check_output_target(out, force, protected=protected)
    # The results are staged beside ``out``: its nearest existing ancestor must be a writable
    # folder, or the run would fail only when it comes to write.
    ancestor = out.resolve().parent
    while not ancestor.exists():
        ancestor = ancestor.parent
    if not ancestor.is_dir():
        raise InputError(f"cannot write {out}: {ancestor} is a file, not a folder; choose another "
                         "with --out")
    if not os.access(ancestor, os.W_OK | os.X_OK):
        raise InputError(f"cannot write {out}: no permission to write into {ancestor}; choose "
                         "another with --out")


def _console(args: argparse.Namespace):
    from forecast.deliverables.console import Console

    return Console(quiet=getattr(args, "quiet", False), verbose=getattr(args, "verbose", False))


def _quota(args: argparse.Namespace) -> int:
    console = _console(args)
    out = args.out or Path(f"quota-{args.year}")
    _refuse_existing(out, args.force, (args.data, args.policy))
    with _locked(out):
        return _quota_run(args, console, out)


def _locked(out: Path):
    """Hold the lock of runs into ``out`` from before the work to the end."""
    from forecast.deliverables.outputs import output_lock

    return output_lock(out)


def _quota_run(args: argparse.Namespace, console, out: Path) -> int:
    from forecast.deliverables.console import quota_summary
    from forecast.pipeline import run_quota

    data = _dataset(args.data)
    console.detail(f"read {data.source}: {len(data.tables)} tables, {data.first_year}-{data.last_year}")
    steps = console.steps(QUOTA_STEPS, QUOTA_STEPS[0])
    try:
        result = run_quota(data, args.year, out=out, force=args.force, seed=args.seed,
                           n_jobs=args.n_jobs, scheduler=args.scheduler,
                           policy=args.policy, scenario=args.scenario, compare=args.compare,
                           backtest_years=args.backtest, lang=args.lang,
                           progress=_first_step_done(steps))
    finally:
        steps.close()
    info = result.run_info
    console.detail(f"models chosen: {info['models']['chosen']}")
    for warning in info["warnings"]:
        console.detail(f"warning: {warning}")
    console.say(quota_summary(result, console, lang=args.lang))
    console.say(f"\nwrote {out}/quota.csv, quota.xlsx, report.html, run.json")
    return 0


def _first_step_done(steps):
    """Report the forecast-and-quota step done when the first writing step reports."""
    def progress(name: str) -> None:
        if steps.done == 0:
            steps(QUOTA_STEPS[0])
        steps(name)
    return progress


def _forecast(args: argparse.Namespace) -> int:
    console = _console(args)
    out = args.out or Path(f"shortage-{args.year}")
    _refuse_existing(out, args.force, (args.data,))
    with _locked(out):
        return _forecast_run(args, console, out)


def _forecast_run(args: argparse.Namespace, console, out: Path) -> int:
    from forecast.deliverables.console import forecast_summary
    from forecast.pipeline import run_forecast

    data = _dataset(args.data)
    steps = console.steps(["forecast", "files"], "forecasting shortages")
    try:
        result = run_forecast(data, args.year, out=out, force=args.force, seed=args.seed,
                              n_jobs=args.n_jobs, scheduler=args.scheduler, lang=args.lang)
        steps("files")
    finally:
        steps.close()
    console.detail(f"models chosen: {result.forecast.models}")
    console.say(forecast_summary(result, console))
    console.say(f"\nwrote {out}/shortage.csv, shortage.html, run.json")
    return 0


def _backtest(args: argparse.Namespace) -> int:
    if args.h < 1 or args.windows < 1:
        raise InputError("--h and --windows must be at least 1")
    console = _console(args)
    out = args.out or Path("backtest")
    _refuse_existing(out, args.force, (args.data,))
    with _locked(out):
        return _backtest_run(args, console, out)


def _backtest_run(args: argparse.Namespace, console, out: Path) -> int:
    from forecast.deliverables.console import backtest_summary
    from forecast.pipeline import run_backtest

    data = _dataset(args.data)
    steps = console.steps(["back-test", "files"], "re-forecasting the past")
    try:
        result = run_backtest(data, h=args.h, windows=args.windows, out=out, force=args.force,
                              lang=args.lang)
        steps("files")
    finally:
        steps.close()
    console.say(backtest_summary(result, console))
    console.say(f"\nwrote {out}/backtest.csv, metrics.csv, backtest.html, run.json")
    return 0


def _validate(args: argparse.Namespace) -> int:
    from forecast.inputs.loader import load_data

    data = load_data(args.directory)
    rows = sum(len(t) for t in data.tables.values())
    print(f"{args.directory}: valid; {len(data.tables)} tables ({', '.join(sorted(data.tables))}), "
          f"{rows:,} rows, employment {data.first_year}-{data.last_year}")
    for warning in data.warnings:
        print(f"warning: {warning}")
    return 0


def _sample_data(args: argparse.Namespace) -> int:
    from forecast.inputs.sample import NOTICE, sample_directory, write_sample_directory

    target: Path = args.directory
    try:
        if target.exists() and not target.is_dir():
            raise InputError(f"{target} exists and is not a folder; choose a folder to write the "
                             "sample data into")
        if target.exists() and any(target.iterdir()) and not args.force:
            raise InputError(f"{target} is not empty; choose an empty folder or pass --force")
        if target.exists():
            _refuse_table_conflicts(target, sample_directory())
    except OSError as exc:
        raise InputError(f"cannot read {target}: {exc.strerror or exc}") from None
    try:
        written = write_sample_directory(target)
    except OSError as exc:
        raise InputError(f"cannot write {target}: {exc.strerror or exc}") from None
    print(f"wrote {len(written)} files to {target}\n{NOTICE}")
    return 0


def _refuse_table_conflicts(target: Path, sample: Path) -> None:
    """Refuse writing the sample's ``<table>.csv`` beside another file of the same table
    (``<table>.parquet``, ``.xlsx``): the folder would then give that table twice, which its
    own ``validate`` refuses."""
    from forecast.inputs.schema import SUFFIXES

    written = {p.name for p in sample.iterdir() if p.is_file() and p.suffix == ".csv"}
    tables = {Path(name).stem for name in written}
    conflicts = sorted(p.name for p in target.iterdir()
                       if p.stem in tables and p.suffix.lower() in SUFFIXES and p.name not in written)
    if conflicts:
        raise InputError(f"{target} already holds {', '.join(conflicts)}; writing the sample's "
                         f"{', '.join(sorted(Path(c).stem + '.csv' for c in conflicts))} beside "
                         "it would give a table twice, which validate refuses; remove "
                         f"{'it' if len(conflicts) == 1 else 'them'} or choose an empty folder")


class Terminated(KeyboardInterrupt):
    """Raised by the SIGTERM handler of :func:`main`: stopped like Ctrl-C, exit 143."""


def _terminate(signum, frame) -> None:
    raise Terminated()


@contextlib.contextmanager
def _sigterm_as_interrupt():
    """Turn SIGTERM into :class:`Terminated` while ``main`` runs (main thread only)."""
    try:
        previous = signal.signal(signal.SIGTERM, _terminate)
    except (ValueError, OSError):  # not the main thread: leave signals alone
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


HANDLERS = {"quota": _quota, "forecast": _forecast, "backtest": _backtest,
            "validate": _validate, "sample-data": _sample_data}


def main(argv: list[str] | None = None) -> int:
    """Entry point of ``labor-forecast``; returns the exit status."""
    args = build_parser().parse_args(argv)
    try:
        with _sigterm_as_interrupt():
            return HANDLERS[args.command](args)
    except DataValidationError as exc:
        print(f"labor-forecast {args.command}: {exc}", file=sys.stderr)
        return 2
    except InputError as exc:
        print(f"labor-forecast {args.command}: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt as exc:
        if isinstance(exc, Terminated):
            print("labor-forecast: terminated; no output was written", file=sys.stderr)
            return 143
        print("labor-forecast: interrupted; no output was written", file=sys.stderr)
        return 130
    except Exception as exc:  # an internal error: say so plainly, without a traceback
        print(f"labor-forecast {args.command}: internal error: {type(exc).__name__}: {exc}\n"
              "Please report it with the command you ran.", file=sys.stderr)
        return 1


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
