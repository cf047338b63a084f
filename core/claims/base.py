"""What every check_claim check shares: verdicts, causes, the tolerance and the checker state.

A figure of a claim gets a `Verdict` and, when it is off, a `Cause` (the list is
`CAUSES`). "Consistent" means within `TOLERANCE`; `ratio_factor` and `close` are the two
comparisons every check uses, and `RECOMPUTE_FACTOR` (8·N·D / 6·N·D, Narayanan et al.
2021 Eq. 4) names the 6ND-vs-8ND cause wherever it shows up (FLOPs, achieved rate, MFU).

`ClaimState` holds what the checks read and write while they work through a claim, and
the first step every later check reads: the claimed duration turned into device-hours
(device-hours = n · t / 3600, `flopcast.training.estimate`), with a claimed device-hours figure
checked against it. The other checks live by concept in `flopcast.claims.flops`,
`flopcast.claims.peaks`, `flopcast.claims.utilization` and `flopcast.claims.cost`;
`flopcast.claims.check` combines them (it also builds the `FigureCheck` each check records
through `add`).
"""

from __future__ import annotations

import functools
from abc import ABC, abstractmethod
from importlib import resources
from typing import TYPE_CHECKING, Literal, get_args

from flopcast.catalog.hardware import Hardware, HardwareCatalog, load_catalog_text
from flopcast.catalog.lookup import hardware_catalog
from flopcast.catalog.models import ModelPreset
from flopcast.numbers.errors import InvalidInputError
from flopcast.numbers.quantities import (
    SECONDS_PER_HOUR,
    format_number,
    parse_duration_seconds,
    parse_quantity,
)
from flopcast.numbers.results import Assumption, Step, make_step
from flopcast.training.estimate import device_hours

if TYPE_CHECKING:  # pragma: no cover - flopcast.claims.check imports this module at run time
    from flopcast.claims.check import CheckClaimInput, FigureCheck

__all__ = [
    "CAUSES",
    "RECOMPUTE_FACTOR",
    "TOLERANCE",
    "Cause",
    "ClaimState",
    "Verdict",
    "close",
    "ratio_factor",
]

Verdict = Literal["consistent", "off", "impossible", "unchecked"]
Cause = Literal[
    "digit_typo", "sparse_vs_dense", "fp32_vs_tensor", "other_precision",
    "recompute_6nd_vs_8nd", "hfu_vs_mfu", "total_not_per_device", "peak_utilization",
    "optimistic_utilization", "low_utilization", "arithmetic", "implausible_tokens",
    "power_vs_tdp", "measured_differs", "price_vs_catalog", "carbon_vs_grid", "other",
]
CAUSES: tuple[str, ...] = get_args(Cause)

#: Relative tolerance for "consistent": 5%, wider than the rounding of figures
#: printed with 2–3 significant digits, narrower than any cause named above
#: (the smallest, 8/6, is 33%).
TOLERANCE = 0.05
RECOMPUTE_FACTOR = 8 / 6  # 8·N·D / 6·N·D: one more forward pass (Narayanan et al. 2021 Eq. 4)


def ratio_factor(claimed: float, computed: float) -> tuple[float, float]:
    ratio = claimed / computed
    return ratio, max(ratio, 1 / ratio)


def close(a: float, b: float, tol: float = TOLERANCE) -> bool:
    return abs(a / b - 1) <= tol


@functools.cache
def _catalog() -> HardwareCatalog:
    """The full hardware catalog with its families (to look at sibling variants)."""
    text = resources.files("flopcast.catalog").joinpath("data/hardware.toml").read_text("utf-8")
    return load_catalog_text(text)


@functools.cache
def _family_members() -> dict[str, tuple[str, ...]]:
    """Device id → ids of the other variants of every family it belongs to."""
    out: dict[str, list[str]] = {}
    for fam in _catalog().families.values():
        for member in fam.members:
            out.setdefault(member, [])
            out[member] += [m for m in fam.members if m != member and m not in out[member]]
    return {k: tuple(v) for k, v in out.items()}


