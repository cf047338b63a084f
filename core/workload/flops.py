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
counted as that paper's Eq. (8) counts it (see `flopcast.workload.methods`). MFU is
defined on model FLOPs (PaLM §4.1), HFU on hardware FLOPs.

Conventions, as named options echoed in the steps: ``attention="full"`` counts
the attention matmuls over the whole n_ctx × n_ctx score matrix as the papers
do; ``"causal"`` halves those terms (a causal kernel skips the masked half).
``embedding_flops`` says whether the chinchilla method counts the embedding and
final-logits matmuls: Appendix F's text includes them, while its Table A4 ratios
are reproduced only without them (the comparison is per transformer layer).

The shape lives in `flopcast.workload.architecture` (`Architecture`, re-exported here), the
per-token count of each method in `flopcast.workload.methods`; this module checks the
options, adds the recompute, totals over D and says what it assumed.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from flopcast.numbers.errors import InvalidInputError, quote
from flopcast.numbers.results import Assumption, Step, make_step
from flopcast.workload.architecture import Architecture
from flopcast.workload.methods import per_token_flops

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

_DETAILED_NEEDS = (
    "layers, d_model, heads, seq_len, vocab (from a model preset or explicit arguments)"
)


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
            raise InvalidInputError(name, f"must be a finite number > 0, got {quote(value)}")
    if method not in METHODS:
        raise InvalidInputError("method",
                                f"unknown method {quote(method)}; accepted: {', '.join(METHODS)}")
    if recompute not in RECOMPUTES:
        raise InvalidInputError(
            "recompute", f"unknown mode {quote(recompute)}; accepted: {', '.join(RECOMPUTES)}")
    if attention not in ("full", "causal"):
        raise InvalidInputError("attention", f"unknown {quote(attention)}; accepted: full, causal")
    if method != "6nd" and arch is None:
        raise InvalidInputError("method", f"{quote(method)} needs {_DETAILED_NEEDS}; or use '6nd'")
    causal = attention == "causal"
    n, d = float(params), float(tokens)
    per = per_token_flops(method, n, arch, causal, embedding_flops == "included")

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
