"""The terminal's progress and ``--verbose`` lines in the reader's language.

The jobs name their stages in English (``"deliverables: workbook"``): the names are part of the
library's interface (a ``progress=`` callable receives them) and of its logs. The command line
shows them through :func:`progress_line` and :func:`done_line`, which read each name as a
stage (before ``": "``) and what it does, and look both up in the labels; a name they do not
know is shown as it is, and in English every name is.
"""

from __future__ import annotations

import re

from forecast.deliverables.i18n import Labels

STAGES = ("inputs", "panel", "forecast", "quota", "back-test", "deliverables")
# What a stage does, by pattern, and the label that says it; fields are filled from the groups.
ACTIONS = (
    (r"the embedded sample", "progress.sample"),
    (r"series by region x sector x skill", "progress.panel"),
    (r"shortage by region x sector x skill", "progress.shortage"),
    (r"shortage by region x sector x skill \((?P<scenario>.+)\)", "progress.shortage_scenario"),
    (r"scenario (?P<scenario>.+)", "progress.scenario"),
    (r"recommendation, ranking, indicators", "progress.quota"),
    (r"scenarios side by side", "progress.scenarios"),
    (r"quota rules from (?P<years>\S+), scored on the years after", "progress.quota_backtest"),
    (r"origin (?P<origin>\d+), quota (?P<year>\d+) scored", "progress.quota_backtest_origin"),
    (r"demand at (?P<windows>\d+) origins, (?P<h>\d+) years ahead", "progress.demand_backtest"),
    (r"tables and charts", "progress.tables"),
    (r"(?P<step>history|forecast fan|back-test) done", "progress.step_done"),
    (r"workbook", "progress.workbook"),
    (r"report", "progress.report"),
)


def _parts(name: str, labels: Labels) -> tuple[str | None, str, str]:
    """The stage's label, what it does as a progress line says it, and as a done line does."""
    stage, _, action = name.partition(": ")
    if stage not in STAGES or not action:
        return None, name, name
    if labels.lang == "en":  # the jobs' own names
        return stage, action, action.removesuffix(" done")
    said = action
    done = action.removesuffix(" done")
    for pattern, key in ACTIONS:
        match = re.fullmatch(pattern, action)
        if match is None:
            continue
        values = match.groupdict()
        if "scenario" in values:
            key_of_name = f"scenario_name.{values['scenario']}"
            if labels.has(key_of_name):
                values["scenario"] = labels(key_of_name)
        if "step" in values:
            values["step"] = labels(f"progress.step.{values['step']}")
            done = values["step"]
        said = labels(key, **values)
        if "step" not in values:
            done = said
        break
    return labels(f"progress.stage.{stage}"), said, done


def progress_line(name: str, labels: Labels) -> str:
    """The progress line of the stage ``name``: ``"deliverables: workbook"`` is
    ``"результаты: рабочая книга"`` in Russian."""
    stage, said, _ = _parts(name, labels)
    return said if stage is None else f"{stage}: {said}"


def done_line(name: str, labels: Labels) -> str:
    """The ``--verbose`` line of the stage ``name`` once it is done: ``"workbook done"``."""
    return labels("verbose.done", step=_parts(name, labels)[2])
