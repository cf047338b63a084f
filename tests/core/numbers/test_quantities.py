"""Parsing and formatting of quantities."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from flopcast.numbers.errors import InvalidInputError
from flopcast.numbers.quantities import (
    format_count,
    format_duration,
    format_energy_kwh,
    format_flops,
    format_number,
    format_sci,
    format_usd,
    parse_duration_seconds,
    parse_quantity,
)


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("175B", 175e9),
        ("175 B", 175e9),
        ("1.5e22", 1.5e22),
        ("300B tokens", 300e9),
        ("2T", 2e12),
        ("3.14e23 FLOPs", 3.14e23),
        ("3.14 × 10^23 FLOPs", 3.14e23),
        ("70 billion", 70e9),
        ("70 billion parameters", 70e9),
        ("1,024", 1024.0),
        ("7b", 7e9),
        ("125M", 125e6),
        ("5k", 5e3),
        ("1750亿", 1750e8),
        ("3万亿", 3e12),
        ("5万", 5e4),
        ("1750 亿参数", 1750e8),
        ("3640 PF-days", 3640 * 1e15 * 86400),  # GPT-3 Table D.1's unit: 8.64e19 FLOPs each
        ("$4.6M", 4.6e6),
        (12, 12.0),
        (3.5, 3.5),
    ],
)
def test_parse_quantity(text, value):
    assert parse_quantity(text, argument="x") == pytest.approx(value, rel=1e-12)


@pytest.mark.parametrize(
    "bad",
    ["abc", "1.2.3B", "", "   ", "-5", -5, float("nan"), float("inf"), "nan", "inf", "12 apples",
     "5p", True, None, [1]],
)
def test_bad_quantities_name_the_argument(bad):
    with pytest.raises(InvalidInputError) as e:
        parse_quantity(bad, argument="tokens")
    assert str(e.value).startswith("tokens:")
    assert e.value.argument == "tokens"


def test_zero_is_refused_unless_allowed():
    with pytest.raises(InvalidInputError, match="> 0"):
        parse_quantity(0, argument="params")
    assert parse_quantity(0, argument="cost", allow_zero=True) == 0.0


@pytest.mark.parametrize(
    ("text", "unit", "seconds"),
    [
        ("34 days", "days", 34 * 86400),
        ("34天", "days", 34 * 86400),
        (34, "days", 34 * 86400),
        ("12h", "days", 12 * 3600),
        ("2 weeks", "days", 14 * 86400),
        ("2.5 years", "days", 2.5 * 365.25 * 86400),
        ("90 minutes", "hours", 5400),
        (3, "hours", 10800),
    ],
)
def test_parse_duration(text, unit, seconds):
    got = parse_duration_seconds(text, argument="days", default_unit=unit)
    assert got == pytest.approx(seconds)


@pytest.mark.parametrize("bad", ["soon", "3 fortnights", "", -1, 0, float("nan")])
def test_bad_durations(bad):
    with pytest.raises(InvalidInputError, match="^days:"):
        parse_duration_seconds(bad, argument="days", default_unit="days")


def test_formats_in_english():
    assert format_flops(3.1428e23) == "3.14 × 10^23 FLOPs"
    assert format_duration(33.9 * 86400) == "33.9 days"
    assert format_duration(355.4 * 365.25 * 86400) == "355 years"
    assert format_usd(4.66e6) == "$4.66M"
    assert format_energy_kwh(1_287_000) == "1.29 GWh"
    assert format_number(835_584) == "835,584"
    assert format_number(0.4) == "0.4"
    assert format_number(989.5, 4) == "989.5"
    assert format_number(0.000012345) == "0.0000123"


def test_formats_in_chinese_use_wan_and_yi():
    assert format_count(1.75e11, "zh") == "1,750 亿"
    assert format_count(3e12, "zh") == "3 万亿"
    assert format_usd(4.6e6, "zh") == "460 万美元"
    assert format_energy_kwh(334_233.6, "zh") == "33.4 万度（kWh）"
    assert format_duration(34 * 86400, "zh") == "34 天"


@given(st.floats(min_value=1e-3, max_value=1e30, allow_nan=False, allow_infinity=False))
def test_parse_of_format_round_trips_to_the_printed_precision(x):
    # Three significant digits are printed, so the round trip is exact to half a unit
    # in the third digit: a relative error below 0.5e-2.
    for text in (format_number(x), format_sci(x), format_flops(x)):
        back = parse_quantity(text, argument="x")
        assert math.isclose(back, x, rel_tol=5e-3), (x, text, back)


@given(st.floats(min_value=1e4, max_value=1e15, allow_nan=False, allow_infinity=False))
def test_chinese_counts_round_trip(x):
    text = format_count(x, "zh")
    assert math.isclose(parse_quantity(text, argument="x"), x, rel_tol=5e-3), text
