"""The demand model the benchmark chooses: best on the most measures, ties by distribution."""

from benchmarks.quota.demand_models import choose


def _row(name, allocation, distribution, rank):
    return {"demand_model": name, "allocation_error": allocation,
            "mean_distribution_error": distribution, "mean_rank_correlation": rank}


def test_the_model_best_on_two_measures_of_three_is_chosen():
    rows = [_row("univariate", 0.983, 0.565, 0.440), _row("panel", 0.963, 0.583, 0.402),
            _row("combined", 0.967, 0.549, 0.449)]
    assert choose(rows) == "combined"


def test_one_win_each_goes_to_the_lower_distribution_error():
    rows = [_row("a", 0.90, 0.60, 0.40), _row("b", 0.95, 0.55, 0.30), _row("c", 0.99, 0.58, 0.50)]
    assert choose(rows) == "b"
