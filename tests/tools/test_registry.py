"""The registry: one ToolSpec per tool; every core tool that exists is wired."""

from __future__ import annotations

import doctest
import importlib.util
import inspect
import re
import subprocess
import sys

import pytest
from pydantic import BaseModel, ConfigDict, Field

from flopcast.numbers.errors import FlopcastError, InvalidInputError
from flopcast.numbers.results import Result
from flopcast.tools import _errors
from flopcast.tools.registry import (
    TOOL_NAME_PATTERN,
    TOOLS,
    ToolSpec,
    call_tool,
    get_tool,
    normalize_arguments,
)

# The tool-function convention: tool name -> (core module, function, input model, output model).
CONVENTION = {
    "estimate_training": ("training.estimate", "estimate_training", "EstimateTrainingInput",
                          "TrainingEstimate"),
    "compare_gpus": ("training.compare", "compare_gpus", "CompareGpusInput", "GpuComparison"),
    "list_hardware": ("catalog.hardware", "list_hardware", "ListHardwareInput",
                      "ListHardwareResult"),
    "list_models": ("catalog.models", "list_models", "ListModelsInput", "ListModelsResult"),
    "explain_flops": ("explain.flops", "explain_flops", "ExplainFlopsInput", "Explanation"),
    "check_claim": ("claims.check", "check_claim", "CheckClaimInput", "ClaimCheck"),
    "plan_cluster_training": ("cluster.plan", "plan_cluster_training",
                              "PlanClusterTrainingInput", "ClusterPlan"),
    "plan_compute_optimal": ("planning.optimal", "plan_compute_optimal", "PlanComputeOptimalInput",
                             "ComputeOptimalPlan"),
    "estimate_memory": ("memory.estimate", "estimate_memory", "EstimateMemoryInput",
                        "MemoryEstimate"),
    "estimate_inference": ("inference.estimate", "estimate_inference", "EstimateInferenceInput",
                           "InferenceEstimate"),
    "count_tokens": ("tokens.count", "count_tokens", "CountTokensInput", "TokenCount"),
}

CJK = re.compile(r"[\u4e00-\u9fff]")


def _existing_tools() -> list[str]:
    """Tools of the convention whose core function exists in this tree."""
    found = []
    for tool, (module, function, _, _) in CONVENTION.items():
        if importlib.util.find_spec(f"flopcast.{module}") is None:
            continue
        if hasattr(importlib.import_module(f"flopcast.{module}"), function):
            found.append(tool)
    return found


# ---------------------------------------------------------------- a test-only tool


class ToyInput(BaseModel):
    model_config = ConfigDict(extra="forbid")

    n: float | str = Field(description="N, parameters.")
    count: int = Field(default=1, ge=1, description="Devices.")
    method: str = Field(default="6nd", description="Method.")


class ToyResult(Result):
    value: float = Field(description="6·N·count.")
    roots: list[str] = Field(default_factory=list)


def toy(*, n: float | str, count: int = 1, method: str = "6nd",
        allowed_roots: list | None = None) -> ToyResult:
    from flopcast.numbers.quantities import parse_quantity
    from flopcast.numbers.validation import validate_args

    args = validate_args(ToyInput, locals())
    value = 6 * parse_quantity(args.n, argument="n") * args.count
    return ToyResult(value=value, summary=f"{value}", roots=[str(r) for r in allowed_roots or []])


TOY = ToolSpec("toy", "Toy", "A test tool.", ToyInput, ToyResult, toy,
               server_arguments=("allowed_roots",))


# ---------------------------------------------------------------- the shipped registry


def test_every_existing_core_tool_is_wired():
    wired = {s.name for s in TOOLS}
    missing = [t for t in _existing_tools() if t not in wired]
    assert not missing, f"core functions exist but are not in the registry: {missing}"


def test_only_convention_tools_are_wired_with_their_models_and_handlers():
    for spec in TOOLS:
        module, function, input_name, output_name = CONVENTION[spec.name]
        mod = importlib.import_module(f"flopcast.{module}")
        assert spec.handler is getattr(mod, function)
        assert spec.input_model is getattr(mod, input_name)
        assert spec.output_model is getattr(mod, output_name)


def test_tool_names_are_unique_and_portable():
    names = [s.name for s in TOOLS]
    assert len(names) == len(set(names))
    assert all(re.fullmatch(r"^[a-z0-9_]{1,64}$", n) for n in names)
    assert TOOL_NAME_PATTERN.pattern == r"^[a-z0-9_]{1,64}$"


@pytest.mark.parametrize("spec", TOOLS, ids=lambda s: s.name)
def test_spec_follows_the_convention(spec: ToolSpec):
    assert issubclass(spec.output_model, Result)
    assert spec.input_model.model_config.get("extra") == "forbid"
    fields = spec.input_model.model_fields
    for name, field in fields.items():
        assert field.description, f"{spec.name}.{name} has no description"
    params = inspect.signature(spec.handler).parameters
    keyword_only = {n for n, p in params.items() if p.kind is inspect.Parameter.KEYWORD_ONLY}
    assert set(fields) <= keyword_only
    assert keyword_only - set(fields) == set(spec.server_arguments)
    for name, field in fields.items():
        default = params[name].default
        if field.is_required():
            assert default is inspect.Parameter.empty, f"{spec.name}.{name}"
        else:
            assert default == field.get_default(call_default_factory=True), f"{spec.name}.{name}"


