"""``report.html`` written by a second Python process while this one writes ``quota.xlsx``.

Both deliverables are made from one :class:`~forecast.deliverables.content.PlannerContent` and
each takes seconds of pure Python (charts for the report, cells for the workbook), so on a
machine with two cores or more the main job hands the report to a helper process. The helper is
started when the run starts, so that importing the report's libraries overlaps the forecast, and
it receives the content through its standard input once the content is ready.

The helper is a plain ``python -c`` running :func:`main`, not a multiprocessing child: nothing
of the caller's ``__main__`` is imported again, so a script that calls
:func:`~forecast.pipeline.run_quota` without an ``if __name__ == "__main__"`` guard still works.
The files are the same either way: where the helper cannot be started, dies, or the content
cannot be sent, the report is written in this process instead; an error the report itself
raises is raised here.
"""

from __future__ import annotations

import contextlib
import json
import pickle
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Iterator

import joblib


HELPER_CODE = ("import json, sys; sys.path[:] = json.loads(sys.argv[1]); "
               "from forecast.pipeline.report_process import main; sys.exit(main())")


def write_report(path: Path, content) -> None:
    """:func:`forecast.deliverables.report.write_report`, imported on first use: the report's
    charts load matplotlib, which a run whose helper writes the report never needs here."""
    from forecast.deliverables.report import write_report as write

    write(path, content)


def available_cores() -> int:
    """Cores this process may run on (joblib's count: CPU affinity and container quotas)."""
    return joblib.cpu_count()


class ReportProcess:
    """A helper process that writes one report.

    Start it with :func:`report_process`; call :meth:`submit` once the content is ready and
    :meth:`wait` when the report must be on disk.
    """

    def __init__(self) -> None:
        self._output = tempfile.TemporaryFile()
        self._errors = tempfile.TemporaryFile()
        # The helper imports from the same places as this process (as multiprocessing's spawn
        # does), so it runs the same code whether the package is installed or on a path.
        try:
            self._process = subprocess.Popen(
                [sys.executable, "-c", HELPER_CODE, json.dumps(sys.path)],
                stdin=subprocess.PIPE, stdout=self._output, stderr=self._errors)
        except BaseException:
            self._output.close()
            self._errors.close()
            raise
        self._path: Path | None = None
        self._content = None

    @property
    def process(self) -> subprocess.Popen:
        """The helper's process."""
        return self._process

    def submit(self, path: Path, content) -> None:
        """Send ``content`` to the helper to be written to ``path``."""
        self._path, self._content = Path(path), content
        try:
            self._process.stdin.write(pickle.dumps((str(path), content), protocol=5))
            self._process.stdin.close()
        except (OSError, pickle.PicklingError, TypeError, AttributeError):
            self._stop()

    def wait(self) -> None:
        """Return when the report is written; raise what writing it raised."""
        if self._path is None:
            raise RuntimeError("wait() called before submit()")
        code = self._process.wait()
        self._output.seek(0)
        result = self._output.read()
        if code == 0 and self._path.exists():
            self._relay_warnings()
            return
        if code == 1 and result:
            self._relay_warnings()
            raise pickle.loads(result)
        # The helper did not finish (it could not start, was killed, or the content did not
        # reach it): the report is written here, so the run gives the same files.
        write_report(self._path, self._content)

    def close(self) -> None:
        """Stop the helper if it still runs and release its files."""
        if self._process.poll() is None:
            self._stop()
            self._process.wait()
        self._output.close()
        self._errors.close()

    def _stop(self) -> None:
        with contextlib.suppress(OSError):
            self._process.stdin.close()
        if self._process.poll() is None:
            self._process.kill()

    def _relay_warnings(self) -> None:
        self._errors.seek(0)
        text = self._errors.read().decode("utf-8", errors="replace")
        if text:
            sys.stderr.write(text)


@contextlib.contextmanager
def report_process(enabled: bool = True) -> Iterator[ReportProcess | None]:
    """Yield a started :class:`ReportProcess`, or None where the report is better written here
    (``enabled`` false, one core, or the helper cannot be started)."""
    helper = None
    if enabled and available_cores() >= 2:
        with contextlib.suppress(OSError):
            helper = ReportProcess()
    try:
        yield helper
    finally:
        if helper is not None:
            helper.close()


def main() -> int:
    """The helper: read ``(path, content)`` from standard input and write the report."""
    # The report's libraries load first, while the caller is still forecasting.
    import forecast.deliverables.report  # noqa: F401

    try:
        path, content = pickle.load(sys.stdin.buffer)
    except EOFError:  # the run ended before its report: nothing to write
        return 0
    try:
        write_report(Path(path), content)
    except BaseException as exc:  # noqa: BLE001 - handed back to the caller whole
        with contextlib.suppress(Exception):
            pickle.dump(exc, sys.stdout.buffer)
        return 1
    return 0

