"""Declarative constraints on estimator parameters, in the style of scikit-learn.

Each model lists, in a class attribute ``_parameter_constraints``, the constraints one of
which every parameter must meet: ``None``, a type (``str``, :class:`numbers.Integral`,
:class:`numbers.Real`, ...), an :class:`Interval`, :class:`Options` or :class:`InstanceOf`.
:func:`models._validation.validate_params` checks them when the model is fitted.
"""

from __future__ import annotations

from numbers import Integral, Real

import numpy as np


class InvalidParameterError(ValueError, TypeError):
    """A model parameter that breaks its declared constraints (a wrong type or value)."""


TYPE_NAMES = {
    str: "a string",
    Integral: "an integer",
    Real: "a number",
    bool: "True or False",
    list: "a list",
    tuple: "a tuple",
    np.ndarray: "an array",
}


class InstanceOf:
    """An instance of one of ``types``; booleans count as numbers only if ``bool`` is listed.

    Parameters
    ----------
    *types : type
        Accepted types, e.g. ``str`` or :class:`numbers.Integral`.
    description : str, optional
        Words for messages instead of e.g. ``"a string"``.
    """

    def __init__(self, *types: type, description: str | None = None):
        self.types = types
        self.description = description

    def accepts(self, value: object) -> bool:
        """Whether ``value`` meets the constraint."""
        if isinstance(value, (bool, np.bool_)) and bool not in self.types:
            return False
        return isinstance(value, self.types)

    def __str__(self) -> str:
        if self.description is not None:
            return self.description
        return " or ".join(TYPE_NAMES.get(t, f"a {t.__name__}") for t in self.types)


class Interval(InstanceOf):
    """A number of ``kind`` (``Integral`` or ``Real``) between ``left`` and ``right``.

    Parameters
    ----------
    kind : type
        ``numbers.Integral`` or ``numbers.Real``.
    left, right : float or None
        Bounds; None for no bound.
    closed : {"left", "right", "both", "neither"}, default "left"
        Which bounds belong to the interval.
    description : str, optional
        Words for messages instead of e.g. ``"an integer >= 1"``.
    """

    def __init__(self, kind: type, left: float | None, right: float | None, *, closed: str = "left", description: str | None = None):
        super().__init__(kind, description=description)
        self.left, self.right, self.closed = left, right, closed

    def accepts(self, value: object) -> bool:
        """Whether ``value`` is a number of the kind inside the bounds (NaN never is)."""
        if not super().accepts(value):
            return False
        left_closed, right_closed = self.closed in ("left", "both"), self.closed in ("right", "both")
        above = self.left is None or (value >= self.left if left_closed else value > self.left)
        below = self.right is None or (value <= self.right if right_closed else value < self.right)
        return bool(above and below)

    def __str__(self) -> str:
        if self.description is not None:
            return self.description
        bounds = []
        if self.left is not None:
            bounds.append(f"{'>=' if self.closed in ('left', 'both') else '>'} {self.left:g}")
        if self.right is not None:
            bounds.append(f"{'<=' if self.closed in ('right', 'both') else '<'} {self.right:g}")
        return " ".join([TYPE_NAMES[self.types[0]], " and ".join(bounds)]).strip()


class Options:
    """One of a fixed set of values.

    Parameters
    ----------
    *values : object
        The accepted values, e.g. ``"combine", "series", "global"``.
    """

    def __init__(self, *values: object):
        self.values = values

    def accepts(self, value: object) -> bool:
        """Whether ``value`` is one of the values."""
        try:
            return bool(value in self.values)
        except (TypeError, ValueError):  # arrays and other values without a plain ==
            return False

    def __str__(self) -> str:
        return "one of " + ", ".join(map(repr, self.values))


def as_constraint(item: object):
    """The constraint object for ``None``, a type or a constraint."""
    if item is None:
        return Options(None)
    if isinstance(item, type):
        return InstanceOf(item)
    if not hasattr(item, "accepts"):
        raise TypeError(f"not a parameter constraint: {item!r}")
    return item


def describe(items) -> str:
    """``"None or an integer >= 1"`` for a list of constraints."""
    words = ["None" if item is None else str(as_constraint(item)) for item in items]
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " or " + words[-1]


def is_whole_number(value: object) -> bool:
    """Whether ``value`` is an integer or a float with no fraction (not a bool, not text)."""
    if isinstance(value, (bool, np.bool_)):
        return False
    return isinstance(value, Integral) or (isinstance(value, Real) and float(value).is_integer())
