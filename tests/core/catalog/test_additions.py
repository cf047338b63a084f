"""Catalog additions of 2026 (hardware issue): each device's key figures against the vendor's
printed numbers, CPU peaks by hand, names as people type them, suggestions by family.

Every expected figure is written here from the page cited beside it (dense unless said), or
computed by hand in the test; none is pasted from the code's output.
"""

from __future__ import annotations

import pytest

from flopcast.catalog.hardware import get_hardware, resolve_hardware
from flopcast.numbers.errors import InvalidInputError, UnknownHardwareError

_GIB = 2**30

# (id, precision, sparsity, TFLOP/s, where the figure is printed)
PEAKS = [
    # NVIDIA A100 datasheet / A800 listing: 'BF16 312 | 624*', 'TF32 156', 'FP32 19.5'
    ("nvidia-a800-sxm4-80gb", "bf16", False, 312, "A100 datasheet (A800 = A100 peaks)"),
    ("nvidia-a800-sxm4-80gb", "bf16", True, 624, "A100 datasheet, * with sparsity"),
    ("nvidia-a800-sxm4-80gb", "fp32", False, 19.5, "A100 datasheet"),
    ("nvidia-a100-pcie-40gb", "tf32", False, 156, "A100 40GB PCIe product brief"),
    ("nvidia-a100-pcie-40gb", "fp64_tensor", False, 19.5, "A100 40GB PCIe product brief"),
    # H200 page, H200 NVL column: 'BF16 1,671 TFLOPS*' (* with sparsity), 'FP64 30'
    ("nvidia-h200-nvl-141gb", "bf16", False, 1671 / 2, "H200 page, NVL column, halved"),
    ("nvidia-h200-nvl-141gb", "fp8", True, 3341, "H200 page, NVL column"),
    ("nvidia-h200-nvl-141gb", "fp64", False, 30, "H200 page, NVL column"),
    # GH200 datasheet: the H100 SXM's GPU, 'FP8 3,958 TFLOPS*'
    ("nvidia-gh200-96gb", "fp8", False, 3958 / 2, "GH200 datasheet, halved"),
    ("nvidia-gh200-96gb", "fp64_tensor", False, 67, "GH200 datasheet"),
    # Verda per-GPU table 'without sparsity': B300 BF16 2.25 PF, FP4 14 PF; GB300 BF16 2.5,
    # FP8 5, FP4 15 PF; Lockwood: FP64 1.25 TF
    ("nvidia-b300-hgx", "bf16", False, 2250, "Verda table"),
    ("nvidia-b300-hgx", "bf16", True, 4500, "Verda table: sparse = 2 × dense"),
    ("nvidia-b300-hgx", "fp4", False, 14000, "Verda table"),
    ("nvidia-b300-hgx", "fp64", False, 1.25, "Lockwood, B300 notes"),
    ("nvidia-gb300-nvl72-gpu", "bf16", False, 2500, "Verda table"),
    ("nvidia-gb300-nvl72-gpu", "fp8", False, 5000, "Verda table"),
    ("nvidia-gb300-nvl72-gpu", "fp4", False, 15000, "Verda table"),
    # L40 datasheet: 'BF16 181.05 | 362.1*', 'FP8 362 | 724*', 'FP32 90.5'
    ("nvidia-l40", "bf16", False, 181.05, "L40 datasheet"),
    ("nvidia-l40", "fp8", True, 724, "L40 datasheet"),
    ("nvidia-l40", "fp32", False, 90.5, "L40 datasheet"),
    # GA102 whitepaper, RTX A6000: FP16/BF16 tensor (FP32 accumulate) 154.8 | 309.7*, FP32 38.7
    ("nvidia-rtx-a6000", "bf16", False, 154.8, "GA102 whitepaper, A6000 column"),
    ("nvidia-rtx-a6000", "fp32", False, 38.7, "GA102 whitepaper, A6000 column"),
    # RTX Blackwell whitepaper, RTX 5090: BF16 (FP32 acc.) 209.5, FP32 104.8, FP4 1,676 dense
    ("nvidia-rtx-5090", "bf16", False, 209.5, "RTX Blackwell whitepaper"),
    ("nvidia-rtx-5090", "fp4", True, 3352, "RTX Blackwell whitepaper: '3,352 AI TOPS'"),
    ("nvidia-rtx-5090", "fp32", False, 104.8, "RTX Blackwell whitepaper"),
    # RTX PRO 6000 Blackwell Workstation: FP32 125 TFLOPS, '4,000 AI TOPS' = FP4 sparse
    ("nvidia-rtx-pro-6000-blackwell", "fp32", False, 125, "GTC 2025 launch figures"),
    ("nvidia-rtx-pro-6000-blackwell", "fp4", False, 4000 / 2, "'4,000 AI TOPS', halved"),
    # AMD: MI355X FP16 2,516.6 (5,033.2 sparse), FP8 5,033.2, FP64 78.6; MI350X 2,306.9;
    # MI300A (CDNA 3 white paper Table 1) TF32 490.3, FP16 980.6, FP64 vector 61.3
    ("amd-mi355x", "bf16", False, 2516.6, "MI355X page"),
    ("amd-mi355x", "bf16", True, 5033.2, "MI355X page, with sparsity"),
    ("amd-mi355x", "fp8", False, 5033.2, "MI355X page"),
    ("amd-mi355x", "fp64", False, 78.6, "MI355X page"),
    ("amd-mi350x", "bf16", False, 2306.9, "MI350X page"),
    ("amd-mi350x", "fp4", False, 9227.5, "MI350X page"),
    ("amd-mi300a", "tf32", False, 490.3, "CDNA 3 white paper, Table 1"),
    ("amd-mi300a", "fp16", False, 980.6, "MI300A"),
    ("amd-mi300a", "fp64", False, 61.3, "MI300A"),
    # AWS Neuron docs: Trainium '190 FP16/BF16/cFP8/TF32 TFLOPS, 47.5 FP32, 380 INT8 TOPS';
    # Trainium2 '1,299 FP8, 667 BF16/FP16/TF32, 181 FP32'; Inferentia2 as Trainium
    ("aws-trainium1", "bf16", False, 190, "Neuron docs, Trainium architecture"),
    ("aws-trainium1", "fp32", False, 47.5, "Neuron docs, Trainium architecture"),
    ("aws-trainium1", "int8", False, 380, "Neuron docs, Trainium architecture"),
    ("aws-trainium2", "fp8", False, 1299, "Neuron docs, Trainium2 architecture"),
    ("aws-trainium2", "bf16", False, 667, "Neuron docs, Trainium2 architecture"),
    ("aws-trainium2", "fp32", False, 181, "Neuron docs, Trainium2 architecture"),
    ("aws-inferentia2", "fp16", False, 190, "Neuron docs, Inferentia2 architecture"),
]


