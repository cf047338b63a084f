"""Training FLOPs of a dense decoder-only transformer, by named method.

Methods (each echoed, with its formula, in `steps`):

- ``6nd``: C = 6·N·D (Kaplan et al. 2020 §2.1; Brown et al. 2020 App. D, Table D.1).
- ``kaplan``: Kaplan et al. 2020 Table 1, forward 2N + 2·n_layer·n_ctx·d_attn per token.
- ``chinchilla``: Hoffmann et al. 2022 Appendix F, every matmul of a sequence counted.
- ``megatron``: Narayanan et al. 2021 §5.1 Eq. (3), 96·B·s·l·h²·(1 + s/6h + V/16lh).
- ``palm``: Chowdhery et al. 2022 Appendix B, 6N + 12·L·H·Q·T per token.

Model FLOPs (`flops`) count one forward and one backward pass (backward = 2 ×
forward, as all five papers assume). Hardware FLOPs (`hardware_flops`) add what
activation recomputation executes again: ``full`` re-runs the forward pass of
every transformer layer (Megatron-LM's 4 passes instead of 3); ``selective``
re-runs only the attention core, QKᵀ and softmax·V (Korthikanti et al. 2022 §5),
counted as that paper's Eq. (8) counts it (see `_selective_extra`). MFU is
defined on model FLOPs (PaLM §4.1), HFU on hardware FLOPs.

Conventions, as named options echoed in the steps: ``attention="full"`` counts
the attention matmuls over the whole n_ctx × n_ctx score matrix as the papers
do; ``"causal"`` halves those terms (a causal kernel skips the masked half).
``embedding_flops`` says whether the chinchilla method counts the embedding and
final-logits matmuls: Appendix F's text includes them, while its Table A4 ratios
are reproduced only without them (the comparison is per transformer layer).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from flopcast.errors import InvalidInputError
from flopcast.results import Assumption, Step, make_step

__all__ = [
    "METHODS",
    "Architecture",
    "AttentionCount",
    "EmbeddingFlops",
    "FlopsEstimate",
    "Method",
    "Recompute",
    "training_flops",
]

Method = Literal["6nd", "kaplan", "chinchilla", "megatron", "palm"]
Recompute = Literal["none", "selective", "full"]
AttentionCount = Literal["full", "causal"]
EmbeddingFlops = Literal["included", "excluded"]
METHODS: tuple[str, ...] = ("6nd", "kaplan", "chinchilla", "megatron", "palm")
RECOMPUTES: tuple[str, ...] = ("none", "selective", "full")

#: Forward + backward = 3 forward passes; backward ≈ 2 × forward (Kaplan et al.
#: 2020 §2.1; Hoffmann et al. 2022 App. F: "As in Kaplan et al. (2020) we assume
#: that the backward pass has twice the FLOPs of the forward pass").
_PASSES = 3
#: One multiply-accumulate = 2 FLOPs (Hoffmann et al. 2022 App. F; Kaplan Table 1).
_FLOPS_PER_MAC = 2
#: Softmax FLOPs per score (Hoffmann et al. 2022 App. F: "3 × num_heads × seq_len × seq_len").
_SOFTMAX_FLOPS_PER_SCORE = 3
_DETAILED_NEEDS = (
    "layers, d_model, heads, seq_len, vocab (from a model preset or explicit arguments)"
)


class Architecture(BaseModel):
    """Shape of a dense decoder-only transformer (the symbols of the papers).

    `layers` = n_layer = L = l; `d_model` = h; `seq_len` = n_ctx = s = T;
    `vocab` = V; `head_dim` = Q (key/value size); d_attn = heads · head_dim.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    layers: int = Field(gt=0, description="Transformer blocks (n_layer, L).")
    d_model: int = Field(gt=0, description="Residual-stream width (h).")
    heads: int = Field(gt=0, description="Attention (query) heads (H).")
    seq_len: int = Field(gt=0, description="Training sequence length in tokens (n_ctx, s, T).")
    vocab: int = Field(gt=0, description="Vocabulary size (V).")
    d_ff: int | None = Field(default=None, gt=0, description="FFN width; default 4·d_model.")
    kv_heads: int | None = Field(default=None, gt=0, description="Key/value heads; default heads.")
    head_dim: int | None = Field(default=None, gt=0, description="Head width; d_model/heads.")
    gated_ffn: bool = Field(default=False, description="SwiGLU-style FFN: 3 matrices, not 2.")

    @model_validator(mode="after")
    def _head_dim_defined(self) -> Architecture:
        if self.head_dim is None and self.d_model % self.heads:
            raise ValueError(
                f"d_model {self.d_model} is not a multiple of heads {self.heads}; give head_dim"
            )
        return self

    @property
    def q(self) -> int:
        """Per-head width Q (key/value size)."""
        return self.head_dim if self.head_dim is not None else self.d_model // self.heads

    @property
    def d_attn(self) -> int:
        """Width of all query heads together, H · Q."""
        return self.heads * self.q

    @property
    def d_kv(self) -> int:
        """Width of all key (or value) heads together."""
        return (self.kv_heads if self.kv_heads is not None else self.heads) * self.q

    @property
    def ffw(self) -> int:
        """Feed-forward inner width (4·d_model when not given)."""
        return self.d_ff if self.d_ff is not None else 4 * self.d_model

    @property
    def ffn_matrices(self) -> int:
        """d_model × d_ff matrices per feed-forward block: 3 if gated, else 2."""
        return 3 if self.gated_ffn else 2

    @property
    def layer_params(self) -> int:
        """Matmul weights of one block: Q, K, V, output projection and feed-forward."""
        attention = self.d_model * (self.d_attn + 2 * self.d_kv) + self.d_attn * self.d_model
        return attention + self.ffn_matrices * self.d_model * self.ffw

    def param_count(self, embedding_matrices: int = 1) -> int:
        """Weights of the matmuls: L · layer_params + embedding_matrices · V · d_model.

        Biases, norms and position embeddings are left out (about 0.01–0.5 %
        for the presets). `embedding_matrices` is 1 when input and output
        embeddings are tied (GPT-3, PaLM), 2 when untied (LLaMA).
        """
        return self.layers * self.layer_params + embedding_matrices * self.vocab * self.d_model

    def defaults_used(self) -> list[Assumption]:
        """Assumptions for the fields left empty."""
        out = []
        if self.d_ff is None:
            out.append(Assumption(name="d_ff", value=f"4 · d_model = {4 * self.d_model}",
                                  source="GPT-3 §2.1, Chinchilla Table 4: d_ff = 4 × d_model"))
        if self.head_dim is None:
            out.append(Assumption(name="head_dim", value=f"d_model / heads = {self.q}",
                                  source="multi-head attention (Vaswani et al. 2017 §3.2.2)"))
        if self.kv_heads is None:
            out.append(Assumption(name="kv_heads", value=f"heads = {self.heads}",
                                  source="multi-head attention: one key/value head per query head"))
        return out


