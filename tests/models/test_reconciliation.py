"""Forecast reconciliation: summing matrices, MinTrace-family maps, fallbacks, non-negativity."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import sparse
from scipy.optimize import nnls

from models.covariance import shrunk_correlation
from models.hierarchy import summing_matrix
from models.reconcile import reconcile_frame
from models.reconciliation import METHODS, Reconciler

# The callers name their total labels: Kazakhstan's national total is KZ, other keys TOTAL.
KZ = {"region": "KZ"}

GROUPED = [[], ["region"], ["sector"], ["skill"], ["region", "sector"], ["region", "skill"], ["sector", "skill"]]


def bottom_table(n_regions=3, n_sectors=4, skills=("high", "mid", "low")):
    rows = [(f"R{r}", f"S{s}", k) for r in range(n_regions) for s in range(n_sectors) for k in skills]
    return pd.DataFrame(rows, columns=["region", "sector", "skill"])


def grouped(n_regions=3, n_sectors=4, skills=("high", "mid", "low"), levels=GROUPED):
    return summing_matrix(bottom_table(n_regions, n_sectors, skills), levels, totals=KZ)


def children_sums(values: np.ndarray, tags: pd.DataFrame) -> np.ndarray:
    """Each series' sum of the bottom values below it, found from the identifiers alone."""
    keys = ["region", "sector", "skill"]
    bottom = tags[tags["level"] == "region/sector/skill"]
    labels = {"region": "KZ", "sector": "TOTAL", "skill": "TOTAL"}
    out = np.empty((len(tags),) + values.shape[1:])
    for i, row in enumerate(tags[keys].itertuples(index=False)):
        below = np.ones(len(bottom), dtype=bool)
        for key, value in zip(keys, row):
            if value != labels[key]:
                below &= (bottom[key] == value).to_numpy()
        out[i] = values[below].sum(axis=0)
    return out


def correlated_residuals(S, n_obs, seed=0):
    """Errors with a region-like common factor on the bottom and independent aggregate noise."""
    rng = np.random.default_rng(seed)
    n_total, n_bottom = S.shape
    common = rng.normal(size=(n_obs, 1)) * rng.uniform(0.5, 1.5, n_bottom)
    bottom = common + rng.normal(size=(n_obs, n_bottom))
    return np.asarray(bottom @ S.T) * 0.5 + rng.normal(size=(n_obs, n_total)) * np.sqrt(S.sum(axis=1))


# --------------------------------------------------------------------------------------------
# summing_matrix
# --------------------------------------------------------------------------------------------


def test_summing_matrix_of_a_small_two_way_table_is_known():
    bottom = pd.DataFrame({"region": ["AST", "ALM", "ALM"], "sector": ["C", "C", "F"]})
    S, tags = summing_matrix(bottom, [[], ["region"], ["sector"]], totals=KZ)
    assert tags["unique_id"].tolist() == ["KZ|TOTAL", "ALM|TOTAL", "AST|TOTAL", "KZ|C", "KZ|F", "AST|C", "ALM|C", "ALM|F"]
    assert tags["level"].tolist() == ["total", "region", "region", "sector", "sector"] + ["region/sector"] * 3
    expected = np.array([[1, 1, 1], [0, 1, 1], [1, 0, 0], [1, 1, 0], [0, 0, 1], [1, 0, 0], [0, 1, 0], [0, 0, 1]], dtype=float)
    np.testing.assert_array_equal(S, expected)


def test_full_kazakhstan_hierarchy_has_every_grouped_level():
    S, tags = grouped(20, 21)
    assert S.shape == (1260 + 420 + 60 + 63 + 20 + 21 + 3 + 1, 1260)
    counts = tags["level"].value_counts()
    assert counts.to_dict() == {"region/sector/skill": 1260, "region/sector": 420, "sector/skill": 63, "region/skill": 60,
                                "sector": 21, "region": 20, "skill": 3, "total": 1}
    sizes = {"total": 1260, "region": 63, "sector": 60, "skill": 420, "region/sector": 3, "region/skill": 21,
             "sector/skill": 20, "region/sector/skill": 1}
    np.testing.assert_array_equal(S.sum(axis=1), tags["level"].map(sizes).to_numpy())
    np.testing.assert_array_equal(S[-1260:], np.eye(1260))
    assert tags["unique_id"].iloc[0] == "KZ|TOTAL|TOTAL" and tags["unique_id"].is_unique


