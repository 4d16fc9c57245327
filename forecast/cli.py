"""The ``labor-forecast`` command line.

Exit status: 0 done, 2 bad input or bad usage (a message on stderr, no traceback), 1 an internal
error. Progress bars and colour go to a terminal only: piped or logged output stays plain (and
``NO_COLOR`` turns colour off everywhere). ``--quiet`` prints nothing but errors; ``--verbose``
adds each step's time, the models chosen and the warnings.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

from forecast.errors import DataValidationError, InputError
from forecast.i18n import LANGUAGES

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
    parser.add_argument("--n-jobs", type=int, default=1, metavar="N",
                        help="parallel workers for the models on this machine (default 1)")
    parser.add_argument("--scheduler", metavar="ADDRESS",
                        help="run the models on a Dask cluster (needs the 'distributed' extra), "
                             "e.g. tcp://scheduler:8786")


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


def _scenario_names() -> list[str]:
    from forecast.scenarios import SCENARIOS

    return sorted(SCENARIOS)


class _Console:
    """Where the command's messages go: colour and progress bars only on a terminal."""

    def __init__(self, args: argparse.Namespace, stream=None):
        self.stream = stream or sys.stdout
        self.quiet = getattr(args, "quiet", False)
        self.verbose = getattr(args, "verbose", False)
        tty = hasattr(self.stream, "isatty") and self.stream.isatty()
        self.colour = tty and "NO_COLOR" not in os.environ and os.environ.get("TERM") != "dumb"
        self.bars = (not self.quiet) and sys.stderr.isatty()
        self.started = time.perf_counter()

    def say(self, text: str = "") -> None:
        if not self.quiet:
            print(text, file=self.stream)

    def detail(self, text: str) -> None:
        if self.verbose:
            print(f"[{time.perf_counter() - self.started:6.1f}s] {text}", file=self.stream)

    def bold(self, text: str) -> str:
        return f"\033[1m{text}\033[0m" if self.colour else text

    def warn(self, text: str) -> str:
        return f"\033[33m{text}\033[0m" if self.colour else text

    def steps(self, names: list[str], first: str):
        """A progress bar over ``names``; the callable it returns marks a step done."""
        return _Steps(self, names, first)


class _Steps:
    def __init__(self, console: _Console, names: list[str], first: str):
        from tqdm import tqdm

        self.console, self.names = console, names
        self.bar = tqdm(total=len(names), desc=first, disable=not console.bars, leave=False,
                        file=sys.stderr, bar_format="{desc:<28} {bar} {n_fmt}/{total_fmt} {elapsed}")
        self.done = 0

    def __call__(self, name: str) -> None:
        self.console.detail(f"{name} done")
        if name in self.names:
            position = self.names.index(name) + 1
            self.bar.update(position - self.done)
            self.done = position
            if position < len(self.names):
                self.bar.set_description_str(self.names[position])

    def close(self) -> None:
        self.bar.close()


def _version() -> str:
    from forecast.pipeline import package_version

    return package_version()


def _dataset(path: Path | None):
    from forecast.loader import load_data
    from forecast.sample import load_sample

    return load_sample() if path is None else load_data(path)


QUOTA_STEPS = ["forecast and quota", "history", "forecast fan", "back-test", "workbook", "report"]


def _refuse_existing(out: Path, force: bool) -> None:
    """Refuse an existing or unwritable output folder before minutes of work, not after."""
    if out.exists() and not force:
        raise InputError(f"output folder {out.resolve()} already exists; choose another with --out "
                         "or pass --force to replace it")
    if out.exists() and not out.is_dir():
        raise InputError(f"output path {out.resolve()} exists and is not a folder; choose another "
                         "with --out")
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


def _quota(args: argparse.Namespace) -> int:
    from forecast.pipeline import run_quota

    console = _Console(args)
    out = args.out or Path(f"quota-{args.year}")
    _refuse_existing(out, args.force)
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


def _first_step_done(steps: _Steps):
    """Report the forecast-and-quota step done when the first writing step reports."""
    def progress(name: str) -> None:
        if steps.done == 0:
            steps(QUOTA_STEPS[0])
        steps(name)
    return progress


