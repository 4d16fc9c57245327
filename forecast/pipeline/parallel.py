"""Where the parallel steps run: this machine (joblib) or a Dask cluster.

Every parallel step of the models goes through joblib with ``n_jobs`` and a ``backend``. With the
``distributed`` extra installed, :func:`parallel_backend` connects to a Dask scheduler and routes
those steps to its workers, so the same run executes on a cluster::

    from forecast import load_sample, run_quota
    run_quota(load_sample(), 2027, out="quota-2027", scheduler="tcp://scheduler:8786")

or ``labor-forecast quota --year 2027 --scheduler tcp://scheduler:8786``. Results are identical
to a local run: the work is split the same way and the pieces are put back in order.
"""

from __future__ import annotations

import contextlib
from typing import Iterator

import joblib

from forecast.inputs.errors import InputError, option

BACKEND_NAME = "labor-forecast-dask"


def _backend_class(client):
    from joblib._dask import DaskDistributedBackend

    class ClusterBackend(DaskDistributedBackend):
        """joblib's Dask backend bound to one client.

        joblib 1.6 hands ``nesting_level`` and ``inner_max_num_threads`` to every backend it
        creates; its Dask backend would pass them on to each task as keyword arguments, which
        the tasks refuse. They are kept here instead.
        """

        def __init__(self, nesting_level=None, inner_max_num_threads=None, **kwargs):
            super().__init__(client=client, **kwargs)
            self.nesting_level = nesting_level

    return ClusterBackend


@contextlib.contextmanager
def parallel_backend(scheduler: str | None = None, n_jobs: int = 1,
                     timeout: str = "10s") -> Iterator[tuple[str | None, int]]:
    """Yield the ``(backend, n_jobs)`` the models should use.

    Parameters
    ----------
    scheduler : str, optional
        Address of a Dask scheduler (``tcp://host:8786``); None runs on this machine.
    n_jobs : int
        joblib workers on this machine (on a cluster every worker is used).
    timeout : str
        How long to wait for the scheduler, e.g. ``"10s"``.

    Raises
    ------
    InputError
        If ``distributed`` is not installed or the scheduler cannot be reached.
    """
    if scheduler is None:
        yield None, n_jobs
        return
    try:
        from distributed import Client
    except ImportError:
        raise InputError(f"{option('scheduler')} needs the 'distributed' extra: pip install "
                         "'labor-demand-forecast[distributed]'") from None
    _check_address(scheduler)
    try:
        client = Client(scheduler, timeout=timeout, set_as_default=False)
    except (OSError, TimeoutError, ValueError) as exc:
        raise InputError(f"cannot reach the Dask scheduler at {scheduler}: {exc}") from None
    try:
        joblib.register_parallel_backend(BACKEND_NAME, _backend_class(client))
        yield BACKEND_NAME, -1
    finally:
        client.close()


def _check_address(scheduler: str) -> None:
    """Refuse a scheduler address that cannot be one before a client is made (a client that
    fails half-built prints a traceback when it is collected)."""
    from distributed.comm import parse_address
    from distributed.comm.addressing import parse_host_port

    try:
        scheme, location = parse_address(scheduler)
        if scheme in ("tcp", "tls"):
            parse_host_port(location)
    except ValueError as exc:
        raise InputError(f"cannot reach the Dask scheduler at {scheduler}: {exc}; expected an "
                         "address such as tcp://scheduler:8786") from None
