"""The shapes every result shares: derivation steps, assumptions, sources.

A result is checkable by hand: each `Step` names its formula, the numbers put
in (with units), the value that came out and its unit; each `Assumption` is a
default flopcast chose because the caller did not say, with where it comes from.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from functools import lru_cache
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from flopcast.numbers.errors import NonFiniteResultError
from flopcast.numbers.quantities import Language, format_number

__all__ = [
    "FULL_ONLY_BEGIN",
    "FULL_ONLY_END",
    "Assumption",
    "Result",
    "Source",
    "Step",
    "StepInput",
    "check_finite",
    "make_step",
]


class Source(BaseModel):
    """Where a figure comes from: a datasheet, paper (with section/table) or page."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    title: str = Field(description="Document title, with section / table / equation.")
    url: str = Field(default="", description="Where to read it.")
    retrieved: str = Field(default="", description="ISO date the figure was read, if a web page.")


class StepInput(BaseModel):
    """One number put into a formula."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    symbol: str = Field(description="The symbol as the formula writes it, e.g. N or D.")
    value: float
    unit: str = ""
    meaning: str = ""


class Step(BaseModel):
    """One line of a derivation: formula, inputs, result."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(description="What this step computes, e.g. 'training FLOPs'.")
    formula: str = Field(description="The formula in the paper's symbols, e.g. 'C = 6·N·D'.")
    inputs: list[StepInput] = Field(default_factory=list)
    value: float
    unit: str
    text: str = Field(description="The formula with numbers substituted, ready to check by hand.")


class Assumption(BaseModel):
    """A default that was used because the caller did not give the value."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(description="The argument or quantity assumed, e.g. 'mfu'.")
    value: str = Field(description="The value used, as text with its unit.")
    source: str = Field(description="Why this value: paper, datasheet or convention.")


class Result(BaseModel):
    """Fields every tool result carries."""

    model_config = ConfigDict(extra="forbid")

    steps: list[Step] = Field(default_factory=list, description="The derivation, step by step.")
    assumptions: list[Assumption] = Field(
        default_factory=list, description="Defaults used, each with its source."
    )
    summary: str = Field(default="", description="A short Markdown answer in `language`.")
    language: Language = "en"


#: Markers (Markdown comments, invisible when rendered) around a part of a Markdown answer
#: that only the full detail level shows, e.g. a further worked example: the concise text an
#: assistant reads leaves it out (`flopcast.tools.answer`); the full text drops the markers.
FULL_ONLY_BEGIN = "<!-- full -->"
FULL_ONLY_END = "<!-- /full -->"

_DIGITS = 4


@lru_cache(maxsize=1024)
def _sides(formula: str, name: str) -> tuple[str, str]:
    """(left, right) of "left = right"; a formula without "=" is the step's name = it.
    Formulas are the code's own literals, so each is split once."""
    lhs, eq, rest = formula.partition("=")
    return (lhs.strip(), rest.strip()) if eq else (name, formula.strip())


def make_step(
    name: str,
    formula: str,
    inputs: Sequence[tuple[str, float, str] | tuple[str, float, str, str]],
    value: float,
    unit: str,
    expression: str | None = None,
) -> Step:
    """Build a Step whose `text` substitutes the inputs into `formula`.

    Args:
        name: what the step computes.
        formula: e.g. "C = 6 · N · D".
        inputs: (symbol, value, unit[, meaning]) per input, in formula order.
        value: the result.
        unit: the result's unit.
        expression: the right-hand side with numbers, when the automatic one
            ("6 · 1.75 × 10^11 · 3 × 10^11") would not read well.

    >>> make_step("C", "C = 6 · N · D", [("N", 1.75e11, "params"), ("D", 3e11, "tokens")],
    ...           3.15e23, "FLOPs", expression="6 × N × D").text
    'C = 6 × N × D = 3.15 × 10^23 FLOPs  (N = 1.75 × 10^11 params, D = 3 × 10^11 tokens)'
    >>> make_step("C", "C = 6 · N · D", [("N", 1.746e11, "params"), ("D", 3e11, "tokens")],
    ...           3.1428e23, "FLOPs").text
    'C = 6 · N · D = 3.143 × 10^23 FLOPs  (N = 1.746 × 10^11 params, D = 3 × 10^11 tokens)'
    """
    # Plain dicts, validated once with the Step in pydantic's core: a third of the cost of
    # building each StepInput on its own; one pass builds them and the substituted text
    # (benchmarks/bench_core.py).
    lhs, rhs = _sides(formula, name)
    if expression is not None:
        rhs = expression
    parsed = []
    where = []
    for item in inputs:
        if len(item) == 3:
            symbol, number, in_unit = item
            meaning = ""
        else:
            symbol, number, in_unit, meaning = item
        parsed.append({"symbol": symbol, "value": number, "unit": in_unit, "meaning": meaning})
        # Four significant digits: enough to redo each step by hand to the printed precision.
        shown = format_number(number, _DIGITS)
        where.append(f"{symbol} = {shown} {in_unit}" if in_unit else f"{symbol} = {shown}")
    shown = format_number(value, _DIGITS)
    text = f"{lhs} = {rhs} = {shown} {unit}" if unit else f"{lhs} = {rhs} = {shown}"
    if where:
        text = f"{text}  ({', '.join(where)})"
    return Step.model_validate(
        {"name": name, "formula": formula, "inputs": parsed, "value": value, "unit": unit,
         "text": text}
    )


def _all_finite(root: Any) -> bool:
    """Whether every float in a result (models, lists, dicts, nested) is finite.

    An explicit stack and exact type tests: this runs on every tool call, and a recursive
    walk building field paths cost more than the estimate itself.
    """
    stack = [root]
    pop, push = stack.pop, stack.extend
    while stack:
        value = pop()
        kind = type(value)
        if kind is float:
            if value - value != 0.0:  # inf - inf and nan - nan are nan
                return False
        elif kind is str or kind is int or kind is bool or value is None:
            continue
        elif kind is list or kind is tuple:
            push(value)
        elif kind is dict:
            push(value.values())
        elif isinstance(value, BaseModel):
            push(value.__dict__.values())
        elif isinstance(value, float) and not math.isfinite(value):
            return False
    return True


def _non_finite(value: Any, path: str) -> tuple[str, float] | None:
    """The first field (as a dotted path) holding NaN or ±inf, and its value."""
    if isinstance(value, float):
        return None if math.isfinite(value) else (path, value)
    items: Any = ()
    if isinstance(value, BaseModel):
        items = ((f"{path}.{k}" if path else k, v) for k, v in value.__dict__.items())
    elif isinstance(value, list | tuple):
        items = ((f"{path}[{i}]", v) for i, v in enumerate(value))
    elif isinstance(value, dict):
        items = ((f"{path}.{k}" if path else str(k), v) for k, v in value.items())
    for where, item in items:
        found = _non_finite(item, where)
        if found:
            return found
    return None


def check_finite(result: BaseModel) -> None:
    """Refuse a result holding NaN or infinity: JSON cannot carry it and no reader should.

    The argument bounds (`flopcast.numbers.limits`) keep every figure finite; this is the last
    check before a result is shown or serialized, so a gap in them is a clean error.

    Raises:
        NonFiniteResultError: naming the first such field.
    """
    if _all_finite(result):
        return
    found = _non_finite(result, "")
    raise NonFiniteResultError(*(found or ("result", math.nan)))
