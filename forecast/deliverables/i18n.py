"""Labels of the planner deliverables (workbook, report, command line) in English, Russian and Kazakh.

Planners write the annual proposal in Russian and Kazakh, so every fixed text of the workbook and
the report comes from a label file per language (``forecast/labels/<lang>.json``); region and
sector names come from the shipped classifications (:mod:`forecast.inputs.regions`,
:mod:`forecast.inputs.sectors`), so they always match the names used in the data.
"""

from __future__ import annotations

import json
from functools import lru_cache
from importlib import resources

from forecast.inputs.errors import InputError, option
from forecast.inputs.regions import region_name
from forecast.inputs.sectors import sector_name

from forecast.deliverables import LANGUAGES
# Thousands are grouped with a comma in English and with a no-break space in Russian and Kazakh,
# as in the statistical office's publications.
_GROUP = {"en": ",", "ru": "\u00a0", "kk": "\u00a0"}
_DECIMAL = {"en": ".", "ru": ",", "kk": ","}
_SHORT_NAME_PARTS = {
    "en": (" Region",),
    # The 2022 regions' official Russian names put the word first ("область Абай").
    "ru": (" область", "область ", "город "),
    "kk": (" облысы", " қаласы"),
}


def check_language(lang: str) -> str:
    """Return ``lang`` if it is a supported language code, else raise :class:`InputError`."""
    if lang not in LANGUAGES:
        raise InputError(f"{option('lang', lang)}: unknown language; expected one of "
                         f"{', '.join(LANGUAGES)}")
    return lang


@lru_cache(maxsize=None)
def _load(lang: str) -> dict[str, str]:
    path = resources.files("forecast.deliverables").joinpath(f"labels/{lang}.json")
    with path.open(encoding="utf-8") as fh:
        return json.load(fh)


@lru_cache(maxsize=None)
def _region_kinds() -> dict[str, str]:
    from forecast.inputs.regions import region_table

    table = region_table()
    return dict(zip(table["code"], table["kind"]))


@lru_cache(maxsize=None)
def _short_names(lang: str) -> dict[str, str]:
    """Every unit's name stripped of the word for region or city, by code."""
    labels = Labels(lang)
    return {code: labels._strip(labels.region(code)) for code in _region_kinds() if code != "KZ"}


class Labels:
    """The fixed texts of one language and the number formats that go with it.

    Parameters
    ----------
    lang : {"en", "ru", "kk"}

    Examples
    --------
    >>> Labels("ru")("total")
    'Итого'
    >>> Labels("ru").integer(12345)
    '12\\xa0345'
    """

    def __init__(self, lang: str = "en"):
        self.lang = check_language(lang)
        self._texts = _load(lang)
        # Every language must carry every English key: a missing translation is a packaging
        # error that would otherwise show up as a raw key in a planner's document.
        missing = set(_load("en")) - set(self._texts)
        if missing:
            raise KeyError(f"labels/{lang}.json lacks {sorted(missing)}")

    def __call__(self, key: str, **values: object) -> str:
        """The text of ``key``, with ``{name}`` fields filled from ``values``."""
        text = self._texts[key]
        return text.format(**values) if values else text

    def has(self, key: str) -> bool:
        return key in self._texts

    def column(self, name: str) -> str:
        """Heading of a table column: the translated label where one exists, else the name."""
        key = f"col.{name}"
        return self._texts.get(key, name)

    def tier(self, tier: str) -> str:
        return self._texts.get(f"tier.{tier}", tier)

    def skill(self, skill: str) -> str:
        return self._texts.get(f"skill.{skill}", skill)

    def category(self, category: str) -> str:
        return self._texts.get(f"category.{category}", category)

    def driver(self, driver: str) -> str:
        return self._texts.get(f"driver.{driver}", driver)

    def region(self, code: str) -> str:
        """Official name of a region code in this language."""
        return region_name(code, self.lang)

    def region_short(self, code: str) -> str:
        """The region name without the word for region or city, for tight spaces such as map tiles.

        Where two units would get the same short name (Almaty Region and the city of Almaty),
        the region keeps its full name and the city is marked as one: "Almaty Region" and
        "Almaty (city)", so no two tiles or bars read alike.
        """
        short = _short_names(self.lang)
        name = short.get(code) or self._strip(self.region(code))
        if list(short.values()).count(name) > 1:
            kind = _region_kinds().get(code)
            return self("region.city", name=name) if kind == "city" else self.region(code)
        return name

    def _strip(self, name: str) -> str:
        for part in _SHORT_NAME_PARTS[self.lang]:
            name = name.replace(part, "")
        return name.strip()

    def sector(self, code: str) -> str:
        """Name of an OKED section in this language."""
        return sector_name(code, self.lang)

    def integer(self, value: float) -> str:
        """A whole number with this language's thousands separator (``-`` for a missing value)."""
        if value is None or value != value:
            return "-"
        return f"{round(value):,}".replace(",", _GROUP[self.lang])

    def number(self, value: float, digits: int = 1) -> str:
        """A number with ``digits`` decimals in this language's notation."""
        if value is None or value != value:
            return "-"
        if round(value, digits) == 0:
            value = 0.0  # a tiny negative reads 0.0, not -0.0
        text = f"{value:,.{digits}f}"
        return text.replace(",", "\x00").replace(".", _DECIMAL[self.lang]).replace("\x00", _GROUP[self.lang])

    def percent(self, share: float, digits: int = 1) -> str:
        """A share (0.123) as a percentage (12.3%)."""
        return self.number(share * 100, digits) + "\u00a0%" if self.lang != "en" else self.number(share * 100, digits) + "%"

    def yes_no(self, flag: bool) -> str:
        return self("yes") if flag else self("no")
