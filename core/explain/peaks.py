"""explain_flops topics on a device's peak FLOP/s: ``peak_derivation`` and ``precision_sparsity``.

* ``peak_derivation`` — a peak is execution units × clock × FLOPs per cycle: CPUs by
  instruction set (the hardware catalog's ISA table, each row with its source; the
  i9-14900K at base and turbo clocks), GPUs by SMs × Tensor Cores × FLOPs per clock ×
  clock (flopcast.catalog.microarch, from NVIDIA's architecture whitepapers), set beside the
  datasheet figure.
* ``precision_sparsity`` — FP64 → FP4 peaks and 2:4 structured sparsity (NVIDIA A100
  Tensor Core GPU Architecture whitepaper, "Fine-grained structured sparsity"): why the
  dense figure is the one to use.

Every peak comes from the hardware catalog or is derived from the micro-architecture
table; bytes per value are definitions of the number formats, not measurements.
"""

from __future__ import annotations

import functools
from importlib import resources

from flopcast.catalog.hardware import Hardware, HardwareCatalog, load_catalog_text
from flopcast.catalog.microarch import derive_gpu_peak, microarch_for
from flopcast.explain.context import ExplainContext, training_precision
from flopcast.explain.context import fmt_num as _n
from flopcast.explain.context import fmt_tflops as _tf
from flopcast.numbers.errors import InvalidInputError
from flopcast.numbers.quantities import format_number
from flopcast.numbers.results import FULL_ONLY_BEGIN, FULL_ONLY_END, Source, make_step

__all__ = ["write_peak_derivation", "write_precision_sparsity"]

#: Bytes per stored value by format — definitions of the formats, not measurements
#: (TF32 is computed on 19 bits but stored in 32-bit registers).
_BYTES_PER_VALUE = {"fp64": 8, "fp32": 4, "tf32": 4, "bf16": 2, "fp16": 2, "fp8": 1, "int8": 1,
                    "fp4": 0.5}

_SPARSITY = Source(title="NVIDIA A100 Tensor Core GPU Architecture whitepaper, 'Fine-grained "
                   "structured sparsity' (2:4, 2× math throughput)",
                   url="https://images.nvidia.com/aem-dam/en-zz/Solutions/data-center/"
                   "nvidia-ampere-architecture-whitepaper.pdf")


# ------------------------------------------------------------ topic: peak derivation


#: The catalog's instruction-set rows in Chinese, by [isa] key (the catalog keeps English).
_ISA_ZH = {
    "sse": "SSE（Core 2 / Nehalem：每周期一次 4 路加法 + 一次 4 路乘法）",
    "avx": "AVX，无 FMA（Sandy Bridge / Ivy Bridge：8 路加法 + 8 路乘法）",
    "avx2_fma": "AVX2 + FMA3，两个 256 位 FMA 单元（Haswell 到 Raptor Cove P 核）",
    "avx512_2fma": "AVX-512，两个 512 位 FMA 单元（Skylake-SP Gold 6xxx / Platinum、Ice Lake-SP、"
                   "Sapphire Rapids）",
    "amx": "Intel AMX（高级矩阵扩展）tile 单元，每核（Sapphire Rapids）",
    "zen4_avx512": "AMD Zen 4 的 AVX-512，走 256 位数据通路（两条 256 位 FMA 流水线；512 位运算分"
                   "两次完成）",
    "gracemont_avx2": "Intel Gracemont E 核 AVX2（两条支持 FMA 的 128 位流水线）",
}


@functools.cache
def _full_catalog() -> HardwareCatalog:
    text = resources.files("flopcast.catalog").joinpath("data/hardware.toml").read_text("utf-8")
    return load_catalog_text(text)


def _cpu_section(c: ExplainContext, hw: Hardware) -> None:
    assert hw.cpu is not None
    c.device(hw)
    groups = ", ".join(f"{g.cores} × {g.name} ({_n(g.base_ghz)}–{_n(g.turbo_ghz)} GHz)"
                       for g in hw.cpu.core_groups)
    c.add(f"**{hw.name}** — {groups}:", f"**{hw.name}** —— {groups}：")
    precisions = [p for p in ("fp32", "fp64", "bf16") if p in hw.precisions()]
    for i, prec in enumerate(precisions):
        base = hw.peak(prec, clock="base")
        turbo = hw.peak(prec, clock="turbo")
        c.steps += [base.step, turbo.step]
        for s in (base.source, *base.more_sources):
            c.sources.append(s)
        if i == 1:  # the first precision shows the method; the others, the full answer
            c.add(FULL_ONLY_BEGIN)
        c.add(f"- {prec.upper()} at base clock: {base.step.text}",
              f"- {prec.upper()}，基频：{base.step.text}")
        c.add(f"- {prec.upper()} at max turbo: {turbo.step.text}",
              f"- {prec.upper()}，最大睿频：{turbo.step.text}")
    if len(precisions) > 1:
        c.add(FULL_ONLY_END)
    c.add(c.t("  The turbo figure assumes every core at its maximum turbo at once, an upper bound "
              "no chip sustains under an all-core vector load.",
              "  睿频数字假设所有核心同时跑在最高睿频，这是上限，全核满载向量运算时做不到。"))
    if hw.unverified:
        c.add(c.t(f"  (Catalog fields not read in a primary source: {', '.join(hw.unverified)}.)",
                  f"  （目录中未经一手资料核实的字段：{', '.join(hw.unverified)}。）"))


