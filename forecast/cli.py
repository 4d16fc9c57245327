"""The ``labor-forecast`` command line.

Exit status: 0 done, 2 bad input or bad usage (a message on stderr, no traceback), 1 an internal
error.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from forecast.errors import DataValidationError, InputError

EXAMPLES = {
    "quota": """examples:
  labor-forecast quota --year 2027                      # on the embedded sample
  labor-forecast quota --year 2027 --data ./data --out ./proposal-2027
  labor-forecast quota --year 2027 --out ./quota-2027 --force   # replace earlier results""",
    "forecast": """examples:
  labor-forecast forecast --year 2026
  labor-forecast forecast --year 2028 --data ./data --out ./shortage-2028""",
    "backtest": """examples:
  labor-forecast backtest
  labor-forecast backtest --data ./data --h 3 --windows 5 --out ./backtest""",
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
    quota.add_argument("--out", type=Path, help="output folder (default ./quota-YEAR)")
    quota.add_argument("--force", action="store_true", help="replace an existing output folder")
    quota.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    quota.add_argument("--quiet", action="store_true", help="print nothing but errors")

    fc = command("forecast", "Forecast openings, supply and shortage by region, sector and skill.")
    fc.add_argument("--year", type=int, required=True, help="forecast year")
    _data_option(fc)
    fc.add_argument("--out", type=Path, help="output folder (default ./shortage-YEAR)")
    fc.add_argument("--force", action="store_true", help="replace an existing output folder")
    fc.add_argument("--seed", type=int, default=0, help="random seed (default 0)")

    bt = command("backtest", "Rolling-origin back-test of the demand forecasts.")
    _data_option(bt)
    bt.add_argument("--h", type=int, default=3, help="horizon in years (default 3)")
    bt.add_argument("--windows", type=int, default=5, help="number of origins (default 5)")
    bt.add_argument("--out", type=Path, help="output folder (default ./backtest)")
    bt.add_argument("--force", action="store_true", help="replace an existing output folder")

    val = command("validate", "Check a data directory and list every problem found.")
    val.add_argument("directory", type=Path, help="the data directory")

    sample = command("sample-data", "Write the embedded synthetic sample as a data directory.")
    sample.add_argument("directory", type=Path, help="folder to write (created if missing)")
    sample.add_argument("--force", action="store_true", help="write into an existing folder")
    return parser


def _data_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--data", type=Path,
                        help="data directory (default: the embedded synthetic sample)")


def _version() -> str:
    from forecast.pipeline import package_version

    return package_version()


def _dataset(path: Path | None):
    from forecast.loader import load_data
    from forecast.sample import load_sample

    return load_sample() if path is None else load_data(path)


def _quota(args: argparse.Namespace) -> int:
    from forecast.pipeline import run_quota, summary_table

    data = _dataset(args.data)
    out = args.out or Path(f"quota-{args.year}")
    result = run_quota(data, args.year, out=out, force=args.force, seed=args.seed)
    if not args.quiet:
        print(summary_table(result.quota, result.run_info))
        print(f"\nwrote {out}/quota.csv, quota.xlsx, report.html, run.json")
    return 0


def _forecast(args: argparse.Namespace) -> int:
    from forecast.outputs import staged_output, write_json
    from forecast.shortage import forecast_shortage

    data = _dataset(args.data)
    result = forecast_shortage(data, args.year, random_state=args.seed)
    out = args.out or Path(f"shortage-{args.year}")
    with staged_output(out, force=args.force) as stage:
        result.table.to_csv(stage / "shortage.csv", index=False, lineterminator="\n")
        write_json(stage / "run.json", {"year": result.year, "origin": result.origin,
                                        "models": result.models, "data_sha256": dict(data.sha256),
                                        "synthetic_sample": data.is_synthetic})
    totals = result.table.groupby("tier").size().to_dict()
    print(f"shortage forecast for {result.year}: {len(result.table)} region x sector x skill "
          f"cells; tiers {totals}\nwrote {out}/shortage.csv")
    return 0


def _backtest(args: argparse.Namespace) -> int:
    from forecast.harmonize import harmonize_tables
    from forecast.outputs import staged_output
    from forecast.shortage import _series_panel
    from models import AutoForecaster, cross_validation, evaluate

    if args.h < 1 or args.windows < 1:
        raise InputError("--h and --windows must be at least 1")
    data = _dataset(args.data)
    panel = _series_panel(harmonize_tables(dict(data.tables)))
    panel = panel[panel["unique_id"].str.startswith("demand|")]
    cv = cross_validation(AutoForecaster(h=args.h), panel, h=args.h, n_windows=args.windows,
                          level=[80, 95])
    metrics = evaluate(cv, level=[80, 95])
    out = args.out or Path("backtest")
    with staged_output(out, force=args.force) as stage:
        cv.to_csv(stage / "backtest.csv", index=False, lineterminator="\n")
        metrics.to_csv(stage / "metrics.csv", index=False, lineterminator="\n")
    print(metrics.to_string(index=False))
    print(f"\nwrote {out}/backtest.csv and metrics.csv")
    return 0


def _validate(args: argparse.Namespace) -> int:
    from forecast.loader import load_data

    data = load_data(args.directory)
    rows = sum(len(t) for t in data.tables.values())
    print(f"{args.directory}: valid; {len(data.tables)} tables ({', '.join(sorted(data.tables))}), "
          f"{rows:,} rows, employment {data.first_year}-{data.last_year}")
    for warning in data.warnings:
        print(f"warning: {warning}")
    return 0


def _sample_data(args: argparse.Namespace) -> int:
    from forecast.sample import NOTICE, write_sample_directory

    target: Path = args.directory
    if target.exists() and any(target.iterdir()) and not args.force:
        raise InputError(f"{target} is not empty; choose an empty folder or pass --force")
    try:
        written = write_sample_directory(target)
    except OSError as exc:
        raise InputError(f"cannot write {target}: {exc.strerror or exc}") from None
    print(f"wrote {len(written)} files to {target}\n{NOTICE}")
    return 0


HANDLERS = {"quota": _quota, "forecast": _forecast, "backtest": _backtest,
            "validate": _validate, "sample-data": _sample_data}


def main(argv: list[str] | None = None) -> int:
    """Entry point of ``labor-forecast``; returns the exit status."""
    args = build_parser().parse_args(argv)
    try:
        return HANDLERS[args.command](args)
    except DataValidationError as exc:
        print(f"labor-forecast {args.command}: {exc}", file=sys.stderr)
        return 2
    except InputError as exc:
        print(f"labor-forecast {args.command}: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("labor-forecast: interrupted; no output was written", file=sys.stderr)
        return 130
    except Exception as exc:  # an internal error: say so plainly, without a traceback
        print(f"labor-forecast {args.command}: internal error: {type(exc).__name__}: {exc}\n"
              "Please report it with the command you ran.", file=sys.stderr)
        return 1


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
