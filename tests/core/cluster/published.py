"""Published training runs the cluster model was NOT fitted to (the validation set).

Each run gives the layout and batch its paper reports as `plan_cluster_training` arguments, and
its measured throughput converted to tokens per second per device with the paper's own FLOP
convention (`measured`). A setting the paper does not publish is left out, so the tool searches
it as it would for any user (`unknown` names them); no constant is tuned per run.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Run:
    id: str
    group: str
    source: str
    tokens_per_s_per_device: float
    measured: str
    kwargs: dict[str, Any]
    unknown: tuple[str, ...] = ()
    note: str = ""
    extra: dict[str, Any] = field(default_factory=dict)


def _gpt(layers: int, h: int, v: int = 51200) -> float:  # Narayanan et al. 2021 Eq. 2
    return 12 * layers * h**2 * (1 + 13 / (12 * h) + (v + 2048) / (12 * layers * h))


def _shape(layers: int, h: int, a: int, *, vocab: int = 51200, seq: int = 2048,
           kv: int | None = None, d_ff: int | None = None, gated: bool = False,
           params: float | None = None) -> dict:
    return {"layers": layers, "d_model": h, "heads": a, "kv_heads": kv or a,
            "d_ff": d_ff or 4 * h,
            "gated_ffn": gated, "vocab": vocab, "seq_len": seq,
            "params": params or _gpt(layers, h, vocab)}


KOR = "Korthikanti et al. 2022, arXiv:2205.05198, Table 5 (and §6.3 for DP 8)"
MS = "Jiang et al. 2024, MegaScale (NSDI'24), Tables 1-2, Megatron-LM baseline"
NEMO = "NVIDIA NeMo 24.07 performance summary (docs/source/performance/performance_summary.md)"
NEMO25 = "NVIDIA Megatron-Bridge performance summary (NeMo 25.11)"
L3 = "Llama Team 2024, The Llama 3 Herd of Models, arXiv:2407.21783, §3.3 Table 4"
A100 = {"system": "dgx-a100", "flash_attention": False}


def _kor(id_: str, layers: int, h: int, a: int, n: int, tp: int, pp: int, vp: int | None, dp: int,
         b: int, B: int, sec: float, rec: str, **kw: Any) -> Run:
    args = {**_shape(layers, h, a), **A100, "precision": "fp16", "count": n, "tensor_parallel": tp,
            "pipeline_parallel": pp, "data_parallel": dp, "virtual_stages": vp,
            "micro_batch": b, "global_batch": B, "recompute": rec,
            "sequence_parallel": rec == "selective", "zero_stage": 0, **kw}
    return Run(id_, "Korthikanti 2022 (A100)", KOR, B * 2048 / sec / n, f"{sec} s/iteration",
               args, () if vp else ("virtual stages",))


def _pf(tflops: float, n: float, layers: int, h: int, s: int) -> float:
    """Tokens/s from TFLOP/s counted as in PaLM App. B (6N + 12·L·H·Q·T per token)."""
    return tflops * 1e12 / (6 * n + 12 * layers * h * s)


RUNS: list[Run] = [
    _kor("K1 22B sel+SP", 48, 6144, 64, 8, 8, 1, 1, 1, 4, 4, 1.10, "selective"),
    _kor("K1 22B full", 48, 6144, 64, 8, 8, 1, 1, 1, 4, 4, 1.42, "full"),
    _kor("K2 175B sel+SP", 96, 12288, 96, 64, 8, 8, 3, 1, 1, 64, 13.75, "selective"),
    _kor("K2 175B full", 96, 12288, 96, 64, 8, 8, 3, 1, 1, 64, 18.13, "full"),
    _kor("K3 530B sel+SP", 105, 20480, 128, 280, 8, 35, 3, 1, 1, 280, 37.83, "selective"),
    _kor("K3 530B full", 105, 20480, 128, 280, 8, 35, 3, 1, 1, 280, 49.05, "full"),
    _kor("K3 530B DP 8", 105, 20480, 128, 2240, 8, 35, 3, 8, 1, 2240, 39.15, "selective",
         dp_overlap=0.0),
    _kor("K4 1T sel+SP", 128, 25600, 160, 512, 8, 64, None, 1, 1, 512, 71.49, "selective"),
    _kor("K4 1T full", 128, 25600, 160, 512, 8, 64, None, 1, 1, 512, 94.42, "full"),
    Run("BLOOM 176B", "BLOOM, MT-NLG (A100)",
        "BigScience tr11-176B-ml README and slurm script (iteration 85376)",
        2048 * 2048 / 104.70 / 384, "104.70 s/iteration (149.77 TFLOP/s, Eq. 3)",
        {**_shape(70, 14336, 112, vocab=250880, params=176.25e9), "system": "jean-zay-a100",
         "flash_attention": False, "precision": "bf16", "count": 384, "tensor_parallel": 4,
         "pipeline_parallel": 12, "data_parallel": 8, "virtual_stages": 1, "micro_batch": 2,
         "global_batch": 2048, "recompute": "full", "zero_stage": 1,
         "sequence_parallel": False}),
] + [
    Run(f"MT-NLG 530B, {n}", "BLOOM, MT-NLG (A100)",
        "Smith et al. 2022 §2.4, as quoted by llm-analysis (secondary)",
        1920 * 2048 / sec / n, f"{sec} s/iteration ({tf} TFLOP/s, Eq. 3)",
        {**_shape(105, 20480, 128, vocab=50272, params=530e9), **A100, "precision": "fp16",
         "count": n, "tensor_parallel": 8, "pipeline_parallel": 35, "data_parallel": n // 280,
         "global_batch": 1920, "zero_stage": 1, "sequence_parallel": False, "recompute": "full"},
        ("micro-batch", "virtual stages"),
        note="full recomputation: selective recomputation was published after MT-NLG (2022)")
    for n, sec, tf in ((2240, 60.1, 126), (2800, 50.2, 121), (3360, 44.4, 113))
] + [
    Run(f"Llama 3 405B, {n} GPUs, seq {s}", "Llama 3 405B (H100)", L3,
        _pf(tf, 405e9, 126, 16384, s), f"{tf} TFLOP/s per GPU (BF16 MFU {mfu}%)",
        {**_shape(126, 16384, 128, vocab=128256, seq=s, kv=8, d_ff=53248, gated=True,
                  params=405e9), "system": "meta-h100-roce", "precision": "bf16", "count": n,
         "tensor_parallel": 8, "pipeline_parallel": 16, "context_parallel": cp,
         "data_parallel": n // (128 * cp), "global_batch": (n // (128 * cp)) * bpd,
         "zero_stage": 2, **({"recompute": "none"} if s == 8192 else {})},
        ("micro-batch", "virtual stages") + (("recompute",) if s > 8192 else ()))
    for n, s, cp, bpd, tf, mfu in ((8192, 8192, 1, 32, 430, 43), (16384, 8192, 1, 16, 400, 41),
                                   (16384, 131072, 16, 16, 380, 38))
] + [
    Run("PaLM 540B, 6144 TPU v4", "PaLM 540B (TPU v4)",
        "Chowdhery et al. 2022, arXiv:2204.02311, §4 and Table 3", 238.3e3 / 6144,
        "238.3K tokens/s (MFU 46.2%)",
        {**_shape(118, 18432, 48, vocab=256000, kv=1, gated=True, params=540.35e9),
         "head_dim": 256, "system": "tpu-v4-pod", "devices_per_node": 3072,
         "precision": "bf16", "count": 6144,
         "tensor_parallel": 12, "pipeline_parallel": 1, "data_parallel": 512,
         "global_batch": 2048, "zero_stage": 3, "recompute": "full"},
        ("micro-batch", "d_ff (4·d assumed)")),
] + [
    Run(f"Megatron-LM 175B, {n} GPUs", "MegaScale: Megatron-LM baseline (A100)", MS, tok / n,
        f"{tok / 1e3:.1f}K tokens/s",
        {**_shape(96, 12288, 128, vocab=64000, params=175e9), "system": "dgx-a100",
         "precision": "bf16", "count": n, "tensor_parallel": 8, "pipeline_parallel": 8,
         "virtual_stages": 6, "data_parallel": n // 64, "global_batch": B, "zero_stage": 1},
        ("GPU model (A100 presumed)", "NIC", "micro-batch", "recompute"))
    for n, B, tok in ((256, 768, 39.3e3), (512, 768, 74.1e3), (768, 768, 103.8e3),
                      (1024, 768, 132.7e3), (3072, 6144, 433.6e3), (6144, 6144, 851.6e3),
                      (8192, 6144, 1027.9e3), (12288, 6144, 1466.8e3))
] + [
    Run(name, "NeMo (H100, FP8)", src, tok, f"{tok} tokens/s/GPU",
        {**shape, "system": "dgx-h100", "precision": "fp8", "count": n, "tensor_parallel": tp,
         "pipeline_parallel": pp, "virtual_stages": vp, "context_parallel": cp,
         "data_parallel": n // (tp * pp * cp), "micro_batch": b, "global_batch": B},
        ("recompute", "ZeRO stage"))
    for name, src, shape, n, tp, pp, vp, cp, b, B, tok in (
        ("NeMo GPT-3 175B, 128 GPUs", NEMO, _shape(96, 12288, 96, vocab=50257, params=175e9),
         128, 4, 8, 6, 1, 1, 256, 726),
        ("NeMo GPT-3 175B, 512 GPUs", NEMO, _shape(96, 12288, 96, vocab=50257, params=175e9),
         512, 4, 8, 6, 1, 2, 2048, 782),
        ("NeMo Llama 2 70B, 64 GPUs", NEMO,
         _shape(80, 8192, 64, vocab=32000, seq=4096, kv=8, d_ff=28672, gated=True, params=69e9),
         64, 4, 4, 20, 1, 1, 128, 1707),
        ("NeMo Llama 3 70B, 64 GPUs, CP 2", NEMO,
         _shape(80, 8192, 64, vocab=128256, seq=8192, kv=8, d_ff=28672, gated=True,
                params=70.6e9), 64, 4, 4, 5, 2, 1, 128, 1533),
        ("NeMo Llama 3 8B, 8 GPUs, CP 2", NEMO,
         _shape(32, 4096, 32, vocab=128256, seq=8192, kv=8, d_ff=14336, gated=True,
                params=8.03e9), 8, 1, 1, 1, 2, 1, 128, 12036),
        ("NeMo Llama 3.1 405B, 1024 GPUs, CP 2", NEMO25,
         _shape(126, 16384, 128, vocab=128256, seq=8192, kv=8, d_ff=53248, gated=True,
                params=405e9), 1024, 8, 8, 8, 2, 1, 512, 292),
    )
]

DSV3 = ("DeepSeek-AI 2024, DeepSeek-V3 Technical Report, arXiv:2412.19437, §3.1-3.2 (2,048 H800, "
        "PP 16, EP 64 over 8 nodes, ZeRO-1, no TP, FP8), §3.3 and §4.2 (batch 15,360 × 4K), "
        "§5.1 / Table 1 (180K H800 GPU-hours per trillion tokens)")
DSV2 = ("DeepSeek-AI 2024, DeepSeek-V2, arXiv:2405.04434, §3.1.2 (batch 9,216 × 4K), §3.1.3 "
        "(PP 16, EP 8, ZeRO-1, no TP; 172.8K H800 GPU-hours per trillion tokens)")
MB25 = "NVIDIA Megatron-Bridge performance summary, DGX-H100 (NeMo 25.11)"
MB2509 = "NVIDIA Megatron-Bridge performance summary, DGX-H100 (NeMo 25.09)"
#: DeepSeek-V3 trains 61 layers and one multi-token-prediction module, a full transformer block
#: (§2.2): 62 blocks, split over 16 stages with one fewer on the first and last (its embedding
#: and output heads), as the layout rules allow.
_DSV3 = {"model": "deepseek-v3", "layers": 62}

RUNS += [
    Run("DeepSeek-V3, 2048 H800", "MoE (H800, H100)", DSV3, 1e12 / (180e3 * 3600),
        "180K GPU-hours per trillion tokens", {
            **_DSV3, "system": "hgx-h800", "precision": "fp8", "count": 2048,
            "tensor_parallel": 1, "pipeline_parallel": 16, "expert_parallel": 64,
            "global_batch": 15360, "zero_stage": 1},
        ("micro-batch", "virtual stages", "recompute (partial in §3.2.3)"),
        note="DualPipe overlaps the all-to-all (§3.2.1); the model exposes all of it",
        extra={"active_params": 37e9}),
    Run("DeepSeek-V2, H800", "MoE (H800, H100)", DSV2, 1e12 / (172.8e3 * 3600),
        "172.8K GPU-hours per trillion tokens", {
            "model": "deepseek-v2", "system": "hgx-h800", "precision": "bf16", "count": 1024,
            "tensor_parallel": 1, "expert_parallel": 8, "global_batch": 9216, "zero_stage": 1},
        ("GPU count (1,024 assumed)", "PP (16 does not split 60 layers evenly)", "micro-batch",
         "recompute"), extra={"active_params": 21e9}),
    Run("Megatron-Bridge DeepSeek-V3, 1024 H100", "MoE (H800, H100)", MB2509, 1297,
        "1297 tokens/s/GPU", {
            **_DSV3, "system": "dgx-h100", "precision": "fp8", "count": 1024,
            "tensor_parallel": 2, "pipeline_parallel": 8, "virtual_stages": 4,
            "expert_parallel": 64, "data_parallel": 64, "micro_batch": 1,
            "global_batch": 8192},
        ("recompute", "ZeRO stage", "MTP module (counted)"), extra={"active_params": 37e9}),
    Run("Megatron-Bridge gpt-oss-120b, 64 H100", "MoE (H800, H100)", MB25, 5630,
        "5630 tokens/s/GPU", {
            "model": "gpt-oss-120b", "seq_len": 4096, "system": "dgx-h100", "precision": "bf16",
            "count": 64, "tensor_parallel": 1, "pipeline_parallel": 4, "virtual_stages": 1,
            "expert_parallel": 8, "data_parallel": 16, "micro_batch": 4, "global_batch": 512},
        ("recompute", "ZeRO stage"), extra={"active_params": 5.13e9}),
    Run("Megatron-Bridge Qwen3-30B-A3B, 16 H100 (25.11)", "MoE (H800, H100)", MB25, 5275,
        "5275 tokens/s/GPU", {
            "model": "qwen3-30b-a3b", "seq_len": 4096, "system": "dgx-h100", "precision": "fp8",
            "count": 16, "tensor_parallel": 1, "pipeline_parallel": 2, "virtual_stages": 24,
            "expert_parallel": 8, "data_parallel": 8, "micro_batch": 2, "global_batch": 512},
        ("recompute", "ZeRO stage"), extra={"active_params": 3.3e9}),
    Run("Megatron-Bridge Qwen3-30B-A3B, 16 H100 (25.09)", "MoE (H800, H100)", MB2509, 10494,
        "10494 tokens/s/GPU", {
            "model": "qwen3-30b-a3b", "seq_len": 4096, "system": "dgx-h100", "precision": "fp8",
            "count": 16, "tensor_parallel": 1, "pipeline_parallel": 2, "virtual_stages": 24,
            "expert_parallel": 8, "data_parallel": 8, "micro_batch": 2, "global_batch": 512},
        ("recompute", "ZeRO stage"), extra={"active_params": 3.3e9}),
]

MB25_TABLE = ("NVIDIA Megatron-Bridge performance summary, {} (NeMo 25.11), "
              "docs/performance-summary.md")


def _mb25(system: str, title: str, rows: tuple) -> list[Run]:
    """Every row of one system's table (FP8-CS or FP8-MX is `fp8`; FSDP = 1 is ZeRO-3; VP n/a
    is 1; force-balanced, dropless MoE routing)."""
    group = f"Megatron-Bridge ({title})"
    return [
        Run(f"Megatron-Bridge {name}, {n} {title}", group, MB25_TABLE.format(f"DGX-{title}"),
            tok, f"{tok} tokens/s/GPU",
            {"system": system, "tensor_parallel": 1, "pipeline_parallel": 1, **args,
             "count": n},
            ("recompute",) + (() if "zero_stage" in args else ("ZeRO stage",)),
            extra={"active_params": active})
        for name, n, tok, active, args in rows]


def _llama(model: str, precision: str, batch: int, micro: int, **kw: Any) -> dict[str, Any]:
    return {"model": model, "seq_len": 8192, "precision": precision, "global_batch": batch,
            "micro_batch": micro, "context_parallel": 1, **kw}


def _moe(model: dict[str, Any], seq: int, precision: str, batch: int, micro: int,
         **kw: Any) -> dict[str, Any]:
    return {**model, "seq_len": seq, "precision": precision, "global_batch": batch,
            "micro_batch": micro, **kw}


_OSS, _Q30, _Q235 = ({"model": "gpt-oss-120b"}, {"model": "qwen3-30b-a3b"},
                     {"model": "qwen3-235b-a22b"})

#: Blackwell, out of the A100 calibration: every GB200, B200 and GB300 row of one table.
RUNS += _mb25("gb200-nvl72", "GB200", (
    ("Llama 3 8B FP8", 8, 31508, 8.03e9, _llama("llama-3-8b", "fp8", 128, 2)),
    ("Llama 3 70B FP8 (FSDP)", 64, 4312, 70.6e9,
     _llama("llama-3-70b", "fp8", 256, 2, zero_stage=3)),
    ("Llama 3.1 405B FP8", 256, 813, 405e9,
     _llama("llama-3.1-405b", "fp8", 1536, 1, tensor_parallel=4, pipeline_parallel=16,
            virtual_stages=4)),
    ("DeepSeek-V3 BF16", 256, 3139, 37e9,
     _moe(_DSV3, 4096, "bf16", 4096, 1, pipeline_parallel=4, virtual_stages=4,
          expert_parallel=64)),
    ("DeepSeek-V3 FP8", 256, 4018, 37e9,
     _moe(_DSV3, 4096, "fp8", 4096, 1, pipeline_parallel=8, virtual_stages=4,
          expert_parallel=32)),
    ("gpt-oss-120b BF16", 64, 15876, 5.13e9,
     _moe(_OSS, 8192, "bf16", 1280, 1, expert_parallel=64)),
    ("Qwen3-30B-A3B FP8", 8, 23766, 3.3e9, _moe(_Q30, 4096, "fp8", 512, 4, expert_parallel=8)),
    ("Qwen3-235B-A22B BF16", 256, 4916, 22e9,
     _moe(_Q235, 4096, "bf16", 8192, 1, pipeline_parallel=8, virtual_stages=3,
          expert_parallel=32)),
)) + _mb25("dgx-b200", "B200", (
    ("Llama 3 8B FP8", 8, 30624, 8.03e9, _llama("llama-3-8b", "fp8", 128, 2)),
    ("Llama 3.1 405B FP8", 128, 661, 405e9,
     _llama("llama-3.1-405b", "fp8", 64, 1, tensor_parallel=4, pipeline_parallel=8,
            context_parallel=2, virtual_stages=8)),
    ("DeepSeek-V3 FP8", 256, 2139, 37e9,
     _moe(_DSV3, 4096, "fp8", 2048, 1, pipeline_parallel=16, virtual_stages=1,
          expert_parallel=8)),
    ("gpt-oss-120b BF16", 64, 8213, 5.13e9, _moe(_OSS, 4096, "bf16", 512, 4, expert_parallel=8)),
    ("Qwen3-30B-A3B FP8", 8, 9299, 3.3e9, _moe(_Q30, 4096, "fp8", 512, 1, expert_parallel=8)),
    ("Qwen3-235B-A22B FP8", 64, 3269, 22e9,
     _moe(_Q235, 4096, "fp8", 1024, 1, pipeline_parallel=8, virtual_stages=2,
          expert_parallel=8)),
)) + _mb25("gb300-nvl72", "GB300", (
    ("Llama 3 8B FP8", 8, 37556, 8.03e9, _llama("llama-3-8b", "fp8", 128, 2)),
    ("Llama 3 70B FP8 (FSDP)", 64, 4520, 70.6e9,
     _llama("llama-3-70b", "fp8", 256, 2, zero_stage=3)),
    ("Llama 3.1 405B FP8", 256, 999, 405e9,
     _llama("llama-3.1-405b", "fp8", 1536, 1, tensor_parallel=2, pipeline_parallel=8,
            context_parallel=2, virtual_stages=4)),
    ("DeepSeek-V3 BF16", 256, 3848, 37e9,
     _moe(_DSV3, 4096, "bf16", 4096, 1, pipeline_parallel=2, virtual_stages=4,
          expert_parallel=32)),
    ("DeepSeek-V3 FP8", 256, 4357, 37e9,
     _moe(_DSV3, 4096, "fp8", 4096, 1, pipeline_parallel=2, virtual_stages=4,
          expert_parallel=32)),
    ("gpt-oss-120b BF16", 64, 18347, 5.13e9,
     _moe(_OSS, 8192, "bf16", 1280, 2, expert_parallel=64)),
    ("Qwen3-30B-A3B FP8", 8, 28934, 3.3e9, _moe(_Q30, 4096, "fp8", 512, 4, expert_parallel=8)),
    ("Qwen3-235B-A22B BF16", 256, 6131, 22e9,
     _moe(_Q235, 4096, "bf16", 8192, 2, pipeline_parallel=4, virtual_stages=12,
          expert_parallel=16)),
))

#: Peak used by the flat 40% default for each run's precision (estimate_training's default
#: MFU is of the BF16 peak; FP16 on A100 is the same 312 TFLOP/s).
FLAT_MFU = 0.40


def flat_default_tokens_per_s(run: Run) -> float:
    """What estimate_training's default (40% MFU of the BF16 peak, 6·N·D) implies."""
    from flopcast.catalog.hardware import resolve_hardware
    from flopcast.cluster.systems import resolve_system

    hw, _ = resolve_hardware(resolve_system(run.kwargs["system"]).hardware)
    n = run.extra.get("active_params", run.kwargs.get("params"))
    return FLAT_MFU * hw.peak("bf16").flops_per_s / (6 * n)


def predict(run: Run) -> float:
    from flopcast.cluster.plan import plan_cluster_training

    return plan_cluster_training(**run.kwargs).tokens_per_s_per_device
