"""Argument validation shared by every tool function.

Each tool function validates its keyword arguments through its pydantic input
model; pydantic's multi-line errors become one `InvalidInputError` naming the
argument, what was wrong and what is accepted. The caller's value is quoted only
up to a short prefix (`flopcast.numbers.errors.quote`), so a huge input gives a short error.

`reports_missing` makes a tool function called without a required argument (or with
an unknown one) raise that same one-line error instead of Python's `TypeError`.
"""

from __future__ import annotations

import functools
import inspect
import types
import typing
from collections.abc import Callable, Mapping
from typing import Any, Literal, TypeVar

from pydantic import BaseModel, ValidationError

from flopcast.numbers.errors import QUOTE_LIMIT, InvalidInputError, MissingArgumentError, quote

__all__ = ["PATH_ARGUMENTS", "input_error", "reports_missing", "validate_args"]

M = TypeVar("M", bound=BaseModel)
F = TypeVar("F", bound=Callable[..., Any])

#: Arguments that name a file or folder. A NUL byte cannot be part of a file name (POSIX
#: forbids it; the OS calls refuse it with a bare ValueError), so it is refused here, once
#: for every tool, with a message naming the argument.
PATH_ARGUMENTS = frozenset({"path", "bpe_file"})


def _argument_name(model: type[BaseModel], loc: tuple[Any, ...]) -> str:
    if str(loc[0]) in model.__pydantic_fields__:
        # A field's own name: deeper parts of `loc` name pydantic's union branches
        # ("params.float"), which mean nothing to the caller.
        return str(loc[0])
    name = ".".join(str(p) for p in loc if not isinstance(p, int)) or "arguments"
    # An unknown key is the caller's text: quote only its start.
    return name if len(name) <= QUOTE_LIMIT else f"{name[:QUOTE_LIMIT]}… ({len(name)} characters)"


def _accepted(model: type[BaseModel], name: str) -> str:
    """What a field accepts, for a message: its description, else its choices (a Literal)."""
    field = model.model_fields.get(name)
    if field is None:
        return ""
    parts = []
    annotation = field.annotation
    union = typing.get_origin(annotation) in (typing.Union, types.UnionType)
    options = [a for a in typing.get_args(annotation) if a is not type(None)] if union else [
        annotation]
    if field.description:
        parts.append(field.description)
    else:
        for option in options:
            if typing.get_origin(option) is Literal:
                parts.append("one of " + ", ".join(repr(v) for v in typing.get_args(option)))
    return f" ({'; '.join(parts)})" if parts else ""


def input_error(model: type[BaseModel], error: ValidationError) -> InvalidInputError:
    """Turn the first pydantic error into an InvalidInputError naming its argument."""
    first = error.errors(include_url=False)[0]
    loc = tuple(first.get("loc") or ("arguments",))
    argument = _argument_name(model, loc)
    kind = first.get("type", "")
    if kind == "extra_forbidden":
        accepted = ", ".join(sorted(model.model_fields))
        return InvalidInputError(argument, f"is not an argument; accepted arguments: {accepted}")
    hint = _accepted(model, str(loc[0]))
    if kind == "missing":
        return MissingArgumentError(argument, f"is required{hint}")
    message = str(first.get("msg", "invalid value"))
    return InvalidInputError(argument, f"{message}, got {quote(first.get('input'))}{hint}")


def _check_paths(values: Mapping[str, Any]) -> None:
    for name in PATH_ARGUMENTS:
        value = values.get(name)
        if isinstance(value, str) and "\0" in value:
            raise InvalidInputError(
                name, f"contains a NUL byte (\\0), which no file name can hold; got {quote(value)}"
            )


def validate_args(model: type[M], values: Mapping[str, Any]) -> M:
    """Validate `values` (e.g. a function's `locals()`) against `model`.

    Keys that are not fields of the model (such as `self` or private helpers) are
    ignored, so a function can pass `locals()` directly.

    Raises:
        InvalidInputError: naming the first offending argument.
    """
    fields = model.__pydantic_fields__
    data = {k: v for k, v in values.items() if k in fields}
    _check_paths(data)
    try:
        return model.model_validate(data)
    except ValidationError as e:
        raise input_error(model, e) from e


def reports_missing(model: type[BaseModel]) -> Callable[[F], F]:
    """Decorate a tool function so a bad call names the argument like any other bad input.

    Python itself refuses a call without a required keyword (or with an unknown one) with
    a `TypeError` before the function runs. The wrapper catches only that case (the call
    does not bind to the signature) and raises the model's one-line error instead:
    `MissingArgumentError` (an `InvalidInputError` that is also a `TypeError`, so code
    catching TypeError still works) or `InvalidInputError` for an unknown keyword. A
    TypeError from inside the function is re-raised untouched. The signature is kept.
    """

    def decorate(function: F) -> F:
        signature = inspect.signature(function)

        @functools.wraps(function)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            try:
                return function(*args, **kwargs)
            except TypeError:
                try:
                    signature.bind(*args, **kwargs)
                except TypeError as call_error:
                    try:
                        model.model_validate(kwargs)
                    except ValidationError as e:
                        raise input_error(model, e) from call_error
                raise

        return typing.cast(F, wrapper)

    return decorate
