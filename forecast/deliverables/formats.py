"""How the deliverables show numbers and settings: one place for the workbook and the report.

- :data:`SHARE_COLUMNS` declares every column that holds a share, a rate or a coverage (a
  fraction of one); :func:`is_share` says whether a column is one, so the workbook gives it a
  percent number format and the report writes it as a percentage;
- :data:`PERSON_COLUMNS` declares the columns that count persons, shown as whole numbers;
- :data:`COEFFICIENT_COLUMNS` declares the correlations, shown with two decimals;
- :func:`unit_kind` reads the (translated) unit of an indicator row back to ``share``,
  ``percent``, ``persons`` or ``ratio``, so a value is formatted by its own unit;
- :func:`decimals` chooses enough decimals for small rates (0.004 stays 0.004);
- :func:`setting_rows` turns the policy and the assumptions of a run into rows of a readable
  name and a value, with codes as names and empty mappings as "none", in the chosen language.
"""

from __future__ import annotations

import math

from forecast.deliverables.i18n import Labels

# Columns whose values are fractions of one (0.013 = 1.3%).
SHARE_COLUMNS = frozenset({
    "intensity",            # skilled shortage as a share of demand
    "coverage_80", "coverage_95",  # how often the forecast intervals held the outcome
    "allocation_error", "region_allocation_error", "distribution_error",
    "utilisation", "historical_utilisation", "new_line_utilisation",
    "regulated_share", "domestic_share", "foreign_share", "management_share", "hire_cost_share",
})
SHARE_SUFFIXES = ("_share", "_intensity")
# Columns counting persons: whole numbers however small (an expected uptake of 85.9 is 86 people).
PERSON_COLUMNS = frozenset({
    "quota", "quota_low", "quota_high", "need", "foreign_need", "eligible_need", "demand",
    "openings", "seekers", "shortage", "net_shortage", "expected_uptake", "expected_unused",
    "unused", "unmet", "unmet_demand", "employer_demand", "reallocated", "moved", "unmet_after",
    "status_quo", "status_quo_quota", "persons", "expansion", "retirements", "deaths",
    "emigration", "graduates", "immigration", "internal_migration", "unemployed", "unfilled",
    "short_cells_shortage", "short_cells_shortage_p90",  # the ranking's shortage of short cells
})
# Columns holding a coefficient between -1 and 1 (a correlation): two decimals, so that 0.46
# and 0.52 do not both read 0.5.
COEFFICIENT_COLUMNS = frozenset({"rank_correlation", "mean_rank_correlation"})
# Indicator units whose values are fractions of one, and those already in percent.
SHARE_UNITS = ("share",)
PERCENT_UNITS = ("percent",)
UNITS = ("share", "percent", "persons", "ratio")

# Excel number formats.
PERCENT = "0.0%"
SMALL_PERCENT = "0.00%"

# Keys of mappings and lists in the policy and assumptions, and what their entries name.
_ENTRY_KIND = {
    "category_split": ("skill", "category"),
    "fee_multiplier": ("tier",),
    "regulated_share": ("sector",), "sector_caps": ("sector",), "sector_floors": ("sector",),
    "priority": ("sector",), "protected_sectors": ("sector",), "seasonal_sectors": ("sector",),
    "region_caps": ("region",), "region_floors": ("region",),
    "status_quo_category_mix": ("category",), "regulated_categories": ("category",),
    "applicant_skill_mix": ("number",),
}


def is_persons(column: str) -> bool:
    """Whether ``column`` counts persons (shown as whole numbers)."""
    return column in PERSON_COLUMNS


def person_columns(columns) -> list[str]:
    """The columns among ``columns`` that count persons: those a totals row sums."""
    return [c for c in columns if is_persons(c)]


def is_coefficient(column: str) -> bool:
    """Whether ``column`` holds a correlation (shown with two decimals)."""
    return column in COEFFICIENT_COLUMNS