def _gpu_section(c: ExplainContext, hw: Hardware) -> None:
    c.device(hw)
    arch = microarch_for(hw.id)
    if arch is None:
        rows = ", ".join(f"{p} {_tf(hw.peak(p).flops_per_s)}" for p in hw.precisions())
        c.add(f"**{hw.name}**: no micro-architecture row in flopcast's table; datasheet dense "
              f"peaks (TFLOP/s): {rows}.",
              f"**{hw.name}**：flopcast 的微架构表里没有它；数据手册稠密峰值（TFLOP/s）：{rows}。")
        return
    c.sources += arch.sources
    c.add(f"**{hw.name}** ({arch.architecture}: {arch.sms} SMs × {arch.tensor_cores_per_sm} "
          "Tensor Cores):",
          f"**{hw.name}**（{arch.architecture}：{arch.sms} 个 SM × 每 SM "
          f"{arch.tensor_cores_per_sm} 个 Tensor Core）：")
    c.add("")
    c.add(c.t("| precision | derivation | derived TFLOP/s | datasheet TFLOP/s "
              "| derived / datasheet |",
              "| 精度 | 推导 | 推导值 TFLOP/s | 手册值 TFLOP/s | 推导 / 手册 |"))
    c.add("|---|---|---|---|---|")
    order = [p for p in ("fp64", "fp32", "tf32", "bf16", "fp16", "fp8", "int8")
             if p in arch.tensor_flops_per_clock or p in arch.vector_flops_per_clock_per_sm]
    for prec in order:
        if prec not in hw.precisions():
            continue
        step = derive_gpu_peak(arch, prec)
        c.steps.append(step)
        sheet = hw.peak(prec).flops_per_s
        expr = step.text.split(" = ")[1]
        c.add(f"| {prec} | {expr} | {_tf(step.value)} | {_tf(sheet)} | "
              f"{format_number(step.value / sheet, 4)} |")
    if arch.tensor_boost_ghz:
        bf = "bf16" if "bf16" in arch.tensor_flops_per_clock else order[-1]
        over = derive_gpu_peak(arch, bf, clock="max_boost")
        c.steps.append(over)
        sheet = hw.peak(bf).flops_per_s
        c.add("")
        c.add(f"At the {_n(arch.boost_ghz)} GHz maximum boost the {bf} Tensor Core derivation "
              f"gives {_tf(over.value)} TFLOP/s, {format_number(over.value / sheet, 3)}× the "
              f"datasheet's {_tf(sheet)}: NVIDIA rates Tensor Core work at "
              f"{_n(arch.tensor_boost_ghz)} GHz, the clock the part holds under dense matrix "
              "load within its power limit; the FP32/FP64 "
              f"figures use {_n(arch.boost_ghz)} GHz.",
              f"按 {_n(arch.boost_ghz)} GHz 最高加速频率推导，{bf} Tensor Core 峰值是 "
              f"{_tf(over.value)} TFLOP/s，是手册 {_tf(sheet)} 的 "
              f"{format_number(over.value / sheet, 3)} 倍——NVIDIA 给 Tensor Core 标定的频率是 "
              f"{_n(arch.tensor_boost_ghz)} GHz（满负荷矩阵运算在功耗墙内能维持的频率），"
              f"FP32/FP64 才按 {_n(arch.boost_ghz)} GHz 算。")
    elif arch.note and not c.zh:
        c.add("")
        c.add(arch.note)
    if arch.unverified:
        c.add(c.t(f"  (Read only in a secondary source: {', '.join(arch.unverified)}.)",
                  f"  （仅见于二手资料：{', '.join(arch.unverified)}。）"))


