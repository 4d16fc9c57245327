"""The hindsight oracles of the KZ accuracy bound, on hand-computed errors."""

import numpy as np
import pandas as pd

from benchmarks.models.accuracy_kz_bound import oracle, subset_errors


def test_oracle_takes_each_groups_best_row_and_averages_over_all_points():
    # Two candidates, three points: series a (points 0, 1) is best with row 1 (0.5 + 0.5 against
    # 1 + 2), series b (point 2) with row 0 (1 against 4).
    errors = np.array([[1.0, 2.0, 1.0], [0.5, 0.5, 4.0]])
    mase, best = oracle(errors, np.array(["a", "a", "b"]))
    assert mase == (0.5 + 0.5 + 1.0) / 3
    assert best.tolist() == [1, 0]
    # One group: the row with the lowest total (1 + 2 + 1 = 4 against 5).
    assert oracle(errors, np.zeros(3, dtype=int))[0] == 4 / 3


def test_subsets_are_every_equal_weight_mean_of_the_candidates():
    scored = pd.DataFrame({"y": [10.0, 20.0], "scale": [1.0, 2.0], "a": [8.0, 20.0], "b": [12.0, 16.0]})
    subsets, errors = subset_errors(scored, ("a", "b"))
    assert subsets == [("a",), ("b",), ("a", "b")]
    np.testing.assert_allclose(errors, [[2.0, 0.0], [2.0, 2.0], [0.0, 1.0]])
