"""Tool choice from the descriptions alone: the users' questions still reach the right tool.

The questions are those of the shared QUESTIONS.md (what users bring to flopcast), each with
the tools that answer it. An assistant picks a tool from its name, title and description; a
lexical stand-in for that choice (terms shared with the question, weighted by how few tools
use them; Chinese as character pairs) must rank an answering tool first. It is a floor, not a
model: a description that loses the words of its questions fails here, so shortening the
definitions (issue 11) cannot silently cost tool choice. The cluster and layout questions wait
for the cluster tool.
"""

from __future__ import annotations

import math
import re
from collections import Counter

import pytest

from flopcast.tools.registry import TOOLS, ToolSpec

QUESTIONS: list[tuple[str, set[str]]] = [
    # From the seed (Chinese)
    ("训练 GPT-3 需要多少 FLOPs？用两块 V100 的服务器要多少年？", {"estimate_training"}),
    ("1024 块 A100 训练 GPT-3 要多少天？折合多少 GPU 小时？要花多少钱、多少度电？",
     {"estimate_training"}),
    ("单块 V100 训练 GPT-3 要多久？为什么文中说 700 年？", {"estimate_training", "check_claim"}),
    ("A100 的峰值到底是 19.5 TFLOPS 还是 312 TFLOPS？", {"list_hardware", "check_claim"}),
    ("i9-14900K 的单精度峰值是怎么算出来的？", {"explain_flops"}),
    ("什么指令集来衡量 FLOPS？FLOPs 和 FLOPS 有什么区别？", {"explain_flops"}),
    ("GPT-2 真的需要 1.5E22 FLOPs 吗？", {"check_claim"}),
    # Planning a run
    ("How long does a 7B model on 2T tokens take on 256 H100s? And on 512 A100s?",
     {"estimate_training"}),
    ("Which GPU trains a 13B model on 1T tokens cheapest if it must finish within 30 days?",
     {"compare_gpus"}),
    ("How many H100s do I need to train a 70B model on 15T tokens in 90 days at 40% MFU?",
     {"estimate_training"}),
    ("I have $2M of cloud credit at $2.50 per H100-hour. What is the largest compute-optimal "
     "model?", {"plan_compute_optimal"}),
    ("I have 1e24 FLOPs. What size and how many tokens does Chinchilla say?",
     {"plan_compute_optimal"}),
    ("Is training a 1B model on 1T tokens compute-optimal? How far off?",
     {"plan_compute_optimal"}),
    ("How much would training Llama 3.1 405B cost at today's H100 rental price, and what CO2 "
     "at 0.4 kg/kWh?", {"estimate_training"}),
    ("Our run of 8.4e22 FLOPs took 11 days on 64 A100s. What MFU did we get?", {"check_claim"}),
    ("Someone claims they trained a GPT-3-size model in a day on 8 H100s. Possible?",
     {"check_claim"}),
    # Memory and serving
    ("Can I full fine-tune a 7B model on one 80 GB A100? With ZeRO-3 on 8 GPUs?",
     {"estimate_memory"}),
    ("How much memory does the KV cache of Llama 2 70B need at 32k context, batch 8?",
     {"estimate_memory"}),
    ("How many tokens per second can one H100 decode for a 70B model in bf16? In int4?",
     {"estimate_inference"}),
    ("What does serving 1M tokens of a 70B model cost on H200 at $3.50 per hour?",
     {"estimate_inference"}),
    # Data
    ("How many tokens (o200k_base) are in this folder of Markdown and Python files?",
     {"count_tokens"}),
    # Seeing it
    ("Show me a chart of days and cost per GPU type for training a 13B model on 1T tokens.",
     {"compare_gpus"}),
    ("Plot where the compute-optimal point lies for 1e24 FLOPs.", {"plan_compute_optimal"}),
    ("What fills the memory when I fine-tune a 7B model on one A100? Draw it.",
     {"estimate_memory"}),
    # The cluster and the layout
    ("How long does GPT-3 175B take on 1024 A100s in DGX nodes with HDR InfiniBand, TP 8, PP 8, "
     "batch 1536? What TFLOP/s per GPU should I expect?", {"plan_cluster_training"}),
    ("What is the best TP/PP/DP layout for Llama 3 70B on 512 H100s with a 4M-token batch?",
     {"plan_cluster_training"}),
    ("Why is my MFU only 30%?", {"plan_cluster_training", "explain_flops"}),
    ("Our 13B run gets 31% MFU on 128 H100s with TP 4, PP 1, ZeRO-1. Where does the time go, "
     "and what should we change?", {"plan_cluster_training"}),
    ("Does doubling from 8,192 to 16,384 GPUs at the same batch halve the training time?",
     {"plan_cluster_training"}),
    ("在 256 张昇腾 910B 上训练 70B 模型，用什么并行策略最快？", {"plan_cluster_training"}),
    # Understanding
    ("Why is training 6·N·D FLOPs? Where does the 6 come from?", {"explain_flops"}),
    ("What is MFU vs HFU? What MFU do big runs reach?", {"explain_flops"}),
    ("How do FP8 and FP4 change training time?", {"explain_flops", "estimate_training"}),
]

_WORD = re.compile(r"[a-z0-9][a-z0-9.+-]*|[\u4e00-\u9fff]+")
_STOP = {"a", "an", "the", "of", "on", "in", "at", "to", "for", "and", "or", "is", "it", "do",
         "does", "i", "my", "we", "our", "what", "how", "e.g", "with", "by", "as", "be", "this",
         "vs", "from", "per", "one", "can", "that", "when", "where", "which"}


def _terms(text: str) -> list[str]:
    out = []
    for word in _WORD.findall(text.lower()):
        word = word.strip(".-+")
        if not word or word in _STOP:
            continue
        if "\u4e00" <= word[0] <= "\u9fff":
            out += [word[i:i + 2] for i in range(max(1, len(word) - 1))]
        else:
            out.append(word[:-1] if word.endswith("s") and len(word) > 3 else word)
    return out


def _documents() -> dict[str, Counter[str]]:
    return {s.name: Counter(_terms(f"{s.name.replace('_', ' ')} {s.title} {s.description}"))
            for s in TOOLS}


def choose(question: str, tools: tuple[ToolSpec, ...] = TOOLS) -> list[str]:
    """Tools ranked by shared terms, each weighted by its inverse document frequency."""
    docs = _documents()
    idf = {t: math.log(len(docs) / sum(t in d for d in docs.values()))
           for d in docs.values() for t in d}
    terms = set(_terms(question))
    scores = {name: sum(idf.get(t, 0.0) for t in terms if t in doc)
              for name, doc in docs.items()}
    return sorted(scores, key=lambda n: (-scores[n], n))


@pytest.mark.parametrize(("question", "answers"), QUESTIONS, ids=[q[:40] for q, _ in QUESTIONS])
def test_a_question_reaches_a_tool_that_answers_it(question: str, answers: set[str]):
    ranked = choose(question)
    assert ranked[0] in answers, f"{question!r} → {ranked[:3]}"
