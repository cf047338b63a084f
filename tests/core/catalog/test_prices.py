"""Dated price quotes (data/prices.toml): per-device prices by hand, the provider rule, errors."""

from __future__ import annotations

import re

import pytest

from flopcast.catalog.hardware import hardware_catalog, load_catalog_text, unverified_figures
from flopcast.catalog.prices import (
    LOWEST,
    check_provider,
    common_basis,
    load_prices_text,
    price_book,
    providers,
    quote_range,
    quotes_for,
    select_quote,
)
from flopcast.numbers.errors import InvalidInputError

# Every quote in the catalog: (device, provider, date, kind, devices per instance, $ per
# device-hour written by hand: the instance price ÷ its devices, or the per-GPU rate the
# provider prints as is).
QUOTES = [
    # Lambda 2020 GPT-3 article: 'lowest 3 year reserved' V100 pricing, $1.50 per GPU-hour.
    ("nvidia-v100-sxm2-16gb", "Lambda", "2020-06-03", "reserved", 1, 1.50),
    # AWS EC2 on-demand, us-east-1 (instances.vantage.sh copy): p3.16xlarge 8× V100 $24.48/h.
    ("nvidia-v100-sxm2-16gb", "AWS", "2026-01-21", "on-demand", 8, 24.48 / 8),
    # Lambda lambda.ai/instances (copy read 2026-09-20) prints per-GPU rates.
    ("nvidia-v100-sxm2-16gb", "Lambda", "2026-09-20", "on-demand", 8, 0.79),
    # p3dn.24xlarge: reserved $19.215/h, on-demand $31.212/h for 8 GPUs.
    ("nvidia-v100-sxm2-32gb", "AWS", "2026-01-21", "reserved", 8, 19.215 / 8),
    ("nvidia-v100-sxm2-32gb", "AWS", "2026-08-26", "on-demand", 8, 31.212 / 8),
    # p4d.24xlarge 8× A100 40 GB $21.957642/h; Lambda 1x $1.48 (May), 8x $1.99 (September).
    ("nvidia-a100-sxm4-40gb", "AWS", "2026-01-21", "on-demand", 8, 21.957642 / 8),
    ("nvidia-a100-sxm4-40gb", "Lambda", "2026-05-07", "on-demand", 1, 1.48),
    ("nvidia-a100-sxm4-40gb", "Lambda", "2026-09-20", "on-demand", 8, 1.99),
    # p4de.24xlarge $27.44705/h; CoreWeave 'NVIDIA A100 (on-demand) $21.60' for 8 GPUs.
    ("nvidia-a100-sxm4-80gb", "AWS", "2026-01-21", "on-demand", 8, 27.44705 / 8),
    ("nvidia-a100-sxm4-80gb", "CoreWeave", "2026-09-20", "on-demand", 8, 21.60 / 8),
    ("nvidia-a100-sxm4-80gb", "Lambda", "2026-09-20", "on-demand", 8, 2.79),
    ("nvidia-a100-pcie-80gb", "RunPod", "2026-11-09", "on-demand", 1, 1.79),
    # p5.48xlarge $55.04/h; CoreWeave HGX H100 $49.24/h, spot $19.71/h, 8 GPUs each.
    ("nvidia-h100-sxm5-80gb", "AWS", "2026-01-21", "on-demand", 8, 55.04 / 8),
    ("nvidia-h100-sxm5-80gb", "Lambda", "2026-05-07", "on-demand", 1, 3.78),
    ("nvidia-h100-sxm5-80gb", "CoreWeave", "2026-09-20", "on-demand", 8, 49.24 / 8),
    ("nvidia-h100-sxm5-80gb", "CoreWeave", "2026-09-20", "spot", 8, 19.71 / 8),
    ("nvidia-h100-sxm5-80gb", "Lambda", "2026-09-20", "on-demand", 8, 3.99),
    ("nvidia-h100-sxm5-80gb", "Lambda", "2026-09-20", "on-demand", 1, 4.29),
    ("nvidia-h100-pcie-80gb", "Lambda", "2026-05-07", "on-demand", 1, 2.86),
    ("nvidia-h100-pcie-80gb", "Lambda", "2026-09-20", "on-demand", 1, 3.29),
    ("nvidia-h100-nvl-94gb", "RunPod", "2026-11-09", "on-demand", 1, 3.19),
    # p5en.48xlarge $63.296/h; CoreWeave HGX H200 $50.44/h.
    ("nvidia-h200-sxm-141gb", "AWS", "2026-08-26", "on-demand", 8, 63.296 / 8),
    ("nvidia-h200-sxm-141gb", "CoreWeave", "2026-09-20", "on-demand", 8, 50.44 / 8),
    # p6-b200.48xlarge $113.9328/h; CoreWeave HGX B200 $68.80/h.
    ("nvidia-b200-sxm-180gb", "AWS", "2026-01-21", "on-demand", 8, 113.9328 / 8),
    ("nvidia-b200-sxm-180gb", "CoreWeave", "2026-09-20", "on-demand", 8, 68.80 / 8),
    ("nvidia-b200-sxm-180gb", "Lambda", "2026-09-20", "on-demand", 8, 6.69),
    # CoreWeave GB200 NVL72: $42.00/h for an instance of 4 GPUs.
    ("nvidia-gb200-nvl72-gpu", "CoreWeave", "2026-09-20", "on-demand", 4, 42.00 / 4),
    ("nvidia-l40s", "AWS", "2026-08-26", "on-demand", 1, 1.861 / 1),
    ("nvidia-l40s", "CoreWeave", "2026-09-20", "on-demand", 8, 18.00 / 8),
    ("nvidia-l4", "AWS", "2026-08-26", "on-demand", 1, 0.8048 / 1),
    ("nvidia-a10", "Lambda", "2026-05-07", "on-demand", 1, 0.86),
    ("nvidia-a10", "Lambda", "2026-09-20", "on-demand", 1, 1.29),
    ("nvidia-t4", "AWS", "2026-08-26", "on-demand", 1, 0.526 / 1),
    ("amd-mi300x", "Vultr", "2026-05-18", "on-demand", 1, 1.85),
    # Google Cloud TPU prices are per chip-hour; Trillium 1-year $1.89, 3-year $1.22.
    ("google-tpu-v4", "Google Cloud", "2022-08-11", "on-demand", 1, 3.22),
    ("google-tpu-v5e", "Google Cloud", "2026-01-27", "on-demand", 1, 1.20),
    ("google-tpu-v5p", "Google Cloud", "2026-01-27", "on-demand", 1, 4.20),
    ("google-tpu-v6e", "Google Cloud", "2024-12-12", "on-demand", 1, 2.70),
    ("google-tpu-v6e", "Google Cloud", "2024-12-12", "reserved", 1, 1.89),
    ("google-tpu-v6e", "Google Cloud", "2024-12-12", "reserved", 1, 1.22),
]


