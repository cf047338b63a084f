"""check_claim's workload figures: a claimed FLOPs total and the tokens it implies.

The reference is the model preset's published FLOPs when the claim names only the model
(GPT-3: 3.14e23, Brown et al. 2020 Table D.1), else the workload count
(`flopcast.workload.resolve`, 6·N·D by default). A claimed total that is off is explained as a
digit typo (`flopcast.claims.typos`), 8·N·D activation recompute instead of 6·N·D (Narayanan et
al. 2021 Eq. 4), or a plain factor. When a model's training tokens are unpublished, the
tokens D = C / (6·N) a claimed total implies are compared with a known training set
(`TRAINING_SET_TOKENS`) and flagged beyond `MAX_PLAUSIBLE_EPOCHS` passes.
"""

from __future__ import annotations

from flopcast.catalog.models import name_assumptions, resolve_model
from flopcast.claims.base import RECOMPUTE_FACTOR, ClaimState, Verdict, close, ratio_factor
from flopcast.claims.typos import is_digit_typo
from flopcast.numbers.errors import InvalidInputError
from flopcast.numbers.quantities import format_number, format_sci, parse_quantity
from flopcast.numbers.results import Source, make_step
from flopcast.workload.resolve import resolve_workload

__all__ = ["MAX_PLAUSIBLE_EPOCHS", "TRAINING_SET_TOKENS", "FlopsChecks"]

#: Heuristic: an implied token count of more than this many passes over a model's
#: known training set is flagged (GPT-3's datasets were seen 0.4–3.4 times,
#: Brown et al. 2020 Table 2.2).
MAX_PLAUSIBLE_EPOCHS = 100.0
#: Known training sets, tokens, keyed by model family: for models whose training
#: tokens are not published. OpenWebText is the open reproduction of GPT-2's WebText
#: (8,013,769 documents); WebText itself was not released.
TRAINING_SET_TOKENS: dict[str, tuple[float, str, Source]] = {
    "gpt-2": (9_035_582_198, "OpenWebText (GPT-2 BPE), proxy for WebText",
              Source(title="nanoGPT data/openwebtext/prepare.py: 'train has ~9B tokens "
                     "(9,035,582,198)'", url="https://github.com/karpathy/nanoGPT")),
}


class FlopsChecks(ClaimState):
    """The FLOPs and implied-tokens figures of a claim."""

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
                self.assumptions += name_assumptions(a.model)
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
                self.hw_flops = claimed * (RECOMPUTE_FACTOR if a.recompute == "full" else 1.0)
            self.full_flops = claimed * RECOMPUTE_FACTOR
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
        ratio, factor = ratio_factor(claimed, ref)
        if is_digit_typo(claimed, ref):
            self.add("flops", claimed, ref, "FLOPs", what, "off", self.t(
                f"{format_sci(claimed, 4)} reads like {format_sci(ref)} ({what}{also}) with a "
                f"digit inserted, dropped or swapped: a typo, {format_number(abs(ratio - 1) * 100)}"
                "% off.",
                f"{format_sci(claimed, 4)} 像是 {format_sci(ref)}（{what}{also}）多写、漏写或颠倒"
                f"了一位数字，属于笔误，相差 {format_number(abs(ratio - 1) * 100)}%。"),
                "digit_typo")
        elif close(claimed, ref):
            self.add("flops", claimed, ref, "FLOPs", what, "consistent", self.t(
                f"{format_sci(claimed)} agrees with {format_sci(ref)} ({what}{also}).",
                f"{format_sci(claimed)} 与 {format_sci(ref)}（{what}{also}）一致。"))
        elif close(ratio, RECOMPUTE_FACTOR):
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
