"""The report's charts, drawn with matplotlib as inline SVG.

Each function takes the :class:`~forecast.deliverables.content.PlannerContent` of a run and returns one
``<svg>`` element as text. Text stays text in the SVG (``svg.fonttype = none``) so Russian and
Kazakh labels stay sharp and searchable, print cleanly and need no embedded fonts; ids are salted
per chart so several charts can share one page; no date is written, so the same run gives the
same SVG.
"""

from __future__ import annotations

import io
import textwrap

import matplotlib
import numpy as np
from matplotlib.colors import TwoSlopeNorm, to_rgb
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from forecast.deliverables.content import FAN_LEVELS, PlannerContent

INK = "#1f2937"
MUTED = "#6b7280"
OBSERVED = "#1d4ed8"
FORECAST = "#b91c1c"
QUOTA = "#0f766e"
STATUS_QUO = "#d97706"
_STYLE = {
    "svg.fonttype": "none",
    "font.family": "DejaVu Sans",
    "font.size": 9,
    "axes.edgecolor": "#9ca3af",
    "axes.labelcolor": INK,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "xtick.color": INK,
    "ytick.color": INK,
}



def _shade(colour: str, strength: float) -> tuple[float, float, float]:
    """``colour`` mixed with white: ``strength`` 1 is the colour itself, 0 is white."""
    rgb = np.array(to_rgb(colour))
    return tuple(1.0 - strength * (1.0 - rgb))

def _svg(figure: Figure, name: str) -> str:
    """The figure as an ``<svg>`` element without XML prolog, ids salted with ``name``."""
    buffer = io.StringIO()
    with matplotlib.rc_context({**_STYLE, "svg.hashsalt": name}):
        figure.savefig(buffer, format="svg", metadata={"Date": None}, bbox_inches="tight")
    text = buffer.getvalue()
    return text[text.index("<svg"):]


def _figure(width: float, height: float) -> Figure:
    with matplotlib.rc_context(_STYLE):
        return Figure(figsize=(width, height), layout="constrained")


def _thousands(labels):
    from matplotlib.ticker import FuncFormatter

    return FuncFormatter(lambda value, _: labels.integer(value))


def _range(frame) -> np.ndarray:
    """Error-bar lengths from the quota to its low and high variants.

    Each variant is a complete proposal of its own, so after summing lines a group's low variant
    can exceed its central quota (or the high fall below it); the bar then stops at the quota.
    """
    below = (frame["quota"] - frame["quota_low"]).clip(lower=0)
    above = (frame["quota_high"] - frame["quota"]).clip(lower=0)
    return np.vstack([below.to_numpy(float), above.to_numpy(float)])


def _quota_bars(axis, frame, y, t, *, height: float, elinewidth: float, capsize: float) -> None:
    """Horizontal quota bars at ``y`` with error bars to the low and high variants."""
    axis.barh(y, frame["quota"], height=height, color=QUOTA, label=t("chart.quota"))
    axis.errorbar(frame["quota"], y, xerr=_range(frame), fmt="none", ecolor=INK,
                  elinewidth=elinewidth, capsize=capsize, label=t("chart.range"))


def _persons_axis(axis, y, names, t) -> None:
    """Names on the bars, persons on the x axis, the legend in the lower right."""
    axis.set_yticks(y, names)
    axis.set_xlabel(t("chart.persons"))
    axis.xaxis.set_major_formatter(_thousands(t))
    axis.legend(frameon=False, fontsize=8, loc="lower right")


