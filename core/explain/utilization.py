"""explain_flops topics on how much of the peak is achieved: ``benchmarks`` and ``mfu_hfu``.

* ``benchmarks`` — what measures FLOP/s in practice: HPL/LINPACK (FP64, TOP500), dense
  GEMM at AI precisions, MLPerf Training; measured vs theoretical peak.
* ``mfu_hfu`` — model vs hardware FLOPs utilization (PaLM, Chowdhery et al. 2022, §4.1)
  and the utilizations papers report.

`PUBLISHED_UTILIZATION` holds those utilizations as each paper prints them: PaLM §4.1
and Table 3 (GPT-3, Gopher, MT-NLG, PaLM), Megatron-LM (Narayanan et al. 2021, §5.1,
Table 1) and Llama 3 (Llama Team 2024, §3.3.2, Table 4).
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from flopcast.catalog.hardware import Hardware
from flopcast.catalog.models import resolve_model
from flopcast.explain.context import MEGATRON_SOURCE as _MEGATRON
from flopcast.explain.context import PALM_SOURCE as _PALM
from flopcast.explain.context import ExplainContext, training_precision
from flopcast.explain.context import fmt_num as _n
from flopcast.explain.context import fmt_pct as _pct
from flopcast.explain.context import fmt_tflops as _tf
from flopcast.numbers.quantities import format_sci
from flopcast.numbers.results import Source, make_step
from flopcast.training.utilization import MFU_SCENARIOS, model_flops_utilization

__all__ = [
    "PALM_TOKENS_PER_S",
    "PUBLISHED_UTILIZATION",
    "PublishedUtilization",
    "write_benchmarks",
    "write_mfu_hfu",
]

_LLAMA3 = Source(title="Llama Team 2024, 'The Llama 3 Herd of Models', §3.3.2, Table 4",
                 url="https://arxiv.org/abs/2407.21783")
_TOP500 = Source(title="TOP500: the HPL (High-Performance LINPACK) benchmark, Rmax and Rpeak",
                 url="https://www.top500.org/project/linpack/")
_MLPERF = Source(title="MLCommons MLPerf Training benchmark (time to train to a target quality)",
                 url="https://mlcommons.org/benchmarks/training/")


class PublishedUtilization(BaseModel):
    """A utilization a paper reports for a real training run."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    run: str
    hardware: str = Field(description="As the paper names it.")
    mfu: float | None = Field(description="Model FLOPs utilization, fraction.")
    hfu: float | None = Field(description="Hardware FLOPs utilization (counts recompute).")
    achieved_tflops: float | None = Field(description="Per-device rate the paper logs.")
    source: Source


#: Published utilizations, each as its paper prints it.
PUBLISHED_UTILIZATION: tuple[PublishedUtilization, ...] = (
    PublishedUtilization(run="GPT-3 175B", hardware="V100", mfu=0.213, hfu=None,
                         achieved_tflops=None, source=_PALM),
    PublishedUtilization(run="Gopher 280B", hardware="4096 TPU v3", mfu=0.325, hfu=None,
                         achieved_tflops=None, source=_PALM),
    PublishedUtilization(run="Megatron-Turing NLG 530B", hardware="2240 A100", mfu=0.302,
                         hfu=None, achieved_tflops=None, source=_PALM),
    PublishedUtilization(run="PaLM 540B", hardware="6144 TPU v4", mfu=0.462, hfu=0.578,
                         achieved_tflops=None, source=_PALM),
    PublishedUtilization(run="Megatron-LM 1T (activation recompute)", hardware="3072 A100",
                         mfu=None, hfu=0.52, achieved_tflops=163, source=_MEGATRON),
    PublishedUtilization(run="Llama 3 405B (8K context)", hardware="8192 H100", mfu=0.43,
                         hfu=None, achieved_tflops=430, source=_LLAMA3),
    PublishedUtilization(run="Llama 3 405B (8K context)", hardware="16384 H100", mfu=0.41,
                         hfu=None, achieved_tflops=400, source=_LLAMA3),
    PublishedUtilization(run="Llama 3 405B (128K context)", hardware="16384 H100", mfu=0.38,
                         hfu=None, achieved_tflops=380, source=_LLAMA3),
)
#: PaLM 540B's average training throughput, tokens per second (PaLM §4.1).
PALM_TOKENS_PER_S = 238.3e3
_PALM_CHIPS = 6144  # two TPU v4 pods of 3072 chips (PaLM §4)