@pytest.mark.parametrize("spec", TOOLS, ids=lambda s: s.name)
def test_description_is_written_for_a_language_model(spec: ToolSpec):
    text = spec.description
    # When to use it, what it returns, a question: a few sentences. Every conversation pays
    # for these (benchmarks/bench_context.py), so they stay short; the example call is kept
    # beside them (`spec.example`), for help texts, not sent.
    assert 80 < len(text) < 400
    assert "Example:" not in text
    assert spec.example.startswith(f"{spec.name}(")
    assert CJK.search(text), "quote at least one Chinese question the tool answers"
    assert spec.title and spec.title[0].isupper()
    assert (spec.read_only, spec.idempotent, spec.open_world, spec.destructive) == (
        True, True, False, False)


def _example_call(spec: ToolSpec) -> dict:
    """The keyword arguments of the spec's example call `name(...)`."""
    import ast

    call = ast.parse(spec.example.strip(), mode="eval").body
    assert isinstance(call, ast.Call) and call.func.id == spec.name and not call.args
    return {kw.arg: ast.literal_eval(kw.value) for kw in call.keywords}


@pytest.mark.parametrize("spec", TOOLS, ids=lambda s: s.name)
def test_the_description_example_call_works(spec: ToolSpec, tmp_path):
    arguments = _example_call(spec)
    assert set(arguments) <= set(spec.input_model.model_fields)
    context = {}
    if "path" in arguments:  # a folder the user granted, holding the example's path
        folder = tmp_path / arguments["path"]
        folder.mkdir(parents=True)
        (folder / "README.md").write_text("# Hello\n\nSome text to count.\n", encoding="utf-8")
        context["allowed_roots"] = [tmp_path]
    result = call_tool(spec, arguments, context)
    assert isinstance(result, spec.output_model) and spec.text_of(result)


# ---------------------------------------------------------------- arguments, once


def test_null_for_an_optional_argument_means_the_default():
    assert normalize_arguments(TOY, {"n": 1, "count": None, "method": None}) == {"n": 1}
    assert call_tool(TOY, {"n": "1K", "count": None}).value == 6000.0


def test_null_for_a_required_argument_is_an_error_naming_it():
    assert normalize_arguments(TOY, {"n": None}) == {"n": None}  # the handler decides
    with pytest.raises(InvalidInputError, match=r"^n[.:]"):
        call_tool(TOY, {"n": None})


def test_unknown_key_lists_the_accepted_arguments():
    with pytest.raises(InvalidInputError) as e:
        normalize_arguments(TOY, {"n": 1, "cuont": 2})
    assert str(e.value) == (
        "cuont: is not an argument; accepted arguments: count, detail, method, n")


def test_arguments_must_be_an_object():
    with pytest.raises(InvalidInputError, match=r"^arguments: must be an object"):
        normalize_arguments(TOY, [1, 2])  # type: ignore[arg-type]


def test_out_of_range_value_names_the_argument():
    with pytest.raises(InvalidInputError, match=r"^count: .*greater than or equal to 1"):
        call_tool(TOY, {"n": 1, "count": 0})


def test_lax_coercion_of_integers_sent_as_strings():
    # Deliberate: assistants often send numbers as JSON strings; the model's lax mode takes "8".
    assert call_tool(TOY, {"n": 1, "count": "8"}).value == 48.0
    with pytest.raises(InvalidInputError, match=r"^count: "):
        call_tool(TOY, {"n": 1, "count": 8.5})


def test_server_arguments_come_from_the_context_only():
    assert call_tool(TOY, {"n": 1}, {"allowed_roots": ["/data"], "other": 1}).roots == ["/data"]
    assert call_tool(TOY, {"n": 1}).roots == []
    with pytest.raises(InvalidInputError, match=r"^allowed_roots: is not an argument"):
        call_tool(TOY, {"n": 1, "allowed_roots": ["/"]})


def test_context_names_a_spec_does_not_declare_are_not_passed():
    spec = ToolSpec("toy2", "Toy", "A test tool.", ToyInput, ToyResult, toy)
    assert call_tool(spec, {"n": 1}, {"allowed_roots": ["/data"]}).roots == []


def test_handler_returning_the_wrong_type_is_a_bug_not_bad_input():
    spec = ToolSpec("toy3", "Toy", "A test tool.", ToyInput, ToyResult,
                    lambda **kw: Result(summary="x"))
    with pytest.raises(TypeError):
        call_tool(spec, {"n": 1})


def test_bad_tool_names_and_clashing_server_arguments_are_rejected():
    with pytest.raises(ValueError):
        ToolSpec("Toy.Tool", "Toy", "d", ToyInput, ToyResult, toy)
    with pytest.raises(ValueError):
        ToolSpec("toy", "Toy", "d", ToyInput, ToyResult, toy, server_arguments=("count",))


def test_unknown_tool_suggests_the_closest_name():
    with pytest.raises(InvalidInputError) as e:
        get_tool("toi", [TOY])
    assert str(e.value) == "name: unknown tool 'toi'; did you mean 'toy'? tools: toy"
    assert get_tool("toy", [TOY]) is TOY


def test_error_messages_are_one_line():
    bad = InvalidInputError("count", "must be ≥ 1\n  (number of devices)")
    assert _errors.error_message(bad, "t") == "count: must be ≥ 1 (number of devices)"
    internal = _errors.error_message(KeyError("x"), "estimate_training")
    assert internal.startswith("estimate_training: internal error (KeyError: 'x')")
    assert "\n" not in internal
    assert isinstance(_errors.MissingDependencyError("p", "e"), (ImportError, FlopcastError))


def test_errors_doctests():
    assert doctest.testmod(_errors).failed == 0


def test_importing_flopcast_and_tools_stays_light():
    code = (
        "import sys, flopcast, flopcast.tools\n"
        "heavy = ['fastmcp', 'mcp', 'langchain_core', 'tiktoken', 'rich', 'matplotlib']\n"
        "print([m for m in heavy if m in sys.modules])\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, timeout=60)
    assert out.stdout.strip() == "[]"
