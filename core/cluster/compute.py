"""Compute time of one transformer layer on one device: matrix multiplies and the rest.

FLOPs (Narayanan et al. 2021, Megatron-LM, arXiv:2104.04473, Appendix: an (m×k)·(k×n) GEMM is
2mkn FLOPs). Forward, per layer, for b sequences of s tokens (T = b·s), hidden h, a query heads
and g key/value heads of width d_h, feed-forward width F:

    QKV projections       2·T·h·(a + 2g)·d_h
    attention output      2·T·a·d_h·h
    feed-forward          2·T·h·F · (3 if gated (SwiGLU) else 2)
    attention scores      4·b·s²·a·d_h   (QKᵀ and softmax·V; half when causal blocks are skipped)
    logits (last stage)   2·T·h·V

For GPT-3 shapes (g = a, a·d_h = h, F = 4h) the layer is 24·T·h² + 4·b·s²·h, Narayanan's Eq. 3
terms.

A mixture-of-experts layer (Fedus et al. 2022, Switch Transformer §2.1; Jiang et al. 2024,
Mixtral §2.1; DeepSeek-AI 2024, DeepSeek-V3 §2.1.2) replaces the feed-forward block by E routed
experts of width F_e, of which each token uses k, shared experts of total width F_s that every
token uses, and a router (a d×E matrix):

    routed experts        2·T·k·h·F_e · (3 if gated else 2)
    shared experts        2·T·h·F_s · (3 if gated else 2)
    router                2·T·h·E

The first layers of some models stay dense (DeepSeek-V2/V3: `moe_layers` < layers); they are
counted with their own width `dense_d_ff`. Multi-head latent attention (DeepSeek-V2 §2.1) has
low-rank projections that heads × head_dim does not describe: its projections are counted as
2·T·Ψ_attn, Ψ_attn the attention weights per layer that the published active parameters leave
after the experts, dense FFNs, routers and output head (`attention_params`; the 2·N FLOPs per
token of the 6·N·D convention the workload tools use); its scores as heads × head_dim. Each
expert multiplies only the tokens routed to it: with EP ranks each holding E/EP experts, one
expert's GEMM per micro-batch has T·k·EP/E rows, so its achievable fraction of peak
(`GemmCurve.fraction`) is lower than the dense layers' (balanced routing assumed).

Backward is twice the forward; full recomputation adds one forward, selective recomputation
(Korthikanti et al. 2022, arXiv:2205.05198, §5) only the attention scores.

Time: GEMM FLOPs ÷ (dense peak × achievable fraction), the fraction depending on the size of the
per-device GEMM (`flopcast.cluster.systems.GemmCurve`: narrow TP splits and small micro-batches
run further from peak, Narayanan et al. 2021 §3.3 and Fig. 7). The non-matmul work (layer norms,
GeLU/SwiGLU, dropout, softmax, residual adds) is memory-bound: its bytes are taken as twice the
activations the layer keeps (each written once and read once; Korthikanti et al. 2022 Table 2,
`flopcast.memory.activations.activation_bytes_per_layer`, without recomputation), moved at a
fraction of the HBM bandwidth. Ignored: kernel launch gaps, fused kernels that move less, and the
embedding lookup.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from flopcast.memory.activations import activation_bytes_per_layer

if TYPE_CHECKING:  # pragma: no cover
    from flopcast.catalog.models import ModelPreset

__all__ = [
    "LayerFlops",
    "ModelShape",
    "expert_gemm_flops",
    "layer_flops",
    "mla_attention_params",
    "model_forward_flops",
    "moe_fields",
    "nonmatmul_bytes",
    "pass_counts",
]


@dataclass(frozen=True)
class ModelShape:
    """The dense transformer the step-time model needs."""

    params: float
    layers: int
    d_model: int
    heads: int
    kv_heads: int
    head_dim: int
    d_ff: int
    gated: bool
    vocab: int
    seq_len: int
    experts: int = 0
    experts_per_token: int = 0
    shared_d_ff: int = 0
    moe_layers: int = 0
    dense_d_ff: int = 0
    attention_params: float = 0.0

    @property
    def is_moe(self) -> bool:
        """A mixture of experts: `d_ff` is then one routed expert's width."""
        return self.experts > 0 and self.moe_layers > 0

    @property
    def ffn_matrices(self) -> int:
        return 3 if self.gated else 2

    @property
    def expert_params(self) -> float:
        """Weights of all routed experts (moe_layers · E · m · h · F_e): what EP shards."""
        if not self.is_moe:
            return 0.0
        return float(self.moe_layers * self.experts * self.ffn_matrices * self.d_model
                     * self.d_ff)


