"""Serving roofline: FLOPs per token (Kaplan Table 1), decode and prefill bounds, cost.

Device figures used in the hand calculations (NVIDIA datasheets, as in the catalog):
H100 SXM5: 3.35 TB/s HBM3, 989.5 TFLOP/s dense BF16 (1,979 printed with sparsity), 80 GB;
H200 SXM: 4.8 TB/s, same tensor peaks, 141 GB.
"""

from __future__ import annotations

import pytest

from flopcast.inference.estimate import estimate_inference, forward_flops_per_token
from flopcast.numbers.errors import InvalidInputError

H100_BW = 3.35e12
H200_BW = 4.8e12
H100_BF16 = 989.5e12
LLAMA2_70B = {"params": "70B", "layers": 80, "heads": 64, "kv_heads": 8, "head_dim": 128}
KV_PER_TOKEN = 2 * 80 * 8 * 128 * 2  # 327,680 bytes, bf16


def test_flops_per_token_kaplan_table_1() -> None:
    # 2N + 2·n_layer·n_ctx·d_attn = 2·70e9 + 2·80·4096·8192 = 1.4e11 + 5.369e9.
    assert forward_flops_per_token(70e9, 80, 4096, 64 * 128) == pytest.approx(1.4e11 + 5.36870912e9)


def test_70b_bf16_decode_on_one_h100() -> None:
    # 70e9 × 2 bytes = 140 GB; batch-1 decode reads them once per token:
    # 3350 GB/s / 140 GB = 23.9 tokens/s (ignoring the KV cache, no architecture given).
    r = estimate_inference(hardware="h100", params="70B")
    assert r.weights_bytes == pytest.approx(140e9)
    assert r.decode_tokens_per_s == pytest.approx(3350 / 140, rel=1e-9)
    assert r.decode_bound == "memory"
    assert not r.fits_memory  # 140 GB > 80 GB: the summary says so
    assert "do not fit" in r.summary


def test_70b_int4_decode_on_one_h100() -> None:
    # int4: 0.5 byte × 70e9 = 35 GB → 3350 / 35 = 95.7 tokens/s, and it fits in 80 GB.
    r = estimate_inference(hardware="h100", params="70B", precision="int4")
    assert r.decode_tokens_per_s == pytest.approx(3350 / 35, rel=1e-9)
    assert r.fits_memory
    assert any(a.name == "compute_precision" and a.value == "bf16" for a in r.assumptions)


def test_llama2_70b_with_kv_cache() -> None:
    # 4096 tokens of context: KV = 327,680 × 4096 = 1.342 GB;
    # decode = 3.35e12 / (140e9 + 1.342e9) = 23.70 tokens/s.
    r = estimate_inference(hardware="h100", context=4096, **LLAMA2_70B)
    kv = KV_PER_TOKEN * 4096
    assert r.kv_cache_bytes == pytest.approx(kv)
    assert r.decode_tokens_per_s == pytest.approx(H100_BW / (140e9 + kv))
    # Prefill: 989.5e12 × 0.76 / (1.4e11 + 5.369e9) = 5,173 tokens/s, compute-bound.
    flops = 1.4e11 + 2 * 80 * 4096 * 8192
    assert r.flops_per_token == pytest.approx(flops)
    assert r.prefill_tokens_per_s == pytest.approx(H100_BF16 * 0.76 / flops)
    assert r.prefill_bound == "compute"


def test_serving_cost_on_h200_at_3_50() -> None:
    # "What does serving 1M tokens of a 70B model cost on H200 at $3.50 per hour?"
    # Batch 1, 4k context: 4.8e12 / (140e9 + 1.342e9) = 33.96 tokens/s;
    # $3.50 / (33.96 × 3600 s) × 1e6 = $28.63 per million generated tokens.
    r = estimate_inference(hardware="h200", context=4096, price_per_device_hour=3.5, **LLAMA2_70B)
    rate = H200_BW / (140e9 + KV_PER_TOKEN * 4096)
    assert r.decode_tokens_per_s == pytest.approx(rate)
    assert r.cost_usd_per_million_tokens == pytest.approx(3.5 / (rate * 3600) * 1e6)
    assert r.cost_usd_per_million_tokens == pytest.approx(28.63, rel=1e-3)