def fan_chart(content: PlannerContent) -> str:
    """Observed skilled demand and its forecast fan; observed vacancies and the shortage range."""
    t = content.labels
    with matplotlib.rc_context(_STYLE):
        figure = _figure(10, 3.6)
        left, right = figure.subplots(1, 2, gridspec_kw={"width_ratios": [3, 2]})
        history = content.history
        left.plot(history["year"], history["demand"], color=OBSERVED, lw=2, label=t("chart.observed"))
        fan = content.demand_fan
        if fan is not None:
            # Opaque shades, widest band first: each band shows in the colour of its legend
            # entry (translucent bands stacked would show sums of their shades).
            for level, strength in zip(sorted(FAN_LEVELS, reverse=True), (0.15, 0.33, 0.55)):
                left.fill_between(fan["year"], fan[f"lo_{level}"], fan[f"hi_{level}"],
                                  color=_shade(FORECAST, strength), lw=0,
                                  label=t("chart.band", level=level))
            left.plot(fan["year"], fan["central"], color=FORECAST, lw=2, ls="--",
                      label=t("chart.forecast"))
        left.axvline(content.origin, color=MUTED, lw=0.8, ls=":")
        left.set_title(t("chart.fan.demand"), loc="left", fontsize=10)
        left.set_xlabel(t("chart.year"))
        left.yaxis.set_major_formatter(_thousands(t))
        left.legend(frameon=False, fontsize=8, loc="upper left")

        vacancies = history.dropna(subset=["vacancies"])
        if len(vacancies):
            right.plot(vacancies["year"], vacancies["vacancies"], color=OBSERVED, lw=2,
                       label=t("chart.vacancies_observed"))
        q = content.shortage_quantiles
        year = content.year
        for (lo, hi), width, alpha in ((("p05", "p95"), 1.2, 0.18), (("p10", "p90"), 0.9, 0.3),
                                       (("p25", "p75"), 0.6, 0.5)):
            right.bar(year, q[hi] - q[lo], bottom=q[lo], width=width, color=FORECAST, alpha=alpha, lw=0)
        right.plot([year - 0.6, year + 0.6], [q["central"]] * 2, color=FORECAST, lw=2,
                   label=t("chart.shortage_forecast"))
        right.axhline(0, color=MUTED, lw=0.8)
        # Without a vacancies table the panel shows the shortage alone, and says so.
        right.set_title(t("chart.fan.shortage" if len(vacancies) else "chart.fan.shortage_only", year=year),
                        loc="left", fontsize=10)
        right.set_xlabel(t("chart.year"))
        for axis in (left, right):  # years are whole: no tick at 2026.5
            axis.xaxis.set_major_locator(MaxNLocator(integer=True))
        if not len(vacancies):  # one year only: the locator would fall back to fractions
            right.set_xticks([year])
        right.yaxis.set_major_formatter(_thousands(t))
        right.legend(frameon=False, fontsize=8, loc="upper left")
    return _svg(figure, "fan")


def sectors_chart(content: PlannerContent, top: int = 10) -> str:
    """Recommended quota of the sectors with the largest quotas, with the low-high range."""
    t = content.labels
    frame = content.by_sector.sort_values(["quota", "sector"], ascending=[False, True]).head(top)
    frame = frame.iloc[::-1]
    # Long names on two lines rather than cut: a planner must recognise the sector.
    names = [textwrap.fill(n, 40, max_lines=2, placeholder="…") for n in frame["sector_name"]]
    with matplotlib.rc_context(_STYLE):
        figure = _figure(10, 0.42 * len(frame) + 1.2)
        axis = figure.subplots()
        y = np.arange(len(frame))
        _quota_bars(axis, frame, y, t, height=0.8, elinewidth=1, capsize=3)
        for position, value in zip(y, frame["quota"]):
            axis.annotate(t.integer(value), (value, position), xytext=(4, 4),
                          textcoords="offset points", fontsize=8, color=INK)
        _persons_axis(axis, y, names, t)
    return _svg(figure, "sectors")


