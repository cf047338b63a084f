"""Parsing of quantities: counts (FLOPs, parameters, tokens, dollars) and durations.

Scale convention: SI decimal prefixes everywhere, as stated in `flopcast.numbers.units`. Word
suffixes follow the short scale used in ML papers: K = 1e3, M = 1e6, B = G = 1e9, T = 1e12,
P = 1e15, E = 1e18.
Chinese magnitudes multiply: 万 = 1e4, 亿 = 1e8, so 万亿 = 1e12 and 1750亿 = 1.75e11.

Inputs may be numbers or strings such as "175B", "1.5e22", "300B tokens", "2T",
"3.14e23 FLOPs", "70 billion", "34 days", "1750亿", "3万亿", "3640 PF-days".

This module is also the public home of the unit constants (`flopcast.numbers.units`) and of the
formatters (`flopcast.numbers.formatting`): both are re-exported here, so
`from flopcast.numbers.quantities import format_number` and the like keep working.
"""

from __future__ import annotations

import math
import re

from flopcast.numbers.errors import InvalidInputError, quote
from flopcast.numbers.formatting import (
    Language,
    format_bytes,
    format_count,
    format_duration,
    format_energy_kwh,
    format_flops,
    format_mass_kg,
    format_number,
    format_rate,
    format_sci,
    format_usd,
)
from flopcast.numbers.limits import DURATION_BOUND, QUANTITY_BOUNDS, Bound
from flopcast.numbers.units import (
    FLOPS_PER_PF_DAY,
    SECONDS_PER_DAY,
    SECONDS_PER_HOUR,
    SECONDS_PER_YEAR,
)

__all__ = [
    "Language",
    "SECONDS_PER_DAY",
    "SECONDS_PER_HOUR",
    "SECONDS_PER_YEAR",
    "FLOPS_PER_PF_DAY",
    "format_bytes",
    "format_count",
    "format_duration",
    "format_energy_kwh",
    "format_flops",
    "format_mass_kg",
    "format_number",
    "format_rate",
    "format_sci",
    "format_usd",
    "parse_duration_seconds",
    "parse_quantity",
]

_WORD_SCALE: dict[str, float] = {
    "k": 1e3,
    "thousand": 1e3,
    "m": 1e6,
    "mn": 1e6,
    "million": 1e6,
    "b": 1e9,
    "bn": 1e9,
    "g": 1e9,
    "billion": 1e9,
    "t": 1e12,
    "tn": 1e12,
    "trillion": 1e12,
    "p": 1e15,
    "quadrillion": 1e15,
    "e": 1e18,
    "quintillion": 1e18,
}
_CJK_SCALE: dict[str, float] = {
    "十": 1e1, "百": 1e2, "千": 1e3, "万": 1e4, "萬": 1e4, "亿": 1e8, "億": 1e8,
}

# Unit words that carry no scale: they name what is counted and are dropped.
_UNIT_WORDS = {
    "",
    "flop",
    "flops",
    "flop/s",
    "token",
    "tokens",
    "param",
    "params",
    "parameter",
    "parameters",
    "word",
    "words",
    "usd",
    "dollars",
    "$",
    "个",
    "参数",
    "个参数",
    "词元",
    "次",
    "次浮点运算",
    "美元",
}
# Unit words that scale the number (compute units expressed in FLOPs).
_UNIT_SCALE = {
    "pf-days": FLOPS_PER_PF_DAY,
    "pf-day": FLOPS_PER_PF_DAY,
    "pfs-days": FLOPS_PER_PF_DAY,
    "pfs-day": FLOPS_PER_PF_DAY,
    "petaflop/s-days": FLOPS_PER_PF_DAY,
    "petaflop/s-day": FLOPS_PER_PF_DAY,
}
_DURATION_UNITS: dict[str, float] = {
    "s": 1.0,
    "sec": 1.0,
    "secs": 1.0,
    "second": 1.0,
    "seconds": 1.0,
    "秒": 1.0,
    "min": 60.0,
    "mins": 60.0,
    "minute": 60.0,
    "minutes": 60.0,
    "分钟": 60.0,
    "h": SECONDS_PER_HOUR,
    "hr": SECONDS_PER_HOUR,
    "hrs": SECONDS_PER_HOUR,
    "hour": SECONDS_PER_HOUR,
    "hours": SECONDS_PER_HOUR,
    "小时": SECONDS_PER_HOUR,
    "d": SECONDS_PER_DAY,
    "day": SECONDS_PER_DAY,
    "days": SECONDS_PER_DAY,
    "天": SECONDS_PER_DAY,
    "日": SECONDS_PER_DAY,
    "w": 7 * SECONDS_PER_DAY,
    "week": 7 * SECONDS_PER_DAY,
    "weeks": 7 * SECONDS_PER_DAY,
    "周": 7 * SECONDS_PER_DAY,
    "y": SECONDS_PER_YEAR,
    "yr": SECONDS_PER_YEAR,
    "yrs": SECONDS_PER_YEAR,
    "year": SECONDS_PER_YEAR,
    "years": SECONDS_PER_YEAR,
    "年": SECONDS_PER_YEAR,
}

