"""What the terminal shows: progress, the quota summary and the tables of the other commands.

Colour and progress bars go to a terminal only: piped or logged output stays plain (and
``NO_COLOR`` turns colour off everywhere).
"""

from __future__ import annotations

import os
import sys
import time

import pandas as pd

from forecast.deliverables.balance import approved_last_year
from forecast.deliverables.comparison import scenario_title
from forecast.deliverables.mechanism_text import largest_cuts
from forecast.deliverables.i18n import Labels
from forecast.deliverables.messages import table_names, translate_frame
from forecast.deliverables.provenance import data_basis


class Console:
    """Where the command's messages go: colour and progress bars only on a terminal."""

    def __init__(self, *, quiet: bool = False, verbose: bool = False, stream=None, seconds: str = "s"):
        self.stream = stream or sys.stdout
        self.seconds = seconds
        self.quiet = quiet
        self.verbose = verbose
        tty = hasattr(self.stream, "isatty") and self.stream.isatty()
        self.colour = tty and "NO_COLOR" not in os.environ and os.environ.get("TERM") != "dumb"
        self.bars = (not self.quiet) and sys.stderr.isatty()
        self.started = time.perf_counter()

    def say(self, text: str = "") -> None:
        if not self.quiet:
            print(text, file=self.stream)

    def detail(self, text: str) -> None:
        if self.verbose:
            print(f"[{time.perf_counter() - self.started:6.1f} {self.seconds}] {text}", file=self.stream)

    def bold(self, text: str) -> str:
        return f"\033[1m{text}\033[0m" if self.colour else text

    def warn(self, text: str) -> str:
        return f"\033[33m{text}\033[0m" if self.colour else text

    def steps(self, names: list[str], first: str):
        """A progress bar over ``names``; the callable it returns marks a step done."""
        return Steps(self, names, first)


class Steps:
    def __init__(self, console: Console, names: list[str], first: str):
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



def short_name(name: str, width: int = 44) -> str:
    """``name`` cut to ``width`` characters at a word boundary, with an ellipsis when cut."""
    if len(name) <= width:
        return name
    cut = name[:width - 1]
    if name[width - 1] != " ":  # the cut falls inside a word: drop that word
        cut = cut.rsplit(" ", 1)[0]
    return cut.rstrip(" ,;") + "…"

def quota_summary(result, console: Console | None = None, rows: int = 10, lang: str = "en") -> str:
    """The terminal summary of a quota run, in ``lang``: headline figures, regions, largest lines."""
    t = Labels(lang)
    bold = console.bold if console else (lambda text: text)
    warn = console.warn if console else (lambda text: text)
    info, quota = result.run_info, result.quota
    totals = info["totals"]
    lines = []
    if info["data"]["synthetic_sample"]:
        lines.append(warn(t("summary.synthetic") + " "
                          + t("banner.tables", tables=table_names(info["data"]["synthetic_tables"], t))))
    scenario = info.get("scenario", {}).get("name", "baseline")
    context = t("summary.data_to", origin=info["origin"])
    if scenario != "baseline":
        context += ", " + t("summary.scenario", name=scenario_title(scenario, t))
    lines.append(bold(t("summary.title", year=info["year"])) + f" ({context})")
    labels = {key: t(f"summary.{key}") for key in ("recommended", "ceiling", "status_quo")}
    last = approved_last_year(info)
    if last is not None:
        labels["last_year"] = t("fig.last_year", year=last["year"])
    width = max(len(text) for text in labels.values())
    # The uptake line may run longer: the column keeps the width of the three figures above.
    labels["uptake"] = t("summary.uptake")
    lines.append(f"  {labels['recommended']:<{width}}  {t.integer(totals['quota']):>10}   "
                 + t("summary.range", low=t.integer(totals["quota_low"]),
                     high=t.integer(totals["quota_high"])))
    lines.append(f"  {labels['ceiling']:<{width}}  {t.integer(totals['cap']):>10}   "
                 + t("summary.ceiling_detail",
                     percent=t.number(info["policy"]["cap_percent_of_labour_force"], 2),
                     labour_force=t.integer(totals["labour_force"]))
                 + (warn("  " + t("summary.binding")) if totals["cap_binding"] else ""))
    uptake, advice = info.get("uptake"), info.get("ceiling_advice")
    if uptake:
        low, high = uptake["historical_utilisation"]
        lines.append(f"  {labels['uptake']:<{width}}  {t.integer(uptake['expected_uptake']):>10}   "
                     + t("summary.uptake_detail", utilisation=t.percent(uptake["utilisation"] or 0, 0),
                         unused=t.integer(uptake["expected_unused"]), low=t.percent(low, 0),
                         high=t.percent(high, 0)))
    if "status_quo" in quota:
        lines.append(f"  {labels['status_quo']:<{width}}  {t.integer(quota['status_quo'].sum()):>10}")
    if last is not None:
        lines.append(f"  {labels['last_year']:<{width}}  {t.integer(last['total']):>10}")
    if advice and advice["binding"]:
        where = largest_cuts(advice, t)
        lines.append("  " + warn(t("summary.ceiling_advice", need=t.integer(advice["eligible_need"]),
                                   ceiling=t.integer(advice["ceiling"]),
                                   excess=t.integer(advice["excess"]),
                                   percent=t.number(advice["percent_needed"], 2), where=where)))
    basis, effects = data_basis(info, t)
    lines.extend("  " + line for line in basis)
    lines.extend("    - " + effect for effect in effects)
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
    lines += ["", bold(t("summary.by_region"))] + text_table(regions.drop(columns="region"), rows, t)
    by_line = (quota.groupby(["region", "sector"], as_index=False)["quota"].sum()
               .sort_values(["quota", "region", "sector"], ascending=[False, True, True]))
    by_line = by_line[by_line["quota"] > 0].head(rows)
    if len(by_line):
        lines += ["", bold(t("summary.largest", n=len(by_line)))]
        by_line = pd.DataFrame({"region_name": by_line["region"].map(t.region),
                                "sector_name": by_line["sector"].map(lambda code: short_name(t.sector(code))),
                                "quota": by_line["quota"]})
        lines += text_table(by_line, None, t)
    return "\n".join(lines)