def test_summing_matrix_options_order_and_sparse_output():
    bottom = bottom_table(2, 2, ("a",))
    dense, tags = summing_matrix(bottom, [["sector", "region"], [], ["region", "sector", "skill"], []], totals={"region": "ALL", "skill": "*"})
    assert tags["level"].tolist() == ["region/sector"] * 4 + ["total"] + ["region/sector/skill"] * 4
    assert tags["unique_id"].iloc[4] == "ALL|TOTAL|*"
    compact, _ = summing_matrix(bottom, [["sector", "region"], []], totals={"region": "ALL", "skill": "*"}, sparse_output=True)
    assert sparse.issparse(compact)
    np.testing.assert_array_equal(compact.toarray(), dense)
    # Shuffling the bottom table permutes the columns only; aggregate rows keep their order.
    shuffled = bottom.iloc[[3, 0, 2, 1]].reset_index(drop=True)
    S2, tags2 = summing_matrix(shuffled, [[], ["region"]], totals=KZ)
    S1, tags1 = summing_matrix(bottom, [[], ["region"]], totals=KZ)
    assert tags2["unique_id"].iloc[:3].tolist() == tags1["unique_id"].iloc[:3].tolist()
    np.testing.assert_array_equal(S2[:3], S1[:3][:, [3, 0, 2, 1]])


@pytest.mark.parametrize(
    "bottom, levels, message",
    [
        (pd.DataFrame({"region": ["A", "A"], "sector": ["C", "C"]}), [[]], "duplicate bottom series"),
        (pd.DataFrame({"region": ["KZ", "A"], "sector": ["C", "C"]}), [[]], "total label"),
        (pd.DataFrame({"region": ["A|B"], "sector": ["C"]}), [[]], "separator"),
        (pd.DataFrame({"region": ["A", None], "sector": ["C", "D"]}), [[]], "missing value"),
        (pd.DataFrame({"region": ["A"], "sector": ["C"]}), [["skill"]], "not a key column"),
        (pd.DataFrame({"region": [], "sector": []}), [[]], "empty"),
    ],
)
def test_summing_matrix_rejects_bad_tables(bottom, levels, message):
    with pytest.raises(ValueError, match=message):
        summing_matrix(bottom, levels, totals=KZ)


# --------------------------------------------------------------------------------------------
# Known answers
# --------------------------------------------------------------------------------------------

TOY = np.array([[1.0, 1.0], [1.0, 0.0], [0.0, 1.0]])


def test_bottom_up_sums_the_bottom_forecasts():
    S, tags = grouped()
    base = np.random.default_rng(1).normal(50, 10, (S.shape[0], 3))
    out = Reconciler("bottom_up").fit(S).reconcile(base)
    np.testing.assert_allclose(out, S @ base[-S.shape[1]:], atol=1e-12)
    np.testing.assert_allclose(out, children_sums(base[-S.shape[1]:], tags), atol=1e-9)


def test_ols_on_one_level_toy_matches_the_hand_projection():
    rec = Reconciler("ols").fit(TOY)
    np.testing.assert_allclose(rec.G_, np.array([[1, 2, -1], [1, -1, 2]]) / 3, atol=1e-12)
    np.testing.assert_allclose(rec.P_, np.array([[2, 1, 1], [1, 2, -1], [1, -1, 2]]) / 3, atol=1e-12)
    # Total 10, parts 4 and 4: the 2 missing are shared, the total gives up a third.
    np.testing.assert_allclose(rec.reconcile([10.0, 4.0, 4.0]), [28 / 3, 14 / 3, 14 / 3], atol=1e-12)
    assert rec.method_used_ == "ols" and rec.fallback_reason_ is None


def test_wls_struct_weights_are_the_row_sums_of_S():
    S, _ = grouped(2, 3, ("a", "b"))
    rec = Reconciler("wls_struct").fit(S)
    np.testing.assert_array_equal(rec.weights_, S.sum(axis=1))
    w_inv = np.diag(1.0 / S.sum(axis=1))
    expected = np.linalg.solve(S.T @ w_inv @ S, S.T @ w_inv)
    np.testing.assert_allclose(rec.G_, expected, atol=1e-12)
    # On the toy hierarchy the total weighs half as much as each part.
    np.testing.assert_allclose(Reconciler("wls_struct").fit(TOY).reconcile([10.0, 4.0, 4.0]), [9.0, 4.5, 4.5], atol=1e-12)


