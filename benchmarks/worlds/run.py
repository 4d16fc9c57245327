"""The quota recommendation on three synthetic worlds, scored by the library's own back-test.

Run from the repository root::

    python -m benchmarks.worlds.run [--quick] [--worlds flow,stock,shock] [--keep DIR]
                                    [--demand-model {univariate,panel,combined}]

For each world (:mod:`benchmarks.worlds`) with data ``FIRST..L`` and truth through ``L + 3``:

1. the world is written to a temporary folder and checked with ``labor-forecast validate``;
2. a data directory with the truth included up to ``Y = L + K`` is written and
   ``labor-forecast quota --year Y+1 --data DIR --backtest K --policy P`` is run, ``P`` being the
   shipped policy with the national ceiling raised to 100% of the labour force so that no
   ceiling binds; its ``run.json`` back-test section (need observed afterwards in the tables)
   gives each rule's allocation error: the recommendation, today's rule (``status_quo``) and the
   ``last_year_need`` reference;
3. for each back-test year ``y`` (``L+1..L+K``), ``labor-forecast quota --year y`` is run on the
   data through ``y - 1`` (for ``y = L + 1`` the world's own data directory) and its
   ``quota.csv`` (the recommendation and the ``status_quo`` column) is scored against the
   **world's own need** (``truth/need.csv``) put through the same need rule (positive need x
   (1 - domestic_share) x foreign_share, low skill only in the seasonal sectors, the regulated
   professions' share, nothing in the protected ones), on region x sector totals: allocation
   error ``sum |quota - need| / sum need``, distribution error (half the sum of absolute
   differences of the two sets of shares) and the rank correlation of quota intensity with need
   intensity (per skilled worker of the world, over the sectors not protected).
   ``last_year_need`` is the world's need of the year before under the same rule,
   ``last_vacancies`` the world's vacancies of the year before under it, at the recommendation's
   total.

``K`` is 3 (``--quick``: 1, with shorter worlds). ``--demand-model M`` is passed to every
``labor-forecast quota`` command (default: the library's default, ``combined``); the panel
weight each run chose (``run.json`` ``models.demand_model``) is recorded with it.

Writes ``benchmarks/results/worlds.json`` (``worlds_quick.json`` with ``--quick``); with a
demand model other than the default, ``worlds_<model>.json`` (``worlds_<model>_quick.json``).
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import subprocess
import sys
import tempfile
import time
import tomllib
from datetime import datetime, timezone
from pathlib import Path

import numpy as np
import pandas as pd

from benchmarks._process import RESULTS_DIR, save_json
from benchmarks.models._common import machine_info, versions

from . import WORLDS

SEED = 20250101
LAST_YEAR = 2024
FIRST_YEAR = 2000
QUICK_FIRST_YEAR = 2010
BACKTEST_YEARS = 3
QUICK_BACKTEST_YEARS = 1
CEILING_PERCENT = 100.0
TARGET_REDUCTION = 0.5  # the quota benchmark's target against today's rule
TARGET_RANK = 0.90  # each world: rank correlation of need intensity at least this
TARGET_DISTRIBUTION = 0.12  # and distribution error at most this
DEMAND_MODELS = ("univariate", "panel", "combined")  # labor-forecast quota --demand-model
DEFAULT_DEMAND_MODEL = "combined"  # the library's default: results keep the plain file names


def cli() -> list[str]:
    """The ``labor-forecast`` command of this environment."""
    beside = Path(sys.executable).with_name("labor-forecast")
    if beside.exists():
        return [str(beside)]
    found = shutil.which("labor-forecast")
    if found:
        return [found]
    return [sys.executable, "-m", "forecast.cli"]


def run_cli(args: list[str]) -> tuple[int, str, str, float]:
    started = time.perf_counter()
    done = subprocess.run(cli() + args, capture_output=True, text=True)
    return done.returncode, done.stdout, done.stderr, time.perf_counter() - started


def default_policy_file() -> Path:
    import forecast

    root = Path(forecast.__file__).resolve().parent
    found = sorted(root.rglob("policy_default.toml"))
    if not found:
        raise SystemExit(f"no policy_default.toml under {root}")
    return found[0]


def uncapped_policy(path: Path, percent: float = CEILING_PERCENT) -> Path:
    """Copy the shipped policy with ``[ceiling] percent_of_labour_force`` set to ``percent``."""
    text = default_policy_file().read_text(encoding="utf-8")
    match = re.search(r"(?ms)^\[ceiling\]\s*$(.*?)(?=^\[|\Z)", text)
    if match is None or not re.search(r"(?m)^percent_of_labour_force\s*=", match.group(1)):
        raise SystemExit("the shipped policy has no [ceiling] percent_of_labour_force key")
    section = re.sub(r"(?m)^percent_of_labour_force\s*=.*$",
                     f"percent_of_labour_force = {percent}", match.group(1))
    path.write_text(text[:match.start(1)] + section + text[match.end(1):], encoding="utf-8")
    return path


def demand_model_args(demand_model: str | None) -> list[str]:
    """The ``--demand-model`` arguments of a ``labor-forecast quota`` command."""
    return ["--demand-model", demand_model] if demand_model else []


def demand_model_used(run_info: dict) -> dict | None:
    """The demand model a run used, as its ``run.json`` records it (name, panel weight)."""
    used = run_info.get("models", {}).get("demand_model")
    if not used:
        return None
    return {key: used[key] for key in ("name", "panel_weight") if key in used}


def results_path(quick: bool, demand_model: str, seed: int = SEED) -> Path:
    """``worlds[_<model>][_seed<seed>][_quick].json``: the default model and seed keep the plain
    name."""
    stem = "worlds" if demand_model == DEFAULT_DEMAND_MODEL else f"worlds_{demand_model}"
    if seed != SEED:
        stem += f"_seed{seed}"
    return RESULTS_DIR / (f"{stem}_quick.json" if quick else f"{stem}.json")


def world_need_lines(need: pd.DataFrame, year: int, policy: dict) -> pd.Series:
    """The world's need in ``year`` through the recommendation's need rule, by region x sector.

    The rule of the library's back-test (:func:`forecast.quota.backtest.true_need`): positive
    need x (1 - domestic_share) x foreign_share, low skill only in the seasonal sectors, the
    regulated professions' share of what their categories take, nothing in the protected sectors.
    """
    from forecast.inputs.schema import SKILLS
    from forecast.inputs.sectors import sector_codes
    from forecast.quota.need import regulated_shares, split_matrix
    from forecast.quota.policy import policy_from_mapping

    rules = policy_from_mapping(policy)
    rows = need[need["year"] == year]
    # Per sector x skill, the share of a skill's need its categories let foreign workers fill.
    fillable = pd.DataFrame(regulated_shares(rules) @ split_matrix(rules).T,
                            index=sector_codes(), columns=list(SKILLS))
    value = rows["need"].clip(lower=0) * (1 - rules.domestic_share) * rules.foreign_share
    value = value * fillable.stack().reindex(pd.MultiIndex.from_frame(
        rows[["sector", "skill"]])).to_numpy()
    value = value.where(~rows["sector"].isin(rules.protected_sectors), 0.0)
    value = value.where((rows["skill"] != "low") | rows["sector"].isin(rules.seasonal_sectors), 0.0)
    return value.groupby([rows["region"], rows["sector"]]).sum()


def last_vacancies_lines(need: pd.DataFrame, year: int, policy: dict, total: float) -> pd.Series:
    """The world's vacancies of ``year`` through the need rule, scaled to ``total``: the
    back-test's ``last_vacancies`` rule (last year's unfilled posts as the distribution)."""
    lines = world_need_lines(need.assign(need=need["vacancies"]), year, policy)
    return lines * (total / lines.sum()) if lines.sum() > 0 else lines


def skilled_demand(need: pd.DataFrame, year: int) -> pd.Series:
    """The world's skilled (high and medium) demand in ``year`` by region x sector: the scale of
    need intensity."""
    rows = need[(need["year"] == year) & need["skill"].isin(("high", "medium"))]
    return rows.groupby(["region", "sector"])["demand"].sum()


def scores(quota: pd.Series, need: pd.Series, skilled: pd.Series | None = None,
           closed: set[str] = frozenset()) -> dict:
    """Allocation and distribution errors of ``quota`` against ``need`` (region x sector), and
    with ``skilled`` the rank correlation of quota intensity with need intensity (per skilled
    worker) over the lines the policy can give (no sector in ``closed``)."""
    quota, need = quota.align(need, fill_value=0.0)
    total, given = float(need.sum()), float(quota.sum())
    diff = quota - need
    out = {"quota": round(given, 1), "need": round(total, 1),
           "allocation_error": round(float(diff.abs().sum() / total), 4) if total > 0 else None,
           "unused": round(float(diff.clip(lower=0).sum()), 1),
           "unmet": round(float((-diff).clip(lower=0).sum()), 1),
           "distribution_error": round(0.5 * float((quota / given - need / total).abs().sum()), 4)
           if total > 0 and given > 0 else None}
    if skilled is not None:
        from forecast.quota.backtest import rank_correlation

        open_lines = ~need.index.get_level_values("sector").isin(sorted(closed))
        scale = skilled.reindex(need.index).fillna(0.0).to_numpy(dtype=float)[open_lines]
        rho = rank_correlation(quota.to_numpy(dtype=float)[open_lines],
                               need.to_numpy(dtype=float)[open_lines], scale)
        out["rank_correlation"] = None if np.isnan(rho) else round(rho, 4)
    return out


def pooled(rows: list[dict]) -> dict:
    """Scores pooled over years: errors of the summed lines, means of the shares' errors."""
    out = {}
    for rule in dict.fromkeys(r["rule"] for r in rows):
        mine = [r for r in rows if r["rule"] == rule]
        need = sum(r["need"] for r in mine)
        out[rule] = {"need": round(need, 1), "quota": round(sum(r["quota"] for r in mine), 1),
                     "allocation_error": round((sum(r["unused"] + r["unmet"] for r in mine) / need), 4)
                     if need > 0 else None,
                     "mean_distribution_error": round(float(np.mean(
                         [r["distribution_error"] for r in mine
                          if r["distribution_error"] is not None])), 4)}
        ranks = [r["rank_correlation"] for r in mine if r.get("rank_correlation") is not None]
        if ranks:
            out[rule]["mean_rank_correlation"] = round(float(np.mean(ranks)), 4)
    return out


