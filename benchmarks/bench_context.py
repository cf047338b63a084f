"""What flopcast costs an assistant's context, in o200k_base tokens (issue 11).

Run:  .venv/bin/python benchmarks/bench_context.py [--check]

Prints two Markdown tables:

1. the tool definitions every conversation pays for: `anthropic_tools()` (name, description,
   input schema) and `openai_tools(strict=True)` (with and without `more`), as the JSON an
   SDK sends (`json.dumps(..., ensure_ascii=False)`), and what a strict-mode call writes when
   it sets nothing;
2. the answer to each question of the shared QUESTIONS.md that maps to one call (and the
   seed's claims): the text an assistant reads, concise (default) and full, and the
   structured result as JSON (what `dispatch` returns and MCP sends as structuredContent).

`--check` exits 1 when a target is missed: definitions ≤ 6,000, strict ≤ 6,600 and ≤ 1.1 ×
the definitions; concise estimate_training ≤ 700, compare_gpus over the
whole catalog ≤ 1,500, check_claim on the seed's claims ≤ 800, explain_flops ≤ 1,200 (the
topic without a device, which works four devices, ≤ 1,600). tests/test_context_budget.py runs
the same checks. Deterministic: the same code gives the same table.
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import dataclass
from typing import Any

from flopcast.tokens.encodings import load_encoding
from flopcast.tools.registry import call_tool, get_tool, structured
from flopcast.tools.schemas import anthropic_tools, openai_tools

#: Issue 11's targets for the definitions (o200k tokens, all tools): anthropic_tools() ≤ 6,000
#: and openai_tools(strict=True) within 10% of that, i.e. ≤ 6,600 and ≤ 1.1 × the measured
#: anthropic_tools() (both are checked). Strict mode lists every argument in `required` and
#: makes each optional one nullable, ~8 tokens per argument, so strict schemas type the
#: arguments a question usually sets and take each tool's rarer ones in one JSON object,
#: `more` (`ToolSpec.strict_more`); `openai_tools(strict=True, more=False)`, every argument
#: typed, is measured beside it.
DEFINITIONS_TARGET = 6_000
DEFINITIONS_MAX = DEFINITIONS_TARGET
STRICT_TARGET = 6_600
STRICT_RATIO = 1.10


@dataclass(frozen=True)
class Case:
    question: str
    tool: str
    arguments: dict[str, Any]
    concise_max: int | None = None  # the target for this answer, if any


GPT3 = {"model": "gpt-3-175b"}

CASES: list[Case] = [
    # From the seed
    Case("训练 GPT-3 需要多少 FLOPs？用两块 V100 的服务器要多少年？", "estimate_training",
         {**GPT3, "hardware": "v100", "count": 2, "achieved_tflops": 28, "language": "zh"}, 700),
    Case("1024 块 A100 训练 GPT-3 要多少天？折合多少 GPU 小时、多少钱、多少度电？",
         "estimate_training", {**GPT3, "hardware": "a100", "count": 1024,
                               "achieved_tflops": 140, "recompute": "full", "language": "zh"},
         700),
    Case("seed: 3.114E23 FLOPs, 355 years on two V100s at 28 TFLOPS", "check_claim",
         {**GPT3, "flops": "3.114e23", "hardware": "v100", "count": 2, "years": 355,
          "achieved_tflops": 28}, 800),
    Case("seed: 1024 A100, 34 days, 835,584 GPU-hours, $4.6M, 284,000 kWh", "check_claim",
         {**GPT3, "hardware": "a100", "count": 1024, "days": 34, "device_hours": 835584,
          "cost_usd": "4.6M", "energy_kwh": 284000}, 800),
    Case("seed: a single V100 needs ~700 years", "check_claim",
         {**GPT3, "hardware": "v100", "count": 1, "years": 700, "precision": "fp32"}, 800),
    Case("seed: A100 peak 19.5 TFLOPS", "check_claim",
         {"hardware": "a100", "peak_tflops": 19.5}, 800),
    Case("seed: GPT-2 1.5B needs 1.5E22 FLOPs", "check_claim",
         {"model": "gpt-2-1.5b", "flops": "1.5e22"}, 800),
    Case("i9-14900K 的单精度峰值是怎么算出来的？", "explain_flops",
         {"topic": "peak_derivation", "hardware": "i9-14900k", "language": "zh"}, 1200),
    Case("什么指令集来衡量 FLOPS？FLOPs 和 FLOPS 有什么区别？", "explain_flops",
         {"topic": "flops_units", "language": "zh"}, 1200),
    Case("MT-NLG 5300 亿参数，训练需要多少算力？", "estimate_training",
         {"model": "mt-nlg-530b", "hardware": "a100", "count": 2240, "language": "zh"}, 700),
    # Planning a run
    Case("How long does a 7B model on 2T tokens take on 256 H100s?", "estimate_training",
         {"params": "7B", "tokens": "2T", "hardware": "h100", "count": 256}, 700),
    Case("Which GPU trains a 13B model on 1T tokens cheapest within 30 days? (whole catalog)",
         "compare_gpus", {"params": "13B", "tokens": "1T", "target_days": 30,
                          "sort_by": "cost"}, 1500),
    Case("How many H100s to train a 70B model on 15T tokens in 90 days at 40% MFU?",
         "estimate_training", {"params": "70B", "tokens": "15T", "hardware": "h100",
                               "target_days": 90, "mfu": 0.4}, 700),
    Case("$2M of cloud credit at $2.50 per H100-hour: largest compute-optimal model?",
         "plan_compute_optimal", {"hardware": "h100", "budget_usd": "2M",
                                  "price_per_device_hour": 2.5}),
    Case("I have 1e24 FLOPs. What size and how many tokens?", "plan_compute_optimal",
         {"flops": "1e24"}),
    Case("Is a 1B model on 1T tokens compute-optimal?", "plan_compute_optimal",
         {"params": "1B", "tokens": "1T"}),
    Case("Llama 3.1 405B at today's H100 price, CO2 at 0.4 kg/kWh?", "estimate_training",
         {"model": "llama-3.1-405b", "hardware": "h100", "count": 16384,
          "carbon_kg_per_kwh": 0.4}, 700),
    Case("8.4e22 FLOPs took 11 days on 64 A100s. What MFU?", "check_claim",
         {"flops": "8.4e22", "days": 11, "hardware": "a100", "count": 64}, 800),
    Case("GPT-3-size model in a day on 8 H100s. Possible?", "check_claim",
         {**GPT3, "hardware": "h100", "count": 8, "days": 1}, 800),
    # Memory and serving
    Case("Full fine-tune of a 7B model on one 80 GB A100?", "estimate_memory",
         {"model": "llama-2-7b", "hardware": "a100"}),
    Case("KV cache of Llama 2 70B at 32k context, batch 8?", "estimate_memory",
         {"model": "llama-2-70b", "mode": "inference", "context": 32768, "batch": 8}),
    Case("Tokens/s of a 70B model on one H100 in int4?", "estimate_inference",
         {"model": "llama-2-70b", "hardware": "h100", "precision": "int4"}),
    Case("Serving 1M tokens of a 70B model on H200 at $3.50/h?", "estimate_inference",
         {"model": "llama-2-70b", "hardware": "h200", "price_per_device_hour": 3.5}),
    # Understanding
    Case("Why is training 6·N·D FLOPs?", "explain_flops", {"topic": "training_flops"}, 1200),
    Case("What is MFU vs HFU?", "explain_flops", {"topic": "mfu_hfu"}, 1200),
    Case("Why 1,979 TFLOPS for the H100 when people use 989?", "explain_flops",
         {"topic": "precision_sparsity", "hardware": "h100"}, 1200),
    Case("How is a peak derived? (no device: four worked devices)", "explain_flops",
         {"topic": "peak_derivation"}, 1200),
    Case("峰值是怎么推导出来的？（不指定设备）", "explain_flops",
         {"topic": "peak_derivation", "language": "zh"}, 1200),
    Case("Which accelerators are there?", "list_hardware", {}),
]


def _count(encoding: Any, data: Any) -> int:
    text = data if isinstance(data, str) else json.dumps(data, ensure_ascii=False)
    return encoding.count(text)


def _null_call(tool: dict[str, Any]) -> dict[str, None]:
    return dict.fromkeys(tool["function"]["parameters"]["properties"])


def measure() -> tuple[dict[str, int], list[tuple[Case, int, int, int]]]:
    """(definition tokens by format, [(case, concise, full, structured JSON)])."""
    encoding = load_encoding("o200k_base")
    definitions = {
        "anthropic_tools()": _count(encoding, anthropic_tools()),
        "openai_tools(strict=True)": _count(encoding, openai_tools(strict=True)),
        "openai_tools(strict=True, more=False)": _count(
            encoding, openai_tools(strict=True, more=False)),
        "openai_tools()": _count(encoding, openai_tools()),
        # What a strict-mode model writes in the call even when it sets nothing: every
        # property, as null (summed over the tools).
        "strict call, every argument null (all tools)": _count(
            encoding, [_null_call(t) for t in openai_tools(strict=True)]),
        "the same, more=False": _count(
            encoding, [_null_call(t) for t in openai_tools(strict=True, more=False)]),
    }
    answers = []
    for case in CASES:
        spec = get_tool(case.tool)
        result = call_tool(spec, case.arguments)
        answers.append((case, _count(encoding, spec.render(result, "concise")),
                        _count(encoding, spec.render(result, "full")),
                        _count(encoding, structured(result))))
    return definitions, answers


def problems(definitions: dict[str, int], answers: list[tuple[Case, int, int, int]]
             ) -> list[str]:
    """Every target missed, as a line."""
    out = []
    if definitions["anthropic_tools()"] > DEFINITIONS_MAX:
        out.append(f"anthropic_tools(): {definitions['anthropic_tools()']} > {DEFINITIONS_MAX}")
    strict_max = min(STRICT_TARGET, int(STRICT_RATIO * definitions["anthropic_tools()"]))
    if definitions["openai_tools(strict=True)"] > strict_max:
        out.append(f"openai strict: {definitions['openai_tools(strict=True)']} > {strict_max}")
    for case, concise, _, _ in answers:
        if case.concise_max is not None and concise > case.concise_max:
            out.append(f"{case.tool} ({case.question}): {concise} > {case.concise_max}")
    return out


def table(definitions: dict[str, int], answers: list[tuple[Case, int, int, int]]) -> str:
    """Both tables as Markdown (the README's generated section)."""
    lines = ["| what every conversation or call pays (all tools) | o200k tokens |", "|---|---:|"]
    lines += [f"| {f'`{name}`' if name.endswith(')') else name} | {tokens:,} |"
              for name, tokens in definitions.items()]
    lines += ["", "| question | tool | concise | full | structured JSON | target (concise) |",
              "|---|---|---:|---:|---:|---:|"]
    for case, concise, full, data in answers:
        target = "" if case.concise_max is None else f"≤ {case.concise_max:,}"
        lines.append(f"| {case.question} | {case.tool} | {concise:,} | {full:,} | {data:,} | "
                     f"{target} |")
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="exit 1 when a target is missed")
    args = parser.parse_args()
    definitions, answers = measure()
    print(table(definitions, answers))
    missed = problems(definitions, answers)
    for line in missed:
        print(f"missed: {line}", file=sys.stderr)
    return 1 if (args.check and missed) else 0


if __name__ == "__main__":
    raise SystemExit(main())