class FlopsEstimate(BaseModel):
    """Training FLOPs: model FLOPs (forward + backward) and hardware FLOPs (+ recompute)."""

    model_config = ConfigDict(extra="forbid")

    flops: float = Field(description="Model FLOPs for the whole run (forward + backward).")
    hardware_flops: float = Field(description="FLOPs executed including activation recompute.")
    flops_per_token: float = Field(description="Model FLOPs per training token.")
    hardware_flops_per_token: float = Field(description="Hardware FLOPs per training token.")
    params: float = Field(description="N used by the method (parameters).")
    tokens: float = Field(description="D, training tokens.")
    method: str
    recompute: str
    attention: str = "full"
    ratio_to_6nd: float = Field(description="flops / (6·N·D) with the N given.")
    steps: list[Step] = Field(default_factory=list)
    assumptions: list[Assumption] = Field(default_factory=list)


@dataclass
class _PerToken:
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
    per_layer = 2 * _FLOPS_PER_MAC * arch.seq_len * arch.d_attn
    return arch.layers * per_layer * (0.5 if causal else 1.0)


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


def _six_nd(n: float, arch: Architecture | None, causal: bool) -> _PerToken:
    """C = 6·N per token: 2N forward (a multiply and an add per weight) + 4N backward.

    Kaplan et al. 2020 §2.1 (C ≈ 6N, context term dropped); Brown et al. 2020
    App. D ("we ignore the attention operation, as it typically uses less than
    10% of the total compute"). Full recompute adds a forward (2N): 8N, the
    "8TP" of Narayanan et al. 2021 Eq. (4).
    """
    step = make_step("FLOPs per token", "C_token = 6 · N", [("N", n, "params")], 6 * n,
                     "FLOPs/token")
    sel = _selective_extra(_attention_core_forward(arch, causal)) if arch is not None else None
    return _PerToken(model=6 * n, full_extra=2 * n, selective_extra=sel, steps=[step])


def _kaplan(arch: Architecture, causal: bool) -> _PerToken:
    """Kaplan et al. 2020 Table 1: C_forward = 2N + 2·n_layer·n_ctx·d_attn; training = 3×.

    N is computed from the shape, non-embedding, as Table 1's "Total
    (Non-Embedding)": N = n_layer·(d_model·(d_attn + 2·d_kv) + d_attn·d_model +
    k·d_model·d_ff), which is Table 1's 2·d_model·n_layer·(2·d_attn + d_ff) for
    multi-head attention and a 2-matrix FFN (k = 3 for gated FFNs, d_kv < d_attn
    for grouped-query attention). Embedding and de-embedding FLOPs are left out,
    as in Table 1's total. The context term uses the paper's coefficient 2.
    """
    n = arch.layers * arch.layer_params
    ctx = arch.seq_len * (0.5 if causal else 1.0)
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
    return _PerToken(model=_PASSES * fwd, full_extra=fwd, selective_extra=_selective_extra(attn),
                     steps=steps)