def text_table(frame, rows: int | None, labels, digits: dict[str, int] | None = None) -> list[str]:
    """Plain aligned columns: text left, numbers right, in the language's number notation.

    Numbers are whole unless ``digits`` gives a column its decimals.
    """
    shown = frame if rows is None else frame.head(rows)
    headers = [labels.column(c) for c in shown.columns]
    numeric = [shown[c].dtype.kind in "iuf" for c in shown.columns]
    decimals = [(digits or {}).get(c) for c in shown.columns]

    def text(value, num, places):
        if not num:
            return str(value)
        return labels.integer(value) if places is None else labels.number(value, places)

    cells = [[text(v, num, places) for v, num, places in zip(record, numeric, decimals)]
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


def forecast_summary(run, console: Console | None = None, lang: str = "en") -> str:
    """The terminal summary of a shortage forecast, in ``lang``: cells by tier."""
    t = Labels(lang)
    bold = console.bold if console else (lambda text: text)
    warn = console.warn if console else (lambda text: text)
    result = run.forecast
    tiers = result.table["tier"].value_counts()
    lines = []
    if run.run_info["data"]["synthetic_sample"]:
        lines.append(warn(t("summary.synthetic")))
    lines.append(bold(t("forecast.title", year=result.year)) + " ("
                 + t("summary.forecast_meta", origin=result.origin, cells=t.integer(len(result.table)))
                 + ")")
    names = {tier: t.tier(tier) for tier in ("severe shortage", "shortage", "balance", "surplus")}
    width = max(len(name) for name in names.values())
    for tier, name in names.items():
        lines.append(f"  {name:<{width}}  {t.integer(int(tiers.get(tier, 0))):>7}")
    return "\n".join(lines)


def backtest_summary(run, console: Console | None = None, lang: str = "en") -> str:
    """The terminal summary of a demand back-test, in ``lang``: accuracy by horizon."""
    t = Labels(lang)
    bold = console.bold if console else (lambda text: text)
    warn = console.warn if console else (lambda text: text)
    result = run.backtest
    lines = []
    if run.run_info["data"]["synthetic_sample"]:
        lines.append(warn(t("summary.synthetic")))
    lines.append(bold(t("backtest.title")) + " ("
                 + t("summary.backtest_meta", series=t.integer(result.series), h=result.h,
                     origins=len(result.origins)) + ")")
    shown = result.metrics[["step", "mase", "smape", "coverage_80", "coverage_95", "n"]].copy()
    shown = translate_frame(shown, t)  # "all" in the reader's words
    lines += text_table(shown, None, t, digits=dict.fromkeys(("mase", "smape", "coverage_80", "coverage_95"), 3))
    return "\n".join(lines)
