"""Training time, device-hours, cost, energy and CO2 for a workload on N devices.

Utilization, as the papers define it:

* `mfu` is model FLOPs utilization (Chowdhery et al. 2022, PaLM §4.1): the model
  FLOPs (no recomputation) divided by what the devices could do at peak, so
  ``seconds = C_model / (count × peak × mfu)`` whatever the recompute policy.
* `achieved_tflops` is the per-device rate trainers log, which counts the
  recomputed work (Narayanan et al. 2021, Megatron-LM §5.1), so
  ``seconds = C_hardware / (count × achieved)``.

Both give the same answer when `achieved = peak × mfu × C_hardware / C_model`.
Each figure lives in one function: `training_seconds`, `device_hours` and
`devices_needed` in `flopcast.training.duration` (re-exported here), with the per-device
rate and the deadline (devices or MFU needed); `pick_peak`, `model_flops_utilization`
and `achieved_flops_per_s` in `flopcast.training.utilization`; cost, energy and CO2 in
`flopcast.training.cost`; the Markdown summary in `flopcast.training.summary`. This module holds
the tool: its input and output models, the order of the phases and the MFU scenario band.
"""

from __future__ import annotations

import math

from pydantic import BaseModel, ConfigDict, Field

from flopcast.catalog.hardware import Hardware, Peak, resolve_hardware
from flopcast.cluster.predicted import ClusterArgs, predicted_mfu
from flopcast.numbers.errors import InvalidInputError, MissingArgumentError
from flopcast.numbers.limits import (
    MAX_POWER_WATTS,
    MAX_PRICE_PER_DEVICE_HOUR,
    MAX_TFLOPS,
    MIN_TFLOPS,
    CountArg,
    DaysArg,
    DeviceHoursArg,
    FractionArg,
)
from flopcast.numbers.quantities import (
    FLOPS_PER_PF_DAY,
    SECONDS_PER_DAY,
    SECONDS_PER_HOUR,
    SECONDS_PER_YEAR,
    Language,
    parse_quantity,
)
from flopcast.numbers.results import Assumption, Result, Step, make_step
from flopcast.numbers.validation import tool_function
from flopcast.training.cost import run_cost
from flopcast.training.duration import (
    count_and_deadline,
    device_hours,
    device_rate,
    devices_needed,
    training_seconds,
)
from flopcast.training.summary import compute_summary, training_summary
from flopcast.training.utilization import DEFAULT_MFU, MFU_SCENARIOS, pick_peak
from flopcast.workload.resolve import Workload, WorkloadArgs, workload_of

__all__ = [
    "EstimateTrainingInput",
    "HardwareArgs",
    "ScenarioRow",
    "TrainingEstimate",
    "device_hours",
    "devices_needed",
    "estimate_training",
    "training_seconds",
]


# ------------------------------------------------------------------ inputs & outputs


class HardwareArgs(BaseModel):
    """Hardware arguments shared by the training tools."""

    model_config = ConfigDict(extra="forbid")

    precision: str | None = Field(
        default=None,
        description=(
            "bf16 (default), fp8, fp32..."
        ),
    )
    sparsity: bool = Field(
        default=False,
        description="Use the 2:4-sparse peak.",
    )
    mfu: FractionArg | None = Field(
        default=None,
        description=(
            "In (0, 1], default 0.40."
        ),
    )
    achieved_tflops: float | None = Field(
        default=None,
        ge=MIN_TFLOPS, le=MAX_TFLOPS, description=(
            "Logged TFLOP/s per device."
        ),
    )
    price_per_device_hour: float | None = Field(
        default=None,
        ge=0, le=MAX_PRICE_PER_DEVICE_HOUR,
        description="USD per device-hour (wins over provider).",
    )
    provider: str | None = Field(default=None, description="Price provider or 'lowest'.")
    power_watts: float | None = Field(
        default=None, gt=0, le=MAX_POWER_WATTS,
        description="Per device (default TDP)."
    )
    pue: float | None = Field(
        default=None, ge=1, le=3, description="PUE (default 1.1)."
    )
    carbon_kg_per_kwh: float | None = Field(
        default=None,
        ge=0,
        le=2,
        description="kg CO2 per kWh (default 0.385).",
    )
    language: Language = Field(default="en", description="Answer language.")


