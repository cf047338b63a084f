"""count_tokens' count-like arguments read text as people type it (issue 13): `max_bytes`
takes sizes ("2 GB" = 2e9 bytes, SI; "1.5 GiB" = 1.5 · 2^30), `workers` whole numbers
("2", "二"); `seed` stays an exact integer. Every expected value is worked out in the row."""

from __future__ import annotations

import json

import pytest

import flopcast
from flopcast.numbers.errors import InvalidInputError
from flopcast.numbers.quantities import parse_bytes
from flopcast.tokens.count import CountTokensInput


@pytest.mark.parametrize(("text", "expected"), [
    ("2 GB", 2_000_000_000),            # SI: 1 GB = 1e9 bytes
    ("2GB", 2_000_000_000),
    ("500 MB", 500_000_000),
    ("1 kB", 1_000),
    ("3 TB", 3_000_000_000_000),
    ("1.5GiB", 1_610_612_736),          # 1.5 · 2^30 = 1.5 · 1,073,741,824
    ("512 MiB", 536_870_912),           # 512 · 2^20
    ("4 KiB", 4_096),
    ("2e9", 2_000_000_000),
    ("2,000,000 bytes", 2_000_000),
    ("20亿字节", 2_000_000_000),         # 亿 = 1e8
    ("1000", 1_000),
])
def test_sizes_as_people_type_them(text: str, expected: int) -> None:
    assert parse_bytes(text, argument="max_bytes") == expected
    assert CountTokensInput(text="x", max_bytes=text).max_bytes == expected


@pytest.mark.parametrize("text", ["1.5 B", "2 GX", "two gigabytes", "1.5"])
def test_unreadable_or_fractional_sizes_are_refused(text: str) -> None:
    with pytest.raises(InvalidInputError, match="^max_bytes: "):
        flopcast.count_tokens(text="hello", max_bytes=text)


def test_max_bytes_bounds_stay() -> None:
    assert CountTokensInput(text="x", max_bytes=2e9).max_bytes == 2_000_000_000
    with pytest.raises(InvalidInputError, match="^max_bytes: "):
        flopcast.count_tokens(text="hello", max_bytes="0 GB")
    with pytest.raises(InvalidInputError, match="^max_bytes: "):
        flopcast.count_tokens(text="hello", max_bytes="2 PB")  # over the 1 PB ceiling


def test_a_size_text_caps_the_read() -> None:
    # 2,000 bytes of text against a 1 kB (1,000-byte) limit.
    with pytest.raises(InvalidInputError, match="over max_bytes = 1,000"):
        flopcast.count_tokens(text="a" * 2_000, max_bytes="1 kB")
    assert flopcast.count_tokens(text="a" * 2_000, max_bytes="2 kB").bytes == 2_000


@pytest.mark.parametrize(("text", "expected"), [("2", 2), ("二", 2), ("四", 4), (3, 3)])
def test_workers_read_whole_numbers(text: object, expected: int) -> None:
    assert CountTokensInput(text="x", workers=text).workers == expected


def test_workers_out_of_range_or_fractional_are_refused() -> None:
    for bad in ("1.5", "65", "0"):
        with pytest.raises(InvalidInputError, match="^workers: "):
            flopcast.count_tokens(text="hello", workers=bad)


def test_seed_stays_an_integer() -> None:
    assert CountTokensInput(text="x", seed=7).seed == 7
    with pytest.raises(InvalidInputError, match="^seed: "):
        flopcast.count_tokens(text="hello", mode="sample", seed="1k")


def test_cli_reads_sizes_and_workers(capsys: pytest.CaptureFixture[str]) -> None:
    from flopcast.tools.cli import main

    assert main(["tokens", "--text", "hello world", "--max-bytes", "500 MB",
                 "--workers", "二", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["tokens"] == 2  # "hello", " world" in o200k_base
