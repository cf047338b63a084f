"""Plain function-calling: OpenAI / Anthropic tool JSON and one `dispatch` call.

For a raw SDK tool loop (no MCP, no LangChain)::

    from flopcast.tools import dispatch, openai_tools
    tools = openai_tools(strict=True)          # pass to chat.completions.create(tools=...)
    ...
    for call in message.tool_calls:
        result = dispatch(call.function.name, call.function.arguments)   # JSON string is fine
        # result is the structured result as a dict, or {"error": "<one line>"};
        # dispatch_text(...) gives the text at the call's `detail` level instead

Every schema is derived from the registry's input models (`flopcast.tools.registry`):

- `input_schema(spec)`: the model's JSON schema with `$ref`s inlined and pydantic's
  auto-generated `title`s dropped (they only repeat the property name). MCP, OpenAI
  (non-strict) and Anthropic take it as is.
- `strict_input_schema(spec)`: the same, rewritten for OpenAI strict mode: every property
  listed in `required`, the optional ones made nullable (null = "use the default", which
  `dispatch` honours), `additionalProperties: false` on every object, no `default` (the
  default is written into the description instead) and only keywords strict mode supports.
  A strict-mode model writes every argument of every call, so each tool types the arguments
  a question usually sets and takes its rarer ones (`ToolSpec.strict_more`) in one nullable
  string argument `more`, a JSON object of arguments that `dispatch` unfolds
  (`unfold_more`); `more=False` types every argument.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel

from flopcast.numbers.errors import InvalidInputError
from flopcast.tools._errors import error_message, must_propagate
from flopcast.tools.registry import ToolSpec, call_tool, front_options, get_tool, structured

__all__ = [
    "anthropic_tools",
    "dispatch",
    "dispatch_text",
    "input_schema",
    "openai_tools",
    "output_schema",
    "strict_input_schema",
    "unfold_more",
]

# Keywords whose value is a schema, a list of schemas or a map of schemas: the walkers
# descend into them; every other key of a schema node is a plain keyword.
_SCHEMA_MAPS = ("properties", "$defs", "patternProperties")
_SCHEMA_LISTS = ("anyOf", "oneOf", "allOf", "prefixItems")
_SCHEMA_ONE = ("items", "additionalProperties", "not")

#: What OpenAI strict mode accepts (platform.openai.com/docs/guides/structured-outputs,
#: "Supported schemas"): anything else is dropped and, where it constrains the value,
#: written into the description so the model still knows.
_STRICT_KEYWORDS = frozenset({
    "type", "properties", "required", "additionalProperties", "items", "anyOf", "enum",
    "const", "description", "pattern", "format", "minimum", "maximum", "exclusiveMinimum",
    "exclusiveMaximum", "multipleOf", "minItems", "maxItems",
})
_DROP_SILENTLY = frozenset({"title", "default", "examples", "$schema"})


def _inline_refs(node: Any, defs: Mapping[str, Any], seen: tuple[str, ...] = ()) -> Any:
    """Replace every `{"$ref": "#/$defs/X", ...siblings}` by X's schema merged with siblings."""
    if isinstance(node, list):
        return [_inline_refs(item, defs, seen) for item in node]
    if not isinstance(node, dict):
        return node
    ref = node.get("$ref")
    if isinstance(ref, str):
        name = ref.rsplit("/", 1)[-1]
        if name in seen:
            raise ValueError(f"recursive schema {name!r} cannot be inlined")
        target = _inline_refs(defs[name], defs, (*seen, name))
        siblings = {k: _inline_refs(v, defs, seen) for k, v in node.items() if k != "$ref"}
        return {**target, **siblings}
    return {k: _inline_refs(v, defs, seen) for k, v in node.items() if k != "$defs"}


