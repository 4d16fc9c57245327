"""Stage progress of a long run, on stderr: a bar on a terminal, one timed line per stage in a log.

The command line creates a :class:`Progress` and passes it to :func:`~forecast.pipeline.run_quota`,
:func:`~forecast.pipeline.run_forecast` or :func:`~forecast.pipeline.run_backtest` as
``progress=``; the jobs mark their stages with :meth:`Progress.stage`. Library calls pass nothing
and stay silent. Progress never enters an output file or ``run.json``.

>>> import io
>>> log = io.StringIO()
>>> progress = Progress(stream=log, clock=iter([0.0, 0.0, 1.5]).__next__)
>>> with progress.stage("forecast: shortage by region x sector x skill"):
...     pass
>>> progress.advance("workbook")
>>> print(log.getvalue(), end="")
[  0.0 s] forecast: shortage by region x sector x skill
[  1.5 s] workbook
"""

from __future__ import annotations

import contextlib
import sys
import time
from collections.abc import Callable, Iterator
from typing import TextIO

__all__ = ["Progress", "ProgressLike", "as_progress"]


class Progress:
    """Reports the stages of one run on ``stream`` (default: ``sys.stderr`` at creation).

    Parameters
    ----------
    stream : text stream, optional
        Where progress goes; never stdout, so the summary a command prints stays clean.
    quiet : bool
        Print nothing (``--quiet``).
    total : int, optional
        Number of stages expected, for the bar's length on a terminal.
    bar : bool, optional
        A tqdm bar instead of lines; by default when ``stream`` is a terminal.
    clock : callable
        Seconds since an arbitrary start (tests pass a fake one).
    on_step : callable, optional
        Also called with each stage's name when it is done (``--verbose`` prints it).
    started : float, optional
        ``clock()`` at the start of the run (default: now), e.g. when the command started.
    translate : callable, optional
        How a stage's name is shown (the command line's gives it in the reader's language);
        ``stages`` and ``on_step`` keep the names the jobs gave.

    A stage's line is printed when it starts, with the seconds since the run began::

        [  3.2 s] forecast: shortage by region x sector x skill

    The object is also a plain callable (``progress(name)`` is :meth:`advance`), the form the
    deliverables take for their own steps.
    """

    def __init__(self, stream: TextIO | None = None, *, quiet: bool = False,
                 total: int | None = None, bar: bool | None = None,
                 clock: Callable[[], float] = time.perf_counter,
                 on_step: Callable[[str], None] | None = None, started: float | None = None,
                 translate: Callable[[str], str] | None = None, seconds: str = "s"):
        self.stream = stream if stream is not None else sys.stderr
        self.quiet = quiet
        self.clock = clock
        self.on_step = on_step
        self.started = clock() if started is None else started
        self.translate = translate
        self.seconds = seconds
        self.stages: list[str] = []
        if bar is None:
            bar = hasattr(self.stream, "isatty") and self.stream.isatty()
        self._bar = None
        if bar and not quiet:
            from tqdm import tqdm

            self._bar = tqdm(total=total, file=self.stream, leave=False, mininterval=0,
                             bar_format="{desc:<60.60} {bar} {n_fmt}/{total_fmt} {elapsed}")

    def elapsed(self) -> float:
        """Seconds since the progress was created."""
        return self.clock() - self.started

    def _show(self, name: str) -> None:
        self.stages.append(name)
        if self.quiet:
            return
        shown = name if self.translate is None else self.translate(name)
        if self._bar is not None:
            self._bar.set_description_str(shown)
        else:
            print(f"[{self.elapsed():5.1f} {self.seconds}] {shown}", file=self.stream, flush=True)

    def _done(self, name: str) -> None:
        if self._bar is not None:
            self._bar.update(1)
        if self.on_step is not None:
            self.on_step(name)

    @contextlib.contextmanager
    def stage(self, name: str) -> Iterator[None]:
        """Mark the work inside the ``with`` block as the stage ``name``."""
        self._show(name)
        yield
        self._done(name)

    def advance(self, label: str) -> None:
        """Report a step that has just been done (one the job does not wrap in a stage)."""
        self._show(label)
        self._done(label)

    __call__ = advance

    def close(self) -> None:
        """Remove the bar from the terminal; later stages print nothing."""
        if self._bar is not None:
            self._bar.close()
            self._bar = None
        self.quiet = True

    def __enter__(self) -> Progress:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


class _Callback(Progress):
    """A plain ``progress(name)`` callable as a :class:`Progress`: called when a step is done."""

    def __init__(self, callback: Callable[[str], None]):
        super().__init__(quiet=True, bar=False, on_step=callback)


# What a job's ``progress=`` accepts.
ProgressLike = Progress | Callable[[str], None] | None


def as_progress(progress: ProgressLike) -> Progress:
    """``progress=`` as the jobs receive it, as a :class:`Progress`: ``None`` is a silent one, a
    plain callable is called with the name of each stage and step as it is done."""
    if isinstance(progress, Progress):
        return progress
    if progress is None:
        return Progress(quiet=True, bar=False)
    return _Callback(progress)