def _key(row: tuple[str, str, str, str, int, float]) -> tuple[str, str, str, str, int, float]:
    return (*row[:5], round(row[5], 9))


def test_every_quote_per_device_price_is_the_hand_figure() -> None:
    got = sorted(_key((q.device, q.provider, q.date, q.kind, q.devices_per_instance,
                       q.usd_per_device_hour))
                 for qs in price_book().quotes.values() for q in qs)
    assert got == sorted(_key(r) for r in QUOTES)


def test_a_per_gpu_rate_gives_the_instance_price_and_back() -> None:
    lam = next(q for q in quotes_for("nvidia-h100-sxm5-80gb")
               if q.provider == "Lambda" and q.devices_per_instance == 8)
    assert lam.per == "device" and lam.usd_per_instance_hour == pytest.approx(3.99 * 8)
    aws = next(q for q in quotes_for("nvidia-h100-sxm5-80gb") if q.provider == "AWS")
    assert aws.per == "instance" and aws.usd_per_instance_hour == 55.04
    assert aws.derivation() == "$55.04/h ÷ 8 devices = $6.88"


@pytest.mark.parametrize("q", [q for qs in price_book().quotes.values() for q in qs],
                         ids=lambda q: f"{q.device}-{q.provider}-{q.date}")
def test_every_quote_is_dated_and_sourced(q) -> None:  # type: ignore[no-untyped-def]
    assert re.match(r"\d{4}-\d\d-\d\d$", q.date)
    assert q.source.url.startswith("https://") and q.source.title
    assert q.date <= q.source.retrieved
    assert q.unverified  # every quote so far was read in a copy, not on the provider's page
    assert (q.device, "price") in unverified_figures()


def test_quotes_name_catalog_devices_and_the_hardware_catalog_has_no_prices() -> None:
    ids = {hw.id for hw in hardware_catalog()}
    assert set(price_book().quotes) <= ids
    with pytest.raises(ValueError, match="unknown hardware ids"):
        load_prices_text('reference_provider = "X"\nreference_reason = "a reason here"\n'
                         '[[quotes.no-such-gpu]]\nprovider = "X"\ninstance = "i"\n'
                         'devices_per_instance = 1\nusd_per_hour = 1.0\nper = "device"\n'
                         'region = "r"\ndate = "2026-01-01"\nkind = "on-demand"\n'
                         'source = { title = "t", url = "https://x", retrieved = "2026-01-02" }\n'
                         'unverified = true\n', ids)
    entry = ('[[hardware]]\nid = "x"\nname = "X"\nvendor = "NVIDIA"\nkind = "gpu"\n'
             'form_factor = "PCIe"\nlaunch_year = 2020\ntraining = false\n'
             '[hardware.price]\nusd_per_device_hour = 1.0\n'
             '[[hardware.sources]]\ntitle = "t"\nurl = "https://x"\nretrieved = "2026-01-01"\n')
    with pytest.raises(ValueError, match="prices live in data/prices.toml"):
        load_catalog_text(entry)