class ClaimState(ABC):
    """The state a claim check works on, and its duration; the checks are mixins over it."""

    def __init__(self, args: CheckClaimInput) -> None:
        self.a = args
        self.zh = args.language == "zh"
        self.figures: list[FigureCheck] = []
        self.steps: list[Step] = []
        self.assumptions: list[Assumption] = []
        self.hw: Hardware | None = None
        self.preset: ModelPreset | None = None
        self.flops: float | None = None
        self.reference_flops: float | None = None
        self.hw_flops: float | None = None  # hardware FLOPs when recompute is known
        self.full_flops: float | None = None  # 8·N·D hardware FLOPs
        self.params: float | None = None
        self.seconds: float | None = None
        self.count: int | None = args.count
        self.dev_hours: float | None = None
        self.peak: float | None = None
        self.precision: str | None = None
        self.out: dict[str, float | None] = {}
        self.matched_quote: str | None = None  # the price quote a claimed cost reproduces
        self.quote_range: list[float] | None = None  # [lowest, highest] quote compared with
        self.assumptions_from_family = False

    def _siblings(self) -> list[Hardware]:
        """The other variants of the family the hardware was named by ("v100"); none when
        the caller named one variant ("v100-sxm2-32gb")."""
        if self.hw is None or not self.assumptions_from_family:
            return []
        by_id = {h.id: h for h in hardware_catalog()}
        return [by_id[m] for m in _family_members().get(self.hw.id, ()) if m in by_id]

    def t(self, en: str, zh: str) -> str:
        return zh if self.zh else en

    @abstractmethod
    def add(self, figure: str, claimed: float | None, computed: float | None, unit: str,
            reference: str, verdict: Verdict, explanation: str,
            cause: Cause | None = None) -> None:
        """Record one `FigureCheck` (built by `flopcast.claims.check`, which owns the model)."""

    # ---------------------------------------------------------------- duration

    def _duration(self) -> None:
        a = self.a
        given = [(n, v, u) for n, v, u in (("days", a.days, "days"), ("years", a.years, "years"),
                                           ("hours", a.hours, "hours")) if v is not None]
        if len(given) > 1:
            raise InvalidInputError(given[1][0], "give one duration: days, years or hours")
        if given:
            name, value, unit = given[0]
            self.seconds = parse_duration_seconds(value, argument=name, default_unit=unit)
            if self.count is None:
                self.count = 1
                self.assumptions.append(Assumption(name="count", value="1",
                                                   source="not stated: one device"))
        claimed_dh = parse_quantity(a.device_hours, argument="device_hours") \
            if a.device_hours is not None else None
        if self.seconds is not None and self.count is not None:
            dh = device_hours(self.count, self.seconds)
            self.steps.append(make_step("device-hours", "device-hours = n · t / 3600",
                                        [("n", self.count, "devices"), ("t", self.seconds, "s")],
                                        dh, "h"))
            self.dev_hours = dh
            if claimed_dh is not None:
                ok = close(claimed_dh, dh)
                self.add("device_hours", claimed_dh, dh, "device-hours",
                         self.t("count × duration", "卡数 × 时长"),
                         "consistent" if ok else "off", self.t(
                             f"{format_number(claimed_dh)} device-hours vs {self.count} × "
                             f"{format_number(self.seconds / SECONDS_PER_HOUR)} h = "
                             f"{format_number(dh)}" + ("." if ok else ": the arithmetic is off."),
                             f"{format_number(claimed_dh)} 卡时，而 {self.count} × "
                             f"{format_number(self.seconds / SECONDS_PER_HOUR)} 小时 = "
                             f"{format_number(dh)}" + ("，一致。" if ok else "，算术不对。")),
                         None if ok else "arithmetic")
        elif claimed_dh is not None:
            self.dev_hours = claimed_dh
            if self.count is not None:
                self.seconds = claimed_dh * SECONDS_PER_HOUR / self.count
