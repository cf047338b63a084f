"""Rank the same training workload across accelerators by time, cost or energy.

Each row applies the formulas of `flopcast.training.estimate` (time, device-hours),
`flopcast.training.utilization` (peak, achieved rate) and `flopcast.training.cost` (energy) to
one device type; nothing is computed here that is not computed there.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from flopcast.catalog.hardware import Hardware, hardware_catalog, resolve_hardware
from flopcast.catalog.prices import LOWEST, PriceChoice, check_provider, common_basis
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
    price_provider: str | None = Field(default=None, description="Provider of the quote used.")
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


class OffBasisRow(BaseModel):
    """A row whose price is not on the comparison's basis."""

    hardware: str
    price_provider: str | None = Field(description="The provider used instead; None: no quote.")


class GpuComparison(Result):
    """Result of `compare_gpus`."""

    flops: float
    hardware_flops: float
    sort_by: str
    rows: list[ComparisonRow]
    skipped: list[SkippedRow] = Field(default_factory=list)
    price_basis: str | None = Field(default=None, description=(
        "Provider whose quotes price the rows ('lowest': each row's own lowest quote; "
        "'given': price_per_device_hour)."))
    off_basis: list[OffBasisRow] = Field(default_factory=list, description=(
        "Rows priced by another provider than the basis, or without a quote."))


@tool_function(CompareGpusInput)
def compare_gpus(args: CompareGpusInput) -> GpuComparison:
    """Rank accelerators for one workload by days, cost or energy.

    Each row: devices (given, or needed for `target_days`), days, device-hours,
    cost at one provider's quotes (`price_basis`; or `price_per_device_hour`), energy at
    TDP × PUE, and whether weights + gradients + optimizer state fit when fully
    sharded over the devices. Rows without a price or power sort last for cost
    or energy; by cost, rows priced by another provider than the basis follow the basis
    rows. Prices are on one basis: the `provider` asked for, else the provider that
    quotes the most of the devices; rows it does not quote use the default rule's quote
    (none when a provider was asked for) and are listed in `off_basis` and the summary.

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
    provider = check_provider(args.provider)
    basis, choices = "given", dict[str, PriceChoice]()
    if args.price_per_device_hour is None:
        basis, choices = common_basis([hw.id for hw in devices], provider)
        assumptions.append(Assumption(
            name="price_per_device_hour",
            value="each device's lowest newest on-demand quote" if basis == LOWEST else
            f"{basis} newest on-demand quotes",
            source=("provider asked for" if provider is not None else
                    "the provider that quotes the most of these devices")
            + " (dated quotes in the catalog)"))
    ratio = work.hardware_flops / work.flops
    n_total = work.total_params or work.params
    state_total = training_state_bytes(n_total) if n_total else None

    rows: list[ComparisonRow] = []
    skipped: list[SkippedRow] = []
    for hw in devices:
        try:
            peak, _ = pick_peak(hw, args.precision, args.sparsity)
        except FlopcastError as e:
            reason, argument = str(e), getattr(e, "argument", None)
            if args.precision is not None and argument in ("precision", "sparsity"):
                # One wording for every device, so the text groups them on one line.
                wanted = args.precision + (" 2:4-sparse" if args.sparsity else "")
                reason = (f"{argument}: no {wanted} peak in the catalog (list_hardware "
                          "gives each device's)")
            skipped.append(SkippedRow(hardware=hw.id, reason=reason))
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
        price, price_source, price_provider = _price_for(args.price_per_device_hour,
                                                         choices.get(hw.id))
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
                price_provider=price_provider,
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

    def off_basis(r: ComparisonRow) -> bool:  # priced by another provider, or not at all
        return basis not in ("given", LOWEST) and r.price_provider != basis

    # By cost, the rows on the basis are ranked first, then those priced by another provider
    # (ranked among themselves, never above a basis row), then those without a price.
    rows.sort(key=lambda r: (getattr(r, key) is None, key == "cost_usd" and off_basis(r),
                             getattr(r, key) or 0.0, r.hardware))
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
        price_basis=basis,
        off_basis=[OffBasisRow(hardware=r.hardware, price_provider=r.price_provider)
                   for r in rows if off_basis(r)],
        steps=steps,
        assumptions=assumptions,
        language=args.language,
    )
    result.summary = _summary(result)
    return result


def _price_for(given: float | None, choice: PriceChoice | None
               ) -> tuple[float | None, str | None, str | None]:
    """One row's price per device-hour, where it comes from, and its provider."""
    if given is not None:
        return given, "given", None
    if choice is None or choice.quote is None:
        return None, None, None
    found = choice.quote
    return found.usd_per_device_hour, price_quote(found), found.provider


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
    lines += _basis_lines(r, zh) + _skipped_lines(r, zh)
    if r.rows and r.rows[0].state_bytes_per_device:
        lines.append("")
        lines.append(
            ("显存判断只计权重、梯度和 Adam 状态（16 字节/参数，ZeRO-3 全分片），不含激活。")
            if zh
            else "Memory check counts weights, gradients and Adam state (16 bytes/param, "
            "fully sharded), not activations."
        )
    return "\n".join(lines)


def _skipped_lines(r: GpuComparison, zh: bool) -> list[str]:
    """The device types that could not be ranked, grouped by reason (never dropped silently)."""
    if not r.skipped:
        return []
    by_reason: dict[str, list[str]] = {}
    for row in r.skipped:
        by_reason.setdefault(row.reason, []).append(row.hardware)
    out = [""]
    if not r.rows:
        out.append("没有可排序的硬件：" if zh else "No device type could be ranked:")
    else:
        out.append(f"未排序（{len(r.skipped)} 种）：" if zh
                   else f"Not ranked ({len(r.skipped)}):")
    sep = "、" if zh else ", "
    out += [f"- {sep.join(ids)}: {reason}" for reason, ids in by_reason.items()]
    return out


def _basis_lines(r: GpuComparison, zh: bool) -> list[str]:
    """The price basis under the table, and every row off it (never ranked silently)."""
    if r.price_basis in (None, "given"):
        return []
    if r.price_basis == LOWEST:
        mixed = sorted({row.price_provider for row in r.rows if row.price_provider})
        return ["", f"价格：各行取自身最低的按需报价（{'、'.join(mixed)}），不是同一市场。" if zh
                else f"Prices: each row's own lowest on-demand quote ({', '.join(mixed)}), "
                "not one market."]
    out = ["", f"价格统一取 {r.price_basis} 的最新按需报价。" if zh
           else f"Prices on one basis: {r.price_basis}'s newest on-demand quotes."]
    other = [f"{x.hardware} ({x.price_provider})" for x in r.off_basis if x.price_provider]
    none = [x.hardware for x in r.off_basis if not x.price_provider]
    if other:
        out.append(f"其他云厂商报价（费用不可直接比较）：{'、'.join(other)}。" if zh
                   else f"Other provider (cost not on the same basis): {', '.join(other)}.")
    if none:
        out.append(f"无 {r.price_basis} 报价、无费用：{'、'.join(none)}。" if zh
                   else f"No {r.price_basis} quote, no cost: {', '.join(none)}.")
    return out
