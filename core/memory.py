"""Device memory for training (model states + activations) and inference (weights + KV cache).

Training, per device (Rajbhandari et al. 2020, "ZeRO: Memory Optimizations Toward Training
Trillion Parameter Models", arXiv:1910.02054, §3.1 and Figure 1): mixed-precision Adam keeps
2Ψ bytes of fp16/bf16 weights, 2Ψ of gradients and KΨ of optimizer state with K = 12 (fp32
master weights, momentum and variance), 16Ψ in all. ZeRO stage 1 partitions the optimizer
state over the N_d data-parallel ranks, stage 2 the gradients too, stage 3 the weights too
(§5, Figure 1). Tensor (t) and pipeline (p) parallelism first split Ψ over t·p devices.

Activations per transformer layer (Korthikanti et al. 2022, "Reducing Activation
Recomputation in Large Transformer Models", arXiv:2205.05198, Table 2; 16-bit activations,
s = sequence length, b = micro-batch, h = d_model, a = heads, t = tensor-parallel degree)::

    no parallelism                 s·b·h·(34 + 5·a·s/h)
    tensor parallel                s·b·h·(10 + 24/t + 5·a·s/(h·t))
    tensor + sequence parallel     s·b·h·(34/t + 5·a·s/(h·t))
    selective recomputation        drops the 5·a·s/h term (the a·s² attention scores)
    full recomputation             s·b·h·2   (only each layer's input)

FlashAttention (Dao et al. 2022, arXiv:2205.14135) never stores the a·s² scores, so with
``flash_attention=True`` (the default) the 5·a·s/h term is dropped as under selective
recomputation. With pipeline parallelism under the 1F1B schedule the first stage holds p
micro-batches of L/p layers, so the activations per device are L layers' worth whatever p
(Korthikanti et al. 2022, §4, on pipeline parallelism). Ignored: the embedding and output
layers' activations (including the logits over the vocabulary), framework buffers,
fragmentation and the CUDA context — a few GB per device in practice.

Inference: weights at the serving precision, plus the KV cache (two tensors, K and V, per
layer and KV head)::

    KV bytes = 2 · n_layer · n_kv_heads · d_head · context · batch · bytes_per_value

Grouped-query attention (Ainslie et al. 2023, arXiv:2305.13245) stores n_kv_heads < n_heads.
"""

from __future__ import annotations

import math
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from flopcast.errors import InvalidInputError
from flopcast.quantities import Language, format_bytes, format_count, parse_quantity
from flopcast.results import Assumption, Result, Step, make_step
from flopcast.validation import validate_args

__all__ = [
    "BYTES_PER_VALUE",
    "EstimateMemoryInput",
    "MemoryEstimate",
    "Optimizer",
    "Recompute",
    "activation_bytes_per_layer",
    "estimate_memory",
    "kv_cache_bytes",
    "model_state_bytes_per_param",
    "training_state_bytes",
]

Optimizer = Literal["adamw", "adam", "adam_8bit", "sgd_momentum", "sgd"]
Recompute = Literal["none", "selective", "full"]
TrainingPrecision = Literal["bf16", "fp16", "fp32"]
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
#: Optimizer state per parameter, bytes, not counting fp32 master weights.
_OPTIMIZER_STATE_BYTES: dict[str, tuple[float, str]] = {
    "adam": (8.0, "Adam momentum + variance in fp32, 4 + 4 bytes (ZeRO paper §3.1)"),
    "adamw": (8.0, "AdamW momentum + variance in fp32, 4 + 4 bytes (ZeRO paper §3.1)"),
    "adam_8bit": (
        2.0,
        "8-bit Adam: two 1-byte block-quantized states (Dettmers et al. 2022, "
        "8-bit Optimizers via Block-wise Quantization, arXiv:2110.02861; the fp32 scale of "
        "each 2048-value block, +0.2 %, is ignored)",
    ),
    "sgd_momentum": (4.0, "SGD momentum buffer in fp32, 4 bytes"),
    "sgd": (0.0, "plain SGD keeps no state"),
}
_ZERO_SOURCE = (
    "Rajbhandari et al. 2020, ZeRO, arXiv:1910.02054, §3.1 (2Ψ + 2Ψ + KΨ, K = 12 for "
    "mixed-precision Adam) and §5 / Figure 1 (stages 1-3)"
)
_KORTHIKANTI = "Korthikanti et al. 2022, Reducing Activation Recomputation, arXiv:2205.05198"


