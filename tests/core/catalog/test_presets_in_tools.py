"""Every preset through the tools people call with a model name: training time, the device
comparison, memory for training and inference, and inference throughput."""

from __future__ import annotations

import math

import pytest

import flopcast
from flopcast.catalog.models import ModelPreset, model_catalog

_GIVEN_TOKENS = 1e12  # for presets without published training tokens


@pytest.mark.parametrize("preset", model_catalog(), ids=lambda p: p.id)
def test_training_and_the_comparison_use_the_preset(preset: ModelPreset) -> None:
    tokens = None if preset.tokens is not None else "1T"
    d = preset.tokens if preset.tokens is not None else _GIVEN_TOKENS
    r = flopcast.estimate_training(model=preset.id, tokens=tokens, hardware="h100", count=64)
    # 6·N·D with the parameters that do work per token (active ones for a mixture of experts).
    n = preset.active_params if preset.active_params is not None else preset.params
    assert r.flops == pytest.approx(6 * n * d)
    assert math.isfinite(r.days) and r.days > 0
    rows = flopcast.compare_gpus(model=preset.id, tokens=tokens, count=64).rows
    assert rows and all(math.isfinite(row.days) and row.days > 0 for row in rows)


@pytest.mark.parametrize("preset", model_catalog(), ids=lambda p: p.id)
def test_memory_and_inference_use_the_preset(preset: ModelPreset) -> None:
    train = flopcast.estimate_memory(model=preset.id)
    # bf16 weights: 2 bytes per parameter, every expert held in memory.
    assert train.weights_bytes == pytest.approx(2 * preset.params)
    infer = flopcast.estimate_memory(model=preset.id, mode="inference", context=4096)
    assert infer.kv_cache_bytes > 0
    r = flopcast.estimate_inference(model=preset.id, hardware="h100", context=4096)
    assert math.isfinite(r.decode_tokens_per_s) and r.decode_tokens_per_s > 0
    # Forward FLOPs per token: 2·N (active) plus the attention over the context.
    n = preset.active_params if preset.active_params is not None else preset.params
    assert r.flops_per_token >= 2 * n
