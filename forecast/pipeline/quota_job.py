"""The main job end to end: data -> shortage forecast -> quota proposal -> files.

:func:`run_quota` is what ``labor-forecast quota`` runs; data scientists can call it, or each
step (:func:`~forecast.inputs.loader.load_data`, :func:`~forecast.shortage.forecast_shortage`,
:func:`~forecast.quota.recommend_quota`) on its own.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

import pandas as pd

from forecast.deliverables.content import planner_content
from forecast.inputs.errors import InputError, option
from forecast.deliverables.i18n import Labels, check_language
from forecast.inputs.loader import Dataset
from forecast.deliverables.outputs import safe_frame, staged_output, write_json
from forecast.inputs.real.references import reference_rows
from forecast.pipeline.parallel import parallel_backend
from forecast.pipeline.progress import Progress, ProgressLike, as_progress
from forecast.pipeline.report_process import ReportProcess, report_process, write_report
from forecast.quota.indicators import effectiveness_indicators
from forecast.quota.policy import Policy, load_policy
from forecast.quota import recommend_quota
from forecast.quota.backtest import QuotaBacktest, backtest_quota
from forecast.quota.ranking import rank_demand
from forecast.quota.scenarios import SCENARIOS, compare_scenarios, get_scenario
from forecast.quota.status_quo import last_year_quota, status_quo_comparison
from forecast.shortage.definitions import DEFAULT_DEMAND_MODEL
from models import ForecastMemo
from forecast.pipeline.manifest import quota_manifest
from forecast.shortage import MIN_HISTORY, SeriesPanel, ShortageForecast, build_series_panel
from forecast.deliverables.workbook import write_workbook


@dataclass(frozen=True)
class QuotaRun:
    """Everything one run of the main job produced."""

    forecast: ShortageForecast
    quota: pd.DataFrame
    run_info: dict
    out: Path | None
    ranking: dict = field(default_factory=dict)
    indicators: pd.DataFrame | None = None
    scenarios: pd.DataFrame | None = None
    status_quo: pd.DataFrame | None = None
    quota_backtest: pd.DataFrame | None = None


def run_quota(data: Dataset, year: int, *, policy: Policy | str | Path | None = None,
              out: str | Path | None = None, force: bool = False, seed: int = 0, n_jobs: int = 1,
              scheduler: str | None = None,
              scenario: str | None = None, compare: Sequence[str] | None = None,
              backtest_years: int = 0, lang: str = "en",
              progress: ProgressLike = None,
              demand_model: str = DEFAULT_DEMAND_MODEL) -> QuotaRun:
    """Forecast shortages for ``year``, recommend the quota and, if ``out`` is given, write
    ``quota.csv``, ``quota.xlsx``, ``report.html`` and ``run.json`` there.

    Parameters
    ----------
    policy : Policy or path, optional
        The rules, or a policy TOML file (:func:`forecast.quota.policy.load_policy`).
    scenario : str, optional
        Name from :data:`forecast.quota.scenarios.SCENARIOS` to run instead of the data as they are.
    compare : sequence of str, optional
        Scenario names to run side by side (``"all"`` alone for every one); their totals and
        differences from the baseline are in ``QuotaRun.scenarios`` and ``run.json``.
    backtest_years : int
        Also back-test the quota rules on the last ``backtest_years`` years of data: for each,
        the recommendation and today's rule made from the data before it, scored against the
        need observed in its tables afterwards (:func:`forecast.quota.backtest.backtest_quota`).
        About as long as the main forecast per year.
    lang : {"en", "ru", "kk"}
        Language of the workbook and the report.
    demand_model : {"univariate", "panel", "combined"}
        Where the growth of cell demand comes from (:func:`forecast.shortage.forecast_shortage`).
    progress : Progress or callable, optional
        Reports the stages as they run (:class:`forecast.pipeline.progress.Progress`, on stderr);
        a plain callable is called with the name of each stage and step as it is done. ``None``:
        silent.
    n_jobs : int
        joblib workers for the models on this machine.
    scheduler : str, optional
        Address of a Dask scheduler to run the models on (:mod:`forecast.pipeline.parallel`).
    """
    check_language(lang)
    if policy is None:
        policy = Policy()
    elif not isinstance(policy, Policy):
        policy = load_policy(policy)
    chosen = get_scenario(scenario or "baseline")
    names = list(SCENARIOS) if compare is not None and list(compare) == ["all"] else list(compare or [])
    for name in names:
        get_scenario(name, argument="compare")
    origins = backtest_origins(data, backtest_years)
    progress = as_progress(progress)
    # The report is written by a helper process started now, so that its imports overlap the
    # forecast (forecast.pipeline.report_process).
    with report_process(enabled=out is not None) as report_helper:
        started = time.perf_counter()
        with progress.stage("panel: series by region x sector x skill"):
            panel = build_series_panel(data)
        others = {}
        # One memo of back-test windows for every forecast of the run: the scenarios on the same
        # series and the quota back-test's origins reuse the windows the baseline made.
        memo = ForecastMemo()
        with parallel_backend(scheduler, n_jobs) as (backend, workers):
            with progress.stage(f"forecast: shortage by region x sector x skill ({chosen.name})"):
                forecast = chosen.forecast(data, year, n_jobs=workers, backend=backend,
                                           random_state=seed, panel=panel, demand_model=demand_model,
                                           memo=memo)
            for name in names:
                if name != chosen.name and name not in others:
                    with progress.stage(f"forecast: scenario {name}"):
                        others[name] = get_scenario(name).forecast(
                            data, year, n_jobs=workers, backend=backend, random_state=seed,
                            panel=panel, demand_model=demand_model, memo=memo)
        forecast = with_labour_force(data, forecast)
        others = {name: with_labour_force(data, other) for name, other in others.items()}
        with progress.stage("quota: recommendation, ranking, indicators"):
            quota = recommend_quota(forecast, policy, data)
            last, last_info = last_year_quota(data, year, forecast, policy)
            if last is not None:
                quota.insert(quota.columns.get_loc("status_quo") + 1, "last_year", last)
            ranking = rank_demand(forecast, quota)
            indicators = effectiveness_indicators(data, quota, forecast.year)
        comparison = None
        if names:
            with progress.stage("quota: scenarios side by side"):
                results = {chosen.name: quota}
                for name in names:
                    if name not in results:
                        results[name] = recommend_quota(others[name], policy, data)
                comparison = compare_scenarios(results, baseline="baseline" if "baseline" in results
                                               else chosen.name)
        info = quota_manifest(data, forecast, quota, policy, seed, time.perf_counter() - started)
        info["references"] = reference_rows(dict(data.tables), quota)
        info["scenario"] = {"name": chosen.name, "description": chosen.description}
        info["parallel"] = {"scheduler": scheduler, "n_jobs": n_jobs}
        info["comparison"] = {
            "status_quo": {"quota": int(quota["status_quo"].sum()),
                           "percent_of_labour_force": policy.status_quo_percent},
            "last_year": last_info | ({"quota": int(last.sum())} if last is not None else {}),
        }
        info["ranking"] = {level: frame.head(10).to_dict(orient="records")
                           for level, frame in ranking.items()}
        info["indicators"] = (indicators.astype({"year": object}).where(indicators.notna(), None)
                              .to_dict(orient="records"))
        if comparison is not None:
            info["scenarios"] = comparison.to_dict(orient="records")
        backtest = None
        if origins:
            years = str(origins[0]) if len(origins) == 1 else f"{origins[0]}-{origins[-1]}"
            with progress.stage(f"back-test: quota rules from {years}, scored on the years after"):
                result = backtest_quota(data, None, origins, policy=policy, n_jobs=n_jobs, seed=seed,
                                        demand_model=demand_model, progress=progress.advance,
                                        memo=memo)
            backtest = backtest_piece(result, Labels(lang))
            info["quota_backtest"] = {
                "basis": result.basis, "definition": result.definition, "origins": origins,
                "by_year": backtest["by_year"].to_dict(orient="records"),
                "pooled": backtest["pooled"].to_dict(orient="records")}
        run = QuotaRun(forecast, quota, info, None, ranking, indicators, comparison,
                       status_quo_comparison(quota), backtest)
        if out is not None:
            with staged_output(out, force=force) as stage:
                safe_frame(quota).to_csv(stage / "quota.csv", index=False, lineterminator="\n")
                _write_deliverables(stage, data, panel, replace(run, out=None), lang, progress,
                                    report_helper)
                with progress.stage("deliverables: run.json"):
                    write_json(stage / "run.json", info)
            run = replace(run, out=Path(out))
        return run


def with_labour_force(data: Dataset, forecast: ShortageForecast) -> ShortageForecast:
    """The forecast with the ceiling's labour force taken from the ``labour_force`` table (the
    survey's economically active population in the origin year) when the data have one for
    that year; otherwise as the forecast has it (employment plus applicants)."""
    if "labour_force" not in data:
        return forecast
    table = data["labour_force"]
    at = table[(table["year"] == forecast.origin) & (table["region"] != "KZ")]
    if at.empty:
        at = table[(table["year"] == forecast.origin) & (table["region"] == "KZ")]
    if at.empty:
        return forecast
    return replace(forecast, labour_force=float(at["labour_force"].sum()))


def backtest_origins(data: Dataset, years: int) -> list[int]:
    """Origins of a quota back-test over the last ``years`` years of data (quota years up to
    the last data year), refused when the data are too short to forecast from the first."""
    if isinstance(years, bool) or not isinstance(years, int) or years < 0:
        raise InputError(f"back-test years {option('backtest_years', years)}: expected a whole "
                         "number, 0 or more")
    if years == 0:
        return []
    longest = data.last_year - data.first_year - MIN_HISTORY
    if years > longest:
        raise InputError(f"back-test years {option('backtest_years', years)}: the data cover "
                         f"{data.first_year}-{data.last_year}, "
                         f"enough to back-test at most {max(longest, 0)} years (each forecast "
                         f"needs {MIN_HISTORY + 1} years of data before it)")
    return list(range(data.last_year - years, data.last_year))


def backtest_piece(result: QuotaBacktest, labels: Labels) -> dict:
    """The quota back-test as the workbook and the report show it: by year and pooled."""
    columns = ["need", "quota", "unused", "unmet", "allocation_error"]
    # Scale-free measures: where the quota goes, whatever its total.
    shares = ["distribution_error", "rank_correlation"]
    by_year = result.by_origin[["year", "rule", *columns, *shares]].copy()
    by_year["year"] = by_year["year"].astype(str)  # a label, not a quantity
    pooled = result.summary[["rule", *columns, "mean_distribution_error", "mean_rank_correlation"]]
    pooled = pooled.rename(columns={f"mean_{name}": name for name in shares})
    persons = ["need", "quota", "unused", "unmet"]
    by_year[persons] = by_year[persons].round()
    # The pooled persons are the sums of the year rows as shown, so the table adds up.
    pooled = pooled.copy()
    pooled[persons] = (by_year.groupby("rule", sort=False)[persons].sum()
                       .reindex(pooled["rule"]).to_numpy())
    for frame in (by_year, pooled):
        frame[["allocation_error", *shares]] = frame[["allocation_error", *shares]].round(3)
    piece = {"definition": labels(f"backtest.definition_{result.basis}")}
    change = _boundary_change(result.by_origin)
    if change is not None:
        piece["boundary_change"] = labels("backtest.boundary_change", **change)
    return piece | {"by_year": by_year, "pooled": pooled}


def _boundary_change(by_origin: pd.DataFrame) -> dict | None:
    """The first pair of consecutive origins whose forecasts were made on different numbers of
    regions (a boundary change between them), or None."""
    if "regions" not in by_origin:
        return None
    counts = list(by_origin.groupby("origin", sort=True)["regions"].first().items())
    for (before, n_before), (after, n_after) in zip(counts, counts[1:]):
        if n_before != n_after:
            return {"last_before": int(before), "first_after": int(after),
                    "before": int(n_before), "after": int(n_after)}
    return None


def _write_deliverables(stage: Path, data: Dataset, panel: SeriesPanel, run: QuotaRun, lang: str,
                        progress: Progress, report_helper: ReportProcess | None = None) -> None:
    """Write ``quota.xlsx`` and ``report.html`` of ``run`` into ``stage``, from one set of
    figures; the report by ``report_helper`` meanwhile, when there is one."""
    progress.advance("deliverables: tables and charts")
    content = planner_content(data, run, lang, panel=panel,
                              progress=lambda step: progress.advance(f"deliverables: {step} done"))
    if report_helper is not None:
        report_helper.submit(stage / "report.html", content)
    with progress.stage("deliverables: workbook"):
        write_workbook(stage / "quota.xlsx", content)
    with progress.stage("deliverables: report"):
        if report_helper is None:
            write_report(stage / "report.html", content)
        else:
            report_helper.wait()
