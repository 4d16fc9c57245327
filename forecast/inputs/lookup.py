"""Alias resolution shared by the region and sector classifications."""

from __future__ import annotations

import difflib
import re

_CITY_WORDS = {"г", "город", "city", "қаласы", "каласы", "the", "of"}
_REGION_WORDS = {"region", "oblast", "oblysy", "область", "облысы", "обл", "province"}
_FOOTNOTE = re.compile(r"\s+\d{1,2}\)?$|\*+$")
_SEPARATORS = re.compile(r"[\s\-\u2010-\u2015.,;:()\"«»/]+")


def normalize_label(label: object) -> str:
    """Reduce a human-written label to a comparison key.

    Case, ``ё``/``е``, apostrophes, dashes, punctuation, footnote markers (``"Туркестанская 1"``),
    city words (``г.``, ``город``, ``city``) and the spelling of the word "region" in English,
    Russian and Kazakh are all made irrelevant, so that the alias tables stay short.
    """
    text = str(label).strip()
    text = _FOOTNOTE.sub("", text)
    text = text.casefold().replace("ё", "е").replace("'", "").replace("’", "").replace("`", "")
    tokens = [t for t in _SEPARATORS.split(text) if t and t not in _CITY_WORDS]
    regionish = [t for t in tokens if t in _REGION_WORDS]
    core = [t for t in tokens if t not in _REGION_WORDS]
    # "область Абай" and "Абай облысы" both become "абай region".
    return " ".join(core + (["region"] if regionish else []))


class AliasIndex:
    """Map normalized aliases to codes; explicit aliases win over derived variants."""

    def __init__(self) -> None:
        self._explicit: dict[str, str] = {}
        self._derived: dict[str, str] = {}
        self._display: dict[str, str] = {}
        self._regional: set[str] = set()

    def add(self, code: str, label: str, derive_bare: bool) -> None:
        key = normalize_label(label)
        if not key:
            return
        previous = self._explicit.get(key)
        if previous is not None and previous != code:
            raise ValueError(f"alias {label!r} is claimed by both {previous} and {code}")
        self._explicit[key] = code
        self._display.setdefault(key, label)
        if derive_bare:
            self._regional.add(code)
        if derive_bare and key.endswith(" region"):
            self._derived.setdefault(key[: -len(" region")], code)

    def get(self, label: object) -> str | None:
        """The code of ``label``: an explicit alias, else a variant with or without "region"
        (the latter only for units that are regions, so "Almaty" stays the city)."""
        key = normalize_label(label)
        if key in self._explicit:
            return self._explicit[key]
        if key in self._derived:
            return self._derived[key]
        if key.endswith(" region"):
            code = self._explicit.get(key[: -len(" region")])
            if code in self._regional:
                return code
        return None

    def suggestions(self, label: object, describe, n: int = 3) -> list[str]:
        key = normalize_label(label)
        keys = list(self._explicit)
        close = difflib.get_close_matches(key, keys, n=12, cutoff=0.6)
        seen: list[str] = []
        for match in close:
            text = describe(self._explicit[match])
            if text not in seen:
                seen.append(text)
            if len(seen) == n:
                break
        return seen
