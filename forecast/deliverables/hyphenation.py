"""Where a long word of a table heading may break, marked with soft hyphens.

A report table with many numeric columns is as narrow as its headings' longest words allow.
Russian and Kazakh headings hold words of 15-20 letters ("перераспределении"); without break
points the sector and region tables grow wider than the page, and letting the browser break
anywhere cut words at arbitrary letters ("сценари-й"). A soft hyphen (U+00AD) is invisible
unless the line breaks there, and then it shows as a hyphen, so the browser breaks a heading
only where the language allows.

English and Russian use the LibreOffice hyphenation patterns that :mod:`pyphen` ships. pyphen
has no Kazakh patterns; Kazakh syllables are regular (one vowel each, a single consonant
between vowels opens the next syllable, of two or more the last one does; у and и after a
vowel are consonants, and two vowels side by side are not split), so Kazakh words are split by
that rule.
"""

from __future__ import annotations

import re
from functools import lru_cache

import pyphen

SOFT_HYPHEN = "\u00ad"
# Words shorter than this stay whole: they are no wider than a number column.
MIN_LETTERS = 8
# Fewest letters left on either side of a break.
EDGE = 2
# The US patterns: the British ones break "real-location" and "expec-ted".
_PATTERNS = {"en": "en_US", "ru": "ru_RU"}
_KAZAKH_VOWELS = set("аәеёиоөуұүыіэюя")
# The soft and hard signs never begin a syllable.
_KAZAKH_SIGNS = set("ьъ")
_KAZAKH_GLIDES = set("уи")
_WORD = re.compile(r"[^\W\d_]+")


@lru_cache(maxsize=None)
def _dictionary(lang: str) -> pyphen.Pyphen:
    return pyphen.Pyphen(lang=_PATTERNS[lang], left=EDGE, right=EDGE)


def kazakh_breaks(word: str) -> list[int]:
    """Positions in ``word`` where a Kazakh syllable begins (never within ``EDGE`` letters of
    either end).

    Examples
    --------
    >>> kazakh_breaks("жұмыссыздар")
    [2, 5, 8]
    """
    lower = word.lower()
    vowel = [letter in _KAZAKH_VOWELS for letter in lower]
    # у and и after a vowel are glides, consonants of the syllable (әлеуметтік: әлеу-мет-тік).
    for i in range(1, len(lower)):
        if lower[i] in _KAZAKH_GLIDES and vowel[i - 1]:
            vowel[i] = False
    vowels = [i for i, is_vowel in enumerate(vowel) if is_vowel]
    breaks = []
    for before, after in zip(vowels, vowels[1:]):
        consonants = [i for i in range(before + 1, after) if lower[i] not in _KAZAKH_SIGNS]
        if not consonants:  # two vowels side by side stay together (шаруа: ша-руа)
            continue
        start = consonants[-1]
        if EDGE <= start <= len(word) - EDGE:
            breaks.append(start)
    return breaks


def _breaks(word: str, lang: str) -> list[int]:
    if lang == "kk":
        return kazakh_breaks(word)
    return list(_dictionary(lang).positions(word))


def hyphenate(text: str, lang: str) -> str:
    """``text`` with a soft hyphen wherever a word of :data:`MIN_LETTERS` or more letters may
    break in language ``lang`` ("en", "ru" or "kk").

    Examples
    --------
    >>> hyphenate("перераспределение квоты", "ru").replace(SOFT_HYPHEN, "-")
    'пе-ре-рас-пре-де-ле-ние квоты'
    """
    def mark(match: re.Match) -> str:
        word = match.group(0)
        if len(word) < MIN_LETTERS:
            return word
        pieces, last = [], 0
        for position in _breaks(word, lang):
            pieces.append(word[last:position])
            last = position
        pieces.append(word[last:])
        return SOFT_HYPHEN.join(pieces)

    return _WORD.sub(mark, text)