def model_state_bytes_per_param(
    optimizer: str = "adamw", precision: str = "bf16"
) -> tuple[float, float, float]:
    """(weight, gradient, optimizer) bytes per parameter.

    bf16/fp16 mean mixed precision (ZeRO §3.1): 16-bit weights and gradients, and an fp32
    master copy counted in the optimizer state (K = 4 + state). fp32 means 4-byte weights and
    gradients and no master copy.

    >>> model_state_bytes_per_param("adamw", "bf16")
    (2.0, 2.0, 12.0)
    >>> model_state_bytes_per_param("sgd_momentum", "fp32")
    (4.0, 4.0, 4.0)
    """
    if optimizer not in _OPTIMIZER_STATE_BYTES:
        raise InvalidInputError(
            "optimizer", f"unknown {optimizer!r}; accepted: {', '.join(_OPTIMIZER_STATE_BYTES)}"
        )
    if precision not in ("bf16", "fp16", "fp32"):
        raise InvalidInputError(
            "precision", f"training precision must be bf16, fp16 (mixed) or fp32, got {precision!r}"
        )
    state = _OPTIMIZER_STATE_BYTES[optimizer][0]
    if precision == "fp32":
        return 4.0, 4.0, state
    return 2.0, 2.0, 4.0 + state


def training_state_bytes(params: float, optimizer: str = "adamw", precision: str = "bf16") -> float:
    """Weights + gradients + optimizer state of a whole model, unsharded, in bytes.

    >>> training_state_bytes(7e9)  # 16 bytes per parameter: ZeRO §3.1
    112000000000.0
    """
    w, g, k = model_state_bytes_per_param(optimizer, precision)
    return params * (w + g + k)


def activation_bytes_per_layer(
    seq_len: int,
    micro_batch: int,
    d_model: int,
    heads: int,
    *,
    tensor_parallel: int = 1,
    sequence_parallel: bool = False,
    recompute: str = "none",
    flash_attention: bool = True,
) -> float:
    """Activation bytes one transformer layer keeps for the backward pass (Korthikanti Table 2).

    GPT-3 175B shape, s·b·h·(34 + 5·96·2048/12288) = 2048 · 12288 · (34 + 80):

    >>> activation_bytes_per_layer(2048, 1, 12288, 96, flash_attention=False)
    2868903936.0
    """
    s, b, h, a, t = seq_len, micro_batch, d_model, heads, tensor_parallel
    if recompute == "full":
        return 2.0 * s * b * h
    scores = 0.0 if (recompute == "selective" or flash_attention) else 5.0 * a * s / (h * t)
    if sequence_parallel:
        return s * b * h * (34.0 / t + scores)
    return s * b * h * (10.0 + 24.0 / t + scores)


def kv_cache_bytes(
    layers: int, kv_heads: int, head_dim: int, tokens: float, bytes_per_value: float
) -> float:
    """KV cache: 2 (K and V) · n_layer · n_kv_heads · d_head · tokens · bytes.

    `tokens` is context × batch. Llama 2 70B (80 layers, 8 KV heads of 128) in bf16:

    >>> kv_cache_bytes(80, 8, 128, 1, 2.0)
    327680.0
    """
    return 2.0 * layers * kv_heads * head_dim * tokens * bytes_per_value


# ---------------------------------------------------------------- the tool


