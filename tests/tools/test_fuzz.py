"""Seeded fuzzing of every tool through the in-memory MCP client.

A few hundred calls per tool, with arguments generated from the tool's own input JSON schema
(values inside and outside each bound) mixed with hostile values: missing required
arguments, wrong types, huge / tiny / negative numbers and numeric strings, non-finite text
("1e400", "9×10^999", "NaN"), integers of 400 digits, long strings, NUL bytes, unicode,
nested objects and unknown keys. Every call must answer: with a result free of NaN and
infinity, or a one-line error that is the caller's (never "internal error"). Afterwards the
server still answers a normal call.

No folder is granted (`build_server()` without `--allow-dir`), so every path is refused;
the paths generated are made-up relative names. `text` stays short: long whitespace runs
are another test's business.
"""

from __future__ import annotations

import json
import math
import random
from typing import Any

import pytest
from fastmcp import Client

from flopcast.tools.mcp_server import build_server
from flopcast.tools.registry import TOOLS, ToolSpec
from flopcast.tools.schemas import input_schema

SEED = 20261201
CALLS_PER_TOOL = 200
#: Longest error line accepted: the argument, what was wrong, a quoted prefix of the input
#: (≤ 80 characters) and what is accepted (a field description, the list of arguments).
MAX_ERROR_CHARACTERS = 2_000
#: `text` for count_tokens stays below this (the brief of this test, see the docstring).
MAX_TEXT = 5_000

NORMAL_CALLS: dict[str, dict[str, Any]] = {
    "estimate_training": {"model": "gpt-3-175b", "hardware": "a100", "count": 1024,
                          "achieved_tflops": 140},
    "compare_gpus": {"params": "13B", "tokens": "1T", "hardware": ["h100-sxm", "a100"]},
    "plan_compute_optimal": {"flops": "1e24"},
    "plan_cluster_training": {"model": "gpt-3-175b", "count": 1024, "system": "dgx-a100",
                              "tensor_parallel": 8, "pipeline_parallel": 8,
                              "global_batch": 1536},
    "estimate_memory": {"model": "llama-2-70b", "mode": "inference", "context": 4096},
    "estimate_inference": {"model": "llama-2-70b", "hardware": "h100"},
    "count_tokens": {"text": "How many days does GPT-3 take? 训练 GPT-3 需要多少天？"},
    "check_claim": {"model": "gpt-3-175b", "hardware": "a100", "count": 1024, "days": 34},
    "explain_flops": {"topic": "mfu_hfu"},
    "list_hardware": {"vendor": "NVIDIA"},
    "list_models": {"family": "llama-2"},
}

HOSTILE: list[Any] = [
    None, True, False, 0, -1, 1, -0.0, 0.5, -1e308, 1e308, 5e-324, 1e-300, 2**63, 2**64 + 1,
    10**400, -(10**400), "", " ", "0", "-5", "1e400", "-1e400", "9×10^999", "9x10^-999",
    "1e-400", "NaN", "nan", "inf", "-inf", "Infinity", "1e308 tokens", "1e16 params",
    "175B", "3万亿", "1e-9 days", "10^400", "1" + "0" * 400, "x" * 3_000, "\x00", "a\x00b",
    "日本語のテキスト", "🙂" * 50, "\u202e\u200b", "../../etc", "'; DROP TABLE",
    [], [1, [2, [3, [4]]]], ["a100"] * 50, {}, {"nested": {"deeper": [1, {"x": None}]}},
    [None], [10**400], ["\x00"],
]


def _in_schema_number(node: dict[str, Any], rng: random.Random, integer: bool) -> Any:
    low = node.get("minimum", node.get("exclusiveMinimum", -1e6))
    high = node.get("maximum", node.get("exclusiveMaximum", 1e6))
    roll = rng.random()
    if roll < 0.25:
        value: Any = low
    elif roll < 0.5:
        value = high
    elif roll < 0.9:  # log-uniform inside the bounds when they are positive
        if low > 0 and high > 0:
            value = math.exp(rng.uniform(math.log(low), math.log(high)))
        else:
            value = rng.uniform(low, high)
    else:  # just outside a bound
        value = rng.choice([low - 1, high * 10 + 1, -high, low / 10])
    if integer:
        return int(value) if math.isfinite(value) and abs(value) < 1e18 else 10**30
    return float(value)