def _schafer_strimmer_by_hand(E):
    """Loop-by-loop version of the estimator, second moments about zero."""
    T, n = E.shape
    sigma = E.T @ E / T
    sd = np.sqrt(np.diag(sigma))
    X = E / sd
    num = den = 0.0
    for i in range(n):
        for j in range(n):
            if i != j:
                w = X[:, i] * X[:, j]
                num += np.sum((w - w.mean()) ** 2) / (T * (T - 1))
                den += w.mean() ** 2
    lam = min(max(num / den, 0.0), 1.0)
    return lam * np.diag(np.diag(sigma)) + (1 - lam) * sigma, lam


def test_mint_shrink_matches_a_direct_computation():
    S, _ = grouped(2, 2, ("a", "b"))
    E = correlated_residuals(S, 12, seed=3)
    W, lam = _schafer_strimmer_by_hand(E)
    rec = Reconciler("mint_shrink").fit(S, E)
    assert rec.method_used_ == "mint_shrink" and rec.fallback_reason_ is None
    assert rec.shrinkage_ == pytest.approx(lam, rel=1e-10) and 0 < lam < 1
    w_inv = np.linalg.inv(W)
    np.testing.assert_allclose(rec.G_, np.linalg.solve(S.T @ w_inv @ S, S.T @ w_inv), atol=1e-9)
    corr, scale, shrink = shrunk_correlation(E)
    np.testing.assert_allclose(scale[:, None] * corr * scale[None, :], W, rtol=1e-10, atol=1e-12)
    assert shrink == pytest.approx(lam, rel=1e-10)


def test_mint_shrink_drops_empty_residual_rows_and_uses_partial_ones():
    S, _ = grouped(2, 2, ("a",))
    E = correlated_residuals(S, 10, seed=4)
    padded = np.vstack([np.full((2, S.shape[0]), np.nan), E])
    np.testing.assert_allclose(Reconciler().fit(S, padded).G_, Reconciler().fit(S, E).G_, atol=1e-12)
    ragged = E.copy()
    ragged[:3, -1] = np.nan
    rec = Reconciler().fit(S, ragged)
    assert rec.method_used_ == "mint_shrink"
    np.testing.assert_allclose(rec.G_ @ S, np.eye(S.shape[1]), atol=1e-10)


# --------------------------------------------------------------------------------------------
# Coherence and projection, every method
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("nonnegative", [False, True])
def test_every_aggregate_equals_the_sum_of_its_children(method, nonnegative):
    S, tags = grouped()
    rng = np.random.default_rng(7)
    base = rng.normal(5, 8, (S.shape[0], 4))
    rec = Reconciler(method, nonnegative=nonnegative).fit(S, correlated_residuals(S, 15))
    assert rec.method_used_ == method
    out = rec.reconcile(base)
    np.testing.assert_allclose(out, children_sums(out[-S.shape[1]:], tags), atol=1e-9)
    if nonnegative:
        assert out.min() >= 0.0


@pytest.mark.parametrize("method", METHODS)
def test_coherent_forecasts_come_back_unchanged(method):
    S, _ = grouped()
    coherent = S @ np.random.default_rng(2).gamma(2.0, 10.0, (S.shape[1], 3))
    for nonnegative in (False, True):
        rec = Reconciler(method, nonnegative=nonnegative).fit(S, correlated_residuals(S, 15))
        np.testing.assert_allclose(rec.reconcile(coherent), coherent, rtol=1e-10, atol=1e-9)
    np.testing.assert_allclose(rec.P_ @ rec.P_, rec.P_, atol=1e-10)
    np.testing.assert_allclose(rec.P_ @ S, S, atol=1e-10)


def test_one_dimensional_base_keeps_its_shape_and_sparse_S_gives_the_same_answer():
    S, _ = grouped(2, 2)
    base = np.arange(S.shape[0], dtype=float)
    dense = Reconciler("wls_struct").fit(S).reconcile(base)
    assert dense.shape == base.shape
    np.testing.assert_allclose(Reconciler("wls_struct").fit(sparse.csr_array(S)).reconcile(base), dense, atol=1e-12)


