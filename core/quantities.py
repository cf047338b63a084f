"""Parsing and formatting of quantities.

Scale convention, stated once: SI decimal prefixes everywhere (1 TFLOP/s = 1e12
FLOP/s, 1 GB = 1e9 bytes, 1 kWh = 3.6e6 J). Word suffixes follow the short scale
used in ML papers: K = 1e3, M = 1e6, B = G = 1e9, T = 1e12, P = 1e15, E = 1e18.
Chinese magnitudes multiply: 万 = 1e4, 亿 = 1e8, so 万亿 = 1e12 and 1750亿 = 1.75e11.

Inputs may be numbers or strings such as "175B", "1.5e22", "300B tokens", "2T",
"3.14e23 FLOPs", "70 billion", "34 days", "1750亿", "3万亿", "3640 PF-days".
"""

from __future__ import annotations

import math
import re
from typing import Literal

from flopcast.errors import InvalidInputError

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

Language = Literal["en", "zh"]

SECONDS_PER_HOUR = 3600.0
SECONDS_PER_DAY = 86400.0
#: Julian year (365.25 days), the year astronomers and the IAU use. Lambda's
#: "355 GPU-years" for GPT-3 divides by 365-day years (3.1536e7 s); the 0.07 %
#: difference does not change any figure at three significant digits.
SECONDS_PER_YEAR = 365.25 * SECONDS_PER_DAY
#: One petaflop/s-day = 1e15 FLOP/s × 86 400 s (GPT-3 paper, Table D.1 caption).
FLOPS_PER_PF_DAY = 1e15 * SECONDS_PER_DAY

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
        return float(m.group(1)) * 10.0 ** int(m.group(2)), m.group(3)
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
) -> float:
    """Parse a non-negative count (FLOPs, parameters, tokens, dollars) from a number or text.

    Args:
        value: a number, or text such as "175B", "300B tokens", "3.14e23 FLOPs",
            "70 billion", "1750亿", "3640 PF-days".
        argument: the public argument name, used in error messages.
        allow_zero: accept 0 (otherwise the value must be > 0).

    Returns:
        The value as a float in base units (FLOPs, parameters, tokens, USD).

    Raises:
        InvalidInputError: empty, malformed, negative, zero (unless allowed), NaN or infinite.

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
        number = float(value)
    elif isinstance(value, str):
        if not value.strip():
            raise InvalidInputError(argument, f"is empty; expected {accepted}")
        split = _split(value)
        if split is None:
            raise InvalidInputError(argument, f"cannot read {value!r}; expected {accepted}")
        base, rest = split
        scale, unit = _scale_of(rest)
        unit_low = unit.lower().strip()
        if unit_low in _UNIT_SCALE:
            scale *= _UNIT_SCALE[unit_low]
        elif unit_low not in _UNIT_WORDS:
            raise InvalidInputError(
                argument, f"cannot read {value!r} (unexpected {unit!r}); expected {accepted}"
            )
        number = base * scale
    else:
        raise InvalidInputError(argument, f"expected {accepted}, got {type(value).__name__}")
    return _check_finite_positive(number, argument, allow_zero=allow_zero)


def parse_duration_seconds(value: float | int | str, *, argument: str, default_unit: str) -> float:
    """Parse a duration into seconds.

    Args:
        value: a number (in `default_unit`) or text such as "34 days", "2.5 years",
            "12h", "34天".
        argument: the public argument name, used in error messages.
        default_unit: the unit of a bare number ("days", "hours", "years" or "seconds").

    Raises:
        InvalidInputError: malformed, unknown unit, non-positive, NaN or infinite.

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
        return _check_finite_positive(float(value) * unit_seconds, argument)
    if not isinstance(value, str) or not value.strip():
        raise InvalidInputError(argument, f"expected {accepted}, got {value!r}")
    split = _split(value)
    if split is None:
        raise InvalidInputError(argument, f"cannot read {value!r}; expected {accepted}")
    base, rest = split
    unit = rest.strip().lower()
    if unit:
        if unit not in _DURATION_UNITS:
            raise InvalidInputError(
                argument, f"unknown time unit {rest!r} in {value!r}; expected {accepted}"
            )
        unit_seconds = _DURATION_UNITS[unit]
    return _check_finite_positive(base * unit_seconds, argument)


