"""Labour-market features against hand-computed values."""

import math

import numpy as np
import pandas as pd
import pytest

from features.labour import (
    applicants_per_worker,
    employment_structure,
    regional_employment,
    vacancy_rate,
    wage_features,
)


def employment_table():
    rows = [
        # R1 lists sectors but no TOTAL: its total is the sum, 300 in 2020.
        ("R1", "A", 2020, "high", 30), ("R1", "A", 2020, "medium", 50), ("R1", "A", 2020, "low", 20),
        ("R1", "B", 2020, "high", 100), ("R1", "B", 2020, "low", 100),
        ("R1", "A", 2021, "high", 40), ("R1", "A", 2021, "medium", 50), ("R1", "A", 2021, "low", 20),
        ("R1", "B", 2021, "high", 100), ("R1", "B", 2021, "low", 100),
        # R2 has a TOTAL row, which wins over the sum of its listed sectors.
        ("R2", "TOTAL", 2020, "high", 500), ("R2", "A", 2020, "high", 50),
        ("R3", "B", 2020, "high", 600),
    ]
    return pd.DataFrame(rows, columns=["region", "sector", "year", "skill", "employed"])


def value(frame, column, **keys):
    mask = np.ones(len(frame), dtype=bool)
    for key, wanted in keys.items():
        mask &= (frame[key] == wanted).to_numpy()
    assert mask.sum() == 1, keys
    return frame.loc[mask, column].iloc[0]


def test_regional_employment_prefers_total_sector():
    totals = regional_employment(employment_table())
    assert value(totals, "employed_total", region="R1", ds=2020) == 300
    assert value(totals, "employed_total", region="R1", ds=2021) == 310
    assert value(totals, "employed_total", region="R2", ds=2020) == 500


def test_sector_share_and_growth():
    structure = employment_structure(employment_table())
    assert value(structure, "sector_employment_share", region="R1", sector="A", ds=2020) == \
        pytest.approx(100 / 300)
    assert value(structure, "sector_employment_share", region="R2", sector="A", ds=2020) == \
        pytest.approx(0.1)
    assert value(structure, "sector_employment_share", region="R2", sector="TOTAL", ds=2020) == 1.0
    assert value(structure, "sector_employment_log_growth", region="R1", sector="A", ds=2021) == \
        pytest.approx(math.log(111 / 101))
    assert math.isnan(value(structure, "sector_employment_log_growth", region="R1", sector="A",
                            ds=2020))


def test_vacancy_rate():
    vacancies = pd.DataFrame({"region": ["R1", "R1"], "sector": ["A", "B"], "year": [2020, 2020],
                              "skill": ["high", "low"], "vacancies": [10.0, 0.0]})
    rates = vacancy_rate(employment_table(), vacancies)
    assert len(rates) == len(employment_table())
    assert value(rates, "vacancy_rate", region="R1", sector="A", skill="high", ds=2020) == 0.25
    assert value(rates, "vacancy_rate", region="R1", sector="B", skill="low", ds=2020) == 0.0
    assert math.isnan(value(rates, "vacancy_rate", region="R1", sector="A", skill="medium",
                            ds=2020))


def test_wage_relative_to_national_published_weighted_and_plain():
    wages = pd.DataFrame([
        ("KZ", "A", 2020, 200.0), ("R1", "A", 2020, 300.0), ("R1", "A", 2021, 330.0),
        # Sector B has no national row: employment-weighted mean (100*200 + 400*600) / 800.
        ("R1", "B", 2020, 100.0), ("R3", "B", 2020, 400.0),
        # Sector C: R4 has no employment, so the regions count equally: (100 + 300) / 2.
        ("R1", "C", 2020, 100.0), ("R4", "C", 2020, 300.0),
    ], columns=["region", "sector", "year", "wage"])
    employment = pd.concat([employment_table(), pd.DataFrame(
        [("R1", "C", 2020, "low", 10)], columns=["region", "sector", "year", "skill", "employed"])])
    result = wage_features(wages, employment)
    assert value(result, "wage_relative_to_national", region="R1", sector="A", ds=2020) == 1.5
    assert value(result, "wage_relative_to_national", region="KZ", sector="A", ds=2020) == 1.0
    assert value(result, "wage_relative_to_national", region="R1", sector="B", ds=2020) == \
        pytest.approx(100 / 325)
    assert value(result, "wage_relative_to_national", region="R3", sector="B", ds=2020) == \
        pytest.approx(400 / 325)
    assert value(result, "wage_relative_to_national", region="R4", sector="C", ds=2020) == 1.5
    assert value(result, "wage_log_growth", region="R1", sector="A", ds=2021) == \
        pytest.approx(math.log(331 / 301))
    # Sector A 2021 has no national row and one region: it is its own national wage.
    assert value(result, "wage_relative_to_national", region="R1", sector="A", ds=2021) == 1.0
    # Without employment every region counts once.
    unweighted = wage_features(wages)
    assert value(unweighted, "wage_relative_to_national", region="R1", sector="B", ds=2020) == \
        pytest.approx(100 / 250)


def test_applicants_per_worker():
    applicants = pd.DataFrame({"region": ["R1", "R2", "R9"], "year": [2020, 2020, 2020],
                               "applicants": [30.0, 25.0, 5.0]})
    result = applicants_per_worker(applicants, employment_table())
    assert value(result, "applicants_per_worker", region="R1", ds=2020) == pytest.approx(0.1)
    assert value(result, "applicants_per_worker", region="R2", ds=2020) == pytest.approx(0.05)
    assert math.isnan(value(result, "applicants_per_worker", region="R9", ds=2020))


def test_missing_column_is_named():
    with pytest.raises(ValueError, match=r"table 'wages' lacks column\(s\) \['wage'\]"):
        wage_features(pd.DataFrame({"region": [], "sector": [], "year": []}))