def write_peak_derivation(c: ExplainContext, devices: list[Hardware]) -> tuple[str, str]:
    """Write the peak_derivation topic into `c`; returns (title, summary)."""
    c.add("A peak is a product: **execution units × clock × FLOPs per unit per clock**, with a "
          "fused multiply-add (FMA) counted as 2 FLOPs. Nothing is measured; it is what the "
          "silicon could do if every unit issued every cycle.",
          "峰值是一个乘积：**执行单元数 × 时钟频率 × 每单元每周期的浮点运算数**，一次乘加（FMA）"
          "算 2 次。它不是测出来的，而是假设每个单元每个周期都满发时芯片的理论上限。")
    c.add("")
    cat = _full_catalog()
    c.add(c.t("### CPUs: FLOPs per cycle per core by instruction set",
              "### CPU：不同指令集下每核每周期的浮点运算数"))
    c.add("")
    c.add(c.t("| instruction set / core | FP32 | FP64 | BF16 | INT8 (ops) |",
              "| 指令集 / 核心 | FP32 | FP64 | BF16 | INT8（次） |"))
    c.add("|---|---|---|---|---|")
    for key, row in cat.isa.items():
        f = row.flops_per_cycle
        cells = " | ".join(_n(f[p]) if p in f else "–" for p in ("fp32", "fp64", "bf16", "int8"))
        flag = c.t(" (unverified)", "（未核实）") if row.unverified else ""
        name = c.t(row.name, _ISA_ZH.get(key, row.name))
        c.add(f"| {name}{flag} | {cells} |")
        c.sources.append(row.source)
        if key == "avx512_2fma" and "fp32" in f:
            one = f["fp32"] / 2
            c.steps.append(make_step("AVX-512 FP32 FLOPs/cycle with one 512-bit FMA unit",
                                     "F_1 = F_2 / 2", [("F_2", f["fp32"], "FLOP/cycle")], one,
                                     "FLOP/cycle"))
            c.add(c.t(f"| AVX-512, one 512-bit FMA unit (half of the above) | {_n(one)} | "
                      f"{_n(f.get('fp64', 0) / 2)} | – | – |",
                      f"| AVX-512，单个 512 位 FMA 单元（上一行的一半） | {_n(one)} | "
                      f"{_n(f.get('fp64', 0) / 2)} | – | – |"))
    c.add("")
    c.add(c.t("Per core per cycle = FMA units × vector lanes × 2; a chip's peak = Σ over core "
              "groups of cores × clock × that figure (the HPL R_peak convention).",
              "每核每周期 = FMA 单元数 × 向量宽度（lane 数）× 2；整颗芯片的峰值 = 各组核心的 "
              "核心数 × 频率 × 上述数值之和（也就是 HPL 里 R_peak 的算法）。"))
    c.add("")
    cpus = [d for d in devices if d.kind == "cpu"] if devices else [c.get_hardware("i9-14900k")]
    gpus = [d for d in devices if d.kind != "cpu"] if devices else [
        c.get_hardware(i) for i in ("a100", "h100", "v100 pcie")]
    for hw in cpus:
        _cpu_section(c, hw)
        c.add("")
    if gpus:
        c.add(c.t("### GPUs: SMs × Tensor Cores × FLOPs per clock × clock",
                  "### GPU：SM 数 × Tensor Core 数 × 每周期运算数 × 频率"))
        c.add("")
    for i, hw in enumerate(gpus):
        # Without a device asked for, the worked GPUs after the first two are for the full
        # answer only (the concise text stays within its budget, README "Context budget").
        extra = not devices and i >= 2
        if extra:
            c.add(FULL_ONLY_BEGIN)
        _gpu_section(c, hw)
        c.add("")
        if extra:
            c.add(FULL_ONLY_END)
    c.add(c.t("Which instruction set \"measures\" FLOPS? None by itself: a peak is quoted per "
              "instruction set and precision (AVX2 FP32, AVX-512 FP64, AMX BF16, Tensor Core "
              "BF16...). HPC rankings measure FP64 with HPL (LINPACK); AI accelerators are quoted "
              "at their matrix-unit precisions. See the 'benchmarks' topic.",
              "“用什么指令集来衡量 FLOPS”？没有哪一个指令集本身就是标准：峰值总是按指令集和精度"
              "分别给出（AVX2 FP32、AVX-512 FP64、AMX BF16、Tensor Core BF16……）。"
              "超算排名用 HPL（LINPACK）测 FP64；AI 加速器一般报矩阵单元在低精度下的峰值。"
              "详见 benchmarks 主题。"))
    title = c.t("How a peak FLOP/s figure is derived", "峰值 FLOP/s 是怎么算出来的")
    parts = []
    for hw in cpus:
        base = format_number(hw.peak("fp32").flops_per_s / 1e9, 5)
        turbo = format_number(hw.peak("fp32", clock="turbo").flops_per_s / 1e9, 5)
        parts.append(f"{hw.name} FP32 {base}–{turbo} GFLOP/s")
    for hw in gpus:
        arch = microarch_for(hw.id)
        if arch is not None:
            p = training_precision(hw)
            parts.append(f"{hw.name} {p} {_tf(derive_gpu_peak(arch, p).value)} TFLOP/s")
    summary = c.t("Peak = units × clock × FLOPs per cycle: ",
                  "峰值 = 单元数 × 频率 × 每周期运算数：") + "; ".join(parts)
    return title, summary