def _check_finite_positive(number: float, argument: str, *, allow_zero: bool = False) -> float:
    if math.isnan(number):
        raise InvalidInputError(argument, "is NaN; expected a finite number")
    if math.isinf(number):
        raise InvalidInputError(argument, "is infinite; expected a finite number")
    if number < 0 or (number == 0 and not allow_zero):
        bound = "≥ 0" if allow_zero else "> 0"
        raise InvalidInputError(argument, f"must be {bound}, got {number:g}")
    return number


# ---------------------------------------------------------------- formatting


def format_number(x: float, digits: int = 3) -> str:
    """Format with `digits` significant digits, thousands separators, no exponent below 1e6.

    >>> format_number(835584)
    '835,584'
    >>> format_number(33.91)
    '33.9'
    >>> format_number(0.4574)
    '0.457'
    """
    # Ordered by how often each case comes up in a derivation; NaN fails every comparison.
    ax = -x if x < 0 else x
    if ax >= 1e6:
        if ax == math.inf:
            return f"{x:g}"
        # format_sci, inlined: this is the commonest case in a derivation.
        mantissa, _, exponent = f"{x:.{digits - 1}e}".partition("e")
        if "." in mantissa:
            mantissa = mantissa.rstrip("0").rstrip(".")
        return f"{mantissa} × 10^{int(exponent)}"
    if ax >= 10 ** (digits - 1):
        return f"{x:,.0f}"  # whole numbers below a million are shown exactly
    if not ax > 0:
        return f"{x:g}"  # 0 or NaN
    text = f"{x:,.{digits}g}"  # significant digits, trailing zeros dropped
    if "e" not in text:
        return text
    # Tiny values: fixed notation with `digits` significant digits.
    decimals = digits - 1 - math.floor(math.log10(ax))
    return f"{x:.{decimals}f}".rstrip("0").rstrip(".")


def format_sci(x: float, digits: int = 3) -> str:
    """Scientific notation with a real times sign: `3.14 × 10^23`.

    >>> format_sci(3.1428e23)
    '3.14 × 10^23'
    >>> format_sci(1e15)
    '1 × 10^15'
    """
    if x == 0 or not math.isfinite(x):
        return f"{x:g}"
    mantissa, _, exponent = f"{x:.{digits - 1}e}".partition("e")
    if "." in mantissa:
        mantissa = mantissa.rstrip("0").rstrip(".")
    return f"{mantissa} × 10^{int(exponent)}"


def _zh_magnitude(x: float, unit: str, digits: int = 3) -> str:
    """Chinese reading with 万 / 亿 / 万亿 where natural: 4.67e6 → '467 万'."""
    ax = abs(x)
    for scale, word in ((1e12, "万亿"), (1e8, "亿"), (1e4, "万")):
        if ax >= scale and ax < scale * 1e4:
            return f"{format_number(x / scale, digits)} {word}{unit}"
    return f"{format_number(x, digits)} {unit}".rstrip()


def format_count(x: float, language: Language = "en", unit: str = "") -> str:
    """A large count: `1.75 × 10^11` (en) or `1750 亿` (zh, where 万/亿 reads naturally).

    >>> format_count(1.75e11)
    '1.75 × 10^11'
    >>> format_count(1.75e11, "zh")
    '1,750 亿'
    """
    if language == "zh" and 1e4 <= abs(x) < 1e16:
        return _zh_magnitude(x, unit, digits=4 if abs(x) >= 1e11 and abs(x) < 1e12 else 3)
    text = format_number(x)
    return f"{text} {unit}".rstrip()


