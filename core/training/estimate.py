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

from flopcast.catalog.hardware import Peak, resolve_hardware
from flopcast.numbers.errors import InvalidInputError
from flopcast.numbers.limits import (
    MAX_COUNT,
    MAX_POWER_WATTS,
    MAX_PRICE_PER_DEVICE_HOUR,
    MAX_TFLOPS,
    MIN_MFU,
    MIN_TFLOPS,
    DaysArg,
)
from flopcast.numbers.quantities import SECONDS_PER_DAY, SECONDS_PER_YEAR, Language
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
from flopcast.training.summary import training_summary
from flopcast.training.utilization import MFU_SCENARIOS, pick_peak
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
            "Peak precision, e.g. bf16 (default), fp8, fp32."
        ),
    )
    sparsity: bool = Field(
        default=False,
        description="Use the 2:4-sparse peak.",
    )
    mfu: float | None = Field(
        default=None,
        ge=MIN_MFU, le=1, description=(
            "Model FLOPs utilization in (0, 1], default 0.40."
        ),
    )
    achieved_tflops: float | None = Field(
        default=None,
        ge=MIN_TFLOPS, le=MAX_TFLOPS, description=(
            "Achieved TFLOP/s per device as logged; overrides mfu."
        ),
    )
    price_per_device_hour: float | None = Field(
        default=None,
        ge=0, le=MAX_PRICE_PER_DEVICE_HOUR,
        description="USD per device-hour (default: catalog reference price).",
    )
    power_watts: float | None = Field(
        default=None, gt=0, le=MAX_POWER_WATTS,
        description="Watts per device (default TDP)."
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

    hardware: str = Field(
        description=(
            "Device id or alias (list_hardware), e.g. 'h100', 'a100'."
        ),
    )
    count: int | None = Field(
        default=None,
        ge=1, le=MAX_COUNT,
        description="Devices (default 1, or as many as target_days needs).",
    )
    target_days: DaysArg | None = Field(
        default=None,
        description=(
            "Deadline in days: gives the devices (or, with count, the MFU) needed."
        ),
    )


class EstimateTrainingInput(HardwareArgs, _DeviceArgs, WorkloadArgs):
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
    hardware: str = Field(description="Catalog id of the device.")
    hardware_name: str
    count: int
    precision: str
    sparsity: bool
    peak_tflops_per_device: float
    mfu: float = Field(description="Model FLOPs utilization used or implied.")
    hfu: float = Field(description="Hardware FLOPs utilization (counts recomputation).")
    achieved_tflops_per_device: float
    seconds: float
    days: float
    years: float
    device_hours: float
    price_usd_per_device_hour: float | None
    cost_usd: float | None
    power_watts: float | None
    pue: float
    energy_kwh: float | None
    carbon_kg_per_kwh: float
    co2_kg: float | None
    target_days: float | None
    required_count: int | None = Field(description="Devices needed to finish in target_days.")
    required_mfu: float | None = Field(description="MFU needed to finish in target_days.")
    feasible: bool | None = Field(description="Whether target_days is reachable (MFU ≤ 1).")
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
    hw, hw_assumptions = resolve_hardware(args.hardware)
    peak, precision_assumptions = pick_peak(hw, args.precision, args.sparsity)
    steps: list[Step] = list(work.steps) + [peak.step]
    assumptions: list[Assumption] = (
        list(work.assumptions) + hw_assumptions + precision_assumptions
    )
    mfu, hfu, achieved, rate_steps, rate_assumptions = device_rate(args, peak, work)
    steps += rate_steps
    assumptions += rate_assumptions

    count, target_seconds, required_count, required_mfu, feasible = count_and_deadline(
        args, work, peak, achieved, steps, assumptions
    )

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
        scenarios=scenarios,
        steps=steps,
        assumptions=assumptions,
        language=args.language,
    )
    result.summary = training_summary(result)
    return result


def _scenarios(
    args: EstimateTrainingInput, work: Workload, count: int, peak: Peak, price: float | None
) -> list[ScenarioRow]:
    """Days and cost at the published MFU band, when neither mfu nor achieved_tflops is given."""
    scenarios = []
    if args.mfu is None and args.achieved_tflops is None:
        for sc in MFU_SCENARIOS:
            sc_seconds = training_seconds(work.flops, count, peak.flops_per_s * sc.mfu)
            sc_cost = None if price is None else device_hours(count, sc_seconds) * price
            scenarios.append(
                ScenarioRow(name=sc.name, mfu=sc.mfu, days=sc_seconds / SECONDS_PER_DAY,
                            cost_usd=sc_cost, source=sc.source)
            )
    return scenarios
