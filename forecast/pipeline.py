"""The main job end to end: data -> shortage forecast -> quota proposal -> files.

:func:`run_quota` is what ``labor-forecast quota`` runs; data scientists can call it, or each
step (:func:`~forecast.loader.load_data`, :func:`~forecast.shortage.forecast_shortage`,
:func:`~forecast.quota.recommend_quota`) on its own.
"""

from __future__ import annotations

import html
import platform
import time
from dataclasses import dataclass
from datetime import datetime, timezone
from importlib import metadata
from pathlib import Path

import pandas as pd

from forecast.loader import Dataset
from forecast.outputs import staged_output, write_json
from forecast.quota import Policy, recommend_quota
from forecast.sample.generator import NOTICE
from forecast.shortage import ShortageForecast, forecast_shortage


def package_version() -> str:
    try:
        return metadata.version("labor-demand-forecast")
    except metadata.PackageNotFoundError:  # running from a source tree
        return "0+unknown"


@dataclass(frozen=True)
class QuotaRun:
    """Everything one run of the main job produced."""

    forecast: ShortageForecast
    quota: pd.DataFrame
    run_info: dict
    out: Path | None


def run_quota(data: Dataset, year: int, *, policy: Policy | None = None, out: str | Path | None = None,
              force: bool = False, seed: int = 0, n_jobs: int = 1) -> QuotaRun:
    """Forecast shortages for ``year``, recommend the quota and, if ``out`` is given, write
    ``quota.csv``, ``quota.xlsx``, ``report.html`` and ``run.json`` there."""
    policy = policy or Policy()
    started = time.perf_counter()
    forecast = forecast_shortage(data, year, n_jobs=n_jobs, random_state=seed)
    quota = recommend_quota(forecast, policy)
    info = _run_info(data, forecast, quota, policy, seed, time.perf_counter() - started)
    if out is not None:
        with staged_output(out, force=force) as stage:
            quota.to_csv(stage / "quota.csv", index=False, lineterminator="\n")
            _write_workbook(stage / "quota.xlsx", quota, forecast, info)
            (stage / "report.html").write_text(_report(quota, forecast, info), encoding="utf-8")
            write_json(stage / "run.json", info)
        out = Path(out)
    return QuotaRun(forecast, quota, info, out)


def _run_info(data: Dataset, forecast: ShortageForecast, quota: pd.DataFrame, policy: Policy,
              seed: int, seconds: float) -> dict:
    warnings = list(data.warnings)
    if data.is_synthetic:
        warnings.insert(0, NOTICE + f" Synthetic tables: {', '.join(data.synthetic_tables)}.")
    if len(forecast.fallbacks):
        warnings.append(f"{len(forecast.fallbacks)} series fell back to a simpler model")
    return {
        "package": "labor-demand-forecast",
        "version": package_version(),
        "created": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "python": platform.python_version(),
        "data": {"source": data.source, "sha256": dict(data.sha256),
                 "synthetic_sample": data.is_synthetic,
                 "synthetic_tables": list(data.synthetic_tables),
                 "first_year": data.first_year, "last_year": data.last_year},
        "year": forecast.year,
        "origin": forecast.origin,
        "seed": seed,
        "policy": policy.to_dict(),
        "assumptions": {k: v for k, v in forecast.assumptions.__dict__.items()},
        "models": {"forecaster": "models.AutoForecaster", "chosen": forecast.models,
                   "fallbacks": forecast.fallbacks.to_dict(orient="records")},
        "totals": {"quota": int(quota["quota"].sum()), "quota_low": int(quota["quota_low"].sum()),
                   "quota_high": int(quota["quota_high"].sum()),
                   "foreign_need": round(float(quota.attrs["total_need"]), 1),
                   "cap": int(quota.attrs["cap"]), "cap_binding": bool(quota.attrs["cap_binding"]),
                   "labour_force": round(forecast.labour_force)},
        "seconds": round(seconds, 2),
        "warnings": warnings,
    }


