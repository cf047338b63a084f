"""Bad input on every front end: missing arguments, overflow, non-finite results, panics.

The same one line everywhere (dispatch, LangChain, the CLI, MCP); a library's panic (a
`BaseException` that is not an `Exception`, like tiktoken's `PanicException`) is contained;
requests to stop (Ctrl-C, exit, cancellation) are not.
"""

from __future__ import annotations

import asyncio
import json
import typing

import pytest
from fastmcp import Client
from pydantic import BaseModel, ConfigDict, Field

from flopcast.numbers.limits import QUANTITY_BOUNDS, OrText
from flopcast.numbers.results import Result
from flopcast.tools._errors import must_propagate
from flopcast.tools.cli import main
from flopcast.tools.mcp_server import build_server
from flopcast.tools.registry import TOOLS, ToolSpec
from flopcast.tools.schemas import _compact, dispatch

# ---------------------------------------------------------------- test-only tools


class Panic(BaseException):
    """Stands for pyo3_runtime.PanicException: a BaseException, not an Exception."""


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid")
    x: float = Field(default=1.0, description="A number.")


class _Out(Result):
    y: float = 0.0


def _spec(handler) -> ToolSpec:
    return ToolSpec("fake", "Fake", "A test tool.", _In, _Out, handler)


def _raise(exc: BaseException):
    def handler(**kwargs):
        raise exc

    return _spec(handler)


# ---------------------------------------------------------------- missing arguments

MISSING = [
    ("estimate_training", {}, "tokens: the workload needs tokens"),  # FLOPs alone is answered
    ("estimate_training", {"model": "gpt-3-175b", "count": 8}, "hardware: is required with count"),
    ("estimate_inference", {"model": "llama-2-7b"}, "hardware: is required (Device id"),
    ("explain_flops", {"language": "zh"}, "topic: is required (peak_derivation: instruction sets"),
]


@pytest.mark.parametrize(("tool", "arguments", "start"), MISSING)
def test_dispatch_names_a_missing_argument(tool, arguments, start):
    error = dispatch(tool, arguments)["error"]
    assert error.startswith(start)
    assert "internal error" not in error and "\n" not in error


def test_a_required_argument_sent_as_null_is_missing_too():
    assert dispatch("explain_flops", {"topic": None})["error"].startswith("topic: ")


@pytest.mark.parametrize(("tool", "arguments", "start"), MISSING)
async def test_mcp_names_a_missing_argument_and_keeps_serving(tool, arguments, start):
    async with Client(build_server()) as client:
        result = await client.call_tool(tool, arguments, raise_on_error=False)
        assert result.is_error
        assert result.content[0].text.startswith(start)
        assert result.content[0].text == dispatch(tool, arguments)["error"]
        assert (await client.call_tool("explain_flops", {"topic": "mfu_hfu"})).is_error is False


def test_langchain_names_a_missing_argument():
    from flopcast.tools import langchain_tools

    tool = {t.name: t for t in langchain_tools()}["explain_flops"]
    message = tool.invoke({"name": "explain_flops", "args": {}, "id": "1", "type": "tool_call"})
    assert message.status == "error"
    assert message.content.startswith("topic: is required (")
    assert "\n" not in message.content


# ---------------------------------------------------------------- overflow and bounds


