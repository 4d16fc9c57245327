"""Accuracy on the real Kazakhstan labour-market series of the Bureau of National Statistics.

One long panel ``unique_id, ds, y`` of annual series (thousand persons) from
``/work/shared/data/kz-bns`` (see its SOURCES.md):

- employed, labour force, unemployed (labour force survey, no 2015), employees and self-employed
  for the 12 regions whose boundaries did not change 2001-2025 (Akmola, Aktobe, Almaty city,
  Astana, Atyrau, Kostanay, Kyzylorda, Mangystau, Pavlodar, North Kazakhstan, Zhambyl, West
  Kazakhstan) and the Republic. Left out: South Kazakhstan / Turkestan / Shymkent (2018 split),
  Almaty region, East Kazakhstan and Karaganda (2022 splits) and the new Abai, Zhetysu, Ulytau;
- national employment by OKED section A..S, 2001-2025: the 2010-2025 table, with 2001-2009 from
  the long 2001-2019 table (identical in 2010-2019 for A..R; its S is the short table's S, which
  includes T and U, so S + T + U there). The national total and IND (B..E) are left out: they
  are sums of other series.

The 2015 gap of the survey files: the Republic's employed in 2015 is the published national
total of the section table (the same series, identical in every other year); the other survey
series are interpolated linearly in 2015 so that models can be fitted, and **an interpolated
point is never scored** nor used in a scale (a naive step to or from it is left out).

Rolling origins 2011..2024 (every model refitted at each), horizons 1..5 where the target year
is observed (so h=5 has origins 2011..2020). MASE: absolute error over the in-sample naive
one-step MAE of the series up to the origin, averaged over all scored points (and per
horizon); 80% interval coverage. ``models.AutoForecaster`` and statsforecast's AutoETS,
AutoTheta, AutoARIMA, Naive and RandomWalkWithDrift (``season_length=1``) run in the same
process on the same windows. Peers need statsforecast, which downgrades pandas: run it from a
separate environment, e.g. ``/tmp/peers/bin/python -m benchmarks.models.accuracy_kz``.

Writes ``benchmarks/results/accuracy_kz.json`` (``accuracy_kz_quick.json`` with ``--quick``:
the last four origins).
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

import numpy as np
import pandas as pd

from benchmarks._process import RESULTS_DIR, save_json
from benchmarks.models._common import machine_info, optional, versions
from models import AutoForecaster

REPO = Path(__file__).resolve().parents[2]
DATA = REPO.parent / "shared" / "data" / "kz-bns"
STABLE_REGIONS = {"AKM": "Akmola", "AKT": "Aktobe", "ALA": "Almaty city", "AST": "Astana",
                  "ATY": "Atyrau", "KST": "Kostanay", "KZL": "Kyzylorda", "MNG": "Mangystau",
                  "PVL": "Pavlodar", "SKO": "North Kazakhstan", "ZHM": "Zhambyl",
                  "ZKO": "West Kazakhstan", "national": "Republic"}
EXCLUDED_REGIONS = {"YKO": "South Kazakhstan (split 2018)", "TRK": "Turkestan (from 2018)",
                    "SHM": "Shymkent (from 2018)", "ALM": "Almaty region (split 2022)",
                    "VKO": "East Kazakhstan (split 2022)", "KRG": "Karaganda (split 2022)",
                    "ABY": "Abai (from 2022)", "ZHT": "Zhetysu (from 2022)",
                    "ULT": "Ulytau (from 2022)"}
MEASURES = {"employed": "employed_by_region.csv", "labour_force": "labour_force_by_region.csv",
            "unemployed": "unemployed_by_region.csv", "employees": "employees_by_region.csv",
            "self_employed": "self_employed_by_region.csv"}
SECTIONS = tuple("ABCDEFGHIJKLMNOPQRS")
FIRST_YEAR, LAST_YEAR = 2001, 2025
ORIGINS = list(range(2011, 2025))
QUICK_ORIGINS = ORIGINS[-4:]
H = 5
LEVEL = 80
TARGET_IMPROVEMENT = 0.15
PEERS = ("AutoETS", "AutoTheta", "AutoARIMA", "Naive", "RWD")


def _read(name: str) -> pd.DataFrame:
    frame = pd.read_csv(DATA / name)
    frame["year"] = pd.to_datetime(frame["date"]).dt.year.astype(int)
    return frame


def load_panel() -> tuple[pd.DataFrame, dict]:
    """The long panel with ``interpolated`` flags, and notes on how it was built."""
    if not DATA.is_dir():
        raise FileNotFoundError(
            f"the Kazakhstan BNS tables are not at {DATA}: this benchmark expects the shared data "
            "folder next to the repository (../shared/data/kz-bns with employed_by_region.csv, "
            "...); copy it there or run on a machine that has it")
    parts, notes = [], {"dropped": [], "interpolated": []}
    sections = _read("employed_by_section.csv")
    national_total = sections[sections["item_code"] == "TOTAL"].set_index("year")["value"]
    for measure, file in MEASURES.items():
        table = _read(file)
        for code, name in STABLE_REGIONS.items():
            series = table[table["region"] == code].set_index("year")["value"].sort_index()
            if measure == "employed" and code == "national" and 2015 not in series.index:
                series.loc[2015] = national_total.loc[2015]  # published, same series
                series = series.sort_index()
            uid = f"{measure}|{code}"
            years = list(range(FIRST_YEAR, LAST_YEAR + 1))
            missing = [y for y in years if y not in series.index]
            if [y for y in missing if y != 2015] or series.index.min() > FIRST_YEAR:
                notes["dropped"].append(f"{uid}: years {missing} missing")
                continue
            frame = pd.DataFrame({"unique_id": uid, "ds": years,
                                  "y": series.reindex(years).to_numpy(dtype=float)})
            frame["interpolated"] = frame["y"].isna()
            if frame["interpolated"].any():
                frame["y"] = frame["y"].interpolate(method="linear", limit_area="inside")
                notes["interpolated"].append(uid)
            parts.append(frame)
    long = _read("employed_by_section_long.csv")
    wide_long = long.pivot_table(index="year", columns="item_code", values="value")
    wide_short = sections.pivot_table(index="year", columns="item_code", values="value")
    early = wide_long.loc[FIRST_YEAR:2009].copy()
    early["S"] = early["S"] + early["T"].fillna(0.0) + early["U"].fillna(0.0)
    common = list(SECTIONS[:-1])
    overlap = wide_long.loc[2010:2019, common] / wide_short.loc[2010:2019, common] - 1
    notes["section_splice_max_relative_difference_2010_2019_A_R"] = float(overlap.abs().max().max())
    for section in SECTIONS:
        values = pd.concat([early[section], wide_short.loc[2010:LAST_YEAR, section]]).sort_index()
        years = list(range(FIRST_YEAR, LAST_YEAR + 1))
        if values.reindex(years).isna().any():
            notes["dropped"].append(f"section|{section}: gaps")
            continue
        parts.append(pd.DataFrame({"unique_id": f"section|{section}", "ds": years,
                                   "y": values.reindex(years).to_numpy(dtype=float),
                                   "interpolated": False}))
    panel = pd.concat(parts, ignore_index=True)
    panel["ds"] = panel["ds"].astype("int64")
    return panel, notes


def naive_scales(panel: pd.DataFrame, origin: int) -> pd.Series:
    """In-sample naive one-step MAE per series up to ``origin``, on real consecutive years only."""
    rows = panel[panel["ds"] <= origin].sort_values(["unique_id", "ds"])
    step = rows.groupby("unique_id")["y"].diff().abs()
    real = ~rows["interpolated"] & ~rows.groupby("unique_id")["interpolated"].shift(1, fill_value=True)
    return step[real].groupby(rows.loc[real, "unique_id"]).mean()


def forecast_ours(train: pd.DataFrame) -> pd.DataFrame:
    fc = AutoForecaster(h=H).fit(train[["unique_id", "ds", "y"]]).predict(h=H, level=[LEVEL])
    return fc.rename(columns={f"yhat_lo_{LEVEL}": "lo", f"yhat_hi_{LEVEL}": "hi"})[
        ["unique_id", "ds", "yhat", "lo", "hi"]].assign(model="AutoForecaster")


def peer_engine():
    if optional("statsforecast") is None:
        return None
    from statsforecast import StatsForecast
    from statsforecast.models import AutoARIMA, AutoETS, AutoTheta, Naive, RandomWalkWithDrift

    return StatsForecast(models=[AutoETS(season_length=1), AutoTheta(season_length=1),
                                 AutoARIMA(season_length=1), Naive(), RandomWalkWithDrift()],
                         freq=1, n_jobs=1)


def forecast_peers(engine, train: pd.DataFrame) -> pd.DataFrame:
    fc = engine.forecast(df=train[["unique_id", "ds", "y"]], h=H, level=[LEVEL])
    fc = fc.reset_index() if "unique_id" not in fc.columns else fc
    out = []
    for name in PEERS:
        out.append(pd.DataFrame({"unique_id": fc["unique_id"].astype(str).to_numpy(),
                                 "ds": fc["ds"].astype("int64").to_numpy(),
                                 "yhat": fc[name].to_numpy(), "lo": fc[f"{name}-lo-{LEVEL}"].to_numpy(),
                                 "hi": fc[f"{name}-hi-{LEVEL}"].to_numpy(), "model": name}))
    return pd.concat(out, ignore_index=True)


def backtest(panel: pd.DataFrame, origins: list[int], with_peers: bool) -> tuple[pd.DataFrame, dict]:
    engine = peer_engine() if with_peers else None
    seconds = {"AutoForecaster": 0.0, "peers": 0.0}
    results = []
    actual = panel.set_index(["unique_id", "ds"])
    for origin in origins:
        train = panel[panel["ds"] <= origin]
        started = time.perf_counter()
        forecasts = [forecast_ours(train)]
        seconds["AutoForecaster"] += time.perf_counter() - started
        if engine is not None:
            started = time.perf_counter()
            forecasts.append(forecast_peers(engine, train))
            seconds["peers"] += time.perf_counter() - started
        fc = pd.concat(forecasts, ignore_index=True)
        fc = fc[fc["ds"] <= LAST_YEAR]
        key = pd.MultiIndex.from_frame(fc[["unique_id", "ds"]])
        fc["y"] = actual["y"].reindex(key).to_numpy()
        fc["interpolated"] = actual["interpolated"].reindex(key).to_numpy().astype(bool)
        fc["scale"] = fc["unique_id"].map(naive_scales(panel, origin))
        fc["origin"], fc["h"] = origin, fc["ds"] - origin
        results.append(fc[~fc["interpolated"]])
        print(f"  origin {origin}: {len(fc['unique_id'].unique())} series", flush=True)
    scored = pd.concat(results, ignore_index=True)
    scored["ase"] = (scored["y"] - scored["yhat"]).abs() / scored["scale"]
    scored["covered"] = (scored["y"] >= scored["lo"]) & (scored["y"] <= scored["hi"])
    return scored, seconds


def summary(scored: pd.DataFrame) -> list[dict]:
    rows = []
    for model, part in scored.groupby("model", sort=False):
        by_h = part.groupby("h")["ase"].mean()
        rows.append({"model": model, "mase": float(part["ase"].mean()),
                     "mase_mean_of_horizons": float(by_h.mean()),
                     "coverage_80": float(part["covered"].mean()),
                     "mase_by_h": {int(h): float(v) for h, v in by_h.items()},
                     "coverage_80_by_h": {int(h): float(v) for h, v
                                          in part.groupby("h")["covered"].mean().items()},
                     "n_points": int(len(part)),
                     "n_points_by_h": {int(h): int(v) for h, v in part.groupby("h").size().items()}})
    return rows


def group_of(uid: str) -> str:
    kind, code = uid.split("|")
    if kind == "section":
        return "national by section"
    return f"{kind} ({'national' if code == 'national' else 'regions'})"


def series_profile(panel: pd.DataFrame) -> pd.DataFrame:
    """Per series: trend strength, volatility and largest break of the yearly log changes."""
    real = panel[~panel["interpolated"]].sort_values(["unique_id", "ds"])
    change = np.log(real["y"]).groupby(real["unique_id"]).diff()
    gaps = real.groupby("unique_id")["ds"].diff()
    change = change[gaps == 1]
    by = change.groupby(real.loc[change.index, "unique_id"])
    return pd.DataFrame({"mean_growth": by.mean(), "sd_growth": by.std(),
                         "trend_strength": by.mean().abs() / by.std(),
                         "largest_change": by.apply(lambda s: float(s.abs().max())),
                         "growth_autocorr": by.apply(lambda s: float(s.autocorr(1)))})


def diagnose(scored: pd.DataFrame, panel: pd.DataFrame, best_peer: str) -> dict:
    per = scored.groupby(["unique_id", "model"])["ase"].mean().unstack("model")
    per["group"] = [group_of(u) for u in per.index]
    ratio = per["AutoForecaster"] / per[best_peer]
    profile = series_profile(panel).reindex(per.index)
    frame = pd.concat([per, ratio.rename("ratio_to_best_peer"), profile], axis=1)
    groups = frame.groupby("group").agg(
        n=("ratio_to_best_peer", "size"), auto_mase=("AutoForecaster", "mean"),
        best_peer_mase=(best_peer, "mean"),
        share_lost=("ratio_to_best_peer", lambda r: float((r > 1).mean())))
    lost, won = frame[frame["ratio_to_best_peer"] > 1], frame[frame["ratio_to_best_peer"] <= 1]
    columns = ["mean_growth", "sd_growth", "trend_strength", "largest_change", "growth_autocorr"]
    worst = frame.sort_values("ratio_to_best_peer", ascending=False).head(12)
    return {
        "best_peer": best_peer,
        "series_lost": int(len(lost)), "series_won_or_tied": int(len(won)),
        "by_group": groups.round(4).reset_index().to_dict(orient="records"),
        "profile_of_lost_series_median": lost[columns].median().round(4).to_dict(),
        "profile_of_won_series_median": won[columns].median().round(4).to_dict(),
        "worst_series": worst[["group", "AutoForecaster", best_peer, "ratio_to_best_peer", *columns]]
        .round(4).reset_index().to_dict(orient="records"),
        "per_series_mase": per.drop(columns="group").round(4).reset_index().to_dict(orient="records"),
    }


def git_state() -> dict:
    def run(*args):
        done = subprocess.run(["git", "-C", str(REPO), *args], capture_output=True, text=True)
        return done.stdout.strip() if done.returncode == 0 else None
    status = run("status", "--porcelain", "models")
    return {"commit": run("rev-parse", "HEAD"),
            "models_uncommitted_files": len(status.splitlines()) if status else 0}


def print_rows(rows: list[dict]) -> None:
    hs = sorted({h for r in rows for h in r["mase_by_h"]})
    print(f"{'model':<16} {'MASE':>7} {'cov80':>6} " + " ".join(f"{'h=' + str(h):>6}" for h in hs)
          + f" {'points':>7}")
    for r in sorted(rows, key=lambda r: r["mase"]):
        print(f"{r['model']:<16} {r['mase']:7.3f} {r['coverage_80']:6.3f} "
              + " ".join(f"{r['mase_by_h'].get(h, float('nan')):6.3f}" for h in hs)
              + f" {r['n_points']:7d}")


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help=f"origins {QUICK_ORIGINS} only")
    parser.add_argument("--no-peers", action="store_true", help="AutoForecaster only")
    args = parser.parse_args(argv)
    try:
        panel, notes = load_panel()
    except FileNotFoundError as err:
        print(f"accuracy_kz: {err}", file=sys.stderr)
        raise SystemExit(2) from None
    origins = QUICK_ORIGINS if args.quick else ORIGINS
    print(f"{panel['unique_id'].nunique()} series, {FIRST_YEAR}-{LAST_YEAR}; origins "
          f"{origins[0]}-{origins[-1]}, h=1..{H}")
    started = time.perf_counter()
    with_peers = not args.no_peers
    scored, seconds = backtest(panel, origins, with_peers)
    rows = summary(scored)
    peers_found = [r for r in rows if r["model"] in PEERS]
    payload = {
        "benchmark": "accuracy_kz",
        "created": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "command": " ".join([Path(sys.executable).name, "-m", "benchmarks.models.accuracy_kz",
                             *(argv if argv is not None else sys.argv[1:])]),
        "interpreter": sys.executable,
        "quick": args.quick,
        "data": str(DATA), "sources": "BNS via makenerzhan-gif/kazakhstan-economic-data, see SOURCES.md",
        "n_series": int(panel["unique_id"].nunique()),
        "series_by_group": pd.Series([group_of(u) for u in panel["unique_id"].unique()])
        .value_counts().to_dict(),
        "regions": STABLE_REGIONS, "excluded_regions": EXCLUDED_REGIONS,
        "gap_handling": "2015 missing in the survey files: national employed 2015 taken from the "
                        "section table's published total; other survey series interpolated "
                        "linearly in 2015 for fitting; interpolated points are never scored and "
                        "naive steps to or from them are left out of the MASE scale",
        "notes": notes,
        "origins": origins, "n_origins": len(origins), "horizons": list(range(1, H + 1)),
        "level": LEVEL, "season_length": 1,
        "mase": "mean over scored points of |y - yhat| / in-sample naive one-step MAE up to the origin",
        "results": rows,
        "seconds": {k: round(v, 1) for k, v in seconds.items()}
        | {"total": round(time.perf_counter() - started, 1)},
        "machine": machine_info(), "versions": versions("statsforecast"), "git": git_state(),
    }
    if not peers_found:
        payload["peers_skipped"] = ("--no-peers" if args.no_peers else
                                    "statsforecast is not installed in this environment "
                                    "(python3 -m venv /tmp/peers && /tmp/peers/bin/pip install -e . "
                                    "statsforecast && /tmp/peers/bin/pip install -U 'pandas>=3')")
    print_rows(rows)
    if peers_found:
        auto = next(r for r in rows if r["model"] == "AutoForecaster")
        best = min(peers_found, key=lambda r: r["mase"])
        improvement = 1 - auto["mase"] / best["mase"]
        payload["target"] = {"best_peer": best["model"], "best_peer_mase": best["mase"],
                             "auto_mase": auto["mase"], "improvement_over_best_peer": improvement,
                             "target_improvement": TARGET_IMPROVEMENT,
                             "mase_target_met": improvement >= TARGET_IMPROVEMENT,
                             "shortfall_points": max(0.0, TARGET_IMPROVEMENT - improvement),
                             "auto_coverage_80": auto["coverage_80"]}
        payload["diagnosis"] = diagnose(scored, panel, best["model"])
        print(f"AutoForecaster MASE {auto['mase']:.3f} vs best peer {best['model']} "
              f"{best['mase']:.3f}: {improvement:+.1%} (target {TARGET_IMPROVEMENT:.0%}: "
              f"{'met' if improvement >= TARGET_IMPROVEMENT else 'NOT met'})")
        groups = pd.DataFrame(payload["diagnosis"]["by_group"])
        print(groups.to_string(index=False, float_format=lambda v: f"{v:.3f}"))
    path = RESULTS_DIR / ("accuracy_kz_quick.json" if args.quick else "accuracy_kz.json")
    save_json(path, payload)
    print(f"wrote {path}")
    return payload


if __name__ == "__main__":
    main()