class EstimateMemoryInput(BaseModel):
    """Arguments of estimate_memory."""

    model_config = ConfigDict(extra="forbid")

    mode: Literal["training", "inference"] = Field(
        default="training",
        description="training: weights + gradients + optimizer + activations; "
        "inference: weights + KV cache.",
    )
    model: str | None = Field(
        default=None, description="Model preset id, e.g. llama-2-70b (gives the shape)."
    )
    params: float | str | None = Field(
        default=None, description='Parameters, e.g. "7B" (all experts for MoE); overrides model.'
    )
    layers: int | None = Field(default=None, ge=1, description="Transformer layers (n_layer).")
    d_model: int | None = Field(default=None, ge=1, description="Hidden size h.")
    heads: int | None = Field(default=None, ge=1, description="Attention heads a.")
    kv_heads: int | None = Field(
        default=None, ge=1, description="Key/value heads (grouped-query attention); default heads."
    )
    head_dim: int | None = Field(default=None, ge=1, description="Per-head width; default h/a.")
    precision: ValuePrecision = Field(
        default="bf16",
        description="Training: bf16/fp16 (mixed precision, fp32 master weights) or fp32. "
        "Inference: weight format bf16, fp16, fp8, int8, int4, fp4 or fp32.",
    )
    kv_precision: ValuePrecision | None = Field(
        default=None, description="Inference KV-cache format; default bf16 (fp32 for fp32)."
    )
    optimizer: Optimizer = Field(
        default="adamw",
        description="Training optimizer: adamw, adam, adam_8bit, sgd_momentum, sgd.",
    )
    zero_stage: int = Field(
        default=0, ge=0, le=3, description="ZeRO stage 0-3 over the data-parallel ranks."
    )
    tensor_parallel: int = Field(default=1, ge=1, description="Tensor-parallel degree t.")
    pipeline_parallel: int = Field(default=1, ge=1, description="Pipeline-parallel degree p.")
    data_parallel: int = Field(
        default=1, ge=1, description="Data-parallel degree N_d (ZeRO shards over it)."
    )
    sequence_parallel: bool = Field(
        default=False, description="Megatron sequence parallelism (with tensor_parallel > 1)."
    )
    recompute: Recompute = Field(
        default="none", description="Activation recomputation: none, selective or full."
    )
    flash_attention: bool = Field(
        default=True, description="Attention scores are not stored (FlashAttention)."
    )
    seq_len: int | None = Field(
        default=None, ge=1, description="Training sequence length in tokens; default the preset's."
    )
    micro_batch: int = Field(default=1, ge=1, description="Training sequences per micro-batch.")
    context: int | None = Field(
        default=None, ge=1, description="Inference tokens held per sequence (e.g. 32768)."
    )
    batch: int = Field(default=1, ge=1, description="Inference sequences served at once.")
    hardware: str | None = Field(
        default=None, description="Accelerator id, e.g. a100-sxm-80gb, to check the fit."
    )
    language: Language = Field(default="en", description="Language of the summary: en or zh.")


class MemoryEstimate(Result):
    """Bytes per device, and whether they fit."""

    mode: Literal["training", "inference"]
    params: float
    precision: str
    devices: int = Field(description="t · p · N_d devices the estimate is spread over.")
    weights_bytes: float = Field(description="Per device.")
    gradients_bytes: float = Field(description="Per device (0 for inference).")
    optimizer_bytes: float = Field(description="Per device, including fp32 master weights.")
    activations_bytes: float = Field(description="Per device (training only).")
    kv_cache_bytes: float = Field(description="Per device (inference only).")
    kv_cache_bytes_per_token: float | None = Field(
        default=None, description="Whole model, per token of context (inference)."
    )
    total_bytes_per_device: float
    hardware: str | None = None
    device_memory_bytes: float | None = None
    fits: bool | None = Field(default=None, description="total ≤ device memory (with hardware).")
    min_devices: int | None = Field(
        default=None,
        description="Fewest devices of `hardware` that hold everything when the states are "
        "spread evenly (ZeRO-3 or model parallel); None if activations alone do not fit.",
    )


