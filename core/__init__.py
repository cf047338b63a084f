"""flopcast: deterministic estimates of the compute large models need.

Every public function returns a pydantic result with `steps` (the derivation),
`assumptions` (defaults used, with sources) and `summary` (Markdown, en or zh).
"""

from flopcast.errors import (
    FlopcastError,
    InvalidInputError,
    UnknownHardwareError,
    UnknownModelError,
)
from flopcast.quantities import parse_duration_seconds, parse_quantity

__version__ = "0.1.0"

__all__ = sorted(
    [
        "FlopcastError",
        "InvalidInputError",
        "UnknownHardwareError",
        "UnknownModelError",
        "__version__",
        "parse_duration_seconds",
        "parse_quantity",
    ]
)