def _chinchilla(arch: Architecture, causal: bool, embeddings: bool) -> _PerToken:
    """Hoffmann et al. 2022 Appendix F, forward FLOPs of one sequence of s tokens.

    embeddings 2·s·V·d_model; per layer: QKV 2·s·d_model·(d_attn + 2·d_kv) (the
    paper's 2·3·s·d_model·d_attn for multi-head attention), key@query logits
    2·s²·d_attn, softmax 3·H·s², softmax@value 2·s²·d_attn, final linear
    2·s·d_attn·d_model; dense block 2·s·k·d_model·d_ff (k = 2 as printed, 3 if
    gated); final logits 2·s·d_model·V. Forward = embeddings + L·(attention +
    dense) + logits; training = 3 × forward; per token = ÷ s.
    """
    s, d, v, h = arch.seq_len, arch.d_model, arch.vocab, arch.heads
    half = 0.5 if causal else 1.0
    qkv = _FLOPS_PER_MAC * s * d * (arch.d_attn + 2 * arch.d_kv)
    logits_kq = _FLOPS_PER_MAC * s * s * arch.d_attn * half
    softmax = _SOFTMAX_FLOPS_PER_SCORE * h * s * s * half
    reduce_v = _FLOPS_PER_MAC * s * s * arch.d_attn * half
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
    return _PerToken(model=_PASSES * forward / s, full_extra=layers_fwd / s,
                     selective_extra=selective, steps=steps)


def _megatron(arch: Architecture, causal: bool) -> _PerToken:
    """Narayanan et al. 2021 §5.1: per layer forward 24·B·s·h² + 4·B·s²·h, logits 2·B·s·h·V.

    Eq. (3), F = 96·B·s·l·h²·(1 + s/6h + V/16lh), counts 4 passes of the layers
    (activation recomputation) and 3 of the logits. Model FLOPs (3 passes of
    both) are 72·B·s·l·h²·(1 + s/6h + V/12lh) (Korthikanti et al. 2022 App. A,
    Eq. 7). Per token, divide by B·s. Assumes d_ff = 4h and multi-head
    attention, as the paper does; other shapes are approximated.
    """
    h, s, l_, v = arch.d_model, arch.seq_len, arch.layers, arch.vocab
    s_attn = s * (0.5 if causal else 1.0)
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
    return _PerToken(model=model, full_extra=eq3 - model,
                     selective_extra=_selective_extra(2 * _FLOPS_PER_MAC * l_ * s_attn * h),
                     steps=steps, notes=notes)


def _palm(n: float, arch: Architecture, causal: bool) -> _PerToken:
    """Chowdhery et al. 2022 Appendix B: 6N + 12·L·H·Q·T FLOPs per token.

    N is the parameter count given (PaLM uses its full 540B); 12·L·H·Q·T is the
    self-attention: QKᵀ and softmax·V cost 2·Q·T each per head, layer and token
    in the forward pass, times 3 passes. Full recompute adds one forward,
    2N + 4·L·H·Q·T. The appendix was read only through secondary copies; the
    tests check the attention term against PaLM §4.1's MFU with and without
    self-attention (46.2 vs 45.7 % for PaLM, 30.2 vs 29.7 % for MT-NLG).
    """
    t = arch.seq_len * (0.5 if causal else 1.0)
    attn = 12 * arch.layers * arch.heads * arch.q * t
    model = 6 * n + attn
    step = make_step("training FLOPs per token", "C_token = 6·N + 12·L·H·Q·T",
                     [("N", n, "params"), ("L", arch.layers, "layers"), ("H", arch.heads, "heads"),
                      ("Q", arch.q, ""), ("T", t, "tokens")], model, "FLOPs/token")
    return _PerToken(model=model, full_extra=2 * n + attn / _PASSES,
                     selective_extra=_selective_extra(attn / _PASSES), steps=[step])


