"""Series identifiers, structural codes and break indicators."""

import pandas as pd
import pytest

from features.ids import make_unique_id, split_unique_id
from features.structure import (
    SECTORS,
    SeriesIdentifierEncoder,
    break_feature_names,
    break_indicators,
)


def test_unique_id_round_trip():
    frame = pd.DataFrame({"region": ["KZ-75", "KZ-75", "KZ"], "sector": ["F", "F", "TOTAL"],
                          "skill": ["high", "high", "low"]}, index=[7, 8, 9])
    ids = make_unique_id(frame)
    assert list(ids) == ["KZ-75|F|high", "KZ-75|F|high", "KZ|TOTAL|low"]
    assert list(ids.index) == [7, 8, 9]
    parts = split_unique_id(ids)
    assert parts.to_dict("list") == frame.to_dict("list")
    assert list(parts.index) == [7, 8, 9]


def test_unique_id_refuses_ambiguous_values():
    frame = pd.DataFrame({"region": ["A|B"], "sector": ["F"], "skill": ["high"]})
    with pytest.raises(ValueError, match="separator"):
        make_unique_id(frame)
    with pytest.raises(ValueError, match="does not split into 3 parts"):
        split_unique_id(["KZ-75|F"])


def test_identifier_codes_are_stable_when_later_regions_arrive():
    early = pd.DataFrame({"region": ["KZ-75", "KZ-11", "KZ-75"], "ds": [2015, 2016, 2016],
                          "sector": ["F", "A", "TOTAL"], "skill": ["high", "low", "medium"]})
    later = pd.DataFrame({"region": ["KZ-10"], "ds": [2022], "sector": ["Q"], "skill": ["high"]})
    full = pd.concat([early, later], ignore_index=True)
    encoder_early = SeriesIdentifierEncoder().fit(early)
    encoder_full = SeriesIdentifierEncoder().fit(full)
    assert list(encoder_early.regions_) == ["KZ-75", "KZ-11"]  # first seen first
    assert list(encoder_full.regions_) == ["KZ-75", "KZ-11", "KZ-10"]
    codes = encoder_full.transform(full)
    assert codes.to_dict("list") == {"region_code": [0, 1, 0, 2],
                                     "sector_code": [5, 0, SECTORS.index("TOTAL"), 16],
                                     "skill_code": [0, 2, 1, 0]}
    assert encoder_early.transform(early).equals(encoder_full.transform(early))
    assert encoder_early.transform(later)["region_code"].tolist() == [-1]
    assert list(encoder_full.get_feature_names_out()) == ["region_code", "sector_code",
                                                         "skill_code"]


def test_fixed_region_vocabulary():
    encoder = SeriesIdentifierEncoder(regions=["KZ-11", "KZ-75"]).fit(pd.DataFrame())
    frame = pd.DataFrame({"region": ["KZ-75"], "sector": ["A"], "skill": ["low"]})
    assert encoder.transform(frame)["region_code"].tolist() == [1]


def test_break_indicators_step_and_pulse():
    years = pd.Series([2008, 2009, 2015, 2016], index=[4, 5, 6, 7])
    steps = break_indicators(years, break_years=(2009, 2015))
    assert list(steps.columns) == break_feature_names((2009, 2015))
    assert steps["break_2009"].tolist() == [0, 1, 1, 1]
    assert steps["break_2015"].tolist() == [0, 0, 1, 1]
    assert list(steps.index) == [4, 5, 6, 7]
    pulses = break_indicators(years, break_years=(2015,), kind="pulse")
    assert pulses["break_2015"].tolist() == [0, 0, 1, 0]
    with pytest.raises(ValueError, match="kind"):
        break_indicators(years, kind="ramp")