def _drop_titles(node: Any) -> Any:
    """Remove the `title` keyword of every schema node (not properties named "title")."""
    if not isinstance(node, dict):
        return node
    out: dict[str, Any] = {}
    for key, value in node.items():
        if key == "title":
            continue
        if key in _SCHEMA_MAPS and isinstance(value, dict):
            out[key] = {name: _drop_titles(sub) for name, sub in value.items()}
        elif key in _SCHEMA_LISTS and isinstance(value, list):
            out[key] = [_drop_titles(sub) for sub in value]
        elif key in _SCHEMA_ONE and isinstance(value, dict):
            out[key] = _drop_titles(value)
        else:
            out[key] = value
    return out


def _compact(model: type[BaseModel], mode: Literal["validation", "serialization"]) -> dict:
    raw = model.model_json_schema(mode=mode)
    schema = _drop_titles(_inline_refs(raw, raw.get("$defs", {})))
    schema.setdefault("type", "object")
    return schema


#: Sanity bounds (count ≤ 1e7, params ≤ 1e15 ...) guard the arithmetic, not the caller's
#: choice: the input model enforces them with a one-line error naming the argument, so the
#: advertised schema leaves them out (they cost every conversation tokens and tell a model
#: nothing it would get wrong). Bounds a caller must know (mfu in (0, 1]) are in the text.
_BOUNDS = ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum")


def _lean(node: Any, name: str | None = None) -> Any:
    """A property schema as an assistant needs it: the null branch and `default: null` of an
    optional argument dropped (leaving it out means the default), `number | string`
    written as one type list, sanity bounds left to the model's validation."""
    if isinstance(node, list):
        return [_lean(item) for item in node]
    if not isinstance(node, dict):
        return node
    out = {k: _lean(v) for k, v in node.items() if k not in _BOUNDS}
    if "default" in out and out["default"] in (None, False):  # absent = off / the default
        del out["default"]
    description = str(out.get("description", "")).rstrip(".").lower().removeprefix("claimed ")
    if description and description == str(name or "").replace("_", " "):
        # "Layers." for `layers` tells a model nothing, nor "Claimed days." for check_claim's
        # `days` (its description says every figure is passed as claimed).
        del out["description"]
    options = out.get("anyOf")
    if isinstance(options, list):
        kept = [o for o in options if o != {"type": "null"}]
        if kept and all(set(o) == {"type"} and isinstance(o["type"], str) for o in kept):
            del out["anyOf"]
            types = [o["type"] for o in kept]
            out["type"] = types[0] if len(types) == 1 else types
        elif len(kept) == 1 and "properties" not in kept[0]:  # objects stay anyOf for strict
            del out["anyOf"]
            out = {**kept[0], **out}
        else:
            out["anyOf"] = kept
    return out


def input_schema(spec: ToolSpec, tools: Sequence[ToolSpec] | None = None) -> dict[str, Any]:
    """The tool's arguments as JSON schema (refs inlined, auto titles dropped, lean).

    The model's docstring (the root `description`) is dropped too: the tool's own
    description says what the arguments are for. Optional arguments are simply not
    required (null branches and `default: null` dropped) and sanity bounds are left to the
    input model's validation (see `_lean`); `strict_input_schema` makes them nullable.

    Args:
        spec: the tool.
        tools: the tools listed together (default: every registered tool); an argument an
            earlier one already describes is not described again.
    """
    return _described_once(spec, tools, _lean_schema(spec))


def _lean_schema(spec: ToolSpec) -> dict[str, Any]:
    schema = _compact(spec.arguments_model, "validation")
    schema.pop("description", None)
    schema["properties"] = {k: _lean(v, k) for k, v in schema.get("properties", {}).items()}
    return schema


