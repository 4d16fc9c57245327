"""Soft hyphens in report headings: where each language lets a long word break."""

import pytest

from forecast.deliverables.hyphenation import MIN_LETTERS, SOFT_HYPHEN, hyphenate, kazakh_breaks


def shown(text: str) -> str:
    return text.replace(SOFT_HYPHEN, "-")


@pytest.mark.parametrize("word, expected", [
    ("жұмыссыздар", "жұ-мыс-сыз-дар"),      # one consonant opens a syllable, of two the last
    ("қажеттілік", "қа-жет-ті-лік"),
    ("ауылшаруашылығы", "ауыл-ша-руа-шы-лы-ғы"),  # two vowels side by side stay together
    ("әлеуметтік", "әлеу-мет-тік"),           # у after a vowel is a consonant
    ("бойыншасы", "бо-йын-ша-сы"),
])
def test_kazakh_words_break_between_syllables(word, expected):
    assert shown(hyphenate(word, "kk")) == expected


def test_no_break_leaves_fewer_than_two_letters_on_a_side():
    assert kazakh_breaks("ақпарат") == [2, 4]
    assert all(2 <= b <= len(w) - 2 for w in ("әлеуметтік", "иммигранттар", "ауқымы")
               for b in kazakh_breaks(w))


@pytest.mark.parametrize("lang, text, expected", [
    ("ru", "перераспределение квоты", "пе-ре-рас-пре-де-ле-ние квоты"),
    ("ru", "неиспользованная квота (p90)", "не-ис-поль-зо-ван-ная квота (p90)"),
    ("en", "redistribution of the quota", "re-dis-tri-bu-tion of the quota"),
    ("en", "quota after reallocation", "quota after re-al-lo-ca-tion"),   # not "real-location"
    ("en", "expected scenario indicator", "ex-pect-ed sce-nario in-di-ca-tor"),
])
def test_russian_and_english_follow_the_hyphenation_patterns(lang, text, expected):
    assert shown(hyphenate(text, lang)) == expected


@pytest.mark.parametrize("lang", ["en", "ru", "kk"])
def test_only_soft_hyphens_are_added_and_short_words_stay_whole(lang):
    text = "квота, 2027 (p10) — unmet demand перераспределении қажеттілік"
    marked = hyphenate(text, lang)
    assert marked.replace(SOFT_HYPHEN, "") == text
    for word in marked.replace(",", " ").split():
        if len(word.replace(SOFT_HYPHEN, "")) < MIN_LETTERS:
            assert SOFT_HYPHEN not in word
    assert SOFT_HYPHEN in hyphenate("перераспределении", lang) or lang == "en"