@pytest.mark.parametrize(("hw_id", "precision", "sparsity", "tflops", "why"), PEAKS)
def test_new_device_peaks(hw_id: str, precision: str, sparsity: bool, tflops: float,
                          why: str) -> None:
    peak = get_hardware(hw_id).peak(precision, sparsity=sparsity)
    assert peak.flops_per_s == pytest.approx(tflops * 1e12, rel=1e-12), why


# (id, memory GB, bandwidth GB/s, TDP W or None: where printed)
MEMORY = [
    ("nvidia-a800-sxm4-80gb", 80, 2039, 400),  # A100 80GB SXM datasheet column
    ("nvidia-a100-pcie-40gb", 40, 1555, 250),  # A100 40GB PCIe product brief
    ("nvidia-h200-nvl-141gb", 141, 4800, 600),  # H200 page: '141GB', '4.8TB/s', 'up to 600W'
    ("nvidia-gh200-96gb", 96, 4000, 1000),  # GH200: 96 GB HBM3, 4 TB/s, module up to 1,000 W
    ("nvidia-b300-hgx", 270, 7700, 1100),  # Verda table: 270 GB, 7.7 TB/s, 1.1 kW
    ("nvidia-gb300-nvl72-gpu", 279, 8000, 1400),  # Verda table: 279 GB, 8 TB/s, 1.4 kW
    ("nvidia-l40", 48, 864, 300),  # L40 datasheet
    ("nvidia-rtx-a6000", 48, 768, 300),  # GA102 whitepaper; 48 GB, 300 W
    ("nvidia-rtx-5090", 32, 512 * 28 / 8, 575),  # 512-bit bus × 28 Gb/s / 8 = 1,792 GB/s
    ("nvidia-rtx-pro-6000-blackwell", 96, 512 * 28 / 8, 600),  # same bus, 96 GB, 600 W
    ("amd-mi355x", 288, 8000, 1400),  # 288 GB HBM3E, 8 TB/s, 1,400 W
    ("amd-mi350x", 288, 8000, 1000),  # same memory, 1,000 W air-cooled
    ("amd-mi300a", 128, 5300, 550),  # 128 GB HBM3 shared with the CPU cores, 550 W
    ("aws-trainium1", 32 * _GIB / 1e9, 820, None),  # '32 GiB', '820 GiB/sec' (GB/s stored)
    ("aws-trainium2", 96 * _GIB / 1e9, 2900, None),  # '96GiB', '2.9TB/s'
    ("aws-inferentia2", 32 * _GIB / 1e9, 820, None),  # '32GiB', '820 GiB/sec'
]


