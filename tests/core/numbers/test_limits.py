"""Argument ranges (`flopcast.numbers.limits`) applied to text; the finiteness check of results."""

from __future__ import annotations

import math

import pytest

from flopcast.numbers.errors import InvalidInputError, NonFiniteResultError
from flopcast.numbers.limits import DURATION_BOUND, QUANTITY_BOUNDS, Bound
from flopcast.numbers.quantities import parse_duration_seconds, parse_quantity
from flopcast.numbers.results import Result, check_finite, make_step


@pytest.mark.parametrize(
    ("text", "argument", "message"),
    [
        ("1e400", "params", "params: is infinite or too large for a number"),
        ("9×10^999", "flops", "flops: is infinite or too large for a number"),
        ("9x10^999 FLOPs", "flops", "flops: is infinite or too large for a number"),
        (10**400, "tokens", "tokens: is infinite or too large for a number"),
        ("1.1e15", "params", "params: must be at most 1 × 10^15 parameters"),
        ("2e17 tokens", "tokens", "tokens: must be at most 1 × 10^17 tokens"),
        ("0.5", "params", "params: must be at least 1 parameters, got 0.5"),
        ("0.001", "cost_usd", "cost_usd: must be at least 0.01 USD, got 0.001"),
        ("2万亿亿", "budget_usd", "budget_usd: must be at most 1 × 10^13 USD"),
    ],
)
def test_quantity_text_outside_its_range_is_refused_by_name(text, argument, message):
    with pytest.raises(InvalidInputError) as info:
        parse_quantity(text, argument=argument)
    assert str(info.value).startswith(message)


def test_quantity_at_its_bounds_is_accepted():
    assert parse_quantity("1e15", argument="params") == 1e15
    assert parse_quantity("1", argument="params") == 1.0
    assert parse_quantity("1e32 FLOPs", argument="flops") == 1e32


def test_an_argument_without_a_bound_is_only_held_to_finiteness():
    assert parse_quantity("1e200", argument="anything") == 1e200
    assert parse_quantity("5", argument="x", bound=Bound(1, 10, "things", "test")) == 5.0
    with pytest.raises(InvalidInputError, match=r"^x: must be at most 10 things \(test\)"):
        parse_quantity("11", argument="x", bound=Bound(1, 10, "things", "test"))


@pytest.mark.parametrize(
    ("value", "unit"),
    [(1e-300, "days"), ("0.5 s", "days"), ("2000000 years", "days"), (1e300, "hours"),
     (10**400, "years")],
)
def test_durations_outside_one_second_to_a_million_years_are_refused(value, unit):
    with pytest.raises(InvalidInputError, match=r"^days: "):
        parse_duration_seconds(value, argument="days", default_unit=unit)


def test_durations_at_the_bounds_are_accepted():
    assert parse_duration_seconds("1 s", argument="days", default_unit="days") == 1.0
    assert parse_duration_seconds("1000000 years", argument="days",
                                  default_unit="days") == DURATION_BOUND.maximum


def test_every_bound_is_a_finite_positive_range_with_a_reason():
    for name, bound in QUANTITY_BOUNDS.items():
        assert 0 < bound.minimum < bound.maximum < 1e300, name
        assert bound.reason and bound.unit, name


class _Out(Result):
    x: float = 0.0
    rows: list[dict[str, float]] = []


def test_check_finite_names_the_first_non_finite_field():
    check_finite(_Out(x=1e308, steps=[make_step("s", "s = a", [("a", 1.0, "")], 1.0, "")]))
    with pytest.raises(NonFiniteResultError, match=r"^result: rows\[1\]\.b came out nan"):
        check_finite(_Out(rows=[{"a": 1.0}, {"b": math.nan}]))
    with pytest.raises(NonFiniteResultError, match=r"^result: steps\[0\]\.value came out inf"):
        check_finite(_Out(steps=[make_step("s", "s = a", [("a", 1.0, "")], math.inf, "")]))
