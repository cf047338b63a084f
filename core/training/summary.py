"""The Markdown summary of `estimate_training`, in English or Chinese.

A headline (what is trained, on how many devices, for how long), then the training compute,
the peak, MFU and achieved rate, device-hours, cost, energy and CO2, what a deadline asks for
and the published MFU scenario band. Every figure is read from the `TrainingEstimate` it
summarizes, whose `steps` derive them (`flopcast.training.estimate`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from flopcast.numbers.quantities import (
    format_count,
    format_duration,
    format_energy_kwh,
    format_flops,
    format_mass_kg,
    format_number,
    format_rate,
    format_sci,
    format_usd,
)
from flopcast.numbers.zh import SCENARIO_NAMES
from flopcast.training.utilization import MFU_SCENARIOS

if TYPE_CHECKING:  # pragma: no cover - flopcast.training.estimate imports this module at run time
    from flopcast.training.estimate import TrainingEstimate

__all__ = ["compute_summary", "training_summary"]


def compute_summary(r: TrainingEstimate) -> str:
    """The summary without hardware: the compute, and what else can be asked."""
    zh = r.language == "zh"
    pf = format_number(r.pf_days)
    named = bool(r.model or r.params)
    if zh:
        head = (f"**{_what(r)}** 的训练计算量：**{format_flops(r.flops, 'zh')}**，" if named
                else f"训练计算量 **{format_flops(r.flops, 'zh')}**，")
        return "\n".join([
            head + f"合 {pf} PF-天（petaflop/s-day）；方法 {r.method}。",
            "- 还可以问：给出 hardware 和 count（或 target_days）得到训练时间、卡时、费用、耗电和"
            "碳排放；device_hours 可从论文公布的卡时推算；plan_compute_optimal 给出计算最优的"
            "参数量与数据量；estimate_memory 给出显存。",
        ])
    head = (f"**{_what(r)}**: training compute **{format_flops(r.flops)}**" if named
            else f"Training compute **{format_flops(r.flops)}**")
    return "\n".join([
        head + f" = {pf} petaflop/s-days (method {r.method}).",
        "- Ask next: give hardware and count (or target_days) for the time, device-hours, cost, "
        "energy and CO2; device_hours works forward from a published GPU-hour figure; "
        "plan_compute_optimal for the compute-optimal size and tokens; estimate_memory for "
        "memory per device.",
    ])


def _what(r: TrainingEstimate) -> str:
    zh = r.language == "zh"
    if r.model:
        return r.model
    if r.params:
        return f"{format_count(r.params, r.language)} {'参数' if zh else 'params'}"
    return format_flops(r.flops, r.language)


def training_summary(r: TrainingEstimate) -> str:
    """The result's summary: a few Markdown lines in `r.language` ("en" or "zh")."""
    zh = r.language == "zh"
    assert (r.seconds is not None and r.days is not None and r.mfu is not None
            and r.peak_tflops_per_device is not None and r.device_hours is not None
            and r.achieved_tflops_per_device is not None and r.pue is not None)
    what = _what(r)
    duration = format_duration(r.seconds, r.language)
    lines = []
    if zh:
        lines.append(
            f"**{what}** 在 {r.count} 块 {r.hardware_name} 上训练："
            f"约 **{duration}**"
            + ("。" if "天" in duration else f"（{format_number(r.days)} 天）。")
        )
        lines.append(
            f"- 训练计算量 {format_flops(r.flops, 'zh')}（方法 {r.method}，重计算 {r.recompute}；"
            f"硬件实际执行 {format_sci(r.hardware_flops)}）"
        )
        lines.append(
            f"- 单卡峰值 {format_rate(r.peak_tflops_per_device * 1e12)}（{r.precision}，"
            f"{'稀疏' if r.sparsity else '稠密'}），MFU {format_number(r.mfu * 100)}%，"
            f"单卡实际 {format_rate(r.achieved_tflops_per_device * 1e12)}"
        )
        lines.append(f"- 卡时 {format_number(r.device_hours)} 小时")
        if r.cost_usd is not None:
            lines.append(f"- 费用约 {format_usd(r.cost_usd, 'zh')}")
        else:
            lines.append(
                "- 费用：目录里没有这款硬件的参考价格，请给出 price_per_device_hour（美元/卡时）"
            )
        if r.energy_kwh is not None and r.co2_kg is not None:
            lines.append(
                f"- 耗电 {format_energy_kwh(r.energy_kwh, 'zh')}，"
                f"碳排放 {format_mass_kg(r.co2_kg, 'zh')}"
            )
        if r.required_count is not None:
            lines.append(
                f"- 要在 {format_number(r.target_days or 0)} 天内完成，需要 {r.required_count} 块"
            )
        if r.required_mfu is not None:
            lines.append(
                f"- 要在 {format_number(r.target_days or 0)} 天内完成，需要 MFU "
                f"{format_number(r.required_mfu * 100)}%：{_deadline_verdict(r, True)}"
            )
    else:
        lines.append(
            f"**{what}** on {r.count} × {r.hardware_name}: about **{duration}**"
            + ("." if "days" in duration else f" ({format_number(r.days)} days).")
        )
        lines.append(
            f"- Training compute {format_flops(r.flops)} (method {r.method}, recompute "
            f"{r.recompute}; hardware executes {format_sci(r.hardware_flops)})"
        )
        lines.append(
            f"- Peak {format_rate(r.peak_tflops_per_device * 1e12)} per device ({r.precision}, "
            f"{'sparse' if r.sparsity else 'dense'}), MFU {format_number(r.mfu * 100)}%, "
            f"achieved {format_rate(r.achieved_tflops_per_device * 1e12)} per device"
        )
        lines.append(f"- {format_number(r.device_hours)} device-hours")
        if r.cost_usd is not None:
            lines.append(
                f"- Cost about {format_usd(r.cost_usd)} at "
                f"${format_number(r.price_usd_per_device_hour or 0)} per device-hour"
            )
        else:
            lines.append(
                "- Cost: no reference price for this device in the catalog; give "
                "price_per_device_hour (USD)"
            )
        if r.energy_kwh is not None and r.co2_kg is not None:
            lines.append(
                f"- Energy {format_energy_kwh(r.energy_kwh)} (PUE {format_number(r.pue)}), "
                f"CO2 {format_mass_kg(r.co2_kg)}"
            )
        if r.required_count is not None:
            lines.append(
                f"- To finish in {format_number(r.target_days or 0)} days: "
                f"{r.required_count} devices"
            )
        if r.required_mfu is not None:
            lines.append(
                f"- To finish in {format_number(r.target_days or 0)} days on {r.count} devices "
                f"needs MFU {format_number(r.required_mfu * 100)}%: {_deadline_verdict(r, False)}"
            )
    if r.scenarios:
        band = ("，" if zh else ", ").join(
            f"{SCENARIO_NAMES.get(s.name, s.name) if zh else s.name} "
            f"{format_number(s.mfu * 100)}% → {format_number(s.days)}"
            for s in r.scenarios
        )
        lines.append(f"- MFU 情景（天）：{band}" if zh else f"- MFU scenarios (days): {band}")
    return "\n".join(lines)