@pytest.mark.parametrize(("hw_id", "memory_gb", "bandwidth", "tdp"), MEMORY)
def test_new_device_memory_bandwidth_power(hw_id: str, memory_gb: float, bandwidth: float,
                                           tdp: float | None) -> None:
    hw = get_hardware(hw_id)
    assert hw.memory_gb == pytest.approx(memory_gb, rel=1e-12)
    assert hw.memory_bandwidth_gb_s == pytest.approx(bandwidth, rel=1e-12)
    assert hw.tdp_watts == tdp  # AWS publishes no TDP: none is invented


# ------------------------------------------------------------------ derivations by hand


def test_cdna4_peaks_follow_cus_clock_and_rate_per_cu() -> None:
    # 256 CUs (ROCm specifications) × clock × 4,096 FP16 FLOPs/clock/CU (half of the 8,192
    # FP8 figure AMD gave at ISSCC); MI355X at 2.4 GHz, MI350X at 2.2 GHz
    assert get_hardware("mi355x").peak("fp16").flops_per_s == pytest.approx(
        256 * 2.4e9 * 4096, rel=1e-4)
    assert get_hardware("mi350x").peak("fp16").flops_per_s == pytest.approx(
        256 * 2.2e9 * 4096, rel=1e-4)
    assert get_hardware("mi355x").peak("fp8").flops_per_s == pytest.approx(
        256 * 2.4e9 * 8192, rel=1e-4)


def test_mi300a_is_the_mi300x_rate_per_cu_on_fewer_cus() -> None:
    # MI300X 1,307.4 = 304 CUs × 2.1 GHz × 2,048; MI300A has 228 CUs at the same clock
    assert get_hardware("mi300a").peak("bf16").flops_per_s == pytest.approx(
        228 * 2.1e9 * 2048, rel=1e-4)


def test_epyc_9755_peaks_by_hand() -> None:
    # 128 Zen 5 cores × 2.7 GHz × 64 FP32 FLOP/cycle (two 512-bit FMA pipes: 2 × 16 × 2)
    hw = get_hardware("epyc 9755")
    assert hw.peak("fp32").flops_per_s == pytest.approx(128 * 2.7e9 * 64)  # 22.1 TFLOP/s
    assert hw.peak("fp64", clock="turbo").flops_per_s == pytest.approx(128 * 4.1e9 * 32)
    assert "128 × 2.7 × 64" in hw.peak("fp32").step.text


def test_xeon_6980p_peaks_by_hand() -> None:
    # 128 Redwood Cove cores × 2.0 GHz × 1,024 BF16 FLOP/cycle (AMX); × 64 FP32 (AVX-512)
    hw = get_hardware("xeon 6980p")
    assert hw.peak("bf16").flops_per_s == pytest.approx(128 * 2.0e9 * 1024)  # 262 TFLOP/s
    assert hw.peak("fp32").flops_per_s == pytest.approx(128 * 2.0e9 * 64)
    assert hw.peak("fp32", clock="turbo").flops_per_s == pytest.approx(128 * 3.9e9 * 64)


def test_grace_fp64_matches_the_superchip_figure() -> None:
    # 72 Neoverse V2 cores × 3.1 GHz × 16 FP64 FLOP/cycle (4 × 128-bit pipes: 4 × 2 × 2);
    # two Grace dies make NVIDIA's '7.1 TFLOPS' FP64 Grace CPU Superchip
    hw = get_hardware("grace")
    fp64 = 72 * 3.1e9 * 16
    assert hw.peak("fp64").flops_per_s == pytest.approx(fp64)
    assert 2 * fp64 == pytest.approx(7.1e12, rel=0.01)
    assert hw.peak("fp32").flops_per_s == pytest.approx(2 * fp64)


# ------------------------------------------------------------------ sparsity where it is not 2:4


def test_blackwell_ultra_fp4_is_not_doubled_by_sparsity() -> None:
    # Sparse FP4 on B300 is not twice the dense FP4 (18,000 printed vs 13,125-14,000 dense)
    with pytest.raises(InvalidInputError) as info:
        get_hardware("b300").peak("fp4", sparsity=True)
    assert info.value.argument == "sparsity"


def test_trainium2_sparsity_is_not_applied() -> None:
    # AWS prints 2,563 sparse TFLOPS for FP8/FP16/BF16/TF32: not 2 × 1,299 nor 2 × 667
    assert 2563 not in (2 * 1299, 2 * 667)
    with pytest.raises(InvalidInputError) as info:
        get_hardware("trn2").peak("bf16", sparsity=True)
    assert info.value.argument == "sparsity"


def test_cdna4_has_no_tf32() -> None:
    with pytest.raises(InvalidInputError) as info:
        get_hardware("mi355x").peak("tf32")
    assert info.value.argument == "precision"


