"""Translations are complete: a Russian or Kazakh report and workbook carry no English a person reads.

Two scans over the visible text of ``report.html`` (tags, styles and chart markup stripped, the
text of chart labels kept) and every text cell of ``quota.xlsx``:

- no English label: no value of ``labels/en.json`` (of four letters or more, without fields)
  whose translation differs, as a whole word or phrase;
- no English prose: no run of three or more plain ASCII words. Codes, file names, web sites and
  model names (tokens with digits, dots, underscores, slashes or plus signs) are not words, and a
  hyphenated name (``labor-demand-forecast``) is one token.

``quota.csv`` keeps English column names and ``run.json`` English texts: they are records for
programs, not documents for readers.
"""

from __future__ import annotations

import html
import json
import re
from importlib import resources

import pytest
from openpyxl import load_workbook

from forecast.deliverables.messages import translate_warning, warning
from forecast.deliverables.i18n import Labels
from forecast.inputs.sample import NOTICE, notice

WORD = re.compile(r"^[A-Za-z]+(?:['’-][A-Za-z]+)*$")
SEPARATOR = re.compile(r"^[,;:()\[\]«»\"'–—-]*$")


def _labels(lang: str) -> dict[str, str]:
    with resources.files("forecast.deliverables").joinpath(f"labels/{lang}.json").open(encoding="utf-8") as fh:
        return json.load(fh)


def english_labels(lang: str) -> list[str]:
    """English label values that a translated document must not contain."""
    en, other = _labels("en"), _labels(lang)
    out = set()
    for key, text in en.items():
        if "{" in text or other.get(key) == text or len(re.sub(r"[^A-Za-z]", "", text)) < 4:
            continue
        if not re.search(r"[a-z]", text):   # acronyms such as MASE stay as they are
            continue
        out.add(text)
    return sorted(out)


def visible_report_text(page: str) -> str:
    page = re.sub(r"<style.*?</style>", " ", page, flags=re.S)
    page = re.sub(r"<(script|title)\b.*?</\1>", " ", page, flags=re.S)
    # Chart labels are <text> elements (with <tspan>s); the rest of an SVG is drawing.
    page = re.sub(r"<svg.*?</svg>",
                  lambda m: "\n".join(re.sub(r"<[^>]+>", "", t) for t in
                                      re.findall(r"<text\b[^>]*>(.*?)</text>", m.group(0), re.S)),
                  page, flags=re.S)
    return html.unescape(re.sub(r"<[^>]+>", "\n", page))


def workbook_texts(path) -> list[str]:
    book = load_workbook(path, read_only=True)
    texts = [sheet.title for sheet in book.worksheets]
    for sheet in book.worksheets:
        for row in sheet.iter_rows(values_only=True):
            texts += [value for value in row if isinstance(value, str) and not value.startswith("=")]
    book.close()
    return texts


def english_runs(text: str, length: int = 3) -> list[str]:
    """Runs of ``length`` or more plain ASCII words in ``text``."""
    found = []
    for line in text.splitlines():
        run: list[str] = []
        for token in line.split() + [None]:
            if token is not None and SEPARATOR.match(token) and run:
                continue                      # a dash or comma between words
            word = token.strip(",;:()[]«»\"'.!?") if token is not None else ""
            # One-letter words count only as "a" (capitals are sector codes).
            if token is not None and WORD.match(word) and (len(word) > 1 or word == "a"):
                run.append(word)
                continue
            if len(run) >= length:
                found.append(" ".join(run))
            run = []
    return found


def english_labels_in(text: str, lang: str) -> list[str]:
    # Parts of names and codes (``labor-demand-forecast``, ``wages.csv``) are not labels.
    edge = r"A-Za-z_./+-"
    return [label for label in english_labels(lang)
            if re.search(rf"(?<![{edge}]){re.escape(label)}(?![{edge}])", text, re.I)]


@pytest.fixture(scope="module", params=["ru", "kk"])
def translated(request, sample_quota_ru, sample_quota_kk):
    run = sample_quota_ru if request.param == "ru" else sample_quota_kk
    return request.param, run[2]


def test_the_scan_sees_english():
    assert english_runs("Итого: 11 series fell back to a simpler model") == [
        "series fell back to a simpler model"]
    assert english_runs("файл quota_history_kz.csv: inform.kz 2014; labor-demand-forecast") == []
    assert "long training gap" in english_labels_in("причина: long training gap", "ru")
    assert english_labels_in("Итого", "ru") == []


