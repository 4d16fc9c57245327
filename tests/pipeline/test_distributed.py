"""The same run on a Dask cluster gives the same results as on this machine."""

from __future__ import annotations

import pandas as pd
import pytest

from forecast import InputError, forecast_shortage
from forecast.pipeline.parallel import parallel_backend

distributed = pytest.importorskip("distributed")


@pytest.fixture(scope="module")
def cluster():
    # Worker threads in this process keep start-up short; the scheduler path is the real one.
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=False,
                                  dashboard_address=None) as local:
        yield local.scheduler_address


def test_shortage_forecast_is_identical_on_the_cluster(sample, sample_forecast, cluster):
    with parallel_backend(cluster) as (backend, n_jobs):
        assert n_jobs == -1
        remote = forecast_shortage(sample, 2026, n_jobs=n_jobs, backend=backend)
    pd.testing.assert_frame_equal(remote.table, sample_forecast.table)
    assert remote.models == sample_forecast.models


def test_unreachable_scheduler_is_a_clear_error():
    with pytest.raises(InputError, match="cannot reach the Dask scheduler"):
        with parallel_backend("tcp://127.0.0.1:9", timeout="1s"):
            pass


def test_main_job_on_the_cluster_writes_the_same_quota(sample_quota_run, cluster, tmp_path):
    from forecast import cli

    # The local run is the session's sample run of the same command.
    assert cli.main(["quota", "--year", "2027", "--out", str(tmp_path / "remote"), "--quiet",
                     "--scheduler", cluster]) == 0
    for name in ("quota.csv", "quota.xlsx"):
        assert (sample_quota_run / name).read_bytes() == (tmp_path / "remote" / name).read_bytes()
    import json

    run = json.loads((tmp_path / "remote" / "run.json").read_text())
    assert run["parallel"]["scheduler"] == cluster


def test_a_malformed_scheduler_address_is_refused_before_a_client_is_made(capfd):
    with pytest.raises(InputError, match="garbage: missing port number.*tcp://scheduler:8786"):
        with parallel_backend("garbage", timeout="1s"):
            pass
    import gc

    gc.collect()
    assert "Traceback" not in capfd.readouterr().err