def test_batching_shifts_decode_to_compute_bound() -> None:
    # No architecture: compute roof 989.5e12 × 0.76 / 1.4e11 = 5,372 tokens/s;
    # memory roof at batch 512: 512 × 3.35e12 / 140e9 = 12,251 tokens/s → compute binds.
    r = estimate_inference(hardware="h100", params="70B", batch=512)
    assert r.decode_bound == "compute"
    assert r.decode_tokens_per_s == pytest.approx(H100_BF16 * 0.76 / 1.4e11)
    assert r.decode_tokens_per_s_per_sequence == pytest.approx(r.decode_tokens_per_s / 512)


def test_two_devices_double_both_roofs() -> None:
    one = estimate_inference(hardware="h100", context=4096, **LLAMA2_70B)
    two = estimate_inference(hardware="h100", context=4096, count=2, **LLAMA2_70B)
    assert two.decode_tokens_per_s == pytest.approx(2 * one.decode_tokens_per_s)
    assert two.fits_memory and not one.fits_memory  # 141.3 GB in 160 GB


def test_mixture_of_experts_reads_active_weights_at_batch_1() -> None:
    # 671B total / 37B active (DeepSeek-V3 sizes), fp8: batch 1 reads 37e9 bytes per token;
    # 8 × H200: 8 × 4.8e12 / 37e9 = 1,038 tokens/s (no KV: no architecture given).
    r = estimate_inference(
        hardware="h200", params="671B", active_params="37B", precision="fp8", count=8
    )
    assert r.decode_tokens_per_s == pytest.approx(8 * H200_BW / 37e9)
    assert r.flops_per_token == pytest.approx(2 * 37e9)
    assert r.weights_bytes == pytest.approx(671e9)


def test_from_the_preset() -> None:
    r = estimate_inference(hardware="h100", model="llama-2-70b", context=4096)
    assert r.kv_cache_bytes == pytest.approx(KV_PER_TOKEN * 4096)


def test_catalog_price_is_an_assumption() -> None:
    r = estimate_inference(hardware="h100", params="7B")
    if r.price_usd_per_device_hour is not None:
        assert any(a.name == "price_per_device_hour" for a in r.assumptions)
        assert r.cost_usd_per_million_tokens is not None


def test_zh_summary() -> None:
    r = estimate_inference(hardware="h100", params="70B", language="zh")
    assert "词元/秒" in r.summary


@pytest.mark.parametrize(
    ("kwargs", "argument"),
    [
        ({"hardware": "h100"}, "params"),
        ({"hardware": "h100", "params": "70B", "mfu": 0}, "mfu"),
        ({"hardware": "h100", "params": "70B", "batch": 0}, "batch"),
        ({"hardware": "h100", "params": "70B", "precision": "int3"}, "precision"),
        (
            {"hardware": "h100", "layers": 80, "heads": 64, "head_dim": 128, "params": "70B"},
            "context",
        ),
    ],
)
def test_errors_name_the_argument(kwargs: dict, argument: str) -> None:
    with pytest.raises(InvalidInputError) as e:
        estimate_inference(**kwargs)
    assert e.value.argument == argument


def test_device_without_bf16_falls_back_to_fp16() -> None:
    # V100: fp16 tensor cores only (125 TFLOP/s), 900 GB/s; 7B bf16 = 14 GB → 900 / 14 = 64.3.
    r = estimate_inference(hardware="v100", params="7B")
    assert any(a.name == "compute_precision" and a.value == "fp16" for a in r.assumptions)
    assert r.decode_tokens_per_s == pytest.approx(900 / 14, rel=1e-9)


def test_kv_heads_default_is_an_assumption() -> None:
    # Without kv_heads, multi-head attention: 64 K/V heads, 8× the GQA cache of Llama 2 70B.
    r = estimate_inference(
        hardware="h100", params="70B", layers=80, heads=64, head_dim=128, context=4096
    )
    assert r.kv_cache_bytes == pytest.approx(8 * KV_PER_TOKEN * 4096)
    assert any(a.name == "kv_heads" for a in r.assumptions)


def test_inference_provider_picks_the_quote() -> None:
    # A100 80 GB at CoreWeave: $21.60/h ÷ 8 GPUs = $2.70 per GPU-hour.
    r = estimate_inference(model="llama-2-7b", hardware="a100-sxm4-80gb", provider="coreweave")
    assert r.price_usd_per_device_hour == pytest.approx(21.60 / 8)
    with pytest.raises(InvalidInputError, match="provider"):
        estimate_inference(model="llama-2-7b", hardware="a100", provider="nope")
