"""The tool registry: one `ToolSpec` per tool, the single source of truth.

Every front end is generated from `TOOLS`: the MCP server (`flopcast.tools.mcp_server`),
the OpenAI / Anthropic schemas and `dispatch` (`flopcast.tools.schemas`), the LangChain
tools (`flopcast.tools.langchain`) and the CLI's `--json` path. Adding a spec here adds the
tool everywhere, with the same argument names (the input model's fields) and the same
result fields (the output model's).

Adapters never compute: they validate the arguments through the input model, call the
handler (a core function) with them, and translate the result or the error.

Arguments, once for every front end (`normalize_arguments`):

- the keys must be fields of the input model (`extra="forbid"`): an unknown key is an error
  that lists the accepted arguments;
- `null` (None) for an optional argument means "use the default", so OpenAI strict-mode
  schemas (where every argument is required and optional ones are nullable) work;
- values are validated by the input model exactly as the Python API validates them: lax
  pydantic coercion (an integer sent as the JSON string "8" is accepted, 8.5 is not) and
  quantities typed `float | str` parsed with their suffixes ("175B", "3.14e23 FLOPs").
  Assistants often send numbers as strings; refusing them would buy nothing.

Some handlers take keyword arguments the *caller* must not control, such as the folders
`count_tokens` may read. A spec names them in `server_arguments`; each front end offers a
context (`{"allowed_roots": [...], "progress": fn, ...}`) and `call_tool` passes on only the
names the spec declares. A caller putting one of those names in the arguments gets an
"is not an argument" error, because it is not a field of the input model.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from flopcast.errors import InvalidInputError, closest_matches
from flopcast.results import Result
from flopcast.validation import input_error
from pydantic import BaseModel, ValidationError

__all__ = [
    "TOOLS",
    "TOOL_NAME_PATTERN",
    "ToolSpec",
    "call_tool",
    "get_tool",
    "normalize_arguments",
    "structured",
]

#: Tool names every target accepts: MCP allows dots and 128 characters, OpenAI does not.
TOOL_NAME_PATTERN = re.compile(r"^[a-z0-9_]{1,64}$")


@dataclass(frozen=True)
class ToolSpec:
    """One tool, described once for every front end.

    Attributes:
        name: the tool's name, matching `TOOL_NAME_PATTERN`.
        title: a short human title (MCP `title`, CLI help).
        description: written for a language model: when to use the tool (the kinds of
            questions it answers, in English and Chinese), units, one example call.
        input_model: pydantic model whose fields are the tool's arguments (extra="forbid").
        output_model: the `Result` subclass the handler returns.
        handler: the core function, called with the arguments as keywords.
        read_only / idempotent / open_world / destructive: MCP tool annotations.
        server_arguments: keyword arguments of `handler` that a front end supplies from its
            own configuration (never from the caller), e.g. `allowed_roots`.
        blocking: the handler may run long (reads files); async front ends run it in a
            worker thread.
    """

    name: str
    title: str
    description: str
    input_model: type[BaseModel]
    output_model: type[Result]
    handler: Callable[..., Result]
    read_only: bool = True
    idempotent: bool = True
    open_world: bool = False
    destructive: bool = False
    server_arguments: tuple[str, ...] = ()
    blocking: bool = False

    def __post_init__(self) -> None:
        if not TOOL_NAME_PATTERN.fullmatch(self.name):
            raise ValueError(f"tool name {self.name!r} must match {TOOL_NAME_PATTERN.pattern}")
        clash = set(self.server_arguments) & set(self.input_model.model_fields)
        if clash:
            raise ValueError(f"{self.name}: server arguments {sorted(clash)} are model fields")


def normalize_arguments(spec: ToolSpec, arguments: Mapping[str, Any] | None) -> dict[str, Any]:
    """Check `arguments` against the spec's input model; return the ones to pass on.

    `None` values of optional arguments are dropped (null means "use the default"). The
    values returned are the caller's own, not pydantic's coerced copies: the handler
    validates them again through the same model, exactly as a Python caller's.

    Raises:
        InvalidInputError: not an object, an unknown key, or a value the model rejects;
            the message names the argument and what is accepted.
    """
    if arguments is None:
        arguments = {}
    if not isinstance(arguments, Mapping):
        raise InvalidInputError(
            "arguments",
            f"must be an object mapping argument names to values, got {type(arguments).__name__}",
        )
    fields = spec.input_model.model_fields
    kept: dict[str, Any] = {}
    for key, value in arguments.items():
        if not isinstance(key, str):
            raise InvalidInputError("arguments", f"argument names must be strings, got {key!r}")
        field = fields.get(key)
        if value is None and field is not None and not field.is_required():
            continue
        kept[key] = value
    try:
        spec.input_model.model_validate(kept)
    except ValidationError as e:
        raise input_error(spec.input_model, e) from e
    return kept


def call_tool(
    spec: ToolSpec,
    arguments: Mapping[str, Any] | None,
    context: Mapping[str, Any] | None = None,
) -> Result:
    """Validate `arguments`, call the handler, return its result.

    Args:
        spec: the tool.
        arguments: the caller's arguments (names = input model fields).
        context: what the front end can supply for `spec.server_arguments` (e.g.
            `{"allowed_roots": [...]}`); names the spec does not declare are ignored.

    Raises:
        FlopcastError: the input is wrong (the message is one line, ready to show).
        TypeError: the handler returned something other than `spec.output_model` (a bug).
    """
    kwargs = normalize_arguments(spec, arguments)
    for name in spec.server_arguments:
        if context is not None and name in context:
            kwargs[name] = context[name]
    result = spec.handler(**kwargs)
    if not isinstance(result, spec.output_model):
        raise TypeError(
            f"{spec.name} returned {type(result).__name__}, expected {spec.output_model.__name__}"
        )
    return result


def structured(result: BaseModel) -> dict[str, Any]:
    """The JSON form of a result, as every front end returns it (`structuredContent`)."""
    return result.model_dump(mode="json")


def get_tool(name: str, tools: Sequence[ToolSpec] | None = None) -> ToolSpec:
    """The spec called `name` in `tools` (default: `TOOLS`).

    Raises:
        InvalidInputError: no such tool; the message lists the closest names and all names.
    """
    pool = TOOLS if tools is None else tools
    for spec in pool:
        if spec.name == name:
            return spec
    names = [s.name for s in pool]
    near = closest_matches(str(name), names)
    hint = f"did you mean {', '.join(repr(n) for n in near)}? " if near else ""
    raise InvalidInputError("name", f"unknown tool {name!r}; {hint}tools: {', '.join(names)}")


def _build() -> tuple[ToolSpec, ...]:
    """The shipped tools, in the order a client lists them (most used first)."""
    from flopcast import scaling

    return (
        ToolSpec(
            name="plan_compute_optimal",
            title="Plan a compute-optimal (Chinchilla) model",
            description=(
                "Compute-optimal model size N and training tokens D for a compute budget "
                "(Chinchilla, Hoffmann et al. 2022), or how far a planned run is from optimal, "
                "with the predicted loss. Use it for questions like: \"I have 1e24 FLOPs, what "
                "size and how many tokens?\", \"largest compute-optimal model for $2M at $2.50 "
                "per H100-hour\", \"what can 1024 H100s train in 90 days?\", \"is a 1B model "
                "on 1T tokens compute-optimal, how far off?\", \"1e24 FLOPs 的算力预算，"
                "Chinchilla 最优的模型多大、训练多少 token？\", \"这个模型是不是算力最优？\". "
                "Give ONE budget: `flops` (FLOPs), or `hardware` + `count` + `days`, or "
                "`hardware` + `budget_usd` (USD); or `params` alone, or `tokens` alone, or two "
                "of budget / params / tokens to judge a run. Returns params, tokens, "
                "flops = 6·N·D (FLOPs), loss (nats/token) and the alternatives under other "
                "fits, with steps and assumptions. Quantities accept suffixes (\"70B\", "
                "\"1.4T\", \"3640 PF-days\"). "
                'Example: plan_compute_optimal(flops="1e24")'
            ),
            input_model=scaling.PlanComputeOptimalInput,
            output_model=scaling.ComputeOptimalPlan,
            handler=scaling.plan_compute_optimal,
        ),
    )


TOOLS: tuple[ToolSpec, ...] = _build()