class _DeviceArgs(BaseModel):
    model_config = ConfigDict(extra="forbid")

    hardware: str | None = Field(
        default=None,
        description=(
            "Device, e.g. 'h100' (list_hardware)."
        ),
    )
    count: CountArg | None = Field(
        default=None,
        description="Devices (default 1).",
    )
    device_hours: DeviceHoursArg | None = Field(
        default=None,
        description=(
            "Published device-hours, e.g. '30.84M'."
        ),
    )
    target_days: DaysArg | None = Field(
        default=None,
        description=(
            "Deadline: the devices (or MFU) it needs."
        ),
    )


class EstimateTrainingInput(ClusterArgs, HardwareArgs, _DeviceArgs, WorkloadArgs):
    """Arguments of `estimate_training` (schema order: workload, device, rates and prices)."""

    model_config = ConfigDict(extra="forbid")


class ScenarioRow(BaseModel):
    """Training time under one named MFU scenario."""

    name: str
    mfu: float
    days: float
    cost_usd: float | None
    source: str


class TrainingEstimate(Result):
    """Result of `estimate_training`."""

    flops: float = Field(description="Model training FLOPs (no recomputation).")
    hardware_flops: float = Field(description="FLOPs the devices execute, with recomputation.")
    method: str
    recompute: str
    params: float | None
    tokens: float | None
    model: str | None = Field(description="Preset id, when a preset was used.")
    pf_days: float = Field(description="Model FLOPs in petaflop/s-days (1e15 FLOP/s × 1 day).")
    hardware: str | None = Field(description="Catalog id of the device; None without hardware "
                                 "(then only the compute is answered).")
    hardware_name: str | None
    count: int | None
    precision: str | None
    sparsity: bool | None
    peak_tflops_per_device: float | None
    mfu: float | None = Field(description="Model FLOPs utilization used or implied.")
    hfu: float | None = Field(description="Hardware FLOPs utilization (counts recomputation).")
    achieved_tflops_per_device: float | None
    seconds: float | None
    days: float | None
    years: float | None
    device_hours: float | None
    price_usd_per_device_hour: float | None
    cost_usd: float | None
    power_watts: float | None
    pue: float | None
    energy_kwh: float | None
    carbon_kg_per_kwh: float | None
    co2_kg: float | None
    target_days: float | None
    required_count: int | None = Field(description="Devices needed to finish in target_days.")
    required_mfu: float | None = Field(description="MFU needed to finish in target_days.")
    feasible: bool | None = Field(description=(
        "Whether target_days is reachable at an MFU a published large run has reached (at most "
        "the highest, PaLM 540B's 46.2%); false above it, even below 100% of peak."))
    devices_at_typical_mfu: int | None = Field(default=None, description=(
        "With count and target_days: the devices the deadline needs at the typical published "
        "MFU (40%, Llama 3 405B)."))
    scenarios: list[ScenarioRow] = Field(
        default_factory=list, description="Days and cost at published low/typical/high MFU."
    )


# ------------------------------------------------------------------ the tool


@tool_function(EstimateTrainingInput)
def estimate_training(args: EstimateTrainingInput) -> TrainingEstimate:
    """Estimate training time, device-hours, cost, energy and CO2.

    Time = model FLOPs ÷ (count × dense peak at `precision` × `mfu`), or hardware
    FLOPs ÷ (count × `achieved_tflops`). With `target_days` and no `count`, the
    device count needed; with both, the MFU needed.

    Returns:
        TrainingEstimate with every figure, its derivation in `steps`, the defaults
        used in `assumptions` and a Markdown `summary` in `language`.

    Raises:
        InvalidInputError: a missing or malformed argument (named in the message).
        UnknownHardwareError / UnknownModelError: an id not in the catalog.
    """
    return _estimate(args)


