"""The one-call feature matrix: alignment on unique_id/ds, documented columns, origin cut,
and the rule that ``features`` imports neither ``models`` nor ``forecast``."""

import ast
import math
import pathlib
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

import features
from features import FeatureConfig, build_feature_matrix, feature_names

REPO = pathlib.Path(__file__).resolve().parents[2]


def small_tables():
    employment = pd.DataFrame([
        ("KZ-75", "F", 2020, "high", 100.0), ("KZ-75", "F", 2021, "high", 120.0),
        ("KZ-75", "F", 2020, "low", 300.0), ("KZ-75", "F", 2021, "low", 280.0),
        ("KZ-11", "A", 2021, "medium", 50.0),
    ], columns=["region", "sector", "year", "skill", "employed"])
    bands = {"0-15": 160.0, "16-62": 470.0, "63+": 270.0}
    population = pd.DataFrame([(region, year, band, value)
                               for region in ("KZ-75", "KZ-11") for year in (2020, 2021)
                               for band, value in bands.items()],
                              columns=["region", "year", "age_band", "population"])
    migration = pd.DataFrame([("KZ-75", 2021, "emigration", education, persons)
                              for education, persons in (("higher", 4.0), ("tvet", 2.0),
                                                         ("other", 2.0))],
                             columns=["region", "year", "flow", "education", "persons"])
    vacancies = pd.DataFrame([("KZ-75", "F", 2021, "high", 30.0)],
                             columns=["region", "sector", "year", "skill", "vacancies"])
    wages = pd.DataFrame([("KZ", "F", 2021, 200.0), ("KZ-75", "F", 2021, 300.0)],
                         columns=["region", "sector", "year", "wage"])
    return {"employment": employment, "population": population, "migration": migration,
            "vacancies": vacancies, "wages": wages}


def test_matrix_rows_columns_and_joined_values():
    matrix = build_feature_matrix(small_tables(), config=FeatureConfig(horizon=2))
    assert list(matrix.columns[:6]) == ["unique_id", "ds", "region", "sector", "skill", "y"]
    assert list(matrix.columns[6:]) == feature_names(FeatureConfig(horizon=2), small_tables())
    assert "graduates_per_skill_worker" not in matrix.columns  # no graduates table given
    assert matrix["unique_id"].tolist() == ["KZ-11|A|medium", "KZ-75|F|high", "KZ-75|F|high",
                                            "KZ-75|F|low", "KZ-75|F|low"]
    assert matrix["ds"].tolist() == [2021, 2020, 2021, 2020, 2021]
    row = matrix[(matrix["unique_id"] == "KZ-75|F|high") & (matrix["ds"] == 2021)].iloc[0]
    assert row["y"] == 120.0 and row["y_lag_1"] == 100.0
    assert row["vacancy_rate"] == pytest.approx(30 / 150)
    assert row["wage_relative_to_national"] == pytest.approx(1.5)
    assert row["sector_employment_share"] == 1.0
    assert row["sector_employment_log_growth"] == pytest.approx(math.log(401 / 401))
    # Population without sex is split 49 / 51; men 16..62, women (2021: pension age 60) 16..59.
    assert row["working_age_population"] == pytest.approx(0.49 * 470 + 0.51 * 440)
    assert row["emigration_rate"] == pytest.approx(8 / row["working_age_population"] * 1000)
    assert row["emigration_rate_same_skill"] == pytest.approx(4 / row["working_age_population"]
                                                              * 1000)
    assert row["region_code"] == 0 and row["break_2020"] == 1 and row["break_2022"] == 0
    low = matrix[(matrix["unique_id"] == "KZ-75|F|low") & (matrix["ds"] == 2021)].iloc[0]
    assert low["emigration_rate_same_skill"] == pytest.approx(2 / row["working_age_population"]
                                                              * 1000)
    assert math.isnan(low["vacancy_rate"])
    assert matrix.loc[matrix["region"] == "KZ-11", "region_code"].unique().tolist() == [1]


def test_origin_cuts_rows_and_is_the_default_everything():
    tables = small_tables()
    at_2020 = build_feature_matrix(tables, origin=2020)
    assert at_2020["ds"].unique().tolist() == [2020]
    assert len(build_feature_matrix(tables)) == len(tables["employment"])
    assert "emigration_rate" in at_2020.columns
    assert np.isnan(at_2020["emigration_rate"]).all()  # migration is only known from 2021


def test_accepts_a_loaded_data_set():
    class LoadedData:
        tables = small_tables()

    pd.testing.assert_frame_equal(build_feature_matrix(LoadedData()),
                                  build_feature_matrix(small_tables()))


def test_employment_is_required():
    with pytest.raises(ValueError, match="'employment'"):
        build_feature_matrix({"population": small_tables()["population"]})


def test_feature_names_without_tables_lists_every_family():
    names = feature_names(FeatureConfig(horizon=1, break_years=(2015,)))
    for expected in ("y_lag_1", "vacancy_rate", "applicants_per_worker", "pension_entrants_h1",
                     "skilled_emigrant_share", "graduates_tvet_per_worker", "break_2015"):
        assert expected in names
    assert len(names) == len(set(names))


def test_features_package_imports_neither_models_nor_forecast():
    for path in sorted((REPO / "features").glob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                roots = [alias.name.split(".")[0] for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                roots = [(node.module or "").split(".")[0]]
            else:
                continue
            assert not {"models", "forecast"} & set(roots), f"{path.name} imports {roots}"
    code = ("import sys, features; "
            "assert not {'models', 'forecast'} & {m.split('.')[0] for m in sys.modules}")
    subprocess.run([sys.executable, "-c", code], cwd=REPO, check=True)
    assert "Where data becomes features" in features.__doc__
    assert "Nothing here imports ``models`` or ``forecast``" in features.__doc__
