"""Errors a user can cause, with everything needed to find and fix the bad input.

A message that tells the user which option to change names it as the caller writes it:
``--force`` to someone at the command line, ``force=True`` to a Python caller
(:func:`option`; the command line declares itself with :func:`command_line_options`).
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from contextvars import ContextVar
from dataclasses import dataclass

# Keyword arguments whose command-line option is not simply the name with dashes.
COMMAND_LINE_FLAGS = {"backtest_years": "--backtest"}
_COMMAND_LINE: ContextVar[bool] = ContextVar("command_line", default=False)


@contextlib.contextmanager
def command_line_options() -> Iterator[None]:
    """Within the block, :func:`option` names options as the ``labor-forecast`` command does."""
    token = _COMMAND_LINE.set(True)
    try:
        yield
    finally:
        _COMMAND_LINE.reset(token)


def option(name: str, value: object = None) -> str:
    """The option ``name`` (a keyword argument of the Python API) as the caller writes it.

    >>> option("force", True), option("out"), option("backtest_years", 3)
    ('force=True', 'out=...', 'backtest_years=3')
    >>> with command_line_options():
    ...     option("force", True), option("out"), option("backtest_years", 3)
    ('--force', '--out', '--backtest 3')
    """
    if _COMMAND_LINE.get():
        flag = COMMAND_LINE_FLAGS.get(name, "--" + name.replace("_", "-"))
        return flag if value is None or value is True else f"{flag} {value}"
    return f"{name}=..." if value is None else f"{name}={value!r}"


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the input: where it is, what was found and what was expected."""

    file: str
    expected: str
    column: str | None = None
    row: int | None = None
    value: object = None
    more_rows: int = 0

    def __str__(self) -> str:
        where = [self.file]
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.column is not None:
            where.append(f"column {self.column!r}")
        text = ", ".join(where)
        if self.value is not None:
            text += f": value {self.value!r}"
        text += f": {self.expected}"
        if self.more_rows:
            text += f" (and {self.more_rows} more row{'s' if self.more_rows > 1 else ''} like this)"
        return text


class InputError(ValueError):
    """Bad input or bad usage: the command line exits with status 2 and prints the message."""


class DataValidationError(InputError):
    """A data directory that breaks the contract; ``problems`` lists every violation found."""

    def __init__(self, problems: list[Problem]):
        self.problems = list(problems)
        count = len(self.problems)
        lines = [f"the data were refused: {count} problem{'s' if count != 1 else ''} found"]
        lines += [f"  {i}. {p}" for i, p in enumerate(self.problems, 1)]
        super().__init__("\n".join(lines))