def tile_map(content: PlannerContent) -> str:
    """Kazakhstan's 20 regions as a tile grid, coloured by the skilled shortage share of demand."""
    t = content.labels
    frame = content.by_region.dropna(subset=["tile_row", "tile_col"])
    values = frame["intensity"].to_numpy(float) * 100
    limit = max(float(np.abs(values).max()), 0.5)
    norm = TwoSlopeNorm(vmin=-limit, vcenter=0.0, vmax=limit)
    cmap = matplotlib.colormaps["RdBu_r"]
    rows = int(frame["tile_row"].max()) + 1
    cols = int(frame["tile_col"].max()) + 1
    with matplotlib.rc_context(_STYLE):
        figure = _figure(10, 1.45 * rows + 0.9)
        axis = figure.subplots()
        for row, value in zip(frame.itertuples(index=False), values):
            x, y = int(row.tile_col), rows - 1 - int(row.tile_row)
            colour = cmap(norm(value))
            axis.add_patch(matplotlib.patches.FancyBboxPatch(
                (x + 0.04, y + 0.04), 0.92, 0.92, boxstyle="round,pad=0,rounding_size=0.06",
                facecolor=colour, edgecolor="white", lw=1.5))
            luminance = 0.299 * colour[0] + 0.587 * colour[1] + 0.114 * colour[2]
            ink = "white" if luminance < 0.5 else INK
            name = "\n".join(textwrap.wrap(t.region_short(row.region), 16, break_on_hyphens=True)[:3])
            axis.text(x + 0.5, y + 0.6, name, ha="center", va="center", fontsize=7.5, color=ink)
            axis.text(x + 0.5, y + 0.2, f"{t.number(value, 1)}%", ha="center", va="center",
                      fontsize=9, color=ink, fontweight="bold")
        axis.set_xlim(0, cols)
        axis.set_ylim(0, rows)
        axis.set_aspect("equal")
        axis.axis("off")
        mappable = matplotlib.cm.ScalarMappable(norm=norm, cmap=cmap)
        bar = figure.colorbar(mappable, ax=axis, orientation="vertical", fraction=0.03, pad=0.02)
        bar.set_label(t("chart.intensity"))
    return _svg(figure, "map")


def regions_chart(content: PlannerContent) -> str:
    """Recommended quota by region with its range, against the status-quo rule when available."""
    t = content.labels
    frame = content.by_region.sort_values(["quota", "region"], ascending=[True, False])
    with matplotlib.rc_context(_STYLE):
        figure = _figure(10, 0.32 * len(frame) + 1.3)
        axis = figure.subplots()
        y = np.arange(len(frame))
        has_status_quo = "status_quo" in frame and frame["status_quo"].notna().any()
        height = 0.4 if has_status_quo else 0.7
        _quota_bars(axis, frame, y + (height / 2 if has_status_quo else 0), t, height=height,
                    elinewidth=0.8, capsize=2)
        if has_status_quo:
            axis.barh(y - height / 2, frame["status_quo"].fillna(0), height=height, color=STATUS_QUO,
                      label=t("chart.status_quo"))
        _persons_axis(axis, y, [t.region_short(code) for code in frame["region"]], t)
    return _svg(figure, "regions")


def _stagger_if_crowded(figure: Figure, axis, names: list[str], gap: float = 6.0) -> None:
    """Put every second x tick label on lower lines when neighbours would touch.

    Long Russian and Kazakh words cannot wrap, so next to each other they may run together;
    the labels are measured as drawn (in points, with ``gap`` to spare) and, if any two come
    closer than that, the odd ones move down below the even ones.
    """
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    FigureCanvasAgg(figure)
    figure.draw_without_rendering()
    renderer = figure.canvas.get_renderer()
    boxes = [label.get_window_extent(renderer) for label in axis.get_xticklabels()]
    scale = 72.0 / figure.dpi
    if all((b.x0 - a.x1) * scale >= gap for a, b in zip(boxes, boxes[1:])):
        return
    depth = max(name.count("\n") + 1 for name in names)
    axis.set_xticks(axis.get_xticks(), [("\n" * depth + name) if i % 2 else name
                                        for i, name in enumerate(names)], fontsize=7.5)


