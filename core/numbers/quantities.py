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
from decimal import Decimal

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
from flopcast.numbers.words import (
    CJK_SCALE,
    CO2_UNITS,
    DEVICE_HOUR_UNITS,
    DURATION_UNITS,
    ENERGY_UNITS,
    FLOP_PREFIX,
    FLOP_UNIT,
    PF_DAY,
    PF_DAY_UNIT,
    SUPERSCRIPTS,
    UNIT_WORDS,
    WORD_SCALE,
    cjk_numeral,
    strip_counter,
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
    "parse_bytes",
    "parse_fraction",
    "parse_quantity",
    "parse_whole",
]

_NUMBER = re.compile(r"^\s*([+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?)\s*(.*?)\s*$", re.S)
_SCI_TIMES = re.compile(
    r"^\s*([+-]?\d+(?:\.\d*)?)\s*[x×*·]\s*10\s*(?:\^|\*\*)\s*([+-]?\d+)\s*(.*?)\s*$", re.S
)
_SUPERSCRIPT_POWER = re.compile(r"10([⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻]+)")
#: A thousands separator between digit groups: "1 287", "1'287", thin and no-break spaces.
_GROUP_SPACE = re.compile(r"(?<=\d)[ \u00a0\u2009\u202f'](?=\d{3}(?!\d))")


def _split(text: str) -> tuple[Decimal, str] | None:
    """(the number, exactly; the text after it), or None when the text has no number first."""
    cleaned = text.replace(",", "").replace("_", "").replace("，", "").strip()
    cleaned = _GROUP_SPACE.sub("", cleaned).lstrip("$")
    cleaned = _SUPERSCRIPT_POWER.sub(lambda m: "10^" + m.group(1).translate(SUPERSCRIPTS),
                                     cleaned)
    m = _SCI_TIMES.match(cleaned)
    if m:
        return Decimal(f"{m.group(1)}e{m.group(2)}"), m.group(3)
    m = _NUMBER.match(cleaned)
    if m:
        return Decimal(m.group(1)), m.group(2)
    return cjk_numeral(cleaned)


def _scale_of(rest: str) -> tuple[Decimal, str]:
    """Split a suffix such as "B tokens" or "万亿" into (scale, remaining unit word)."""
    rest = rest.strip()
    scale = Decimal(1)
    # Chinese magnitudes: a run of 十百千万亿 characters, multiplied together.
    i = 0
    while i < len(rest) and rest[i] in CJK_SCALE:
        scale *= CJK_SCALE[rest[i]]
        i += 1
    if i:
        return scale, rest[i:].strip()
    word, _, tail = rest.partition(" ")
    low = word.lower()
    # "P" and "E" count only in upper case: "p" or "e" alone is more likely a typo.
    if word in ("P", "E") or (low in WORD_SCALE and low not in ("p", "e")):
        return WORD_SCALE[low], tail.strip()
    # "175B" with the letter glued on has been split by _NUMBER already; "1.5Bn tokens" too.
    return scale, rest


def _unit_scale(unit: str, argument: str) -> Decimal | None:
    """The factor a unit word stands for in `argument`'s base unit, or None if not its unit."""
    low = strip_counter(unit.strip()).lower()
    if "kwh" in argument or argument.startswith("energy"):
        return ENERGY_UNITS.get(low, Decimal(1) if low == "" else None)
    if argument.startswith("co2"):
        return CO2_UNITS.get(low, Decimal(1) if low == "" else None)
    if argument == "device_hours":
        return DEVICE_HOUR_UNITS.get(low, Decimal(1) if low == "" else None)
    if low in UNIT_WORDS:
        return Decimal(1)
    if PF_DAY_UNIT.match(low):
        return PF_DAY
    m = FLOP_UNIT.match(low)
    if m:
        return FLOP_PREFIX[(m.group(1) or "").lower()]
    return None


