"""Quantities as people type them (issue 13): whole numbers, percentages, FLOPs with SI
prefixes and PF-days, energy in MWh / 度, durations in weeks and months, Chinese numerals and
counters, and exact decimals. Every expected value is worked out by hand in the row."""

from __future__ import annotations

import pytest

import flopcast
from flopcast.numbers.errors import InvalidInputError
from flopcast.numbers.quantities import (
    parse_duration_seconds,
    parse_fraction,
    parse_quantity,
    parse_whole,
)

DAY = 86_400
PF_DAY = 1e15 * DAY  # GPT-3 paper, Table D.1: one petaflop/s-day


@pytest.mark.parametrize(("text", "argument", "value"), [
    ("314 ZFLOPs", "flops", 314 * 1e21),
    ("314 EFLOPs", "flops", 314 * 1e18),
    ("3.14e8 PFLOPs", "flops", 3.14e8 * 1e15),
    ("3.14e8 petaFLOPs", "flops", 3.14e8 * 1e15),
    ("3640 petaflop-days", "flops", 3640 * PF_DAY),
    ("3640 PFLOP/s-days", "flops", 3640 * PF_DAY),
    ("3,640 pfs-days", "flops", 3640 * PF_DAY),
    ("3.14×10²³", "flops", 3.14e23),
    ("1287 MWh", "energy_kwh", 1_287_000),
    ("1,287 MWh", "energy_kwh", 1_287_000),
    ("1 287 MWh", "energy_kwh", 1_287_000),
    ("1,287,000 kWh", "energy_kwh", 1_287_000),
    ("1.287 GWh", "energy_kwh", 1_287_000),
    ("128.7万度", "energy_kwh", 1_287_000),
    ("1287兆瓦时", "energy_kwh", 1_287_000),
    ("835,584 GPU-hours", "device_hours", 835_584),
    ("83.5584万卡时", "device_hours", 835_584),
    ("三千亿", "tokens", 3e11),
    ("3000亿个token", "tokens", 3e11),
    ("3000亿个词元", "tokens", 3e11),
    ("一千七百五十亿", "params", 1.75e11),
    ("一万亿", "tokens", 1e12),
    ("一亿五千万", "params", 1.5e8),
])
def test_quantities_as_typed(text: str, argument: str, value: float) -> None:
    assert parse_quantity(text, argument=argument) == pytest.approx(value, rel=1e-12)


@pytest.mark.parametrize("text", ["3.14 × 10^23", "3.14×10^23 FLOPs", "3.14 x 10^23",
                                  "3.14e23", "0.314 × 10^24", "3140万亿亿", "314 ZFLOPs"])
def test_a_typed_decimal_has_no_float_noise(text: str) -> None:
    # The float nearest 3.14e23, exactly: what json.dumps writes as 3.14e+23.
    assert parse_quantity(text, argument="flops") == 3.14e23


def test_energy_units_belong_to_energy() -> None:
    with pytest.raises(InvalidInputError, match="unexpected 'MWh'"):
        parse_quantity("1287 MWh", argument="tokens")


@pytest.mark.parametrize(("text", "days"), [
    ("2 weeks", 14), ("6 wks", 42), ("两周", 14), ("3个星期", 21),
    ("3 months", 3 * 365.25 / 12), ("三个月", 3 * 365.25 / 12), ("6个月", 182.625),
    ("1.5 years", 1.5 * 365.25),
])
def test_durations_in_weeks_and_months(text: str, days: float) -> None:
    seconds = parse_duration_seconds(text, argument="days", default_unit="days")
    assert seconds / DAY == pytest.approx(days, rel=1e-12)


@pytest.mark.parametrize(("text", "value"), [
    ("1,024", 1024), ("1k", 1000), ("2万", 20_000), ("三千", 3000), ("1024 GPUs", 1024),
    ("1024块", 1024), ("1.5k", 1500), (1024.0, 1024), ("十二", 12),
])
def test_whole_numbers(text: str | float, value: int) -> None:
    assert parse_whole(text, argument="count") == value


@pytest.mark.parametrize(("text", "tokens"), [
    ("32k", 32 * 1024), ("128K", 128 * 1024), ("1M", 1024 * 1024), ("4096", 4096),
    ("32,768", 32_768),
])
def test_sequence_lengths_read_k_as_1024(text: str, tokens: int) -> None:
    # Model cards: Llama 3.1's "128K" context is 131,072 tokens.
    assert parse_whole(text, argument="context", binary_k=True) == tokens


@pytest.mark.parametrize("text", ["1.5", "0.0005k", "abc", "3 apples"])
def test_a_whole_number_refuses_fractions_and_words(text: str) -> None:
    with pytest.raises(InvalidInputError, match="^count: "):
        parse_whole(text, argument="count")


@pytest.mark.parametrize(("text", "value"), [
    ("40%", 0.4), ("40 %", 0.4), ("38.5%", 0.385), ("40 percent", 0.4), ("百分之四十", 0.4),
    ("0.4", 0.4), (0.4, 0.4),
])
def test_fractions_accept_percentages(text: str | float, value: float) -> None:
    assert parse_fraction(text, argument="mfu") == value


# ---------------------------------------------------------------- through the tools


def test_tools_take_typed_whole_numbers_and_percentages() -> None:
    a = flopcast.estimate_training(model="gpt-3-175b", hardware="a100", count="1,024", mfu="40%")
    b = flopcast.estimate_training(model="gpt-3-175b", hardware="a100", count=1024, mfu=0.4)
    assert (a.count, a.mfu, a.days) == (1024, 0.4, b.days)
    inf = flopcast.estimate_inference(model="llama-3.1-8b", hardware="h100", context="32k",
                                      batch="1k")
    assert (inf.context, inf.batch) == (32_768, 1000)
    mem = flopcast.estimate_memory(model="llama-3.1-8b", tensor_parallel="8", seq_len="8k")
    assert mem.devices == 8


def test_the_bounds_still_apply_to_typed_text() -> None:
    with pytest.raises(InvalidInputError, match=r"^count: .*less than or equal to 10000000"):
        flopcast.estimate_training(model="gpt-3-175b", hardware="a100", count="2e7")
    with pytest.raises(InvalidInputError, match=r"^mfu: .*less than or equal to 1"):
        flopcast.estimate_training(model="gpt-3-175b", hardware="a100", mfu="140%")
    with pytest.raises(InvalidInputError, match=r"^count: must be a whole number"):
        flopcast.estimate_training(model="gpt-3-175b", hardware="a100", count="1.5")


def test_json_carries_the_typed_decimal() -> None:
    from flopcast.tools.registry import call_tool, get_tool, structured

    r = call_tool(get_tool("check_claim"), {"flops": "3.14 × 10^23", "hardware": "v100",
                                           "count": "2", "years": "355"})
    assert '"flops": 3.14e+23' in __import__("json").dumps(structured(r))


def test_cli_reads_typed_arguments(capsys: pytest.CaptureFixture[str]) -> None:
    from flopcast.tools.cli import main

    assert main(["estimate", "--model", "gpt-3-175b", "--hardware", "a100", "--count", "1k",
                 "--mfu", "40%", "--json"]) == 0
    out = __import__("json").loads(capsys.readouterr().out)
    assert (out["count"], out["mfu"]) == (1000, 0.4)
