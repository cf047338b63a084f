"""Inference memory: weights at the serving precision and the KV cache.

Weights take bytes_per_value · Ψ; the KV cache holds two tensors, K and V, per layer and KV
head::

    KV bytes = 2 · n_layer · n_kv_heads · d_head · context · batch · bytes_per_value

Grouped-query attention (Ainslie et al. 2023, arXiv:2305.13245) stores n_kv_heads < n_heads.
Tensor and pipeline parallelism split both over t·p devices.

Two variants change what a layer caches (`attention_kv`, used when the model preset or config
says so):

- multi-head latent attention (DeepSeek-AI 2024, "DeepSeek-V2", arXiv:2405.04434, §2.1 and
  Table 1: "(d_c + d_h^R)·l" elements per token) caches one latent of width d_c
  (kv_lora_rank) and one RoPE key of width d_h^R (qk_rope_head_dim) per layer, shared by all
  heads: m_layer = d_c + d_h^R values, instead of 2·n_kv·d_head;
- sliding-window (local) layers (Mistral 7B, Gemma 2/3, gpt-oss; Llama 4's chunked layers)
  keep at most `window` tokens, so a sequence of s tokens caches
  m_layer · ((L − L_local)·s + L_local·min(s, window)) values.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Literal

from flopcast.memory.shape import need
from flopcast.numbers.errors import InvalidInputError
from flopcast.numbers.results import Assumption, Step, make_step

if TYPE_CHECKING:  # pragma: no cover - flopcast.memory.estimate imports this module at run time
    from flopcast.memory.estimate import EstimateMemoryInput

__all__ = [
    "BYTES_PER_VALUE",
    "ValuePrecision",
    "attention_kv",
    "inference_memory",
    "kv_cache_bytes",
    "kv_cache_values",
    "variant_kv_step",
]

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


def kv_cache_values(
    layers: int, per_layer: float, context: float, local_layers: int = 0, window: float = 0
) -> float:
    """Values cached for one sequence of `context` tokens (see the module docstring).

    DeepSeek-V3 (61 layers of 512 + 64), one token: 61 · 576 = 35,136 values;
    Gemma 2 9B (42 layers, 21 local of window 4096, 2·8·256 per layer) at 8192 tokens:

    >>> kv_cache_values(61, 576, 1)
    35136.0
    >>> kv_cache_values(42, 4096, 8192, 21, 4096)
    1056964608.0
    """
    local_tokens = min(context, window) if local_layers else 0.0
    return float(per_layer * ((layers - local_layers) * context + local_layers * local_tokens))


def attention_kv(preset: object | None, given: dict[str, object]) -> dict[str, float]:
    """Shape entries for a latent or windowed KV cache, from a preset (or config) that has one.

    Empty when the cache is the plain 2·n_layer·n_kv·d_head per token, or when the caller gave
    layers, kv_heads or head_dim (the explicit shape is then taken as plain attention).
    """
    if preset is None or getattr(preset, "plain_kv_cache", True):
        return {}
    if any(given.get(k) is not None for k in ("layers", "kv_heads", "head_dim")):
        return {}
    return {"kv_per_layer": float(preset.kv_values_per_token_layer),  # type: ignore[attr-defined]
            "local_layers": float(preset.local_layers),  # type: ignore[attr-defined]
            "window": float(preset.sliding_window or 0),  # type: ignore[attr-defined]
            "mla": 1.0 if preset.kv_lora_rank is not None else 0.0}  # type: ignore[attr-defined]


def variant_kv_step(
    shape: Mapping[str, float | None], context: float, batch: float, kv_b: float, kv_prec: str,
    steps: list[Step],
) -> float:
    """Bytes of the KV cache of `batch` sequences for a latent or windowed cache (a step)."""
    layers, per_layer = float(shape["layers"] or 0), float(shape["kv_per_layer"] or 0)
    local, window = float(shape.get("local_layers") or 0), float(shape.get("window") or 0)
    values = kv_cache_values(int(layers), per_layer, context, int(local), window)
    total = values * batch * kv_b
    what = "d_c + d_rope (latent attention)" if shape.get("mla") else "2 · n_kv · d_head"
    inputs: list[tuple[str, float, str]] = [("L", layers, "layers"),
                                            ("m_layer", per_layer, f"values/token ({what})")]
    if local:
        formula = "KV = m_layer · ((L − L_local)·s + L_local·min(s, window)) · batch · bytes"
        inputs += [("L_local", local, "layers"), ("window", window, "tokens")]
    else:
        formula = "KV = m_layer · L · s · batch · bytes"
    inputs += [("s", context, "tokens"), ("batch", batch, ""), ("bytes", kv_b, kv_prec)]
    steps.append(make_step("KV cache of the batch", formula, inputs, total, "bytes"))
    return total


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
    if shape.get("kv_per_layer"):
        kv_all = variant_kv_step(shape, ctx, args.batch, kv_b, kv_prec, steps)
        kv = kv_all / (t * p)
        steps.append(make_step("KV cache per device", "M_kv = KV / (t · p)",
                               [("KV", kv_all, "bytes"), ("t", t, ""), ("p", p, "")], kv, "bytes"))
        return weights, kv, kv_all / (ctx * args.batch), w_b * n_params + kv_all
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
