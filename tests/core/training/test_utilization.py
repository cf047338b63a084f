"""Peak choice, MFU, achieved rate (flopcast.training.utilization), by hand and from papers."""

from __future__ import annotations

import pytest

from flopcast.catalog.hardware import get_hardware
from flopcast.numbers.errors import InvalidInputError
from flopcast.training.utilization import (
    MFU_SCENARIOS,
    achieved_flops_per_s,
    default_mfu,
    model_flops_utilization,
    pick_peak,
)


def test_palm_mfu():
    # PaLM §4.1 / App. B: 238.3K tokens/s × 6 × 540e9 / (6144 × 275e12) = 45.7% without attention.
    assert model_flops_utilization(238.3e3 * 6 * 540e9, 6144, 275e12, 1.0) == pytest.approx(
        0.457, abs=0.001
    )


def test_published_mfu_band_is_the_papers_figures():
    # PaLM §4.1 Table 3: GPT-3 21.3%, PaLM 46.2%; Llama 3 §3.3.4 Table 4: 38-43% → 40%.
    assert [(s.name, s.mfu) for s in MFU_SCENARIOS] == [
        ("low", 0.213), ("typical", 0.40), ("high", 0.462)]
    mfu, said = default_mfu()
    assert mfu == 0.40 and said.name == "mfu" and "Llama 3" in said.source


def test_achieved_rate_counts_recomputation():
    # A100 BF16 312 TFLOP/s × MFU 0.45 × (8/6 with full recompute) = 187.2 TFLOP/s.
    assert achieved_flops_per_s(312e12, 0.45, 8 / 6) == pytest.approx(187.2e12)


def test_pick_peak_defaults_to_bf16_and_falls_back_where_absent():
    peak, said = pick_peak(get_hardware("h100-sxm5-80gb"), None, False)
    assert (peak.precision, said[0].value) == ("bf16", "bf16")
    # V100 has FP16 tensor cores (125 TFLOP/s, NVIDIA V100 datasheet) and no BF16.
    peak, said = pick_peak(get_hardware("v100-sxm2-32gb"), None, False)
    assert peak.precision == "fp16" and peak.flops_per_s == pytest.approx(125e12)
    assert "no bf16" in said[0].source


def test_pick_peak_asked_precision_is_used_without_assumption():
    # A100: FP32 on CUDA cores is 19.5 TFLOP/s (NVIDIA A100 datasheet), not the TF32 156.
    peak, said = pick_peak(get_hardware("a100-sxm4-80gb"), "fp32", False)
    assert peak.flops_per_s == pytest.approx(19.5e12) and said == []
    with pytest.raises(InvalidInputError, match="precision"):
        pick_peak(get_hardware("v100-sxm2-32gb"), "bf16", False)
