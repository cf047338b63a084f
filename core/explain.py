"""explain_flops: what the compute figures mean, with numbers computed at call time.

Six topics (`TOPICS`), each in English or Chinese:

* ``flops_units`` — FLOPs (a count) vs FLOP/s (a rate) vs the ambiguous "FLOPS";
  PF-days and GPU-hours as units of compute.
* ``peak_derivation`` — a peak is execution units × clock × FLOPs per cycle: CPUs
  by instruction set (the hardware catalog's ISA table, the i9-14900K at base and
  turbo clocks), GPUs by SMs × Tensor Cores × FLOPs per clock × clock, set beside
  the datasheet figure (``data/gpu_microarch.toml``).
* ``benchmarks`` — what measures FLOP/s in practice: HPL/LINPACK (FP64, TOP500),
  dense GEMM at AI precisions, MLPerf; measured vs theoretical peak.
* ``training_flops`` — why training costs 6·N·D, the attention term, recompute (8·N·D).
* ``mfu_hfu`` — model vs hardware FLOPs utilization (PaLM §4.1) and published values.
* ``precision_sparsity`` — FP64 → FP4 peaks and 2:4 sparsity (why dense is the one to use).

No figure is typed into the prose: each comes from the hardware or model catalog,
a sourced constant in this module (published utilizations) or a core formula, so
changing the catalog changes the text. Definitions (2 FLOPs per FMA, 8 bytes per
FP64 value) are not figures.
"""

from __future__ import annotations

import functools
import tomllib
from importlib import resources
from typing import Literal, get_args

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from flopcast.errors import InvalidInputError
from flopcast.hardware import (
    Hardware,
    HardwareCatalog,
    get_hardware,
    hardware_catalog,
    load_catalog_text,
    resolve_hardware,
)
from flopcast.models import resolve_model
from flopcast.quantities import (
    FLOPS_PER_PF_DAY,
    Language,
    format_duration,
    format_number,
    format_sci,
)
from flopcast.results import Assumption, Result, Source, Step, make_step
from flopcast.training import device_hours, training_seconds
from flopcast.utilization import MFU_SCENARIOS, model_flops_utilization, pick_peak
from flopcast.validation import validate_args
from flopcast.workload import resolve_workload

__all__ = [
    "PUBLISHED_UTILIZATION",
    "TOPICS",
    "ExplainFlopsInput",
    "Explanation",
    "GpuMicroarch",
    "PublishedUtilization",
    "Topic",
    "derive_gpu_peak",
    "explain_flops",
    "gpu_microarch",
    "microarch_for",
]

Topic = Literal[
    "flops_units", "peak_derivation", "benchmarks", "training_flops", "mfu_hfu",
    "precision_sparsity",
]
TOPICS: tuple[str, ...] = get_args(Topic)

#: Bytes per stored value by format — definitions of the formats, not measurements
#: (TF32 is computed on 19 bits but stored in 32-bit registers).
_BYTES_PER_VALUE = {"fp64": 8, "fp32": 4, "tf32": 4, "bf16": 2, "fp16": 2, "fp8": 1, "int8": 1,
                    "fp4": 0.5}

_PALM = Source(title="Chowdhery et al. 2022, 'PaLM: Scaling Language Modeling with Pathways', "
               "§4.1 Training efficiency and Table 3", url="https://arxiv.org/abs/2204.02311")
_LLAMA3 = Source(title="Llama Team 2024, 'The Llama 3 Herd of Models', §3.3.2, Table 4",
                 url="https://arxiv.org/abs/2407.21783")
_MEGATRON = Source(title="Narayanan et al. 2021, 'Efficient Large-Scale Language Model Training "
                   "on GPU Clusters Using Megatron-LM', §5.1 Eq. (3)-(4), Table 1",
                   url="https://arxiv.org/abs/2104.04473")
_KAPLAN = Source(title="Kaplan et al. 2020, 'Scaling Laws for Neural Language Models', §2.1, "
                 "Table 1", url="https://arxiv.org/abs/2001.08361")
_GPT3 = Source(title="Brown et al. 2020, 'Language Models are Few-Shot Learners', Appendix D, "
               "Table D.1", url="https://arxiv.org/abs/2005.14165")
_TOP500 = Source(title="TOP500: the HPL (High-Performance LINPACK) benchmark, Rmax and Rpeak",
                 url="https://www.top500.org/project/linpack/")
