"""Shared fixtures: the embedded sample loaded once per test session.

Thread limits are set here, before any numeric library is imported: OpenMP and BLAS read them
when they load. OpenMP worker threads spin while they wait, and on a shared 2-core machine two
of them fighting another busy process slowed gradient boosting down by orders of magnitude; the
tests need no threads. Subprocesses the tests start inherit the same limits.
"""

from __future__ import annotations

import os

for _variable in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS",
                  "VECLIB_MAXIMUM_THREADS", "NUMEXPR_NUM_THREADS"):
    os.environ[_variable] = "1"

import pytest  # noqa: E402
from hypothesis import settings  # noqa: E402

# Property-based tests draw the same examples on every run, so the suite passes or fails the
# same way on every machine; HYPOTHESIS_PROFILE=explore draws new examples to hunt for bugs.
settings.register_profile("repeatable", derandomize=True)
settings.register_profile("explore", derandomize=False)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "repeatable"))


@pytest.fixture(scope="session")
def sample():
    from forecast import load_sample

    return load_sample()


@pytest.fixture(scope="session")
def sample_forecast(sample):
    from forecast import forecast_shortage

    return forecast_shortage(sample, 2026)
