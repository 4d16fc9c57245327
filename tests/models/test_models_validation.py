import numpy as np
import pandas as pd
import pytest

from models import Naive, from_long, to_long
from models.panel import Panel


def panel(**overrides):
    data = {"unique_id": ["a", "a", "b", "b"], "ds": [2000, 2001, 2000, 2001], "y": [1.0, 2.0, 3.0, 4.0]}
    data.update(overrides)
    return pd.DataFrame(data)


@pytest.mark.parametrize(
    "frame, message",
    [
        (panel().drop(columns="y"), "missing column 'y'"),
        (panel(ds=[2000, 2001.5, 2000, 2001]), "column 'ds' must hold integer years; series 'a' has 2001.5"),
        (panel(ds=["2000", "2001", "2000", "2001"]), "column 'ds' must hold integer years"),
        (panel(ds=[2000, 2000, 2000, 2001]), r"duplicate \(unique_id, ds\) = \('a', 2000\)"),
        (panel(y=[1.0, np.nan, 3.0, 4.0]), "column 'y' has non-finite value nan for series 'a' at ds 2001"),
        (panel(y=[1.0, 2.0, np.inf, 4.0]), "non-finite value inf for series 'b' at ds 2000"),
        (panel(ds=[2000, 2003, 2000, 2001]), "series 'a' has a gap in column 'ds' between 2000 and 2003"),
        (panel(region=["x", "x", "y", "y"]), "column 'region' must be numeric"),
        (panel().iloc[:0], "the panel is empty"),
    ],
)
def test_bad_panels_are_refused_with_a_message_naming_the_problem(frame, message):
    with pytest.raises(ValueError, match=message):
        Naive().fit(frame)


def test_not_a_dataframe_is_a_type_error():
    with pytest.raises(TypeError, match="expected a pandas DataFrame"):
        Naive().fit({"unique_id": [1]})


@pytest.mark.parametrize("h", [0, -1, 1.5, "2", True])
def test_bad_horizon(h):
    model = Naive().fit(panel())
    with pytest.raises(ValueError, match="h must be a positive integer"):
        model.predict(h)


@pytest.mark.parametrize("level", [[0], [100], [80, 120], ["80"]])
def test_bad_levels(level):
    with pytest.raises(ValueError, match="level must hold percentages"):
        Naive().fit(panel()).predict(2, level=level)


def test_unsorted_ragged_panel_lays_out_right_aligned_and_round_trips():
    frame = pd.DataFrame(
        {"unique_id": ["b", "a", "b", "a", "a"], "ds": [2011, 2002, 2010, 2000, 2001], "y": [5.0, 3.0, 4.0, 1.0, 2.0]}
    )
    p = Panel.from_frame(frame)
    assert list(p.ids) == ["a", "b"]
    assert p.last_ds.tolist() == [2002, 2011]
    np.testing.assert_array_equal(p.values, [[1.0, 2.0, 3.0], [np.nan, 4.0, 5.0]])
    back = p.to_frame()
    expected = frame.sort_values(["unique_id", "ds"], ignore_index=True)
    pd.testing.assert_frame_equal(back, expected, check_dtype=False)


def test_truncate_shares_one_calendar_cutoff_and_drops_empty_series():
    frame = pd.DataFrame({"unique_id": ["a"] * 3 + ["b"] * 2, "ds": [2000, 2001, 2002, 2005, 2006], "y": [1.0, 2, 3, 4, 5]})
    p = Panel.from_frame(frame)
    cut, rows = p.truncate(2001)
    assert list(cut.ids) == ["a"] and rows.tolist() == [0]
    np.testing.assert_array_equal(cut.values, [[1.0, 2.0]])
    np.testing.assert_array_equal(p.actuals_after(np.array([0, 1]), 2001, 2), [[3.0, np.nan], [np.nan, np.nan]])


def test_to_long_and_from_long_round_trip():
    table = pd.DataFrame(
        {"region": ["R1", "R1", "R2"], "sector": ["A", "A", "C"], "year": [2020, 2021, 2020], "employed": [1.0, 2.0, 3.0]}
    )
    long = to_long(table, keys=["region", "sector"], time="year", value="employed")
    assert long.columns.tolist() == ["unique_id", "ds", "y"]
    assert long["unique_id"].tolist() == ["R1|A", "R1|A", "R2|C"]
    back = from_long(long, keys=["region", "sector"], time="year", value="employed")
    pd.testing.assert_frame_equal(back, table, check_dtype=False)


def test_to_long_refuses_separator_in_keys_and_from_long_wrong_parts():
    table = pd.DataFrame({"region": ["R|1"], "year": [2020], "employed": [1.0]})
    with pytest.raises(ValueError, match="contains the separator"):
        to_long(table, keys=["region"], time="year", value="employed")
    with pytest.raises(ValueError, match="does not split into the 2 keys"):
        from_long(pd.DataFrame({"unique_id": ["x"], "ds": [2020], "yhat": [1.0]}), keys=["region", "sector"])


def test_models_package_imports_neither_features_nor_forecast():
    import pathlib
    import re

    root = pathlib.Path(__file__).resolve().parents[2] / "models"
    pattern = re.compile(r"^\s*(from|import)\s+(features|forecast)\b", re.MULTILINE)
    offenders = [p.name for p in root.glob("*.py") if pattern.search(p.read_text())]
    assert offenders == []