def is_share(column: str) -> bool:
    """Whether ``column`` holds a share, rate or coverage (a fraction of one)."""
    return column in SHARE_COLUMNS or str(column).endswith(SHARE_SUFFIXES)


def percent_format(values) -> str:
    """The Excel percent format of a share column: two decimals when every share is below 10%."""
    finite = [abs(float(v)) for v in values if isinstance(v, (int, float)) and not isinstance(v, bool)
              and math.isfinite(float(v))]
    return SMALL_PERCENT if finite and max(finite) < 0.1 else PERCENT


def unit_kind(unit: object, labels: Labels) -> str | None:
    """The unit key (``share``, ``percent``, ...) of a unit as written, in any language."""
    for key in UNITS:
        if unit == key or unit == labels(f"unit.{key}"):
            return key
    return None


def decimals(value: float, significant: int = 2, least: int = 1, most: int = 6) -> int:
    """Decimals that show ``significant`` digits of a small number (0.004 -> 3, 12.3 -> 1)."""
    if value == 0 or not math.isfinite(value):
        return least
    needed = significant - 1 - math.floor(math.log10(abs(value)))
    return max(least, min(most, needed))


def small_number(value: float, labels: Labels) -> str:
    """A number below 100: one decimal from 10, else two, or as many as two significant digits
    need (0.004, not 0.00; zeros after the second decimal are dropped)."""
    if abs(value) >= 10:
        return labels.number(value, 1)
    digits = decimals(value, least=2)
    text = labels.number(value, digits)
    if digits <= 2:
        return text
    point = labels.number(0.5, 1)[1]
    whole, _, fraction = text.partition(point)
    return whole + point + fraction.rstrip("0").ljust(2, "0")


def share_text(share: float, labels: Labels) -> str:
    """A share as a percentage with enough digits: 0.0136 -> 1.4%, 0.0035 -> 0.35%."""
    if share is None or share != share:
        return "-"
    return labels.percent(share, decimals(share * 100, least=1, most=3) if share else 1)


def _entry_name(kind: str, key: object, labels: Labels) -> str:
    key = str(key)
    try:
        if kind == "skill":
            return labels.skill(key)
        if kind == "category":
            return labels.category(key)
        if kind == "tier":
            return labels.tier(key)
        if kind == "sector":
            return f"{labels.sector(key)} ({key})"
        if kind == "region":
            return labels.region(key)
    except (KeyError, ValueError):
        pass
    return key


def setting_name(key: str, labels: Labels) -> str:
    """The readable name of a policy or assumption key."""
    return labels.column(key)


def setting_rows(settings: dict, labels: Labels) -> list[tuple[str, object]]:
    """``(name, value)`` rows of a policy or assumptions mapping, nested mappings flattened.

    A nested entry is named after its setting and its codes (``category split by skill: high,
    specialists``); lists of codes become their names; an empty mapping or list reads "none".
    Values stay numbers where they are numbers (booleans become yes/no).
    """
    rows: list[tuple[str, object]] = []

    def value_of(value):
        if isinstance(value, bool):
            return labels.yes_no(value)
        return value

    def walk(name: str, value, kinds: tuple[str, ...]) -> None:
        if isinstance(value, dict):
            if not value:
                rows.append((name, labels("none")))
                return
            kind, rest = (kinds[0], kinds[1:]) if kinds else ("code", ())
            for key, item in value.items():
                walk(f"{name}: {_entry_name(kind, key, labels)}", item, rest)
        elif isinstance(value, (list, tuple)):
            if not value:
                rows.append((name, labels("none")))
            elif kinds and kinds[0] == "number":
                rows.append((name, " / ".join(labels.number(v, decimals(float(v), least=2))
                                              for v in value)))
            else:
                kind = kinds[0] if kinds else "code"
                rows.append((name, ", ".join(_entry_name(kind, v, labels) for v in value)))
        else:
            rows.append((name, value_of(value)))

    for key, value in settings.items():
        walk(setting_name(str(key), labels), value, _ENTRY_KIND.get(str(key), ()))
    return rows
