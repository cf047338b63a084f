"""check_claim: audit the figures a training claim states against what flopcast computes.

A claim gives some of: a workload (`model`/`params`/`tokens`/`flops`), a device and
count, a duration, device-hours, a cost, an energy, a per-device peak, an achieved
rate or an MFU. Each figure that can be checked becomes a `FigureCheck`:

* ``consistent`` — within `TOLERANCE` (5%) of what flopcast computes from the other
  figures, or for utilization, inside the band of published large runs;
* ``off`` — by a factor, with the likely cause: a digit typo (3.114 vs 3.14), 2:4
  sparse vs dense peak (2×), FP32 vs tensor peak (A100: 312 / 19.5 = 16×), 6·N·D vs
  8·N·D (activation recompute, 4/3), a total quoted as per-device, or a utilization
  outside what published runs reach;
* ``impossible`` — the claim needs more than 100% of the device's peak;
* ``unchecked`` — nothing to compare with; the implied figure is still reported.

The formulas are the core ones: time = C / (n · X) (`flopcast.training.estimate`) and
MFU = C / (n · peak · t) (`flopcast.training.utilization`); nothing is re-derived here.

The checks live by concept: `flopcast.claims.flops` (FLOPs, implied tokens; digit typos in
`flopcast.claims.typos`), `flopcast.claims.peaks` (per-device peak), `flopcast.claims.utilization`
(achieved rate, MFU, utilization band) and `flopcast.claims.cost` (price, energy); the
verdicts, causes and tolerance are in `flopcast.claims.base`. This module holds the tool:
its input and output models, `check_claim`, the order of the checks and the summary.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from flopcast.catalog.hardware import resolve_hardware
from flopcast.claims.base import CAUSES, TOLERANCE, Cause, Verdict, ratio_factor
from flopcast.claims.cost import MEASURED_ENERGY_KWH, CostEnergyChecks
from flopcast.claims.flops import TRAINING_SET_TOKENS, FlopsChecks
from flopcast.claims.typos import is_digit_typo
from flopcast.claims.utilization import UtilizationChecks
from flopcast.numbers.errors import InvalidInputError
from flopcast.numbers.limits import (
    MAX_TFLOPS,
    MIN_TFLOPS,
    Co2Arg,
    CountArg,
    DaysArg,
    DeviceHoursArg,
    EnergyArg,
    FlopsArg,
    FractionArg,
    HoursArg,
    ParamsArg,
    TokensArg,
    UsdArg,
    YearsArg,
)
from flopcast.numbers.quantities import Language, format_number
from flopcast.numbers.results import Result
from flopcast.numbers.validation import tool_function

__all__ = [
    "CAUSES",
    "MEASURED_ENERGY_KWH",
    "TOLERANCE",
    "TRAINING_SET_TOKENS",
    "CheckClaimInput",
    "ClaimCheck",
    "FigureCheck",
    "Verdict",
    "check_claim",
    "is_digit_typo",
]

_ZH_CAUSES = {
    "digit_typo": "笔误", "sparse_vs_dense": "稀疏值当稠密值", "fp32_vs_tensor": "用了 FP32 峰值",
    "other_precision": "其他精度的峰值", "recompute_6nd_vs_8nd": "重计算：6ND 与 8ND",
    "hfu_vs_mfu": "HFU 当成 MFU", "total_not_per_device": "总量当单卡值",
    "peak_utilization": "按 100% 峰值", "optimistic_utilization": "利用率偏乐观",
    "low_utilization": "利用率偏低", "arithmetic": "算术错误", "implausible_tokens": "词元数不合理",
    "power_vs_tdp": "功率与 TDP 不符", "measured_differs": "与实测值不符",
    "price_vs_catalog": "价格与目录不符", "carbon_vs_grid": "碳强度超出电网范围", "other": "其他",
}
_ZH_FIGURES = {"flops": "计算量", "tokens": "训练 token 数", "peak_tflops": "峰值",
               "utilization": "利用率", "achieved_tflops": "单卡实际速率", "mfu": "MFU",
               "device_hours": "卡时", "cost_usd": "费用", "energy_kwh": "耗电量",
               "energy_measured": "耗电量（实测）", "co2_kg": "碳排放",
               "co2_measured": "碳排放（实测）"}


class CheckClaimInput(BaseModel):
    """Arguments of check_claim: the figures a claim states."""

    model_config = ConfigDict(extra="forbid")

    model: str | None = Field(default=None, description=(
        "Preset, e.g. 'gpt-3-175b'."))
    params: ParamsArg | None = Field(default=None, description=(
        "Claimed params."))
    tokens: TokensArg | None = Field(default=None, description=(
        "Claimed tokens."))
    flops: FlopsArg | None = Field(default=None, description=(
        "Claimed flops."))
    method: Literal["6nd", "kaplan", "chinchilla", "megatron", "palm"] = Field(
        default="6nd", description="6nd: 6·N·D; others add attention.")
    recompute: Literal["none", "selective", "full"] | None = Field(default=None, description=(
        "Recomputation, if stated (default: try none and full)."))
    hardware: str | None = Field(default=None, description=(
        "Claimed device, e.g. 'a100'."))
    count: CountArg | None = Field(default=None, description=(
        "Claimed count."))
    days: DaysArg | None = Field(default=None, description="Claimed days.")
    years: YearsArg | None = Field(default=None, description="Claimed years.")
    hours: HoursArg | None = Field(default=None, description="Claimed hours.")
    device_hours: DeviceHoursArg | None = Field(default=None, description=(
        "Claimed device hours."))
    cost_usd: UsdArg | None = Field(default=None, description=(
        "Claimed cost USD."))
    energy_kwh: EnergyArg | None = Field(default=None, description=(
        "Claimed energy kwh."))
    co2_kg: Co2Arg | None = Field(default=None, description=(
        "kg, or text like '552 tCO2e'."))
    peak_tflops: float | None = Field(default=None, ge=MIN_TFLOPS, le=MAX_TFLOPS, description=(
        "Claimed peak tflops."))
    achieved_tflops: float | None = Field(default=None, ge=MIN_TFLOPS, le=MAX_TFLOPS, description=(
        "Claimed achieved tflops."))
    mfu: FractionArg | None = Field(default=None, description=(
        "Claimed MFU."))
    precision: str | None = Field(default=None, description=(
        "Precision the peak refers to (default bf16)."))
    year: int | None = Field(default=None, ge=1990, le=2100, description=(
        "Year of the cost."))
    language: Language = Field(default="en", description="Answer language.")


class FigureCheck(BaseModel):
    """One figure of the claim, compared with what flopcast computes."""

    model_config = ConfigDict(extra="forbid")

    figure: str = Field(description="Which figure: flops, tokens, peak_tflops, utilization, "
                        "achieved_tflops, mfu, device_hours, cost_usd, energy_kwh, ...")
    claimed: float | None = Field(description="The value the claim states (None: implied only).")
    computed: float | None = Field(description="What flopcast computes or the reference value.")
    unit: str
    reference: str = Field(description="What `computed` is.")
    ratio: float | None = Field(description="claimed / computed.")
    verdict: Verdict
    factor: float | None = Field(description="How far off, ≥ 1 (max of ratio and 1/ratio).")
    cause: Cause | None = None
    explanation: str


class ClaimCheck(Result):
    """The check_claim result: each figure's verdict, the implied figures, an overall verdict."""

    verdict: Verdict = Field(description="Worst of the figure verdicts.")
    tolerance: float = Field(description="Relative tolerance for 'consistent'.")
    figures: list[FigureCheck] = Field(default_factory=list)
    flops: float | None = Field(description="Workload FLOPs used (the claim's, else computed).")
    reference_flops: float | None = Field(description="Published or computed FLOPs.")
    hardware: str | None = None
    count: int | None = None
    precision: str | None = None
    peak_tflops_per_device: float | None = None
    seconds: float | None = None
    device_hours: float | None = None
    implied_achieved_tflops: float | None = Field(
        default=None, description="Model FLOPs per second per device the claim implies.")
    implied_hardware_tflops: float | None = Field(
        default=None, description="With recompute (8·N·D) when recompute is full or unstated.")
    implied_mfu: float | None = None
    implied_price_per_device_hour: float | None = None
    price_quote_range: list[float] | None = Field(
        default=None, description="[lowest, highest] USD per device-hour of the quotes compared.")
    matched_price_quote: str | None = Field(
        default=None, description="The dated quote the claimed cost reproduces (within 5%).")
    implied_power_watts: float | None = None
    implied_tokens: float | None = None
    implied_carbon_kg_per_kwh: float | None = Field(
        default=None, description="CO2 per kWh the claimed CO2 and energy imply.")