def _exact(number: Decimal) -> float:
    """The float nearest an exact decimal; ±inf when it is beyond floats (refused later)."""
    try:
        return float(number)
    except OverflowError:  # pragma: no cover - Decimal→float gives inf rather than raising
        return math.inf if number > 0 else -math.inf


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
        '"3.14e23 FLOPs", "314 ZFLOPs", "3640 PF-days", "1750亿", "三千亿", "3000亿个token"'
        + (', "1,287 MWh", "128.7万度"' if "kwh" in argument or argument.startswith("energy")
           else ', "835,584 GPU-hours", "83.6万卡时"' if argument == "device_hours"
           else ', "552 tCO2e", "8,930 t"' if argument.startswith("co2") else "")
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
        # A unit word that is also a magnitude ("t": tonnes of CO2, not trillion) is the unit.
        whole_unit = _unit_scale(rest, argument) if rest.strip() else None
        scale, unit = (Decimal(1), rest) if whole_unit is not None else _scale_of(rest)
        factor = _unit_scale(unit, argument)
        if factor is None:
            raise InvalidInputError(
                argument,
                f"cannot read {quote(value)} (unexpected {quote(unit)}); expected {accepted}",
            )
        # Exact decimal arithmetic, one rounding: "3.14 × 10^23" is 3.14e+23, no float noise.
        number = _exact(base * scale * factor)
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
    accepted = ('a positive number, or text like "34 days", "12 hours", "6 weeks", "3 months", '
                '"2.5 years", "34天", "三个月"')
    unit_seconds = DURATION_UNITS[default_unit]
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
        if unit not in DURATION_UNITS:
            raise InvalidInputError(
                argument, f"unknown time unit {quote(rest)} in {quote(value)}; expected {accepted}"
            )
        unit_seconds = DURATION_UNITS[unit]
    return _check_duration(_exact(base * Decimal(repr(unit_seconds))), argument, unit_seconds)


#: Words that may follow a whole number: what is counted (devices, layers, sequences, tokens).
_WHOLE_UNITS = frozenset({
    "gpu", "gpus", "device", "devices", "chip", "chips", "card", "cards", "tpu", "tpus",
    "accelerator", "accelerators", "node", "nodes", "layer", "layers", "head", "heads",
    "sequence", "sequences", "seq", "seqs", "token", "tokens", "tok", "ctx", "context",
    "块", "张", "卡", "块卡", "张卡", "台", "层", "个", "头", "条", "个token", "词元",
})
#: For sequence lengths, "32k" means 32 × 1,024 = 32,768 tokens and "1M" 1,048,576, as in model
#: cards (Llama 3.1's "128K" context is 131,072 tokens; GPT-4-32k's is 32,768).
_BINARY_SCALE = {"k": 1024, "m": 1024**2}


def parse_whole(value: int | float | str, *, argument: str, binary_k: bool = False) -> int:
    """Read a whole number (devices, layers, sequence length, batch) from a number or text.

    Args:
        value: an int, an integral float, or text: "1,024", "1k", "32k", "2万", "三千",
            "1024 GPUs", "1.5k".
        argument: the public argument name, used in error messages.
        binary_k: read "k" / "M" as 1,024 / 1,048,576 (sequence lengths: "32k" = 32,768);
            otherwise SI decimal ("1k GPUs" = 1,000).

    Returns:
        The number; its range is checked by the caller (the input model's bounds).

    Raises:
        InvalidInputError: malformed text, or a number with a fraction ("1.5").

    >>> parse_whole("1,024", argument="count"), parse_whole("1k", argument="count")
    (1024, 1000)
    >>> parse_whole("32k", argument="context", binary_k=True)
    32768
    >>> parse_whole("三千", argument="count")
    3000
    """
    accepted = ('a whole number, or text like "1,024", "1k", "32k", "2万", "三千"'
                + (' ("32k" = 32,768 tokens, as in model cards)' if binary_k else ""))
    if isinstance(value, bool):
        raise InvalidInputError(argument, f"expected {accepted}, got a boolean")
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        number = Decimal(repr(value)) if math.isfinite(value) else None
    elif isinstance(value, str):
        split = _split(value)
        if split is None:
            raise InvalidInputError(argument, f"cannot read {quote(value)}; expected {accepted}")
        base, rest = split
        word, _, tail = rest.strip().partition(" ")
        if binary_k and word.lower() in _BINARY_SCALE:
            scale, unit = Decimal(_BINARY_SCALE[word.lower()]), tail
        else:
            scale, unit = _scale_of(rest)
        if strip_counter(unit.strip()).lower() not in _WHOLE_UNITS | {""}:
            raise InvalidInputError(
                argument, f"cannot read {quote(value)} (unexpected {quote(unit)}); "
                f"expected {accepted}")
        number = base * scale
    else:
        raise InvalidInputError(argument, f"expected {accepted}, got {type(value).__name__}")
    if number is not None and abs(number) > _WHOLE_LIMIT:
        raise InvalidInputError(argument, f"is too large, got {quote(value)}")
    if number is None or number != number.to_integral_value():
        raise InvalidInputError(argument, f"must be a whole number, got {quote(value)}")
    return int(number)


