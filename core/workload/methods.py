"""Training FLOPs per token, one function per published counting method.

Each function returns the model FLOPs of one training token (forward + backward = 3
forward passes), what full and selective activation recomputation add, and the steps that
show the count:

- ``6nd``: 6·N (Kaplan et al. 2020, arXiv:2001.08361, §2.1; Brown et al. 2020 App. D).
- ``kaplan``: Kaplan et al. 2020 Table 1, forward 2N + 2·n_layer·n_ctx·d_attn.
- ``chinchilla``: Hoffmann et al. 2022, arXiv:2203.15556, Appendix F, every matmul counted.
- ``megatron``: Narayanan et al. 2021, arXiv:2104.04473, §5.1 Eq. (3).
- ``palm``: Chowdhery et al. 2022, arXiv:2204.02311, Appendix B, 6N + 12·L·H·Q·T.

Every attention term uses `Architecture.attended_context`: the sequence length as the papers
count it (halved when causal), less where layers attend within a sliding window.

Selective recomputation re-runs the attention core, QKᵀ and softmax·V (Korthikanti et al.
2022, arXiv:2205.05198, §5), counted as that paper's Eq. (8) counts it. `per_token_flops`
picks the method; `flopcast.workload.flops.training_flops` validates the options and totals over D.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from flopcast.numbers.results import Assumption, Step, make_step

if TYPE_CHECKING:
    from flopcast.workload.architecture import Architecture

__all__ = ["PerToken", "per_token_flops"]

#: Forward + backward = 3 forward passes; backward ≈ 2 × forward (Kaplan et al.
#: 2020 §2.1; Hoffmann et al. 2022 App. F: "As in Kaplan et al. (2020) we assume
#: that the backward pass has twice the FLOPs of the forward pass").
_PASSES = 3
#: One multiply-accumulate = 2 FLOPs (Hoffmann et al. 2022 App. F; Kaplan Table 1).
_FLOPS_PER_MAC = 2
#: Softmax FLOPs per score (Hoffmann et al. 2022 App. F: "3 × num_heads × seq_len × seq_len").
_SOFTMAX_FLOPS_PER_SCORE = 3


@dataclass
class PerToken:
    """FLOPs per training token from one method."""

    model: float  # forward + backward
    full_extra: float  # one more forward pass of the transformer layers
    selective_extra: float | None  # attention-score FLOPs counted again (Eq. 8), if known
    steps: list[Step] = field(default_factory=list)
    notes: list[Assumption] = field(default_factory=list)


def _attention_core_forward(arch: Architecture, causal: bool) -> float:
    """QKᵀ plus softmax·V per token, one forward pass: 2 × 2·n_ctx·d_attn per layer.

    Korthikanti et al. 2022 App. A counts these as 2Bs²h + 2Bs²h per layer.
    """
    per_layer = 2 * _FLOPS_PER_MAC * arch.attended_context(causal) * arch.d_attn
    return arch.layers * per_layer


def _selective_extra(attention_core_forward: float) -> float:
    """Hardware FLOPs that selective recomputation adds, per token.

    Korthikanti et al. 2022 App. A: model FLOPs 72·B·s·l·h²·(1 + s/6h + V/12lh)
    (Eq. 7) become 72·B·s·l·h²·(1 + s/3h + V/12lh) with selective recomputation
    (Eq. 8): the attention-score terms (12·B·s²·h·l, three passes of QKᵀ and
    softmax·V) are counted once more. That is three times a single forward of
    those matmuls (4·B·s²·h·l); we follow the paper because its Table 5 MFU/HFU
    pairs (22B 41.5/43.7, 175B 51.4/52.8, 530B 56.0/57.0, 1T 56.3/57.0 %) are
    reproduced by Eq. 8 and not by a single forward.
    """
    return _PASSES * attention_core_forward


def _six_nd(n: float, arch: Architecture | None, causal: bool) -> PerToken:
    """C = 6·N per token: 2N forward (a multiply and an add per weight) + 4N backward.

    Kaplan et al. 2020 §2.1 (C ≈ 6N, context term dropped); Brown et al. 2020
    App. D ("we ignore the attention operation, as it typically uses less than
    10% of the total compute"). Full recompute adds a forward (2N): 8N, the
    "8TP" of Narayanan et al. 2021 Eq. (4).
    """
    step = make_step("FLOPs per token", "C_token = 6 · N", [("N", n, "params")], 6 * n,
                     "FLOPs/token")
    sel = _selective_extra(_attention_core_forward(arch, causal)) if arch is not None else None
    return PerToken(model=6 * n, full_extra=2 * n, selective_extra=sel, steps=[step])


def _kaplan(arch: Architecture, causal: bool) -> PerToken:
    """Kaplan et al. 2020 Table 1: C_forward = 2N + 2·n_layer·n_ctx·d_attn; training = 3×.

    N is computed from the shape, non-embedding, as Table 1's "Total
    (Non-Embedding)": N = n_layer·(d_model·(d_attn + 2·d_kv) + d_attn·d_model +
    k·d_model·d_ff), which is Table 1's 2·d_model·n_layer·(2·d_attn + d_ff) for
    multi-head attention and a 2-matrix FFN (k = 3 for gated FFNs, d_kv < d_attn
    for grouped-query attention). Embedding and de-embedding FLOPs are left out,
    as in Table 1's total. The context term uses the paper's coefficient 2.
    """
    n = arch.layers * arch.layer_params
    ctx = arch.attended_context(causal)
    attn = _FLOPS_PER_MAC * arch.layers * ctx * arch.d_attn
    fwd = 2 * n + attn
    steps = [
        make_step("non-embedding parameters", "N = n_layer · (d_model·(d_attn + 2·d_kv) + "
                  "d_attn·d_model + k·d_model·d_ff)",
                  [("n_layer", arch.layers, ""), ("d_model", arch.d_model, ""),
                   ("d_attn", arch.d_attn, ""), ("d_kv", arch.d_kv, ""),
                   ("k", arch.ffn_matrices, "FFN matrices"), ("d_ff", arch.ffw, "")],
                  n, "params"),
        make_step("forward FLOPs per token", "C_forward = 2·N + 2·n_layer·n_ctx·d_attn",
                  [("N", n, "params"), ("n_layer", arch.layers, ""), ("n_ctx", ctx, "tokens"),
                   ("d_attn", arch.d_attn, "")], fwd, "FLOPs/token"),
        make_step("training FLOPs per token", "C_token = 3 · C_forward",
                  [("C_forward", fwd, "FLOPs/token")], _PASSES * fwd, "FLOPs/token"),
    ]
    return PerToken(model=_PASSES * fwd, full_extra=fwd, selective_extra=_selective_extra(attn),
                    steps=steps)


def _chinchilla(arch: Architecture, causal: bool, embeddings: bool) -> PerToken:
    """Hoffmann et al. 2022 Appendix F, forward FLOPs of one sequence of s tokens.

    embeddings 2·s·V·d_model; per layer: QKV 2·s·d_model·(d_attn + 2·d_kv) (the
    paper's 2·3·s·d_model·d_attn for multi-head attention), key@query logits
    2·s²·d_attn, softmax 3·H·s², softmax@value 2·s²·d_attn, final linear
    2·s·d_attn·d_model; dense block 2·s·k·d_model·d_ff (k = 2 as printed, 3 if
    gated); final logits 2·s·d_model·V. Forward = embeddings + L·(attention +
    dense) + logits; training = 3 × forward; per token = ÷ s.
    """
    s, d, v, h = arch.seq_len, arch.d_model, arch.vocab, arch.heads
    ctx = arch.attended_context(causal)  # s, s/2 causal; less with windowed layers
    qkv = _FLOPS_PER_MAC * s * d * (arch.d_attn + 2 * arch.d_kv)
    logits_kq = _FLOPS_PER_MAC * s * ctx * arch.d_attn
    softmax = _SOFTMAX_FLOPS_PER_SCORE * h * s * ctx
    reduce_v = _FLOPS_PER_MAC * s * ctx * arch.d_attn
    project = _FLOPS_PER_MAC * s * arch.d_attn * d
    attention = qkv + logits_kq + softmax + reduce_v + project
    dense = _FLOPS_PER_MAC * s * arch.ffn_matrices * d * arch.ffw
    emb = _FLOPS_PER_MAC * s * v * d if embeddings else 0.0
    final_logits = _FLOPS_PER_MAC * s * d * v if embeddings else 0.0
    layers_fwd = arch.layers * (attention + dense)
    forward = emb + layers_fwd + final_logits
    steps = [
        make_step("attention FLOPs per layer per sequence (forward)",
                  "A = 2·s·d·(d_attn+2·d_kv) + 2·s²·d_attn + 3·H·s² + 2·s²·d_attn + 2·s·d_attn·d",
                  [("s", s, "tokens"), ("d", d, ""), ("d_attn", arch.d_attn, ""),
                   ("d_kv", arch.d_kv, ""), ("H", h, "heads")], attention, "FLOPs"),
        make_step("dense-block FLOPs per layer per sequence (forward)", "F = 2·s·k·d·d_ff",
                  [("s", s, "tokens"), ("k", arch.ffn_matrices, "FFN matrices"), ("d", d, ""),
                   ("d_ff", arch.ffw, "")], dense, "FLOPs"),
        make_step("forward FLOPs per sequence",
                  "C_seq = 2·s·V·d + L·(A + F) + 2·s·d·V" if embeddings else "C_seq = L·(A + F)",
                  [("L", arch.layers, "layers"), ("A", attention, "FLOPs"), ("F", dense, "FLOPs"),
                   ("V", v, "tokens")], forward, "FLOPs"),
        make_step("training FLOPs per token", "C_token = 3 · C_seq / s",
                  [("C_seq", forward, "FLOPs"), ("s", s, "tokens")], _PASSES * forward / s,
                  "FLOPs/token"),
    ]
    selective = _selective_extra(arch.layers * (logits_kq + softmax + reduce_v) / s)
    return PerToken(model=_PASSES * forward / s, full_extra=layers_fwd / s,
                    selective_extra=selective, steps=steps)


def _megatron(arch: Architecture, causal: bool) -> PerToken:
    """Narayanan et al. 2021 §5.1: per layer forward 24·B·s·h² + 4·B·s²·h, logits 2·B·s·h·V.

    Eq. (3), F = 96·B·s·l·h²·(1 + s/6h + V/16lh), counts 4 passes of the layers
    (activation recomputation) and 3 of the logits. Model FLOPs (3 passes of
    both) are 72·B·s·l·h²·(1 + s/6h + V/12lh) (Korthikanti et al. 2022 App. A,
    Eq. 7). Per token, divide by B·s. Assumes d_ff = 4h and multi-head
    attention, as the paper does; other shapes are approximated.
    """
    h, l_, v = arch.d_model, arch.layers, arch.vocab
    s_attn = arch.attended_context(causal)
    model = 72 * l_ * h * h * (1 + s_attn / (6 * h) + v / (12 * l_ * h))
    eq3 = 96 * l_ * h * h * (1 + s_attn / (6 * h) + v / (16 * l_ * h))
    steps = [make_step("training (model) FLOPs per token",
                       "C_token = 72·l·h²·(1 + s/(6h) + V/(12·l·h))",
                       [("l", l_, "layers"), ("h", h, ""), ("s", s_attn, "tokens"),
                        ("V", v, "tokens")], model, "FLOPs/token")]
    notes = []
    if arch.d_ff not in (None, 4 * h) or arch.gated_ffn or arch.d_kv != arch.d_attn:
        notes.append(Assumption(name="megatron shape", value="d_ff = 4h, multi-head, 2-matrix FFN",
                                source="Narayanan et al. 2021 §5.1 derive Eq. (3) for this shape; "
                                       "the given shape differs, so the count is approximate"))
    return PerToken(model=model, full_extra=eq3 - model,
                    selective_extra=_selective_extra(2 * _FLOPS_PER_MAC * l_ * s_attn * h),
                    steps=steps, notes=notes)


def _palm(n: float, arch: Architecture, causal: bool) -> PerToken:
    """Chowdhery et al. 2022 Appendix B: 6N + 12·L·H·Q·T FLOPs per token.

    N is the parameter count given (PaLM uses its full 540B); 12·L·H·Q·T is the
    self-attention: QKᵀ and softmax·V cost 2·Q·T each per head, layer and token
    in the forward pass, times 3 passes. Full recompute adds one forward,
    2N + 4·L·H·Q·T. The appendix was read only through secondary copies; the
    tests check the attention term against PaLM §4.1's MFU with and without
    self-attention (46.2 vs 45.7 % for PaLM, 30.2 vs 29.7 % for MT-NLG).
    """
    t = arch.attended_context(causal)
    attn = 12 * arch.layers * arch.heads * arch.q * t
    model = 6 * n + attn
    step = make_step("training FLOPs per token", "C_token = 6·N + 12·L·H·Q·T",
                     [("N", n, "params"), ("L", arch.layers, "layers"), ("H", arch.heads, "heads"),
                      ("Q", arch.q, ""), ("T", t, "tokens")], model, "FLOPs/token")
    return PerToken(model=model, full_extra=2 * n + attn / _PASSES,
                    selective_extra=_selective_extra(attn / _PASSES), steps=[step])


def per_token_flops(
    method: str, n: float, arch: Architecture | None, causal: bool, embeddings: bool
) -> PerToken:
    """FLOPs per training token by `method`, one of `flopcast.workload.flops.METHODS`.

    The caller has checked `method` and that `arch` is given for every method but "6nd";
    `causal` halves the n_ctx² terms, `embeddings` is the chinchilla method's choice.
    """
    if method == "6nd":
        per = _six_nd(n, arch, causal)
    elif method == "kaplan":
        assert arch is not None
        per = _kaplan(arch, causal)
    elif method == "chinchilla":
        assert arch is not None
        per = _chinchilla(arch, causal, embeddings)
    elif method == "megatron":
        assert arch is not None
        per = _megatron(arch, causal)
    else:
        assert arch is not None
        per = _palm(n, arch, causal)
    if arch is not None and arch.windowed and method != "6nd":
        w = float(arch.sliding_window or arch.seq_len)
        per.steps.insert(0, make_step(
            "attended context per query (local layers within the window)",
            "n_ctx = ((L − L_loc)·s + L_loc·w) / L" if not causal else
            "n_ctx = ((L − L_loc)·s/2 + L_loc·(w − w²/(2s))) / L",
            [("L", arch.layers, "layers"), ("L_loc", arch.local_layers, "layers"),
             ("s", arch.seq_len, "tokens"), ("w", w, "tokens")],
            arch.attended_context(causal), "tokens"))
    return per
