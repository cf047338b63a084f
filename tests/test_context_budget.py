"""The context budget of issue 11, as benchmarks/bench_context.py measures it (o200k tokens):
tool definitions and the concise answers to the users' questions stay within their targets,
and a full answer is never shorter than the concise one."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

pytest.importorskip("tiktoken")

_PATH = Path(__file__).resolve().parents[1] / "benchmarks" / "bench_context.py"
_SPEC = importlib.util.spec_from_file_location("flopcast_bench_context", _PATH)
bench = importlib.util.module_from_spec(_SPEC)
sys.modules[_SPEC.name] = bench  # dataclasses look their module up
_SPEC.loader.exec_module(bench)  # type: ignore[union-attr]


@pytest.fixture(scope="module")
def measured():
    return bench.measure()


def test_every_target_is_met(measured):
    assert bench.problems(*measured) == []


def test_concise_is_shorter_than_full_and_the_structured_result(measured):
    _, answers = measured
    for case, concise, full, data in answers:
        assert concise <= full <= data, case.question
