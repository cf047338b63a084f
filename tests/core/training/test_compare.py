"""compare_gpus: ranking, deadlines, memory fit; expected values worked by hand."""

from __future__ import annotations

import math

import pytest

from flopcast.numbers.errors import InvalidInputError, UnknownHardwareError
from flopcast.training.compare import compare_gpus

DAY = 86400.0


def test_default_compares_every_training_accelerator_sorted_by_days():
    r = compare_gpus(params="7B", tokens="2T", count=256)
    assert len(r.rows) >= 10
    days = [row.days for row in r.rows]
    assert days == sorted(days)
    ids = {row.hardware for row in r.rows}
    assert "nvidia-h100-sxm5-80gb" in ids and "intel-core-i9-14900k" not in ids


def test_rows_follow_the_training_formula():
    r = compare_gpus(params=7e9, tokens=2e12, hardware=["h100 sxm", "a100 sxm"], count=256, mfu=0.4)
    by_id = {row.hardware: row for row in r.rows}
    # 6·7e9·2e12 / (256 · peak · 0.4); H100 SXM 989.5, A100 SXM 312 TFLOP/s dense BF16.
    h100 = 6 * 7e9 * 2e12 / (256 * 989.5e12 * 0.4) / DAY
    a100 = 6 * 7e9 * 2e12 / (256 * 312e12 * 0.4) / DAY
    assert by_id["nvidia-h100-sxm5-80gb"].days == pytest.approx(h100)
    assert by_id["nvidia-a100-sxm4-80gb"].days == pytest.approx(a100)
    assert [row.hardware for row in r.rows][0] == "nvidia-h100-sxm5-80gb"


def test_deadline_gives_each_row_the_devices_it_needs():
    # 13B on 1T tokens within 30 days at 40% MFU on H100 SXM:
    # 6·13e9·1e12 / (989.5e12·0.4·30·86400) = 760.3 → 761 devices.
    r = compare_gpus(params="13B", tokens="1T", target_days=30, hardware=["h100 sxm"], mfu=0.4)
    row = r.rows[0]
    assert row.count == math.ceil(6 * 13e9 * 1e12 / (989.5e12 * 0.4 * 30 * DAY))
    assert row.meets_deadline is True
    assert row.days <= 30


def test_sort_by_cost_puts_unpriced_rows_last():
    r = compare_gpus(
        params="13B", tokens="1T", target_days=30, sort_by="cost",
        hardware=["h100 sxm", "a100 sxm"], price_per_device_hour=2.0,
    )
    costs = [row.cost_usd for row in r.rows]
    assert costs == sorted(costs)
    # At one price for both, cost ∝ device-hours ∝ 1/peak: H100 is cheaper.
    assert r.rows[0].hardware == "nvidia-h100-sxm5-80gb"
    assert r.rows[0].cost_usd == pytest.approx(r.rows[0].device_hours * 2.0)


def test_memory_fit_uses_16_bytes_per_parameter_sharded():
    # Mixed-precision Adam: 16 bytes/param (Rajbhandari et al. 2020, ZeRO §3.1): 7B → 112 GB.
    one = compare_gpus(params="7B", tokens="1T", hardware=["a100 sxm"], count=1)
    two = compare_gpus(params="7B", tokens="1T", hardware=["a100 sxm"], count=2)
    assert one.rows[0].state_bytes_per_device == pytest.approx(112e9)
    assert one.rows[0].fits_memory is False  # 112 GB > 80 GB
    assert two.rows[0].fits_memory is True  # 56 GB ≤ 80 GB


def test_a_device_without_the_precision_is_skipped_with_the_reason():
    r = compare_gpus(params="7B", tokens="1T", hardware=["a100 sxm", "h100 sxm"], precision="fp8")
    assert [row.hardware for row in r.rows] == ["nvidia-h100-sxm5-80gb"]
    assert r.skipped[0].hardware == "nvidia-a100-sxm4-80gb"
    assert "precision" in r.skipped[0].reason


def test_summary_table_in_both_languages():
    en = compare_gpus(params="7B", tokens="1T", hardware=["h100 sxm", "a100 sxm"])
    zh = compare_gpus(params="7B", tokens="1T", hardware=["h100 sxm", "a100 sxm"], language="zh")
    assert "| hardware |" in en.summary
    assert "| 硬件 |" in zh.summary


def test_bad_inputs():
    with pytest.raises(InvalidInputError, match="^hardware"):
        compare_gpus(params="7B", tokens="1T", hardware=[])
    with pytest.raises(InvalidInputError, match="^sort_by"):
        compare_gpus(params="7B", tokens="1T", sort_by="speed")
    with pytest.raises(UnknownHardwareError):
        compare_gpus(params="7B", tokens="1T", hardware=["h1000"])


def test_a_single_hardware_name_is_accepted():
    r = compare_gpus(params="7B", tokens="1T", hardware="h100 sxm")
    assert [row.hardware for row in r.rows] == ["nvidia-h100-sxm5-80gb"]


def test_each_row_says_where_its_price_comes_from():
    # H100 SXM is quoted by Lambda, AWS and CoreWeave (one device each: the tie goes to the
    # reference provider, Lambda); Lambda's newest quotes (2026-09-20, read in a copy of the
    # page, so unverified) are 8x $3.99 and 1x $4.29 per GPU-hour: the lower, 8-GPU one.
    # Gaudi 3 has no public on-demand price.
    r = compare_gpus(params="7B", tokens="1T", count=8, sort_by="cost",
                     hardware=["h100-sxm5-80gb", "gaudi3"])
    by_id = {row.hardware: row for row in r.rows}
    h100 = by_id["nvidia-h100-sxm5-80gb"]
    assert h100.price_usd_per_device_hour == pytest.approx(3.99)
    assert h100.price_source == "Lambda, 2026-09-20, unverified"
    assert h100.cost_usd == pytest.approx(h100.device_hours * 3.99)
    gaudi = by_id["intel-gaudi3"]
    assert gaudi.price_source is None and gaudi.cost_usd is None
    assert "$3.99 (Lambda, 2026-09-20, unverified)" in r.summary
    assert r.price_basis == "Lambda"
    assert [(x.hardware, x.price_provider) for x in r.off_basis] == [("intel-gaudi3", None)]
    assert "No Lambda quote, no cost: intel-gaudi3." in r.summary
    given = compare_gpus(params="7B", tokens="1T", count=8, hardware=["gaudi3"],
                         price_per_device_hour=5.0)
    assert given.rows[0].price_source == "given" and given.rows[0].cost_usd is not None
