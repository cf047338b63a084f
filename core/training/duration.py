"""Time on N devices: the per-device rate, wall-clock time, device-hours and a deadline.

The rate per device follows the utilization the caller gives (see `flopcast.training.estimate`):
with `mfu`, model FLOPs utilization (Chowdhery et al. 2022, PaLM §4.1), X = peak · MFU ·
C_hw / C_model; with `achieved_tflops`, the rate trainers log, which counts recomputation
(Narayanan et al. 2021, Megatron-LM §5.1), X is that rate and implies MFU = X · (C_model /
C_hw) / peak. Then t = C_hw / (n · X) and device-hours = n · t / 3600 s. A deadline t_target
asks, without a device count, for the devices needed, ⌈C_hw / (X · t_target)⌉, and with one,
for the MFU needed, C_model / (n · peak · t_target).

`flopcast.training.estimate` re-exports the three formulas and runs the rate and the deadline
as phases of `estimate_training`.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from flopcast.catalog.hardware import Peak
from flopcast.numbers.quantities import SECONDS_PER_HOUR, parse_duration_seconds
from flopcast.numbers.results import Assumption, Step, make_step
from flopcast.training.utilization import (
    MFU_SCENARIOS,
    achieved_flops_per_s,
    default_mfu,
    model_flops_utilization,
)
from flopcast.workload.resolve import Workload

if TYPE_CHECKING:  # pragma: no cover - flopcast.training.estimate imports this module at run time
    from flopcast.training.estimate import EstimateTrainingInput

__all__ = [
    "count_and_deadline",
    "device_hours",
    "device_rate",
    "devices_needed",
    "training_seconds",
]


# ------------------------------------------------------------------ formulas


def training_seconds(flops: float, count: int, flops_per_s_per_device: float) -> float:
    """Wall-clock seconds to do `flops` on `count` devices each sustaining a rate.

    seconds = C / (n · X). Ignores start-up, checkpointing, failures and restarts,
    which the Llama 3 paper (§3.3.4) reports as a few percent of a 54-day run.

    Args:
        flops: FLOPs to perform (model FLOPs with an MFU-derived rate, hardware
            FLOPs with a logged achieved rate).
        count: number of devices, ≥ 1.
        flops_per_s_per_device: sustained FLOP/s per device.

    >>> round(training_seconds(8 * 300e9 * 175e9, 1024, 140e12) / 86400, 1)
    33.9
    """
    return flops / (count * flops_per_s_per_device)


def device_hours(count: int, seconds: float) -> float:
    """Device-hours = n · t / 3600 s.

    >>> device_hours(1024, 34 * 86400)
    835584.0
    """
    return count * seconds / SECONDS_PER_HOUR


def devices_needed(flops: float, flops_per_s_per_device: float, seconds: float) -> int:
    """Smallest device count that finishes `flops` within `seconds`: ⌈C / (X · t)⌉.

    >>> devices_needed(6 * 70e9 * 15e12, 989.5e12 * 0.4, 90 * 86400)
    2047
    """
    return max(1, math.ceil(flops / (flops_per_s_per_device * seconds) - 1e-9))


# ------------------------------------------------------------------ phases of the estimate


def device_rate(
    args: EstimateTrainingInput, peak: Peak, work: Workload
) -> tuple[float, float, float, list[Step], list[Assumption]]:
    """Return (mfu, hfu, achieved FLOP/s per device, steps, assumptions)."""
    ratio = work.hardware_flops / work.flops
    if args.achieved_tflops is not None:
        achieved = args.achieved_tflops * 1e12
        hfu = achieved / peak.flops_per_s
        mfu = hfu / ratio
        step = make_step(
            "MFU implied by the achieved rate",
            "MFU = X · (C_model / C_hw) / peak",
            [("X", achieved, "FLOP/s"), ("C_model/C_hw", 1 / ratio, ""),
             ("peak", peak.flops_per_s, "FLOP/s")],
            mfu,
            "",
        )
        return mfu, hfu, achieved, [step], []
    assumptions = []
    if args.mfu is None:
        mfu, assumption = default_mfu()
        assumptions.append(assumption)
    else:
        mfu = args.mfu
    achieved = achieved_flops_per_s(peak.flops_per_s, mfu, ratio)
    step = make_step(
        "achieved rate per device (counts recomputation)",
        "X = peak · MFU · C_hw / C_model",
        [("peak", peak.flops_per_s, "FLOP/s"), ("MFU", mfu, ""), ("C_hw/C_model", ratio, "")],
        achieved,
        "FLOP/s",
    )
    return mfu, mfu * ratio, achieved, [step], assumptions


def count_and_deadline(
    args: EstimateTrainingInput,
    work: Workload,
    peak: Peak,
    achieved: float,
    steps: list[Step],
    assumptions: list[Assumption],
) -> tuple[int, float | None, int | None, float | None, bool | None]:
    """Device count and what `target_days` asks for: the devices needed or the MFU needed.

    Appends its steps (devices or MFU needed) and assumptions (one device by default) to the
    lists given, in the order the estimate shows them.

    Returns:
        (count, target seconds, devices needed, MFU needed, feasible); the last four are None
        when they do not apply.

    Raises:
        InvalidInputError: a malformed `target_days`.
    """
    target_seconds = None
    if args.target_days is not None:
        target_seconds = parse_duration_seconds(
            args.target_days, argument="target_days", default_unit="days"
        )
    count = args.count
    required_count = required_mfu = None
    feasible = None
    if count is None and target_seconds is not None:
        required_count = devices_needed(work.hardware_flops, achieved, target_seconds)
        steps.append(
            make_step(
                "devices needed for the deadline",
                "n = ⌈C_hw / (X · t_target)⌉",
                [("C_hw", work.hardware_flops, "FLOPs"), ("X", achieved, "FLOP/s"),
                 ("t_target", target_seconds, "s")],
                required_count,
                "devices",
            )
        )
        count = required_count
        feasible = True
    elif count is None:
        count = 1
        assumptions.append(
            Assumption(name="count", value="1", source="not given: one device")
        )
    if args.count is not None and target_seconds is not None:
        required_mfu = model_flops_utilization(
            work.flops, args.count, peak.flops_per_s, target_seconds
        )
        # Feasible means reached by a published run, not merely below 100% of peak: no large
        # run has published an MFU above the highest of MFU_SCENARIOS (PaLM 540B, 46.2%).
        feasible = required_mfu <= MFU_SCENARIOS[-1].mfu
        steps.append(
            make_step(
                "MFU needed for the deadline",
                "MFU = C_model / (n · peak · t_target)",
                [("C_model", work.flops, "FLOPs"), ("n", args.count, ""),
                 ("peak", peak.flops_per_s, "FLOP/s"), ("t_target", target_seconds, "s")],
                required_mfu,
                "",
            )
        )
    return count, target_seconds, required_count, required_mfu, feasible