# ------------------------------------------------------------------ names


@pytest.mark.parametrize(("typed", "expected"), [
    ("A800", "nvidia-a800-sxm4-80gb"), ("A800 80G", "nvidia-a800-sxm4-80gb"),
    ("A100 PCIe 40G", "nvidia-a100-pcie-40gb"), ("a100 40gb pcie", "nvidia-a100-pcie-40gb"),
    ("GB300", "nvidia-gb300-nvl72-gpu"), ("HGX B300", "nvidia-b300-hgx"),
    ("H200 NVL", "nvidia-h200-nvl-141gb"), ("GH200", "nvidia-gh200-96gb"),
    ("MI355X", "amd-mi355x"), ("AMD Instinct MI350X", "amd-mi350x"), ("MI300A", "amd-mi300a"),
    ("Trn1", "aws-trainium1"), ("Trn2", "aws-trainium2"), ("Trainium2", "aws-trainium2"),
    ("Inf2", "aws-inferentia2"), ("AWS Inferentia2", "aws-inferentia2"),
    ("RTX 5090", "nvidia-rtx-5090"), ("A6000", "nvidia-rtx-a6000"), ("L40", "nvidia-l40"),
    ("RTX PRO 6000", "nvidia-rtx-pro-6000-blackwell"),
    ("EPYC 9755", "amd-epyc-9755"), ("Xeon 6980P", "intel-xeon-6980p"),
    ("NVIDIA Grace", "nvidia-grace"),
])
def test_new_names_resolve(typed: str, expected: str) -> None:
    assert resolve_hardware(typed)[0].id == expected


@pytest.mark.parametrize(("family", "default", "other"), [
    ("B300", "nvidia-b300-hgx", "nvidia-gb300-nvl72-gpu"),
    ("MI350", "amd-mi355x", "amd-mi350x"),
    ("Trainium", "aws-trainium2", "aws-trainium1"),
    ("MI300", "amd-mi300x", "amd-mi300a"),
    ("A100", "nvidia-a100-sxm4-80gb", "nvidia-a100-pcie-40gb"),
])
def test_new_families_say_which_variant(family: str, default: str, other: str) -> None:
    hw, assumptions = resolve_hardware(family)
    assert hw.id == default
    assert len(assumptions) == 1 and other in assumptions[0].source


@pytest.mark.parametrize(("family", "default"), [("EPYC 9005", "amd-epyc-9755"),
                                                 ("Xeon 6", "intel-xeon-6980p")])
def test_cpu_series_name_a_representative_sku(family: str, default: str) -> None:
    hw, assumptions = resolve_hardware(family)
    assert hw.id == default and "achieved_tflops" in assumptions[0].source


@pytest.mark.parametrize(("typed", "first"), [
    ("h20 pcie", "nvidia-h20-96gb"),  # not the H200 NVL, whose alias 'h200 pcie' is closer
    ("a800 pcie", "nvidia-a800-sxm4-80gb"),
    ("b300 pcie", "nvidia-b300-hgx"),
    ("gb300 nvl36", "nvidia-gb300-nvl72-gpu"),
    ("mi355", "amd-mi355x"),
    ("gh200 144gb", "nvidia-gh200-96gb"),
    ("l40 pcie", "nvidia-l40"),
    ("trainium3", "aws-trainium2"),
])
def test_unknown_variants_suggest_their_family_first(typed: str, first: str) -> None:
    with pytest.raises(UnknownHardwareError) as info:
        resolve_hardware(typed)
    assert info.value.suggestions[0] == first


# ------------------------------------------------------------------ how devices are counted


def test_multi_die_packages_count_as_one_device() -> None:
    # MI250X: two GCDs, 383 TFLOP/s FP16 for the package (CDNA 3 white paper, MI250X column);
    # a scheduler's 8 'GPUs' on a Frontier node are 4 MI250X packages
    mi250x = get_hardware("mi250x")
    assert mi250x.peak("fp16").flops_per_s == pytest.approx(383e12)
    assert "count = GCDs / 2" in " ".join(mi250x.notes)
    # B300 (two dies) and MI355X (eight compute dies) are counted per package too
    assert "one GPU" in " ".join(get_hardware("b300").notes)
    assert "one package = one GPU" in " ".join(get_hardware("mi355x").notes)


def test_superchip_cpus_are_not_counted_in_the_gpu_entry() -> None:
    gh200 = get_hardware("gh200")
    assert gh200.memory_gb == 96  # the GPU's HBM3, not + 480 GB LPDDR5X
    assert gh200.peak("bf16").flops_per_s == get_hardware("h100 sxm").peak("bf16").flops_per_s
    assert "not counted" in " ".join(get_hardware("gb300").notes)