def waterfall(content: PlannerContent) -> str:
    """From openings to the shortage: each driver's national skilled total as a step."""
    t = content.labels
    drivers = content.drivers
    with matplotlib.rc_context(_STYLE):
        figure = _figure(10, 3.8)
        axis = figure.subplots()
        level = 0.0
        for position, (name, value) in enumerate(drivers.items()):
            colour = FORECAST if value >= 0 else OBSERVED
            axis.bar(position, value, bottom=level, color=colour, width=0.7)
            axis.annotate(t.integer(value), (position, level + max(value, 0)), xytext=(0, 3),
                          textcoords="offset points", ha="center", fontsize=8, color=INK)
            # A thin connector carries each step's end level over to the next bar.
            axis.plot([position + 0.35, position + 0.65], [level + value] * 2, color=MUTED, lw=0.8)
            level += value
        total = len(drivers)
        axis.bar(total, level, color=INK, width=0.7)
        axis.annotate(t.integer(level), (total, max(level, 0)), xytext=(0, 3),
                      textcoords="offset points", ha="center", fontsize=8, fontweight="bold")
        # Room above the tallest bar for its label (a falling bar's base is a sticky edge that
        # holds the autoscaled limit at the top of the stack).
        low, high = axis.get_ylim()
        axis.set_ylim(low, high + 0.08 * (high - low))
        axis.axhline(0, color=MUTED, lw=0.8)
        names = [textwrap.fill(t.driver(name), 16, break_long_words=False)
                 for name in [*drivers.index]] + [textwrap.fill(t("chart.shortage"), 16)]
        axis.set_xticks(np.arange(total + 1), names, fontsize=7.5)
        _stagger_if_crowded(figure, axis, names)
        axis.set_ylabel(t("chart.persons"))
        axis.yaxis.set_major_formatter(_thousands(t))
        handles = [matplotlib.patches.Patch(color=FORECAST, label=t("chart.adds_openings")),
                   matplotlib.patches.Patch(color=OBSERVED, label=t("chart.adds_seekers")),
                   matplotlib.patches.Patch(color=INK, label=t("chart.net_shortage"))]
        axis.legend(handles=handles, frameon=False, fontsize=8, loc="upper right")
    return _svg(figure, "drivers")


def backtest_chart(metrics, labels) -> str:
    """Error of past demand forecasts by horizon, and how often the intervals held the outcome.

    ``metrics`` is a :func:`models.evaluate` table with 80% and 95% coverage; ``labels`` the
    :class:`~forecast.deliverables.i18n.Labels` of the report.
    """
    t = labels
    steps = metrics[metrics["step"] != "all"]
    with matplotlib.rc_context(_STYLE):
        figure = _figure(10, 3.2)
        left, right = figure.subplots(1, 2)
        x = np.arange(len(steps))
        left.bar(x, steps["smape"], color=QUOTA, width=0.6)
        for position, value in zip(x, steps["smape"]):
            left.annotate(t.number(value, 1), (position, value), xytext=(0, 3),
                          textcoords="offset points", ha="center", fontsize=8)
        left.set_xticks(x, [t("chart.years_ahead", h=s) for s in steps["step"]])
        left.set_title(t("chart.bt.error"), loc="left", fontsize=10)
        left.set_ylabel("sMAPE, %")
        width = 0.35
        for offset, level, colour in ((-width / 2, 80, OBSERVED), (width / 2, 95, FORECAST)):
            right.bar(x + offset, steps[f"coverage_{level}"] * 100, width=width, color=colour,
                      label=t("chart.bt.coverage", level=level))
            right.axhline(level, color=colour, lw=0.8, ls="--")
        right.set_ylim(0, 105)
        right.set_xticks(x, [t("chart.years_ahead", h=s) for s in steps["step"]])
        right.set_title(t("chart.bt.intervals"), loc="left", fontsize=10)
        right.set_ylabel("%")
        # Below the axis: inside it the legend would cover the bars, which reach 100%.
        right.legend(frameon=False, fontsize=8, loc="upper center", bbox_to_anchor=(0.5, -0.14), ncol=2)
    return _svg(figure, "backtest")
