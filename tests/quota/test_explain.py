"""Line explanations in every language of the deliverables."""

from __future__ import annotations

import json
from importlib import resources
from types import SimpleNamespace

import pandas as pd
import pytest

from forecast.quota.explain import line_reasons
from forecast.deliverables.i18n import LANGUAGES, Labels


def _line(**overrides):
    row = dict(region="KZ-75", sector="Q", sector_name="Human health", category="3", quota=12,
               need=12.4, shortage=150.0, shortage_planned=170.0, tier="shortage",
               driver_type="long training gap", binding_constraint="none", skills="high/medium",
               expansion=40.0, replacement=90.0, emigration=20.0, graduates=60.0,
               migration=-5.0)
    row.update(overrides)
    return pd.DataFrame([row])


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_language_fills_every_template(lang):
    rules = SimpleNamespace(domestic_share=0.7)
    cases = [_line(), _line(binding_constraint="national ceiling"),
             _line(binding_constraint="protected sector", quota=0, need=0),
             _line(binding_constraint="not seasonal sector", quota=0, need=0),
             _line(quota=0, need=0.0, shortage_planned=-300.0, tier="surplus"),
             _line(quota=0, need=0.01, shortage_planned=3.0)]
    texts = [line_reasons(case, rules, Labels(lang)).iloc[0] for case in cases]
    assert all("{" not in text and len(text) > 20 for text in texts)
    assert len(set(texts)) == len(texts)


def test_english_reason_names_the_numbers():
    text = line_reasons(_line(), SimpleNamespace(domestic_share=0.7)).iloc[0]
    assert text.startswith("12 from abroad (shortage, long training gap)")
    assert "by 170 at the planning quantile, mainly from retirements" in text
    assert "the 70% domestic measures can close the need is 12.4." in text


def test_russian_reason_uses_russian_number_format():
    text = line_reasons(_line(quota=1234), SimpleNamespace(domestic_share=0.7), Labels("ru")).iloc[0]
    assert text.startswith("1\u00a0234 из-за рубежа (дефицит, долгий разрыв подготовки)")
    assert "потребность составляет 12,4" in text


def test_label_files_have_the_same_keys():
    keys = {}
    for lang in LANGUAGES:
        path = resources.files("forecast.deliverables").joinpath(f"labels/{lang}.json")
        keys[lang] = set(json.loads(path.read_text(encoding="utf-8")))
    assert keys["ru"] == keys["en"] == keys["kk"]
