"""The words a typed quantity is read from: numerals, magnitudes and units, English and Chinese.

`flopcast.numbers.quantities` parses with these tables. Kept apart so the vocabulary can grow
without the parser: every entry is a word people write and the factor it stands for, in the
argument's base unit (FLOPs, kWh, device-hours, seconds), SI decimal as `flopcast.numbers.units`
states. Numbers are read exactly (`decimal.Decimal`) and rounded to a float once, so "3.14 ×
10^23" is the float nearest 3.14e23, not 3.1400000000000006e+23.

>>> cjk_numeral("三千亿")
(Decimal('300000000000'), '')
>>> cjk_numeral("一万两千五百个token")
(Decimal('12500'), '个token')
>>> cjk_numeral("2万") is None
True
"""

from __future__ import annotations

import re
from decimal import Decimal

from flopcast.numbers.units import FLOPS_PER_PF_DAY, SECONDS_PER_DAY, SECONDS_PER_YEAR

__all__ = [
    "CJK_SCALE",
    "CO2_UNITS",
    "DEVICE_HOUR_UNITS",
    "DURATION_UNITS",
    "ENERGY_UNITS",
    "FLOP_PREFIX",
    "FLOP_UNIT",
    "PF_DAY",
    "PF_DAY_UNIT",
    "SUPERSCRIPTS",
    "UNIT_WORDS",
    "WORD_SCALE",
    "cjk_numeral",
    "strip_counter",
]

#: Short-scale words of ML papers: K = 1e3, M = 1e6, B = G = 1e9, T = 1e12, P = 1e15, E = 1e18.
WORD_SCALE: dict[str, Decimal] = {
    "k": Decimal(10) ** 3, "thousand": Decimal(10) ** 3,
    "m": Decimal(10) ** 6, "mn": Decimal(10) ** 6, "million": Decimal(10) ** 6,
    "b": Decimal(10) ** 9, "bn": Decimal(10) ** 9, "g": Decimal(10) ** 9,
    "billion": Decimal(10) ** 9,
    "t": Decimal(10) ** 12, "tn": Decimal(10) ** 12, "trillion": Decimal(10) ** 12,
    "p": Decimal(10) ** 15, "quadrillion": Decimal(10) ** 15,
    "e": Decimal(10) ** 18, "quintillion": Decimal(10) ** 18,
}

#: Chinese magnitudes, multiplied in a run: 万亿 = 1e4 · 1e8 = 1e12.
CJK_SCALE: dict[str, Decimal] = {
    "十": Decimal(10), "百": Decimal(100), "千": Decimal(1000), "万": Decimal(10) ** 4,
    "萬": Decimal(10) ** 4, "亿": Decimal(10) ** 8, "億": Decimal(10) ** 8,
}
_CJK_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "兩": 2, "三": 3, "四": 4,
               "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_CJK_SMALL = {"十": 10, "百": 100, "千": 1000}
_CJK_BIG = {"万": 10**4, "萬": 10**4, "亿": 10**8, "億": 10**8}

#: Superscript digits, for "10²³".
SUPERSCRIPTS = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻", "0123456789+-")

#: Words that name what is counted and carry no scale (dropped).
UNIT_WORDS = frozenset({
    "", "flop", "flops", "flop/s", "token", "tokens", "tok", "param", "params", "parameter",
    "parameters", "word", "words", "usd", "dollars", "$", "个", "参数", "个参数", "词元",
    "次", "次浮点运算", "浮点运算", "美元", "个token", "个tokens", "个词元",
})

#: A FLOP count with an SI prefix, glued or spelt out: "PFLOPs", "EFLOP", "petaFLOPs", "ZFLOPS".
FLOP_UNIT = re.compile(
    r"^(k|kilo|m|mega|g|giga|t|tera|p|peta|e|exa|z|zetta|y|yotta)?-?flops?$", re.I)
FLOP_PREFIX: dict[str, Decimal] = {
    "": Decimal(1), "k": Decimal(10) ** 3, "kilo": Decimal(10) ** 3, "m": Decimal(10) ** 6,
    "mega": Decimal(10) ** 6, "g": Decimal(10) ** 9, "giga": Decimal(10) ** 9,
    "t": Decimal(10) ** 12, "tera": Decimal(10) ** 12, "p": Decimal(10) ** 15,
    "peta": Decimal(10) ** 15, "e": Decimal(10) ** 18, "exa": Decimal(10) ** 18,
    "z": Decimal(10) ** 21, "zetta": Decimal(10) ** 21, "y": Decimal(10) ** 24,
    "yotta": Decimal(10) ** 24,
}
#: The petaflop/s-day of the GPT-3 paper in every spelling: "PF-days", "pfs-day",
#: "petaflop-days", "petaflop/s-days", "PFLOP/s-days", "PFLOPS-days", "PF·day".
PF_DAY_UNIT = re.compile(r"^(pf|pfs|pflops?|pflop/s|petaflops?|petaflop/s)[-\s·]?days?$", re.I)
PF_DAY = Decimal(repr(FLOPS_PER_PF_DAY))

