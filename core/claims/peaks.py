"""check_claim's per-device peak figure: which datasheet peak does a claimed TFLOP/s match?

The reference is the device's dense peak at the claim's precision (`flopcast.training.utilization`
`pick_peak`, bf16 by default, from the datasheets cited in `core/catalog/data/hardware.toml`). A
claimed peak that is off is explained by the peak it does match: the 2:4 sparse figure
(2×, training is dense), an FP32/FP64 CUDA-core peak instead of the tensor peak (A100:
312 / 19.5 = 16×), another precision, or a total over the devices quoted per device.
`PeakChecks._peaks` lists every peak of a device; the utilization checks reuse it.

A device named by its family ("v100") stands for any of the family's variants: a peak that
matches no peak of the default variant is looked up in the siblings (the V100 PCIe's 14 / 112
TFLOP/s), and the figure names the variant it matched. `PeakChecks._siblings` lists them for
the price, energy and duration checks too.
"""

from __future__ import annotations

from flopcast.catalog.hardware import Hardware
from flopcast.claims.base import TOLERANCE, Cause, ClaimState, Verdict, close
from flopcast.numbers.errors import InvalidInputError
from flopcast.numbers.quantities import format_number
from flopcast.training.utilization import pick_peak

__all__ = ["PeakChecks"]

_TENSOR = ("tf32", "bf16", "fp16", "fp8", "int8", "fp4")


def _sparse_peak(hw: Hardware, precision: str) -> float | None:
    """The 2:4 sparse peak at `precision`, or None where the device has none."""
    try:
        return hw.peak(precision, sparsity=True).flops_per_s
    except InvalidInputError:
        return None


class PeakChecks(ClaimState):
    """The per-device peak figure of a claim, and every peak of the device."""

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

    def _sibling_peak(self, claimed: float) -> tuple[Hardware, str, bool, float] | None:
        """(variant, precision, sparse, FLOP/s) of a sibling variant's peak equal to `claimed`:
        the claim's precision dense first."""
        found = [(other, k, s, v) for other in self._siblings()
                 for k, s, v in self._peaks(other) if close(claimed, v)]
        found.sort(key=lambda f: (f[1] != self.precision or f[2]))
        return found[0] if found else None

    def _check_peak(self, hw: Hardware, claimed: float) -> None:
        assert self.peak is not None and self.precision is not None
        ref, prec = self.peak, self.precision
        what = self.t(f"dense {prec} peak of {hw.name}", f"{hw.name} 的 {prec} 稠密峰值")
        matches = [(k, s, v) for k, s, v in self._peaks(hw) if close(claimed, v)]
        count = self.count or 1
        per_total = [(k, s, v) for k, s, v in self._peaks(hw)
                     if count > 1 and close(claimed / count, v)]
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
        elif (sibling := self._sibling_peak(claimed)) is not None:
            other, k, s, v = sibling
            same = k == prec and not s
            family = self.a.hardware
            self.add("peak_tflops", claimed / 1e12, v / 1e12, "TFLOP/s", self.t(
                f"{k}{' sparse' if s else ''} peak of {other.name}",
                f"{other.name} 的 {k}{'稀疏' if s else ''}峰值"),
                "consistent" if same else "off", self.t(
                f"{tf} TFLOP/s is the {k}{' sparse' if s else ''} peak of the {other.name}, a "
                f"variant of '{family}'; the default variant, {hw.name}, has {ref_tf} TFLOP/s "
                f"dense {prec}." + ("" if same else " Training uses the dense tensor peak."),
                f"{tf} TFLOP/s 是 {other.name}（'{family}' 系列的另一型号）的 {k}"
                f"{'稀疏' if s else ''}峰值；默认型号 {hw.name} 的 {prec} 稠密峰值是 {ref_tf} "
                "TFLOP/s。" + ("" if same else "训练用的是稠密 Tensor 峰值。")),
                None if same else ("sparse_vs_dense" if s else "fp32_vs_tensor"
                                   if k in ("fp32", "fp64", "fp64_tensor") and prec in _TENSOR
                                   else "other_precision"))
        else:
            top = max(v for _, _, v in self._peaks(hw))
            verdict: Verdict = "impossible" if claimed > top * (1 + TOLERANCE) else "off"
            self.add("peak_tflops", claimed / 1e12, ref / 1e12, "TFLOP/s", what, verdict, self.t(
                f"{tf} TFLOP/s matches no peak of {hw.name} (the {prec} dense peak is {ref_tf}; "
                f"the highest, sparse included, {format_number(top / 1e12, 4)}).",
                f"{tf} TFLOP/s 对不上 {hw.name} 的任何峰值（{prec} 稠密峰值 {ref_tf}；含稀疏在内"
                f"最高 {format_number(top / 1e12, 4)}）。"), "other")