@pytest.mark.parametrize(
    ("tool", "arguments", "start"),
    [
        ("estimate_training", {"params": 1e308, "tokens": "1T", "hardware": "a100"},
         "params: Input should be less than or equal to 1000000000000000, got 1e+308"),
        ("compare_gpus", {"params": "7B", "tokens": "1T", "provider": "lamda"},
         "provider: unknown provider 'lamda'; did you mean 'Lambda'? (accepted: lowest, AWS,"),
        ("estimate_training", {"params": 10**400, "tokens": "1T", "hardware": "a100"},
         "params: Input should be a valid number, got an integer of 401 digits"),
        ("estimate_training", {"params": "9×10^999", "tokens": "1T", "hardware": "a100"},
         "params: is infinite or too large for a number"),
        ("estimate_training", {"params": "1e400", "tokens": "1T", "hardware": "a100"},
         "params: is infinite or too large for a number"),
        ("estimate_training", {"params": "2e15", "tokens": "1T", "hardware": "a100"},
         "params: must be at most 1 × 10^15 parameters (more than 1,000× the largest model"),
        ("estimate_training", {"flops": "2e32 FLOPs", "hardware": "a100"},
         "flops: must be at most 1 × 10^32 FLOPs"),
        ("estimate_training", {"params": "7B", "tokens": "1e18", "hardware": "a100"},
         "tokens: must be at most 1 × 10^17 tokens"),
        ("estimate_training", {"params": "7B", "tokens": "1T", "hardware": "a100",
                               "price_per_device_hour": 1e308},
         "price_per_device_hour: Input should be less than or equal to 10000"),
        ("estimate_training", {"params": "7B", "tokens": "1T", "hardware": "a100",
                               "mfu": 1e-300},
         "mfu: Input should be greater than or equal to 0.000001, got 1e-300"),
        ("estimate_training", {"params": "7B", "tokens": "1T", "hardware": "a100",
                               "target_days": "0.5 seconds"},
         "target_days: must be between one second and a million years"),
        ("check_claim", {"params": "7B", "tokens": "1T", "hardware": "a100", "count": 8,
                         "days": 1e-300},
         "days: Input should be greater than or equal to 0.0000115740"),
        ("check_claim", {"model": "gpt-3-175b", "hardware": "a100", "years": "2e6 years"},
         "years: must be between one second and a million years (3.169 × 10^-8 to "
         "1 × 10^6 years), got 2 × 10^6 years"),
        ("plan_compute_optimal", {"hardware": "h100", "budget_usd": "1e14"},
         "budget_usd: must be at most 1 × 10^13 USD (about a tenth of world GDP)"),
        ("estimate_memory", {"params": "7B", "layers": 10**400},
         "layers: Input should be less than or equal to 100000, got an integer of 401 digits"),
        ("estimate_inference", {"model": "llama-2-7b", "hardware": "h100", "batch": 10**8},
         "batch: Input should be less than or equal to 10000000"),
    ],
)
def test_out_of_range_input_is_a_one_line_error_naming_it(tool, arguments, start):
    error = dispatch(tool, arguments)["error"]
    assert error.startswith(start), error
    assert "internal error" not in error and "\n" not in error


def test_in_range_extremes_give_finite_figures():
    # The widest corner the bounds allow: 1e32 FLOPs on one device at 1 MFLOP/s, priciest
    # hour, highest power, PUE and carbon: 1e26 s, 2.78e22 device-hours, 2.78e26 USD.
    out = dispatch("estimate_training", {
        "flops": 1e32, "hardware": "a100", "count": 1, "achieved_tflops": 1e-6,
        "price_per_device_hour": 1e4, "power_watts": 1e5, "pue": 3, "carbon_kg_per_kwh": 2})
    assert out["seconds"] == pytest.approx(1e26)
    assert out["device_hours"] == pytest.approx(1e26 / 3600)
    assert out["cost_usd"] == pytest.approx(1e26 / 3600 * 1e4)
    assert out["energy_kwh"] == pytest.approx(1e26 / 3600 * 1e5 / 1000 * 3)
    json.dumps(out, allow_nan=False)


def _model_schema(spec: ToolSpec) -> dict:
    """The input model's own JSON schema, bounds included. The advertised schemas
    (`input_schema`) leave sanity bounds to the model's validation to save every conversation
    tokens; the model must still bound every number."""
    return _compact(spec.input_model, "validation")


def test_every_numeric_argument_is_bounded_by_its_model():
    # count_tokens' model belongs to the token-counting modules (bounded there separately)
    unbounded = []
    for spec in TOOLS:
        if spec.name == "count_tokens":
            continue
        for name, node in _model_schema(spec)["properties"].items():
            for branch in node.get("anyOf", [node]):
                if branch.get("type") in ("number", "integer"):
                    has_low = "minimum" in branch or "exclusiveMinimum" in branch
                    has_high = "maximum" in branch or "exclusiveMaximum" in branch
                    if not (has_low and has_high):
                        unbounded.append(f"{spec.name}.{name}")
    assert unbounded == []


def _read_into_bounded_number(spec, name):
    """Whole numbers and fractions: their text is read into the number, which the schema's
    number branch bounds (CountArg, FractionArg ... in numbers/limits.py)."""
    field = spec.input_model.model_fields[name]
    return any(isinstance(m, OrText) for a in [field.annotation, *typing.get_args(
        field.annotation)] for m in getattr(a, "__metadata__", ()))


