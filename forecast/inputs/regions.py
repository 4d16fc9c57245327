"""The shipped region classification of Kazakhstan and its boundary history.

Twenty units of the 2022 boundary set (17 regions and the cities of republican significance
Astana, Almaty and Shymkent) and the national total ``KZ``. Codes are the ISO 3166-2:KZ codes in
force since 2022, stable across renames: South Kazakhstan region, renamed Turkestan in 2018, keeps
code ``KZ-61``; Astana is ``KZ-71`` whether a file calls it Astana or Nur-Sultan.

Every name in English, Russian and Kazakh, old names and spellings (Nur-Sultan, South Kazakhstan,
Alma-Ata's region, "г. Алматы", "Туркестанская 1" with a footnote mark), the older ISO letter
codes, the three-letter codes of the republished BNS tables (``AKM``, ``ALA``, ``YKO`` for South
Kazakhstan, ``national``) and the nine-digit KATO codes (``750000000``; ``510000000`` for South
Kazakhstan) resolve to a code; anything else is refused with the closest known names.

Boundary history (:func:`boundary_changes`): a child unit splits off a parent unit that goes on
under its own code. :mod:`forecast.inputs.harmonize` uses it to put panels on one set of boundaries.
"""

from __future__ import annotations

from functools import lru_cache
from importlib import resources

import pandas as pd

from forecast.inputs.lookup import AliasIndex

NATIONAL = "KZ"
LANGUAGES = ("en", "ru", "kk")


class UnknownRegionError(ValueError):
    """A region label that matches no code, name or alias; ``suggestions`` lists close names."""

    def __init__(self, label: object, suggestions: list[str]):
        self.label = label
        self.suggestions = suggestions
        hint = f"; did you mean {', '.join(suggestions)}?" if suggestions else ""
        super().__init__(
            f"unknown region {label!r}{hint} Expected one of the 20 region codes KZ-10..KZ-79, "
            f"'KZ' for the national total, or a region name in English, Russian or Kazakh"
        )


@lru_cache(maxsize=1)
def region_table() -> pd.DataFrame:
    """All units with code, kind, names in ``en``/``ru``/``kk``, zone and tile-map position."""
    with resources.files("forecast.data").joinpath("regions.csv").open(encoding="utf-8") as fh:
        table = pd.read_csv(fh, dtype={"code": str}, keep_default_na=False)
    for column in ("tile_row", "tile_col"):
        table[column] = pd.to_numeric(table[column]).astype("Int64")
    return table


@lru_cache(maxsize=1)
def boundary_changes() -> pd.DataFrame:
    """Boundary changes since 2000: ``year``, ``parent``, ``child``, ``note``.

    In ``year`` the ``child`` unit first exists separately; before it, its territory was part of
    ``parent``.
    """
    with resources.files("forecast.data").joinpath("boundary_changes.csv").open(encoding="utf-8") as fh:
        return pd.read_csv(fh, dtype={"parent": str, "child": str})


def region_codes(include_national: bool = False) -> list[str]:
    """Codes of the 20 units of the 2022 boundary set, sorted; optionally with ``KZ`` first."""
    table = region_table()
    codes = sorted(table.loc[table["kind"] != "country", "code"])
    return [NATIONAL, *codes] if include_national else codes


@lru_cache(maxsize=1)
def _index() -> AliasIndex:
    index = AliasIndex()
    for row in region_table().itertuples(index=False):
        labels = [row.code, row.name_en, row.name_ru, row.name_kk, *filter(None, row.aliases.split(";"))]
        for label in labels:
            index.add(row.code, label, derive_bare=row.kind == "region")
    return index


@lru_cache(maxsize=None)
def _names(lang: str) -> dict[str, str]:
    return dict(zip(region_table()["code"], region_table()[f"name_{lang}"]))


def region_name(code: str, lang: str = "en") -> str:
    """The official name of a region code in ``en``, ``ru`` or ``kk``."""
    if lang not in LANGUAGES:
        raise ValueError(f"unknown language {lang!r}; expected one of {', '.join(LANGUAGES)}")
    names = _names(lang)
    if code not in names:
        raise UnknownRegionError(code, _index().suggestions(code, _describe))
    return names[code]


def _describe(code: str) -> str:
    return f"{region_name(code)} ({code})"


def resolve_region(label: object) -> str:
    """Return the code of a region given any code, name or alias.

    Raises
    ------
    UnknownRegionError
        If nothing matches; the message lists the closest known names.

    Examples
    --------
    >>> resolve_region("Nur-Sultan"), resolve_region("г. Алматы"), resolve_region("Alma-Ata's region")
    ('KZ-71', 'KZ-75', 'KZ-19')
    """
    code = _index().get(label)
    if code is None:
        raise UnknownRegionError(label, _index().suggestions(label, _describe))
    return code


def resolve_regions(labels: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Resolve a column of labels at once.

    Returns the codes (``<NA>`` where unknown) and a boolean mask of the unknown rows.
    """
    lookup = {value: _index().get(value) for value in pd.unique(labels.dropna())}
    codes = labels.map(lookup).astype("string")
    return codes, codes.isna()
