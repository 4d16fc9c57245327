"""The ``labor-forecast`` commands: each checks its output folder, loads the data, calls the
orchestration layer (:mod:`forecast.pipeline`) and prints what the terminal renderer
(:mod:`forecast.deliverables.console`) makes of the result.
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path

from forecast.cli.parser import SCENARIO_NAMES
from forecast.inputs.errors import InputError


def _dataset(path: Path | None, progress=None):
    from forecast.inputs.loader import load_data
    from forecast.inputs.sample import load_sample

    if progress is None:
        return load_sample() if path is None else load_data(path)
    with progress.stage(f"inputs: {'the embedded sample' if path is None else path}"):
        return load_sample() if path is None else load_data(path)


def _progress(args: argparse.Namespace, console, stages: int, before_files: str | None = None):
    """Stage progress on stderr (a bar on a terminal, timed lines otherwise), silent with
    ``--quiet``; with ``--verbose`` each stage done is also logged on stdout. Both speak the
    language of ``--lang``."""
    from forecast.deliverables.i18n import Labels
    from forecast.deliverables.progress_text import progress_line
    from forecast.pipeline.progress import Progress

    labels = Labels(getattr(args, "lang", "en"))
    return Progress(quiet=getattr(args, "quiet", False), total=stages,
                    on_step=_verbose_steps(console, before_files, labels) if console.verbose else None,
                    started=console.started, translate=lambda name: progress_line(name, labels),
                    seconds=labels("progress.seconds"))


def _verbose_steps(console, before_files: str | None, labels):
    """``--verbose``: log each stage done, and ``before_files`` (a label) done before the first
    file."""
    from forecast.deliverables.progress_text import done_line

    state = {"files": before_files is None}

    def step(name: str) -> None:
        if name.startswith("deliverables:") and not state["files"]:
            state["files"] = True
            console.detail(labels("verbose.done", step=labels(before_files)))
        console.detail(done_line(name, labels))
    return step


def _models_chosen(counts: dict, labels) -> str:
    """How many series each forecaster was chosen for, in the reader's names of the models."""
    from forecast.deliverables.messages import model_name

    return ", ".join(f"{model_name(code, labels)}: {count}" for code, count in counts.items())


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
    from forecast.deliverables.i18n import Labels

    return Console(quiet=getattr(args, "quiet", False), verbose=getattr(args, "verbose", False),
                   seconds=Labels(getattr(args, "lang", "en"))("progress.seconds"))


def _guarded(args: argparse.Namespace, default_out: str, protected: tuple, run) -> int:
    """Check the output folder (default ``default_out``) before any work, hold its lock from
    before the work to the end, and call ``run(args, console, out)`` inside."""
    from forecast.deliverables.locking import output_lock

    console = _console(args)
    out = args.out or Path(default_out)
    _refuse_existing(out, args.force, protected)
    with output_lock(out):
        return run(args, console, out)


def _quota(args: argparse.Namespace) -> int:
    return _guarded(args, f"quota-{args.year}", (args.data, args.policy), _quota_run)


def _quota_run(args: argparse.Namespace, console, out: Path) -> int:
    from forecast.deliverables.comparison import comparison_summary
    from forecast.deliverables.console import quota_summary
    from forecast.deliverables.i18n import Labels
    from forecast.deliverables.messages import translate_warning
    from forecast.pipeline import run_quota
    from forecast.shortage.arguments import check_forecast_year

    scenarios = len(SCENARIO_NAMES) if args.compare == ["all"] else len(args.compare or [])
    # inputs, panel, forecasts, quota(s), back-test, tables and charts, their 3 steps,
    # workbook, report, run.json
    # (the back-test also reports each of its origins)
    stages = 3 + max(scenarios, 1) + bool(scenarios) + (args.backtest + 1 if args.backtest else 0) + 4 + 3
    labels = Labels(args.lang)
    with _progress(args, console, stages, "verbose.forecast_and_quota") as progress:
        data = _dataset(args.data, progress)
        check_forecast_year(args.year, data.last_year, option="--year")
        source = labels("source.embedded_sample") if data.source == "embedded sample" else data.source
        console.detail(labels("verbose.read", source=source, tables=len(data.tables),
                              first=data.first_year, last=data.last_year))
        result = run_quota(data, args.year, out=out, force=args.force, seed=args.seed,
                           n_jobs=args.n_jobs, scheduler=args.scheduler,
                           policy=args.policy, scenario=args.scenario, compare=args.compare,
                           backtest_years=args.backtest, lang=args.lang,
                           progress=progress, demand_model=args.demand_model)
    info = result.run_info
    console.detail(labels("verbose.models", models=_models_chosen(info["models"]["chosen"], labels)))
    for warning in info["warnings"]:
        console.detail(labels("verbose.warning", warning=translate_warning(warning, labels)))
    console.say(quota_summary(result, console, lang=args.lang))
    comparison = comparison_summary(result, args.lang, console.bold)
    if comparison:
        console.say("\n" + comparison)
    console.say("\n" + labels("summary.wrote", folder=out,
                               files="quota.csv, quota.xlsx, report.html, run.json"))
    return 0


def _forecast(args: argparse.Namespace) -> int:
    return _guarded(args, f"shortage-{args.year}", (args.data,), _forecast_run)


def _forecast_run(args: argparse.Namespace, console, out: Path) -> int:
    from forecast.deliverables.console import forecast_summary
    from forecast.deliverables.i18n import Labels
    from forecast.pipeline import run_forecast
    from forecast.shortage.arguments import check_forecast_year

    with _progress(args, console, 4) as progress:
        data = _dataset(args.data, progress)
        check_forecast_year(args.year, data.last_year, option="--year")
        result = run_forecast(data, args.year, out=out, force=args.force, seed=args.seed,
                              n_jobs=args.n_jobs, scheduler=args.scheduler, lang=args.lang,
                              progress=progress)
    labels = Labels(args.lang)
    console.detail(labels("verbose.models", models=_models_chosen(result.forecast.models, labels)))
    console.say(forecast_summary(result, console, lang=args.lang))
    console.say("\n" + labels("summary.wrote", folder=out, files="shortage.csv, shortage.html, run.json"))
    return 0


def _backtest(args: argparse.Namespace) -> int:
    from forecast.pipeline.backtest_job import check_backtest_window

    # The same check as the library's, made before the output folder is looked at.
    check_backtest_window(args.h, args.windows)
    return _guarded(args, "backtest", (args.data,), _backtest_run)


def _backtest_run(args: argparse.Namespace, console, out: Path) -> int:
    from forecast.deliverables.console import backtest_summary
    from forecast.deliverables.i18n import Labels
    from forecast.pipeline import run_backtest

    with _progress(args, console, 4) as progress:
        data = _dataset(args.data, progress)
        result = run_backtest(data, h=args.h, windows=args.windows, out=out, force=args.force,
                              lang=args.lang, progress=progress)
    console.say(backtest_summary(result, console, lang=args.lang))
    console.say("\n" + Labels(args.lang)("summary.wrote", folder=out,
                                          files="backtest.csv, metrics.csv, backtest.html, run.json"))
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


def _real_data(args: argparse.Namespace) -> int:
    from forecast.inputs.real.assemble import summary_lines, write_real_directory

    try:
        info = write_real_directory(args.directory, force=args.force)
        print("\n".join(summary_lines(args.directory, info)))
    except OSError as exc:
        raise InputError(f"cannot write {args.directory}: {exc.strerror or exc}") from None
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


HANDLERS = {"quota": _quota, "forecast": _forecast, "backtest": _backtest,
            "validate": _validate, "sample-data": _sample_data, "real-data": _real_data}
