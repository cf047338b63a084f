"""Rank the same training workload across accelerators by time, cost or energy.

Each row applies the formulas of `flopcast.training.estimate` (time, device-hours),
`flopcast.training.utilization` (peak, achieved rate) and `flopcast.training.cost` (energy) to
one device type; nothing is computed here that is not computed there.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from flopcast.catalog.hardware import Hardware, hardware_catalog, resolve_hardware
from flopcast.cluster.predicted import ClusterArgs, predicted_mfu
from flopcast.memory.estimate import training_state_bytes
from flopcast.numbers.errors import FlopcastError, InvalidInputError
from flopcast.numbers.limits import CountArg, DaysArg
from flopcast.numbers.quantities import (
    SECONDS_PER_DAY,
    Language,
    format_energy_kwh,
    format_flops,
    format_number,
    format_usd,
    parse_duration_seconds,
)
from flopcast.numbers.results import Assumption, Result, Step, make_step
from flopcast.numbers.validation import tool_function
from flopcast.training.cost import DEFAULT_PUE, energy_kwh, price_quote
from flopcast.training.estimate import HardwareArgs, device_hours, devices_needed, training_seconds
from flopcast.training.utilization import DEFAULT_MFU, achieved_flops_per_s, pick_peak
from flopcast.workload.resolve import WorkloadArgs, workload_of

__all__ = ["CompareGpusInput", "ComparisonRow", "GpuComparison", "compare_gpus"]

SortKey = Literal["days", "cost", "energy"]


class _CompareDevices(BaseModel):
    model_config = ConfigDict(extra="forbid")

    hardware: list[str] | None = Field(
        default=None,
        description=(
            "Device ids (default: all training accelerators)."
        ),
    )
    count: CountArg | None = Field(
        default=None,
        description=(
            "Per type (default 1)."
        ),
    )
    target_days: DaysArg | None = Field(
        default=None,
        description=(
            "Deadline: each type gets the devices it needs."
        ),
    )
    sort_by: SortKey = Field(
        default="days", description="Ranking."
    )

    @field_validator("hardware", mode="before")
    @classmethod
    def _one_name_is_a_list(cls, value: object) -> object:
        # "a100" is as natural as ["a100"] for a single device.
        return [value] if isinstance(value, str) else value


class CompareGpusInput(ClusterArgs, HardwareArgs, _CompareDevices, WorkloadArgs):
    """Arguments of `compare_gpus` (schema order: workload, devices, rates and prices)."""

    model_config = ConfigDict(extra="forbid")


class ComparisonRow(BaseModel):
    """One device type running the workload."""

    hardware: str
    name: str
    count: int
    precision: str
    peak_tflops_per_device: float
    achieved_tflops_per_device: float
    days: float
    device_hours: float
    price_usd_per_device_hour: float | None
    price_source: str | None = Field(
        default=None,
        description="Where the price comes from: 'given', or the catalog quote's provider and "
        "date ('unverified' when it was read in a copy of the provider's page).",
    )
    cost_usd: float | None
    energy_kwh: float | None
    memory_gb: float | None
    state_bytes_per_device: float = Field(
        description="Weights + gradients + optimizer state per device, fully sharded (ZeRO-3)."
    )
    fits_memory: bool | None = Field(
        description="Whether that state fits in device memory (activations not counted)."
    )
    meets_deadline: bool | None


class SkippedRow(BaseModel):
    """A device left out, with the reason."""

    hardware: str
    reason: str


class GpuComparison(Result):
    """Result of `compare_gpus`."""

    flops: float
    hardware_flops: float
    sort_by: str
    rows: list[ComparisonRow]
    skipped: list[SkippedRow] = Field(default_factory=list)


@tool_function(CompareGpusInput)
def compare_gpus(args: CompareGpusInput) -> GpuComparison:
    """Rank accelerators for one workload by days, cost or energy.

    Each row: devices (given, or needed for `target_days`), days, device-hours,
    cost at the catalog's reference price (or `price_per_device_hour`), energy at
    TDP × PUE, and whether weights + gradients + optimizer state fit when fully
    sharded over the devices. Rows without a price or power sort last for cost
    or energy.

    Raises:
        InvalidInputError, UnknownHardwareError, UnknownModelError.
    """
    work = workload_of(args)
    assumptions: list[Assumption] = list(work.assumptions)
    steps: list[Step] = list(work.steps)

    if args.hardware is None:
        devices: list[Hardware] = [h for h in hardware_catalog() if h.training]
        assumptions.append(
            Assumption(name="hardware", value=f"{len(devices)} training accelerators",
                       source="every catalog entry marked as a training accelerator")
        )
    else:
        if not args.hardware:
            raise InvalidInputError("hardware", "is an empty list; give ids or leave it out")
        devices = []
        for name in args.hardware:
            hw, extra = resolve_hardware(name)
            devices.append(hw)
            assumptions += extra

    target_seconds = None
    if args.target_days is not None:
        target_seconds = parse_duration_seconds(
            args.target_days, argument="target_days", default_unit="days"
        )
    if args.utilization == "predicted" and (args.mfu is not None
                                            or args.achieved_tflops is not None):
        raise InvalidInputError("utilization", "'predicted' replaces mfu / achieved_tflops; "
                                "give one or the other")
    if args.achieved_tflops is None and args.mfu is None and args.utilization == "default":
        assumptions.append(
            Assumption(name="mfu", value=format_number(DEFAULT_MFU.mfu), source=DEFAULT_MFU.source)
        )
    mfu = args.mfu if args.mfu is not None else DEFAULT_MFU.mfu
    pue = args.pue if args.pue is not None else DEFAULT_PUE
    if args.pue is None:
        assumptions.append(Assumption(name="pue", value=format_number(pue),
                                      source="LLaMA §6 (Touvron et al. 2023)"))
    if args.power_watts is None:
        assumptions.append(Assumption(name="power_watts", value="each device's TDP",
                                      source="catalog TDP (board power at full load)"))
    if args.price_per_device_hour is None:
        assumptions.append(Assumption(name="price_per_device_hour",
                                      value="each device's catalog reference price",
                                      source="catalog (dated on-demand list prices)"))
    ratio = work.hardware_flops / work.flops
    n_total = work.total_params or work.params
    state_total = training_state_bytes(n_total) if n_total else None

    rows: list[ComparisonRow] = []
    skipped: list[SkippedRow] = []
    for hw in devices:
        try:
            peak, _ = pick_peak(hw, args.precision, args.sparsity)
        except FlopcastError as e:
            skipped.append(SkippedRow(hardware=hw.id, reason=str(e)))
            continue
        if args.utilization == "predicted":  # the cluster model's MFU per device type
            try:
                hw_mfu, more_steps, more = predicted_mfu(
                    args, hw, args.count, peak.precision, work.flops, work.tokens,
                    {"model": args.model, "params": work.params, "layers": args.layers,
                     "d_model": args.d_model, "heads": args.heads, "seq_len": args.seq_len,
                     "vocab": args.vocab, "d_ff": args.d_ff}, work.recompute)
            except FlopcastError as e:
                skipped.append(SkippedRow(hardware=hw.id, reason=str(e)))
                continue
            steps += more_steps
            assumptions += more
            achieved = achieved_flops_per_s(peak.flops_per_s, hw_mfu, ratio)
        elif args.achieved_tflops is not None:
            achieved = args.achieved_tflops * 1e12
        else:
            achieved = achieved_flops_per_s(peak.flops_per_s, mfu, ratio)
        n = args.count
        if n is None and target_seconds is not None:
            n = devices_needed(work.hardware_flops, achieved, target_seconds)
        elif n is None:
            n = 1
        seconds = training_seconds(work.hardware_flops, n, achieved)
        hours = device_hours(n, seconds)
        price, price_source = _price_for(hw, args.price_per_device_hour)
        power = args.power_watts if args.power_watts is not None else hw.tdp_watts
        per_device = state_total / n if state_total is not None else 0.0
        fits = None
        if state_total is not None and hw.memory_gb is not None:
            fits = per_device <= hw.memory_gb * 1e9
        rows.append(
            ComparisonRow(
                hardware=hw.id,
                name=hw.name,
                count=n,
                precision=peak.precision,
                peak_tflops_per_device=peak.flops_per_s / 1e12,
                achieved_tflops_per_device=achieved / 1e12,
                days=seconds / SECONDS_PER_DAY,
                device_hours=hours,
                price_usd_per_device_hour=price,
                price_source=price_source,
                cost_usd=None if price is None else hours * price,
                energy_kwh=None if power is None else energy_kwh(hours, power, pue),
                memory_gb=hw.memory_gb,
                state_bytes_per_device=per_device,
                fits_memory=fits,
                meets_deadline=(
                    None if target_seconds is None else seconds <= target_seconds * (1 + 1e-9)
                ),
            )
        )

    key = {"days": "days", "cost": "cost_usd", "energy": "energy_kwh"}[args.sort_by]
    rows.sort(key=lambda r: (getattr(r, key) is None, getattr(r, key) or 0.0, r.hardware))
    if rows:
        steps.append(
            make_step(
                "training time per device type",
                "t = C_hw / (n · peak · MFU · C_hw/C_model)",
                [("C_hw", work.hardware_flops, "FLOPs"),
                 ("MFU", mfu if args.utilization == "default" else
                  rows[0].achieved_tflops_per_device / rows[0].peak_tflops_per_device / ratio,
                  "")],
                rows[0].days,
                "days (first row)",
            )
        )
    if state_total is not None:
        steps.append(
            make_step(
                "training state (weights + gradients + Adam), before sharding",
                "S = 16 · N",
                [("N", work.params or 0.0, "params")],
                state_total,
                "bytes",
            )
        )
    result = GpuComparison(
        flops=work.flops,
        hardware_flops=work.hardware_flops,
        sort_by=args.sort_by,
        rows=rows,
        skipped=skipped,
        steps=steps,
        assumptions=assumptions,
        language=args.language,
    )
    result.summary = _summary(result)
    return result


def _price_for(hw: Hardware, given: float | None) -> tuple[float | None, str | None]:
    """The price per device-hour for one row and where it comes from."""
    if given is not None:
        return given, "given"
    quote = price_quote(hw)
    if hw.price_usd_per_device_hour is None or quote is None:
        return None, None
    unverified = ", unverified" if "price" in hw.unverified else ""
    return hw.price_usd_per_device_hour, f"{quote}{unverified}"


def _summary(r: GpuComparison) -> str:
    zh = r.language == "zh"
    sort_zh = {"days": "天数", "cost": "费用", "energy": "能耗"}[r.sort_by]
    head = (
        f"训练计算量 {format_flops(r.flops, 'zh')}，按{sort_zh}排序："
        if zh
        else f"Workload {format_flops(r.flops)}, ranked by {r.sort_by}:"
    )
    cols = (
        "| 硬件 | 数量 | 天数 | 卡时 | 每卡时价格 | 费用 | 能耗 | 显存够用 |"
        if zh
        else "| hardware | count | days | device-hours | $/device-hour | cost | energy "
        "| fits memory |"
    )
    lines = [head, "", cols, "|---|---:|---:|---:|---:|---:|---:|:---:|"]
    lang: Language = "zh" if zh else "en"
    for row in r.rows:
        cost = "—" if row.cost_usd is None else format_usd(row.cost_usd, lang)
        price = "—"
        if row.price_usd_per_device_hour is not None:
            price = f"${format_number(row.price_usd_per_device_hour)}"
            if row.price_source and row.price_source != "given":
                price += f" ({row.price_source})"
        energy = "—" if row.energy_kwh is None else format_energy_kwh(row.energy_kwh, lang)
        fits = "?" if row.fits_memory is None else ("✓" if row.fits_memory else "✗")
        lines.append(
            f"| {row.name} | {row.count} | {format_number(row.days)} | "
            f"{format_number(row.device_hours)} | {price} | {cost} | {energy} | {fits} |"
        )
    if r.rows and r.rows[0].state_bytes_per_device:
        lines.append("")
        lines.append(
            ("显存判断只计权重、梯度和 Adam 状态（16 字节/参数，ZeRO-3 全分片），不含激活。")
            if zh
            else "Memory check counts weights, gradients and Adam state (16 bytes/param, "
            "fully sharded), not activations."
        )
    return "\n".join(lines)
