"""explain_flops topics on how much compute a job is: ``flops_units`` and ``training_flops``.

* ``flops_units`` — FLOPs (a count) vs FLOP/s (a rate) vs the ambiguous "FLOPS";
  PF-days and GPU-hours as units of compute, worked on GPT-3 (Brown et al. 2020,
  Appendix D, Table D.1).
* ``training_flops`` — why training costs 6·N·D (Kaplan et al. 2020, §2.1, Table 1),
  the attention term 12·L·H·Q·T (PaLM, Appendix B) and activation recompute, 8·N·D
  (Megatron-LM, Narayanan et al. 2021, §5.1 Eq. (3)-(4)).

Every figure comes from the model catalog and the core formulas (workload, training
time, device-hours); none is typed into the prose.
"""

from __future__ import annotations

from flopcast.catalog.hardware import Hardware
from flopcast.catalog.models import resolve_model
from flopcast.explain.context import MEGATRON_SOURCE as _MEGATRON
from flopcast.explain.context import PALM_SOURCE as _PALM
from flopcast.explain.context import ExplainContext, training_precision
from flopcast.explain.context import fmt_num as _n
from flopcast.explain.context import fmt_pct as _pct
from flopcast.explain.context import fmt_tflops as _tf
from flopcast.numbers.quantities import FLOPS_PER_PF_DAY, format_duration, format_sci
from flopcast.numbers.results import Source, make_step
from flopcast.training.estimate import device_hours, training_seconds
from flopcast.training.utilization import MFU_SCENARIOS
from flopcast.workload.resolve import resolve_workload

__all__ = ["write_flops_units", "write_training_flops"]

_KAPLAN = Source(title="Kaplan et al. 2020, 'Scaling Laws for Neural Language Models', §2.1, "
                 "Table 1", url="https://arxiv.org/abs/2001.08361")
_GPT3 = Source(title="Brown et al. 2020, 'Language Models are Few-Shot Learners', Appendix D, "
               "Table D.1", url="https://arxiv.org/abs/2005.14165")


# ------------------------------------------------------------ topic: units


def write_flops_units(c: ExplainContext, devices: list[Hardware]) -> tuple[str, str]:
    """Write the flops_units topic into `c`; returns (title, summary)."""
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
    for hw in c.default(devices, "a100", "v100 pcie"):
        c.device(hw)
        prec = training_precision(hw)
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


# ------------------------------------------------------------ topic: 6ND


def write_training_flops(c: ExplainContext, devices: list[Hardware]) -> tuple[str, str]:
    """Write the training_flops topic into `c`; returns (title, summary)."""
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
        prec = training_precision(hw)
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
