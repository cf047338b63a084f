"""explain_flops: every topic in both languages, figures checked against hand calculations
and against the catalog (change the catalog, the text changes)."""

from __future__ import annotations

import re

import pytest

import flopcast.explain.flops as explain
from flopcast.catalog.hardware import get_hardware, hardware_catalog
from flopcast.explain.flops import (
    TOPICS,
    derive_gpu_peak,
    explain_flops,
    gpu_microarch,
    microarch_for,
)
from flopcast.numbers.errors import InvalidInputError, UnknownHardwareError
from flopcast.numbers.quantities import format_number

_CJK = re.compile(r"[\u4e00-\u9fff]")
_LATIN = re.compile(r"[A-Za-z]")


def _prose(markdown: str) -> str:
    """The text outside tables (tables hold device and ISA names, which stay in English)."""
    return "\n".join(line for line in markdown.splitlines() if not line.startswith("|"))


@pytest.mark.parametrize("topic", TOPICS)
def test_every_topic_renders_in_english_without_chinese(topic: str) -> None:
    r = explain_flops(topic=topic)
    assert r.title and r.markdown.startswith(f"## {r.title}")
    assert r.steps and r.sources and r.summary
    assert not _CJK.search(r.markdown + r.summary)


@pytest.mark.parametrize("topic", TOPICS)
def test_every_topic_in_chinese_is_mostly_chinese(topic: str) -> None:
    r = explain_flops(topic=topic, language="zh")
    prose = _prose(r.markdown)
    cjk, latin = len(_CJK.findall(prose)), len(_LATIN.findall(prose))
    # Device names, units and formulas stay in Latin letters; the prose is Chinese.
    assert cjk / (cjk + latin) > 0.3, (cjk, latin)
    assert _CJK.search(r.summary) and r.language == "zh"


def test_a100_bf16_peak_derivation_reproduces_312() -> None:
    # Hand: 108 SMs × 4 Tensor Cores × 512 FLOPs/clock × 1.41 GHz (A100 whitepaper).
    hand = 108 * 4 * 512 * 1.41e9
    arch = microarch_for("nvidia-a100-sxm4-80gb")
    assert arch is not None
    assert derive_gpu_peak(arch, "bf16").value == pytest.approx(hand)
    assert hand == pytest.approx(312e12, rel=1e-3)
    md = explain_flops(topic="peak_derivation").markdown
    assert "108 × 4 × 512 × 1.41 GHz" in md
    assert format_number(hand / 1e12, 4) in md  # 311.9


def test_h100_derivation_needs_the_tensor_clock() -> None:
    # Hand: 132 × 4 × 1024 × 1.83 GHz = 989.4 TFLOP/s vs datasheet 1,979 / 2 = 989.5;
    # at the 1.98 GHz maximum boost: 1,070.6 TFLOP/s, 8% over.
    rated, max_boost = 132 * 4 * 1024 * 1.83e9, 132 * 4 * 1024 * 1.98e9
    arch = microarch_for("nvidia-h100-sxm5-80gb")
    assert arch is not None
    assert derive_gpu_peak(arch, "bf16").value == pytest.approx(rated)
    assert derive_gpu_peak(arch, "bf16", clock="max_boost").value == pytest.approx(max_boost)
    assert get_hardware("h100").peak("bf16").flops_per_s == pytest.approx(1979e12 / 2)
    md = explain_flops(topic="peak_derivation", hardware="h100").markdown
    assert "989.4" in md and "989.5" in md and "1,071" in md
    assert "1.83 GHz" in md


def test_i9_14900k_at_base_and_turbo() -> None:
    # Hand: 8 P-cores × 3.2 GHz × 32 + 16 E-cores × 2.4 GHz × 16 = 1,433.6 GFLOP/s;
    # turbo 8 × 5.6 × 32 + 16 × 4.4 × 16 = 2,560 GFLOP/s.
    base = 8 * 3.2e9 * 32 + 16 * 2.4e9 * 16
    turbo = 8 * 5.6e9 * 32 + 16 * 4.4e9 * 16
    for lang in ("en", "zh"):
        r = explain_flops(topic="peak_derivation", hardware="i9-14900k", language=lang)
        assert "1,433.6 GFLOP/s" in r.markdown and "2,560 GFLOP/s" in r.markdown
        scale = {"FLOP/s": 1.0, "GFLOP/s": 1e9, "TFLOP/s": 1e12}
        values = [s.value * scale[s.unit] for s in r.steps if s.unit in scale]
        assert any(v == pytest.approx(base) for v in values)
        assert any(v == pytest.approx(turbo) for v in values)


def test_peak_derivation_lists_the_isa_table_from_the_catalog() -> None:
    md = explain_flops(topic="peak_derivation").markdown
    for word in ("SSE", "AVX2", "AVX-512", "AMX"):
        assert word in md
    # AVX2 with two FMA units: 2 × 8 lanes × 2 = 32 FP32 FLOPs per cycle.
    assert re.search(r"AVX2 \+ FMA3[^|]*\| 32 \| 16 \|", md)
    # AVX-512 with one FMA unit: half of two.
    assert re.search(r"one 512-bit FMA unit[^|]*\| 32 \| 16 \|", md)