def _from_schema(node: dict[str, Any], rng: random.Random, name: str) -> Any:
    """A value for one argument, mostly of the schema's shape, sometimes not."""
    if "anyOf" in node:
        return _from_schema(rng.choice(node["anyOf"]), rng, name)
    if "enum" in node:
        if rng.random() < 0.85:
            return rng.choice(node["enum"])
        return rng.choice(["not-a-choice", str(node["enum"][0]).upper(), -1])
    kind = node.get("type")
    if kind == "null":
        return None
    if kind == "boolean":
        return rng.choice([True, False, "yes", 1])
    if kind == "integer":
        return _in_schema_number(node, rng, integer=True)
    if kind == "number":
        return _in_schema_number(node, rng, integer=False)
    if kind == "array":
        return [_from_schema(node.get("items", {}), rng, name) for _ in range(rng.randint(0, 4))]
    if kind == "string":
        if name in ("path", "bpe_file"):
            return rng.choice(["corpus", "docs/readme.md", "no/such/file.txt", "a\x00b",
                               "x" * 5_000, "../outside", "."])
        if name == "text":
            return rng.choice(["hello", "训练 GPT-3", "🙂 " * 100, "a\x00b",
                               "".join(rng.choice("ab c\n\t") for _ in range(MAX_TEXT))])
        return rng.choice(["a100", "h100", "gpt-3-175b", "llama-2-70b", "NVIDIA", "bf16",
                           "175B", "1e24", "34 days", "zz", "x" * 5_000, "日本", ""])
    return rng.choice(HOSTILE)


def _arguments(spec: ToolSpec, schema: dict[str, Any], rng: random.Random) -> dict[str, Any]:
    properties: dict[str, Any] = schema.get("properties", {})
    required = set(schema.get("required", []))
    if rng.random() < 0.5:  # a normal call with one or two arguments changed
        arguments = dict(NORMAL_CALLS[spec.name])
        for name in rng.sample(sorted(properties), k=min(2, len(properties))):
            arguments[name] = _from_schema(properties[name], rng, name) \
                if rng.random() < 0.85 else rng.choice(HOSTILE)
            if name == "text" and isinstance(arguments[name], str):
                arguments[name] = arguments[name][:MAX_TEXT]
        return arguments
    arguments = {}
    for name, node in properties.items():
        if name in required and rng.random() < 0.1:
            continue  # a missing required argument
        if name not in required and rng.random() < 0.6:
            continue  # most optional arguments left out
        if rng.random() < 0.3:
            value = rng.choice(HOSTILE)
        else:
            value = _from_schema(node, rng, name)
        if name == "text" and isinstance(value, str):
            value = value[:MAX_TEXT]
        arguments[name] = value
    if rng.random() < 0.1:
        arguments[rng.choice(["zz_extra", "allowed_roots", "progress", "\x00", "é" * 200])] = 1
    return arguments


def _non_finite(value: Any, path: str = "") -> str | None:
    if isinstance(value, float):
        return None if math.isfinite(value) else path
    if isinstance(value, dict):
        items = value.items()
    elif isinstance(value, list):
        items = enumerate(value)
    else:
        return None
    for key, item in items:
        found = _non_finite(item, f"{path}.{key}")
        if found is not None:
            return found
    return None


def _check_answer(spec: ToolSpec, arguments: dict[str, Any], result: Any) -> None:
    shown = repr(arguments)[:300]
    if result.is_error:
        assert len(result.content) == 1, shown
        text = result.content[0].text
        assert "\n" not in text, (shown, text[:300])
        assert "internal error" not in text, (shown, text[:500])
        assert "Traceback" not in text, (shown, text[:300])
        assert 0 < len(text) <= MAX_ERROR_CHARACTERS, (shown, len(text), text[:300])
    else:
        data = result.structured_content
        assert isinstance(data, dict), shown
        assert _non_finite(data) is None, (shown, _non_finite(data))
        json.dumps(data, allow_nan=False)


@pytest.mark.parametrize("spec", TOOLS, ids=lambda s: s.name)
async def test_fuzzed_calls_answer_cleanly_and_the_server_keeps_serving(spec: ToolSpec):
    rng = random.Random(f"{SEED}:{spec.name}")
    schema = input_schema(spec)
    calls = [_arguments(spec, schema, rng) for _ in range(CALLS_PER_TOOL)]
    errors = 0
    async with Client(build_server()) as client:
        for arguments in calls:
            result = await client.call_tool(spec.name, arguments, raise_on_error=False)
            _check_answer(spec, arguments, result)
            errors += bool(result.is_error)
        normal = await client.call_tool(spec.name, NORMAL_CALLS[spec.name])
        assert normal.is_error is False
    # The generator reaches both outcomes: a fuzz that only ever errs proves little.
    assert 0 < errors < CALLS_PER_TOOL or spec.name in ("list_hardware", "list_models")


def test_every_tool_has_a_normal_call():
    assert sorted(NORMAL_CALLS) == sorted(s.name for s in TOOLS)
