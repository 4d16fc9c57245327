"""Where each flow lands among the cells of a balance: grouped sums, and the flows of an observed
year spread over its cells as the balance's formulas say."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from forecast.shortage import Assumptions, build_series_panel, observed_balance
from forecast.shortage.cell_layout import Grouping, cell_layout

YEAR = 2020


def test_grouped_sum_equals_pandas_groupby_sum_with_missing_values_and_rows_left_out():
    rng = np.random.default_rng(7)
    for _ in range(50):
        n, groups = int(rng.integers(1, 200)), int(rng.integers(1, 25))
        codes = rng.integers(-1, groups, n)  # -1: a row in no group
        values = rng.lognormal(3.0, 2.0, n) * rng.choice([1.0, -1.0, 0.0], n)
        values[rng.random(n) < 0.1] = np.nan
        expected = (pd.Series(values[codes >= 0]).groupby(codes[codes >= 0]).sum()
                    .reindex(range(groups), fill_value=0.0).to_numpy())
        np.testing.assert_allclose(Grouping(codes, groups).sum(values), expected, rtol=1e-12, atol=1e-9)


def test_a_group_without_rows_sums_to_zero():
    assert Grouping(np.array([0, 0, 2]), 4).sum(np.array([1.5, 2.5, np.nan])).tolist() == [4.0, 0.0, 0.0, 0.0]


def test_a_flow_without_a_cell_of_its_key_lands_nowhere_and_a_cell_without_a_flow_gets_zero():
    cells = ("demand|R1|A|high", "demand|R1|A|low", "demand|R2|A|high")
    flows = ("emigration|R1|higher", "emigration|R1|higher", "emigration|R3|higher",
             "emigration|R2|doctorate", "graduates|R1|higher|A", "graduates|R1|tvet|A")
    layout = cell_layout(cells, flows)
    values = np.array([10.0, -4.0, 100.0, 7.0, 5.0, 3.0])
    # R1 high gets both of its rows, clipped at 0; R1 low none; R2's only row has an
    # education with no skill level, and R3 has no cell.
    assert layout.migration["emigration"].per_cell(values, clip=True).tolist() == [10.0, 0.0, 0.0]
    assert layout.migration["emigration"].per_cell(values, clip=False).tolist() == [6.0, 0.0, 0.0]
    # TVET graduates are medium skill, and there is no medium cell.
    assert layout.graduates.per_cell(values, clip=True).tolist() == [5.0, 0.0, 0.0]
    assert layout.applicants is None and "immigration" not in layout.migration


@pytest.fixture(scope="module")
def observed(sample):
    panel = build_series_panel(sample)
    values = panel.series.set_index(["unique_id", "ds"])["y"]
    flows = values.xs(YEAR, level="ds")
    demand = values[values.index.get_level_values(0).str.startswith("demand|")]
    return (observed_balance(panel, YEAR, Assumptions()), flows,
            demand.xs(YEAR - 1, level="ds"))


def _flow(flows: pd.Series, kind: str, *keys: str) -> float:
    return float(np.clip(flows[f"{kind}|{'|'.join(keys)}"], 0.0, None))


def test_each_region_and_skill_gets_its_emigration_and_immigration_spread_over_its_sectors(observed):
    table, flows, _ = observed
    a = Assumptions()
    for region in ("KZ-10", "KZ-75"):
        for education, skill in (("higher", "high"), ("tvet", "medium"), ("other", "low")):
            rows = table[(table["region"] == region) & (table["skill"] == skill)]
            assert rows["emigration"].sum() == pytest.approx(
                _flow(flows, "emigration", region, education) * a.emigrant_workers, rel=1e-9)
            assert rows["immigration"].sum() == pytest.approx(
                _flow(flows, "immigration", region, education) * a.migrant_participation, rel=1e-9)
            # Net internal migration may be negative: it is not clipped.
            assert rows["internal_migration"].sum() == pytest.approx(
                float(flows[f"internal|{region}|{education}"]) * a.migrant_participation, rel=1e-9)


def test_each_cell_gets_its_own_graduates_and_each_region_its_school_leavers(observed):
    table, flows, _ = observed
    a = Assumptions()
    cell = table[(table["region"] == "KZ-75") & (table["sector"] == "G")].set_index("skill")
    assert cell.loc["high", "graduates"] == pytest.approx(
        _flow(flows, "graduates", "KZ-75", "higher", "G") * a.graduate_entry, rel=1e-12)
    assert cell.loc["medium", "graduates"] == pytest.approx(
        _flow(flows, "graduates", "KZ-75", "tvet", "G") * a.graduate_entry, rel=1e-12)
    # The low-skill cells share the region's school leavers in proportion to last year's demand.
    low = table[(table["region"] == "KZ-75") & (table["skill"] == "low")]
    shares = low["graduates"] / low["graduates"].sum()
    _, _, before = observed
    weights = before[[f"demand|KZ-75|{s}|low" for s in low["sector"]]].to_numpy()
    np.testing.assert_allclose(shares.to_numpy(), weights / weights.sum(), rtol=1e-9)


def test_each_region_and_skill_gets_its_share_of_the_applicants(observed):
    table, flows, _ = observed
    a = Assumptions()
    for skill, mix in zip(("high", "medium", "low"), a.applicant_skill_mix):
        rows = table[(table["region"] == "KZ-10") & (table["skill"] == skill)]
        assert rows["unemployed"].sum() == pytest.approx(
            _flow(flows, "applicants", "KZ-10") * mix * a.unemployed_placement, rel=1e-9)