@dataclass(frozen=True)
class LayerFlops:
    """Forward FLOPs of one layer (all TP ranks together) for one micro-batch.

    `dense` is a dense layer (projections + feed-forward); `moe` is the feed-forward of an MoE
    layer (routed + shared experts + router), of which `routed` runs as per-expert GEMMs.
    """

    dense: float
    attention: float
    attention_counted: float
    logits: float
    largest_gemm: float
    projections: float = 0.0
    moe: float = 0.0
    routed: float = 0.0


def layer_flops(shape: ModelShape, micro_batch: int, *, cp: int = 1,
                causal_skip: bool = False) -> LayerFlops:
    """Forward FLOPs of one layer for `micro_batch` sequences, on one CP rank's share.

    `attention_counted` is the non-causal count papers report (Megatron-LM Eq. 3, KOR22 Eq. 7);
    `attention` is what runs (half of it when causal blocks are skipped).

    >>> f = layer_flops(ModelShape(1.7e9, 24, 2304, 24, 24, 96, 9216, False, 51200, 2048), 16)
    >>> f.dense == 24 * 16 * 2048 * 2304**2, f.attention == 4 * 16 * 2048**2 * 2304
    (True, True)
    """
    s, h = shape.seq_len, shape.d_model
    tokens = micro_batch * s / cp
    qkv = 2.0 * tokens * h * (shape.heads + 2 * shape.kv_heads) * shape.head_dim
    out = 2.0 * tokens * shape.heads * shape.head_dim * h
    if shape.attention_params:
        qkv, out = 2.0 * tokens * shape.attention_params, 0.0
    m = shape.ffn_matrices
    dense_ff = (shape.dense_d_ff or shape.d_ff) if shape.is_moe else shape.d_ff
    ffn = 2.0 * tokens * h * dense_ff * m
    scores = 4.0 * tokens * s * shape.heads * shape.head_dim
    routed = moe = 0.0
    largest = 2.0 * tokens * h * shape.d_ff
    if shape.is_moe:
        routed = 2.0 * tokens * shape.experts_per_token * h * shape.d_ff * m
        moe = routed + 2.0 * tokens * h * shape.shared_d_ff * m + 2.0 * tokens * h * shape.experts
        # The largest GEMM outside the experts: a dense or shared FFN matrix or the Q projection.
        largest = 2.0 * tokens * h * max(dense_ff if shape.moe_layers < shape.layers else 0,
                                         shape.shared_d_ff, shape.heads * shape.head_dim)
    return LayerFlops(
        dense=qkv + out + ffn,
        attention=scores * (0.5 if causal_skip else 1.0),
        attention_counted=scores,
        logits=2.0 * tokens * h * shape.vocab,
        largest_gemm=largest,
        projections=qkv + out,
        moe=moe,
        routed=routed,
    )


def expert_gemm_flops(shape: ModelShape, micro_batch: int, *, cp: int = 1, ep: int = 1) -> float:
    """FLOPs of one routed expert's largest GEMM (h × F_e) for one micro-batch, all TP ranks
    together: 2 · (T·k·EP/E) · h · F_e, T = b·s/CP tokens per rank (balanced routing).

    >>> mixtral = ModelShape(46.7e9, 32, 4096, 32, 8, 128, 14336, True, 32000, 4096,
    ...                      experts=8, experts_per_token=2, moe_layers=32)
    >>> expert_gemm_flops(mixtral, 1, ep=1) == 2 * (4096 * 2 / 8) * 4096 * 14336
    True
    """
    tokens = micro_batch * shape.seq_len / cp
    rows = tokens * shape.experts_per_token * ep / shape.experts
    return 2.0 * rows * shape.d_model * shape.d_ff


