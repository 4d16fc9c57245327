"""``labor-forecast forecast``: the shortage forecast by region x sector x skill, and its files."""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

from forecast.deliverables.outputs import staged_output, write_json
from forecast.inputs.loader import Dataset
from forecast.pipeline.manifest import forecast_manifest
from forecast.pipeline.parallel import parallel_backend
from forecast.pipeline.progress import ProgressLike, as_progress
from forecast.shortage import ShortageForecast, build_series_panel, forecast_shortage


@dataclass(frozen=True)
class ForecastRun:
    """The shortage forecast of one run and its manifest; ``out`` is where it was written."""

    forecast: ShortageForecast
    run_info: dict
    out: Path | None


def run_forecast(data: Dataset, year: int, *, out: str | Path | None = None, force: bool = False,
                 seed: int = 0, n_jobs: int = 1, scheduler: str | None = None,
                 lang: str = "en", progress: ProgressLike = None) -> ForecastRun:
    """Forecast the shortage in ``year`` and, if ``out`` is given, write ``shortage.csv``,
    ``shortage.html`` and ``run.json`` there.

    Parameters
    ----------
    data : Dataset
    year : int
        Forecast year, 1 to 5 years after the last data year.
    out : path, optional
        Output folder; an existing one is replaced only with ``force``.
    seed, n_jobs, scheduler :
        As in :func:`forecast.pipeline.run_quota`.
    lang : {"en", "ru", "kk"}
        Language of ``shortage.html``.
    progress : Progress or callable, optional
        Reports the stages as they run (:mod:`forecast.pipeline.progress`); ``None``: silent.
    """
    progress = as_progress(progress)
    started = time.perf_counter()
    with progress.stage("panel: series by region x sector x skill"):
        panel = build_series_panel(data)
    with parallel_backend(scheduler, n_jobs) as (backend, workers), \
            progress.stage("forecast: shortage by region x sector x skill"):
        result = forecast_shortage(data, year, n_jobs=workers, backend=backend, random_state=seed,
                                   panel=panel)
    info = forecast_manifest(data, result, seed, time.perf_counter() - started)
    if out is None:
        return ForecastRun(result, info, None)
    # Imported here, so that importing the pipeline does not load the report's charts.
    from forecast.deliverables.pages import forecast_page

    with staged_output(out, force=force) as stage, \
            progress.stage("deliverables: shortage.csv, shortage.html, run.json"):
        result.table.to_csv(stage / "shortage.csv", index=False, lineterminator="\n")
        (stage / "shortage.html").write_text(forecast_page(result, data.is_synthetic, lang),
                                             encoding="utf-8")
        write_json(stage / "run.json", info)
    return ForecastRun(result, info, Path(out))