@tool_function(CheckClaimInput)
def check_claim(args: CheckClaimInput) -> ClaimCheck:
    """Check a training claim's figures against each other and against flopcast.

    Returns:
        ClaimCheck with a verdict per figure, the implied MFU / achieved rate / price /
        power, the derivation in `steps` and a summary in `language`.

    Raises:
        InvalidInputError: malformed numbers, several durations at once, or nothing
            to check.
        UnknownHardwareError / UnknownModelError: ids not in the catalogs.
    """
    return _Checker(args).run()


class _Checker(FlopsChecks, UtilizationChecks, CostEnergyChecks):
    """Works through a claim figure by figure."""

    def add(self, figure: str, claimed: float | None, computed: float | None, unit: str,
            reference: str, verdict: Verdict, explanation: str,
            cause: Cause | None = None) -> None:
        ratio = factor = None
        if claimed is not None and computed:
            ratio, factor = ratio_factor(claimed, computed)
        self.figures.append(FigureCheck(figure=figure, claimed=claimed, computed=computed,
                                        unit=unit, reference=reference, ratio=ratio,
                                        verdict=verdict, factor=factor, cause=cause,
                                        explanation=explanation))

    # ---------------------------------------------------------------- driver

    def run(self) -> ClaimCheck:
        a = self.a
        if a.hardware is not None:
            self.hw, assumed = resolve_hardware(a.hardware)
            self.assumptions += assumed
            self.assumptions_from_family = bool(assumed)
        self._workload()
        self._peak()
        self._duration()
        self._utilization()
        self._money_and_energy()
        if not self.figures:
            raise InvalidInputError("arguments", "nothing to check: give the figures the claim "
                                    "states (flops with model or params/tokens; hardware, count "
                                    "and days; peak_tflops with hardware; cost_usd or energy_kwh "
                                    "with a duration or device_hours)")
        order = {"impossible": 3, "off": 2, "consistent": 1, "unchecked": 0}
        worst = max(self.figures, key=lambda f: order[f.verdict]).verdict
        result = ClaimCheck(
            verdict=worst, tolerance=TOLERANCE, figures=self.figures, flops=self.flops,
            reference_flops=self.reference_flops, hardware=self.hw.id if self.hw else None,
            count=self.count, precision=self.precision,
            peak_tflops_per_device=self.peak / 1e12 if self.peak else None,
            seconds=self.seconds, device_hours=self.dev_hours,
            implied_achieved_tflops=self.out.get("achieved"),
            implied_hardware_tflops=self.out.get("hw_achieved"),
            implied_mfu=self.out.get("mfu"), implied_price_per_device_hour=self.out.get("price"),
            price_quote_range=self.quote_range, matched_price_quote=self.matched_quote,
            implied_power_watts=self.out.get("power"), implied_tokens=self.out.get("tokens"),
            implied_carbon_kg_per_kwh=self.out.get("carbon"),
            steps=self.steps, assumptions=self.assumptions, language=a.language)
        result.summary = self._summary(result)
        return result

    # ---------------------------------------------------------------- summary

    def _summary(self, r: ClaimCheck) -> str:
        words = {"consistent": self.t("consistent", "一致"), "off": self.t("off", "有误"),
                 "impossible": self.t("impossible", "不可能"),
                 "unchecked": self.t("not checkable", "无法核对")}
        tol = format_number(TOLERANCE * 100)
        head = self.t(f"**Verdict: {words[r.verdict]}** (tolerance {tol}% for computed "
                      "figures; power, carbon and price in the bands each line states)",
                      f"**结论：{words[r.verdict]}**（计算所得的数值容差 {tol}%；功耗、碳强度和价格"
                      "按各条所述区间）")
        lines = [head]
        for f in r.figures:
            name = _ZH_FIGURES.get(f.figure, f.figure) if self.zh else f.figure
            cause = (_ZH_CAUSES.get(f.cause, f.cause) if self.zh else f.cause) if f.cause else ""
            lines.append(f"- **{name}** — {words[f.verdict]}"
                         + (self.t(f" ({cause})", f"（{cause}）") if cause else "")
                         + self.t(f": {f.explanation}", f"：{f.explanation}"))
        return "\n".join(lines)
