"""Shared fixtures: the embedded sample loaded once per test session.

The main-job runs below are made once per session, however many pytest-xdist workers run the
tests: the first worker that needs one makes it in the session's shared folder under a file lock
and records it; the others read that record (:func:`_once_per_session`).

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

import pickle  # noqa: E402

import pytest  # noqa: E402
from filelock import FileLock  # noqa: E402
from hypothesis import settings  # noqa: E402

# Property-based tests draw the same examples on every run, so the suite passes or fails the
# same way on every machine; HYPOTHESIS_PROFILE=explore draws new examples to hunt for bugs.
settings.register_profile("repeatable", derandomize=True)
settings.register_profile("explore", derandomize=False)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "repeatable"))


def _once_per_session(tmp_path_factory, name: str, make):
    """``make(folder)`` run once per test session across xdist workers, its result shared."""
    if os.environ.get("PYTEST_XDIST_WORKER") is None:
        return make(tmp_path_factory.mktemp(name))
    shared = tmp_path_factory.getbasetemp().parent / "shared"
    shared.mkdir(exist_ok=True)
    record = shared / f"{name}.pickle"
    with FileLock(str(shared / f"{name}.lock")):
        if record.exists():
            return pickle.loads(record.read_bytes())
        folder = shared / name
        folder.mkdir()
        value = make(folder)
        record.write_bytes(pickle.dumps(value))
        return value


@pytest.fixture(scope="session")
def sample():
    from forecast import load_sample

    return load_sample()


@pytest.fixture(scope="session")
def sample_forecast(sample):
    from forecast import forecast_shortage

    return forecast_shortage(sample, 2026)


@pytest.fixture(scope="session")
def sample_quota_run(tmp_path_factory):
    """The main job on the embedded sample, run once per session: ``quota --year 2027``.

    Tests read its folder and never write into it; a test that replaces a run's files copies
    the folder first.
    """
    from forecast import cli

    def make(folder):
        out = folder / "quota-2027"
        assert cli.main(["quota", "--year", "2027", "--out", str(out), "--quiet"]) == 0
        return out

    return _once_per_session(tmp_path_factory, "sample-run", make)


@pytest.fixture(scope="session")
def sample_quota_ru(sample, tmp_path_factory):
    """The main job in Russian, once per session: ``(data, QuotaRun, output folder)``."""
    from forecast import run_quota

    def make(folder):
        return run_quota(sample, 2027, out=folder / "quota", lang="ru"), folder / "quota"

    return (sample, *_once_per_session(tmp_path_factory, "sample-run-ru", make))


@pytest.fixture(scope="session")
def sample_quota_kk(sample, tmp_path_factory):
    """The main job in Kazakh, once per session: ``(data, QuotaRun, output folder)``."""
    from forecast import run_quota

    def make(folder):
        return run_quota(sample, 2027, out=folder / "quota", lang="kk"), folder / "quota"

    return (sample, *_once_per_session(tmp_path_factory, "sample-run-kk", make))


@pytest.fixture(scope="session")
def real_data_dir(tmp_path_factory):
    """``labor-forecast real-data`` written once per session: ``(folder, real-data.json info)``.

    Tests read it; one that writes copies it first.
    """
    from forecast.inputs.real.assemble import write_real_directory

    def make(folder):
        return folder / "kz", write_real_directory(folder / "kz")

    return _once_per_session(tmp_path_factory, "real-data", make)