#: Beyond any bound of limits.py (the largest is 1e9): refused before it becomes a huge int.
_WHOLE_LIMIT = Decimal(10) ** 18

#: Byte units: SI decimal (1 GB = 1e9 bytes, the project's convention) and IEC binary
#: (1 GiB = 2^30 bytes); lower-cased, so "kB", "KB" and "kb" are all 1,000 bytes.
_BYTE_UNITS = {
    "": Decimal(1), "b": Decimal(1), "byte": Decimal(1), "bytes": Decimal(1),
    "字节": Decimal(1),
    **{p + "b": Decimal(10) ** (3 * i) for i, p in enumerate("kmgtpe", 1)},
    **{p + "ib": Decimal(2) ** (10 * i) for i, p in enumerate("kmgtpe", 1)},
}


def parse_bytes(value: int | float | str, *, argument: str) -> int:
    """Read a size in bytes from a number or text: 2e9, "2 GB", "500 MB", "1.5GiB", "20亿字节".

    GB and the other SI units are decimal (1 GB = 1e9 bytes), GiB and the other IEC units
    binary (1 GiB = 2^30 bytes). The range is checked by the caller (the input model's bounds).

    >>> parse_bytes("2 GB", argument="max_bytes"), parse_bytes("1.5GiB", argument="max_bytes")
    (2000000000, 1610612736)
    """
    accepted = 'a whole number of bytes, or text like "2 GB", "500 MB", "1.5 GiB", "20亿字节"'
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise InvalidInputError(argument, f"expected {accepted}, got {type(value).__name__}")
    if not isinstance(value, str):
        return parse_whole(value, argument=argument)
    split = _split(value)
    if split is None:
        raise InvalidInputError(argument, f"cannot read {quote(value)}; expected {accepted}")
    base, rest = split
    scale, unit = (_scale_of(rest) if rest.strip()[:1] in CJK_SCALE else (Decimal(1), rest))
    unit_scale = _BYTE_UNITS.get(unit.strip().lower())
    if unit_scale is None:
        raise InvalidInputError(argument, f"cannot read {quote(value)} (unexpected "
                                f"{quote(unit.strip())}); expected {accepted}")
    number = base * scale * unit_scale
    if abs(number) > _WHOLE_LIMIT:
        raise InvalidInputError(argument, f"is too large, got {quote(value)}")
    if number != number.to_integral_value():
        raise InvalidInputError(argument, f"must be a whole number of bytes, got {quote(value)}")
    return int(number)


#: A percentage sign or word after a number: "40%", "40 %", "40 percent", "40％".
_PERCENT = frozenset({"%", "％", "percent", "pct"})


def parse_fraction(value: float | int | str, *, argument: str) -> float:
    """Read a fraction (an MFU) from a number or text: 0.4, "0.4", "40%", "百分之四十".

    The range is checked by the caller (the input model's bounds).

    >>> parse_fraction("40%", argument="mfu"), parse_fraction("百分之四十", argument="mfu")
    (0.4, 0.4)
    >>> parse_fraction("0.385", argument="mfu")
    0.385
    """
    accepted = 'a fraction such as 0.4, or a percentage such as "40%"'
    if isinstance(value, bool):
        raise InvalidInputError(argument, f"expected {accepted}, got a boolean")
    if isinstance(value, int | float):
        return float(value)
    if not isinstance(value, str):
        raise InvalidInputError(argument, f"expected {accepted}, got {type(value).__name__}")
    text = value.strip()
    percent = text.startswith("百分之")
    split = _split(text.removeprefix("百分之"))
    if split is None:
        raise InvalidInputError(argument, f"cannot read {quote(value)}; expected {accepted}")
    base, rest = split
    unit = rest.strip().lower()
    if unit in _PERCENT:
        percent = True
    elif unit:
        raise InvalidInputError(
            argument, f"cannot read {quote(value)} (unexpected {quote(rest)}); expected {accepted}")
    number = _exact(base / 100 if percent else base)
    if not math.isfinite(number):
        raise InvalidInputError(argument, f"is too large, got {quote(value)}; expected {accepted}")
    return number


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
    unit = next(k for k in ("seconds", "minutes", "hours", "days", "weeks", "months", "years")
                if DURATION_UNITS[k] == unit_seconds)
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