def _shape(args: EstimateMemoryInput, assumptions: list[Assumption]) -> dict[str, float | None]:
    """Parameters and architecture from the arguments, else the preset."""
    preset = None
    if args.model is not None:
        from flopcast.models import resolve_model

        preset = resolve_model(args.model, argument="model")
    shape: dict[str, float | None] = {}
    for name in ("layers", "d_model", "heads", "kv_heads", "head_dim"):
        given = getattr(args, name)
        shape[name] = (
            float(given)
            if given is not None
            else (float(getattr(preset, name)) if preset is not None else None)
        )
    if args.params is not None:
        shape["params"] = parse_quantity(args.params, argument="params")
    elif preset is not None:
        shape["params"] = preset.params
    else:
        raise InvalidInputError("params", 'give params (e.g. "7B") or a model preset')
    inference = args.mode == "inference"
    if shape["kv_heads"] is None and shape["heads"] is not None:
        shape["kv_heads"] = shape["heads"]
        if inference:
            assumptions.append(
                Assumption(
                    name="kv_heads",
                    value=f"{shape['heads']:g} (= heads)",
                    source="multi-head attention, one K/V head per query head (Vaswani et al. "
                    "2017); give kv_heads for grouped-query attention",
                )
            )
    if shape["head_dim"] is None and shape["heads"] and shape["d_model"]:
        shape["head_dim"] = shape["d_model"] / shape["heads"]
        if inference:
            assumptions.append(
                Assumption(
                    name="head_dim",
                    value=f"{shape['head_dim']:g} (= d_model / heads)",
                    source="the usual d_head = d_model / n_heads (Vaswani et al. 2017, §3.2.2)",
                )
            )
    shape["context"] = float(preset.context) if preset is not None else None
    return shape


def _need(shape: dict[str, float | None], names: tuple[str, ...], why: str) -> list[float]:
    missing = [n for n in names if shape.get(n) is None]
    if missing:
        raise InvalidInputError(missing[0], f"needed for {why}; give it or a model preset")
    return [float(shape[n]) for n in names]  # type: ignore[arg-type]