def training_flops(
    *,
    params: float,
    tokens: float,
    method: Method = "6nd",
    recompute: Recompute = "none",
    arch: Architecture | None = None,
    attention: AttentionCount = "full",
    embedding_flops: EmbeddingFlops = "included",
) -> FlopsEstimate:
    """Total training FLOPs of a run of `tokens` tokens on a model of `params` parameters.

    Args:
        params: N, parameters (for a mixture of experts: active parameters).
        tokens: D, training tokens.
        method: "6nd" (default) or a per-layer count: "kaplan", "chinchilla",
            "megatron", "palm" (these need `arch`).
        recompute: "none", "selective" (needs `arch`) or "full"; changes only
            `hardware_flops`.
        arch: the transformer's shape.
        attention: "full" (as the papers) or "causal" (halve the n_ctx² terms).
        embedding_flops: chinchilla only: count the embedding and logits matmuls.

    Raises:
        InvalidInputError: bad numbers, unknown method/recompute, or a method or
            recompute mode that needs `arch` without it.

    GPT-3 175B (Brown et al. 2020 Table D.1: 174.6B parameters, 300B tokens, 3.14E+23):

    >>> est = training_flops(params=174.6e9, tokens=300e9, recompute="full")
    >>> f"{est.flops:.3g} {est.hardware_flops:.3g}"
    '3.14e+23 4.19e+23'
    """
    for name, value in (("params", params), ("tokens", tokens)):
        if isinstance(value, bool) or not isinstance(value, int | float) or not value > 0 \
                or value == float("inf"):
            raise InvalidInputError(name, f"must be a finite number > 0, got {value!r}")
    if method not in METHODS:
        raise InvalidInputError("method",
                                f"unknown method {method!r}; accepted: {', '.join(METHODS)}")
    if recompute not in RECOMPUTES:
        raise InvalidInputError("recompute",
                                f"unknown mode {recompute!r}; accepted: {', '.join(RECOMPUTES)}")
    if attention not in ("full", "causal"):
        raise InvalidInputError("attention", f"unknown {attention!r}; accepted: full, causal")
    if method != "6nd" and arch is None:
        raise InvalidInputError("method", f"{method!r} needs {_DETAILED_NEEDS}; or use '6nd'")
    causal = attention == "causal"
    n, d = float(params), float(tokens)
    if method == "6nd":
        per = _six_nd(n, arch, causal)
    elif method == "kaplan":
        assert arch is not None
        per = _kaplan(arch, causal)
    elif method == "chinchilla":
        assert arch is not None
        per = _chinchilla(arch, causal, embedding_flops == "included")
    elif method == "megatron":
        assert arch is not None
        per = _megatron(arch, causal)
    else:
        assert arch is not None
        per = _palm(n, arch, causal)

    if recompute == "selective" and per.selective_extra is None:
        raise InvalidInputError("recompute", "'selective' recomputes the attention core and needs "
                                f"{_DETAILED_NEEDS}; or use 'none' or 'full'")
    extras = {"none": 0.0, "full": per.full_extra, "selective": per.selective_extra or 0.0}
    extra = extras[recompute]
    flops = per.model * d
    steps = list(per.steps)
    steps.append(make_step("training FLOPs (model)", "C = C_token · D",
                           [("C_token", per.model, "FLOPs/token"), ("D", d, "tokens")],
                           flops, "FLOPs"))
    hw_token = per.model + extra
    if recompute != "none":
        what = {"full": "one more forward pass of every layer",
                "selective": "QKᵀ and softmax·V counted again, Korthikanti et al. Eq. 8"}[recompute]
        steps.append(make_step(f"hardware FLOPs ({recompute} recompute: {what})",
                               "C_hw = (C_token + C_recompute) · D",
                               [("C_token", per.model, "FLOPs/token"),
                                ("C_recompute", extra, "FLOPs/token"), ("D", d, "tokens")],
                               hw_token * d, "FLOPs"))
    assumptions = list(per.notes)
    if arch is not None and (method != "6nd" or recompute == "selective"):
        assumptions.extend(arch.defaults_used())
    assumptions.append(Assumption(name="backward pass", value="2 × forward (3 passes in all)",
                                  source="Kaplan et al. 2020 §2.1; Hoffmann et al. 2022 App. F"))
    if method != "6nd" or recompute == "selective":
        assumptions.append(Assumption(
            name="attention", value=attention,
            source="'full' counts the whole n_ctx × n_ctx score matrix, as the papers do; "
                   "'causal' halves it"))
    if method == "chinchilla":
        assumptions.append(Assumption(
            name="embedding_flops", value=embedding_flops,
            source="Hoffmann et al. 2022 App. F text counts embeddings and logits; Table A4 "
                   "ratios match the per-layer count without them"))
    return FlopsEstimate(
        flops=flops, hardware_flops=hw_token * d, flops_per_token=per.model,
        hardware_flops_per_token=hw_token, params=n, tokens=d, method=method,
        recompute=recompute, attention=attention, ratio_to_6nd=per.model / (6 * n),
        steps=steps, assumptions=assumptions,
    )