def _mfu_range() -> tuple[float, float]:
    values = [r.mfu for r in PUBLISHED_UTILIZATION if r.mfu is not None]
    return min(values), max(values)


# ------------------------------------------------------------ topic: benchmarks


def write_benchmarks(c: ExplainContext, devices: list[Hardware]) -> tuple[str, str]:
    """Write the benchmarks topic into `c`; returns (title, summary)."""
    c.sources += [_TOP500, _MLPERF]
    c.add("- **HPL / LINPACK** solves a dense linear system in **FP64**; TOP500 ranks "
          "supercomputers by the measured rate R_max and lists the theoretical R_peak beside it. "
          "It is the classic \"FLOPS\" benchmark, but it says nothing about BF16/FP8 training.",
          "- **HPL / LINPACK**：用 **FP64** 求解稠密线性方程组，TOP500 按实测速率 R_max 排名，"
          "并列出理论峰值 R_peak。这是最经典的“FLOPS”测试，但它不反映 BF16/FP8 训练的速度。")
    c.add("- **Dense GEMM** (matrix multiply) at the AI precisions — cuBLAS/rocBLAS benchmarks — "
          "is what gets closest to a Tensor Core datasheet peak.",
          "- AI 精度下的**稠密 GEMM**（矩阵乘，如 cuBLAS/rocBLAS 的测试）最接近 Tensor Core "
          "的手册峰值。")
    c.add("- **MLPerf Training** times whole models to a target quality: it measures the "
          "system, not FLOP/s; utilization has to be derived from it.",
          "- **MLPerf Training** 测的是把整个模型训练到目标精度所需的时间，衡量的是整个系统，"
          "不直接给 FLOP/s，利用率需要自己推算。")
    c.add("- **Training runs** report achieved FLOP/s per device or MFU (see 'mfu_hfu').",
          "- **真实训练**报告的是单卡实际 FLOP/s 或 MFU（见 mfu_hfu 主题）。")
    c.add("")
    c.add(c.t("The same chip has very different peaks depending on what is measured:",
              "同一颗芯片，测的东西不同，峰值差别很大："))
    c.add("")
    c.add(c.t("| device | FP64 (HPL) | FP64 matrix | FP32 | BF16/FP16 matrix | BF16 / FP64 |",
              "| 设备 | FP64（HPL） | FP64 矩阵 | FP32 | BF16/FP16 矩阵 | BF16 / FP64 |"))
    c.add("|---|---|---|---|---|---|")
    for hw in c.default(devices, "v100", "a100", "h100"):
        c.device(hw)
        pk = hw.peak_tflops
        low = "bf16" if "bf16" in pk else ("fp16" if "fp16" in pk else None)
        cells = [(_tf(pk[k] * 1e12) if k in pk else "–") for k in ("fp64", "fp64_tensor", "fp32")]
        cells.append(_tf(pk[low] * 1e12) if low else "–")
        if low and "fp64" in pk:
            ratio = c.step(make_step(f"{hw.name}: {low} / fp64 peak", "r = P_low / P_fp64",
                                     [("P_low", pk[low] * 1e12, "FLOP/s"),
                                      ("P_fp64", pk["fp64"] * 1e12, "FLOP/s")],
                                     pk[low] / pk["fp64"], "×"))
            cells.append(f"{_n(ratio)}×")
        else:
            cells.append("–")
        c.add(f"| {hw.name} | " + " | ".join(cells) + " |")
    c.add("")
    c.add(c.t("Measured vs theoretical in published training runs (achieved per device ÷ dense "
              "peak):", "已发表训练的实测与理论对比（单卡实际速率 ÷ 稠密峰值）："))
    for run, hw_id in (("Megatron-LM 1T (activation recompute)", "a100"),
                       ("Llama 3 405B (8K context)", "h100")):
        row = next(r for r in PUBLISHED_UTILIZATION if r.run == run and r.achieved_tflops)
        hw = c.get_hardware(hw_id)
        peak = hw.peak("bf16").flops_per_s
        assert row.achieved_tflops is not None
        frac = c.step(make_step(f"{run}: achieved / peak", "u = X / P",
                                [("X", row.achieved_tflops * 1e12, "FLOP/s"),
                                 ("P", peak, "FLOP/s")], row.achieved_tflops * 1e12 / peak, ""))
        c.sources.append(row.source)
        c.add(f"- {run} on {row.hardware}: {_n(row.achieved_tflops)} of {_tf(peak)} TFLOP/s = "
              f"**{_pct(frac)}** ({row.source.title}).",
              f"- {run}，{row.hardware}：{_n(row.achieved_tflops)} / {_tf(peak)} TFLOP/s = "
              f"**{_pct(frac)}**（{row.source.title}）。")
    title = c.t("Which benchmark measures FLOP/s", "用什么来衡量 FLOPS")
    lo, hi = _mfu_range()
    summary = c.t("HPL/LINPACK measures FP64 (TOP500); AI chips are quoted at matrix-unit BF16/FP8 "
                  f"peaks; published large training runs reach {_pct(lo)}–{_pct(hi)} MFU.",
                  "HPL/LINPACK 测 FP64（TOP500）；AI 芯片报的是矩阵单元 BF16/FP8 峰值；"
                  f"公开的大模型训练 MFU 在 {_pct(lo)}–{_pct(hi)} 之间。")
    return title, summary