@pytest.mark.parametrize("row", gpu_microarch(), ids=lambda r: r.hardware)
def test_every_microarch_row_reproduces_its_datasheet(row: explain.GpuMicroarch) -> None:
    hw = get_hardware(row.hardware)
    for prec in [*row.tensor_flops_per_clock, *row.vector_flops_per_clock_per_sm]:
        derived = derive_gpu_peak(row, prec).value
        assert derived / hw.peak(prec).flops_per_s == pytest.approx(1, abs=0.02), prec


def test_units_topic_pf_days_and_gpu_hours() -> None:
    r = explain_flops(topic="flops_units")
    # Hand: 3.14e23 / (1e15 × 86,400) = 3,634 PF-days; on one A100 at 312 TFLOP/s:
    # 3.14e23 / 312e12 / 3600 = 279,558 GPU-hours.
    assert "3,634 PF-days" in r.markdown
    assert format_number(3.14e23 / 312e12 / 3600) in r.markdown
    assert "3.114" in r.markdown  # the seed's figure is named and explained


def test_training_flops_topic_attention_share_and_recompute() -> None:
    r = explain_flops(topic="training_flops")
    # Hand: 12·L·H·Q·T / (6·N) = 12 × 96 × 96 × 128 × 2048 / (6 × 1.746e11) = 2.77%.
    share = 12 * 96 * 96 * 128 * 2048 / (6 * 1.746e11)
    assert f"{format_number(share * 100)}%" in r.markdown
    # 8·N·D = 8 × 1.746e11 × 3e11 = 4.19e23.
    assert "4.19 × 10^23" in r.markdown


def test_mfu_topic_reproduces_palm() -> None:
    r = explain_flops(topic="mfu_hfu")
    # Hand (PaLM §4.1): 6 × 540.35e9 × 238.3e3 / (6144 × 275e12) = 45.7%.
    mfu = 6 * 540.35e9 * 238.3e3 / (6144 * 275e12)
    assert f"**{format_number(mfu * 100)}%**" in r.markdown
    for published in ("46.2%", "57.8%", "21.3%", "32.5%", "30.2%", "43%", "38%"):
        assert published in r.markdown
    assert "39%" in r.markdown  # Megatron-LM 52% HFU × 6/8


def test_benchmarks_topic_measured_vs_peak() -> None:
    r = explain_flops(topic="benchmarks")
    assert "HPL" in r.markdown and "MLPerf" in r.markdown and "TOP500" in r.markdown
    assert f"{format_number(163 / 312 * 100)}%" in r.markdown  # Megatron-LM 1T: 52.2%
    assert "32.2×" in r.markdown  # A100 BF16 312 / FP64 9.7


def test_precision_topic_h100_sparse_printed_vs_dense() -> None:
    r = explain_flops(topic="precision_sparsity")
    assert "1,979*" in r.markdown and "**989.5**" in r.markdown


def test_text_follows_the_catalog(monkeypatch: pytest.MonkeyPatch) -> None:
    real = get_hardware("a100")
    changed = real.model_copy(update={"peak_tflops": {**real.peak_tflops, "bf16": 400.0}})
    monkeypatch.setattr(explain, "get_hardware",
                        lambda name: changed if name == "a100" else get_hardware(name))
    md = explain_flops(topic="precision_sparsity").markdown
    assert "| bf16 | 2 | 400 | 800 |" in md


@pytest.mark.parametrize("topic", [t for t in TOPICS if t != "peak_derivation"])
@pytest.mark.parametrize("language", ["en", "zh"])
def test_worked_example_quotes_the_catalog_peak(topic: str, language: str) -> None:
    r = explain_flops(topic=topic, hardware="h100 pcie", language=language)
    hw = get_hardware("h100 pcie")
    assert hw.id in r.hardware
    assert format_number(hw.peak("bf16").flops_per_s / 1e12, 4) in r.markdown


def test_peak_derivation_on_h100_pcie() -> None:
    # Hand: 114 SMs × 4 × 1024 × 1.62 GHz = 756.4 TFLOP/s vs datasheet 1,513 / 2 = 756.5.
    md = explain_flops(topic="peak_derivation", hardware="h100 pcie").markdown
    assert format_number(114 * 4 * 1024 * 1.62e9 / 1e12, 4) in md
    assert format_number(get_hardware("h100 pcie").peak("bf16").flops_per_s / 1e12, 4) in md


def test_bad_input_gets_clear_errors() -> None:
    with pytest.raises(InvalidInputError, match="topic"):
        explain_flops(topic="flops per watt")
    with pytest.raises(InvalidInputError, match="language"):
        explain_flops(topic="mfu_hfu", language="fr")  # type: ignore[arg-type]
    with pytest.raises(UnknownHardwareError, match="hardware"):
        explain_flops(topic="peak_derivation", hardware="a1000x")


def test_microarch_file_is_validated() -> None:
    with pytest.raises(ValueError, match="unknown hardware id"):
        explain._load_microarch(
            'schema_version = 1\n[[gpu]]\nhardware = "nope"\narchitecture = "x"\nsms = 1\n'
            "boost_ghz = 1\ntensor_cores_per_sm = 1\ntensor_flops_per_clock = {}\n"
            "vector_flops_per_clock_per_sm = {}\n"
            'sources = [{title = "t", url = "u"}]\n')


@pytest.mark.parametrize("hw_id", [hw.id for hw in hardware_catalog()])
def test_every_topic_works_for_every_catalog_device(hw_id: str) -> None:
    for topic in TOPICS:
        assert explain_flops(topic=topic, hardware=hw_id).markdown
