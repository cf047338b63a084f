"""Memory per device: ZeRO (Rajbhandari et al. 2020), Korthikanti et al. 2022 Table 2, KV cache.

Expected values are hand calculations written out in each test, or figures printed in the
papers (ZeRO Figure 1).
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from flopcast.memory.estimate import (
    activation_bytes_per_layer,
    estimate_memory,
    kv_cache_bytes,
    model_state_bytes_per_param,
    training_state_bytes,
)
from flopcast.numbers.errors import InvalidInputError

# A 7B shape (Llama 2 7B: 32 layers, h = 4096, 32 heads; Touvron et al. 2023 Table 1 / config).
SEVEN_B = {"params": 7e9, "layers": 32, "d_model": 4096, "heads": 32}


def test_seven_b_mixed_precision_adam_is_112_gb() -> None:
    # 2 (bf16 weights) + 2 (bf16 grads) + 12 (fp32 master, m, v) = 16 bytes × 7e9 = 112 GB.
    assert training_state_bytes(7e9) == pytest.approx(112e9)
    r = estimate_memory(**SEVEN_B, seq_len=4096)
    assert r.weights_bytes + r.gradients_bytes + r.optimizer_bytes == pytest.approx(112e9)
    assert (r.weights_bytes, r.gradients_bytes, r.optimizer_bytes) == pytest.approx(
        (14e9, 14e9, 84e9)
    )


def test_zero3_on_eight_is_14_gb() -> None:
    r = estimate_memory(**SEVEN_B, seq_len=4096, zero_stage=3, data_parallel=8)
    assert r.weights_bytes + r.gradients_bytes + r.optimizer_bytes == pytest.approx(14e9)
    assert r.devices == 8


@pytest.mark.parametrize(
    ("stage", "gb"),
    # ZeRO paper Figure 1: Ψ = 7.5B, N_d = 64, K = 12 → 120, 31.4, 16.6, 1.88 GB per device.
    [(0, 120.0), (1, 31.4), (2, 16.6), (3, 1.88)],
)
def test_zero_paper_figure_1(stage: int, gb: float) -> None:
    r = estimate_memory(params=7.5e9, layers=1, d_model=1, heads=1, seq_len=1,
                        zero_stage=stage, data_parallel=64, recompute="full")
    states = r.weights_bytes + r.gradients_bytes + r.optimizer_bytes
    assert states / 1e9 == pytest.approx(gb, abs=0.05 if gb > 10 else 0.005)


def test_optimizer_variants() -> None:
    # 8-bit Adam: 2 bytes of state (Dettmers et al. 2022) + 4 fp32 master = 6.
    assert model_state_bytes_per_param("adam_8bit", "bf16") == (2.0, 2.0, 6.0)
    # SGD with momentum, mixed precision: fp32 master 4 + momentum 4 = 8.
    assert model_state_bytes_per_param("sgd_momentum", "bf16") == (2.0, 2.0, 8.0)
    # Pure fp32 Adam: 4 + 4 + (m 4 + v 4) = 16, no master copy.
    assert model_state_bytes_per_param("adamw", "fp32") == (4.0, 4.0, 8.0)
    assert training_state_bytes(1e9, "sgd", "bf16") == pytest.approx(8e9)


SBH = 4096 * 1 * 4096  # s · b · h for the 7B shape at s = 4096, b = 1


@pytest.mark.parametrize(
    ("kwargs", "expected"),
    [
        # Korthikanti Table 2, no parallelism: sbh·(34 + 5·a·s/h) = sbh·(34 + 5·32·4096/4096).
        ({"flash_attention": False}, SBH * (34 + 160)),
        # FlashAttention / selective recomputation drop the 5as/h term: 34·sbh.
        ({}, SBH * 34),
        ({"recompute": "selective", "flash_attention": False}, SBH * 34),
        # Tensor parallel t = 8 without sequence parallel: sbh·(10 + 24/8 + 160/8).
        ({"tensor_parallel": 8, "flash_attention": False}, SBH * (10 + 3 + 20)),
        # Tensor + sequence parallel: sbh·(34/8 + 160/8).
        ({"tensor_parallel": 8, "sequence_parallel": True, "flash_attention": False},
         SBH * (4.25 + 20)),
        # Tensor + sequence + selective: sbh·34/8.
        ({"tensor_parallel": 8, "sequence_parallel": True, "recompute": "selective"},
         SBH * 4.25),
        # Full recomputation: only the layer input, 2·sbh.
        ({"recompute": "full"}, SBH * 2),
    ],
)
def test_activation_rows_of_korthikanti_table_2(kwargs: dict, expected: float) -> None:
    assert activation_bytes_per_layer(4096, 1, 4096, 32, **kwargs) == pytest.approx(expected)


def test_activations_for_all_layers() -> None:
    # 32 layers × 34 · 4096 · 4096 = 18.25 GB with FlashAttention; 104.2 GB without.
    r = estimate_memory(**SEVEN_B, seq_len=4096)
    assert r.activations_bytes == pytest.approx(32 * 34 * SBH)
    r = estimate_memory(**SEVEN_B, seq_len=4096, flash_attention=False)
    assert r.activations_bytes == pytest.approx(104.2e9, rel=1e-3)


def test_llama2_70b_kv_cache_per_token() -> None:
    # 2 (K, V) × 80 layers × 8 KV heads × 128 dims × 2 bytes (bf16) = 327,680 bytes.
    assert kv_cache_bytes(80, 8, 128, 1, 2.0) == 327_680
    r = estimate_memory(mode="inference", params="70B", layers=80, d_model=8192, heads=64,
                        kv_heads=8, context=32768, batch=8)
    assert r.kv_cache_bytes_per_token == 327_680
    # 32k context × batch 8 = 262,144 tokens → 327,680 × 262,144 = 85,899,345,920 bytes.
    assert r.kv_cache_bytes == pytest.approx(85_899_345_920)
    assert r.weights_bytes == pytest.approx(140e9)
    assert r.total_bytes_per_device == pytest.approx(140e9 + 85_899_345_920)


def test_llama2_70b_from_the_preset() -> None:
    r = estimate_memory(mode="inference", model="llama-2-70b", context=32768, batch=8)
    assert r.kv_cache_bytes == pytest.approx(85_899_345_920)


def test_int4_weights_keep_a_16_bit_cache() -> None:
    r = estimate_memory(mode="inference", params="70B", layers=80, d_model=8192, heads=64,
                        kv_heads=8, context=4096, precision="int4")
    assert r.weights_bytes == pytest.approx(35e9)  # 0.5 byte × 70e9
    assert r.kv_cache_bytes == pytest.approx(327_680 * 4096)
    assert any(a.name == "kv_precision" for a in r.assumptions)


def test_tensor_parallel_splits_inference() -> None:
    r = estimate_memory(mode="inference", params="70B", layers=80, d_model=8192, heads=64,
                        kv_heads=8, context=4096, tensor_parallel=4)
    assert r.weights_bytes == pytest.approx(35e9)
    assert r.kv_cache_bytes == pytest.approx(327_680 * 4096 / 4)


def test_zh_summary() -> None:
    r = estimate_memory(**SEVEN_B, seq_len=4096, language="zh")
    assert "每设备显存" in r.summary


@pytest.mark.parametrize(
    ("kwargs", "argument"),
    [
        ({}, "params"),
        ({**SEVEN_B, "seq_len": 4096, "zero_stage": 4}, "zero_stage"),
        ({**SEVEN_B, "seq_len": 4096, "optimizer": "lion"}, "optimizer"),
        ({**SEVEN_B, "seq_len": 4096, "precision": "int4"}, "precision"),
        ({**SEVEN_B, "seq_len": 4096, "sequence_parallel": True}, "sequence_parallel"),
        ({**SEVEN_B, "seq_len": 4096, "context": 4096}, "context"),
        ({"mode": "inference", **SEVEN_B}, "context"),
    ],
)
def test_errors_name_the_argument(kwargs: dict, argument: str) -> None:
    with pytest.raises(InvalidInputError) as e:
        estimate_memory(**kwargs)
    assert e.value.argument == argument


def test_full_fine_tune_7b_on_one_a100_80gb() -> None:
    # "Can I full fine-tune a 7B model on one 80 GB A100?" 112 GB of states alone exceed 80 GB.
    # Fewest devices with the states spread evenly: each keeps 18.25 GB of activations
    # (32 × 34 · 4096 · 4096), leaving 61.75 GB: ⌈112 / 61.75⌉ = 2.
    r = estimate_memory(**SEVEN_B, seq_len=4096, hardware="a100-80gb")
    assert r.device_memory_bytes == pytest.approx(80e9)
    assert r.fits is False
    assert r.min_devices == 2
    assert "does not fit" in r.summary


def test_7b_with_zero3_on_eight_a100_80gb_fits() -> None:
    # 14 GB of states + 18.25 GB of activations = 32.25 GB ≤ 80 GB.
    r = estimate_memory(**SEVEN_B, seq_len=4096, zero_stage=3, data_parallel=8,
                        hardware="a100-80gb")
    assert r.total_bytes_per_device == pytest.approx(14e9 + 32 * 34 * SBH)
    assert r.fits is True


def test_activations_alone_too_big() -> None:
    # Without FlashAttention, 104.2 GB of activations exceed 80 GB: no device count helps.
    r = estimate_memory(**SEVEN_B, seq_len=4096, flash_attention=False, hardware="a100-80gb")
    assert r.fits is False
    assert r.min_devices is None
    assert "activations alone" in r.summary


def test_70b_inference_needs_two_h100() -> None:
    # 140 GB of bf16 weights + 1.34 GB of KV cache (4096 tokens) over 80 GB devices: 2.
    r = estimate_memory(mode="inference", params="70B", layers=80, d_model=8192, heads=64,
                        kv_heads=8, context=4096, hardware="h100")
    assert r.fits is False
    assert r.min_devices == 2


@pytest.mark.parametrize(
    ("extra", "argument"),
    [({"zero_stage": 3}, "zero_stage"), ({"seq_len": 4096}, "seq_len"),
     ({"recompute": "full"}, "recompute")],
)
def test_training_arguments_refused_for_inference(extra: dict, argument: str) -> None:
    with pytest.raises(InvalidInputError) as e:
        estimate_memory(mode="inference", model="llama-2-70b", **extra)
    assert e.value.argument == argument


@settings(max_examples=50, deadline=None)
@given(
    params=st.floats(1e8, 1e12),
    d=st.integers(1, 1024),
    optimizer=st.sampled_from(["adamw", "adam_8bit", "sgd_momentum", "sgd"]),
)
def test_each_zero_stage_needs_no_more_memory(params: float, d: int, optimizer: str) -> None:
    totals = [
        estimate_memory(params=params, layers=1, d_model=64, heads=1, seq_len=1,
                        optimizer=optimizer, zero_stage=z, data_parallel=d).total_bytes_per_device
        for z in range(4)
    ]
    assert all(a >= b for a, b in zip(totals, totals[1:], strict=False))
    # Stage 3 divides all model states by N_d (the activations are the same in both).
    states = training_state_bytes(params, optimizer)
    assert totals[0] - states == pytest.approx(totals[3] - states / d)


def test_a_partial_shape_names_only_what_is_missing() -> None:
    assert estimate_memory(**SEVEN_B).activations_need == ["seq_len"]


def test_params_alone_answer_the_model_states_and_name_what_activations_need() -> None:
    # ZeRO (Rajbhandari et al. 2020, §3.1): mixed-precision Adam keeps 2 + 2 + 12 = 16 bytes
    # per parameter: 7e9 × 2 = 14 GB weights, 14 GB gradients, 7e9 × 12 = 84 GB optimizer.
    r = estimate_memory(params="7B")
    assert (r.weights_bytes, r.gradients_bytes, r.optimizer_bytes) == pytest.approx(
        (14e9, 14e9, 84e9))
    assert r.activations_bytes is None
    assert r.activations_need == ["layers", "d_model", "heads", "seq_len"]
    assert r.total_bytes_per_device == pytest.approx(112e9)
    assert "activations not counted (they need layers, d_model, heads, seq_len" in r.summary
    zh = estimate_memory(params="7B", language="zh")
    assert "激活未计入" in zh.summary


def test_params_alone_on_a_device_say_what_is_known() -> None:
    # 70B: 1.12 TB of model states; on 80 GB A100s at least ⌈1120 / 80⌉ = 14 devices.
    r = estimate_memory(params="70B", hardware="a100")
    assert r.fits is False and r.min_devices == 14
    small = estimate_memory(params="1B", hardware="a100")  # 16 GB of states on 80 GB
    assert small.fits is None and "whether the activations do depends" in small.summary
