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
    # The text says so too, under the table: a reader of the text never loses a row silently.
    assert ("Not ranked (1):\n- nvidia-a100-sxm4-80gb: precision: no fp8 peak in the catalog"
            in r.summary)


def test_skipped_rows_are_grouped_by_reason_and_an_empty_ranking_says_so():
    # Two A100s without FP8, grouped on one line.
    r = compare_gpus(params="7B", tokens="1T", precision="fp8",
                     hardware=["a100 sxm", "a100 pcie", "h100 sxm"])
    assert "Not ranked (2):\n- nvidia-a100-sxm4-80gb, nvidia-a100-pcie-80gb: precision" in r.summary
    # Nothing rankable: the text says no device type could be ranked, and why (in Chinese too).
    none = compare_gpus(params="7B", tokens="1T", precision="fp8", hardware=["a100 sxm", "v100"],
                        language="zh")
    assert none.rows == []
    assert ("没有可排序的硬件：\n- nvidia-a100-sxm4-80gb、nvidia-v100-sxm2-32gb: precision"
            in none.summary)


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


def test_one_provider_prices_every_row_it_quotes_and_the_others_are_named():
    # A100 80 GB, H200, MI300X: no provider quotes all three. AWS quotes A100 80 GB and H200
    # (p4de $27.44705/8, p5en $63.296/8), CoreWeave too ($21.60/8, $50.44/8): a tie between
    # two, broken by name (AWS). MI300X has Vultr's $1.85 only: priced by the default rule and
    # listed as off the basis, in the result and the summary.
    r = compare_gpus(params="7B", tokens="1T", count=8,
                     hardware=["a100-sxm4-80gb", "h200", "mi300x"])
    by_id = {row.hardware: row for row in r.rows}
    assert r.price_basis == "AWS"
    assert by_id["nvidia-a100-sxm4-80gb"].price_usd_per_device_hour == pytest.approx(
        27.44705 / 8)
    assert by_id["nvidia-h200-sxm-141gb"].price_usd_per_device_hour == pytest.approx(63.296 / 8)
    assert by_id["amd-mi300x"].price_usd_per_device_hour == pytest.approx(1.85)
    assert [(x.hardware, x.price_provider) for x in r.off_basis] == [("amd-mi300x", "Vultr")]
    assert "Other provider (cost not on the same basis): amd-mi300x (Vultr)." in r.summary


def test_a_chosen_provider_leaves_rows_it_does_not_quote_without_cost():
    r = compare_gpus(params="7B", tokens="1T", count=8, provider="lambda",
                     hardware=["h100-sxm5-80gb", "h200"])
    by_id = {row.hardware: row for row in r.rows}
    assert by_id["nvidia-h100-sxm5-80gb"].price_usd_per_device_hour == pytest.approx(3.99)
    assert by_id["nvidia-h200-sxm-141gb"].cost_usd is None
    assert [(x.hardware, x.price_provider) for x in r.off_basis] == [
        ("nvidia-h200-sxm-141gb", None)]


def test_lowest_says_the_rows_mix_providers():
    # H100 SXM lowest: Lambda $3.99 (< CoreWeave $6.155, AWS $6.88); H200 lowest: CoreWeave.
    r = compare_gpus(params="7B", tokens="1T", count=8, provider="lowest",
                     hardware=["h100-sxm5-80gb", "h200"])
    assert r.price_basis == "lowest" and r.off_basis == []
    assert "each row's own lowest on-demand quote (CoreWeave, Lambda), not one market" in r.summary


def test_unknown_provider_in_compare_is_an_input_error():
    with pytest.raises(InvalidInputError, match="provider"):
        compare_gpus(params="7B", tokens="1T", count=8, provider="azure")


def test_by_cost_the_rows_of_another_provider_follow_the_basis_rows():
    # AWS quotes the most of the catalog's training devices, so it is the basis; the MI300X is
    # priced at Vultr only ($1.85/h, below every AWS GPU's price) and must not top the ranking.
    r = compare_gpus(params="13B", tokens="1T", target_days=30, sort_by="cost")
    assert r.price_basis == "AWS"
    on = [row for row in r.rows if row.price_provider == "AWS"]
    other = [row for row in r.rows if row.price_provider not in (None, "AWS")]
    assert on and other
    position = {row.hardware: i for i, row in enumerate(r.rows)}
    assert max(position[x.hardware] for x in on) < min(position[x.hardware] for x in other)
    assert [x.cost_usd for x in on] == sorted(x.cost_usd for x in on)
    assert [x.cost_usd for x in other] == sorted(x.cost_usd for x in other)
    assert {x.hardware for x in r.off_basis} >= {x.hardware for x in other}
