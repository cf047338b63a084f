"""Argument validation shared by every tool function.

Each tool function validates its keyword arguments through its pydantic input
model; pydantic's multi-line errors become one `InvalidInputError` naming the
argument, what was wrong and what is accepted.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from flopcast.errors import InvalidInputError

__all__ = ["input_error", "validate_args"]

M = TypeVar("M", bound=BaseModel)


def input_error(model: type[BaseModel], error: ValidationError) -> InvalidInputError:
    """Turn the first pydantic error into an InvalidInputError naming its argument."""
    first = error.errors(include_url=False)[0]
    loc = first.get("loc") or ("arguments",)
    if str(loc[0]) in model.__pydantic_fields__:
        # A field's own name: deeper parts of `loc` name pydantic's union branches
        # ("params.float"), which mean nothing to the caller.
        argument = str(loc[0])
    else:
        argument = ".".join(str(p) for p in loc if not isinstance(p, int)) or "arguments"
    kind = first.get("type", "")
    given = first.get("input")
    if kind == "extra_forbidden":
        accepted = ", ".join(sorted(model.model_fields))
        return InvalidInputError(argument, f"is not an argument; accepted arguments: {accepted}")
    message = str(first.get("msg", "invalid value"))
    field = model.model_fields.get(str(loc[0])) if loc else None
    hint = f" ({field.description})" if field is not None and field.description else ""
    shown = "" if kind == "missing" else f", got {given!r}"
    return InvalidInputError(argument, f"{message}{shown}{hint}")


def validate_args(model: type[M], values: Mapping[str, Any]) -> M:
    """Validate `values` (e.g. a function's `locals()`) against `model`.

    Keys that are not fields of the model (such as `self` or private helpers) are
    ignored, so a function can pass `locals()` directly.

    Raises:
        InvalidInputError: naming the first offending argument.
    """
    fields = model.__pydantic_fields__
    data = {k: v for k, v in values.items() if k in fields}
    try:
        return model.model_validate(data)
    except ValidationError as e:
        raise input_error(model, e) from e