# ------------------------------------------------------------ topic: precision & sparsity


def write_precision_sparsity(c: ExplainContext, devices: list[Hardware]) -> tuple[str, str]:
    """Write the precision_sparsity topic into `c`; returns (title, summary)."""
    c.sources.append(_SPARSITY)
    c.add("Lower precision means narrower numbers, so more of them per register and per cycle: "
          "each halving of the width roughly doubles a matrix unit's peak. FP64/FP32 run on the "
          "vector (CUDA) cores; TF32, BF16/FP16, FP8 and FP4 on the Tensor Cores.",
          "精度越低，数越窄，同样的寄存器和周期能处理的数越多：位宽每减半，矩阵单元峰值大致翻一倍。"
          "FP64/FP32 在向量（CUDA）核心上算；TF32、BF16/FP16、FP8、FP4 在 Tensor Core 上算。")
    c.add("")
    c.add("**2:4 structured sparsity**: in every group of 4 weights 2 are zero, and the Tensor "
          "Core skips them — 2× the math rate. Pre-training uses dense weights, so the dense "
          "figure is the one to use; NVIDIA datasheets mark sparse figures with an asterisk, and "
          "the H100/H200 pages print only the sparse ones.",
          "**2:4 结构化稀疏**：每 4 个权重里有 2 个为零，Tensor Core 跳过它们，算力翻倍。但预训练"
          "用的是稠密权重，估算时应当用稠密值；NVIDIA 手册用星号标出稀疏值，H100/H200 的产品页"
          "甚至只印稀疏值。")
    c.add("")
    for hw in c.default(devices, "h100", "a100"):
        c.device(hw)
        c.add(f"**{hw.name}**:", f"**{hw.name}**：")
        c.add("")
        c.add(c.t("| precision | bytes per value | dense TFLOP/s | with 2:4 sparsity | "
                  "vendor prints |",
                  "| 精度 | 每个数字节数 | 稠密 TFLOP/s | 2:4 稀疏 | 厂商印的值 |"))
        c.add("|---|---|---|---|---|")
        for prec in hw.precisions():
            dense = hw.peak(prec)
            c.steps.append(dense.step)
            sparse = "–"
            try:
                sp = hw.peak(prec, sparsity=True)
            except InvalidInputError:  # no 2:4 sparsity on this device or precision
                pass
            else:
                c.steps.append(sp.step)
                sparse = _tf(sp.flops_per_s)
            printed = hw.peak_tflops_sparse_printed.get(prec)
            shown = (f"{_n(printed)}* ({c.t('sparse only', '仅稀疏值')})" if printed is not None
                     else _n(hw.peak_tflops[prec]) if prec in hw.peak_tflops else "–")
            c.add(f"| {prec} | {_n(_BYTES_PER_VALUE[prec])} | {_tf(dense.flops_per_s)} | "
                  f"{sparse} | {shown} |")
        c.add("")
        for prec, printed in hw.peak_tflops_sparse_printed.items():
            if prec in ("bf16", "fp16"):
                dense_tf = _tf(hw.peak(prec).flops_per_s)
                c.add(f"The {hw.name} page prints {_n(printed)}* TFLOP/s for {prec}: that is with "
                      f"sparsity; dense is {_n(printed)} / 2 = **{dense_tf}**. "
                      "Quoting the starred figure as dense makes every time estimate 2× too "
                      "short.",
                      f"{hw.name} 产品页给 {prec} 印的 {_n(printed)}* TFLOP/s 是稀疏值；稠密值是 "
                      f"{_n(printed)} / 2 = **{dense_tf}**。"
                      "把带星号的数当稠密值用，训练时间会少估一半。")
                c.add("")
                break
    first = c.default(devices, "h100")[0]
    p = training_precision(first)
    title = c.t("Precision (FP64 → FP4) and 2:4 sparsity", "精度（FP64 → FP4）与 2:4 稀疏")
    summary = c.t(f"Use dense peaks: {first.name} {p} = {_tf(first.peak(p).flops_per_s)} TFLOP/s; "
                  "sparse figures (marked *) are 2× and do not apply to pre-training.",
                  f"估算用稠密峰值：{first.name} {p} = {_tf(first.peak(p).flops_per_s)} TFLOP/s；"
                  "带 * 的稀疏值是 2 倍，不适用于预训练。")
    return title, summary
