"""The `flopcast` command line, through `main(argv)`.

Two groups: the generic machinery (options generated from an input model, errors, --json, plain
fallback) checked with a test-only ToolSpec, and the shipped subcommands checked against the core
functions and hand-computed figures.
"""

from __future__ import annotations

import json
import sys
from typing import Literal

import pytest
from pydantic import BaseModel, ConfigDict, Field

from flopcast.quantities import parse_quantity
from flopcast.results import Assumption, Result, make_step
from flopcast.tools.cli import main
from flopcast.tools.registry import ToolSpec
from flopcast.validation import validate_args

# ---------------------------------------------------------------- a test-only tool


class DemoInput(BaseModel):
    model_config = ConfigDict(extra="forbid")

    params: float | str = Field(description="Parameters N, e.g. 175B.")
    tokens: float | str = Field(default=300e9, description="Training tokens D.")
    count: int = Field(default=1, ge=1, description="Number of devices (at least 1).")
    precision: Literal["bf16", "fp32"] = Field(default="bf16", description="Number format.")
    sparsity: bool = Field(default=False, description="Use the 2:4 sparse peak.")
    hardware: list[str] | None = Field(default=None, description="Accelerator ids.")
    language: Literal["en", "zh"] = Field(default="en", description="Answer language.")


class DemoRow(BaseModel):
    hardware: str
    days: float


class DemoResult(Result):
    flops: float = Field(description="Training FLOPs. The model count.")
    count: int
    precision: str
    sparsity: bool
    rows: list[DemoRow] = Field(default_factory=list)


def demo(
    *,
    params: float | str,
    tokens: float | str = 300e9,
    count: int = 1,
    precision: Literal["bf16", "fp32"] = "bf16",
    sparsity: bool = False,
    hardware: list[str] | None = None,
    language: Literal["en", "zh"] = "en",
) -> DemoResult:
    args = validate_args(DemoInput, locals())
    n = parse_quantity(args.params, argument="params")
    d = parse_quantity(args.tokens, argument="tokens")
    step = make_step("training FLOPs", "C = 6 · N · D", [("N", n, "params"), ("D", d, "tokens")],
                     6 * n * d, "FLOPs")
    return DemoResult(
        flops=6 * n * d,
        count=args.count,
        precision=args.precision,
        sparsity=args.sparsity,
        rows=[DemoRow(hardware=h, days=1.5) for h in args.hardware or []],
        steps=[step],
        assumptions=[Assumption(name="mfu", value="0.4", source="[a] PaLM §4.1")],
        summary="**Answer** in " + args.language,
        language=args.language,
    )


DEMO = ToolSpec(
    name="demo_tool",
    title="Demo tool",
    description="A tool that exists only in tests (100% fake).",
    input_model=DemoInput,
    output_model=DemoResult,
    handler=demo,
)


def run(capsys: pytest.CaptureFixture[str], *argv: str, specs: list[ToolSpec] | None = None
        ) -> tuple[int, str, str]:
    code = main(list(argv), specs=[DEMO] if specs is None else specs)
    out, err = capsys.readouterr()
    return code, out, err


def test_options_are_generated_from_the_input_model(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "demo-tool", "--help")
    assert code == 0
    for flag in ("--params", "--tokens", "--count", "--precision", "--sparsity", "--no-sparsity",
                 "--hardware", "--lang", "--json"):
        assert flag in out
    assert "{bf16,fp32}" in out
    assert "Number of devices (at least 1)." in out
    assert "(default: bf16)" in out


def test_a_field_added_to_the_model_appears_as_an_option(
    capsys: pytest.CaptureFixture[str],
) -> None:
    class Wider(DemoInput):
        warmup_steps: int = Field(default=0, description="Warm-up steps, a new field.")

    spec = ToolSpec(name="demo_tool", title="Demo", description="d", input_model=Wider,
                    output_model=DemoResult, handler=demo)
    code, out, _ = run(capsys, "demo-tool", "--help", specs=[spec])
    assert code == 0
    assert "--warmup-steps" in out and "Warm-up steps, a new field." in out


def test_subcommand_is_reachable_by_tool_name_too(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "demo_tool", "--params", "1B", "--json")
    assert code == 0
    assert json.loads(out)["flops"] == pytest.approx(6 * 1e9 * 300e9)


def test_json_equals_the_core_result(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "demo-tool", "--params", "175B", "--count", "8", "--precision",
                       "fp32", "--sparsity", "--hardware", "a100", "--hardware", "h100", "--json")
    assert code == 0
    expected = demo(params="175B", count=8, precision="fp32", sparsity=True,
                    hardware=["a100", "h100"])
    assert json.loads(out) == expected.model_dump(mode="json")
    assert json.loads(out)["flops"] == pytest.approx(3.15e23)


def test_plain_numbers_reach_the_tool_as_numbers(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "demo-tool", "--params", "1.75e11", "--tokens", "300000000000",
                       "--json")
    assert code == 0
    assert json.loads(out)["flops"] == pytest.approx(6 * 1.75e11 * 3e11)


def test_tables_show_summary_figures_steps_and_assumptions(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, _ = run(capsys, "demo-tool", "--params", "175B", "--hardware", "a100")
    assert code == 0
    assert "Demo tool" in out
    assert "Answer in en" in out
    assert "3.15 × 10^23" in out  # 6 × 1.75e11 × 3e11, by hand
    assert "C = 6 · N · D" in out  # the formula ...
    assert "N = 1.75 × 10^11 params" in out  # ... and the numbers put in
    assert "[a] PaLM §4.1" in out  # square brackets are text, not rich markup
    assert "a100" in out and "1.5" in out  # the rows table


def test_lang_zh_labels_and_passes_language(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "demo-tool", "--params", "175B", "--lang", "zh")
    assert code == 0
    assert "Answer in zh" in out
    assert "推导步骤" in out and "假设" in out


def test_plain_text_when_rich_is_missing(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "rich", None)
    code, out, _ = run(capsys, "demo-tool", "--params", "175B")
    assert code == 0
    assert "3.15 × 10^23" in out and "C = 6 · N · D" in out and "PaLM" in out


@pytest.mark.parametrize(
    ("argv", "needle"),
    [
        (["demo-tool", "--params", "lots"], "params"),  # the tool rejects it
        (["demo-tool", "--params", "1B", "--count", "0"], "count"),  # out of range
        (["demo-tool", "--params", "1B", "--count", "two"], "--count"),  # argparse type
        (["demo-tool", "--params", "1B", "--precision", "fp7"], "fp7"),  # not a choice
        (["demo-tool"], "--params"),  # required option missing
        (["demo-tool", "--params", "1B", "--bogus", "1"], "--bogus"),
        (["no-such-command"], "no-such-command"),
    ],
)
def test_bad_input_exits_2_with_one_line(
    capsys: pytest.CaptureFixture[str], argv: list[str], needle: str
) -> None:
    code, out, err = run(capsys, *argv)
    assert code == 2
    assert out == ""
    assert err.count("\n") == 1 and err.endswith("\n")
    assert needle in err
    assert "Traceback" not in err


def test_no_command_prints_help_and_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys)
    assert code == 2
    assert "demo-tool" in err and "serve" in err


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    from flopcast import __version__

    code, out, _ = run(capsys, "--version")
    assert code == 0
    assert __version__ in out