def world_targets(pooled_scores: dict) -> dict:
    """The issue's targets for each world, checked on the pooled truth scores: rank correlation
    at least :data:`TARGET_RANK`, distribution error at most :data:`TARGET_DISTRIBUTION`, and
    both errors below those of the last-year-need and last-vacancies rules."""
    mine = pooled_scores.get("recommendation", {})
    rank, distribution = mine.get("mean_rank_correlation"), mine.get("mean_distribution_error")
    out = {"rank_correlation_at_least": TARGET_RANK,
           "rank_correlation_met": rank is not None and rank >= TARGET_RANK,
           "distribution_error_at_most": TARGET_DISTRIBUTION,
           "distribution_error_met": distribution is not None and distribution <= TARGET_DISTRIBUTION}
    for rule in ("last_year_need", "last_vacancies"):
        other = pooled_scores.get(rule, {})
        out[f"beats_{rule}"] = all(
            mine.get(key) is not None and other.get(key) is not None and mine[key] < other[key]
            for key in ("allocation_error", "mean_distribution_error"))
    out["all_met"] = all(value for key, value in out.items() if key.endswith(("_met", "_need",
                                                                              "_vacancies")))
    return out


def score_world(name: str, root: Path, *, seed: int, first_year: int, last_year: int, k: int,
                policy_file: Path, demand_model: str = DEFAULT_DEMAND_MODEL) -> dict:
    policy = tomllib.loads(policy_file.read_text(encoding="utf-8"))
    started = time.perf_counter()
    world = WORLDS[name](root / "world", seed=seed, last_year=last_year, first_year=first_year)
    record: dict = {"world": name, "description": world.description, "seed": seed,
                    "data_years": [first_year, last_year],
                    "truth_years": [last_year + 1, world.truth_last_year],
                    "parameters": world.parameters, "demand_model": demand_model}
    rc, out, err, _ = run_cli(["validate", str(world.directory)])
    record["validate"] = {"exit": rc, "message": (out or err).strip()[:500]}
    if rc != 0:
        record["error"] = f"labor-forecast validate refused the {name} world"
        return record

    year_end = last_year + k
    full = world.write_data(root / "full", through=year_end)
    bt_out = root / "backtest"
    args = ["quota", "--year", str(year_end + 1), "--data", str(full), "--backtest", str(k),
            "--policy", str(policy_file), "--out", str(bt_out), "--quiet",
            *demand_model_args(demand_model)]
    rc, out, err, seconds = run_cli(args)
    record["backtest_command"] = "labor-forecast " + " ".join(
        a if not a.startswith(str(root)) else a.replace(str(root), "$WORLD") for a in args)
    record["backtest_exit"] = rc
    record["backtest_seconds"] = round(seconds, 1)
    if rc != 0:
        record["error"] = f"quota --backtest failed: {err.strip()[-1000:]}"
        return record
    info = json.loads((bt_out / "run.json").read_text(encoding="utf-8"))
    backtest = info.get("quota_backtest", {})
    record["library_backtest"] = {
        "basis": backtest.get("basis"), "origins": backtest.get("origins"),
        "pooled": backtest.get("pooled"), "by_year": backtest.get("by_year"),
        "keys_reported": sorted({key for row in backtest.get("pooled", []) for key in row}),
        "cap_binding_in_main_run": info.get("totals", {}).get("cap_binding"),
        "demand_model_in_main_run": demand_model_used(info)}
    errors = {row["rule"]: row.get("allocation_error") for row in backtest.get("pooled", [])}
    if errors.get("recommendation") is not None and errors.get("status_quo"):
        record["library_backtest"]["allocation_error_reduction_vs_status_quo"] = round(
            1 - errors["recommendation"] / errors["status_quo"], 4)
    if "distribution_error" not in record["library_backtest"]["keys_reported"]:
        record["library_backtest"]["distribution_error"] = (
            "not in run.json: its back-test section reports need, quota, unused, unmet and "
            "allocation_error only; see world_truth for distribution errors")

    rows, runs = [], []
    for year in range(last_year + 1, year_end + 1):
        data = (world.directory if year == last_year + 1
                else world.write_data(root / f"data-{year - 1}", through=year - 1))
        out_dir = root / f"quota-{year}"
        args = ["quota", "--year", str(year), "--data", str(data), "--policy", str(policy_file),
                "--out", str(out_dir), "--quiet", *demand_model_args(demand_model)]
        rc, out, err, seconds = run_cli(args)
        run = {"year": year, "data_through": year - 1, "exit": rc, "seconds": round(seconds, 1)}
        runs.append(run)
        if rc != 0:
            run["error"] = err.strip()[-1000:]
            continue
        quota = pd.read_csv(out_dir / "quota.csv", dtype={"category": str})
        run_info = json.loads((out_dir / "run.json").read_text(encoding="utf-8"))
        run["cap_binding"] = run_info["totals"]["cap_binding"]
        run["demand_model"] = demand_model_used(run_info)
        run["quota_total"] = int(quota["quota"].sum())
        by_cell = quota.groupby(["region", "sector"])
        need = world_need_lines(world.need, year, policy)
        recommendation = by_cell["quota"].sum().astype(float)
        allocations = {"recommendation": recommendation,
                       "status_quo": by_cell["status_quo"].sum().astype(float),
                       "last_year_need": world_need_lines(world.need, year - 1, policy),
                       "last_vacancies": last_vacancies_lines(world.need, year - 1, policy,
                                                              float(recommendation.sum()))}
        skilled = skilled_demand(world.need, year)
        closed = set(policy.get("sectors", {}).get("protected", ["O", "U"]))
        for rule, allocation in allocations.items():
            rows.append({"year": year, "rule": rule,
                         **scores(allocation, need, skilled, closed)})
    library_rec = {int(r["year"]): r["quota"] for r in backtest.get("by_year", [])
                   if r["rule"] == "recommendation"}
    for run in runs:
        if "quota_total" in run and run["year"] in library_rec:
            run["backtest_recommendation_total"] = library_rec[run["year"]]
    record["quota_runs"] = runs
    record["world_truth"] = {"level": "region x sector", "by_year": rows, "pooled": pooled(rows)}
    record["targets"] = world_targets(record["world_truth"]["pooled"])
    record["seconds"] = round(time.perf_counter() - started, 1)
    return record


