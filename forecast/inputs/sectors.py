"""The shipped sector classification: OKED (NACE rev. 2) sections ``A``..``U`` and ``TOTAL``."""

from __future__ import annotations

from functools import lru_cache
from importlib import resources

import pandas as pd

from forecast.inputs.lookup import AliasIndex

TOTAL = "TOTAL"


class UnknownSectorError(ValueError):
    """A sector label that matches no OKED section; ``suggestions`` lists close ones."""

    def __init__(self, label: object, suggestions: list[str]):
        self.label = label
        self.suggestions = suggestions
        hint = f"; did you mean {', '.join(suggestions)}?" if suggestions else ""
        super().__init__(
            f"unknown sector {label!r}{hint} Expected an OKED section letter A..U or 'TOTAL'"
        )


@lru_cache(maxsize=1)
def sector_table() -> pd.DataFrame:
    """Sections with their names in ``en``, ``ru`` and ``kk`` (``TOTAL`` last)."""
    with resources.files("forecast.data").joinpath("sectors.csv").open(encoding="utf-8") as fh:
        return pd.read_csv(fh, dtype=str, keep_default_na=False)


def sector_codes(include_total: bool = False) -> list[str]:
    """Section letters ``A``..``U``; optionally followed by ``TOTAL``."""
    codes = list(sector_table()["code"])
    return codes if include_total else [c for c in codes if c != TOTAL]


@lru_cache(maxsize=1)
def _index() -> AliasIndex:
    index = AliasIndex()
    for row in sector_table().itertuples(index=False):
        for label in (row.code, row.name_en, row.name_ru, row.name_kk):
            index.add(row.code, label, derive_bare=False)
    return index


@lru_cache(maxsize=None)
def _names(lang: str) -> dict[str, str]:
    return dict(zip(sector_table()["code"], sector_table()[f"name_{lang}"]))


def sector_name(code: str, lang: str = "en") -> str:
    """The name of a section in ``en``, ``ru`` or ``kk``."""
    if lang not in ("en", "ru", "kk"):
        raise ValueError(f"unknown language {lang!r}; expected one of en, ru, kk")
    names = _names(lang)
    if code not in names:
        raise UnknownSectorError(code, [])
    return names[code]


def resolve_sector(label: object) -> str:
    """Return the section letter for a letter (any case) or a section name; refuse the rest."""
    code = _index().get(label)
    if code is None:
        raise UnknownSectorError(label, _index().suggestions(label, lambda c: f"{c} ({sector_name(c)})"))
    return code


def resolve_sectors(labels: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Resolve a column at once: codes (``<NA>`` where unknown) and the mask of unknown rows."""
    lookup = {value: _index().get(value) for value in pd.unique(labels.dropna())}
    codes = labels.map(lookup).astype("string")
    return codes, codes.isna()