def estimate_memory(
    *,
    mode: Literal["training", "inference"] = "training",
    model: str | None = None,
    params: float | str | None = None,
    layers: int | None = None,
    d_model: int | None = None,
    heads: int | None = None,
    kv_heads: int | None = None,
    head_dim: int | None = None,
    precision: ValuePrecision = "bf16",
    kv_precision: ValuePrecision | None = None,
    optimizer: Optimizer = "adamw",
    zero_stage: int = 0,
    tensor_parallel: int = 1,
    pipeline_parallel: int = 1,
    data_parallel: int = 1,
    sequence_parallel: bool = False,
    recompute: Recompute = "none",
    flash_attention: bool = True,
    seq_len: int | None = None,
    micro_batch: int = 1,
    context: int | None = None,
    batch: int = 1,
    hardware: str | None = None,
    language: Language = "en",
) -> MemoryEstimate:
    """Bytes per device for training or inference, and whether they fit on `hardware`.

    See the module docstring for the formulas and their sources.

    Raises:
        InvalidInputError: a malformed value, or a shape figure needed and not given.
        UnknownModelError / UnknownHardwareError: unknown preset or device.
    """
    args = validate_args(EstimateMemoryInput, locals())
    steps: list[Step] = []
    assumptions: list[Assumption] = []
    shape = _shape(args, assumptions)
    n_params = float(shape["params"])  # type: ignore[arg-type]
    t, p, d = args.tensor_parallel, args.pipeline_parallel, args.data_parallel
    devices = t * p * d
    psi = n_params / (t * p)
    if t * p > 1:
        steps.append(
            make_step(
                "parameters per model-parallel rank",
                "Ψ_dev = Ψ / (t · p)",
                [("Ψ", n_params, "params"), ("t", t, ""), ("p", p, "")],
                psi,
                "params",
            )
        )
    gradients = optimizer_state = activations = kv = 0.0
    kv_per_token: float | None = None
    if args.mode == "training":
        if args.kv_precision is not None or args.context is not None or args.batch != 1:
            bad = (
                "kv_precision"
                if args.kv_precision is not None
                else ("context" if args.context is not None else "batch")
            )
            raise InvalidInputError(
                bad, "is for mode='inference'; training uses seq_len and micro_batch"
            )
        if args.sequence_parallel and t == 1:
            raise InvalidInputError("sequence_parallel", "needs tensor_parallel > 1")
        w_b, g_b, k_b = model_state_bytes_per_param(args.optimizer, args.precision)
        spread_total = training_state_bytes(n_params, args.optimizer, args.precision)
        state_note = _OPTIMIZER_STATE_BYTES[args.optimizer][1]
        assumptions.append(
            Assumption(
                name="bytes per parameter",
                value=f"{w_b:g} weights + {g_b:g} gradients + {k_b:g} optimizer",
                source=f"{_ZERO_SOURCE}; {state_note}"
                + ("; fp32 master weights 4 bytes" if args.precision != "fp32" else ""),
            )
        )
        zs = args.zero_stage
        weights = w_b * psi / (d if zs >= 3 else 1)
        gradients = g_b * psi / (d if zs >= 2 else 1)
        optimizer_state = k_b * psi / (d if zs >= 1 else 1)
        for name, per, stage in (
            ("weights", w_b, 3),
            ("gradients", g_b, 2),
            ("optimizer state", k_b, 1),
        ):
            shard = d if zs >= stage else 1
            steps.append(
                make_step(
                    f"{name} per device (ZeRO stage {zs})",
                    f"M = {per:g} · Ψ_dev / N",
                    [("Ψ_dev", psi, "params"), ("N", shard, "ranks sharing it")],
                    per * psi / shard,
                    "bytes",
                )
            )
        L, h, a = _need(shape, ("layers", "d_model", "heads"), "activation memory")
        s = args.seq_len
        if s is None:
            if shape["context"] is None:
                raise InvalidInputError(
                    "seq_len", "needed for activation memory; give it or a model preset"
                )
            s = int(shape["context"])
            assumptions.append(
                Assumption(
                    name="seq_len",
                    value=f"{s}",
                    source=f"training context of the preset {args.model}",
                )
            )
        if args.micro_batch == 1:
            assumptions.append(
                Assumption(
                    name="micro_batch",
                    value="1",
                    source="smallest micro-batch; activations scale with it",
                )
            )
        if args.flash_attention and args.recompute != "full":
            assumptions.append(
                Assumption(
                    name="flash_attention",
                    value="true",
                    source="attention scores not stored (Dao et al. 2022, FlashAttention, "
                    "arXiv:2205.14135): the 5·a·s/h term of Korthikanti Table 2 is dropped",
                )
            )
        per_layer = activation_bytes_per_layer(
            s,
            args.micro_batch,
            int(h),
            int(a),
            tensor_parallel=t,
            sequence_parallel=args.sequence_parallel,
            recompute=args.recompute,
            flash_attention=args.flash_attention,
        )
        activations = L * per_layer
        steps.append(
            make_step(
                "activations per layer",
                _activation_formula(args, t),
                [
                    ("s", s, "tokens"),
                    ("b", args.micro_batch, "sequences"),
                    ("h", h, ""),
                    ("a", a, "heads"),
                    ("t", t, ""),
                ],
                per_layer,
                "bytes",
            )
        )
        steps.append(
            make_step(
                "activations per device",
                "M_act = L · per-layer  (1F1B: independent of p)",
                [("L", L, "layers"), ("per-layer", per_layer, "bytes")],
                activations,
                "bytes",
            )
        )
        steps[-2] = steps[-2].model_copy(
            update={"text": f"{steps[-2].text}  [{_KORTHIKANTI}, Table 2]"}
        )
    else:
        for name, unused in (
            ("zero_stage", args.zero_stage != 0),
            ("seq_len", args.seq_len is not None),
            ("micro_batch", args.micro_batch != 1),
            ("recompute", args.recompute != "none"),
            ("sequence_parallel", args.sequence_parallel),
        ):
            if unused:
                raise InvalidInputError(
                    name, "is for mode='training'; inference uses context and batch"
                )
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
        L, kvh, hd = _need(shape, ("layers", "kv_heads", "head_dim"), "the KV cache")
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
    total = weights + gradients + optimizer_state + activations + kv
    steps.append(
        make_step(
            "total per device",
            "M = weights + gradients + optimizer + activations + KV",
            [
                ("weights", weights, "B"),
                ("gradients", gradients, "B"),
                ("optimizer", optimizer_state, "B"),
                ("activations", activations, "B"),
                ("KV", kv, "B"),
            ],
            total,
            "bytes",
        )
    )
    result = MemoryEstimate(
        mode=args.mode,
        params=n_params,
        precision=args.precision,
        devices=devices,
        weights_bytes=weights,
        gradients_bytes=gradients,
        optimizer_bytes=optimizer_state,
        activations_bytes=activations,
        kv_cache_bytes=kv,
        kv_cache_bytes_per_token=kv_per_token,
        total_bytes_per_device=total,
        steps=steps,
        assumptions=assumptions,
        language=args.language,
    )
    if args.hardware is not None:
        _fit_on(result, args.hardware, spread_total, steps, assumptions)
    result.summary = _summary(result, args.language)
    return result