_NUMBER = re.compile(r"^\s*([+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?)\s*(.*?)\s*$", re.S)
_SCI_TIMES = re.compile(
    r"^\s*([+-]?\d+(?:\.\d*)?)\s*[x×*]\s*10\s*\^\s*([+-]?\d+)\s*(.*?)\s*$", re.S
)


def _split(text: str) -> tuple[float, str] | None:
    cleaned = text.replace(",", "").replace("_", "").replace("，", "").strip()
    cleaned = cleaned.lstrip("$")
    m = _SCI_TIMES.match(cleaned)
    if m:
        # "9×10^999" read as the float "9e999" (inf, refused later) rather than computed as
        # 9 · 10.0**999, which raises OverflowError.
        return float(f"{m.group(1)}e{m.group(2)}"), m.group(3)
    m = _NUMBER.match(cleaned)
    if not m:
        return None
    return float(m.group(1)), m.group(2)


def _scale_of(rest: str) -> tuple[float, str]:
    """Split a suffix such as "B tokens" or "万亿" into (scale, remaining unit word)."""
    rest = rest.strip()
    scale = 1.0
    # Chinese magnitudes: a run of 十百千万亿 characters, multiplied together.
    i = 0
    while i < len(rest) and rest[i] in _CJK_SCALE:
        scale *= _CJK_SCALE[rest[i]]
        i += 1
    if i:
        return scale, rest[i:].strip()
    word, _, tail = rest.partition(" ")
    low = word.lower()
    # "P" and "E" count only in upper case: "p" or "e" alone is more likely a typo.
    if word in ("P", "E") or (low in _WORD_SCALE and low not in ("p", "e")):
        return _WORD_SCALE[low], tail.strip()
    # "175B" with the letter glued on has been split by _NUMBER already; "1.5Bn tokens" too.
    return 1.0, rest


def parse_quantity(
    value: float | int | str,
    *,
    argument: str,
    allow_zero: bool = False,
    bound: Bound | None = None,
) -> float:
    """Parse a non-negative count (FLOPs, parameters, tokens, dollars) from a number or text.

    Args:
        value: a number, or text such as "175B", "300B tokens", "3.14e23 FLOPs",
            "70 billion", "1750亿", "3640 PF-days".
        argument: the public argument name, used in error messages.
        allow_zero: accept 0 (otherwise the value must be > 0).
        bound: the range the value must fall in; default `QUANTITY_BOUNDS[argument]` for
            the tools' quantity arguments (params, tokens, flops, ...), none otherwise.

    Returns:
        The value as a float in base units (FLOPs, parameters, tokens, USD).

    Raises:
        InvalidInputError: empty, malformed, negative, zero (unless allowed), NaN, infinite
            or outside `bound`.

    >>> parse_quantity("175B", argument="params")
    175000000000.0
    >>> parse_quantity("1750亿", argument="params")
    175000000000.0
    >>> parse_quantity("3万亿", argument="tokens")
    3000000000000.0
    >>> parse_quantity("300B tokens", argument="tokens")
    300000000000.0
    """
    accepted = (
        'a positive number, or text like "175B", "1.5e22", "300B tokens", "70 billion", '
        '"3.14e23 FLOPs", "1750亿"'
    )
    if isinstance(value, bool):
        raise InvalidInputError(argument, f"expected {accepted}, got a boolean")
    if isinstance(value, int | float):
        number = _product(value, 1.0)
    elif isinstance(value, str):
        if not value.strip():
            raise InvalidInputError(argument, f"is empty; expected {accepted}")
        split = _split(value)
        if split is None:
            raise InvalidInputError(argument, f"cannot read {quote(value)}; expected {accepted}")
        base, rest = split
        scale, unit = _scale_of(rest)
        unit_low = unit.lower().strip()
        if unit_low in _UNIT_SCALE:
            scale *= _UNIT_SCALE[unit_low]
        elif unit_low not in _UNIT_WORDS:
            raise InvalidInputError(
                argument,
                f"cannot read {quote(value)} (unexpected {quote(unit)}); expected {accepted}",
            )
        number = base * scale
    else:
        raise InvalidInputError(argument, f"expected {accepted}, got {type(value).__name__}")
    number = _check_finite_positive(number, argument, allow_zero=allow_zero)
    return _check_bound(number, argument, QUANTITY_BOUNDS.get(argument) if bound is None else bound)


