"""Published training runs the cluster model was NOT fitted to (validation set).

Each run: the layout and batch the paper reports, and its measured throughput converted to
tokens per second per device with the paper's own FLOP convention (shown in `measured`). Where a
setting is not published, flopcast's default for it is used and `unknown` lists it; no constant
is tuned per run.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Run:
    id: str
    group: str
    source: str
    system: str
    precision: str
    # shape
    params: float
    layers: int
    d_model: int
    heads: int
    kv_heads: int
    d_ff: int
    gated: bool
    vocab: int
    seq_len: int
    # layout
    tp: int
    pp: int
    dp: int
    cp: int
    vp: int
    micro_batch: int
    global_batch: int
    recompute: str
    sequence_parallel: bool
    flash_attention: bool
    zero_stage: int
    tokens_per_s_per_device: float
    measured: str
    unknown: tuple[str, ...] = ()
    overrides: dict = field(default_factory=dict)


def _gpt(l: int, h: int, v: int = 51200) -> float:  # Narayanan et al. 2021 Eq. 2
    return 12 * l * h**2 * (1 + 13 / (12 * h) + (v + 2048) / (12 * l * h))


KOR = "Korthikanti et al. 2022, arXiv:2205.05198, Table 5"
MS = "Jiang et al. 2024, MegaScale (NSDI), Table 2 (Megatron-LM baseline)"
NEMO = "NVIDIA NeMo performance summary (NeMo 24.07), docs/source/performance/performance_summary.md"
NEMO25 = "NVIDIA Megatron-Bridge performance summary (NeMo 25.11)"
L3 = "Llama Team 2024, The Llama 3 Herd of Models, arXiv:2407.21783, §3.3 Table 4"


def _k(id_, l, h, a, n, tp, pp, vp, dp, b, B, sec, rec, sp, note, **kw):
    return Run(id_, "Korthikanti 2022", KOR, "dgx-a100", "fp16", _gpt(l, h), l, h, a, a, 4 * h,
               False, 51200, 2048, tp, pp, dp, 1, vp, b, B, rec, sp, False, 0,
               B * 2048 / sec / n, f"{sec} s per iteration ({note})", **kw)


RUNS: list[Run] = [
    _k("K1-sel", 48, 6144, 64, 8, 8, 1, 1, 1, 4, 4, 1.10, "selective", True, "22B, SP + selective"),
    _k("K1-full", 48, 6144, 64, 8, 8, 1, 1, 1, 4, 4, 1.42, "full", False, "22B, full recompute"),
    _k("K2-sel", 96, 12288, 96, 64, 8, 8, 3, 1, 1, 64, 13.75, "selective", True, "175B"),
    _k("K2-full", 96, 12288, 96, 64, 8, 8, 3, 1, 1, 64, 18.13, "full", False, "175B"),
    _k("K3-sel", 105, 20480, 128, 280, 8, 35, 3, 1, 1, 280, 37.83, "selective", True, "530B"),
    _k("K3-full", 105, 20480, 128, 280, 8, 35, 3, 1, 1, 280, 49.05, "full", False, "530B"),
    _k("K3-dp8", 105, 20480, 128, 2240, 8, 35, 3, 8, 1, 2240, 39.15, "selective", True,
       "530B, 8-way DP, no DP overlap (§6.3)", overrides={"dp_overlap": 0.0}),
    _k("K4-sel", 128, 25600, 160, 512, 8, 64, 1, 1, 1, 512, 71.49, "selective", True,
       "1T; interleaving not stated", unknown=("virtual stages",)),
    _k("K4-full", 128, 25600, 160, 512, 8, 64, 1, 1, 1, 512, 94.42, "full", False, "1T",
       unknown=("virtual stages",)),
    Run("BLOOM", "BLOOM / MT-NLG", "BigScience tr11-176B-ml log, iteration 85376 (104.70 s, "
        "149.77 TFLOPs)", "jean-zay-a100", "bf16", 176.25e9, 70, 14336, 112, 112, 4 * 14336,
        False, 250880, 2048, 4, 12, 8, 1, 1, 2, 2048, "full", False, False, 1,
        2048 * 2048 / 104.70 / 384, "104.70 s per iteration"),
] + [
    Run(f"MT-NLG-{n}", "BLOOM / MT-NLG", "Smith et al. 2022 §2.4 as quoted by llm-analysis "
        "(secondary)", "dgx-a100", "fp16", 530e9, 105, 20480, 128, 128, 81920, False, 50272,
        2048, 8, 35, n // 280, 1, 1, 1, 1920, "full", False, False, 1,
        1920 * 2048 / sec / n, f"{sec} s per iteration", unknown=("micro-batch", "recompute"))
    for n, sec in ((2240, 60.1), (2800, 50.2), (3360, 44.4))
] + [
    Run("Llama3-405B-8K", "Llama 3", L3, "meta-h100-roce", "bf16", 405e9, 126, 16384, 128, 8,
        53248, True, 128256, 8192, 8, 16, 64, 1, 1, 1, 2048, "none", True, True, 1,
        430e12 / (6 * 405e9 + 12 * 126 * 16384 * 8192), "430 TFLOP/s (6N + 12·L·H·Q·T)",
        unknown=("micro-batch", "virtual stages")),
    Run("Llama3-405B-16K", "Llama 3", L3, "meta-h100-roce", "bf16", 405e9, 126, 16384, 128, 8,
        53248, True, 128256, 8192, 8, 16, 128, 1, 1, 1, 2048, "none", True, True, 1,
        400e12 / (6 * 405e9 + 12 * 126 * 16384 * 8192), "400 TFLOP/s",
        unknown=("micro-batch", "virtual stages")),
    Run("Llama3-405B-131K-CP16", "Llama 3", L3, "meta-h100-roce", "bf16", 405e9, 126, 16384,
        128, 8, 53248, True, 128256, 131072, 8, 16, 8, 16, 1, 1, 128, "none", True, True, 1,
        380e12 / (6 * 405e9 + 12 * 126 * 16384 * 131072), "380 TFLOP/s",
        unknown=("micro-batch", "virtual stages", "recompute")),
    Run("PaLM-540B", "PaLM (TPU v4)", "Chowdhery et al. 2022, arXiv:2204.02311, §4 and Table 3",
        "tpu-v4-pod", "bf16", 540.35e9, 118, 18432, 48, 1, 4 * 18432, True, 256000, 2048,
        12, 1, 512, 1, 1, 4, 2048, "full", False, True, 3, 238.3e3 / 6144,
        "238.3K tokens/s on 6144 chips", unknown=("d_ff", "recompute detail"),
        overrides={"devices_per_node": 3072}),
] + [
    Run(f"MegaScale-MLM-{n}", "MegaScale (Megatron-LM baseline)", MS, "dgx-a100", "bf16",
        175e9, 96, 12288, 128, 128, 4 * 12288, False, 64000, 2048, 8, 8, n // 64, 1, 6, 1, B,
        "selective", True, True, 1, tok / n, f"{tok:.0f} tokens/s on {n} GPUs",
        unknown=("GPU model (A100 presumed)", "NIC", "micro-batch", "recompute"))
    for n, B, tok in ((256, 768, 39.3e3), (512, 768, 74.1e3), (768, 768, 103.8e3),
                      (1024, 768, 132.7e3), (3072, 6144, 433.6e3), (6144, 6144, 851.6e3),
                      (8192, 6144, 1027.9e3), (12288, 6144, 1466.8e3))
] + [
    Run("NeMo-GPT3-175B-128", "NeMo H100 (FP8)", NEMO, "dgx-h100", "fp8", 175e9, 96, 12288, 96,
        96, 4 * 12288, False, 50257, 2048, 4, 8, 4, 1, 6, 1, 256, "selective", True, True, 1,
        726, "726 tokens/s/GPU", unknown=("recompute",)),
    Run("NeMo-GPT3-175B-512", "NeMo H100 (FP8)", NEMO, "dgx-h100", "fp8", 175e9, 96, 12288, 96,
        96, 4 * 12288, False, 50257, 2048, 4, 8, 16, 1, 6, 2, 2048, "selective", True, True, 1,
        782, "782 tokens/s/GPU", unknown=("recompute",)),
    Run("NeMo-Llama2-70B-64", "NeMo H100 (FP8)", NEMO, "dgx-h100", "fp8", 69e9, 80, 8192, 64, 8,
        28672, True, 32000, 4096, 4, 4, 4, 1, 20, 1, 128, "selective", True, True, 1, 1707,
        "1707 tokens/s/GPU", unknown=("recompute",)),
    Run("NeMo-Llama3-70B-64-CP2", "NeMo H100 (FP8)", NEMO, "dgx-h100", "fp8", 70.6e9, 80, 8192,
        64, 8, 28672, True, 128256, 8192, 4, 4, 2, 2, 5, 1, 128, "selective", True, True, 1,
        1533, "1533 tokens/s/GPU", unknown=("recompute",)),
    Run("NeMo-Llama3-8B-8-CP2", "NeMo H100 (FP8)", NEMO, "dgx-h100", "fp8", 8.03e9, 32, 4096, 32,
        8, 14336, True, 128256, 8192, 1, 1, 4, 2, 1, 1, 128, "selective", False, True, 1, 12036,
        "12036 tokens/s/GPU", unknown=("recompute",)),
    Run("NeMo-Llama3.1-405B-1024-CP2", "NeMo H100 (FP8)", NEMO25, "dgx-h100", "fp8", 405e9,
        126, 16384, 128, 8, 53248, True, 128256, 8192, 8, 8, 8, 2, 8, 1, 512, "selective", True,
        True, 1, 292, "292 tokens/s/GPU", unknown=("recompute",)),
]