# --------------------------------------------------------------------------------------------
# Non-negativity
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("method", ["ols", "wls_struct", "mint_shrink"])
def test_nonnegative_solution_is_the_exact_constrained_least_squares(method):
    S, _ = grouped(2, 3, ("a", "b"))
    rng = np.random.default_rng(11)
    base = rng.normal(1.0, 4.0, (S.shape[0], 5))
    free = Reconciler(method).fit(S, correlated_residuals(S, 20))
    fixed = Reconciler(method, nonnegative=True).fit(S, correlated_residuals(S, 20))
    out = fixed.reconcile(base)
    bottom = out[-S.shape[1]:]
    assert bottom.min() >= 0.0 and (free.reconcile(base)[-S.shape[1]:] < 0).any()
    np.testing.assert_allclose(out, S @ bottom, atol=1e-12)
    # Same problem handed to Lawson-Hanson: min ||R (b - b0)|| with R' R = S' W^-1 S.
    upper = np.linalg.cholesky(fixed.quadratic_).T
    b0 = free.G_ @ base
    for col in range(base.shape[1]):
        expected = nnls(upper, upper @ b0[:, col])[0]
        np.testing.assert_allclose(bottom[:, col], expected, atol=1e-8)


def test_nonnegative_bottom_up_clips_bottom_forecasts():
    S, _ = grouped(2, 2)
    base = np.random.default_rng(5).normal(0, 3, (S.shape[0], 2))
    out = Reconciler("bottom_up", nonnegative=True).fit(S).reconcile(base)
    np.testing.assert_allclose(out, S @ np.maximum(base[-S.shape[1]:], 0.0), atol=1e-12)


# --------------------------------------------------------------------------------------------
# MinT fallbacks
# --------------------------------------------------------------------------------------------


def _fallback(S, residuals, **params):
    rec = Reconciler("mint_shrink", **params).fit(S, residuals)
    return rec.method_used_, rec.fallback_reason_ or ""


def test_mint_falls_back_without_residuals_or_with_too_few():
    S, _ = grouped(2, 2)
    used, why = _fallback(S, None)
    assert used == "wls_struct" and "no residuals" in why
    used, why = _fallback(S, correlated_residuals(S, 4))
    assert used == "wls_struct" and "too few residuals" in why
    sparse_errors = correlated_residuals(S, 10)
    sparse_errors[:7, 3] = np.nan
    used, why = _fallback(S, sparse_errors)
    assert used == "wls_struct" and "series 3 has 3 finite" in why
    rec = Reconciler("mint_shrink").fit(S, None)
    np.testing.assert_allclose(rec.G_, Reconciler("wls_struct").fit(S).G_, atol=1e-12)


def test_mint_falls_back_when_the_covariance_is_singular_or_ill_conditioned():
    S, _ = grouped(2, 2)
    n_total = S.shape[0]
    rng = np.random.default_rng(0)
    # Errors that are all one pattern up to sign: every correlation is +-1 without any
    # sampling variance, so no shrinkage and a rank-one covariance.
    rank_one = np.where(np.arange(8) % 3 == 0, 1.0, -1.0)[:, None] * rng.normal(1.0, 0.3, n_total)
    used, why = _fallback(S, rank_one)
    assert used == "wls_struct" and "singular" in why
    all_flat = np.zeros((10, n_total))
    used, why = _fallback(S, all_flat)
    assert used == "wls_struct" and "have zero residuals" in why
    used, why = _fallback(S, correlated_residuals(S, 10), min_rcond=0.99)
    assert used == "wls_struct" and "ill-conditioned" in why


def test_wls_struct_falls_back_to_ols_when_a_row_has_no_positive_weight():
    # A difference series (first minus second) sums to zero weight.
    S = np.array([[1.0, 1.0], [1.0, -1.0], [1.0, 0.0], [0.0, 1.0]])
    rec = Reconciler("mint_shrink").fit(S, None)
    assert rec.method_used_ == "ols"
    assert rec.fallback_reason_.startswith("mint_shrink: no residuals") and "wls_struct: row 1 of S sums to 0" in rec.fallback_reason_
    np.testing.assert_allclose(rec.G_, Reconciler("ols").fit(S).G_, atol=1e-12)


# --------------------------------------------------------------------------------------------
# Property test on random hierarchies
# --------------------------------------------------------------------------------------------