def test_report_has_no_english(translated):
    lang, folder = translated
    text = visible_report_text((folder / "report.html").read_text(encoding="utf-8"))
    assert english_labels_in(text, lang) == []
    assert english_runs(text) == []


def test_workbook_has_no_english(translated):
    lang, folder = translated
    texts = workbook_texts(folder / "quota.xlsx")
    joined = "\n".join(texts)
    assert english_labels_in(joined, lang) == []
    assert english_runs(joined) == []


def test_run_json_stays_english(sample_quota_ru):
    info = json.loads((sample_quota_ru[2] / "run.json").read_text(encoding="utf-8"))
    assert info["warnings"][0].startswith(NOTICE)
    assert any(w.endswith("series fell back to a simpler model") for w in info["warnings"])


@pytest.mark.parametrize("lang", ["ru", "kk"])
def test_warnings_render_from_their_keys(lang):
    t = Labels(lang)
    text = translate_warning(warning("fallbacks", count=11), t)
    assert text == t("warning.fallbacks", count="11") and "11" in text
    synthetic = translate_warning(warning("synthetic", tables="employment, migration"), t)
    assert synthetic.startswith(notice(lang)) and t("table.migration") in synthetic
    assert english_runs(text + "\n" + synthetic) == []
    assert translate_warning("something new", t) == "something new"


@pytest.mark.parametrize("lang, expected", [
    ("en", "naive + drift + Theta + Theta in logs"),
    ("ru", "наивный + дрейф + Тета + Тета в логарифмах"),
    ("kk", "аңғал + дрейф + Тета + логарифмдегі Тета"),
])
def test_forecaster_codes_read_as_the_names_of_their_parts(lang, expected):
    from forecast.deliverables.messages import model_name, translate_frame
    import pandas as pd

    labels = Labels(lang)
    assert model_name("naive+drift+theta+log_theta", labels) == expected
    assert model_name("naive+unheard_of", labels).endswith("+ unheard_of")
    frame = translate_frame(pd.DataFrame({"model": ["naive+drift+theta+log_theta"], "series": [3]}), labels)
    assert frame.loc[0, "model"] == expected and frame.loc[0, "series"] == 3


def test_translated_documents_name_the_forecasters(translated):
    lang, folder = translated
    page = visible_report_text((folder / "report.html").read_text(encoding="utf-8"))
    joined = "\n".join(workbook_texts(folder / "quota.xlsx"))
    name = Labels(lang)("forecaster.theta")
    for text in (page, joined):
        assert "naive+" not in text and "+theta" not in text
        assert f"+ {name}" in text


def test_long_names_are_cut_at_a_word_on_the_terminal():
    from forecast.deliverables.console import short_name

    name = "Wholesale and retail trade; repair of motor vehicles and motorcycles"
    assert short_name(name) == "Wholesale and retail trade; repair of motor…"
    assert len(short_name(name)) <= 44 and short_name("Education") == "Education"
    ru = "Оптовая и розничная торговля; ремонт автомобилей и мотоциклов"
    assert short_name(ru) == "Оптовая и розничная торговля; ремонт…"


@pytest.mark.parametrize("lang", ["ru", "kk"])
def test_the_terminal_says_what_it_wrote_in_the_readers_language(lang):
    text = Labels(lang)("summary.wrote", folder="/tmp/q", files="quota.csv")
    assert "/tmp/q" in text and "quota.csv" in text and "wrote" not in text


@pytest.mark.parametrize("lang", ["ru", "kk"])
def test_what_the_real_data_say_of_their_tables_is_translated(lang):
    from forecast.deliverables.messages import translate_source, translate_value
    from forecast.inputs.real.assemble import TABLE_NOTES
    from forecast.inputs.real.references import SOURCE_MINISTRY

    labels = Labels(lang)
    texts = [SOURCE_MINISTRY] + [text for _, source, detail in TABLE_NOTES.values() for text in (source, detail)]
    for text in texts:
        said = translate_source(text, labels)
        assert said != text and english_runs(said, length=2) == [], (text, said)
    _, source, detail = TABLE_NOTES["migration"]
    assert translate_value("detail", detail, labels) == labels("detail.real.migration")
    assert translate_value("detail", detail, Labels("en")) == detail
