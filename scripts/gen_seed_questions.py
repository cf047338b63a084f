"""Generate examples/seed_questions.md: every question and figure of the seed answered by the tools.

    python scripts/gen_seed_questions.py          # rewrite examples/seed_questions.md
    python scripts/gen_seed_questions.py --check  # exit 1 if the file is out of date

The seed (`/work/shared/seed/000_6a9f6f9b28233ea5.txt`, Chinese) is the document flopcast grew
from. Each entry below quotes one of its claims and names the tool calls that answer it; every
figure in the generated file comes from those calls (through `flopcast.tools.dispatch`, exactly
as an assistant would make them), in Chinese and in English. Nothing here computes. The test
suite regenerates the file and fails when it differs, so the answers cannot drift from the code.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from flopcast.tools import dispatch

ROOT = Path(__file__).resolve().parents[1]
OUTPUT = ROOT / "examples" / "seed_questions.md"


@dataclass(frozen=True)
class Call:
    tool: str
    arguments: dict[str, Any]


@dataclass(frozen=True)
class Question:
    zh: str
    en: str
    seed_zh: str  # the seed's own words
    seed_en: str  # their translation
    calls: list[Call] = field(default_factory=list)


GPT3_1024_A100 = {
    "model": "gpt-3-175b",
    "hardware": "a100",
    "count": 1024,
    "achieved_tflops": 140,
    "recompute": "full",
}

QUESTIONS: list[Question] = [
    Question(
        zh="训练 GPT-3 需要多少 FLOPs？",
        en="How many FLOPs does training GPT-3 take?",
        seed_zh="训练 GPT-3 需要约 3.114 × 10^23 FLOPS",
        seed_en="training GPT-3 takes about 3.114 × 10^23 FLOPS",
        calls=[
            Call("check_claim", {"model": "gpt-3-175b", "flops": "3.114e23"}),
            Call("plan_compute_optimal", {"params": "174.6B", "tokens": "300B"}),
        ],
    ),
    Question(
        zh="用两块 V100 的服务器（共约 28 TFLOPS）训练 GPT-3 要多少年？",
        en="How many years would a server with two V100s (about 28 TFLOPS together) need?",
        seed_zh="如果使用两块 V100 GPU（总计约 28 TFLOPS）的服务器，理论上需要 355 年完成",
        seed_en="on a server with two V100 GPUs (about 28 TFLOPS in total) it would take 355 years",
        calls=[
            Call("check_claim", {"model": "gpt-3-175b", "flops": "3.114e23", "hardware": "v100",
                                 "count": 2, "years": 355}),
            Call("estimate_training", {"flops": "3.114e23", "hardware": "v100", "count": 2,
                                       "achieved_tflops": 14}),
        ],
    ),
    Question(
        zh="1024 块 A100 训练 GPT-3 要多少天？折合多少 GPU 小时？",
        en="How many days does GPT-3 take on 1,024 A100s, and how many GPU-hours is that?",
        seed_zh="1024 块 A100 GPU 可在 34 天内完成 GPT-3 的训练 …… 1024 * 34 * 24 ≈ 835,584 小时",
        seed_en="1,024 A100 GPUs finish GPT-3 in 34 days … 1024 × 34 × 24 ≈ 835,584 hours",
        calls=[
            Call("check_claim", {"model": "gpt-3-175b", "hardware": "a100", "count": 1024,
                                 "days": 34, "device_hours": 835584, "achieved_tflops": 140}),
            Call("estimate_training", GPT3_1024_A100),
        ],
    ),
    Question(
        zh="单块 V100 训练 GPT-3 要多久？为什么文中说 700 年？",
        en="How long would a single V100 take? Why does the text say 700 years?",
        seed_zh="如果使用单块 V100 GPU，理论上可能需要约 700 年（基于峰值性能计算）；"
        "V100 GPU 的单精度峰值性能约为 14.1 TFLOPS",
        seed_en="a single V100 would in theory need about 700 years (from its peak); "
        "the V100's single-precision peak is about 14.1 TFLOPS",
        calls=[
            Call("check_claim", {"model": "gpt-3-175b", "hardware": "v100 pcie", "count": 1,
                                 "years": 700, "precision": "fp32"}),
            Call("estimate_training", {"model": "gpt-3-175b", "hardware": "v100 pcie",
                                       "count": 1, "precision": "fp32", "mfu": 1.0}),
            Call("estimate_training", {"model": "gpt-3-175b", "hardware": "v100 pcie",
                                       "count": 1, "precision": "fp16", "mfu": 1.0}),
        ],
    ),
    Question(
        zh="A100 的峰值到底是 19.5 TFLOPS 还是 312 TFLOPS？",
        en="Is the A100's peak 19.5 TFLOPS or 312 TFLOPS?",
        seed_zh="A100 的峰值性能约为 19.5 TFLOPS",
        seed_en="the A100's peak performance is about 19.5 TFLOPS",
        calls=[
            Call("check_claim", {"hardware": "a100", "peak_tflops": 19.5}),
            Call("explain_flops", {"topic": "precision_sparsity", "hardware": "a100"}),
        ],
    ),
    Question(
        zh="训练 GPT-3 要花多少钱？",
        en="What does training GPT-3 cost?",
        seed_zh="训练 GPT-3 的估计成本在 460 万美元左右",
        seed_en="the estimated cost of training GPT-3 is around $4.6 million",
        calls=[
            Call("check_claim", {"model": "gpt-3-175b", "hardware": "v100", "count": 1,
                                 "years": 355, "cost_usd": "4.6M"}),
            Call("estimate_training", {"model": "gpt-3-175b", "hardware": "v100", "count": 1,
                                       "achieved_tflops": 28, "price_per_device_hour": 1.5}),
        ],
    ),
    Question(
        zh="训练 GPT-3 耗电多少度？",
        en="How much electricity does training GPT-3 use?",
        seed_zh="训练 GPT-3 消耗约 284,000 kWh",
        seed_en="training GPT-3 consumed about 284,000 kWh",
        calls=[
            Call("check_claim", {"model": "gpt-3-175b", "hardware": "a100", "count": 1024,
                                 "days": 34, "energy_kwh": 284000}),
            Call("estimate_training", {**GPT3_1024_A100, "pue": 1.0}),
        ],
    ),
    Question(
        zh="i9-14900K 的单精度峰值是怎么算出来的？",
        en="How is the i9-14900K's single-precision peak worked out?",
        seed_zh="现代高性能 CPU（如 Intel Core i9-14900K）在单精度下的峰值性能约为 2.5-3 TFLOPS",
        seed_en="a modern high-end CPU (e.g. Intel Core i9-14900K) peaks at about 2.5–3 TFLOPS "
        "in single precision",
        calls=[Call("explain_flops", {"topic": "peak_derivation", "hardware": "i9-14900k"})],
    ),
    Question(
        zh="什么指令集来衡量 FLOPS？FLOPs 和 FLOPS 有什么区别？",
        en="Which instruction set is FLOPS measured with? What is the difference between FLOPs "
        "and FLOPS?",
        seed_zh="计算需求通常以浮点运算次数（FLOPS）或 GPU 小时来衡量。"
        "FLOPS 表示每秒可执行的浮点运算次数 …… [[什么指令集来衡量FLOPS]]",
        seed_en="compute is usually measured in floating-point operations (FLOPS) or GPU-hours. "
        "FLOPS means floating-point operations per second … [[which instruction set measures "
        "FLOPS]]",
        calls=[
            Call("explain_flops", {"topic": "flops_units"}),
            Call("explain_flops", {"topic": "benchmarks"}),
        ],
    ),
    Question(
        zh="GPT-2（15 亿参数）真的需要 1.5E22 FLOPs 吗？",
        en="Does GPT-2 (1.5B parameters) really need 1.5E22 FLOPs?",
        seed_zh="GPT-2 | 15 亿 | 约 1.5E22",
        seed_en="GPT-2 | 1.5 billion | about 1.5E22",
        calls=[
            Call("check_claim", {"model": "gpt-2-1.5b", "flops": "1.5e22"}),
            Call("plan_compute_optimal", {"params": "1.542e9", "flops": "1.5e22"}),
        ],
    ),
    Question(
        zh="MT-NLG 5300 亿参数，训练需要多少算力？",
        en="MT-NLG has 530 billion parameters: how much compute does training it take?",
        seed_zh="MT-NLG | 5300 亿 | 未知（更高）",
        seed_en="MT-NLG | 530 billion | unknown (higher)",
        calls=[Call("estimate_training", {"model": "mt-nlg-530b", "hardware": "a100 sxm",
                                          "count": 2240})],
    ),
]

_HEADER = """\
# The seed's questions, answered by the tools / 种子文档里的问题，用工具回答

