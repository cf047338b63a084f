"""OpenAI / Anthropic schemas generated from the registry, strict mode, and dispatch.

Snapshots of the generated JSON live in tests/tools/snapshots/. After an intended change to a
tool's description or input model, regenerate them with

    FLOPCAST_UPDATE_SNAPSHOTS=1 .venv/bin/python -m pytest tests/tools/test_schemas.py

and review the diff; without the variable, any drift fails.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any, Literal

import pytest
from pydantic import BaseModel, ConfigDict, Field

from flopcast.numbers.results import Result
from flopcast.tools.registry import TOOLS, ToolSpec, structured
from flopcast.tools.schemas import (
    anthropic_tools,
    dispatch,
    input_schema,
    openai_tools,
    strict_input_schema,
)

SNAPSHOTS = Path(__file__).parent / "snapshots"
UPDATE = os.environ.get("FLOPCAST_UPDATE_SNAPSHOTS") == "1"

# OpenAI strict mode's supported keywords (platform.openai.com/docs/guides/structured-outputs,
# "Supported schemas"); written out here independently of tools/schemas.py.
STRICT_ALLOWED = {
    "type", "properties", "required", "additionalProperties", "items", "anyOf", "enum",
    "const", "description", "pattern", "format", "minimum", "maximum", "exclusiveMinimum",
    "exclusiveMaximum", "multipleOf", "minItems", "maxItems",
}


# ---------------------------------------------------------------- snapshots


def _check_snapshot(name: str, data: Any) -> None:
    path = SNAPSHOTS / name
    text = json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True) + "\n"
    if UPDATE:
        SNAPSHOTS.mkdir(exist_ok=True)
        path.write_text(text, encoding="utf-8")
    assert path.exists(), f"missing snapshot {path}; run with FLOPCAST_UPDATE_SNAPSHOTS=1"
    assert path.read_text(encoding="utf-8") == text, (
        f"{name} drifted from the generated schemas; if intended, regenerate with "
        "FLOPCAST_UPDATE_SNAPSHOTS=1 and review the diff"
    )


def test_openai_snapshot():
    _check_snapshot("openai_tools.json", openai_tools())


def test_openai_strict_snapshot():
    _check_snapshot("openai_tools_strict.json", openai_tools(strict=True))


def test_anthropic_snapshot():
    _check_snapshot("anthropic_tools.json", anthropic_tools())


def test_every_tool_is_in_every_format():
    names = [s.name for s in TOOLS]
    assert [t["function"]["name"] for t in openai_tools()] == names
    assert [t["name"] for t in openai_tools(api="responses")] == names
    assert [t["name"] for t in anthropic_tools()] == names


# ---------------------------------------------------------------- strict mode rules


def _walk(node: Any, path: str = "$"):
    """Yield (path, schema node) for every schema node below `node`."""
    if not isinstance(node, dict):
        return
    yield path, node
    for name, sub in node.get("properties", {}).items():
        yield from _walk(sub, f"{path}.{name}")
    for i, sub in enumerate(node.get("anyOf", [])):
        yield from _walk(sub, f"{path}|{i}")
    if isinstance(node.get("items"), dict):
        yield from _walk(node["items"], f"{path}[]")


def _strict_violations(schema: dict) -> list[str]:
    problems = []
    for path, node in _walk(schema):
        unknown = set(node) - STRICT_ALLOWED
        if unknown:
            problems.append(f"{path}: unsupported keywords {sorted(unknown)}")
        if node.get("type") == "object" or "properties" in node:
            if node.get("additionalProperties") is not False:
                problems.append(f"{path}: additionalProperties must be false")
            if sorted(node.get("required", [])) != sorted(node.get("properties", {})):
                problems.append(f"{path}: every property must be required")
    return problems


def _accepts_null(node: dict) -> bool:
    kind = node.get("type")
    if kind == "null" or (isinstance(kind, list) and "null" in kind):
        return "enum" not in node or None in node["enum"]
    return any(_accepts_null(sub) for sub in node.get("anyOf", []))


@pytest.mark.parametrize("spec", TOOLS, ids=lambda s: s.name)
def test_strict_schema_satisfies_openai_strict_mode(spec: ToolSpec):
    schema = strict_input_schema(spec)
    assert _strict_violations(schema) == []
    assert "$defs" not in json.dumps(schema) and "$ref" not in json.dumps(schema)


@pytest.mark.parametrize("more", [True, False])
@pytest.mark.parametrize("spec", TOOLS, ids=lambda s: s.name)
def test_strict_optional_arguments_are_nullable_and_required_ones_are_not(spec: ToolSpec,
                                                                          more: bool):
    schema = strict_input_schema(spec, more=more)
    assert _strict_violations(schema) == []
    folded = set(spec.strict_more) if more else set()
    for name, field in spec.arguments_model.model_fields.items():
        if name in folded:
            assert name not in schema["properties"], name
        elif field.is_required():
            assert not _accepts_null(schema["properties"][name]), name
        else:
            assert _accepts_null(schema["properties"][name]), name


@pytest.mark.parametrize("spec", [s for s in TOOLS if s.strict_more], ids=lambda s: s.name)
def test_strict_more_names_every_folded_argument_and_nothing_is_lost(spec: ToolSpec):
    typed = strict_input_schema(spec)["properties"]
    # `more` is a nullable string; the tool that first lists a set of folded arguments names
    # each of them in its description (a later tool with the same set says "as" that one).
    assert typed["more"]["type"] == ["string", "null"]
    first = next(s for s in TOOLS if s.strict_more == spec.strict_more)
    description = strict_input_schema(first)["properties"]["more"]["description"]
    assert [n for n in spec.strict_more if f" {n}," not in description
            and f" {n}." not in description] == []
    # Every argument of the tool is typed or folded, exactly once.
    arguments = set(spec.arguments_model.model_fields)
    assert (set(typed) - {"more"}) | set(spec.strict_more) == arguments
    assert not (set(typed) & set(spec.strict_more))


def test_strict_more_cuts_the_arguments_a_strict_call_must_spell():
    # In strict mode a call writes every property, null or not: the tool with the most
    # arguments, plan_cluster_training, types 22 of its 40 (18 folded, plus `more`).
    spec = next(s for s in TOOLS if s.name == "plan_cluster_training")
    assert len(spec.arguments_model.model_fields) == 40
    assert len(strict_input_schema(spec, more=False)["properties"]) == 40
    assert len(strict_input_schema(spec)["properties"]) == 40 - 18 + 1


@pytest.mark.parametrize("spec", TOOLS, ids=lambda s: s.name)
def test_plain_schema_is_the_model_with_refs_inlined(spec: ToolSpec):
    schema = input_schema(spec)
    assert "$ref" not in json.dumps(schema)
    assert schema["type"] == "object" and schema["additionalProperties"] is False
    front = ["detail", "chart"] if spec.chart else ["detail"]
    assert list(schema["properties"]) == [*spec.input_model.model_fields, *front]
    assert list(spec.arguments_model.model_fields) == list(schema["properties"])
    required = [n for n, f in spec.input_model.model_fields.items() if f.is_required()]
    assert sorted(schema.get("required", [])) == sorted(required)


class _Inner(BaseModel):
    model_config = ConfigDict(extra="forbid")
    k: int = Field(default=2, ge=1, description="inner k")


class _Nested(BaseModel):
    model_config = ConfigDict(extra="forbid")
    title: str = Field(description="A property called title must survive title-dropping.")
    mode: Literal["a", "b"] = Field(default="a", description="mode", min_length=1)
    inner: _Inner | None = Field(default=None, description="an object")
    items: list[_Inner] = Field(default_factory=list, description="objects")


class _Out(Result):
    x: float = 0.0


def _spec(model: type[BaseModel]) -> ToolSpec:
    return ToolSpec("nested", "Nested", "d", model, _Out, lambda **kw: _Out())


def test_strict_conversion_of_nested_models_literals_and_defaults():
    schema = strict_input_schema(_spec(_Nested))
    assert _strict_violations(schema) == []
    props = schema["properties"]
    assert props["title"] == {
        "type": "string",
        "description": "A property called title must survive title-dropping.",
    }
    assert props["mode"]["type"] == ["string", "null"]
    assert props["mode"]["enum"] == ["a", "b", None]
    assert props["mode"]["description"] == 'Default "a". minLength: 1.'  # "mode" echoed the name
    assert "Default" not in props["inner"]["description"]  # null is the default: nothing to say
    inner_object = props["inner"]["anyOf"][0]
    assert inner_object["required"] == ["k"] and inner_object["additionalProperties"] is False
    assert props["items"]["items"]["properties"]["k"]["type"] == ["integer", "null"]


def test_strict_mode_refuses_free_form_dict_arguments():
    class WithDict(BaseModel):
        model_config = ConfigDict(extra="forbid")
        prices: dict[str, float] = Field(default_factory=dict, description="d")

    with pytest.raises(ValueError, match="free-form object"):
        strict_input_schema(_spec(WithDict))


def test_tool_formats():
    chat = openai_tools(tools=[_spec(_Nested)])[0]
    assert chat["type"] == "function" and set(chat["function"]) == {
        "name", "description", "parameters"}
    strict = openai_tools(strict=True, tools=[_spec(_Nested)])[0]
    assert strict["function"]["strict"] is True
    responses = openai_tools(strict=True, api="responses", tools=[_spec(_Nested)])[0]
    assert set(responses) == {"type", "name", "description", "parameters", "strict"}
    anthropic = anthropic_tools(tools=[_spec(_Nested)])[0]
    assert set(anthropic) == {"name", "description", "input_schema"}
    assert anthropic["input_schema"] == chat["function"]["parameters"]


# ---------------------------------------------------------------- dispatch


def _plan_spec() -> ToolSpec:
    return next(s for s in TOOLS if s.name == "plan_compute_optimal")


def test_dispatch_with_a_dict_equals_the_core_function():
    from flopcast.planning.optimal import plan_compute_optimal

    expected = structured(plan_compute_optimal(flops="1e24"))
    assert dispatch("plan_compute_optimal", {"flops": "1e24"}) == expected


def test_dispatch_with_a_json_string_and_strict_nulls():
    from flopcast.planning.optimal import plan_compute_optimal

    expected = structured(plan_compute_optimal(flops=1e24))
    # What a strict-mode model sends: every argument present, null for those it leaves out.
    arguments = {name: None for name in _plan_spec().input_model.model_fields}
    arguments["flops"] = 1e24
    assert dispatch("plan_compute_optimal", json.dumps(arguments)) == expected
    assert dispatch("plan_compute_optimal", json.dumps(arguments).encode()) == expected


def _estimate(**arguments: Any) -> dict[str, Any]:
    return dispatch("estimate_training", {"model": "gpt-3-175b", "hardware": "a100",
                                          "count": 1024, **arguments})


def test_dispatch_unfolds_more_as_if_each_argument_were_given():
    # PUE multiplies the facility energy: 1.5 over the default 1.1 (DESIGN's energy formula).
    default = _estimate()["energy_kwh"]
    direct = _estimate(pue=1.5)
    assert _estimate(more='{"pue": 1.5}') == direct
    assert _estimate(more={"pue": 1.5}) == direct  # an object, as a program might pass
    assert direct["energy_kwh"] == pytest.approx(default * 1.5 / 1.1, rel=1e-12)
    # A strict-mode call: every typed argument present, null when unused, `more` null or
    # holding JSON nulls.
    strict = {name: None for name in strict_input_schema(
        next(s for s in TOOLS if s.name == "estimate_training"))["properties"]}
    strict |= {"model": "gpt-3-175b", "hardware": "a100", "count": 1024}
    assert dispatch("estimate_training", strict) == _estimate()
    assert dispatch("estimate_training", {**strict, "more": '{"pue": null}'}) == _estimate()
    assert dispatch("estimate_training", {**strict, "more": " "}) == _estimate()
    assert dispatch("estimate_training", {**strict, "more": "null"}) == _estimate()
    assert dispatch("estimate_training", {**strict, "more": "{}"}) == _estimate()
    # Two folded arguments at once: the shape a method other than 6nd needs.
    shape = {"layers": 96, "d_model": 12288, "seq_len": 2048, "vocab": 50257}
    assert (dispatch("estimate_training", {**strict, "method": "kaplan",
                                           "more": json.dumps(shape)})
            == _estimate(method="kaplan", **shape))


@pytest.mark.parametrize(
    ("more", "start"),
    [
        ('{"pue": 1.5', "more: must be a JSON object mapping argument names to values ("),
        ("[1.5]", "more: must be a JSON object mapping argument names to values, not list"),
        ('{"count": 8}', "more: gives 'count', which is also an argument of the call"),
        ('{"pu": 1.5}', "pu: is not an argument"),
        ('{"pue": 0}', "pue: "),
    ],
)
def test_dispatch_more_errors_name_the_argument(more: str, start: str):
    out = _estimate(more=more)
    assert list(out) == ["error"] and out["error"].startswith(start), out


def test_more_is_an_argument_only_where_strict_schemas_have_it():
    out = dispatch("explain_flops", {"topic": "mfu_hfu", "more": "{}"})
    assert out["error"].startswith("more: is not an argument"), out


@pytest.mark.parametrize(
    ("arguments", "start"),
    [
        ({"flops": "1e24", "count": 0}, "count: "),
        ({"flops": "1e24", "flopz": 1}, "flopz: is not an argument; accepted arguments: "),
        ('{"flops": ', "arguments: is not valid JSON"),
        ("[1, 2]", "arguments: must be an object"),
        ({"flops": "lots"}, "flops"),
    ],
)
def test_dispatch_bad_input_is_one_error_line(arguments, start):
    out = dispatch("plan_compute_optimal", arguments)
    assert set(out) == {"error"}
    assert out["error"].startswith(start)
    assert "\n" not in out["error"]


def test_dispatch_unknown_tool():
    out = dispatch("plan_compute_optimum", {})
    assert out["error"].startswith("name: unknown tool 'plan_compute_optimum'; did you mean")


def test_dispatch_never_raises_even_on_a_bug():
    def broken(**kwargs):
        raise ZeroDivisionError("boom")

    spec = ToolSpec("broken", "Broken", "d", _Nested, _Out, broken)
    out = dispatch("broken", {"title": "t"}, tools=[spec])
    assert out == {"error": "broken: internal error (ZeroDivisionError: boom); "
                            "this is a bug in flopcast, not in your input"}


def test_dispatch_refuses_a_result_json_cannot_carry():
    spec = ToolSpec("overflow", "Overflow", "d", _Nested, _Out,
                    lambda **kwargs: _Out(x=float("inf")))
    out = dispatch("overflow", {"title": "t"}, tools=[spec])
    assert out == {"error": "result: x came out inf (not a finite number); the arguments are "
                            "too extreme to compute with: give realistic magnitudes"}


def test_dispatch_text_honours_detail_and_dispatch_ignores_it():
    from flopcast.tools.schemas import dispatch_text

    arguments = {"model": "gpt-3-175b", "hardware": "a100", "count": 1024}
    spec = next(s for s in TOOLS if s.name == "estimate_training")
    result = spec.handler(**arguments)
    assert dispatch_text("estimate_training", arguments) == spec.render(result, "concise")
    full = json.dumps({**arguments, "detail": "full"})
    assert dispatch_text("estimate_training", full) == spec.render(result, "full")
    assert dispatch("estimate_training", full) == structured(result)
    assert dispatch_text("estimate_training", {**arguments, "detail": "x"}).startswith(
        "error: detail: Input should be 'concise' or 'full'")
    assert dispatch_text("nope", {}).startswith("error: name: unknown tool")
