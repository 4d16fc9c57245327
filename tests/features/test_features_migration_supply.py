"""Migration and supply-pipeline features against hand-computed values."""

import math

import pandas as pd
import pytest

from features.migration import emigration_rate_by_skill, migration_feature_names, migration_features
from features.supply import graduate_features, graduates_per_skill_worker


def migration_table():
    rows = [
        ("R1", 2020, "emigration", "higher", 30), ("R1", 2020, "emigration", "tvet", 20),
        ("R1", 2020, "emigration", "other", 50),
        ("R1", 2020, "immigration", "higher", 8), ("R1", 2020, "immigration", "tvet", 4),
        ("R1", 2020, "immigration", "other", 100),
        ("R1", 2020, "internal_in", "higher", 70), ("R1", 2020, "internal_in", "other", 30),
        ("R1", 2020, "internal_out", "tvet", 150),
        # R2 lacks emigration of "other": totals that need it stay unknown.
        ("R2", 2020, "emigration", "higher", 5), ("R2", 2020, "emigration", "tvet", 5),
    ]
    return pd.DataFrame(rows, columns=["region", "year", "flow", "education", "persons"])


WORKING_AGE = pd.DataFrame({"region": ["R1", "R2"], "ds": [2020, 2020],
                            "working_age_population": [10_000.0, 1_000.0]})


def test_migration_rates_and_shares():
    result = migration_features(migration_table(), WORKING_AGE).set_index("region")
    assert list(result.columns) == ["ds", *migration_feature_names()]
    r1 = result.loc["R1"]
    assert r1["emigration_rate_higher"] == pytest.approx(3.0)
    assert r1["emigration_rate_tvet"] == pytest.approx(2.0)
    assert r1["emigration_rate_other"] == pytest.approx(5.0)
    assert r1["emigration_rate"] == pytest.approx(10.0)
    assert r1["skilled_emigrant_share"] == pytest.approx(0.5)
    assert r1["educated_immigration"] == 12
    assert r1["educated_immigration_rate"] == pytest.approx(1.2)
    # Internal flows lack some education rows, so the net is unknown rather than guessed.
    assert math.isnan(r1["net_internal_migration"])
    r2 = result.loc["R2"]
    assert r2["emigration_rate_higher"] == pytest.approx(5.0)
    assert math.isnan(r2["emigration_rate"]) and math.isnan(r2["skilled_emigrant_share"])


def test_net_internal_migration_with_complete_rows():
    rows = [("R1", 2020, flow, education, persons)
            for flow, persons in (("internal_in", 100), ("internal_out", 60))
            for education in ("higher", "tvet", "other")]
    table = pd.DataFrame(rows, columns=["region", "year", "flow", "education", "persons"])
    row = migration_features(table, WORKING_AGE).iloc[0]
    assert row["net_internal_migration"] == 120
    assert row["net_internal_migration_rate"] == pytest.approx(12.0)


def test_emigration_rate_matched_to_skill():
    features = migration_features(migration_table(), WORKING_AGE)
    by_skill = emigration_rate_by_skill(features)
    r1 = by_skill[by_skill["region"] == "R1"].set_index("skill")["emigration_rate_same_skill"]
    assert r1.to_dict() == pytest.approx({"high": 3.0, "medium": 2.0, "low": 5.0})


def test_unknown_flow_is_named():
    bad = migration_table().assign(flow="exodus")
    with pytest.raises(ValueError, match="'flow' has value 'exodus'"):
        migration_features(bad, WORKING_AGE)


def employment_table():
    rows = [("R1", "P", 2020, "high", 200), ("R1", "P", 2020, "medium", 100),
            ("R1", "P", 2020, "low", 100), ("R1", "F", 2020, "high", 0)]
    return pd.DataFrame(rows, columns=["region", "sector", "year", "skill", "employed"])


GRADUATES = pd.DataFrame({"region": ["R1", "R1", "R1"], "year": [2020] * 3,
                          "level": ["higher", "tvet", "higher"], "sector": ["P", "P", "F"],
                          "graduates": [40.0, 10.0, 5.0]})


def test_graduates_per_worker_by_level_and_sector():
    result = graduate_features(GRADUATES, employment_table()).set_index("sector")
    assert result.loc["P", "graduates_higher_per_worker"] == pytest.approx(0.1)
    assert result.loc["P", "graduates_tvet_per_worker"] == pytest.approx(0.025)
    # Sector F has no employment: the ratio is undefined, not infinite.
    assert math.isnan(result.loc["F", "graduates_higher_per_worker"])


def test_graduates_per_worker_of_the_matching_skill():
    result = graduates_per_skill_worker(GRADUATES, employment_table())
    per_skill = result[result["sector"] == "P"].set_index("skill")["graduates_per_skill_worker"]
    assert per_skill.to_dict() == pytest.approx({"high": 0.2, "medium": 0.1, "low": 0.0})
    with pytest.raises(ValueError, match="'level' has value 'phd'"):
        graduate_features(GRADUATES.assign(level="phd"), employment_table())