def _estimate(args: EstimateTrainingInput) -> TrainingEstimate:
    work = workload_of(args)
    if args.hardware is None:
        return _compute_only(args, work)
    hw, hw_assumptions = resolve_hardware(args.hardware)
    peak, precision_assumptions = pick_peak(hw, args.precision, args.sparsity)
    steps: list[Step] = list(work.steps) + [peak.step]
    assumptions: list[Assumption] = (
        list(work.assumptions) + hw_assumptions + precision_assumptions
    )
    if args.utilization == "predicted" and args.device_hours is not None:
        raise InvalidInputError("utilization", "device_hours already fixes the rate: give "
                                "device_hours or utilization='predicted', not both")
    if args.utilization == "predicted":  # the cluster model's MFU (flopcast.cluster)
        args = _with_predicted_mfu(args, work, hw, peak, steps, assumptions)
    if args.device_hours is not None:
        mfu, hfu, achieved, rate_steps, rate_assumptions = _rate_from_device_hours(
            args, peak, work)
    else:
        mfu, hfu, achieved, rate_steps, rate_assumptions = device_rate(args, peak, work)
    steps += rate_steps
    assumptions += rate_assumptions

    count, target_seconds, required_count, required_mfu, feasible = count_and_deadline(
        args, work, peak, achieved, steps, assumptions
    )

    typical_count = None
    if required_mfu is not None and target_seconds is not None:
        typical_rate = peak.flops_per_s * DEFAULT_MFU.mfu
        typical_count = devices_needed(work.flops, typical_rate, target_seconds)
        steps.append(make_step(
            "devices the deadline needs at the typical published MFU",
            "n = ⌈C_model / (peak · MFU_typical · t_target)⌉",
            [("C_model", work.flops, "FLOPs"), ("peak", peak.flops_per_s, "FLOP/s"),
             ("MFU_typical", DEFAULT_MFU.mfu, ""), ("t_target", target_seconds, "s")],
            typical_count, "devices"))

    seconds = training_seconds(work.hardware_flops, count, achieved)
    steps.append(
        make_step(
            "training time",
            "t = C_hw / (n · X)",
            [("C_hw", work.hardware_flops, "FLOPs"), ("n", count, "devices"),
             ("X", achieved, "FLOP/s")],
            seconds,
            "s",
        )
    )
    dev_hours = device_hours(count, seconds)
    steps.append(
        make_step("device-hours", "device-hours = n · t / 3600",
                  [("n", count, ""), ("t", seconds, "s")], dev_hours, "h")
    )
    money = run_cost(hw, dev_hours, price_per_device_hour=args.price_per_device_hour,
                     provider=args.provider,
                     power_watts=args.power_watts, pue=args.pue,
                     carbon_kg_per_kwh=args.carbon_kg_per_kwh)
    steps += money.steps
    assumptions += money.assumptions
    price, cost, energy, co2 = (money.price_usd_per_device_hour, money.cost_usd,
                                money.energy_kwh, money.co2_kg)
    if not all(math.isfinite(x) for x in (seconds, dev_hours, cost or 0, energy or 0, co2 or 0)):
        culprit = "achieved_tflops" if args.achieved_tflops is not None else "mfu"
        raise InvalidInputError(culprit, "is so small that the figures overflow; give a "
                                "realistic utilization (published runs reach 0.2 to 0.6)")

    scenarios = _scenarios(args, work, count, peak, price)

    result = TrainingEstimate(
        flops=work.flops,
        hardware_flops=work.hardware_flops,
        pf_days=work.flops / FLOPS_PER_PF_DAY,
        method=work.method,
        recompute=work.recompute,
        params=work.params,
        tokens=work.tokens,
        model=work.model.id if work.model is not None else None,
        hardware=hw.id,
        hardware_name=hw.name,
        count=count,
        precision=peak.precision,
        sparsity=peak.sparsity,
        peak_tflops_per_device=peak.flops_per_s / 1e12,
        mfu=mfu,
        hfu=hfu,
        achieved_tflops_per_device=achieved / 1e12,
        seconds=seconds,
        days=seconds / SECONDS_PER_DAY,
        years=seconds / SECONDS_PER_YEAR,
        device_hours=dev_hours,
        price_usd_per_device_hour=price,
        cost_usd=cost,
        power_watts=money.power_watts,
        pue=money.pue,
        energy_kwh=energy,
        carbon_kg_per_kwh=money.carbon_kg_per_kwh,
        co2_kg=co2,
        target_days=None if target_seconds is None else target_seconds / SECONDS_PER_DAY,
        required_count=required_count,
        required_mfu=required_mfu,
        feasible=feasible,
        devices_at_typical_mfu=typical_count,
        scenarios=scenarios,
        steps=steps,
        assumptions=assumptions,
        language=args.language,
    )
    result.summary = training_summary(result)
    return result


def _with_predicted_mfu(args: EstimateTrainingInput, work: Workload, hw: Hardware, peak: Peak,
                        steps: list[Step], assumptions: list[Assumption]
                        ) -> EstimateTrainingInput:
    if args.mfu is not None or args.achieved_tflops is not None:
        raise InvalidInputError("utilization", "'predicted' replaces mfu / achieved_tflops; "
                                "give one or the other")
    shape = {"model": args.model, "params": work.params, "layers": args.layers,
             "d_model": args.d_model, "heads": args.heads, "seq_len": args.seq_len,
             "vocab": args.vocab, "d_ff": args.d_ff}
    mfu, more_steps, more_assumptions = predicted_mfu(
        args, hw, args.count, peak.precision, work.flops, work.tokens, shape, work.recompute)
    steps += more_steps
    assumptions += more_assumptions
    return args.model_copy(update={"mfu": mfu})


