"""Shared fixtures: the embedded sample loaded once per test session."""

from __future__ import annotations

import pytest
from threadpoolctl import threadpool_limits

# OpenMP worker threads spin while they wait; on a shared 2-core machine two of them fighting
# another busy process slow gradient boosting down by orders of magnitude. Tests need no threads.
threadpool_limits(1, user_api="openmp")


@pytest.fixture(scope="session")
def sample():
    from forecast import load_sample

    return load_sample()


@pytest.fixture(scope="session")
def sample_forecast(sample):
    from forecast import forecast_shortage

    return forecast_shortage(sample, 2026)