def _activation_formula(args: EstimateMemoryInput, t: int) -> str:
    if args.recompute == "full":
        return "A = 2 · s · b · h"
    scores = "" if (args.recompute == "selective" or args.flash_attention) else " + 5·a·s/(h·t)"
    if args.sequence_parallel:
        return f"A = s · b · h · (34/t{scores})"
    return f"A = s · b · h · (10 + 24/t{scores})"


def _fit_on(
    r: MemoryEstimate,
    hardware: str,
    spread_total: float,
    steps: list[Step],
    assumptions: list[Assumption],
) -> None:
    """Fill hardware, device memory, fits and min_devices.

    `spread_total` is what can be divided among devices (all model states, or weights and
    KV cache), unsharded; each device still keeps its own micro-batch's activations.
    """
    from flopcast.hardware import resolve_hardware

    hw, hw_assumptions = resolve_hardware(hardware, argument="hardware")
    assumptions.extend(hw_assumptions)
    if hw.memory_gb is None:
        raise InvalidInputError("hardware", f"the catalog has no memory size for {hw.id}")
    capacity = hw.memory_gb * 1e9
    r.hardware = hw.id
    r.device_memory_bytes = capacity
    r.fits = r.total_bytes_per_device <= capacity
    room = capacity - r.activations_bytes
    if room <= 0:
        r.min_devices = None
        return
    r.min_devices = max(1, math.ceil(spread_total / room - 1e-9))
    steps.append(
        make_step(
            "fewest devices",
            "n = ⌈(states + KV, all devices) / (capacity − activations)⌉",
            [
                ("states + KV", spread_total, "bytes"),
                ("capacity", capacity, "bytes"),
                ("activations", r.activations_bytes, "bytes"),
            ],
            r.min_devices,
            "devices",
        )
    )


def _summary(r: MemoryEstimate, language: Language) -> str:
    total = format_bytes(r.total_bytes_per_device)
    if language == "zh":
        head = (
            f"每设备显存 **{total}**（{format_count(r.params, 'zh', '参数')}，{r.precision}，"
            f"{r.devices} 个设备）：权重 {format_bytes(r.weights_bytes)}"
        )
        if r.mode == "training":
            head += (
                f"，梯度 {format_bytes(r.gradients_bytes)}，优化器状态 "
                f"{format_bytes(r.optimizer_bytes)}，激活 {format_bytes(r.activations_bytes)}"
            )
        else:
            head += f"，KV 缓存 {format_bytes(r.kv_cache_bytes)}"
        head += "。"
        if r.fits is not None:
            cap = format_bytes(r.device_memory_bytes or 0)
            head += f"\n\n{r.hardware}（{cap}）：{'放得下' if r.fits else '放不下'}"
            head += (
                f"；至少需要 {r.min_devices} 个设备。"
                if r.min_devices
                else "；激活本身就超过单卡显存。"
            )
        return head
    head = (
        f"**{total} per device** ({format_count(r.params)} parameters, {r.precision}, "
        f"{r.devices} device{'s' if r.devices > 1 else ''}): weights "
        f"{format_bytes(r.weights_bytes)}"
    )
    if r.mode == "training":
        head += (
            f", gradients {format_bytes(r.gradients_bytes)}, optimizer state "
            f"{format_bytes(r.optimizer_bytes)}, activations "
            f"{format_bytes(r.activations_bytes)}"
        )
    else:
        head += f", KV cache {format_bytes(r.kv_cache_bytes)}"
    head += "."
    if r.fits is not None:
        cap = format_bytes(r.device_memory_bytes or 0)
        head += f"\n\nOn {r.hardware} ({cap}): **{'fits' if r.fits else 'does not fit'}**"
        head += (
            f"; at least {r.min_devices} device{'s' if (r.min_devices or 0) > 1 else ''} "
            + (
                "with the model states spread evenly (ZeRO-3 or model parallel)."
                if r.mode == "training"
                else "with the weights and KV cache split evenly (tensor parallel)."
            )
            if r.min_devices
            else "; the activations alone exceed one device."
        )
    return head