def quota_summary(result, console: _Console | None = None, rows: int = 10, lang: str = "en") -> str:
    """The terminal summary of a quota run, in ``lang``: headline figures, regions, largest lines."""
    import pandas as pd

    from forecast.i18n import Labels

    t = Labels(lang)
    bold = console.bold if console else (lambda text: text)
    warn = console.warn if console else (lambda text: text)
    info, quota = result.run_info, result.quota
    totals = info["totals"]
    lines = []
    if info["data"]["synthetic_sample"]:
        lines.append(warn(t("summary.synthetic")))
    scenario = info.get("scenario", {}).get("name", "baseline")
    context = t("summary.data_to", origin=info["origin"])
    if scenario != "baseline":
        context += ", " + t("summary.scenario", name=scenario)
    lines.append(bold(t("summary.title", year=info["year"])) + f" ({context})")
    labels = {key: t(f"summary.{key}") for key in ("recommended", "ceiling", "status_quo")}
    width = max(len(text) for text in labels.values())
    lines.append(f"  {labels['recommended']:<{width}}  {t.integer(totals['quota']):>10}   "
                 + t("summary.range", low=t.integer(totals["quota_low"]),
                     high=t.integer(totals["quota_high"])))
    lines.append(f"  {labels['ceiling']:<{width}}  {t.integer(totals['cap']):>10}   "
                 + t("summary.ceiling_detail",
                     percent=t.number(info["policy"]["cap_percent_of_labour_force"], 2),
                     labour_force=t.integer(totals["labour_force"]))
                 + (warn("  " + t("summary.binding")) if totals["cap_binding"] else ""))
    if "status_quo" in quota:
        lines.append(f"  {labels['status_quo']:<{width}}  {t.integer(quota['status_quo'].sum()):>10}")
    backtest = info.get("quota_backtest")
    if backtest:
        errors = {row["rule"]: row["allocation_error"] for row in backtest["pooled"]}
        years = [row["year"] for row in backtest["by_year"]]
        span = min(years) if min(years) == max(years) else f"{min(years)}-{max(years)}"
        lines.append("  " + t("summary.backtest", years=span,
                              recommendation=t.number(errors["recommendation"], 2),
                              status_quo=t.number(errors["status_quo"], 2)))
    columns = ["quota", "quota_low", "quota_high"] + (["status_quo"] if "status_quo" in quota else [])
    regions = (quota.groupby("region", as_index=False)[columns].sum()
               .sort_values(["quota", "region"], ascending=[False, True]))
    regions.insert(1, "region_name", regions["region"].map(t.region))
    lines += ["", bold(t("summary.by_region"))] + _text_table(regions.drop(columns="region"), rows, t)
    by_line = (quota.groupby(["region", "sector"], as_index=False)["quota"].sum()
               .sort_values(["quota", "region", "sector"], ascending=[False, True, True]))
    by_line = by_line[by_line["quota"] > 0].head(rows)
    if len(by_line):
        lines += ["", bold(t("summary.largest", n=len(by_line)))]
        by_line = pd.DataFrame({"region_name": by_line["region"].map(t.region),
                                "sector_name": by_line["sector"].map(t.sector).str.slice(0, 44),
                                "quota": by_line["quota"]})
        lines += _text_table(by_line, None, t)
    return "\n".join(lines)


def _text_table(frame, rows: int | None, labels) -> list[str]:
    """Plain aligned columns: text left, numbers right, in the language's number notation."""
    shown = frame if rows is None else frame.head(rows)
    headers = [labels.column(c) for c in shown.columns]
    numeric = [shown[c].dtype.kind in "iuf" for c in shown.columns]
    cells = [[labels.integer(v) if num else str(v) for v, num in zip(record, numeric)]
             for record in shown.itertuples(index=False)]
    widths = [max([len(h)] + [len(row[k]) for row in cells]) for k, h in enumerate(headers)]

    def line(values):
        return "  " + "  ".join(v.rjust(w) if num else v.ljust(w)
                                for v, w, num in zip(values, widths, numeric)).rstrip()

    out = [line(headers), "  " + "  ".join("-" * w for w in widths)]
    out += [line(row) for row in cells]
    if rows is not None and len(frame) > rows:
        out.append("  " + labels("summary.more", n=len(frame) - rows))
    return out