def _described_once(spec: ToolSpec, tools: Sequence[ToolSpec] | None,
                    schema: dict[str, Any], more: bool = False) -> dict[str, Any]:
    """`schema` without the descriptions an earlier tool of the list already gives.

    An argument an earlier tool has too (same name, same description, e.g. `language`,
    `detail`, the workload and rate arguments of compare_gpus) keeps its type here and its
    description there; with `more` (strict schemas), only where the earlier tool types it
    rather than folding it into its `more`, whose own description is given once per set.
    """
    pool = list(_pool(tools))
    earlier = pool[:pool.index(spec)] if spec in pool else []
    seen = {(name, f.description) for s in earlier
            for name, f in s.arguments_model.model_fields.items()
            if not (more and name in s.strict_more)}
    own = spec.arguments_model.model_fields
    for name, node in schema["properties"].items():
        if name in own and (name, own[name].description) in seen:
            node.pop("description", None)
    if MORE in schema["properties"] and any(
            s.strict_more == spec.strict_more for s in earlier):
        schema["properties"][MORE].pop("description", None)
    return schema


def output_schema(spec: ToolSpec) -> dict[str, Any]:
    """The tool's result as JSON schema (the shape `dispatch` and MCP return)."""
    return _compact(spec.output_model, "serialization")


def _with_note(node: dict[str, Any], note: str) -> None:
    text = node.get("description", "").rstrip()
    if text and not text.endswith("."):
        text += "."
    node["description"] = f"{text} {note}".strip()


def _nullable(node: dict[str, Any]) -> dict[str, Any]:
    """`node` widened to also accept null (OpenAI's form for an optional argument)."""
    if "anyOf" in node:
        if {"type": "null"} not in node["anyOf"]:
            node["anyOf"].append({"type": "null"})
        return node
    kind = node.get("type")
    if isinstance(kind, str) and kind != "null":
        node["type"] = [kind, "null"]
        if "enum" in node and None not in node["enum"]:
            node["enum"] = [*node["enum"], None]
        return node
    if isinstance(kind, list):
        if "null" not in kind:
            node["type"] = [*kind, "null"]
        if "enum" in node and None not in node["enum"]:
            node["enum"] = [*node["enum"], None]
        return node
    description = node.pop("description", None)
    wrapped: dict[str, Any] = {"anyOf": [node, {"type": "null"}]}
    if description:
        wrapped["description"] = description
    return wrapped


def _strict(node: dict[str, Any]) -> dict[str, Any]:
    """Rewrite one schema node (and its children) for OpenAI strict mode."""
    out: dict[str, Any] = {}
    notes: list[str] = []
    for key, value in node.items():
        if key == "default":
            # null = the default, as for every nullable argument; the value is written only
            # where a model could not guess it (not a flag, not already said).
            said = "default" in str(node.get("description", "")).lower()
            if value is not None and not isinstance(value, bool) and not said:
                notes.append(f"Default {json.dumps(value, ensure_ascii=False)}.")
        elif key not in _STRICT_KEYWORDS:
            if key not in _DROP_SILENTLY:
                notes.append(f"{key}: {json.dumps(value, ensure_ascii=False)}.")
        elif key == "anyOf":
            out[key] = [_strict(sub) for sub in value]
        elif key == "items" and isinstance(value, dict):
            out[key] = _strict(value)
        elif key in ("properties", "required", "additionalProperties"):
            continue  # rebuilt below for object nodes
        else:
            out[key] = value
    is_object = node.get("type") == "object" or "properties" in node
    if is_object:
        extra = node.get("additionalProperties", False)
        if extra not in (False, None) and not node.get("properties"):
            raise ValueError("strict mode cannot express a free-form object (a dict field)")
        required = set(node.get("required", []))
        properties = {}
        for name, sub in node.get("properties", {}).items():
            converted = _strict(sub)
            properties[name] = converted if name in required else _nullable(converted)
        out["type"] = "object"
        out["properties"] = properties
        out["required"] = list(properties)
        out["additionalProperties"] = False
    for note in notes:
        _with_note(out, note)
    return out


#: The argument strict schemas add for the tool's `ToolSpec.strict_more` arguments.
MORE = "more"


