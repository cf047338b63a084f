"""The exceptions flopcast raises.

Hierarchy::

    FlopcastError
    ├── InvalidInputError(ValueError)      a value is malformed, out of range or inconsistent
    ├── UnknownHardwareError(LookupError)  a hardware id or alias is not in the catalog
    └── UnknownModelError(LookupError)     a model preset id or alias is not in the catalog

Every message names the argument, says what was wrong and what is accepted, so a
front end can show it as is (one line) and a user can fix the input.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable

__all__ = [
    "FlopcastError",
    "InvalidInputError",
    "UnknownHardwareError",
    "UnknownModelError",
    "closest_matches",
]


class FlopcastError(Exception):
    """Base class of every error flopcast raises on purpose."""


class InvalidInputError(ValueError, FlopcastError):
    """An argument is malformed, out of range or inconsistent with another.

    Attributes:
        argument: the name of the offending argument (as the public API spells it).
    """

    def __init__(self, argument: str, message: str) -> None:
        self.argument = argument
        super().__init__(f"{argument}: {message}")


class _UnknownIdError(LookupError, FlopcastError):
    kind = "id"
    listing = ""

    def __init__(self, argument: str, given: str, suggestions: list[str]) -> None:
        self.argument = argument
        self.given = given
        self.suggestions = suggestions
        hint = f"; did you mean {', '.join(repr(s) for s in suggestions)}?" if suggestions else ""
        super().__init__(
            f"{argument}: unknown {self.kind} {given!r}{hint} ({self.listing} lists them all)"
        )


class UnknownHardwareError(_UnknownIdError):
    """A hardware id or alias is not in the catalog; `suggestions` holds the closest ids."""

    kind = "hardware"
    listing = "list_hardware"


class UnknownModelError(_UnknownIdError):
    """A model preset id or alias is not in the catalog; `suggestions` holds the closest ids."""

    kind = "model"
    listing = "list_models"


def closest_matches(given: str, candidates: Iterable[str], n: int = 3) -> list[str]:
    """Return up to `n` candidates closest to `given` (difflib ratio ≥ 0.5), best first."""
    pool = list(dict.fromkeys(candidates))
    key = given.lower()
    found = difflib.get_close_matches(key, pool, n=n, cutoff=0.5)
    if not found:
        found = [c for c in pool if key and (key in c or c in key)][:n]
    return found
