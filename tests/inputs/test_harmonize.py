"""Region harmonization across the 2018 and 2022 boundary changes."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from forecast.inputs.harmonize import harmonize, harmonize_tables, onto_regions


def _published(values_before: list[float], parent_after: float, child_after: float,
               parent="KZ-63", child="KZ-10", split=2022) -> pd.DataFrame:
    rows = [(parent, split - len(values_before) + i, v) for i, v in enumerate(values_before)]
    rows += [(parent, split, parent_after), (child, split, child_after)]
    return pd.DataFrame(rows, columns=["region", "year", "persons"])


def test_split_by_the_share_in_the_first_common_year():
    frame = _published([100.0, 200.0], parent_after=150.0, child_after=50.0)
    out = harmonize(frame, "persons").set_index(["region", "year"])["persons"]
    assert out[("KZ-10", 2020)] == 25 and out[("KZ-63", 2020)] == 75
    assert out[("KZ-10", 2021)] == 50 and out[("KZ-63", 2021)] == 150


def test_split_is_per_key_and_falls_back_to_the_table_share():
    frame = pd.DataFrame({
        "region": ["KZ-19", "KZ-19", "KZ-19", "KZ-19", "KZ-33", "KZ-33"],
        "sector": ["A", "B", "A", "B", "A", "C"],
        "year": [2021, 2021, 2022, 2022, 2022, 2022],
        "persons": [90.0, 40.0, 60.0, 40.0, 30.0, 30.0]})
    out = harmonize(frame, "persons").set_index(["region", "sector", "year"])["persons"]
    assert out[("KZ-33", "A", 2021)] == 30  # A: 30 of 90 in 2022
    # B has no Zhetysu row in 2022: the table-wide share 60/160 applies.
    assert out[("KZ-33", "B", 2021)] == round(40 * 60 / 160)
    assert out[("KZ-19", "B", 2021)] + out[("KZ-33", "B", 2021)] == 40


def test_backcast_child_is_left_alone():
    frame = pd.DataFrame({"region": ["KZ-63", "KZ-10", "KZ-63", "KZ-10"],
                          "year": [2021, 2021, 2022, 2022], "persons": [70.0, 30.0, 72.0, 31.0]})
    out = harmonize(frame, "persons").set_index(["region", "year"])["persons"]
    assert out[("KZ-63", 2021)] == 70 and out[("KZ-10", 2021)] == 30


def test_partial_backcast_is_refused():
    frame = pd.DataFrame({"region": ["KZ-63", "KZ-63", "KZ-10", "KZ-63", "KZ-10"],
                          "year": [2020, 2021, 2021, 2022, 2022], "persons": [1.0, 2, 3, 4, 5]})
    with pytest.raises(ValueError, match="only some years before 2022"):
        harmonize(frame, "persons")


def test_means_are_copied_when_splitting():
    frame = pd.DataFrame({"region": ["KZ-35", "KZ-35", "KZ-62"], "year": [2021, 2022, 2022],
                          "wage": [300.0, 310.0, 400.0]})
    out = harmonize(frame, "wage", kind="mean").set_index(["region", "year"])["wage"]
    assert out[("KZ-62", 2021)] == 300 and out[("KZ-35", 2021)] == 300


def test_merge_into_2017_boundaries():
    frame = _published([100.0], parent_after=150.0, child_after=50.0, parent="KZ-61", child="KZ-79",
                       split=2018)
    out = harmonize(frame, "persons", boundaries="2017").set_index(["region", "year"])["persons"]
    assert out.to_dict() == {("KZ-61", 2017): 100.0, ("KZ-61", 2018): 200.0}


def test_unknown_boundary_set():
    with pytest.raises(ValueError, match="unknown boundary set"):
        harmonize(_published([1.0], 1.0, 1.0), "persons", boundaries="1997")


@settings(max_examples=60, deadline=None)
@given(before=st.lists(st.integers(0, 10**7), min_size=1, max_size=6),
       parent_after=st.integers(0, 10**7), child_after=st.integers(0, 10**7))
def test_totals_preserved_exactly(before, parent_after, child_after):
    frame = _published([float(v) for v in before], float(parent_after), float(child_after))
    out = harmonize(frame, "persons")
    assert out.groupby("year")["persons"].sum().equals(frame.groupby("year")["persons"].sum())
    assert (out["persons"] >= 0).all()
    assert np.all(np.mod(out["persons"], 1) == 0)
    back = harmonize(out, "persons", boundaries="2017")
    assert back.groupby("year")["persons"].sum().equals(frame.groupby("year")["persons"].sum())


def test_sample_tables_keep_every_total(sample):
    harmonized = harmonize_tables(dict(sample.tables))
    for name, table in sample.tables.items():
        value = table.columns[-1]
        if name == "wages":
            continue
        before = table.groupby("year")[value].sum()
        after = harmonized[name].groupby("year")[value].sum()
        assert after.equals(before), name
    first = harmonized["employment"].groupby("region")["year"].min()
    assert len(first) == 20 and first.eq(2000).all()


def test_onto_regions_sums_units_that_did_not_exist_yet_into_their_parents():
    frame = pd.DataFrame({"region": ["KZ-61", "KZ-79", "KZ-63", "KZ-10", "KZ-75"],
                          "sector": "F", "year": 2023, "a": [10.0, 5.0, 7.0, 3.0, 1.0],
                          "b": [1.0, 1.0, 2.0, 2.0, 4.0]})
    # Units of 2017 (before both changes) and of 2020 (after the first).
    before_2018 = onto_regions(frame, {"KZ-61", "KZ-63", "KZ-75"}, ["a", "b"]).set_index("region")
    assert before_2018.loc["KZ-61", "a"] == 15 and before_2018.loc["KZ-63", "b"] == 4
    assert before_2018["a"].sum() == frame["a"].sum()
    after_2018 = onto_regions(frame, {"KZ-61", "KZ-79", "KZ-63", "KZ-75"}, ["a", "b"]).set_index("region")
    assert after_2018.loc["KZ-79", "a"] == 5 and after_2018.loc["KZ-63", "a"] == 10
    assert onto_regions(frame, set(frame["region"]), ["a", "b"]) is frame


def test_onto_regions_refuses_a_unit_with_no_container():
    frame = pd.DataFrame({"region": ["KZ-79"], "year": 2023, "a": [1.0]})
    with pytest.raises(ValueError, match="KZ-79"):
        onto_regions(frame, {"KZ-75"}, ["a"])