def model_forward_flops(shape: ModelShape) -> tuple[float, float]:
    """(forward FLOPs of all layers for one sequence as papers count them (non-causal
    attention), of which attention scores): dense layers plus MoE layers with their active
    experts.

    >>> f, a = model_forward_flops(ModelShape(1.7e9, 24, 2304, 24, 24, 96, 9216, False, 51200,
    ...                                       2048))
    >>> f == 24 * (24 * 2048 * 2304**2 + 4 * 2048**2 * 2304)
    True
    """
    one = layer_flops(shape, 1)
    moe_layers = shape.moe_layers if shape.is_moe else 0
    dense_layers = shape.layers - moe_layers
    attn = shape.layers * one.attention_counted
    return (dense_layers * one.dense + moe_layers * (one.projections + one.moe) + attn, attn)


def mla_attention_params(preset: ModelPreset) -> float:
    """Attention weights of one multi-head-latent-attention layer, from the published active
    parameters: (N_active − active FFN weights − routers − V·h (output head)) / layers.

    DeepSeek-V2 (21B active): (21e9 − 11.89e9) / 60 ≈ 152M, against 149M counted from its
    released shapes (tests/core/cluster/test_moe.py).
    """
    m = 3 if preset.gated_ffn else 2
    h = preset.d_model
    moe_layers = preset.layers if preset.moe_layers is None else preset.moe_layers
    e_ff = preset.d_ff or 0
    ffn = (moe_layers * m * h * (e_ff * (preset.experts_per_token or 0) + preset.shared_d_ff)
           + (preset.layers - moe_layers) * m * h * (preset.dense_d_ff or e_ff))
    routers = moe_layers * h * (preset.experts or 0)
    active = preset.active_params or preset.params
    return max(0.0, (active - ffn - routers - preset.vocab * h) / preset.layers)


def moe_fields(preset: ModelPreset, layers: int, *, mla: bool = True) -> dict[str, Any]:
    """The mixture-of-experts fields of `ModelShape` for a preset ({} for a dense one), with
    `layers` of the run: a preset's dense first layers stay dense when `layers` differs.
    `attention_params` is set for latent attention (MLA) when `mla` (the preset's own width and
    heads are used)."""
    if not (preset.experts and preset.experts_per_token):
        return {}
    dense = preset.layers - (preset.layers if preset.moe_layers is None else preset.moe_layers)
    out: dict[str, Any] = {
        "experts": preset.experts, "experts_per_token": preset.experts_per_token,
        "shared_d_ff": preset.shared_d_ff, "moe_layers": max(0, layers - dense),
        "dense_d_ff": preset.dense_d_ff or 0}
    if mla and preset.kv_lora_rank is not None and preset.active_params is not None:
        out["attention_params"] = mla_attention_params(preset)
    return out


def pass_counts(recompute: str) -> tuple[int, int]:
    """(dense passes, attention passes): forward 1 + backward 2, plus recomputed forwards.

    >>> pass_counts("none"), pass_counts("selective"), pass_counts("full")
    ((3, 3), (3, 4), (4, 4))
    """
    if recompute == "full":
        return 4, 4
    if recompute == "selective":
        return 3, 4
    return 3, 3


def nonmatmul_bytes(shape: ModelShape, micro_batch: int, *, tp: int, cp: int,
                    sequence_parallel: bool, flash_attention: bool) -> float:
    """HBM bytes of one layer's non-matmul work in one forward pass on one device:
    2 × the activations it keeps (Korthikanti et al. 2022, Table 2).

    >>> nonmatmul_bytes(ModelShape(1, 1, 1024, 16, 16, 64, 4096, False, 1, 2048), 1, tp=1,
    ...                 cp=1, sequence_parallel=False, flash_attention=True)  # 2·s·b·h·34
    142606336.0
    """
    return 2.0 * activation_bytes_per_layer(
        shape.seq_len // cp, micro_batch, shape.d_model, shape.heads, tensor_parallel=tp,
        sequence_parallel=sequence_parallel, recompute="none", flash_attention=flash_attention)