def _deadline_verdict(r: TrainingEstimate, zh: bool) -> str:
    """Feasible at a published MFU, beyond every published run, or beyond the peak; with the
    devices the deadline takes at the typical MFU when it is not feasible."""
    low, typical, high = MFU_SCENARIOS[0], MFU_SCENARIOS[1], MFU_SCENARIOS[-1]
    band = f"{format_number(low.mfu * 100)}–{format_number(high.mfu * 100)}%"
    need = r.required_mfu or 0.0
    if r.feasible:
        return (f"可行（公开大规模训练的 MFU 为 {band}）" if zh
                else f"feasible (published large runs reach {band})")
    devices = r.devices_at_typical_mfu
    at_typical = "" if devices is None else (
        f"；按典型的 {format_number(typical.mfu * 100)}% MFU 需要 {format_number(devices)} 块"
        if zh else f"; at the typical {format_number(typical.mfu * 100)}% MFU it takes "
        f"{format_number(devices)} devices")
    if need > 1:
        verdict = "不可能（超过 100% 峰值）" if zh else "impossible (above 100% of peak)"
        return verdict + at_typical
    ratio = format_number(need / high.mfu)
    return (f"实际不可行：是公开训练最高 MFU（{format_number(high.mfu * 100)}%，PaLM 540B）"
            f"的 {ratio} 倍" if zh else
            f"not feasible in practice: {ratio}× the highest MFU a published large run reached "
            f"({format_number(high.mfu * 100)}%, PaLM 540B)") + at_typical