def format_flops(x: float, language: Language = "en") -> str:
    """A FLOP count: `3.14 × 10^23 FLOPs`; in zh `3.14 × 10^23 次浮点运算`.

    >>> format_flops(3.1428e23)
    '3.14 × 10^23 FLOPs'
    """
    unit = "次浮点运算" if language == "zh" else "FLOPs"
    return f"{format_sci(x)} {unit}"


def format_rate(flops_per_s: float, language: Language = "en") -> str:
    """A rate in TFLOP/s: `312 TFLOP/s`.

    >>> format_rate(3.12e14)
    '312 TFLOP/s'
    >>> format_rate(9.895e14)  # four digits: datasheet peaks such as 989.5 keep theirs
    '989.5 TFLOP/s'
    """
    return f"{format_number(flops_per_s / 1e12, 4)} TFLOP/s"


def format_duration(seconds: float, language: Language = "en") -> str:
    """A duration in the largest unit that keeps the number ≥ 1: hours, days or years.

    >>> format_duration(2.93e6)
    '33.9 days'
    >>> format_duration(355.6 * 365.25 * 86400, "zh")
    '356 年'
    """
    if seconds >= SECONDS_PER_YEAR:
        value, en, zh = seconds / SECONDS_PER_YEAR, "years", "年"
    elif seconds >= SECONDS_PER_DAY:
        value, en, zh = seconds / SECONDS_PER_DAY, "days", "天"
    elif seconds >= SECONDS_PER_HOUR:
        value, en, zh = seconds / SECONDS_PER_HOUR, "hours", "小时"
    else:
        value, en, zh = seconds, "seconds", "秒"
    return f"{format_number(value)} {zh if language == 'zh' else en}"


def format_usd(x: float, language: Language = "en") -> str:
    """Dollars: `$4.67M`; in zh `467 万美元`.

    >>> format_usd(4.666e6)
    '$4.67M'
    >>> format_usd(4.666e6, "zh")
    '467 万美元'
    >>> format_usd(1234.5)
    '$1,234'
    """
    if language == "zh":
        if abs(x) >= 1e4:
            return _zh_magnitude(x, "美元")
        return f"{format_number(x)} 美元"
    for scale, suffix in ((1e12, "T"), (1e9, "B"), (1e6, "M")):
        if abs(x) >= scale:
            return f"${format_number(x / scale)}{suffix}"
    return f"${format_number(x)}"


def format_energy_kwh(kwh: float, language: Language = "en") -> str:
    """Energy: `334 MWh` (en), `33.4 万度` (zh, 1 度 = 1 kWh).

    >>> format_energy_kwh(334233.6)
    '334 MWh'
    >>> format_energy_kwh(334233.6, "zh")
    '33.4 万度（kWh）'
    """
    if language == "zh":
        if abs(kwh) >= 1e4:
            return _zh_magnitude(kwh, "度（kWh）")
        return f"{format_number(kwh)} 度（kWh）"
    for scale, unit in ((1e6, "GWh"), (1e3, "MWh")):
        if abs(kwh) >= scale:
            return f"{format_number(kwh / scale)} {unit}"
    return f"{format_number(kwh)} kWh"


def format_mass_kg(kg: float, language: Language = "en") -> str:
    """CO2 mass: `552 t` above a tonne, else kg; zh uses 吨 / 千克.

    >>> format_mass_kg(552000)
    '552 t'
    """
    if abs(kg) >= 1000:
        return f"{format_number(kg / 1000)} {'吨' if language == 'zh' else 't'}"
    return f"{format_number(kg)} {'千克' if language == 'zh' else 'kg'}"


def format_bytes(n: float, language: Language = "en") -> str:
    """Bytes with decimal prefixes: `112 GB`.

    >>> format_bytes(112e9)
    '112 GB'
    """
    for scale, unit in ((1e15, "PB"), (1e12, "TB"), (1e9, "GB"), (1e6, "MB"), (1e3, "kB")):
        if abs(n) >= scale:
            return f"{format_number(n / scale)} {unit}"
    return f"{format_number(n)} B"
