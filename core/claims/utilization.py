"""check_claim's rate figures: the achieved FLOP/s, MFU and utilization a claim implies.

From the workload C, the device count n and the duration t the claim implies the achieved
rate X = C / (n · t) (`flopcast.training.estimate`) and MFU = C / (n · peak · t)
(`flopcast.training.utilization`; Chowdhery et al. 2022, PaLM §4.1); nothing is re-derived
here. A claimed rate or MFU is compared with those; the implied MFU is judged against the
band of published large runs (`MFU_SCENARIOS`): above 100% of peak is impossible, exactly
100% of some peak (or a sibling variant's, V100 SXM2 vs PCIe) is a theoretical bound, and
outside the band is optimistic or low. 8·N·D recompute (HFU vs MFU) and the 2:4 sparse
peak are named where they explain the gap.
"""

from __future__ import annotations

from flopcast.catalog.hardware import Hardware
from flopcast.claims.base import RECOMPUTE_FACTOR, TOLERANCE, Cause, Verdict, close, ratio_factor
from flopcast.claims.peaks import PeakChecks
from flopcast.numbers.quantities import (
    SECONDS_PER_HOUR,
    Language,
    format_duration,
    format_number,
    format_sci,
)
from flopcast.numbers.results import make_step
from flopcast.training.estimate import training_seconds
from flopcast.training.utilization import MFU_SCENARIOS, model_flops_utilization

__all__ = ["UtilizationChecks"]


class UtilizationChecks(PeakChecks):
    """The achieved-rate, MFU and utilization figures of a claim."""

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
        if close(claimed, ref):
            self.add("achieved_tflops", claimed / 1e12, ref / 1e12, "TFLOP/s", what, "consistent",
                     self.t(f"{c_tf} TFLOP/s per device agrees with {what} = "
                            f"{format_number(ref / 1e12, 4)}.",
                            f"单卡 {c_tf} TFLOP/s 与 {what} = "
                            f"{format_number(ref / 1e12, 4)} 一致。"))
            return
        full = self.full_flops is not None and a.recompute in (None, "none")
        if full and hw_rate is not None and close(claimed, model_rate * RECOMPUTE_FACTOR):
            hw_tf = format_number(model_rate * RECOMPUTE_FACTOR / 1e12, 4)
            verdict: Verdict = "consistent" if a.recompute is None else "off"
            self.add("achieved_tflops", claimed / 1e12, model_rate * RECOMPUTE_FACTOR / 1e12,
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
        ratio, factor = ratio_factor(claimed, ref)
        self.add("achieved_tflops", claimed / 1e12, ref / 1e12, "TFLOP/s", what, "off", self.t(
            f"{c_tf} TFLOP/s per device, but {what} = {format_number(ref / 1e12, 4)}: "
            f"{format_number(factor)}× {'higher' if ratio > 1 else 'lower'}.",
            f"单卡 {c_tf} TFLOP/s，但 {what} = {format_number(ref / 1e12, 4)}，相差 "
            f"{format_number(factor)} 倍。"), "other")

    def _check_mfu(self, claimed: float, implied: float) -> None:
        what = self.t("C / (n · peak · t)", "C /（n · 峰值 · t）")
        if close(claimed, implied):
            self.add("mfu", claimed, implied, "", what, "consistent", self.t(
                f"Claimed MFU {format_number(claimed * 100)}% agrees with the implied "
                f"{format_number(implied * 100)}%.",
                f"声称的 MFU {format_number(claimed * 100)}% 与推算的 "
                f"{format_number(implied * 100)}% 一致。"))
        elif close(claimed, implied * RECOMPUTE_FACTOR):
            self.add("mfu", claimed, implied, "", what, "off", self.t(
                f"{format_number(claimed * 100)}% is the implied MFU × 8/6: it is a hardware "
                f"FLOPs utilization (HFU, counts recomputation); the MFU is "
                f"{format_number(implied * 100)}%.",
                f"{format_number(claimed * 100)}% 是推算 MFU 的 8/6 倍：这是把重计算算进去的 HFU；"
                f"MFU 是 {format_number(implied * 100)}%。"), "hfu_vs_mfu")
        elif close(claimed, implied / 2):
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
        at_peak = [(k, s, v) for k, s, v in peaks if close(achieved, v)]
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
                or close(self.flops, self.reference_flops, 1e-9):
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
        for other in self._siblings():
            for k in other.precisions():
                v = other.peak(k).flops_per_s
                if close(achieved, v):
                    return other, k, v
        return None

    def _reference_time_line(self, count: int) -> str:
        """When the claim's FLOPs differ from the reference: the time the reference gives."""
        if self.a.flops is None or self.reference_flops is None or self.flops is None \
                or self.seconds is None or close(self.flops, self.reference_flops, 1e-9):
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