# ------------------------------------------------------------ topic: MFU / HFU


def write_mfu_hfu(c: ExplainContext, devices: list[Hardware]) -> tuple[str, str]:
    """Write the mfu_hfu topic into `c`; returns (title, summary)."""
    c.sources += [_PALM, _LLAMA3, _MEGATRON]
    c.add("**MFU** (model FLOPs utilization, PaLM §4.1) = model FLOPs per second actually "
          "achieved ÷ the devices' peak. It counts only the forward and backward work the model "
          "needs, so it is comparable across implementations. **HFU** (hardware FLOPs "
          "utilization) also counts recomputed work, so HFU ≥ MFU.",
          "**MFU**（模型 FLOPs 利用率，PaLM §4.1）= 实际每秒完成的模型 FLOPs ÷ 设备峰值，"
          "只算模型本身需要的前向和反向计算，所以不同实现之间可以直接比较。**HFU**（硬件 FLOPs "
          "利用率）把重计算也算进去，因此 HFU ≥ MFU。")
    c.add("")
    palm = resolve_model("palm-540b")
    tpu = c.get_hardware("tpu v4")
    c.device(tpu)
    peak = tpu.peak("bf16")
    c.steps.append(peak.step)
    model_flops_per_s = 6 * palm.params * PALM_TOKENS_PER_S
    palm_row = next(r for r in PUBLISHED_UTILIZATION if r.run.startswith("PaLM"))
    mfu = c.step(make_step("PaLM 540B MFU (6·N, attention left out)",
                           "MFU = 6·N·(tokens/s) / (n · P)",
                           [("N", palm.params, "params"), ("tokens/s", PALM_TOKENS_PER_S, ""),
                            ("n", _PALM_CHIPS, "chips"), ("P", peak.flops_per_s, "FLOP/s")],
                           model_flops_utilization(model_flops_per_s, _PALM_CHIPS,
                                                   peak.flops_per_s, 1.0), ""))
    c.add(f"Worked example: PaLM 540B ran at {_n(PALM_TOKENS_PER_S)} tokens/s on {_PALM_CHIPS} "
          f"TPU v4 ({_tf(peak.flops_per_s)} TFLOP/s each): 6 × {format_sci(palm.params)} × "
          f"{_n(PALM_TOKENS_PER_S)} / ({_PALM_CHIPS} × {format_sci(peak.flops_per_s)}) = "
          f"**{_pct(mfu)}**; with the attention FLOPs PaLM reports {_pct(palm_row.mfu or 0)}.",
          f"算例：PaLM 540B 在 {_PALM_CHIPS} 块 TPU v4（单芯片 {_tf(peak.flops_per_s)} TFLOP/s）上"
          f"每秒处理 {_n(PALM_TOKENS_PER_S)} 个 token：6 × {format_sci(palm.params)} × "
          f"{_n(PALM_TOKENS_PER_S)} / ({_PALM_CHIPS} × {format_sci(peak.flops_per_s)}) = "
          f"**{_pct(mfu)}**；论文把注意力也算进去，报告的是 {_pct(palm_row.mfu or 0)}。")
    c.add("")
    c.add(c.t("Published utilization of large runs:", "大规模训练公开报告的利用率："))
    c.add("")
    c.add(c.t("| run | hardware | MFU | HFU | achieved TFLOP/s per device | source |",
              "| 训练 | 硬件 | MFU | HFU | 单卡实际 TFLOP/s | 出处 |"))
    c.add("|---|---|---|---|---|---|")
    for r in PUBLISHED_UTILIZATION:
        c.add(f"| {r.run} | {r.hardware} | {_pct(r.mfu) if r.mfu else '–'} | "
              f"{_pct(r.hfu) if r.hfu else '–'} | "
              f"{_n(r.achieved_tflops) if r.achieved_tflops else '–'} | {r.source.title} |")
    meg = next(r for r in PUBLISHED_UTILIZATION if r.hfu and r.achieved_tflops)
    assert meg.hfu is not None
    meg_mfu = c.step(make_step("Megatron-LM 1T: MFU from its HFU (full recompute, 6ND vs 8ND)",
                               "MFU = HFU · 6/8", [("HFU", meg.hfu, "")], meg.hfu * 6 / 8, ""))
    c.add("")
    c.add(f"Megatron-LM's \"{_pct(meg.hfu)} of peak\" counts the recomputed forward pass: as MFU "
          f"it is {_pct(meg.hfu)} × 6/8 = **{_pct(meg_mfu)}**.",
          f"Megatron-LM 说的“{_pct(meg.hfu)} 峰值”包含了重计算的那次前向；换算成 MFU 是 "
          f"{_pct(meg.hfu)} × 6/8 = **{_pct(meg_mfu)}**。")
    for hw in devices:
        c.device(hw)
        prec = training_precision(hw)
        pk = hw.peak(prec)
        c.steps.append(pk.step)
        rates = ", ".join(f"{s.name} {_pct(s.mfu)} → {_tf(pk.flops_per_s * s.mfu)}"
                          for s in MFU_SCENARIOS)
        c.add(f"- {hw.name} ({prec} {_tf(pk.flops_per_s)} TFLOP/s) at published MFUs (TFLOP/s per "
              f"device): {rates}.",
              f"- {hw.name}（{prec} 峰值 {_tf(pk.flops_per_s)} TFLOP/s）按公开的 MFU 折算单卡实际"
              f" TFLOP/s：{rates}。")
    title = c.t("MFU vs HFU", "MFU 与 HFU")
    lo, hi = _mfu_range()
    summary = c.t(f"MFU counts model FLOPs only, HFU adds recompute; published large runs reach "
                  f"{_pct(lo)}–{_pct(hi)} MFU.",
                  f"MFU 只算模型 FLOPs，HFU 还包括重计算；公开的大模型训练 MFU 在 "
                  f"{_pct(lo)}–{_pct(hi)} 之间。")
    return title, summary