def _forecast(args: argparse.Namespace) -> int:
    from forecast.outputs import staged_output, write_json
    from forecast.report import forecast_page
    from forecast.parallel import parallel_backend
    from forecast.shortage import forecast_shortage

    console = _Console(args)
    out = args.out or Path(f"shortage-{args.year}")
    _refuse_existing(out, args.force)
    data = _dataset(args.data)
    steps = console.steps(["forecast", "files"], "forecasting shortages")
    try:
        with parallel_backend(args.scheduler, args.n_jobs) as (backend, workers):
            result = forecast_shortage(data, args.year, n_jobs=workers, backend=backend,
                                       random_state=args.seed)
        steps("forecast")
        with staged_output(out, force=args.force) as stage:
            result.table.to_csv(stage / "shortage.csv", index=False, lineterminator="\n")
            (stage / "shortage.html").write_text(forecast_page(result, data.is_synthetic, args.lang),
                                                 encoding="utf-8")
            write_json(stage / "run.json", {"year": result.year, "origin": result.origin,
                                            "models": result.models, "data_sha256": dict(data.sha256),
                                            "synthetic_sample": data.is_synthetic})
        steps("files")
    finally:
        steps.close()
    console.detail(f"models chosen: {result.models}")
    tiers = result.table["tier"].value_counts()
    if data.is_synthetic:
        console.say(console.warn("NOTE: synthetic sample data, not official statistics."))
    console.say(console.bold(f"Shortage forecast for {result.year}") +
                f" (data to {result.origin}): {len(result.table):,} region x sector x skill cells")
    for tier in ("severe shortage", "shortage", "balance", "surplus"):
        console.say(f"  {tier:<16} {int(tiers.get(tier, 0)):>6,}")
    console.say(f"\nwrote {out}/shortage.csv, shortage.html, run.json")
    return 0


def _backtest(args: argparse.Namespace) -> int:
    from forecast.harmonize import harmonize_tables
    from forecast.outputs import staged_output
    from forecast.report import backtest_page
    from forecast.shortage import _series_panel
    from models import AutoForecaster, cross_validation, evaluate

    if args.h < 1 or args.windows < 1:
        raise InputError("--h and --windows must be at least 1")
    console = _Console(args)
    out = args.out or Path("backtest")
    _refuse_existing(out, args.force)
    data = _dataset(args.data)
    panel = _series_panel(harmonize_tables(dict(data.tables)))
    panel = panel[panel["unique_id"].str.startswith("demand|")]
    steps = console.steps(["back-test", "files"], "re-forecasting the past")
    try:
        try:
            cv = cross_validation(AutoForecaster(h=args.h), panel, h=args.h, n_windows=args.windows,
                                  level=[80, 95])
        except ValueError as exc:  # too few years for the origins asked for
            raise InputError(f"--h {args.h} --windows {args.windows}: {exc}") from None
        metrics = evaluate(cv, level=[80, 95])
        steps("back-test")
        with staged_output(out, force=args.force) as stage:
            cv.to_csv(stage / "backtest.csv", index=False, lineterminator="\n")
            metrics.to_csv(stage / "metrics.csv", index=False, lineterminator="\n")
            (stage / "backtest.html").write_text(
                backtest_page(metrics, args.h, args.windows, data.is_synthetic, args.lang),
                encoding="utf-8")
        steps("files")
    finally:
        steps.close()
    console.say(console.bold("Back-test of the demand forecasts") +
                f" ({panel['unique_id'].nunique():,} series, horizon {args.h}, {args.windows} origins)")
    shown = metrics[["step", "mase", "smape", "coverage_80", "coverage_95", "n"]].copy()
    for column in ("mase", "smape", "coverage_80", "coverage_95"):
        shown[column] = shown[column].map(lambda v: f"{v:.3f}")
    from forecast.i18n import Labels

    for line in _text_table(shown, None, Labels("en")):
        console.say(line)
    console.say(f"\nwrote {out}/backtest.csv, metrics.csv, backtest.html")
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
