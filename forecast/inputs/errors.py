"""Errors a user can cause, with everything needed to find and fix the bad input."""

from __future__ import annotations

from dataclasses import dataclass


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