def strict_input_schema(spec: ToolSpec, tools: Sequence[ToolSpec] | None = None, *,
                        more: bool = True) -> dict[str, Any]:
    """The tool's arguments as an OpenAI strict-mode schema (see the module docstring).

    Args:
        spec: the tool.
        tools: the tools listed together (default: every registered tool).
        more: type only the arguments a question usually sets and take the tool's
            `strict_more` ones in one JSON-object argument `more` (what `dispatch` unfolds);
            False types every argument.
    """
    schema = _lean_schema(spec)
    folded = spec.strict_more if more else ()
    if folded:
        properties = {k: v for k, v in schema["properties"].items() if k not in folded}
        properties[MORE] = {"type": "string", "description": (
            "Rarer arguments as one JSON object {name: value}: " + ", ".join(folded) + ".")}
        schema["properties"] = properties
    return _described_once(spec, tools, _strict(copy.deepcopy(schema)), more)


def _pool(tools: Sequence[ToolSpec] | None) -> Sequence[ToolSpec]:
    if tools is not None:
        return tools
    from flopcast.tools.registry import TOOLS

    return TOOLS


def openai_tools(
    strict: bool = False,
    *,
    api: Literal["chat", "responses"] = "chat",
    tools: Sequence[ToolSpec] | None = None,
    more: bool = True,
) -> list[dict[str, Any]]:
    """Tool definitions for the OpenAI API.

    Args:
        strict: produce strict-mode schemas and set `"strict": true` on each tool.
        more: in strict mode, take each tool's rarer arguments in one JSON-object argument
            `more` (`strict_input_schema`); False types every argument (~1,200 tokens more).
        api: "chat" for Chat Completions (`{"type": "function", "function": {...}}`) or
            "responses" for the Responses API (`{"type": "function", "name": ...}`, flat).
        tools: the specs to describe (default: every registered tool).
    """
    out = []
    pool = _pool(tools)
    for spec in pool:
        fn: dict[str, Any] = {
            "name": spec.name,
            "description": spec.description,
            "parameters": (strict_input_schema(spec, pool, more=more) if strict
                           else input_schema(spec, pool)),
        }
        if strict:
            fn["strict"] = True
        out.append({"type": "function", "function": fn} if api == "chat" else
                   {"type": "function", **fn})
    return out


def anthropic_tools(*, tools: Sequence[ToolSpec] | None = None) -> list[dict[str, Any]]:
    """Tool definitions for the Anthropic Messages API (`name`, `description`, `input_schema`)."""
    pool = _pool(tools)
    return [
        {"name": s.name, "description": s.description, "input_schema": input_schema(s, pool)}
        for s in pool
    ]


def _parse_arguments(arguments: Mapping[str, Any] | str | bytes | None) -> Any:
    if isinstance(arguments, bytes | bytearray):
        arguments = arguments.decode("utf-8", errors="replace")
    if isinstance(arguments, str):
        if not arguments.strip():
            return {}
        try:
            return json.loads(arguments)
        except json.JSONDecodeError as e:
            raise InvalidInputError(
                "arguments", f"is not valid JSON ({e.msg} at character {e.pos}); send an object"
            ) from e
        except (ValueError, RecursionError) as e:  # an integer past 4,300 digits; deep nesting
            raise InvalidInputError(
                "arguments", f"cannot be read ({type(e).__name__}); send a plain JSON object"
            ) from e
    return arguments