def _scenarios(
    args: EstimateTrainingInput, work: Workload, count: int, peak: Peak, price: float | None
) -> list[ScenarioRow]:
    """Days and cost at the published MFU band, when neither mfu nor achieved_tflops is given."""
    scenarios = []
    if args.mfu is None and args.achieved_tflops is None and args.device_hours is None:
        for sc in MFU_SCENARIOS:
            sc_seconds = training_seconds(work.flops, count, peak.flops_per_s * sc.mfu)
            sc_cost = None if price is None else device_hours(count, sc_seconds) * price
            scenarios.append(
                ScenarioRow(name=sc.name, mfu=sc.mfu, days=sc_seconds / SECONDS_PER_DAY,
                            cost_usd=sc_cost, source=sc.source)
            )
    return scenarios


def _compute_only(args: EstimateTrainingInput, work: Workload) -> TrainingEstimate:
    """No hardware: the compute alone (FLOPs, PF-days), and what else can be asked."""
    given = [name for name in ("count", "target_days", "device_hours", "mfu", "achieved_tflops",
                               "price_per_device_hour", "power_watts")
             if getattr(args, name) is not None]
    if given:
        raise MissingArgumentError("hardware", f"is required with {given[0]}: give a device, "
                                   "e.g. 'a100' or 'h100' (list_hardware lists them); without "
                                   "hardware only the compute is answered")
    pf_days = work.flops / FLOPS_PER_PF_DAY
    steps = list(work.steps) + [make_step(
        "compute in petaflop/s-days", "PF-days = C / (1e15 FLOP/s · 86,400 s)",
        [("C", work.flops, "FLOPs")], pf_days, "PF-days")]
    result = TrainingEstimate(
        flops=work.flops, hardware_flops=work.hardware_flops, pf_days=pf_days,
        method=work.method, recompute=work.recompute, params=work.params, tokens=work.tokens,
        model=work.model.id if work.model is not None else None,
        hardware=None, hardware_name=None, count=None, precision=None, sparsity=None,
        peak_tflops_per_device=None, mfu=None, hfu=None, achieved_tflops_per_device=None,
        seconds=None, days=None, years=None, device_hours=None, price_usd_per_device_hour=None,
        cost_usd=None, power_watts=None, pue=None, energy_kwh=None, carbon_kg_per_kwh=None,
        co2_kg=None, target_days=None, required_count=None, required_mfu=None, feasible=None,
        steps=steps, assumptions=list(work.assumptions), language=args.language)
    result.summary = compute_summary(result)
    return result


def _rate_from_device_hours(
    args: EstimateTrainingInput, peak: Peak, work: Workload
) -> tuple[float, float, float, list[Step], list[Assumption]]:
    """(mfu, hfu, achieved FLOP/s per device, steps, assumptions) a published device-hour
    figure implies: X = C_hw / (device-hours · 3600)."""
    for name in ("mfu", "achieved_tflops", "target_days"):
        if getattr(args, name) is not None:
            raise InvalidInputError(name, "device_hours already fixes the rate and the time: "
                                    f"give device_hours or {name}, not both")
    assert args.device_hours is not None
    dh = parse_quantity(args.device_hours, argument="device_hours")
    device_seconds = dh * SECONDS_PER_HOUR
    achieved = work.hardware_flops / device_seconds
    mfu = work.flops / device_seconds / peak.flops_per_s
    hfu = achieved / peak.flops_per_s
    steps = [
        make_step("achieved rate per device the device-hours imply",
                  "X = C_hw / (device-hours · 3600)",
                  [("C_hw", work.hardware_flops, "FLOPs"), ("device-hours", dh, "h")],
                  achieved, "FLOP/s"),
        make_step("MFU the device-hours imply", "MFU = C_model / (device-hours · 3600 · peak)",
                  [("C_model", work.flops, "FLOPs"), ("device-hours", dh, "h"),
                   ("peak", peak.flops_per_s, "FLOP/s")], mfu, ""),
    ]
    return mfu, hfu, achieved, steps, []