def test_every_quantity_text_argument_has_a_bound():
    for spec in TOOLS:
        for name, node in _model_schema(spec)["properties"].items():
            types = {b.get("type") for b in node.get("anyOf", [node])}
            if {"number", "string"} <= types and name not in ("days", "years", "hours",
                                                                 "target_days"):
                if _read_into_bounded_number(spec, name):
                    continue
                assert name in QUANTITY_BOUNDS, f"{spec.name}.{name}"


# ---------------------------------------------------------------- non-finite results


def test_a_non_finite_result_is_a_clean_error_everywhere(capsys):
    spec = _spec(lambda **kw: _Out(y=float("-inf")))
    line = "result: y came out -inf (not a finite number); the arguments are too extreme"
    assert dispatch("fake", {}, tools=[spec])["error"].startswith(line)
    assert main(["fake", "--json"], specs=[spec]) == 2
    out, err = capsys.readouterr()
    assert out == "" and err.startswith(f"flopcast: error: {line}") and err.count("\n") == 1


# ---------------------------------------------------------------- panics and interrupts


def test_dispatch_contains_a_library_panic():
    out = dispatch("fake", {}, tools=[_raise(Panic("attempt to subtract with overflow"))])
    assert out == {"error": "fake: internal error (Panic: attempt to subtract with overflow); "
                            "this is a bug in flopcast, not in your input"}


@pytest.mark.parametrize("stop", [KeyboardInterrupt(), SystemExit(3), GeneratorExit(),
                                  asyncio.CancelledError()])
def test_dispatch_lets_requests_to_stop_through(stop):
    with pytest.raises(type(stop)):
        dispatch("fake", {}, tools=[_raise(stop)])


def test_propagates_tells_stops_from_failures():
    assert [must_propagate(e) for e in (KeyboardInterrupt(), asyncio.CancelledError(), Panic(),
                                    ValueError())] == [True, True, False, False]


def test_langchain_contains_a_library_panic():
    from flopcast.tools import langchain_tools

    tool = langchain_tools(tools=[_raise(Panic("boom"))])[0]
    message = tool.invoke({"name": "fake", "args": {}, "id": "1", "type": "tool_call"})
    assert message.status == "error"
    assert message.content == "fake: internal error (Panic: boom); this is a bug in flopcast, " \
                              "not in your input"


def test_cli_a_library_panic_is_one_line_and_status_1(capsys):
    assert main(["fake"], specs=[_raise(Panic("boom"))]) == 1
    out, err = capsys.readouterr()
    assert out == ""
    assert err == "flopcast: error: fake: internal error (Panic: boom); this is a bug in " \
                  "flopcast, not in your input\n"


def test_cli_ctrl_c_is_one_line_and_status_130(capsys):
    assert main(["fake"], specs=[_raise(KeyboardInterrupt())]) == 130
    out, err = capsys.readouterr()
    assert (out, err) == ("", "flopcast: interrupted\n")


# ---------------------------------------------------------------- CLI user errors


@pytest.mark.parametrize(
    ("argv", "start"),
    [
        (["explain"], "flopcast explain: error: the following arguments are required: --topic"),
        (["estimate", "--params", "7B", "--tokens", "1T", "--count", "8"],
         "flopcast: error: hardware: is required with count"),
        (["estimate", "--hardware", "a100", "--params", "1e400", "--tokens", "1T"],
         "flopcast: error: params: Input should be less than or equal to 1000000000000000, "
         "got inf"),
        (["estimate", "--hardware", "a100", "--params", "9×10^999", "--tokens", "1T"],
         "flopcast: error: params: is infinite or too large for a number"),
        (["estimate", "--hardware", "a100", "--params", "7B", "--tokens", "1T", "--count",
          "1" + "0" * 400], "flopcast: error: count: Input should be less than or equal to "
         "10000000, got an integer of 401 digits"),
        (["estimate", "--hardware", "x" * 100_000, "--params", "7B", "--tokens", "1T"],
         "flopcast: error: hardware: unknown hardware 'xxxx"),
        (["claim", "--model", "gpt-3-175b", "--hardware", "a100", "--days", "1e-300", "--json"],
         "flopcast: error: days: Input should be greater than or equal to"),
    ],
)
def test_cli_user_errors_exit_2_with_one_short_line(capsys, argv, start):
    assert main(argv) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err.startswith(start), err[:300]
    assert err.count("\n") == 1 and len(err) < 1_000
    assert "internal error" not in err and "Traceback" not in err