def unfold_more(spec: ToolSpec, arguments: Any) -> Any:
    """`arguments` with the JSON object of a strict-mode `more` argument merged in.

    `more` (see `strict_input_schema`) may name any of the tool's arguments; null (or an
    empty text) means none. An argument given both at the top level and in `more` is an
    error, whatever the values: one call says each thing once.

    Raises:
        InvalidInputError: `more` is not a JSON object, or repeats an argument.
    """
    if not spec.strict_more or not isinstance(arguments, Mapping) or MORE not in arguments:
        return arguments
    out = {k: v for k, v in arguments.items() if k != MORE}
    extra = arguments[MORE]
    if extra is None or (isinstance(extra, str) and not extra.strip()):
        return out
    accepted = "must be a JSON object mapping argument names to values"
    if isinstance(extra, str):
        try:
            extra = json.loads(extra)
        except (ValueError, RecursionError) as e:
            reason = getattr(e, "msg", type(e).__name__)
            raise InvalidInputError(MORE, f"{accepted} ({reason})") from e
        if extra is None:  # the text "null"
            return out
    if not isinstance(extra, Mapping):
        raise InvalidInputError(MORE, f"{accepted}, not {type(extra).__name__}")
    for key, value in extra.items():
        if out.get(key) is not None and value is not None:
            raise InvalidInputError(MORE, f"gives {str(key)[:40]!r}, which is also an argument "
                                          "of the call; give it once")
        if value is not None or key not in out:
            out[key] = value
    return out


def dispatch(
    name: str,
    arguments: Mapping[str, Any] | str | bytes | None = None,
    *,
    tools: Sequence[ToolSpec] | None = None,
    allowed_roots: Sequence[str | Path] = (),
) -> dict[str, Any]:
    """Run tool `name` with `arguments` (a dict or a JSON string); never raises.

    Every failure (bad input, a bug, a library's panic) comes back as `{"error": ...}`;
    only requests to stop (Ctrl-C, `SystemExit`, task cancellation) pass through.

    Args:
        name: a tool name as the model sent it.
        arguments: the model's arguments: a dict, or the JSON string the SDKs hand over.
            null for an optional argument means "use the default".
        tools: the specs to dispatch to (default: every registered tool).
        allowed_roots: folders `count_tokens` (and a `model` config.json) may read below;
            none by default, so a model cannot make the loop read files unless the program
            allows it.

    Returns:
        The structured result (the same dict as MCP's `structuredContent`), or
        `{"error": "<one line naming the argument and what is accepted>"}` — the same
        text the MCP server sends as its tool error.
    """
    try:
        spec = get_tool(name, _pool(tools))
        parsed = unfold_more(spec, _parse_arguments(arguments))
        context = {"allowed_roots": [Path(r) for r in allowed_roots]}
        data = structured(call_tool(spec, parsed, context))
        json.dumps(data, allow_nan=False)  # anything JSON cannot carry: a bug, not a result
        return data
    except BaseException as e:  # every failure, a library's panic too, is one line
        if must_propagate(e):  # Ctrl-C, exit, cancellation: not failures of this call
            raise
        return {"error": error_message(e, str(name)[:64])}  # a tool name is ≤ 64 characters


def dispatch_text(
    name: str,
    arguments: Mapping[str, Any] | str | bytes | None = None,
    *,
    tools: Sequence[ToolSpec] | None = None,
    allowed_roots: Sequence[str | Path] = (),
) -> str:
    """Run tool `name` and return the text a model reads, at the call's `detail` level.

    The tool-result content for a raw SDK loop that should cost what an MCP answer costs:
    `detail="concise"` (the default) gives the answer, key assumptions and short derivation
    lines; `detail="full"` every step and source (`flopcast.tools.answer`). `dispatch` gives
    the structured result instead (every field, whatever `detail` says). Never raises: a
    failure is the one line `"error: <message>"`; requests to stop pass through.
    """
    try:
        spec = get_tool(name, _pool(tools))
        parsed = unfold_more(spec, _parse_arguments(arguments))
        options = front_options(spec, parsed)
        context = {"allowed_roots": [Path(r) for r in allowed_roots]}
        return spec.render(call_tool(spec, parsed, context), options.detail)
    except BaseException as e:
        if must_propagate(e):
            raise
        return f"error: {error_message(e, str(name)[:64])}"
