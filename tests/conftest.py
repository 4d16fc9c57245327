"""Shared fixtures: the embedded sample loaded once per test session."""

from __future__ import annotations

import os

import pytest
from hypothesis import settings
from threadpoolctl import threadpool_limits

# Property-based tests draw the same examples on every run, so the suite passes or fails the
# same way on every machine; HYPOTHESIS_PROFILE=explore draws new examples to hunt for bugs.
settings.register_profile("repeatable", derandomize=True)
settings.register_profile("explore", derandomize=False)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "repeatable"))

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