def summary_table(quota: pd.DataFrame, info: dict, rows: int = 10) -> str:
    """A plain-text summary for the terminal."""
    totals = info["totals"]
    lines = []
    if info["data"]["synthetic_sample"]:
        lines.append("NOTE: " + NOTICE)
    lines.append(f"Foreign-labour quota proposal for {info['year']} (data to {info['origin']})")
    lines.append(f"  recommended quota   {totals['quota']:>10,}   (low {totals['quota_low']:,}, "
                 f"high {totals['quota_high']:,})")
    lines.append(f"  national ceiling    {totals['cap']:>10,}   "
                 f"({info['policy']['cap_percent_of_labour_force']}% of a labour force of "
                 f"{totals['labour_force']:,}){'  BINDING' if totals['cap_binding'] else ''}")
    by_line = (quota.groupby(["region_name", "sector_name"], as_index=False)["quota"].sum()
               .sort_values(["quota", "region_name", "sector_name"], ascending=[False, True, True])
               .head(rows))
    if len(by_line) and by_line["quota"].iloc[0] > 0:
        width = max(len(r) for r in by_line["region_name"])
        lines.append("")
        lines.append(f"  {'region':<{width}}  {'sector':<40}  {'quota':>7}")
        for row in by_line.itertuples(index=False):
            if row.quota > 0:
                lines.append(f"  {row.region_name:<{width}}  {row.sector_name[:40]:<40}  {row.quota:>7,}")
    return "\n".join(lines)


def _write_workbook(path: Path, quota: pd.DataFrame, forecast: ShortageForecast, info: dict) -> None:
    by_region = quota.groupby(["region", "region_name"], as_index=False)[["quota", "quota_low", "quota_high"]].sum()
    by_sector = quota.groupby(["sector", "sector_name"], as_index=False)[["quota", "quota_low", "quota_high"]].sum()
    summary = pd.DataFrame({"item": ["year", "data to", "recommended quota", "low", "high",
                                     "national ceiling", "synthetic sample data"],
                            "value": [info["year"], info["origin"], info["totals"]["quota"],
                                      info["totals"]["quota_low"], info["totals"]["quota_high"],
                                      info["totals"]["cap"], "yes" if info["data"]["synthetic_sample"] else "no"]})
    with pd.ExcelWriter(path, engine="openpyxl") as writer:
        summary.to_excel(writer, sheet_name="Summary", index=False)
        by_region.to_excel(writer, sheet_name="By region", index=False)
        by_sector.to_excel(writer, sheet_name="By sector", index=False)
        quota.to_excel(writer, sheet_name="Detail", index=False)
        forecast.table.to_excel(writer, sheet_name="Shortage forecast", index=False)
        for sheet in writer.book.worksheets:
            sheet.freeze_panes = "A2"


def _report(quota: pd.DataFrame, forecast: ShortageForecast, info: dict) -> str:
    banner = (f'<p class="banner">{html.escape(NOTICE)}</p>' if info["data"]["synthetic_sample"] else "")
    by_region = (quota.groupby("region_name", as_index=False)[["quota", "quota_low", "quota_high"]]
                 .sum().sort_values("quota", ascending=False))
    by_sector = (quota.groupby("sector_name", as_index=False)[["quota", "quota_low", "quota_high"]]
                 .sum().sort_values("quota", ascending=False))
    totals = info["totals"]
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>Foreign-labour quota proposal {info['year']}</title>
<style>body{{font-family:sans-serif;max-width:60em;margin:2em auto}}
.banner{{background:#fde68a;padding:.6em;border:1px solid #b45309}}
table{{border-collapse:collapse}}td,th{{border:1px solid #ccc;padding:.2em .5em;text-align:right}}</style>
</head><body>
{banner}
<h1>Foreign-labour quota proposal for {info['year']}</h1>
<p>Recommended quota: <b>{totals['quota']:,}</b> (range {totals['quota_low']:,}-{totals['quota_high']:,});
national ceiling {totals['cap']:,}. Data to {info['origin']}, package version {html.escape(info['version'])}.</p>
<h2>By region</h2>{by_region.to_html(index=False)}
<h2>By sector</h2>{by_sector.to_html(index=False)}
</body></html>
"""
