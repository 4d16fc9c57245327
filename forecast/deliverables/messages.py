"""Warnings and source texts of a run, in the reader's language.

The pipeline writes its warnings in English into ``run.json`` (the record stays one language).
Each warning the pipeline makes has a message key and an English template in :data:`WARNINGS`;
:func:`warning` fills a template, and :func:`translate_warning` reads a warning back to its key
and parameters and renders it with the label ``warning.<key>`` of the chosen language. Texts the
data stage writes (what replaces a missing table, where a table or a published figure comes
from) are matched the same way: the synthetic-sample notice, :data:`MISSING_TABLES`, the
reference sources and the patterns of :data:`_SOURCE_PATTERNS`. A text that matches nothing is
shown as it was written.
"""

from __future__ import annotations

import re

from forecast.deliverables.i18n import Labels
from forecast.inputs.real.provenance import MISSING_TABLES
from forecast.inputs.real.assemble import TABLE_NOTES
from forecast.inputs.real.references import SOURCE_BNS, SOURCE_MINISTRY, SOURCE_MIX
from forecast.inputs.sample import NOTICE, notice

# The pipeline's own warnings: message key -> English template (``run.json`` keeps the English).
WARNINGS = {
    "fallbacks": "{count} series fell back to a simpler model",
    "no_vacancies": ("no vacancies table: the need is the flows of the forecast year alone, "
                     "without the unfilled demand carried from the last data year"),
    "synthetic": NOTICE + " Synthetic tables: {tables}.",
}
_MONTHS = {name: number for number, name in enumerate(
    ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"), start=1)}
_DATE = r"(?P<day>\d{1,2}) (?P<month>[A-Z][a-z]{2}) (?P<year>\d{4})"
# Pieces of source texts (regular expression -> label key), replaced wherever they occur.
_SOURCE_PATTERNS = (
    (re.escape(SOURCE_BNS), "source.bns"),
    (re.escape(SOURCE_MIX), "source.mix"),
    (re.escape(SOURCE_MINISTRY), "source.ministry"),
    # What the real data directory says of each table it writes: where it comes from and how.
    *((rf"^{re.escape(source)}$", f"source.real.{table}") for table, (_, source, _) in TABLE_NOTES.items()),
    *((rf"^{re.escape(detail)}$", f"detail.real.{table}") for table, (_, _, detail) in TABLE_NOTES.items()),
    (r"(?P<order>\d{4}) quota order \((?P<file>[^)]+)\)(?:: (?P<part>[\d,]+) of (?P<whole>[\d,]+))?",
     "source.quota_order"),
    (r"Government Decree No\. (?P<number>\d+) of " + _DATE, "source.decree"),
    (r"Order No\. (?P<number>\d+) of " + _DATE, "source.order"),
    (r" \(synthetic sample\)", "source.synthetic_sample"),
    (r"embedded sample", "source.embedded_sample"),
    (r"^this proposal$", "source.this_proposal"),
)
_TABLE_LIST = re.compile(r"(?P<head>: )(?P<tables>[a-z_]+(?:, [a-z_]+)*)(?=$| \()")


def warning(key: str, **values: object) -> str:
    """The English text of the pipeline warning ``key`` (as ``run.json`` records it)."""
    return WARNINGS[key].format(**values)


def _pattern(template: str) -> re.Pattern:
    parts = re.split(r"\{(\w+)\}", template)
    regex = "".join(re.escape(part) if i % 2 == 0 else f"(?P<{part}>.+?)"
                    for i, part in enumerate(parts))
    return re.compile(f"^{regex}$", re.S)


_WARNING_PATTERNS = {key: _pattern(template) for key, template in WARNINGS.items()}


def table_names(names, labels: Labels) -> str:
    """Table names (``employment, migration``) as the reader's words."""
    if isinstance(names, str):
        names = [part.strip() for part in names.split(",") if part.strip()]
    return ", ".join(table_name(name, labels) for name in names)


def table_name(name: str, labels: Labels) -> str:
    key = f"table.{name}"
    return labels(key) if labels.has(key) else name


def translate_warning(text: str, labels: Labels) -> str:
    """A warning of ``run.json`` in the language of ``labels`` (English texts are kept)."""
    for key, pattern in _WARNING_PATTERNS.items():
        match = pattern.match(text)
        if match:
            values = match.groupdict()
            if key == "synthetic":
                return notice(labels.lang) + " " + labels("banner.tables",
                                                          tables=table_names(values["tables"], labels))
            return labels(f"warning.{key}", **values)
    return translate_missing(text, labels)


def translate_missing(text: str, labels: Labels) -> str:
    """What replaces a missing table (:data:`MISSING_TABLES`), in the reader's language."""
    for name, english in MISSING_TABLES.items():
        if text == english and labels.has(f"missing.{name}"):
            return labels(f"missing.{name}")
    return text


def _date(match: re.Match) -> str:
    month = _MONTHS.get(match.group("month"))
    if month is None:
        return f"{match.group('day')} {match.group('month')} {match.group('year')}"
    return f"{int(match.group('day')):02d}.{month:02d}.{match.group('year')}"


def translate_source(text: str, labels: Labels) -> str:
    """Where a table or a figure comes from, in the reader's language; file names, web sites
    and numbers of decrees stay as cited."""
    if not isinstance(text, str) or labels.lang == "en":
        return text
    out = text
    for regex, key in _SOURCE_PATTERNS:
        def render(match: re.Match, key=key) -> str:
            values = {k: v for k, v in match.groupdict().items() if k not in ("day", "month", "year")}
            if "day" in match.groupdict():
                values["date"] = _date(match)
            if key == "source.quota_order":
                values = {"order": match.group("order"), "file": match.group("file")}
                text = labels(key, **values)
                if match.group("part"):
                    text += ": " + labels("source.part_of",
                                          part=labels.integer(int(match.group("part").replace(",", ""))),
                                          whole=labels.integer(int(match.group("whole").replace(",", ""))))
                return text
            return labels(key, **values)
        out = re.sub(regex, render, out)
    # "<source>: migration, permits" lists tables by their file names.
    out = _TABLE_LIST.sub(lambda m: m.group("head") + table_names(m.group("tables"), labels), out)
    return out


def model_name(code: str, labels: Labels) -> str:
    """A univariate forecaster's code (``naive+drift+theta``, a combination of base models) as
    the reader's names of its parts; a part without a name stays as its code."""
    if not isinstance(code, str):
        return code
    return " + ".join(labels(f"forecaster.{part}") if labels.has(f"forecaster.{part}") else part
                      for part in code.split("+"))


# Columns whose values are texts of the data stage, and how each is translated.
_COLUMN_TEXTS = {
    "source": translate_source,
    "detail": translate_source,
    "instead": translate_missing,
    "table": table_name,
    "spread_by": translate_source,
    "model": model_name,
}
# Columns whose values are keys of a label family.
# A category's code stays a code (1-4), but "seasonal" is a word and reads in the reader's language.
_COLUMN_KEYS = {"driver_type": "driver_type", "main_driver_type": "driver_type", "tier": "tier",
                "skill": "skill", "scenario": "scenario", "step": "step", "category": "category_code"}


def translate_value(column: str, value: object, labels: Labels) -> object:
    """A cell of a table in the reader's language: names of keys, and texts of the data stage."""
    if not isinstance(value, str):
        return value
    if column in _COLUMN_KEYS:
        key = f"{_COLUMN_KEYS[column]}.{value}"
        return labels(key) if labels.has(key) else value
    if column in ("table", "model") or (column in _COLUMN_TEXTS and labels.lang != "en"):
        return _COLUMN_TEXTS[column](value, labels)
    return value


def translate_frame(frame, labels: Labels):
    """``frame`` with :func:`translate_value` applied to the columns it concerns."""
    columns = [c for c in frame.columns if c in _COLUMN_KEYS or c in _COLUMN_TEXTS]
    if not columns:
        return frame
    out = frame.copy()
    for column in columns:
        out[column] = out[column].map(lambda v, c=column: translate_value(c, v, labels))
    return out