#: Energy in kWh (the base unit): Wh to TWh, and 度 (one kWh, China's household word).
ENERGY_UNITS: dict[str, Decimal] = {
    "wh": Decimal("0.001"), "kwh": Decimal(1), "mwh": Decimal(1000),
    "gwh": Decimal(10) ** 6, "twh": Decimal(10) ** 9,
    "度": Decimal(1), "度电": Decimal(1), "千瓦时": Decimal(1), "兆瓦时": Decimal(1000),
}

#: CO2-equivalent mass in kg (the base unit): "552 tCO2e", "8,930 tCO2eq", "552 t", "55.2万吨".
CO2_UNITS: dict[str, Decimal] = {
    **dict.fromkeys(("kg", "kgs", "kgco2", "kgco2e", "kgco2eq", "kg co2", "kg co2e",
                     "kg co2eq", "公斤", "千克"), Decimal(1)),
    **dict.fromkeys(("t", "ton", "tons", "tonne", "tonnes", "tco2", "tco2e", "tco2eq",
                     "t co2", "t co2e", "t co2eq", "tonnes co2", "tonnes co2e", "吨",
                     "吨二氧化碳", "吨co2"), Decimal(1000)),
    **dict.fromkeys(("kt", "ktco2e", "kt co2e", "千吨"), Decimal(10) ** 6),
}

#: Device-hours: "GPU-hours", "GPU hours", "卡时", "GPU小时".
DEVICE_HOUR_UNITS: dict[str, Decimal] = {
    key: Decimal(1) for key in (
        "gpu-hours", "gpu-hour", "gpu hours", "gpu hour", "gpuh", "gpu-h",
        "device-hours", "device-hour", "device hours", "tpu-hours", "tpu hours",
        "chip-hours", "chip hours", "h", "hours", "卡时", "卡时数", "gpu小时", "卡小时",
        "个gpu小时", "个卡时")}

_MONTH = SECONDS_PER_YEAR / 12
#: Duration units in seconds. A month is a twelfth of the Julian year (30.44 days).
DURATION_UNITS: dict[str, float] = {
    **dict.fromkeys(("s", "sec", "secs", "second", "seconds", "秒", "秒钟"), 1.0),
    **dict.fromkeys(("min", "mins", "minute", "minutes", "分钟"), 60.0),
    **dict.fromkeys(("h", "hr", "hrs", "hour", "hours", "小时", "个小时", "钟头"), 3600.0),
    **dict.fromkeys(("d", "day", "days", "天", "日"), SECONDS_PER_DAY),
    **dict.fromkeys(("w", "wk", "wks", "week", "weeks", "周", "个周", "星期", "个星期",
                     "个礼拜", "礼拜"), 7 * SECONDS_PER_DAY),
    **dict.fromkeys(("mo", "mos", "month", "months", "月", "个月"), _MONTH),
    **dict.fromkeys(("y", "yr", "yrs", "year", "years", "年"), SECONDS_PER_YEAR),
}


def cjk_numeral(text: str) -> tuple[Decimal, str] | None:
    """Read a leading Chinese numeral ("三千亿", "一万两千", "十二") as an exact number.

    Returns (number, the rest of the text), or None when the text does not start with a
    Chinese digit (a Western number such as "2万" is read by the main parser). Digits group
    under 十百千, and 万 / 亿 close a group: 三千五百万 = 3500 · 1e4.
    """
    if not text or (text[0] not in _CJK_DIGITS and text[0] != "十"):
        return None
    total = 0  # closed groups (× 万 / 亿)
    section = 0  # the current group below 万
    digit = None
    i = 0
    while i < len(text):
        ch = text[i]
        if ch in _CJK_DIGITS:
            digit = _CJK_DIGITS[ch]
        elif ch in _CJK_SMALL:
            section += (1 if digit is None else digit) * _CJK_SMALL[ch]
            digit = None
        elif ch in _CJK_BIG:
            group = section + (digit or 0)
            if group == 0 and total == 0:
                group = 1
            if _CJK_BIG[ch] > max(total, 1):
                total = (total + group) * _CJK_BIG[ch]  # 一万亿: 1e4 then × 1e8
            else:
                total += group * _CJK_BIG[ch]
            section, digit = 0, None
        else:
            break
        i += 1
    return Decimal(total + section + (digit or 0)), text[i:].strip()


def strip_counter(unit: str) -> str:
    """The unit word without a Chinese counter: "个token" → "token", "个 tokens" → "tokens"."""
    return unit[1:].strip() if unit.startswith("个") and len(unit) > 1 else unit