@settings(max_examples=30, deadline=None)
@given(
    n_regions=st.integers(1, 4),
    n_sectors=st.integers(1, 4),
    n_skills=st.integers(1, 3),
    level_mask=st.integers(0, 2**len(GROUPED) - 1),
    method=st.sampled_from(METHODS),
    nonnegative=st.booleans(),
    seed=st.integers(0, 2**16),
)
def test_random_hierarchies_reconcile_coherently(n_regions, n_sectors, n_skills, level_mask, method, nonnegative, seed):
    levels = [level for i, level in enumerate(GROUPED) if level_mask >> i & 1]
    S, tags = grouped(n_regions, n_sectors, tuple("abc"[:n_skills]), levels)
    rng = np.random.default_rng(seed)
    base = rng.normal(2.0, 10.0, (S.shape[0], 3))
    rec = Reconciler(method, nonnegative=nonnegative, min_obs=3).fit(S, correlated_residuals(S, 12, seed))
    out = rec.reconcile(base)
    bottom = out[-S.shape[1]:]
    np.testing.assert_allclose(out, children_sums(bottom, tags), atol=1e-9)
    np.testing.assert_allclose(rec.G_ @ S, np.eye(S.shape[1]), atol=1e-9)
    if nonnegative:
        assert bottom.min() >= 0.0
    else:
        np.testing.assert_allclose(out, rec.P_ @ base, atol=1e-9)


# --------------------------------------------------------------------------------------------
# Errors
# --------------------------------------------------------------------------------------------


def test_clear_errors_for_bad_shapes_and_values():
    S, _ = grouped(2, 2)
    rec = Reconciler("ols")
    with pytest.raises(RuntimeError, match="not fitted"):
        rec.reconcile(np.zeros(S.shape[0]))
    rec.fit(S)
    with pytest.raises(ValueError, match=f"base has {S.shape[0] - 1} rows but S has {S.shape[0]} series"):
        rec.reconcile(np.zeros((S.shape[0] - 1, 2)))
    with pytest.raises(ValueError, match="1-D or 2-D"):
        rec.reconcile(np.zeros((S.shape[0], 2, 2)))
    bad = np.zeros(S.shape[0])
    bad[4] = np.nan
    with pytest.raises(ValueError, match="non-finite value in row 4"):
        rec.reconcile(bad)
    with pytest.raises(ValueError, match=f"residuals have 3 columns but S has {S.shape[0]} series"):
        Reconciler().fit(S, np.zeros((10, 3)))
    with pytest.raises(ValueError, match="unit vector of bottom series 1"):
        Reconciler("ols").fit(np.array([[1.0, 1.0], [1.0, 0.0], [1.0, 1.0]]))
    with pytest.raises(ValueError, match="at least as many rows"):
        Reconciler("ols").fit(np.ones((1, 2)))
    with pytest.raises(ValueError, match="method must be one of 'mint_shrink', .* got 'mint'"):
        Reconciler("mint").fit(S)
    with pytest.raises(ValueError, match="min_obs"):
        Reconciler(min_obs=1).fit(S)
    with pytest.raises(ValueError, match="nonnegative must be .* got 'no'"):
        Reconciler(nonnegative="no").fit(S)


def test_reconciler_follows_the_estimator_conventions():
    from sklearn.base import clone

    rec = Reconciler("ols", nonnegative=True)
    assert rec.get_params() == {"method": "ols", "nonnegative": True, "min_obs": 5, "min_rcond": 1e-10}
    assert clone(rec).get_params() == rec.get_params()
    with pytest.raises(TypeError):
        Reconciler("ols", True)  # everything after the method is keyword-only


# --------------------------------------------------------------------------------------------
# Long frames
# --------------------------------------------------------------------------------------------


def long_frames(seed=0):
    S, tags = grouped(3, 3, ("a", "b"), [[], ["region"], ["sector"], ["region", "sector"]])
    rng = np.random.default_rng(seed)
    base = tags[["region", "sector", "skill"]].copy()
    base["yhat"] = rng.normal(20, 6, len(base))
    base["yhat_hi_80"] = base["yhat"] + rng.uniform(1, 5, len(base))
    errors = correlated_residuals(S, 12, seed)
    residuals = pd.DataFrame({
        "region": np.tile(tags["region"].to_numpy(), 12), "sector": np.tile(tags["sector"].to_numpy(), 12),
        "skill": np.tile(tags["skill"].to_numpy(), 12), "ds": np.repeat(np.arange(2010, 2022), len(tags)),
        "residual": errors.ravel(),
    })
    return S, tags, base, residuals