def test_a_quote_read_before_its_date_fails() -> None:
    text = ('reference_provider = "X"\nreference_reason = "a reason here"\n'
            '[[quotes.x]]\nprovider = "X"\ninstance = "i"\ndevices_per_instance = 8\n'
            'usd_per_hour = 8.0\nper = "instance"\nregion = "r"\ndate = "2026-02-01"\n'
            'kind = "on-demand"\nunverified = true\n'
            'source = { title = "t", url = "https://x", retrieved = "2026-01-01" }\n')
    with pytest.raises(ValueError, match="read after source.retrieved"):
        load_prices_text(text)
    ok = load_prices_text(text.replace("2026-02-01", "2025-12-01"))
    assert ok.quotes["x"][0].usd_per_device_hour == 8.0 / 8


# ------------------------------------------------------------------ the provider rule


def test_default_is_lambda_newest_lowest_instance_when_lambda_quotes_the_device() -> None:
    # H100 SXM: Lambda's May quote ($3.78, 1x) is history; of its 2026-09-20 quotes (8x $3.99,
    # 1x $4.29) the lower per-GPU one is used.
    c = select_quote("nvidia-h100-sxm5-80gb")
    assert c.rule == "reference" and c.quote is not None
    assert (c.quote.provider, c.quote.date, c.quote.usd_per_device_hour) == (
        "Lambda", "2026-09-20", 3.99)
    assert {q.usd_per_device_hour for q in quotes_for("nvidia-h100-sxm5-80gb")
            if q.provider == "Lambda"} == {3.78, 3.99, 4.29}


def test_default_falls_back_to_the_lowest_on_demand_quote() -> None:
    # H200: no Lambda quote; AWS $63.296/8 = $7.912, CoreWeave $50.44/8 = $6.305.
    c = select_quote("nvidia-h200-sxm-141gb")
    assert c.rule == "fallback" and c.quote is not None
    assert c.quote.provider == "CoreWeave" and c.quote.usd_per_device_hour == 50.44 / 8
    # V100 32 GB: the reserved AWS quote ($2.40) is lower but not on-demand: $31.212/8 is used.
    c = select_quote("nvidia-v100-sxm2-32gb")
    assert c.quote is not None and c.quote.usd_per_device_hour == 31.212 / 8


def test_lowest_and_a_named_provider() -> None:
    # A100 80 GB: Lambda $2.79, CoreWeave $21.60/8 = $2.70, AWS $27.44705/8 = $3.43.
    low = select_quote("nvidia-a100-sxm4-80gb", LOWEST)
    assert low.quote is not None and low.quote.provider == "CoreWeave"
    assert low.quote.usd_per_device_hour == 21.60 / 8
    aws = select_quote("nvidia-a100-sxm4-80gb", "AWS")
    assert aws.quote is not None and aws.quote.usd_per_device_hour == 27.44705 / 8
    assert select_quote("nvidia-a100-sxm4-80gb", "Vultr").quote is None


def test_provider_names_are_case_and_space_insensitive() -> None:
    assert check_provider("google cloud") == "Google Cloud"
    assert check_provider("aws") == "AWS"
    assert check_provider(" Lowest ") == LOWEST
    assert check_provider(None) is None


def test_unknown_provider_lists_the_accepted_ones_and_the_closest() -> None:
    with pytest.raises(InvalidInputError) as e:
        check_provider("lamda")
    assert e.value.argument == "provider"
    assert "did you mean 'Lambda'" in str(e.value)
    for name in ("lowest", *providers()):
        assert name in str(e.value)


def test_compare_basis_is_the_provider_quoting_most_devices() -> None:
    # H100 SXM, H200, B200: AWS and CoreWeave quote all three, Lambda two; tie → by name (AWS).
    basis, choices = common_basis(
        ["nvidia-h100-sxm5-80gb", "nvidia-h200-sxm-141gb", "nvidia-b200-sxm-180gb"], None)
    assert basis == "AWS"
    assert {i: c.quote.provider for i, c in choices.items() if c.quote} == {
        "nvidia-h100-sxm5-80gb": "AWS", "nvidia-h200-sxm-141gb": "AWS",
        "nvidia-b200-sxm-180gb": "AWS"}


def test_quote_range_by_year() -> None:
    # V100 SXM2 16 GB: 2020 Lambda $1.50; 2026: Lambda $0.79 and AWS $24.48/8 = $3.06.
    assert [q.usd_per_device_hour for q in quote_range("nvidia-v100-sxm2-16gb", 2020)] == [1.5]
    assert [q.usd_per_device_hour for q in quote_range("nvidia-v100-sxm2-16gb")] == [
        0.79, 1.5, 24.48 / 8]
    # No quote dated 2019: every quote.
    assert len(quote_range("nvidia-v100-sxm2-16gb", 2019)) == 3


def test_a_huge_provider_text_fails_fast_and_short() -> None:
    with pytest.raises(InvalidInputError) as e:
        check_provider("x" * 1_000_000)
    assert len(str(e.value)) < 400