_MLPERF = Source(title="MLCommons MLPerf Training benchmark (time to train to a target quality)",
                 url="https://mlcommons.org/benchmarks/training/")
_SPARSITY = Source(title="NVIDIA A100 Tensor Core GPU Architecture whitepaper, 'Fine-grained "
                   "structured sparsity' (2:4, 2× math throughput)",
                   url="https://images.nvidia.com/aem-dam/en-zz/Solutions/data-center/"
                   "nvidia-ampere-architecture-whitepaper.pdf")


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


# ------------------------------------------------------------ GPU micro-architecture


class GpuMicroarch(BaseModel):
    """One GPU's SM count, Tensor Cores and clocks (see data/gpu_microarch.toml)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    hardware: str
    also: list[str] = Field(default_factory=list)
    architecture: str
    sms: int = Field(gt=0)
    boost_ghz: float = Field(gt=0)
    tensor_boost_ghz: float | None = Field(default=None, gt=0)
    tensor_cores_per_sm: int = Field(gt=0)
    tensor_flops_per_clock: dict[str, float]
    vector_flops_per_clock_per_sm: dict[str, float]
    sources: list[Source] = Field(min_length=1)
    unverified: list[str] = Field(default_factory=list)
    note: str = ""


def _load_microarch(text: str) -> tuple[GpuMicroarch, ...]:
    raw = tomllib.loads(text)
    try:
        rows = tuple(GpuMicroarch.model_validate(r) for r in raw.get("gpu", []))
    except ValidationError as e:
        raise ValueError(f"gpu_microarch.toml: {e}") from e
    known = {hw.id for hw in hardware_catalog()}
    seen: set[str] = set()
    for row in rows:
        for hw_id in [row.hardware, *row.also]:
            if hw_id not in known:
                raise ValueError(f"gpu_microarch.toml: unknown hardware id {hw_id!r}")
            if hw_id in seen:
                raise ValueError(f"gpu_microarch.toml: {hw_id!r} listed twice")
            seen.add(hw_id)
    return rows


@functools.cache
def gpu_microarch() -> tuple[GpuMicroarch, ...]:
    """Every GPU micro-architecture row, validated against the hardware catalog."""
    text = resources.files("flopcast").joinpath("data/gpu_microarch.toml").read_text("utf-8")
    return _load_microarch(text)


def microarch_for(hardware_id: str) -> GpuMicroarch | None:
    """The micro-architecture row of a catalog id, or None when the table lacks it."""
    for row in gpu_microarch():
        if hardware_id == row.hardware or hardware_id in row.also:
            return row
    return None


def derive_gpu_peak(arch: GpuMicroarch, precision: str, *, clock: Literal["rated", "max_boost"]
                    = "rated") -> Step:
    """Derive a GPU's dense peak from its micro-architecture.

    Tensor precisions: P = n_SM · n_TC · F_TC · f; FP32/FP64 on CUDA cores:
    P = n_SM · F_SM · f (FMA = 2 FLOPs; NVIDIA architecture whitepapers, see the
    data file). ``clock="rated"`` uses the clock NVIDIA rates Tensor Core work at
    (``tensor_boost_ghz`` where the whitepaper gives one); ``"max_boost"`` the
    maximum boost clock. Ignores clock throttling under power limits, which is
    why measured GEMM rates fall below these peaks.

    Raises:
        InvalidInputError: `precision` not in this row.
    """
    key = precision.lower()
    if key in arch.tensor_flops_per_clock:
        ghz = arch.tensor_boost_ghz if (clock == "rated" and arch.tensor_boost_ghz) \
            else arch.boost_ghz
        per_clock = arch.tensor_flops_per_clock[key]
        value = arch.sms * arch.tensor_cores_per_sm * per_clock * ghz * 1e9
        return make_step(f"derived {key} Tensor Core peak ({clock} clock)",
                         "P = n_SM · n_TC · F_TC · f",
                         [("n_SM", arch.sms, "SMs"), ("n_TC", arch.tensor_cores_per_sm, "per SM"),
                          ("F_TC", per_clock, "FLOP/clock"), ("f", ghz * 1e9, "Hz")],
                         value, "FLOP/s",
                         expression=f"{arch.sms} × {arch.tensor_cores_per_sm} × "
                                    f"{format_number(per_clock)} × {format_number(ghz)} GHz")
    if key in arch.vector_flops_per_clock_per_sm:
        per_sm = arch.vector_flops_per_clock_per_sm[key]
        value = arch.sms * per_sm * arch.boost_ghz * 1e9
        return make_step(f"derived {key} CUDA-core peak", "P = n_SM · F_SM · f",
                         [("n_SM", arch.sms, "SMs"), ("F_SM", per_sm, "FLOP/clock"),
                          ("f", arch.boost_ghz * 1e9, "Hz")], value, "FLOP/s",
                         expression=f"{arch.sms} × {format_number(per_sm)} × "
                                    f"{format_number(arch.boost_ghz)} GHz")
    have = sorted({*arch.tensor_flops_per_clock, *arch.vector_flops_per_clock_per_sm})
    raise InvalidInputError("precision", f"no {key} in the {arch.architecture} micro-architecture "
                            f"table; available: {', '.join(have)}")


# ------------------------------------------------------------ tool input / output


class ExplainFlopsInput(BaseModel):
    """Arguments of explain_flops."""

    model_config = ConfigDict(extra="forbid")

    topic: Topic = Field(description=(
        "What to explain: 'flops_units' (FLOPs, a count, vs FLOP/s, a rate, vs 'FLOPS'; "
        "PF-days and GPU-hours), 'peak_derivation' (peak = units × clock × FLOPs per cycle: "
        "CPU instruction sets SSE/AVX/AVX2/AVX-512/AMX, i9-14900K, GPU SMs × Tensor Cores; "
        "also 'which instruction set measures FLOPS'), 'benchmarks' (HPL/LINPACK, GEMM, "
        "MLPerf; measured vs theoretical peak), 'training_flops' (why 6·N·D, attention "
        "term, recompute 8·N·D), 'mfu_hfu' (model vs hardware FLOPs utilization, published "
        "values), 'precision_sparsity' (FP64 to FP4 peaks, 2:4 sparsity, dense vs sparse "
        "datasheet figures)."))
    hardware: str | None = Field(default=None, description=(
        "Optional device for the worked example: a list_hardware id or alias such as "
        "'a100', 'h100', 'v100 pcie', 'i9-14900k'. Null uses the topic's default devices."))
    language: Language = Field(default="en", description="Language of the text: 'en' or 'zh'.")


class Explanation(Result):
    """The explain_flops result: a titled Markdown explanation with its derivation."""

    topic: str
    title: str
    markdown: str = Field(description="The explanation, Markdown, every figure computed.")
    hardware: list[str] = Field(default_factory=list,
                                description="Catalog ids of the devices in the examples.")
    sources: list[Source] = Field(default_factory=list)


def explain_flops(*, topic: str, hardware: str | None = None,
                  language: Language = "en") -> Explanation:
    """Explain a compute topic with figures computed from the catalogs and core formulas.

    Args:
        topic: one of `TOPICS`.
        hardware: optional catalog id/alias for the worked example.
        language: "en" or "zh".

    Raises:
        InvalidInputError: unknown topic or language.
        UnknownHardwareError: `hardware` not in the catalog.
    """
    args = validate_args(ExplainFlopsInput, locals())
    ctx = _Ctx(args.language)
    if args.hardware is not None:
        hw, assumed = resolve_hardware(args.hardware)
        ctx.assumptions += assumed
        devices = [hw]
    else:
        devices = []
    builder = {
        "flops_units": _flops_units, "peak_derivation": _peak_derivation,
        "benchmarks": _benchmarks, "training_flops": _training_flops, "mfu_hfu": _mfu_hfu,
        "precision_sparsity": _precision_sparsity,
    }[args.topic]
    title, summary = builder(ctx, devices)
    markdown = f"## {title}\n\n" + "\n".join(ctx.lines).strip() + "\n"
    return Explanation(topic=args.topic, title=title, markdown=markdown, summary=summary,
                       steps=ctx.steps, assumptions=ctx.assumptions,
                       sources=list(dict.fromkeys(ctx.sources)), hardware=ctx.devices,
                       language=args.language)


class _Ctx:
    """Collects lines, steps, sources and devices while a topic is written."""

    def __init__(self, language: Language) -> None:
        self.zh = language == "zh"
        self.lines: list[str] = []
        self.steps: list[Step] = []
        self.sources: list[Source] = []
        self.assumptions: list[Assumption] = []
        self.devices: list[str] = []

    def t(self, en: str, zh: str) -> str:
        return zh if self.zh else en

    def add(self, en: str, zh: str = "") -> None:
        self.lines.append(zh if self.zh and zh else en)

    def step(self, step: Step) -> float:
        self.steps.append(step)
        return step.value

    def device(self, hw: Hardware) -> None:
        if hw.id not in self.devices:
            self.devices.append(hw.id)
        for s in hw.sources[:1]:
            self.sources.append(s.as_source())


def _n(x: float) -> str:
    return format_number(x)


def _pct(x: float) -> str:
    return f"{format_number(x * 100)}%"


def _tf(flops_per_s: float) -> str:
    return format_number(flops_per_s / 1e12, 4)


def _training_precision(hw: Hardware) -> str:
    """The precision estimate_training would use on `hw` (training.pick_peak's policy)."""
    return pick_peak(hw, None, False)[0].precision


def _mfu_range() -> tuple[float, float]:
    values = [r.mfu for r in PUBLISHED_UTILIZATION if r.mfu is not None]
    return min(values), max(values)


def _default(devices: list[Hardware], *ids: str) -> list[Hardware]:
    return devices or [get_hardware(i) for i in ids]


# ------------------------------------------------------------ topic: units


def _flops_units(c: _Ctx, devices: list[Hardware]) -> tuple[str, str]:
    gpt3 = resolve_model("gpt-3-175b")
    work = resolve_workload(model=gpt3.id)
    c.steps += work.steps
    c.sources.append(_GPT3)
    published = gpt3.published_flops or work.flops
    pf_days = c.step(make_step("PF-days", "C_pfd = C / (10^15 FLOP/s · 86,400 s)",
                               [("C", published, "FLOPs")], published / FLOPS_PER_PF_DAY,
                               "PF-days"))
    c.add("**FLOPs** (lower-case s) is a *count* of floating-point operations — how much work a "
          "job is. **FLOP/s** is a *rate* — how fast a device works. Vendors and many articles "
          "write both as \"FLOPS\"; a huge number with no time unit behind it is a count.",
          "**FLOPs**（小写 s）是浮点运算的*次数*，衡量一件工作有多大；**FLOP/s** 是*速率*，"
          "衡量设备每秒能做多少次。厂商和不少文章把两者都写成“FLOPS”，要靠上下文区分："
          "数字极大、后面又没有时间单位的，基本都是总次数。")
    c.add("")
    c.add(f"- GPT-3 175B: C = 6·N·D = 6 × {format_sci(work.params or 0)} × "
          f"{format_sci(work.tokens or 0)} = **{format_sci(work.flops)} FLOPs**; Brown et al. "
          f"print {format_sci(published)} (Table D.1). The \"3.114 × 10^23 FLOPS\" some articles "
          "quote is this count, with a stray digit and the unit of a rate.",
          f"- GPT-3 175B：C = 6·N·D = 6 × {format_sci(work.params or 0)} × "
          f"{format_sci(work.tokens or 0)} = **{format_sci(work.flops)} 次浮点运算**；论文 "
          f"Table D.1 印的是 {format_sci(published)}。有些文章写的“3.114 × 10^23 FLOPS”说的就是"
          "这个总量，只是多了一位数字，单位也错写成了速率。")
    c.add(f"- **PF-day** = 10^15 FLOP/s sustained for a day = "
          f"{format_sci(FLOPS_PER_PF_DAY)} FLOPs. "
          f"GPT-3 = {format_sci(published)} / {format_sci(FLOPS_PER_PF_DAY)} = "
          f"**{_n(pf_days)} PF-days**.",
          f"- **PF-day**（petaflop/s-day）= 以 10^15 FLOP/s 连续算一天 = "
          f"{format_sci(FLOPS_PER_PF_DAY)} 次运算。GPT-3 = {format_sci(published)} / "
          f"{format_sci(FLOPS_PER_PF_DAY)} = **{_n(pf_days)} PF-days**。")
    c.add(c.t("- **GPU-hours** (device-hours) count devices × hours; they turn into FLOPs only "
              "with a rate per device, i.e. a peak and a utilization:",
              "- **GPU 小时**（卡时）= 卡数 × 小时数；要换算成 FLOPs，必须再乘上单卡速率，"
              "也就是峰值 × 利用率："))
    typical = MFU_SCENARIOS[1]
    for hw in _default(devices, "a100", "v100 pcie"):
        c.device(hw)
        prec = _training_precision(hw)
        peak = hw.peak(prec)
        c.steps.append(peak.step)
        at_peak = training_seconds(published, 1, peak.flops_per_s)
        hours_peak = c.step(make_step(f"GPU-hours at 100% of the {hw.name} {prec} peak",
                                      "h = C / P / 3600", [("C", published, "FLOPs"),
                                                           ("P", peak.flops_per_s, "FLOP/s")],
                                      device_hours(1, at_peak), "GPU-hours"))
        at_mfu = training_seconds(published, 1, peak.flops_per_s * typical.mfu)
        hours_mfu = c.step(make_step(f"GPU-hours at {_pct(typical.mfu)} MFU on {hw.name}",
                                     "h = C / (P · MFU) / 3600",
                                     [("C", published, "FLOPs"), ("P", peak.flops_per_s, "FLOP/s"),
                                      ("MFU", typical.mfu, "")],
                                     device_hours(1, at_mfu), "GPU-hours"))
        c.add(f"  - {hw.name} ({prec} {_tf(peak.flops_per_s)} TFLOP/s): GPT-3 = "
              f"**{_n(hours_peak)} GPU-hours** at 100% of peak ({format_duration(at_peak)} on one "
              f"device); {_n(hours_mfu)} GPU-hours at {_pct(typical.mfu)} MFU "
              f"({typical.source}).",
              f"  - {hw.name}（{prec} 峰值 {_tf(peak.flops_per_s)} TFLOP/s）：GPT-3 在 100% 峰值下"
              f"需要 **{_n(hours_peak)} 卡时**（单卡 {format_duration(at_peak, 'zh')}）；按 MFU "
              f"{_pct(typical.mfu)} 算是 {_n(hours_mfu)} 卡时（{typical.source}）。")
    title = c.t("FLOPs, FLOP/s and \"FLOPS\"; PF-days and GPU-hours",
                "FLOPs、FLOP/s 与“FLOPS”；PF-day 与 GPU 小时")
    summary = c.t(f"FLOPs is a count (GPT-3: {format_sci(published)} FLOPs = {_n(pf_days)} "
                  "PF-days), FLOP/s a rate; GPU-hours need a rate per GPU to become FLOPs.",
                  f"FLOPs 是次数（GPT-3：{format_sci(published)} 次 = {_n(pf_days)} PF-days），"
                  "FLOP/s 是速率；GPU 小时要乘以单卡速率才能换成 FLOPs。")
    return title, summary


# ------------------------------------------------------------ topic: peak derivation


@functools.cache
def _full_catalog() -> HardwareCatalog:
    text = resources.files("flopcast").joinpath("data/hardware.toml").read_text("utf-8")
    return load_catalog_text(text)


def _cpu_section(c: _Ctx, hw: Hardware) -> None:
    assert hw.cpu is not None
    c.device(hw)
    groups = ", ".join(f"{g.cores} × {g.name} ({_n(g.base_ghz)}–{_n(g.turbo_ghz)} GHz)"
                       for g in hw.cpu.core_groups)
    c.add(f"**{hw.name}** — {groups}:", f"**{hw.name}** —— {groups}：")
    for prec in [p for p in ("fp32", "fp64", "bf16") if p in hw.precisions()]:
        base = hw.peak(prec, clock="base")
        turbo = hw.peak(prec, clock="turbo")
        c.steps += [base.step, turbo.step]
        for s in (base.source, *base.more_sources):
            c.sources.append(s)
        c.add(f"- {prec.upper()} at base clock: {base.step.text}",
              f"- {prec.upper()}，基频：{base.step.text}")
        c.add(f"- {prec.upper()} at max turbo: {turbo.step.text}",
              f"- {prec.upper()}，最大睿频：{turbo.step.text}")
    c.add(c.t("  The turbo figure assumes every core at its maximum turbo at once, an upper bound "
              "no chip sustains under an all-core vector load.",
              "  睿频数字假设所有核心同时跑在最高睿频，这是上限，全核满载向量运算时做不到。"))
    if hw.unverified:
        c.add(c.t(f"  (Catalog fields not read in a primary source: {', '.join(hw.unverified)}.)",
                  f"  （目录中未经一手资料核实的字段：{', '.join(hw.unverified)}。）"))


def _gpu_section(c: _Ctx, hw: Hardware) -> None:
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


def _peak_derivation(c: _Ctx, devices: list[Hardware]) -> tuple[str, str]:
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
        c.add(f"| {row.name}{flag} | {cells} |")
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
    cpus = [d for d in devices if d.kind == "cpu"] if devices else [get_hardware("i9-14900k")]
    gpus = [d for d in devices if d.kind != "cpu"] if devices else [
        get_hardware(i) for i in ("a100", "h100", "v100 pcie")]
    for hw in cpus:
        _cpu_section(c, hw)
        c.add("")
    if gpus:
        c.add(c.t("### GPUs: SMs × Tensor Cores × FLOPs per clock × clock",
                  "### GPU：SM 数 × Tensor Core 数 × 每周期运算数 × 频率"))
        c.add("")
    for hw in gpus:
        _gpu_section(c, hw)
        c.add("")
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
            p = _training_precision(hw)
            parts.append(f"{hw.name} {p} {_tf(derive_gpu_peak(arch, p).value)} TFLOP/s")
    summary = c.t("Peak = units × clock × FLOPs per cycle: ",
                  "峰值 = 单元数 × 频率 × 每周期运算数：") + "; ".join(parts)
    return title, summary


# ------------------------------------------------------------ topic: benchmarks


def _benchmarks(c: _Ctx, devices: list[Hardware]) -> tuple[str, str]:
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
    for hw in _default(devices, "v100", "a100", "h100"):
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
        hw = get_hardware(hw_id)
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


# ------------------------------------------------------------ topic: 6ND


def _training_flops(c: _Ctx, devices: list[Hardware]) -> tuple[str, str]:
    c.sources += [_KAPLAN, _GPT3, _PALM, _MEGATRON]
    gpt3 = resolve_model("gpt-3-175b")
    base = resolve_workload(model=gpt3.id)
    palm = resolve_workload(model=gpt3.id, method="palm")
    full = resolve_workload(model=gpt3.id, recompute="full")
    c.steps += base.steps + palm.steps[-2:] + full.steps[-1:]
    n, d = base.params or 0.0, base.tokens or 0.0
    c.add("Per parameter and per token a dense transformer does one multiply and one add in the "
          "forward pass (**2 FLOPs**), and twice that in the backward pass (**4 FLOPs**: the "
          "gradient with respect to the activations and with respect to the weight). Hence "
          "**C ≈ 6·N·D**.",
          "对每个参数、每个 token，前向传播做一次乘法和一次加法（**2 次**）；反向传播要分别对"
          "激活值和权重求梯度，是前向的两倍（**4 次**）。所以训练总量 **C ≈ 6·N·D**。")
    c.add("")
    c.add(f"- GPT-3: 6 × {format_sci(n)} × {format_sci(d)} = **{format_sci(base.flops)} FLOPs**.",
          f"- GPT-3：6 × {format_sci(n)} × {format_sci(d)} = **{format_sci(base.flops)}** 次。")
    attn = palm.flops - base.flops
    frac = c.step(make_step("attention share of GPT-3 training FLOPs",
                            "a = (C_palm − C_6ND) / C_6ND",
                            [("C_palm", palm.flops, "FLOPs"), ("C_6ND", base.flops, "FLOPs")],
                            attn / base.flops, ""))
    c.add(f"- The attention scores (QKᵀ and softmax·V) are not weights, so 6·N·D misses them. "
          f"PaLM Appendix B adds 12·L·H·Q·T per token: for GPT-3 (L = {gpt3.layers}, "
          f"H = {gpt3.heads}, Q = {gpt3.head_dim}, T = {gpt3.context}) that is "
          f"{format_sci(palm.flops)} FLOPs, **{_pct(frac)}** more. It grows with context length.",
          f"- 注意力分数（QKᵀ 和 softmax·V）不是权重，6·N·D 没算进去。PaLM 附录 B 每个 token "
          f"加上 12·L·H·Q·T：GPT-3（L = {gpt3.layers}，H = {gpt3.heads}，Q = {gpt3.head_dim}，"
          f"T = {gpt3.context}）算下来是 {format_sci(palm.flops)}，多出 **{_pct(frac)}**；"
          "上下文越长，这一项越大。")
    ratio = full.hardware_flops / full.flops
    c.add(f"- **Activation recomputation** re-runs the forward pass during backward to save "
          f"memory: the GPUs execute 8·N·D = {format_sci(full.hardware_flops)} FLOPs "
          f"({_n(ratio)}× the model FLOPs). Megatron-LM's time estimate 8·T·P/(n·X) uses it.",
          f"- **激活重计算**：为省显存，反向时把前向再算一遍，GPU 实际执行 8·N·D = "
          f"{format_sci(full.hardware_flops)} 次（模型 FLOPs 的 {_n(ratio)} 倍）。Megatron-LM "
          "的训练时间公式 8·T·P/(n·X) 用的就是它。")
    typical = MFU_SCENARIOS[1]
    for hw in devices:
        c.device(hw)
        prec = _training_precision(hw)
        pk = hw.peak(prec)
        c.steps.append(pk.step)
        rate = pk.flops_per_s * typical.mfu
        h6 = c.step(make_step(f"GPU-hours for GPT-3 on {hw.name}, 6·N·D at MFU {typical.mfu}",
                              "h = C / (P · MFU) / 3600",
                              [("C", base.flops, "FLOPs"), ("P", pk.flops_per_s, "FLOP/s"),
                               ("MFU", typical.mfu, "")],
                              device_hours(1, training_seconds(base.flops, 1, rate)), "GPU-hours"))
        h8 = c.step(make_step(f"GPU-hours for GPT-3 on {hw.name} with full recompute at the same "
                              "hardware rate", "h = C_hw / (P · MFU) / 3600",
                              [("C_hw", full.hardware_flops, "FLOPs"),
                               ("P", pk.flops_per_s, "FLOP/s"), ("MFU", typical.mfu, "")],
                              device_hours(1, training_seconds(full.hardware_flops, 1, rate)),
                              "GPU-hours"))
        c.add(f"- On {hw.name} ({prec} {_tf(pk.flops_per_s)} TFLOP/s) at {_pct(typical.mfu)} of "
              f"peak: {_n(h6)} GPU-hours without recompute, {_n(h8)} with full recompute.",
              f"- 在 {hw.name}（{prec} 峰值 {_tf(pk.flops_per_s)} TFLOP/s）上按 "
              f"{_pct(typical.mfu)} 利用率：不重计算 {_n(h6)} 卡时，全量重计算 {_n(h8)} 卡时。")
    c.add(c.t("Model FLOPs (6·N·D plus attention) measure the work the model needs; hardware FLOPs "
              "add the recomputation. MFU uses the first, HFU the second.",
              "模型 FLOPs（6·N·D 加注意力）是模型本身需要的计算；硬件 FLOPs 再加上重计算。MFU "
              "用前者，HFU 用后者。"))
    title = c.t("Why training costs 6·N·D FLOPs", "为什么训练计算量是 6·N·D")
    summary = c.t(f"2 forward + 4 backward FLOPs per parameter per token: GPT-3 = "
                  f"{format_sci(base.flops)} FLOPs; attention adds {_pct(frac)}; full recompute "
                  f"makes it 8·N·D.",
                  f"每参数每 token 前向 2 次、反向 4 次：GPT-3 = {format_sci(base.flops)} 次；"
                  f"注意力再多 {_pct(frac)}；全量重计算后是 8·N·D。")
    return title, summary


# ------------------------------------------------------------ topic: MFU / HFU


def _mfu_hfu(c: _Ctx, devices: list[Hardware]) -> tuple[str, str]:
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
    tpu = get_hardware("tpu v4")
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
        prec = _training_precision(hw)
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


# ------------------------------------------------------------ topic: precision & sparsity


def _precision_sparsity(c: _Ctx, devices: list[Hardware]) -> tuple[str, str]:
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
    for hw in _default(devices, "h100", "a100"):
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
    first = _default(devices, "h100")[0]
    p = _training_precision(first)
    title = c.t("Precision (FP64 → FP4) and 2:4 sparsity", "精度（FP64 → FP4）与 2:4 稀疏")
    summary = c.t(f"Use dense peaks: {first.name} {p} = {_tf(first.peak(p).flops_per_s)} TFLOP/s; "
                  "sparse figures (marked *) are 2× and do not apply to pre-training.",
                  f"估算用稠密峰值：{first.name} {p} = {_tf(first.peak(p).flops_per_s)} TFLOP/s；"
                  "带 * 的稀疏值是 2 倍，不适用于预训练。")
    return title, summary

