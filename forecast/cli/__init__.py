"""The ``labor-forecast`` command line.

It only parses arguments, calls the orchestration layer (:mod:`forecast.pipeline`) and hands
the result to the terminal renderer (:mod:`forecast.deliverables.console`).

Exit status: 0 done, 2 bad input or bad usage (a message on stderr, no traceback), 1 an internal
error. Colour goes to a terminal only (``NO_COLOR`` turns colour off). Stage progress goes to
stderr (:mod:`forecast.pipeline.progress`): a bar on a terminal, one line per stage with the
seconds elapsed otherwise, so stdout holds only the summary. ``--quiet`` prints nothing but
errors; ``--verbose`` adds each step's time, the models chosen and the warnings.
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys
import warnings

from forecast.inputs.errors import DataValidationError, InputError, command_line_options
from forecast.cli.commands import HANDLERS
from forecast.cli.parser import EXAMPLES, SCENARIO_NAMES, build_parser

__all__ = ["EXAMPLES", "HANDLERS", "SCENARIO_NAMES", "build_parser", "main"]

class Terminated(KeyboardInterrupt):
    """Raised by the SIGTERM handler of :func:`main`: stopped like Ctrl-C, exit 143."""


def _terminate(signum, frame) -> None:
    raise Terminated()


@contextlib.contextmanager
def _sigterm_as_interrupt():
    """Turn SIGTERM into :class:`Terminated` while ``main`` runs (main thread only)."""
    try:
        previous = signal.signal(signal.SIGTERM, _terminate)
    except (ValueError, OSError):  # not the main thread: leave signals alone
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


# The messages of numpy's floating-point RuntimeWarnings.
NUMPY_WARNINGS = r"(invalid value|divide by zero|overflow|underflow) encountered"


def main(argv: list[str] | None = None) -> int:
    """Entry point of ``labor-forecast``; returns the exit status."""
    args = build_parser().parse_args(argv)
    try:
        with _sigterm_as_interrupt(), warnings.catch_warnings(), command_line_options():
            # numpy's floating-point warnings (overflow, division by zero, invalid values) are
            # not for the user: bad inputs are refused with a message, and the policy's numbers
            # are bounded (forecast.quota.policy).
            warnings.filterwarnings("ignore", category=RuntimeWarning, message=NUMPY_WARNINGS)
            return HANDLERS[args.command](args)
    except DataValidationError as exc:
        print(f"labor-forecast {args.command}: {exc}", file=sys.stderr)
        return 2
    except InputError as exc:
        print(f"labor-forecast {args.command}: error: {exc}", file=sys.stderr)
        return 2
    except BrokenPipeError:
        # The reader of the output went away (``labor-forecast quota ... | head``). Output
        # folders are staged, so they are in place whole or not at all; no one is left to tell.
        _detach_stdout()
        return 141  # as a shell reports a process ended by SIGPIPE
    except KeyboardInterrupt as exc:
        if isinstance(exc, Terminated):
            print("labor-forecast: terminated; no output was written", file=sys.stderr)
            return 143
        print("labor-forecast: interrupted; no output was written", file=sys.stderr)
        return 130
    except Exception as exc:  # an internal error: say so plainly, without a traceback
        print(f"labor-forecast {args.command}: internal error: {type(exc).__name__}: {exc}\n"
              "Please report it with the command you ran.", file=sys.stderr)
        return 1


def _detach_stdout() -> None:
    """Point stdout at the null device, so that the interpreter's last flush of a closed pipe
    does not fail again at exit."""
    with contextlib.suppress(OSError, ValueError, AttributeError):
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