<!-- GENERATED by scripts/gen_seed_questions.py from the tools' output: do not edit by hand. -->

The seed document (Chinese, `seed/000_6a9f6f9b28233ea5.txt`) makes the claims quoted below. Each is
answered by flopcast's tools, called exactly as an assistant would call them (through
`flopcast.tools.dispatch`); the summaries, steps and assumptions are the tools' own output, in
Chinese and in English. Regenerate with `python scripts/gen_seed_questions.py`.

种子文档（中文）中的每个说法都在下面引用，并用 flopcast 工具作答：调用方式与 AI 助手相同，
摘要、推导步骤和假设均为工具的原始输出，中英文各一份。
"""


def _demote(markdown: str) -> str:
    """Push a tool's Markdown headings below this document's (## → #####)."""
    return re.sub(r"^(#{1,4}) ", lambda m: "#" * (len(m.group(1)) + 3) + " ", markdown,
                  flags=re.M)


def _run(call: Call, language: str) -> dict[str, Any]:
    result = dispatch(call.tool, {**call.arguments, "language": language})
    if set(result) == {"error"}:
        raise RuntimeError(f"{call.tool}({call.arguments}) failed: {result['error']}")
    return result


def _derivation(result: dict[str, Any]) -> list[str]:
    lines = []
    steps = result.get("steps") or []
    if steps:
        lines += ["Steps / 推导步骤:", ""]
        lines += [f"{i}. {s['name']}: `{s['text']}`" for i, s in enumerate(steps, 1)]
        lines.append("")
    assumptions = result.get("assumptions") or []
    if assumptions:
        lines += ["Assumptions / 假设:", ""]
        lines += [f"- `{a['name']}` = {a['value']} — {a['source']}" for a in assumptions]
        lines.append("")
    return lines


def _call_section(call: Call) -> list[str]:
    zh = _run(call, "zh")
    en = _run(call, "en")
    arguments = json.dumps(call.arguments, ensure_ascii=False)
    lines = [f"`{call.tool}` `{arguments}`", ""]
    lines += ["**中文：**", "", zh["summary"].strip(), ""]
    lines += ["**English:**", "", en["summary"].strip(), ""]
    details = _derivation(en)
    if "markdown" in en:
        details = ["中文详解：", "", _demote(zh["markdown"].strip()), "",
                   "Explanation:", "", _demote(en["markdown"].strip()), "", *details]
    if details:
        lines += ["<details><summary>Derivation / 推导</summary>", "", *details, "</details>", ""]
    return lines


def render() -> str:
    """The whole of examples/seed_questions.md, from the tools' current output."""
    lines = [_HEADER]
    for number, question in enumerate(QUESTIONS, 1):
        lines += [f"## {number}. {question.zh} / {question.en}", ""]
        lines += [f"> 原文：“{question.seed_zh}”", ">", f"> The seed: “{question.seed_en}”", ""]
        for call in question.calls:
            lines += _call_section(call)
    return "\n".join(lines).rstrip() + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--check", action="store_true", help="exit 1 if the file is stale")
    args = parser.parse_args(argv)
    text = render()
    if args.check:
        current = OUTPUT.read_text(encoding="utf-8") if OUTPUT.exists() else ""
        if current != text:
            sys.stderr.write(f"{OUTPUT} is out of date: run python scripts/gen_seed_questions.py\n")
            return 1
        return 0
    OUTPUT.write_text(text, encoding="utf-8")
    sys.stdout.write(f"wrote {OUTPUT}\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
