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
terms. Backward is twice the forward; full recomputation adds one forward, selective
recomputation (Korthikanti et al. 2022, arXiv:2205.05198, §5) only the attention scores.

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

from flopcast.memory.activations import activation_bytes_per_layer

__all__ = ["LayerFlops", "ModelShape", "layer_flops", "nonmatmul_bytes", "pass_counts"]


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


@dataclass(frozen=True)
class LayerFlops:
    """Forward FLOPs of one layer (all TP ranks together) for one micro-batch."""

    dense: float
    attention: float
    attention_counted: float
    logits: float
    largest_gemm: float


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
    ffn = 2.0 * tokens * h * shape.d_ff * (3 if shape.gated else 2)
    scores = 4.0 * tokens * s * shape.heads * shape.head_dim
    return LayerFlops(
        dense=qkv + out + ffn,
        attention=scores * (0.5 if causal_skip else 1.0),
        attention_counted=scores,
        logits=2.0 * tokens * h * shape.vocab,
        largest_gemm=2.0 * tokens * h * shape.d_ff,
    )


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
