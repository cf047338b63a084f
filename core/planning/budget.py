"""A compute budget from hardware: devices × peak × MFU × time, or dollars → device-hours.

plan_compute_optimal takes its budget either in FLOPs or as hardware time::

    C = n · peak · MFU · t                 (MFU as PaLM defines it: Chowdhery et al. 2022 §4.1)
    H = budget_usd / price,  t = H · 3600 s / n     (dollars buy device-hours; n = 1 if not given)

The peak is the catalog's at the chosen precision, dense unless `sparsity`
(`flopcast.training.utilization.pick_peak`); MFU defaults to
`flopcast.training.utilization.DEFAULT_MFU` and the price to the catalog's dated reference
price of `provider` (`flopcast.training.cost.reference_price`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from flopcast.numbers.errors import InvalidInputError
from flopcast.numbers.quantities import SECONDS_PER_HOUR, parse_duration_seconds, parse_quantity
from flopcast.numbers.results import Assumption, Step, make_step
from flopcast.training.cost import reference_price
from flopcast.training.utilization import DEFAULT_MFU, pick_peak

if TYPE_CHECKING:  # pragma: no cover - flopcast.planning.optimal imports this module at run time
    from flopcast.planning.optimal import PlanComputeOptimalInput

__all__ = ["budget_flops", "deliverable_flops"]


def deliverable_flops(peak_flops_per_s: float, count: int, mfu: float, seconds: float) -> float:
    """Model FLOPs a cluster delivers in a time: C = count × peak × MFU × seconds.

    MFU is model FLOPs utilization as PaLM defines it (Chowdhery et al. 2022 §4.1).

    >>> deliverable_flops(312e12, 1024, 0.5, 86400.0)
    1.38018816e+22
    """
    return count * peak_flops_per_s * mfu * seconds


def budget_flops(
    args: PlanComputeOptimalInput, steps: list[Step], assumptions: list[Assumption]
) -> tuple[float | None, float | None]:
    """The budget in FLOPs (or None) and the seconds it spans, from flops or hardware."""
    hardware_given = args.hardware is not None
    if args.flops is not None:
        if hardware_given or args.budget_usd is not None or args.days is not None:
            raise InvalidInputError(
                "flops",
                "give either flops or a hardware budget "
                "(hardware with count and days, or with budget_usd), not both",
            )
        return parse_quantity(args.flops, argument="flops"), None
    if not hardware_given:
        for name in ("count", "days", "budget_usd", "mfu", "price_per_device_hour"):
            if getattr(args, name) is not None:
                raise InvalidInputError(name, "needs `hardware` (a catalog id such as h100)")
        return None, None
    from flopcast.catalog.hardware import resolve_hardware

    assert args.hardware is not None
    hw, hw_assumptions = resolve_hardware(args.hardware, argument="hardware")
    assumptions.extend(hw_assumptions)
    peak, peak_assumptions = pick_peak(hw, args.precision, args.sparsity)
    assumptions.extend(peak_assumptions)
    steps.append(peak.step)
    if args.mfu is None:
        mfu = DEFAULT_MFU.mfu
        assumptions.append(
            Assumption(name="mfu", value=f"{DEFAULT_MFU.mfu}", source=DEFAULT_MFU.source)
        )
    else:
        mfu = args.mfu
    if args.budget_usd is not None:
        if args.days is not None:
            raise InvalidInputError("days", "give days (with count) or budget_usd, not both")
        usd = parse_quantity(args.budget_usd, argument="budget_usd")
        price, price_assumptions = reference_price(hw, args.price_per_device_hour, args.provider)
        if price is None:
            who = f"provider {args.provider} has" if args.provider else "the catalog has"
            raise InvalidInputError(
                "provider" if args.provider else "price_per_device_hour",
                f"{who} no price for {args.hardware}; give price_per_device_hour in USD",
            )
        assumptions += price_assumptions
        device_hours = usd / price
        steps.append(
            make_step(
                "device-hours bought",
                "H = budget / price",
                [("budget", usd, "USD"), ("price", price, "USD/device-hour")],
                device_hours,
                "device-hours",
            )
        )
        # The dollars buy device-hours; with a count they also fix the wall-clock time.
        count = args.count if args.count is not None else 1
        seconds = device_hours * SECONDS_PER_HOUR / count
    else:
        if args.days is None:
            raise InvalidInputError(
                "days", "a hardware budget needs days (with count) or budget_usd"
            )
        seconds = parse_duration_seconds(args.days, argument="days", default_unit="days")
        count = args.count if args.count is not None else 1
        if args.count is None:
            assumptions.append(Assumption(name="count", value="1", source="no count given"))
    flops = deliverable_flops(peak.flops_per_s, count, mfu, seconds)
    steps.append(
        make_step(
            "compute budget",
            "C = n · peak · MFU · t",
            [
                ("n", count, "devices"),
                ("peak", peak.flops_per_s, "FLOP/s"),
                ("MFU", mfu, ""),
                ("t", seconds, "s"),
            ],
            flops,
            "FLOPs",
        )
    )
    return flops, seconds
