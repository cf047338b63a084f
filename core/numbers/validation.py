"""Argument validation shared by every tool function.

Each tool function validates its keyword arguments through its pydantic input
model; pydantic's multi-line errors become one `InvalidInputError` naming the
argument, what was wrong and what is accepted. The caller's value is quoted only
up to a short prefix (`flopcast.numbers.errors.quote`), so a huge input gives a short error.

`tool_function` makes each tool's Python function from its input model, so every argument
is declared once (the model's field: type, default, bounds, description).
"""

from __future__ import annotations

import functools
import inspect
import textwrap
import types
import typing
from collections.abc import Callable, Mapping
from typing import Any, Literal, TypeVar

from pydantic import BaseModel, ValidationError

from flopcast.numbers.errors import QUOTE_LIMIT, InvalidInputError, MissingArgumentError, quote
from flopcast.numbers.limits import OrText
from flopcast.numbers.zh import localize

__all__ = ["input_error", "signature_stub", "tool_function", "validate_args"]

M = TypeVar("M", bound=BaseModel)
R = TypeVar("R")



def _argument_name(model: type[BaseModel], loc: tuple[Any, ...]) -> str:
    if str(loc[0]) in model.__pydantic_fields__:
        # A field's own name: deeper parts of `loc` name pydantic's union branches
        # ("params.float"), which mean nothing to the caller.
        return str(loc[0])
    name = ".".join(str(p) for p in loc if not isinstance(p, int)) or "arguments"
    # An unknown key is the caller's text: quote only its start.
    return name if len(name) <= QUOTE_LIMIT else f"{name[:QUOTE_LIMIT]}… ({len(name)} characters)"


def _accepted(model: type[BaseModel], name: str) -> str:
    """What a field accepts, for a message: its description and its choices (a Literal)."""
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
    for option in options:  # the choices too: a short description need not list them
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
    cause = (first.get("ctx") or {}).get("error")
    if isinstance(cause, InvalidInputError):  # a reader of typed text ("32k", "40%") refused it
        return InvalidInputError(argument, cause.message)
    message = str(first.get("msg", "invalid value"))
    return InvalidInputError(argument, f"{message}, got {quote(first.get('input'))}{hint}")


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


def _shown_type(annotation: Any) -> Any:
    """The annotation as a reader wants it in a signature: pydantic's constraints
    (`Annotated[float, Field(ge=...)]`) dropped, unions and Literals kept."""
    if typing.get_origin(annotation) is typing.Annotated:
        base, *metadata = typing.get_args(annotation)
        if any(isinstance(m, OrText) for m in metadata):  # "1,024", "32k", "40%" read too
            return _shown_type(base) | str
        return _shown_type(base)
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        parts = tuple(_shown_type(a) for a in typing.get_args(annotation))
        return functools.reduce(lambda a, b: a | b, parts)
    return annotation


def _arguments_doc(model: type[BaseModel]) -> str:
    lines = [f"Arguments (the fields of `{model.__name__}`, the same on every front end):"]
    for name, field in model.model_fields.items():
        default = "required" if field.is_required() else (
            f"default {field.get_default(call_default_factory=True)!r}")
        lines.append(textwrap.fill(f"{name} ({default}): {field.description or ''}".rstrip(),
                                   width=92, initial_indent="    ", subsequent_indent="        ",
                                   break_on_hyphens=False))
    return "\n".join(lines)


