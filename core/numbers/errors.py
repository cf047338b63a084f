"""The exceptions flopcast raises.

Hierarchy::

    FlopcastError
    ├── InvalidInputError(ValueError)      a value is malformed, out of range or inconsistent
    │   └── MissingArgumentError(TypeError)  a required argument was not given
    ├── NonFiniteResultError(ArithmeticError)  a figure came out NaN or infinite
    ├── UnknownHardwareError(LookupError)  a hardware id or alias is not in the catalog
    └── UnknownModelError(LookupError)     a model preset id or alias is not in the catalog

Every message names the argument, says what was wrong and what is accepted, so a
front end can show it as is (one line) and a user can fix the input.
"""

from __future__ import annotations

import difflib
import math
import reprlib
from collections.abc import Iterable

__all__ = [
    "FlopcastError",
    "InvalidInputError",
    "MissingArgumentError",
    "NonFiniteResultError",
    "UnknownHardwareError",
    "UnknownModelError",
    "closest_matches",
    "quote",
]

#: Characters of a caller's input an error message repeats: enough to recognise it, short
#: enough that a 1 MB argument gives a short error (the message is read by a person or a
#: model, and logged).
QUOTE_LIMIT = 80

_REPR = reprlib.Repr()
_REPR.maxlevel = 2
_REPR.maxstring = QUOTE_LIMIT
_REPR.maxother = QUOTE_LIMIT


class FlopcastError(Exception):
    """Base class of every error flopcast raises on purpose."""


class InvalidInputError(ValueError, FlopcastError):
    """An argument is malformed, out of range or inconsistent with another.

    Attributes:
        argument: the name of the offending argument (as the public API spells it).
    """

    def __init__(self, argument: str, message: str) -> None:
        self.argument = argument
        self.message = message
        super().__init__(f"{argument}: {message}")


class MissingArgumentError(InvalidInputError, TypeError):
    """A required argument was not given.

    Also a `TypeError`, what Python raises for a call without a required keyword, so code
    that caught that keeps working.
    """


class NonFiniteResultError(ArithmeticError, FlopcastError):
    """A figure of the result came out NaN or infinite: the inputs are too extreme to compute.

    The argument bounds make this rare; it is raised before anything is serialized, so no
    front end shows `inf` or writes invalid JSON.

    Attributes:
        field: the result field (dotted path) that is not finite.
    """

    def __init__(self, field: str, value: float) -> None:
        self.field = field
        super().__init__(
            f"result: {field} came out {value} (not a finite number); the arguments are too "
            "extreme to compute with: give realistic magnitudes"
        )


class _UnknownIdError(LookupError, FlopcastError):
    kind = "id"
    listing = ""

    def __init__(self, argument: str, given: str, suggestions: list[str]) -> None:
        self.argument = argument
        self.given = given
        self.suggestions = suggestions
        hint = f"; did you mean {', '.join(repr(s) for s in suggestions)}?" if suggestions else ""
        super().__init__(
            f"{argument}: unknown {self.kind} {quote(given)}{hint} ({self.listing} lists them all)"
        )


class UnknownHardwareError(_UnknownIdError):
    """A hardware id or alias is not in the catalog; `suggestions` holds the closest ids."""

    kind = "hardware"
    listing = "list_hardware"


class UnknownModelError(_UnknownIdError):
    """A model preset id or alias is not in the catalog; `suggestions` holds the closest ids."""

    kind = "model"
    listing = "list_models"


def quote(value: object, limit: int = QUOTE_LIMIT) -> str:
    """`repr(value)` for an error message, cut to about `limit` characters.

    A long string is cut with its length; a huge integer is described by its digits (its
    text is slow to build and refused past 4,300 digits); containers are abbreviated by
    `reprlib` (a deep or long list never becomes a long message).

    >>> quote("h100")
    "'h100'"
    >>> quote("x" * 1000, limit=10)
    "'xxxxxxxxx… (1000 characters)"
    >>> quote(10**400)
    'an integer of 401 digits'
    """
    if isinstance(value, int) and not isinstance(value, bool) and value.bit_length() > 64:
        return f"an integer of {_digits(value)} digits"
    if isinstance(value, str):
        text = repr(value[: limit + 1])
        if len(value) <= limit and len(text) <= limit + 2:  # + 2: the quotes
            return text
        return f"{text[:limit]}… ({len(value)} characters)"
    text = _REPR.repr(value)
    return text if len(text) <= limit else f"{text[: limit - 1]}…"


def _digits(value: int) -> int:
    """Decimal digits of an integer, without converting it to text."""
    n = abs(value)
    estimate = int(n.bit_length() * math.log10(2)) + 1
    return estimate if n >= 10 ** (estimate - 1) else estimate - 1


def closest_matches(given: str, candidates: Iterable[str], n: int = 3,
                    cutoff: float = 0.5) -> list[str]:
    """Return up to `n` candidates closest to `given` (difflib ratio ≥ `cutoff`), best first;
    failing that, candidates that contain `given` or that it contains."""
    pool = list(dict.fromkeys(candidates))
    key = given.lower()
    found = difflib.get_close_matches(key, pool, n=n, cutoff=cutoff)
    if not found:
        found = [c for c in pool if key and (key in c or c in key)][:n]
    return found