def print_world(record: dict) -> None:
    print(f"\n== {record['world']} world ({record.get('demand_model')} demand model): "
          f"{record['description']}")
    if "error" in record:
        print(f"   ERROR: {record['error']}")
        if "library_backtest" not in record:
            return
    lib = {row["rule"]: row for row in record.get("library_backtest", {}).get("pooled") or []}
    truth = record.get("world_truth", {}).get("pooled", {})
    rules = list(dict.fromkeys([*lib, *truth]))
    header = (f"   {'rule':<16} {'backtest alloc.err':>18} {'backtest quota':>14} {'backtest need':>13}"
              f" {'world alloc.err':>15} {'world distr.err':>15} {'world rank':>10}")
    print(header)
    for rule in rules:
        a, b = lib.get(rule, {}), truth.get(rule, {})

        def fmt(value, spec):
            return format(value, spec) if isinstance(value, (int, float)) else "-"
        print(f"   {rule:<16} {fmt(a.get('allocation_error'), '18.3f')} {fmt(a.get('quota'), '14,.0f')}"
              f" {fmt(a.get('need'), '13,.0f')} {fmt(b.get('allocation_error'), '15.3f')}"
              f" {fmt(b.get('mean_distribution_error'), '15.3f')}"
              f" {fmt(b.get('mean_rank_correlation'), '10.3f')}")
    targets = record.get("targets")
    if targets:
        print("   targets: " + ", ".join(f"{key} {'yes' if value else 'no'}"
                                         for key, value in targets.items()
                                         if isinstance(value, bool)))
    reduction = record.get("library_backtest", {}).get("allocation_error_reduction_vs_status_quo")
    if reduction is not None:
        print(f"   back-test allocation error reduction vs today's rule: {reduction:.1%}")


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true",
                        help=f"worlds from {QUICK_FIRST_YEAR}, back-test {QUICK_BACKTEST_YEARS} year")
    parser.add_argument("--worlds", default=",".join(WORLDS), help="comma-separated world names")
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--keep", type=Path, help="keep the written worlds and outputs here")
    parser.add_argument("--demand-model", choices=DEMAND_MODELS, default=DEFAULT_DEMAND_MODEL,
                        help="passed to every labor-forecast quota command (default "
                             f"{DEFAULT_DEMAND_MODEL}); other than the default, results go to "
                             "worlds_<model>.json")
    args = parser.parse_args(argv)
    names = [n.strip() for n in args.worlds.split(",") if n.strip()]
    unknown = [n for n in names if n not in WORLDS]
    if unknown:
        parser.error(f"unknown world(s) {', '.join(unknown)}; expected {', '.join(WORLDS)}")
    first_year = QUICK_FIRST_YEAR if args.quick else FIRST_YEAR
    k = QUICK_BACKTEST_YEARS if args.quick else BACKTEST_YEARS
    started = time.perf_counter()
    records = []
    with tempfile.TemporaryDirectory(prefix="worlds-") as tmp:
        base = args.keep if args.keep else Path(tmp)
        policy_file = uncapped_policy(Path(tmp) / "policy_uncapped.toml")
        for name in names:
            root = base / name
            if root.exists():
                shutil.rmtree(root)
            root.mkdir(parents=True)
            record = score_world(name, root, seed=args.seed, first_year=first_year,
                                 last_year=LAST_YEAR, k=k, policy_file=policy_file,
                                 demand_model=args.demand_model)
            records.append(record)
            print_world(record)
    payload = {
        "benchmark": "worlds",
        "created": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "command": "python -m benchmarks.worlds.run" + (" --quick" if args.quick else "")
                   + (f" --demand-model {args.demand_model}"
                      if args.demand_model != DEFAULT_DEMAND_MODEL else "")
                   + (f" --seed {args.seed}" if args.seed != SEED else ""),
        "quick": args.quick, "seed": args.seed, "backtest_years": k,
        "demand_model": args.demand_model,
        "policy": f"{default_policy_file().name} with [ceiling] percent_of_labour_force = "
                  f"{CEILING_PERCENT} (no ceiling binds)",
        "definition": {
            "library_backtest": "labor-forecast quota --backtest K on the data with the truth up to "
                                "last_year + K: run.json quota_backtest (need observed afterwards in "
                                "the tables, the library's own need rule)",
            "world_truth": "quota.csv of labor-forecast quota --year y on the data through y-1, "
                           "against the world's own need (truth/need.csv) x (1 - domestic_share) "
                           "x foreign_share, low skill only in seasonal sectors, x the regulated "
                           "professions' share, zero in protected sectors, summed by region x "
                           "sector; allocation error = sum |quota - need| / sum need; "
                           "distribution error = 0.5 sum |quota share - need share|; rank "
                           "correlation = Spearman's of quota and need per skilled (high and "
                           "medium) worker of the world, over the sectors not protected; "
                           "last_year_need = the world's need of y-1 under the same rule; "
                           "last_vacancies = the world's vacancies of y-1 under the same rule at "
                           "the recommendation's total"},
        "target": f"allocation error at least {TARGET_REDUCTION:.0%} lower than today's rule; each "
                  f"world: rank correlation >= {TARGET_RANK}, distribution error <= "
                  f"{TARGET_DISTRIBUTION}, both errors below last_year_need and last_vacancies",
        "worlds": records,
        "seconds": round(time.perf_counter() - started, 1),
        "machine": machine_info(), "versions": versions(),
    }
    path = results_path(args.quick, args.demand_model, args.seed)
    save_json(path, payload)
    print(f"\n{payload['seconds']:.0f} s; wrote {path}")
    return payload


if __name__ == "__main__":
    main()
