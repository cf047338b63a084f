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

The formulas are the core ones: time = C / (n · X) (`flopcast.training`) and
MFU = C / (n · peak · t) (`flopcast.utilization`); nothing is re-derived here.
"""

from __future__ import annotations

import functools
from importlib import resources
from typing import Literal, get_args

from pydantic import BaseModel, ConfigDict, Field

from flopcast.cost import DEFAULT_PUE, energy_kwh
from flopcast.errors import InvalidInputError
from flopcast.hardware import Hardware, HardwareCatalog, load_catalog_text, resolve_hardware
from flopcast.models import ModelPreset, resolve_model
from flopcast.quantities import (
    SECONDS_PER_HOUR,
    Language,
    format_duration,
    format_energy_kwh,
    format_number,
    format_sci,
    parse_duration_seconds,
    parse_quantity,
)
from flopcast.results import Assumption, Result, Source, Step, make_step
from flopcast.training import device_hours, training_seconds
from flopcast.utilization import MFU_SCENARIOS, model_flops_utilization, pick_peak
from flopcast.validation import validate_args
from flopcast.workload import resolve_workload

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

Verdict = Literal["consistent", "off", "impossible", "unchecked"]
Cause = Literal[
    "digit_typo", "sparse_vs_dense", "fp32_vs_tensor", "other_precision",
    "recompute_6nd_vs_8nd", "hfu_vs_mfu", "total_not_per_device", "peak_utilization",
    "optimistic_utilization", "low_utilization", "arithmetic", "implausible_tokens",
    "power_vs_tdp", "measured_differs", "price_vs_catalog", "other",
]
CAUSES: tuple[str, ...] = get_args(Cause)

#: Relative tolerance for "consistent": 5%, wider than the rounding of figures
#: printed with 2–3 significant digits, narrower than any cause named above
#: (the smallest, 8/6, is 33%).
TOLERANCE = 0.05
#: A claimed price is "consistent" within this factor of the catalog's dated on-demand
#: list price: reserved, spot and negotiated prices differ from it by up to ~2×.
PRICE_FACTOR = 2.0
#: Average power per device "consistent" with a TDP-based estimate: between this
#: fraction of TDP × PUE and TDP × PUE (+ tolerance). GPUs in training draw less than
#: their TDP on average; Patterson et al. 2021 (Table 4) measured 330 W on 300 W-TDP
#: V100 servers including host overhead, so the band is a heuristic, not a law.
POWER_FLOOR = 0.5
#: Heuristic: an implied token count of more than this many passes over a model's
#: known training set is flagged (GPT-3's datasets were seen 0.4–3.4 times,
#: Brown et al. 2020 Table 2.2).
MAX_PLAUSIBLE_EPOCHS = 100.0
_RECOMPUTE_FACTOR = 8 / 6  # 8·N·D / 6·N·D: one more forward pass (Narayanan et al. 2021 Eq. 4)
_TENSOR = ("tf32", "bf16", "fp16", "fp8", "int8", "fp4")

_PATTERSON = Source(title="Patterson et al. 2021, 'Carbon Emissions and Large Neural Network "
                    "Training', Table 4 (GPT-3: 10,000 V100, 14.8 days, 1,287 MWh, 552 tCO2e)",
                    url="https://arxiv.org/abs/2104.10350")
#: Measured training energy of published runs, kWh, keyed by model preset id:
#: (kWh, hardware family the run used, source).
MEASURED_ENERGY_KWH: dict[str, tuple[float, str, Source]] = {
    "gpt-3-175b": (1287e3, "v100", _PATTERSON),
}
#: Known training sets, tokens, keyed by model family: for models whose training
#: tokens are not published. OpenWebText is the open reproduction of GPT-2's WebText
#: (8,013,769 documents); WebText itself was not released.
TRAINING_SET_TOKENS: dict[str, tuple[float, str, Source]] = {
    "gpt-2": (9_035_582_198, "OpenWebText (GPT-2 BPE), proxy for WebText",
              Source(title="nanoGPT data/openwebtext/prepare.py: 'train has ~9B tokens "
                     "(9,035,582,198)'", url="https://github.com/karpathy/nanoGPT")),
}


_ZH_FIGURES = {"flops": "计算量", "tokens": "训练 token 数", "peak_tflops": "峰值",
               "utilization": "利用率", "achieved_tflops": "单卡实际速率", "mfu": "MFU",
               "device_hours": "卡时", "cost_usd": "费用", "energy_kwh": "耗电量"}


class CheckClaimInput(BaseModel):
    """Arguments of check_claim: the figures a claim states."""

    model_config = ConfigDict(extra="forbid")

    model: str | None = Field(default=None, description=(
        "Model preset id or alias the claim is about, e.g. 'gpt-3-175b', 'gpt-2', 'mt-nlg'."))
    params: float | str | None = Field(default=None, description=(
        "Parameters the claim states, e.g. '175B' or 1.5e9."))
    tokens: float | str | None = Field(default=None, description=(
        "Training tokens the claim states, e.g. '300B'."))
    flops: float | str | None = Field(default=None, description=(
        "Total training FLOPs the claim states (a count), e.g. 3.114e23 or '3640 PF-days'."))
    method: Literal["6nd", "kaplan", "chinchilla", "megatron", "palm"] = Field(
        default="6nd", description="How flopcast counts the reference FLOPs; default '6nd'.")
    recompute: Literal["none", "selective", "full"] | None = Field(default=None, description=(
        "Activation recomputation of the run, if the claim says: 'none', 'selective', "
        "'full' (8·N·D hardware FLOPs). Null: both 6·N·D and 8·N·D are tried."))
    hardware: str | None = Field(default=None, description=(
        "Device the claim names (list_hardware id or alias), e.g. 'a100', 'v100 pcie', 'h100'."))
    count: int | None = Field(default=None, ge=1, le=10_000_000, description=(
        "Number of devices the claim states; default 1 when a duration is given."))
    days: float | str | None = Field(default=None, description="Claimed wall-clock days, e.g. 34.")
    years: float | str | None = Field(default=None, description="Claimed years, e.g. 355.")
    hours: float | str | None = Field(default=None, description="Claimed hours.")
    device_hours: float | str | None = Field(default=None, description=(
        "Claimed device-hours (GPU-hours), e.g. 835584."))
    cost_usd: float | str | None = Field(default=None, description=(
        "Claimed cost in US dollars, e.g. 4.6e6 or '4.6M'."))
    energy_kwh: float | str | None = Field(default=None, description=(
        "Claimed energy in kWh, e.g. 284000."))
    peak_tflops: float | None = Field(default=None, gt=0, description=(
        "Claimed peak per device, TFLOP/s, e.g. 19.5 for 'A100 peak 19.5 TFLOPS'."))
    achieved_tflops: float | None = Field(default=None, gt=0, description=(
        "Claimed achieved rate per device, TFLOP/s (as trainers log it), e.g. 140."))
    mfu: float | None = Field(default=None, gt=0, le=1, description=(
        "Claimed utilization as a fraction of peak, e.g. 0.462."))
    precision: str | None = Field(default=None, description=(
        "Precision whose dense peak the claim refers to: fp64, fp32, tf32, bf16, fp16, fp8, "
        "int8, fp4. Default bf16 (fp16, then fp32, where the device lacks it)."))
    language: Language = Field(default="en", description="Language of the summary: 'en' or 'zh'.")


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
    implied_power_watts: float | None = None
    implied_tokens: float | None = None


def check_claim(
    *,
    model: str | None = None,
    params: float | str | None = None,
    tokens: float | str | None = None,
    flops: float | str | None = None,
    method: str = "6nd",
    recompute: str | None = None,
    hardware: str | None = None,
    count: int | None = None,
    days: float | str | None = None,
    years: float | str | None = None,
    hours: float | str | None = None,
    device_hours: float | str | None = None,
    cost_usd: float | str | None = None,
    energy_kwh: float | str | None = None,
    peak_tflops: float | None = None,
    achieved_tflops: float | None = None,
    mfu: float | None = None,
    precision: str | None = None,
    language: Language = "en",
) -> ClaimCheck:
    """Check a training claim's figures against each other and against flopcast.

    Returns:
        ClaimCheck with a verdict per figure, the implied MFU / achieved rate / price /
        power, the derivation in `steps` and a summary in `language`.

    Raises:
        InvalidInputError: malformed numbers, several durations at once, or nothing
            to check.
        UnknownHardwareError / UnknownModelError: ids not in the catalogs.
    """
    args = validate_args(CheckClaimInput, locals())
    return _Checker(args).run()


@functools.cache
def _catalog() -> HardwareCatalog:
    """The full hardware catalog with its families (to look at sibling variants)."""
    text = resources.files("flopcast").joinpath("data/hardware.toml").read_text("utf-8")
    return load_catalog_text(text)


def _sparse_peak(hw: Hardware, precision: str) -> float | None:
    """The 2:4 sparse peak at `precision`, or None where the device has none."""
    try:
        return hw.peak(precision, sparsity=True).flops_per_s
    except InvalidInputError:
        return None


def _ratio_factor(claimed: float, computed: float) -> tuple[float, float]:
    ratio = claimed / computed
    return ratio, max(ratio, 1 / ratio)


def _close(a: float, b: float, tol: float = TOLERANCE) -> bool:
    return abs(a / b - 1) <= tol


def _digits(x: float, sig: int) -> str:
    mantissa = f"{abs(x):.{sig - 1}e}".split("e")[0].replace(".", "")
    return mantissa.rstrip("0") or "0"


def _one_edit(a: str, b: str) -> bool:
    """One inserted, dropped or transposed digit (not a changed one: that is rounding)."""
    if len(a) == len(b) + 1:
        return any(a[:i] + a[i + 1:] == b for i in range(len(a)))
    if len(b) == len(a) + 1:
        return _one_edit(b, a)
    if len(a) == len(b):
        diffs = [i for i in range(len(a)) if a[i] != b[i]]
        return len(diffs) == 2 and diffs[1] == diffs[0] + 1 and \
            a[diffs[0]] == b[diffs[1]] and a[diffs[1]] == b[diffs[0]]
    return False


def is_digit_typo(claimed: float, reference: float) -> bool:
    """True when `claimed` reads like `reference` with a digit inserted, dropped or swapped.

    Only for figures written with ≥ 3 significant digits and within 2× of each other;
    a figure that equals the reference rounded is not a typo.

    >>> is_digit_typo(3.114e23, 3.14e23)
    True
    >>> is_digit_typo(3.15e23, 3.1428e23)
    False
    """
    if not 0.5 <= claimed / reference <= 2:
        return False
    c = _digits(claimed, 12)
    if len(c) < 3:
        return False
    refs = [_digits(reference, k) for k in range(2, 7)]
    if c in refs:
        return False
    return any(len(r) >= 3 and _one_edit(c, r) for r in refs)


class _Checker:
    """Works through a claim figure by figure."""

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
        self.assumptions_from_family = False

    def t(self, en: str, zh: str) -> str:
        return zh if self.zh else en

    def add(self, figure: str, claimed: float | None, computed: float | None, unit: str,
            reference: str, verdict: Verdict, explanation: str,
            cause: Cause | None = None) -> None:
        ratio = factor = None
        if claimed is not None and computed:
            ratio, factor = _ratio_factor(claimed, computed)
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
            implied_power_watts=self.out.get("power"), implied_tokens=self.out.get("tokens"),
            steps=self.steps, assumptions=self.assumptions, language=a.language)
        result.summary = self._summary(result)
        return result

    # ---------------------------------------------------------------- workload

    def _workload(self) -> None:
        a = self.a
        claimed = parse_quantity(a.flops, argument="flops") if a.flops is not None else None
        self.preset = resolve_model(a.model) if a.model is not None else None
        computed = None
        if a.model is not None or a.params is not None or a.tokens is not None:
            try:
                work = resolve_workload(model=a.model, params=a.params, tokens=a.tokens,
                                        method=a.method, recompute=a.recompute or "none")
            except InvalidInputError as e:
                if e.argument != "tokens" or claimed is None:
                    raise
                self._implied_tokens(claimed)
            else:
                computed = work.flops
                self.params = work.params
                self.steps += work.steps
                self.assumptions += work.assumptions
                if a.recompute is not None:
                    self.hw_flops = work.hardware_flops
                # 8·N·D is always computed: it names the 6ND-vs-8ND cause.
                full = resolve_workload(model=a.model, params=a.params, tokens=a.tokens,
                                        method=a.method, recompute="full")
                self.full_flops = full.hardware_flops
        published = None
        if self.preset is not None and a.params is None and a.tokens is None:
            published = self.preset.published_flops
        self.reference_flops = published or computed
        self.flops = claimed if claimed is not None else self.reference_flops
        if computed is not None and self.flops is not None:
            scale = self.flops / computed  # recompute overhead scales with the FLOPs used
            self.hw_flops = self.hw_flops * scale if self.hw_flops is not None else None
            self.full_flops = self.full_flops * scale if self.full_flops is not None else None
        elif claimed is not None:
            if a.recompute is not None:
                self.hw_flops = claimed * (_RECOMPUTE_FACTOR if a.recompute == "full" else 1.0)
            self.full_flops = claimed * _RECOMPUTE_FACTOR
        if claimed is not None and self.reference_flops is not None:
            self._check_flops(claimed, self.reference_flops, published is not None, computed)
        elif claimed is None and self.reference_flops is not None:
            ref = self.reference_flops
            text = self.t(f"The claim states no FLOPs; flopcast uses {format_sci(ref)} FLOPs",
                          f"原文没有给出计算量；flopcast 采用 {format_sci(ref)} 次浮点运算")
            if published is not None and computed is not None:
                text += self.t(f" (published; {a.method} gives {format_sci(computed, 4)}).",
                               f"（论文值；按 {a.method} 算是 {format_sci(computed, 4)}）。")
            else:
                text += self.t(f" ({a.method} count).", f"（按 {a.method} 计算）。")
            self.add("flops", None, ref, "FLOPs", self.t("published" if published else a.method,
                                                          "论文值" if published else a.method),
                     "unchecked", text)

    def _check_flops(self, claimed: float, ref: float, published: bool,
                     computed: float | None) -> None:
        what = self.t("published" if published else "computed (6·N·D)" if self.a.method == "6nd"
                      else f"computed ({self.a.method})", "论文给出的值" if published else "计算值")
        also = ""
        if published and computed is not None:
            also = self.t(f"; 6·N·D gives {format_sci(computed, 4)}",
                          f"；按 6·N·D 算是 {format_sci(computed, 4)}")
        ratio, factor = _ratio_factor(claimed, ref)
        if is_digit_typo(claimed, ref):
            self.add("flops", claimed, ref, "FLOPs", what, "off", self.t(
                f"{format_sci(claimed, 4)} reads like {format_sci(ref)} ({what}{also}) with a "
                f"digit inserted, dropped or swapped: a typo, {format_number(abs(ratio - 1) * 100)}"
                "% off.",
                f"{format_sci(claimed, 4)} 像是 {format_sci(ref)}（{what}{also}）多写、漏写或颠倒"
                f"了一位数字，属于笔误，相差 {format_number(abs(ratio - 1) * 100)}%。"),
                "digit_typo")
        elif _close(claimed, ref):
            self.add("flops", claimed, ref, "FLOPs", what, "consistent", self.t(
                f"{format_sci(claimed)} agrees with {format_sci(ref)} ({what}{also}).",
                f"{format_sci(claimed)} 与 {format_sci(ref)}（{what}{also}）一致。"))
        elif _close(ratio, _RECOMPUTE_FACTOR):
            self.add("flops", claimed, ref, "FLOPs", what, "off", self.t(
                f"{format_sci(claimed)} is 8/6 of {format_sci(ref)}: it counts activation "
                "recomputation (8·N·D hardware FLOPs), not the model FLOPs 6·N·D.",
                f"{format_sci(claimed)} 是 {format_sci(ref)} 的 8/6 倍：它把激活重计算也算进去了"
                "（8·N·D 硬件 FLOPs），而不是模型 FLOPs 6·N·D。"), "recompute_6nd_vs_8nd")
        else:
            self.add("flops", claimed, ref, "FLOPs", what, "off", self.t(
                f"{format_sci(claimed)} is {format_number(factor)}× "
                f"{'more' if ratio > 1 else 'less'} than {format_sci(ref)} ({what}{also}).",
                f"{format_sci(claimed)} 是 {format_sci(ref)}（{what}{also}）的 "
                f"{format_number(ratio)} 倍。"), "other")

    def _implied_tokens(self, claimed: float) -> None:
        """Tokens a claimed FLOPs figure implies when the training tokens are unpublished."""
        n = parse_quantity(self.a.params, argument="params") if self.a.params is not None \
            else (self.preset.effective_params if self.preset is not None else None)
        if n is None:
            return
        self.params = n
        d = claimed / (6 * n)
        self.steps.append(make_step("tokens the claimed FLOPs imply", "D = C / (6 · N)",
                                    [("C", claimed, "FLOPs"), ("N", n, "params")], d, "tokens"))
        self.out["tokens"] = d
        known = TRAINING_SET_TOKENS.get(self.preset.family) if self.preset is not None else None
        if known is None:
            self.add("tokens", None, d, "tokens", "D = C / (6·N)", "unchecked", self.t(
                f"The training tokens are not published; {format_sci(claimed)} FLOPs implies "
                f"{format_sci(d)} tokens.",
                f"训练 token 数没有公开；{format_sci(claimed)} 次运算意味着 {format_sci(d)} 个 "
                "token。"))
            return
        size, name, source = known
        epochs = d / size
        self.steps.append(make_step("passes over the training set", "E = D / D_set",
                                    [("D", d, "tokens"), ("D_set", size, "tokens")], epochs, ""))
        verdict: Verdict = "off" if epochs > MAX_PLAUSIBLE_EPOCHS else "unchecked"
        self.add("tokens", None, d, "tokens", f"D = C / (6·N); {name}", verdict, self.t(
            f"Training tokens are not published. {format_sci(claimed)} FLOPs with 6·N·D needs "
            f"{format_sci(d)} tokens = {format_number(epochs)} passes over {name} "
            f"({format_sci(size)} tokens; {source.title}) — "
            + ("implausible: check the FLOPs figure." if verdict == "off" else "possible."),
            f"训练 token 数未公开。按 6·N·D，{format_sci(claimed)} 次运算需要 {format_sci(d)} 个 "
            f"token，相当于把 {name}（{format_sci(size)} 个 token；{source.title}）过 "
            f"{format_number(epochs)} 遍——" + ("不太可能，这个 FLOPs 数值值得怀疑。"
                                           if verdict == "off" else "有可能。")),
            "implausible_tokens" if verdict == "off" else None)

    # ---------------------------------------------------------------- peak

    def _peak(self) -> None:
        hw = self.hw
        if hw is None:
            if self.a.peak_tflops is not None:
                raise InvalidInputError("hardware", "peak_tflops is checked against a device: "
                                        "give hardware, e.g. 'a100'")
            return
        pk, assumed = pick_peak(hw, self.a.precision, False)
        self.assumptions += assumed
        self.precision, self.peak = pk.precision, pk.flops_per_s
        self.steps.append(pk.step)
        if self.a.peak_tflops is not None:
            self._check_peak(hw, self.a.peak_tflops * 1e12)

    def _peaks(self, hw: Hardware) -> list[tuple[str, bool, float]]:
        """(precision, sparse, FLOP/s) of every peak of the device, dense and sparse."""
        keys = hw.precisions() + (["fp64_tensor"] if "fp64_tensor" in hw.peak_tflops else [])
        out = [(k, False, hw.peak(k).flops_per_s) for k in keys]
        for k in keys:
            sparse = _sparse_peak(hw, k)
            if sparse is not None:
                out.append((k, True, sparse))
        return out

    def _check_peak(self, hw: Hardware, claimed: float) -> None:
        assert self.peak is not None and self.precision is not None
        ref, prec = self.peak, self.precision
        what = self.t(f"dense {prec} peak of {hw.name}", f"{hw.name} 的 {prec} 稠密峰值")
        matches = [(k, s, v) for k, s, v in self._peaks(hw) if _close(claimed, v)]
        count = self.count or 1
        per_total = [(k, s, v) for k, s, v in self._peaks(hw)
                     if count > 1 and _close(claimed / count, v)]
        tf = format_number(claimed / 1e12, 4)
        ref_tf = format_number(ref / 1e12, 4)
        if any(k == prec and not s for k, s, _ in matches):
            self.add("peak_tflops", claimed / 1e12, ref / 1e12, "TFLOP/s", what, "consistent",
                     self.t(f"{tf} TFLOP/s is the {what}.", f"{tf} TFLOP/s 就是{what}。"))
        elif any(k == prec and s for k, s, _ in matches):
            self.add("peak_tflops", claimed / 1e12, ref / 1e12, "TFLOP/s", what, "off", self.t(
                f"{tf} TFLOP/s is the 2:4 sparse figure; the dense {prec} peak is {ref_tf} "
                "(2× less). Training uses dense math.",
                f"{tf} TFLOP/s 是 2:4 稀疏值；{prec} 稠密峰值是 {ref_tf}，只有一半。训练用的是"
                "稠密计算。"), "sparse_vs_dense")
        elif matches:
            k, s, v = matches[0]
            vector = k in ("fp32", "fp64", "fp64_tensor") and prec in _TENSOR
            cause: Cause = "fp32_vs_tensor" if vector else "other_precision"
            self.add("peak_tflops", claimed / 1e12, ref / 1e12, "TFLOP/s", what, "off", self.t(
                f"{tf} TFLOP/s is the {k}{' sparse' if s else ''} peak of {hw.name}"
                + (" (CUDA cores / FP64, no tensor cores)" if vector else "")
                + f"; for {prec} training the dense peak is {ref_tf} TFLOP/s, "
                f"{format_number(ref / claimed)}× more.",
                f"{tf} TFLOP/s 是 {hw.name} 的 {k}{'稀疏' if s else ''}峰值"
                + ("（CUDA 核心，不走 Tensor Core）" if vector else "")
                + f"；{prec} 训练应该用的稠密峰值是 {ref_tf} TFLOP/s，是它的 "
                f"{format_number(ref / claimed)} 倍。"), cause)
        elif per_total:
            k, s, v = per_total[0]
            self.add("peak_tflops", claimed / 1e12, ref / 1e12, "TFLOP/s", what, "off", self.t(
                f"{tf} TFLOP/s is {count} × the {k} peak of one {hw.name} "
                f"({format_number(v / 1e12, 4)}): a total, not per device.",
                f"{tf} TFLOP/s 是 {count} 块 {hw.name} 的 {k} 峰值之和（每块 "
                f"{format_number(v / 1e12, 4)}），是总量而不是单卡值。"), "total_not_per_device")
        else:
            top = max(v for _, _, v in self._peaks(hw))
            verdict: Verdict = "impossible" if claimed > top * (1 + TOLERANCE) else "off"
            self.add("peak_tflops", claimed / 1e12, ref / 1e12, "TFLOP/s", what, verdict, self.t(
                f"{tf} TFLOP/s matches no peak of {hw.name} (the {prec} dense peak is {ref_tf}; "
                f"the highest, sparse included, {format_number(top / 1e12, 4)}).",
                f"{tf} TFLOP/s 对不上 {hw.name} 的任何峰值（{prec} 稠密峰值 {ref_tf}；含稀疏在内"
                f"最高 {format_number(top / 1e12, 4)}）。"), "other")

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
                ok = _close(claimed_dh, dh)
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

    # ---------------------------------------------------------------- utilization

    def _utilization(self) -> None:
        if self.dev_hours is None and self.a.achieved_tflops is not None and self.hw is not None:
            self._achieved_vs_peak(self.a.achieved_tflops * 1e12)
        if self.flops is None or self.dev_hours is None:
            return
        a = self.a
        device_seconds = self.dev_hours * SECONDS_PER_HOUR
        count = self.count or 1
        seconds = device_seconds / count
        achieved = self.flops / device_seconds
        self.out["achieved"] = achieved / 1e12
        self.steps.append(make_step("achieved model FLOP/s per device the claim implies",
                                    "X = C / (n · t)", [("C", self.flops, "FLOPs"),
                                                        ("n", count, "devices"),
                                                        ("t", seconds, "s")], achieved, "FLOP/s"))
        hw_flops = self.hw_flops if a.recompute is not None else self.full_flops
        hw_rate = None
        if hw_flops is not None:
            hw_rate = hw_flops / device_seconds
            self.out["hw_achieved"] = hw_rate / 1e12
            self.steps.append(make_step(
                "achieved hardware FLOP/s per device (with recompute)" if a.recompute != "none"
                else "achieved hardware FLOP/s per device", "X_hw = C_hw / (n · t)",
                [("C_hw", hw_flops, "FLOPs"), ("n", count, "devices"), ("t", seconds, "s")],
                hw_rate, "FLOP/s"))
        if a.achieved_tflops is not None:
            self._check_achieved(a.achieved_tflops * 1e12, achieved, hw_rate)
        if self.hw is None or self.peak is None:
            if a.achieved_tflops is None:
                self.add("achieved_tflops", None, achieved / 1e12, "TFLOP/s", "C / (n · t)",
                         "unchecked", self.t(
                             f"The claim implies {format_number(achieved / 1e12)} TFLOP/s of "
                             "model FLOPs per device; name the hardware to judge it.",
                             f"原文意味着单卡每秒 {format_number(achieved / 1e12)} TFLOP/s 的模型"
                             "计算；给出硬件才能判断是否合理。"))
            return
        u = model_flops_utilization(self.flops, count, self.peak, seconds)
        self.out["mfu"] = u
        self.steps.append(make_step("MFU the claim implies", "MFU = C / (n · peak · t)",
                                    [("C", self.flops, "FLOPs"), ("n", count, "devices"),
                                     ("peak", self.peak, "FLOP/s"), ("t", seconds, "s")], u, ""))
        if a.mfu is not None:
            self._check_mfu(a.mfu, u)
        self._judge_utilization(u, achieved, count, seconds)

    def _achieved_vs_peak(self, claimed: float) -> None:
        """A claimed per-device rate without a duration: it cannot exceed the peak."""
        assert self.hw is not None and self.peak is not None and self.precision is not None
        hw, prec, u = self.hw, self.precision, claimed / self.peak
        c_tf, p_tf = format_number(claimed / 1e12, 4), format_number(self.peak / 1e12, 4)
        what = self.t(f"dense {prec} peak of {hw.name}", f"{hw.name} 的 {prec} 稠密峰值")
        if u > 1 + TOLERANCE:
            sparse = [v for k, s, v in self._peaks(hw) if s and k == prec and claimed <= v]
            self.add("achieved_tflops", claimed / 1e12, self.peak / 1e12, "TFLOP/s", what,
                     "impossible", self.t(
                         f"{c_tf} TFLOP/s per device is {format_number(u * 100)}% of the {what} "
                         f"({p_tf})" + (": only the 2:4 sparse peak allows it, and training is "
                                        "dense." if sparse else ": above the peak."),
                         f"单卡 {c_tf} TFLOP/s 是{what}（{p_tf}）的 {format_number(u * 100)}%"
                         + ("：只有 2:4 稀疏峰值才够，而训练是稠密计算。" if sparse
                            else "：超过峰值。")),
                     "sparse_vs_dense" if sparse else "other")
            return
        self.add("achieved_tflops", claimed / 1e12, self.peak / 1e12, "TFLOP/s", what,
                 "consistent", self.t(f"{c_tf} TFLOP/s per device is {format_number(u * 100)}% "
                                      f"of the {what} ({p_tf}).",
                                      f"单卡 {c_tf} TFLOP/s 是{what}（{p_tf}）的 "
                                      f"{format_number(u * 100)}%。"))

    def _check_achieved(self, claimed: float, model_rate: float, hw_rate: float | None) -> None:
        a = self.a
        c_tf = format_number(claimed / 1e12, 4)
        if a.recompute in ("full", "selective") and hw_rate is not None:
            ref, what = hw_rate, self.t("hardware FLOPs (with recompute) / (n · t)",
                                        "硬件 FLOPs（含重计算）/（n · t）")
        else:
            ref, what = model_rate, self.t("model FLOPs / (n · t)", "模型 FLOPs /（n · t）")
        if _close(claimed, ref):
            self.add("achieved_tflops", claimed / 1e12, ref / 1e12, "TFLOP/s", what, "consistent",
                     self.t(f"{c_tf} TFLOP/s per device agrees with {what} = "
                            f"{format_number(ref / 1e12, 4)}.",
                            f"单卡 {c_tf} TFLOP/s 与 {what} = "
                            f"{format_number(ref / 1e12, 4)} 一致。"))
            return
        full = self.full_flops is not None and a.recompute in (None, "none")
        if full and hw_rate is not None and _close(claimed, model_rate * _RECOMPUTE_FACTOR):
            hw_tf = format_number(model_rate * _RECOMPUTE_FACTOR / 1e12, 4)
            verdict: Verdict = "consistent" if a.recompute is None else "off"
            self.add("achieved_tflops", claimed / 1e12, model_rate * _RECOMPUTE_FACTOR / 1e12,
                     "TFLOP/s", self.t("8·N·D / (n · t) (full recompute)",
                                       "8·N·D /（n · t）（全量重计算）"),
                     verdict, self.t(
                         f"{c_tf} TFLOP/s matches only with activation recomputation: "
                         f"8·N·D / (n · t) = {hw_tf}, while the model FLOPs give "
                         f"{format_number(model_rate / 1e12, 4)} (6·N·D vs 8·N·D, 4/3).",
                         f"{c_tf} TFLOP/s 只有算上激活重计算才对得上：8·N·D /（n · t）= {hw_tf}；"
                         f"只算模型 FLOPs 是 {format_number(model_rate / 1e12, 4)}（6·N·D 与 8·N·D "
                         "之差，4/3 倍）。"), "recompute_6nd_vs_8nd")
            return
        ratio, factor = _ratio_factor(claimed, ref)
        self.add("achieved_tflops", claimed / 1e12, ref / 1e12, "TFLOP/s", what, "off", self.t(
            f"{c_tf} TFLOP/s per device, but {what} = {format_number(ref / 1e12, 4)}: "
            f"{format_number(factor)}× {'higher' if ratio > 1 else 'lower'}.",
            f"单卡 {c_tf} TFLOP/s，但 {what} = {format_number(ref / 1e12, 4)}，相差 "
            f"{format_number(factor)} 倍。"), "other")

    def _check_mfu(self, claimed: float, implied: float) -> None:
        what = self.t("C / (n · peak · t)", "C /（n · 峰值 · t）")
        if _close(claimed, implied):
            self.add("mfu", claimed, implied, "", what, "consistent", self.t(
                f"Claimed MFU {format_number(claimed * 100)}% agrees with the implied "
                f"{format_number(implied * 100)}%.",
                f"声称的 MFU {format_number(claimed * 100)}% 与推算的 "
                f"{format_number(implied * 100)}% 一致。"))
        elif _close(claimed, implied * _RECOMPUTE_FACTOR):
            self.add("mfu", claimed, implied, "", what, "off", self.t(
                f"{format_number(claimed * 100)}% is the implied MFU × 8/6: it is a hardware "
                f"FLOPs utilization (HFU, counts recomputation); the MFU is "
                f"{format_number(implied * 100)}%.",
                f"{format_number(claimed * 100)}% 是推算 MFU 的 8/6 倍：这是把重计算算进去的 HFU；"
                f"MFU 是 {format_number(implied * 100)}%。"), "hfu_vs_mfu")
        elif _close(claimed, implied / 2):
            self.add("mfu", claimed, implied, "", what, "off", self.t(
                f"{format_number(claimed * 100)}% is half the implied MFU: it was taken against "
                "the 2:4 sparse peak.", f"{format_number(claimed * 100)}% 只有推算值的一半："
                "分母用了 2:4 稀疏峰值。"), "sparse_vs_dense")
        else:
            self.add("mfu", claimed, implied, "", what, "off", self.t(
                f"Claimed MFU {format_number(claimed * 100)}% vs implied "
                f"{format_number(implied * 100)}%.",
                f"声称的 MFU {format_number(claimed * 100)}%，推算值 "
                f"{format_number(implied * 100)}%。"), "other")

    def _judge_utilization(self, u: float, achieved: float, count: int, seconds: float) -> None:
        assert self.hw is not None and self.peak is not None and self.precision is not None
        hw, prec = self.hw, self.precision
        lo = min(s.mfu for s in MFU_SCENARIOS)
        hi = max(s.mfu for s in MFU_SCENARIOS)
        band = f"{format_number(lo * 100)}–{format_number(hi * 100)}%"
        what = self.t(f"MFU vs the dense {prec} peak ({format_number(self.peak / 1e12, 4)} "
                      "TFLOP/s)", f"相对 {prec} 稠密峰值（{format_number(self.peak / 1e12, 4)} "
                      "TFLOP/s）的 MFU")
        pct = f"{format_number(u * 100)}%"
        peaks = self._peaks(hw)
        at_peak = [(k, s, v) for k, s, v in peaks if _close(achieved, v)]
        ref_line = self._reference_time_line(count)
        if u > 1 + TOLERANCE:
            top_k, top_s, top = max(peaks, key=lambda p: p[2])
            need = achieved / top
            sparse_ok = [(k, v) for k, s, v in peaks if s and k == prec and achieved <= v]
            cause: Cause = "sparse_vs_dense" if sparse_ok else "other"
            self.add("utilization", u, 1.0, "", what, "impossible", self.t(
                f"The claim needs {format_number(achieved / 1e12, 4)} TFLOP/s per device = "
                f"{pct} of the {hw.name} {prec} peak: impossible"
                + (f"; even its highest peak ({top_k}{' sparse' if top_s else ''}, "
                   f"{format_number(top / 1e12, 4)} TFLOP/s) would need "
                   f"{format_number(need * 100)}%"
                   if need > 1 else "; only the 2:4 sparse peak would allow it, and training is "
                   "dense") + "." + ref_line,
                f"这需要单卡 {format_number(achieved / 1e12, 4)} TFLOP/s，即 {hw.name} {prec} "
                f"峰值的 {pct}：不可能"
                + (f"；即使按它的最高峰值（{top_k}{'稀疏' if top_s else ''}，"
                   f"{format_number(top / 1e12, 4)} TFLOP/s）也要 {format_number(need * 100)}%"
                   if need > 1 else "；只有按 2:4 稀疏峰值才够，而训练是稠密计算")
                + "。" + ref_line),
                cause)
            return
        if at_peak:
            k, s, v = at_peak[0]
            ref_line = self._peak_time_line(count, v)
            self.add("utilization", u, 1.0 if k == prec else v / self.peak, "", what, "consistent",
                     self.t(
                         f"The claimed time is exactly 100% of the {k}"
                         f"{' sparse' if s else ''} peak of {count} × {hw.name} "
                         f"({format_number(v / 1e12, 4)} TFLOP/s each): a "
                         f"theoretical lower bound, not a forecast — published runs reach {band} "
                         f"MFU." + ref_line,
                         f"这个时间恰好是 {count} 块 {hw.name} 按 {k}{'稀疏' if s else ''}峰值"
                         f"（单卡 {format_number(v / 1e12, 4)} TFLOP/s）100% 利用算出来的：只是理论"
                         f"下限，不是实际预测——公开的大规模训练 MFU 只有 {band}。" + ref_line),
                     "peak_utilization")
            return
        sibling = self._sibling_at_peak(achieved)
        if sibling is not None:
            other, k, v = sibling
            ref_line = self._peak_time_line(count, v)
            self.add("utilization", u, None, "", what, "consistent", self.t(
                f"The claimed time is exactly 100% of the {k} peak of the {other.name} "
                f"({format_number(v / 1e12, 4)} TFLOP/s each), the {hw.name}'s sibling variant: "
                f"a theoretical lower bound, not a forecast — published runs reach {band} MFU. "
                f"On the {hw.name} at {prec} it is {pct} of peak." + ref_line,
                f"这个时间恰好是 {other.name}（与 {hw.name} 同系列的另一型号）按 {k} 峰值"
                f"（单卡 {format_number(v / 1e12, 4)} TFLOP/s）100% 利用算出来的：只是理论下限——"
                f"公开的大规模训练 MFU 只有 {band}。换成 {hw.name} 的 {prec} 峰值是 {pct}。"
                + ref_line), "peak_utilization")
            return
        if lo * (1 - TOLERANCE) <= u <= hi * (1 + TOLERANCE):
            self.add("utilization", u, None, "", what, "consistent", self.t(
                f"Implied MFU {pct}: within the {band} that published large runs reach."
                + ref_line, f"推算 MFU {pct}，在公开大规模训练的 {band} 范围内。" + ref_line))
            return
        if u > hi:
            self.add("utilization", u, hi, "", what, "off", self.t(
                f"Implied MFU {pct}: above every published large run ({band}); optimistic."
                + ref_line, f"推算 MFU {pct}，高于所有公开的大规模训练（{band}），偏乐观。"
                + ref_line), "optimistic_utilization")
            return
        self.add("utilization", u, lo, "", what, "off", self.t(
            f"Implied MFU {pct}: below published large runs ({band}); the time is long for this "
            "hardware, or the FLOPs are overstated." + ref_line,
            f"推算 MFU {pct}，低于公开的大规模训练（{band}）：对这套硬件来说时间偏长，或者计算量"
            "被高估了。" + ref_line), "low_utilization")

    def _peak_time_line(self, count: int, rate: float) -> str:
        """Time at 100% of `rate` with the claimed and with the reference FLOPs."""
        if self.a.flops is None or self.reference_flops is None or self.flops is None \
                or _close(self.flops, self.reference_flops, 1e-9):
            return ""
        lang: Language = "zh" if self.zh else "en"
        own = training_seconds(self.flops, count, rate)
        ref = training_seconds(self.reference_flops, count, rate)
        for label, c, t in (("claimed", self.flops, own), ("reference", self.reference_flops, ref)):
            self.steps.append(make_step(f"time at 100% of peak with the {label} FLOPs",
                                        "t = C / (n · P)", [("C", c, "FLOPs"),
                                                            ("n", count, "devices"),
                                                            ("P", rate, "FLOP/s")], t, "s"))
        assert self.seconds is not None
        closer = abs(ref / self.seconds - 1) < abs(own / self.seconds - 1)
        return self.t(
            f" At that peak {format_sci(self.flops, 4)} FLOPs take {format_duration(own)} and "
            f"{format_sci(self.reference_flops)} take {format_duration(ref)}"
            + ("; the claimed time was computed from the reference figure, not the claimed one."
               if closer else "."),
            f" 按这个峰值，{format_sci(self.flops, 4)} 次运算需要 {format_duration(own, lang)}，"
            f"{format_sci(self.reference_flops)} 次需要 {format_duration(ref, lang)}"
            + ("；原文的时间是用参考值算的，而不是它自己写的那个数。" if closer else "。"))

    def _sibling_at_peak(self, achieved: float) -> tuple[Hardware, str, float] | None:
        """A variant of the same family (V100 SXM2 vs PCIe) whose dense peak the rate equals."""
        if self.hw is None or not self.assumptions_from_family:
            return None
        cat = _catalog()
        by_id = {h.id: h for h in cat.entries}
        for fam in cat.families.values():
            if self.hw.id not in fam.members:
                continue
            for member in fam.members:
                if member == self.hw.id:
                    continue
                other = by_id[member]
                for k in other.precisions():
                    v = other.peak(k).flops_per_s
                    if _close(achieved, v):
                        return other, k, v
        return None

    def _reference_time_line(self, count: int) -> str:
        """When the claim's FLOPs differ from the reference: the time the reference gives."""
        if self.a.flops is None or self.reference_flops is None or self.flops is None \
                or self.seconds is None or _close(self.flops, self.reference_flops, 1e-9):
            return ""
        rate = self.flops / (count * self.seconds)
        ref_seconds = training_seconds(self.reference_flops, count, rate)
        self.steps.append(make_step("time at the same rate with the reference FLOPs",
                                    "t_ref = C_ref / (n · X)",
                                    [("C_ref", self.reference_flops, "FLOPs"),
                                     ("n", count, "devices"), ("X", rate, "FLOP/s")],
                                    ref_seconds, "s"))
        claimed_t = format_duration(self.seconds, "zh" if self.zh else "en")
        own_t = format_duration(ref_seconds, "zh" if self.zh else "en")
        return self.t(
            f" At the same rate, {format_sci(self.flops, 4)} FLOPs take {claimed_t} and the "
            f"reference {format_sci(self.reference_flops)} takes {own_t}.",
            f" 同样的速率下，{format_sci(self.flops, 4)} 次运算需要 {claimed_t}，参考值 "
            f"{format_sci(self.reference_flops)} 需要 {own_t}。")

    # ---------------------------------------------------------------- cost, energy

    def _money_and_energy(self) -> None:
        a = self.a
        dh = self.dev_hours
        if a.cost_usd is not None:
            cost = parse_quantity(a.cost_usd, argument="cost_usd")
            if dh is None:
                raise InvalidInputError("cost_usd", "a cost is checked per device-hour: give a "
                                        "duration (days/years/hours) or device_hours")
            price = cost / dh
            self.out["price"] = price
            self.steps.append(make_step("price per device-hour the claim implies",
                                        "p = cost / device-hours",
                                        [("cost", cost, "USD"), ("device-hours", dh, "h")],
                                        price, "USD/h"))
            catalog = self.hw.price_usd_per_device_hour if self.hw is not None else None
            if catalog is None:
                self.add("cost_usd", price, None, "USD/device-hour", "cost / device-hours",
                         "unchecked", self.t(
                             f"The claim implies ${format_number(price)} per device-hour "
                             f"({format_number(dh)} device-hours); the catalog has no reference "
                             "price for this device.",
                             f"相当于每卡时 {format_number(price)} 美元（共 {format_number(dh)} "
                             "卡时）；目录里没有这款设备的参考价格。"))
            else:
                ok = 1 / PRICE_FACTOR <= price / catalog <= PRICE_FACTOR
                self.add("cost_usd", price, catalog, "USD/device-hour",
                         self.t("catalog on-demand price", "目录中的按需价格"),
                         "consistent" if ok else "off", self.t(
                             f"${format_number(price)} per device-hour vs the catalog's "
                             f"${format_number(catalog)}"
                             + (f" (within {format_number(PRICE_FACTOR)}×)." if ok else "."),
                             f"每卡时 {format_number(price)} 美元，目录价 {format_number(catalog)}"
                             " 美元" + ("，在合理范围内。" if ok else "。")),
                         None if ok else "price_vs_catalog")
        if a.energy_kwh is not None:
            energy = parse_quantity(a.energy_kwh, argument="energy_kwh")
            self._check_energy(energy, dh)

    def _check_energy(self, energy: float, dh: float | None) -> None:
        hw = self.hw
        checked = False
        if dh is not None:
            power = energy * 1000 / dh
            self.out["power"] = power
            self.steps.append(make_step("average power per device the claim implies",
                                        "P = E · 1000 / device-hours",
                                        [("E", energy, "kWh"), ("device-hours", dh, "h")],
                                        power, "W"))
            if hw is not None and hw.tdp_watts is not None:
                at_tdp = energy_kwh(dh, hw.tdp_watts, 1.0)
                estimate = energy_kwh(dh, hw.tdp_watts, DEFAULT_PUE)
                self.steps.append(make_step("energy at TDP (before PUE)", "E = device-hours × TDP",
                                            [("device-hours", dh, "h"), ("TDP", hw.tdp_watts, "W")],
                                            at_tdp, "kWh"))
                self.steps.append(make_step("energy at TDP × PUE", "E = device-hours × TDP × PUE",
                                            [("device-hours", dh, "h"), ("TDP", hw.tdp_watts, "W"),
                                             ("PUE", DEFAULT_PUE, "")], estimate, "kWh"))
                top = hw.tdp_watts * DEFAULT_PUE
                ok = POWER_FLOOR * top <= power <= top * (1 + TOLERANCE)
                share = power / DEFAULT_PUE / hw.tdp_watts
                self.add("energy_kwh", energy, estimate, "kWh", self.t(
                    f"device-hours × TDP × PUE {format_number(DEFAULT_PUE)}",
                    f"卡时 × TDP × PUE {format_number(DEFAULT_PUE)}"),
                    "consistent" if ok else "off", self.t(
                        f"{format_number(energy)} kWh over {format_number(dh)} device-hours is "
                        f"{format_number(power)} W per device ({format_number(share * 100)}% of "
                        f"the {format_number(hw.tdp_watts)} W TDP at PUE "
                        f"{format_number(DEFAULT_PUE)}); at TDP it would be "
                        f"{format_number(at_tdp)} kWh before PUE, {format_number(estimate)} "
                        "after." + ("" if ok else " Outside the plausible band."),
                        f"{format_number(energy)} 度电摊到 {format_number(dh)} 卡时，是每卡 "
                        f"{format_number(power)} W（按 PUE {format_number(DEFAULT_PUE)} 折算为 "
                        f"{format_number(hw.tdp_watts)} W TDP 的 {format_number(share * 100)}%）；"
                        f"按 TDP 算应为 {format_number(at_tdp)} 度（未计 PUE），计入 PUE 为 "
                        f"{format_number(estimate)} 度。" + ("" if ok else "超出合理范围。")),
                    None if ok else "power_vs_tdp")
                checked = True
        measured = MEASURED_ENERGY_KWH.get(self.preset.id) if self.preset is not None else None
        if measured is not None:
            kwh, family, source = measured
            same = hw is None or family in hw.id
            ratio, factor = _ratio_factor(energy, kwh)
            ok = _close(energy, kwh)
            verdict: Verdict = ("consistent" if ok else "off") if same else "unchecked"
            lang: Language = "zh" if self.zh else "en"
            rel = self.t(f"{format_number(factor)}× {'more' if ratio > 1 else 'less'}",
                         f"{format_number(factor)} 倍")
            self.add("energy_kwh", energy, kwh, "kWh", source.title, verdict, self.t(
                f"Measured: {format_energy_kwh(kwh)} for the real "
                f"{self.preset.name if self.preset else ''} run ({source.title}); the claimed "
                f"{format_energy_kwh(energy)} is {rel}."
                + ("" if same else " (That run used other hardware than this claim.)"),
                f"实测值：{self.preset.name if self.preset else ''} 的真实训练耗电 "
                f"{format_energy_kwh(kwh, lang)}（{source.title}）；原文的 "
                f"{format_energy_kwh(energy, lang)} 与之相差 {rel}"
                f"（{'偏多' if ratio > 1 else '偏少'}）。"
                + ("" if same else "（那次训练用的硬件与本说法不同。）")),
                None if ok or not same else "measured_differs")
            checked = True
        if not checked:
            self.add("energy_kwh", energy, None, "kWh", "", "unchecked", self.t(
                "Give hardware and a duration (or device_hours) to check the energy.",
                "要核对耗电量，请给出硬件和时长（或卡时）。"))

    # ---------------------------------------------------------------- summary

    def _summary(self, r: ClaimCheck) -> str:
        words = {"consistent": self.t("consistent", "一致"), "off": self.t("off", "有误"),
                 "impossible": self.t("impossible", "不可能"),
                 "unchecked": self.t("not checkable", "无法核对")}
        tol = format_number(TOLERANCE * 100)
        head = self.t(f"**Verdict: {words[r.verdict]}** (tolerance {tol}%)",
                      f"**结论：{words[r.verdict]}**（容差 {tol}%）")
        lines = [head]
        for f in r.figures:
            name = _ZH_FIGURES.get(f.figure, f.figure) if self.zh else f.figure
            lines.append(f"- **{name}** — {words[f.verdict]}"
                         + (f" ({f.cause})" if f.cause else "") + f": {f.explanation}")
        return "\n".join(lines)

