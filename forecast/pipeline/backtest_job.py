"""``labor-forecast backtest``: rolling-origin back-test of the demand forecasts, and its files."""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

from forecast.deliverables.outputs import staged_output, write_json
from forecast.inputs.errors import InputError, option
from forecast.inputs.loader import Dataset
from forecast.pipeline.manifest import backtest_manifest
from forecast.pipeline.progress import ProgressLike, as_progress
from forecast.shortage import build_series_panel
from forecast.shortage.backtest import DemandBacktest, demand_backtest


@dataclass(frozen=True)
class BacktestRun:
    """The demand back-test of one run and its manifest; ``out`` is where it was written."""

    backtest: DemandBacktest
    run_info: dict
    out: Path | None


def check_backtest_window(h: int, windows: int) -> None:
    """Refuse a horizon or a number of origins below 1 (:class:`InputError`), before any work."""
    if isinstance(h, bool) or isinstance(windows, bool) or h < 1 or windows < 1:
        raise InputError(f"{option('h', h)} {option('windows', windows)}: both must be at least 1")


def run_backtest(data: Dataset, *, h: int = 3, windows: int = 5, out: str | Path | None = None,
                 force: bool = False, lang: str = "en",
                 progress: ProgressLike = None) -> BacktestRun:
    """Re-forecast cell demand from past origins and score it; if ``out`` is given, write
    ``backtest.csv``, ``metrics.csv``, ``backtest.html`` and ``run.json`` there.

    ``progress`` reports the stages as they run (:mod:`forecast.pipeline.progress`); ``None``:
    silent.

    Raises
    ------
    InputError
        If ``h`` or ``windows`` is below 1, or the data are too short for them.
    """
    check_backtest_window(h, windows)
    progress = as_progress(progress)
    started = time.perf_counter()
    with progress.stage("panel: series by region x sector x skill"):
        panel = build_series_panel(data)
    try:
        with progress.stage(f"back-test: demand at {windows} origins, {h} years ahead"):
            result = demand_backtest(panel, h, windows)
    except ValueError as exc:  # too few years for the origins asked for
        raise InputError(f"{option('h', h)} {option('windows', windows)}: {exc}") from None
    info = backtest_manifest(data, h=h, origins=result.origins, series=result.series,
                             metrics=result.metrics, seconds=time.perf_counter() - started)
    if out is None:
        return BacktestRun(result, info, None)
    # Imported here, so that importing the pipeline does not load the report's charts.
    from forecast.deliverables.pages import backtest_page

    with staged_output(out, force=force) as stage, \
            progress.stage("deliverables: backtest.csv, metrics.csv, backtest.html, run.json"):
        result.forecasts.to_csv(stage / "backtest.csv", index=False, lineterminator="\n")
        result.metrics.to_csv(stage / "metrics.csv", index=False, lineterminator="\n")
        (stage / "backtest.html").write_text(
            backtest_page(result.metrics, h, len(result.origins), data.is_synthetic, lang),
            encoding="utf-8")
        write_json(stage / "run.json", info)
    return BacktestRun(result, info, Path(out))
