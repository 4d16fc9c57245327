"""Demographic features and the pension-age schedule against hand-computed values."""

import numpy as np
import pandas as pd
import pytest

from features.demography import (
    demographic_feature_names,
    demographic_features,
    parse_age_bands,
    single_year_population,
)
from features.pension import PensionAgeSchedule

# Single-year bands around pension age make the cohorts easy to follow by hand:
# ages 0..56 hold 10 people each, 57..62 hold 100..600, 63..89 hold 10 each.
BANDS = {"0-56": 570.0, "57-57": 100.0, "58-58": 200.0, "59-59": 300.0, "60-60": 400.0,
         "61-61": 500.0, "62-62": 600.0, "63+": 270.0}


def population(sex, year=2021, region="R1"):
    return pd.DataFrame({"region": region, "year": year, "sex": sex,
                         "age_band": list(BANDS), "population": list(BANDS.values())})


def test_parse_age_bands():
    lower, upper = parse_age_bands(pd.Series(["0-15", "16-62", "63+", " 20 - 24"]),
                                   open_band_end=90)
    assert lower.tolist() == [0, 16, 63, 20]
    assert upper.tolist() == [16, 63, 90, 25]
    for bad in ["16 to 19", "20-10", "95+"]:
        with pytest.raises(ValueError, match="age_band"):
            parse_age_bands(pd.Series([bad]), open_band_end=90)


def test_single_year_interpolation_spreads_bands_evenly():
    table = pd.DataFrame({"region": "R", "year": 2020, "age_band": ["0-15", "16-62", "63+"],
                          "population": [160.0, 470.0, 270.0]})
    groups, persons = single_year_population(table, open_band_end=90, male_share=0.4)
    assert groups.to_dict("list") == {"region": ["R", "R"], "ds": [2020, 2020],
                                      "sex": ["male", "female"]}
    assert np.allclose(persons[0], 4.0) and np.allclose(persons[1], 6.0)
    assert persons.shape == (2, 90)


def test_bands_must_tile_the_ages():
    gap = pd.DataFrame({"region": "R", "year": 2020, "age_band": ["0-15", "20+"],
                        "population": [1.0, 1.0]})
    with pytest.raises(ValueError, match="without gaps or overlaps"):
        single_year_population(gap)
    overlap = pd.DataFrame({"region": "R", "year": 2020, "age_band": ["0-15", "10+"],
                            "population": [1.0, 1.0]})
    with pytest.raises(ValueError, match="without gaps or overlaps"):
        single_year_population(overlap)
    with pytest.raises(ValueError, match="sex"):
        single_year_population(population("woman"))


def test_women_working_age_dependency_and_entrants_under_rising_pension_age():
    result = demographic_features(population("female"), horizon=5)
    row = result.iloc[0]
    # 2021: women's pension age 60, so working age is 16..59.
    assert row["working_age_population"] == pytest.approx(41 * 10 + 100 + 200 + 300)
    assert row["dependency_ratio"] == pytest.approx((160 + 400 + 500 + 600 + 270) / 1010)
    # 2022 (60.5): half of those aged 59 now; 2023 (61): the other half;
    # 2024 (61, frozen): all aged 58 now; then all aged 57; then aged 56.
    expected = [150.0, 150.0, 200.0, 100.0, 10.0]
    assert [row[f"pension_entrants_h{k}"] for k in range(1, 6)] == pytest.approx(expected)
    assert row["pension_entrants_share_h3"] == pytest.approx(200 / 1010)
    assert list(result.columns) == ["region", "ds", *demographic_feature_names(5)]


def test_men_and_both_sexes_summed():
    table = pd.concat([population("male"), population("female")], ignore_index=True)
    row = demographic_features(table, horizon=2).iloc[0]
    men_working = 47 * 10 - 6 * 10 + 100 + 200 + 300 + 400 + 500 + 600  # ages 16..62
    assert row["working_age_population"] == pytest.approx(men_working + 1010)
    assert row["pension_entrants_h1"] == pytest.approx(600 + 150)
    assert row["pension_entrants_h2"] == pytest.approx(500 + 150)


def test_pension_schedule_is_a_parameter():
    early = PensionAgeSchedule(male=((0, 60.0),), female=((0, 60.0),))
    row = demographic_features(population("male"), horizon=1, pension_ages=early).iloc[0]
    assert row["working_age_population"] == pytest.approx(41 * 10 + 100 + 200 + 300)
    assert row["pension_entrants_h1"] == pytest.approx(300)


def test_male_share_splits_tables_without_sex():
    table = population("female").drop(columns="sex")
    row = demographic_features(table, horizon=1, male_share=0.5).iloc[0]
    assert row["working_age_population"] == pytest.approx(0.5 * 1010 + 0.5 * 2510)
    assert row["pension_entrants_h1"] == pytest.approx(0.5 * 150 + 0.5 * 600)
    with pytest.raises(ValueError, match="male_share"):
        demographic_features(table, male_share=1.5)


def test_kazakhstan_default_schedule():
    schedule = PensionAgeSchedule()
    years = [2010, 2017, 2018, 2020, 2022, 2023, 2028, 2029, 2031, 2032, 2050]
    assert schedule.ages("female", years).tolist() == [
        58.0, 58.0, 58.5, 59.5, 60.5, 61.0, 61.0, 61.5, 62.5, 63.0, 63.0]
    assert set(schedule.ages("male", years).tolist()) == {63.0}


def test_schedule_validation_and_table_form():
    with pytest.raises(ValueError, match="strictly increasing"):
        PensionAgeSchedule(female=((2020, 60.0), (2019, 61.0)))
    with pytest.raises(ValueError, match="sex must be"):
        PensionAgeSchedule().ages("other", [2020])
    table = pd.DataFrame({"sex": ["male", "female", "female"], "year": [0, 0, 2030],
                          "pension_age": [65.0, 60.0, 62.0]})
    schedule = PensionAgeSchedule.from_frame(table)
    assert schedule.ages("female", [2029, 2030]).tolist() == [60.0, 62.0]
    assert schedule.ages("male", [1990]).tolist() == [65.0]