def test_reconcile_frame_returns_the_same_rows_coherent():
    S, tags, base, residuals = long_frames()
    shuffled = base.sample(frac=1.0, random_state=3)
    out = reconcile_frame(shuffled, ["region", "sector", "skill"], ["yhat", "yhat_hi_80"], residuals=residuals, totals=KZ)
    assert out.index.equals(shuffled.index) and list(out.columns) == list(base.columns)
    assert out.attrs["reconciliation"]["method_used"] == "mint_shrink"
    aligned = out.loc[base.index]
    for col in ("yhat", "yhat_hi_80"):
        values = aligned[col].to_numpy()
        np.testing.assert_allclose(values, children_sums(values[-S.shape[1]:], tags), atol=1e-9)
    direct = Reconciler().fit(S, residuals["residual"].to_numpy().reshape(12, -1)).reconcile(base[["yhat"]].to_numpy())
    np.testing.assert_allclose(aligned["yhat"].to_numpy(), direct[:, 0], atol=1e-9)


def test_reconcile_frame_with_listed_levels_nonnegative_and_fallback():
    _, _, base, _ = long_frames()
    base = base.assign(yhat=base["yhat"] - 22.0)
    out = reconcile_frame(base, ["region", "sector", "skill"], ["yhat"], levels=[["region"], [], ["sector"], ["region", "sector"]],
                          method="mint_shrink", nonnegative=True, totals=KZ)
    assert out.attrs["reconciliation"]["method_used"] == "wls_struct"
    assert "no residuals" in out.attrs["reconciliation"]["fallback_reason"]
    bottom = out[(out["skill"] != "TOTAL")]
    assert bottom["yhat"].min() >= 0.0
    assert out.loc[out["region"] == "KZ", "yhat"].iloc[0] == pytest.approx(bottom["yhat"].sum(), abs=1e-9)


def test_reconcile_frame_rejects_incomplete_or_foreign_series():
    _, _, base, residuals = long_frames()
    keys = ["region", "sector", "skill"]
    with pytest.raises(ValueError, match="lacks 1 series of the listed levels, e.g. 'KZ|TOTAL|TOTAL'"):
        reconcile_frame(base[base["region"] != "KZ"], keys, ["yhat"], levels=[[], ["region"], ["sector"], ["region", "sector"]], totals=KZ)
    with pytest.raises(ValueError, match="belongs to no listed level"):
        reconcile_frame(base, keys, ["yhat"], levels=[[], ["region"]], totals=KZ)
    with pytest.raises(ValueError, match="appears more than once"):
        reconcile_frame(pd.concat([base, base.iloc[:1]]), keys, ["yhat"], totals=KZ)
    with pytest.raises(ValueError, match="missing or non-finite value"):
        reconcile_frame(base.assign(yhat=np.where(base.index == 5, np.nan, base["yhat"])), keys, ["yhat"], totals=KZ)
    foreign = pd.concat([residuals, residuals.iloc[:1].assign(region="XX")])
    with pytest.raises(ValueError, match="'XX|"):
        reconcile_frame(base, keys, ["yhat"], residuals=foreign, totals=KZ)
    with pytest.raises(ValueError, match="no column 'yhat_lo_80'"):
        reconcile_frame(base, keys, ["yhat_lo_80"], totals=KZ)


def test_a_series_without_back_test_error_is_trusted_not_a_reason_to_fall_back():
    S, _ = grouped(2, 2)
    residuals = correlated_residuals(S, 10)
    residuals[:, -1] = 0.0  # a bottom series its base forecast always got right
    rec = Reconciler("mint_shrink").fit(S, residuals)
    assert rec.method_used_ == "mint_shrink" and rec.exact_series_.tolist() == [S.shape[0] - 1]
    base = np.arange(S.shape[0], dtype=float) + 1.0
    reconciled = rec.reconcile(base)
    assert abs(reconciled[-1] - base[-1]) < 1e-3 * (1 + abs(base[-1]))
    np.testing.assert_allclose(S @ reconciled[-S.shape[1]:], reconciled, atol=1e-9)
