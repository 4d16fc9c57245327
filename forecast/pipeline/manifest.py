"""The run manifest (``run.json``) of every command, assembled in one place.

Every manifest records the package and its version, when and on which Python it ran, the data
(source, sha256 of every table file, which tables are the synthetic sample's, years covered), the
provenance of every table (``tables``: real, provided, estimated or synthetic) and the optional
tables missing with what replaces them (``missing_tables``), the seed and the warnings; each
command adds what it produced (:func:`quota_manifest`, :func:`forecast_manifest`,
:func:`backtest_manifest`).
"""

from __future__ import annotations

import platform
from datetime import datetime, timezone

import pandas as pd

from forecast import package_version

from forecast.inputs.loader import Dataset
from forecast.inputs.real.provenance import MISSING_TABLES
from forecast.deliverables.messages import warning
from forecast.quota.policy import Policy
from forecast.shortage import ShortageForecast

PACKAGE = "labor-demand-forecast"


def data_warnings(data: Dataset) -> list[str]:
    """The data's own warnings, led by the synthetic-sample notice when sample tables fed it."""
    warnings = list(data.warnings)
    if "vacancies" not in data.tables:
        warnings.append(warning("no_vacancies"))
    if data.is_synthetic:
        warnings.insert(0, warning("synthetic", tables=", ".join(data.synthetic_tables)))
    return warnings


def table_block(data: Dataset) -> dict:
    """``run.json["tables"]``: per table that fed the run, its provenance (``real``,
    ``provided``, ``estimated`` or ``synthetic``), source and what it rests on."""
    return {name: entry for name, entry in sorted(data.table_provenance().items())}


def missing_tables(data: Dataset) -> dict:
    """Optional tables the data do not have, and what replaces each in the run."""
    return {name: text for name, text in MISSING_TABLES.items() if name not in data}


def base_manifest(data: Dataset, *, seed: int, seconds: float, warnings: list[str]) -> dict:
    """What every command's ``run.json`` records."""
    return {
        "package": PACKAGE,
        "version": package_version(),
        "created": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "python": platform.python_version(),
        "data": {"source": data.source, "sha256": dict(data.sha256),
                 "synthetic_sample": data.is_synthetic,
                 "synthetic_tables": list(data.synthetic_tables),
                 "first_year": data.first_year, "last_year": data.last_year},
        "tables": table_block(data),
        "missing_tables": missing_tables(data),
        "seed": seed,
        "seconds": round(seconds, 2),
        "warnings": warnings,
    }


def _forecast_part(forecast: ShortageForecast) -> dict:
    return {
        "year": forecast.year,
        "origin": forecast.origin,
        "assumptions": {k: v for k, v in forecast.assumptions.__dict__.items()},
        "models": {"forecaster": "models.AutoForecaster", "chosen": forecast.models,
                   "fallbacks": forecast.fallbacks.to_dict(orient="records"),
                   "demand_model": dict(forecast.demand_model),
                   "stock_dynamics": dict(forecast.stock_dynamics)},
    }


def _fallback_warnings(forecast: ShortageForecast) -> list[str]:
    if len(forecast.fallbacks):
        return [warning("fallbacks", count=len(forecast.fallbacks))]
    return []


def quota_manifest(data: Dataset, forecast: ShortageForecast, quota: pd.DataFrame,
                   policy: Policy, seed: int, seconds: float) -> dict:
    """The manifest of ``labor-forecast quota`` before its optional pieces are added."""
    info = base_manifest(data, seed=seed, seconds=seconds,
                         warnings=data_warnings(data) + _fallback_warnings(forecast))
    info.update(_forecast_part(forecast))
    info["policy"] = policy.to_dict()
    info["totals"] = {
        "quota": int(quota["quota"].sum()),
        # The range around the proposal (sums of the lines' ranges, within every cap).
        "quota_low": int(quota.attrs["totals"]["quota_low"]),
        "quota_high": int(quota.attrs["totals"]["quota_high"]),
        "need_low": round(float(quota["need_low"].sum()), 1),
        "need_high": round(float(quota["need_high"].sum()), 1),
        "foreign_need": round(float(quota.attrs["total_need"]), 1),
        "cap": int(quota.attrs["cap"]), "cap_binding": bool(quota.attrs["cap_binding"]),
        "labour_force": round(forecast.labour_force)}
    # The policy mechanisms (forecast.quota.mechanisms): uptake, fee, ceiling advice, headline.
    for key in ("proposals", "uptake", "fee_scenario", "ceiling_advice", "headline"):
        if key in quota.attrs:
            info[key] = quota.attrs[key]
    return info


def forecast_manifest(data: Dataset, forecast: ShortageForecast, seed: int,
                      seconds: float) -> dict:
    """The manifest of ``labor-forecast forecast``."""
    info = base_manifest(data, seed=seed, seconds=seconds,
                         warnings=data_warnings(data) + _fallback_warnings(forecast))
    info.update(_forecast_part(forecast))
    info["tiers"] = {str(k): int(v) for k, v in
                     forecast.table["tier"].value_counts().sort_index().items()}
    return info


def backtest_manifest(data: Dataset, *, h: int, origins: list[int], series: int,
                      metrics: pd.DataFrame, seconds: float) -> dict:
    """The manifest of ``labor-forecast backtest``."""
    info = base_manifest(data, seed=0, seconds=seconds, warnings=data_warnings(data))
    info["backtest"] = {"forecaster": "models.AutoForecaster", "h": h, "origins": origins,
                        "series": series,
                        "metrics": metrics.where(metrics.notna(), None).to_dict(orient="records")}
    return info