def tool_function(model: type[M]) -> Callable[[Callable[..., R]], Callable[..., R]]:
    """Make a tool's Python function from its input model, the one declaration of its
    arguments.

    The decorated function takes the validated model as its first parameter, and after it
    only keyword-only *server arguments* (what a front end supplies, never the caller, such
    as the folders `count_tokens` may read). The function returned takes the model's fields
    as keyword arguments, validates them through the model (the same one-line errors as
    every front end: `MissingArgumentError` for a missing one, `InvalidInputError` for an
    unknown or malformed one) and calls it. Its signature (`inspect.signature`, `help()`,
    IPython/Jupyter completion) lists every field with its type and default, then the
    server arguments, and its docstring ends with every field's description. The registry
    reads `input_model` and `server_arguments` from it.

    >>> from pydantic import BaseModel, ConfigDict, Field
    >>> class AreaInput(BaseModel):
    ...     model_config = ConfigDict(extra="forbid")
    ...     width: float = Field(gt=0, description="Width in m.")
    ...     height: float = Field(1.0, gt=0, description="Height in m.")
    >>> @tool_function(AreaInput)
    ... def area(args: AreaInput) -> float:
    ...     \"\"\"Area of a rectangle.\"\"\"
    ...     return args.width * args.height
    >>> area(width=3, height=2)
    6.0
    >>> import inspect; print(inspect.signature(area))
    (*, width: float, height: float = 1.0) -> float
    >>> area(height=2)
    Traceback (most recent call last):
    ...
    flopcast.numbers.errors.MissingArgumentError: width: is required (Width in m.)
    """

    def decorate(function: Callable[..., R]) -> Callable[..., R]:
        own = inspect.signature(function)
        try:
            hints = typing.get_type_hints(function)
        except NameError:  # a name only the defining scope knows: show the annotation text
            hints = {}
        parameters = list(own.parameters.values())
        server = tuple(p.name for p in parameters[1:] if p.kind is inspect.Parameter.KEYWORD_ONLY)
        if len(parameters) != 1 + len(server):
            raise TypeError(f"{function.__name__}: takes the model, then keyword-only server "
                            "arguments")
        clash = set(server) & set(model.model_fields)
        if clash:
            raise TypeError(f"{function.__name__}: server arguments {sorted(clash)} are fields")

        @functools.wraps(function)
        def tool(*positional: Any, **kwargs: Any) -> R:
            if positional:
                raise TypeError(f"{function.__name__}() takes keyword arguments only "
                                f"({len(positional)} positional given)")
            extra = {name: kwargs.pop(name) for name in server if name in kwargs}
            try:
                args = model.model_validate(kwargs)
            except ValidationError as e:
                raise input_error(model, e) from None
            result = function(args, **extra)
            localize(result)  # language="zh": step names and assumption words in Chinese
            return result

        fields = [
            inspect.Parameter(
                name, inspect.Parameter.KEYWORD_ONLY,
                default=(inspect.Parameter.empty if field.is_required()
                         else field.get_default(call_default_factory=True)),
                annotation=_shown_type(field.annotation))
            for name, field in model.model_fields.items()
        ]
        fields += [p.replace(annotation=hints.get(p.name, p.annotation)) for p in parameters[1:]]
        del tool.__wrapped__  # help() and inspect show the signature below, not the model's
        signature = inspect.Signature(
            fields, return_annotation=hints.get("return", own.return_annotation))
        tool.__signature__ = signature  # type: ignore[attr-defined]
        # Resolved objects, not the defining module's strings: get_type_hints(tool) works.
        tool.__annotations__ = {p.name: p.annotation for p in fields}
        tool.__annotations__["return"] = signature.return_annotation
        tool.__doc__ = (inspect.cleandoc(function.__doc__ or "") + "\n\n"
                        + _arguments_doc(model)).strip()
        tool.input_model = model  # type: ignore[attr-defined]
        tool.server_arguments = server  # type: ignore[attr-defined]
        return tool

    return decorate


def _annotation_source(annotation: Any) -> str:
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        return " | ".join(_annotation_source(a) for a in typing.get_args(annotation))
    return inspect.formatannotation(annotation).replace("NoneType", "None")


def signature_stub(function: Callable[..., Any]) -> str:
    """A `tool_function`'s declaration as stub source (`def name(*, ...) -> R:` and its
    docstring), for type checkers and IDEs that read source rather than run it.

    `core/_signatures.pyi` holds these for the public tools, generated by
    `scripts/gen_signatures.py`; a test fails when it no longer matches the models.
    """
    signature = inspect.signature(function)
    lines = [f"def {function.__name__}(", "    *,"]
    for p in signature.parameters.values():
        default = "" if p.default is inspect.Parameter.empty else f" = {p.default!r}"
        lines.append(f"    {p.name}: {_annotation_source(p.annotation)}{default},")
    lines.append(f") -> {_annotation_source(signature.return_annotation)}:")
    doc = (function.__doc__ or "").replace("\\", "\\\\").replace('"""', '\\"\\"\\"')
    lines.append('    """' + "\n".join("    " + line if line else ""
                                        for line in doc.splitlines()).lstrip() + '\n    """')
    lines.append("    ...")
    return "\n".join(line.rstrip() for line in lines)