def parse_duration_seconds(value: float | int | str, *, argument: str, default_unit: str) -> float:
    """Parse a duration into seconds.

    Args:
        value: a number (in `default_unit`) or text such as "34 days", "2.5 years",
            "12h", "34天".
        argument: the public argument name, used in error messages.
        default_unit: the unit of a bare number ("days", "hours", "years" or "seconds").

    Raises:
        InvalidInputError: malformed, unknown unit, non-positive, NaN, infinite, or
            outside `DURATION_BOUND` (one second to a million years).

    >>> parse_duration_seconds("34 days", argument="days", default_unit="days")
    2937600.0
    >>> parse_duration_seconds(2, argument="hours", default_unit="hours")
    7200.0
    """
    accepted = 'a positive number, or text like "34 days", "12 hours", "2.5 years", "34天"'
    unit_seconds = _DURATION_UNITS[default_unit]
    if isinstance(value, bool):
        raise InvalidInputError(argument, f"expected {accepted}, got a boolean")
    if isinstance(value, int | float):
        return _check_duration(_product(value, unit_seconds), argument, unit_seconds)
    if not isinstance(value, str) or not value.strip():
        raise InvalidInputError(argument, f"expected {accepted}, got {quote(value)}")
    split = _split(value)
    if split is None:
        raise InvalidInputError(argument, f"cannot read {quote(value)}; expected {accepted}")
    base, rest = split
    unit = rest.strip().lower()
    if unit:
        if unit not in _DURATION_UNITS:
            raise InvalidInputError(
                argument, f"unknown time unit {quote(rest)} in {quote(value)}; expected {accepted}"
            )
        unit_seconds = _DURATION_UNITS[unit]
    return _check_duration(base * unit_seconds, argument, unit_seconds)


def _product(value: float | int, scale: float) -> float:
    """`value · scale` as a float; inf when it (or `value` itself, a huge int) overflows."""
    try:
        return float(value) * scale
    except OverflowError:
        return math.inf if value > 0 else -math.inf


def _show(number: float) -> str:
    """A bound or an offending value in a message: plain figures, scientific when tiny."""
    return format_sci(number, 4) if number and abs(number) < 1e-3 else format_number(number)


def _check_duration(seconds: float, argument: str, unit_seconds: float) -> float:
    seconds = _check_finite_positive(seconds, argument)
    low, high = DURATION_BOUND.minimum, DURATION_BOUND.maximum
    if low <= seconds <= high:
        return seconds
    unit = next(k for k in ("seconds", "minutes", "hours", "days", "weeks", "years")
                if _DURATION_UNITS[k] == unit_seconds)
    raise InvalidInputError(
        argument, f"must be between one second and a million years ({_show(low / unit_seconds)}"
        f" to {_show(high / unit_seconds)} {unit}), got {_show(seconds / unit_seconds)} {unit}")


def _check_bound(number: float, argument: str, bound: Bound | None) -> float:
    if bound is None or bound.minimum <= number <= bound.maximum:
        return number
    if number < bound.minimum:
        raise InvalidInputError(
            argument, f"must be at least {_show(bound.minimum)} {bound.unit}, got {_show(number)}")
    raise InvalidInputError(argument, f"must be at most {_show(bound.maximum)} {bound.unit} "
                            f"({bound.reason}), got {_show(number)}")


def _check_finite_positive(number: float, argument: str, *, allow_zero: bool = False) -> float:
    if math.isnan(number):
        raise InvalidInputError(argument, "is NaN; expected a finite number")
    if math.isinf(number):
        raise InvalidInputError(
            argument, "is infinite or too large for a number; expected a finite number")
    if number < 0 or (number == 0 and not allow_zero):
        bound = "≥ 0" if allow_zero else "> 0"
        raise InvalidInputError(argument, f"must be {bound}, got {number:g}")
    return number
