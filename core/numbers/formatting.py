"""Formatting of quantities for summaries and steps, in English or Chinese.

Numbers, counts, FLOPs, rates, durations, dollars, energy, CO2 mass and bytes, each written in
English (`language="en"`) or Chinese (`"zh"`). Prefixes are SI decimal, the convention stated
in `flopcast.numbers.units` (1 MWh = 1e3 kWh, 1 GB = 1e9 bytes). Chinese readings use 万 = 1e4,
亿 = 1e8 and 万亿 = 1e12 where natural, and 1 度 = 1 kWh. Parsing is `flopcast.numbers.quantities`,
which re-exports every name here.
"""

from __future__ import annotations

import math
from typing import Literal

from flopcast.numbers.units import SECONDS_PER_DAY, SECONDS_PER_HOUR, SECONDS_PER_YEAR

__all__ = [
    "Language",
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
]

Language = Literal["en", "zh"]


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
