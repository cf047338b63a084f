"""Inference memory: weights at the serving precision and the KV cache.

Weights take bytes_per_value · Ψ; the KV cache holds two tensors, K and V, per layer and KV
head::

    KV bytes = 2 · n_layer · n_kv_heads · d_head · context · batch · bytes_per_value

Grouped-query attention (Ainslie et al. 2023, arXiv:2305.13245) stores n_kv_heads < n_heads.
Tensor and pipeline parallelism split both over t·p devices.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

from flopcast.memory.shape import need
from flopcast.numbers.errors import InvalidInputError
from flopcast.numbers.results import Assumption, Step, make_step

if TYPE_CHECKING:  # pragma: no cover - flopcast.memory.estimate imports this module at run time
    from flopcast.memory.estimate import EstimateMemoryInput

__all__ = ["BYTES_PER_VALUE", "ValuePrecision", "inference_memory", "kv_cache_bytes"]

ValuePrecision = Literal["fp32", "bf16", "fp16", "fp8", "int8", "int4", "fp4"]

#: Bytes per stored value (IEEE / OCP formats; int4 and fp4 pack two values per byte).
BYTES_PER_VALUE: dict[str, float] = {
    "fp32": 4.0,
    "bf16": 2.0,
    "fp16": 2.0,
    "fp8": 1.0,
    "int8": 1.0,
    "int4": 0.5,
    "fp4": 0.5,
}


def kv_cache_bytes(
    layers: int, kv_heads: int, head_dim: int, tokens: float, bytes_per_value: float
) -> float:
    """KV cache: 2 (K and V) · n_layer · n_kv_heads · d_head · tokens · bytes.

    `tokens` is context × batch. Llama 2 70B (80 layers, 8 KV heads of 128) in bf16:

    >>> kv_cache_bytes(80, 8, 128, 1, 2.0)
    327680.0
    """
    return 2.0 * layers * kv_heads * head_dim * tokens * bytes_per_value


def inference_memory(
    args: EstimateMemoryInput,
    shape: dict[str, float | None],
    n_params: float,
    psi: float,
    t: int,
    p: int,
    steps: list[Step],
    assumptions: list[Assumption],
) -> tuple[float, float, float, float]:
    """Weights and KV cache per device for serving, from the shape and the arguments.

    Returns (weights, KV cache, KV cache per token of the whole model, weights and KV cache of
    all devices), in bytes.

    Raises:
        InvalidInputError: layers, kv_heads, head_dim or context neither given nor in a preset.
    """
    kv_prec: ValuePrecision
    if args.precision in ("fp16", "bf16", "fp32") and args.kv_precision is None:
        kv_prec = args.precision
    else:
        kv_prec = args.kv_precision or "bf16"
    if args.kv_precision is None:
        assumptions.append(
            Assumption(
                name="kv_precision",
                value=kv_prec,
                source="16-bit KV cache, as served by default; weight-only quantization "
                "(int8/int4/fp8 weights) keeps 16-bit activations",
            )
        )
    w_b = BYTES_PER_VALUE[args.precision]
    weights = w_b * psi
    steps.append(
        make_step(
            "weights per device",
            "M_w = bytes · Ψ_dev",
            [("bytes", w_b, f"bytes ({args.precision})"), ("Ψ_dev", psi, "params")],
            weights,
            "bytes",
        )
    )
    L, kvh, hd = need(shape, ("layers", "kv_heads", "head_dim"), "the KV cache")
    ctx = args.context
    if ctx is None:
        if shape["context"] is None:
            raise InvalidInputError("context", "needed for the KV cache; give it or a preset")
        ctx = int(shape["context"])
        assumptions.append(
            Assumption(
                name="context",
                value=f"{ctx} tokens",
                source=f"training context of the preset {args.model}",
            )
        )
    kv_b = BYTES_PER_VALUE[kv_prec]
    kv_per_token = kv_cache_bytes(int(L), int(kvh), int(hd), 1, kv_b)
    steps.append(
        make_step(
            "KV cache per token",
            "m = 2 · n_layer · n_kv · d_head · bytes",
            [
                ("n_layer", L, ""),
                ("n_kv", kvh, "heads"),
                ("d_head", hd, ""),
                ("bytes", kv_b, f"bytes ({kv_prec})"),
            ],
            kv_per_token,
            "bytes",
        )
    )
    kv = kv_per_token * ctx * args.batch / (t * p)
    spread_total = w_b * n_params + kv_per_token * ctx * args.batch
    steps.append(
        make_step(
            "KV cache per device",
            "M_kv = m · context · batch / (t · p)",
            [
                ("m", kv_per_token, "bytes"),
                ("context", ctx, "tokens"),
                ("batch", args.batch, ""),
                ("t", t, ""),
                ("p", p, ""),
            ],
            kv,
            "bytes",
        )
    )
    return weights, kv, kv_per_token, spread_total
