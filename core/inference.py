"""Serving throughput and cost: a roofline per phase (prefill, decode) on given hardware.

FLOPs per token, forward pass only (Kaplan et al. 2020, "Scaling Laws for Neural Language
Models", arXiv:2001.08361, Table 1)::

    C_forward = 2·N + 2·n_layer·n_ctx·d_attn        (d_attn = n_heads · d_head)

N counts the parameters that do work per token (the active ones for a mixture of experts).
The attention term uses the whole context n_ctx for every token, as Kaplan's table does; a
causal prompt averages n_ctx/2, so prefill is slightly pessimistic at long contexts. The KV
cache is 2·n_layer·n_kv_heads·d_head values per token; latent-attention models (DeepSeek-V3's
MLA) cache a compressed vector instead, so for them it is an overestimate.

Roofline (Williams, Waterman, Patterson 2009, "Roofline: an insightful visual performance
model", CACM 52(4)): a phase runs no faster than its compute or its memory traffic allows,
whichever binds.

- Prefill (the prompt, batch × n_ctx tokens in one pass): compute-bound rate
  n·P·MFU / C_forward; memory-bound rate batch·n_ctx·n·BW / weight bytes (weights read once
  per pass).
- Decode (one token per sequence per step): every step reads the weights and every
  sequence's KV cache, so the memory-bound rate is batch·n·BW / (weight bytes + KV bytes);
  the compute-bound rate is n·P·MFU / C_forward. For a mixture of experts a step reads each
  sequence's active weights, at most all of them: min(N_total, batch·N_active) parameters
  (exact at batch 1 and at large batches; in between, overlapping experts make it an upper
  bound on the bytes, a lower bound on the rate).

Ignored: communication between the n devices, kernel launch and scheduling overheads, the
logits and sampling, speculative decoding, and prefix caching. The memory-bound figures
take the datasheet bandwidth as reachable (an upper bound; kernels typically reach less).
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from flopcast.errors import InvalidInputError
from flopcast.memory import BYTES_PER_VALUE, ValuePrecision, kv_cache_bytes
from flopcast.memory_shape import kv_heads_assumption
from flopcast.quantities import (
    SECONDS_PER_HOUR,
    Language,
    format_bytes,
    format_count,
    format_number,
    format_usd,
    parse_quantity,
)
from flopcast.results import Assumption, Result, Step, make_step
from flopcast.validation import validate_args

__all__ = [
    "DEFAULT_PREFILL_MFU",
    "EstimateInferenceInput",
    "InferenceEstimate",
    "estimate_inference",
    "forward_flops_per_token",
    "roofline_tokens_per_s",
]

#: Prefill MFU: 76 % during large-batch processing of input tokens, PaLM 540B on TPU v4
#: (Pope et al. 2022, "Efficiently Scaling Transformer Inference", arXiv:2211.05102, abstract).
DEFAULT_PREFILL_MFU = 0.76
_PREFILL_MFU_SOURCE = (
    "76% MFU for large-batch prefill of PaLM 540B (Pope et al. 2022, Efficiently Scaling "
    "Transformer Inference, arXiv:2211.05102, abstract)"
)
#: Compute precision of the peak when weights are stored in a format the math is not done in
#: (weight-only quantization dequantizes int8/int4 weights to 16 bits before the matmul).
_COMPUTE_PRECISION = {
    "fp32": "fp32",
    "bf16": "bf16",
    "fp16": "fp16",
    "fp8": "fp8",
    "int8": "bf16",
    "int4": "bf16",
    "fp4": "fp4",
}
Bound = Literal["compute", "memory"]


def forward_flops_per_token(
    params: float, layers: int = 0, context: float = 0, d_attn: int = 0
) -> float:
    """C_forward = 2·N + 2·n_layer·n_ctx·d_attn (Kaplan et al. 2020, Table 1).

    >>> forward_flops_per_token(70e9)
    140000000000.0
    >>> forward_flops_per_token(70e9, 80, 4096, 8192)  # Llama 2 70B at 4k context
    145368709120.0
    """
    return 2.0 * params + 2.0 * layers * context * d_attn


def roofline_tokens_per_s(
    compute_tokens_per_s: float, memory_tokens_per_s: float
) -> tuple[float, Bound]:
    """The attainable rate is the lower roof; say which one binds.

    >>> roofline_tokens_per_s(1000.0, 23.9)
    (23.9, 'memory')
    """
    if memory_tokens_per_s < compute_tokens_per_s:
        return memory_tokens_per_s, "memory"
    return compute_tokens_per_s, "compute"


class EstimateInferenceInput(BaseModel):
    """Arguments of estimate_inference."""

    model_config = ConfigDict(extra="forbid")

    model: str | None = Field(default=None, description="Model preset id, e.g. llama-2-70b.")
    params: float | str | None = Field(
        default=None, description='Parameters, e.g. "70B" (all experts for MoE); overrides model.'
    )
    active_params: float | str | None = Field(
        default=None, description="Parameters used per token (MoE); default params."
    )
    layers: int | None = Field(default=None, ge=1, description="Transformer layers.")
    heads: int | None = Field(default=None, ge=1, description="Attention (query) heads.")
    kv_heads: int | None = Field(default=None, ge=1, description="Key/value heads; default heads.")
    head_dim: int | None = Field(default=None, ge=1, description="Per-head width.")
    hardware: str = Field(description="Accelerator id, e.g. h100 or nvidia-h200-sxm-141gb.")
    count: int = Field(default=1, ge=1, description="Devices serving one model replica.")
    precision: ValuePrecision = Field(
        default="bf16", description="Weight format: bf16, fp16, fp8, int8, int4, fp4, fp32."
    )
    compute_precision: str | None = Field(
        default=None,
        description="Precision of the peak used for the math; default the weight format "
        "(bf16 for int8/int4 weight-only quantization).",
    )
    kv_precision: ValuePrecision = Field(default="bf16", description="KV-cache format.")
    context: int | None = Field(
        default=None, ge=1, description="Tokens of context per sequence (prompt + generated)."
    )
    batch: int = Field(default=1, ge=1, description="Sequences decoded together.")
    mfu: float | None = Field(
        default=None, gt=0, le=1, description="Fraction of the dense peak reached; default 0.76."
    )
    price_per_device_hour: float | None = Field(
        default=None, gt=0, description="USD per device-hour; default the catalog's reference."
    )
    language: Language = Field(default="en", description="Language of the summary: en or zh.")


class InferenceEstimate(Result):
    """Throughput ceilings and cost per phase."""

    hardware: str
    count: int
    params: float
    active_params: float
    precision: str
    context: int
    batch: int
    flops_per_token: float = Field(description="Forward FLOPs per token at `context`.")
    weights_bytes: float = Field(description="All weights, all devices.")
    kv_cache_bytes: float = Field(description="KV cache of the whole batch at `context`.")
    memory_bytes_per_device: float
    fits_memory: bool = Field(description="Weights + KV cache fit in count × device memory.")
    prefill_tokens_per_s: float = Field(description="Prompt tokens per second, the lower roof.")
    prefill_bound: Bound
    decode_tokens_per_s: float = Field(description="Generated tokens per second, whole batch.")
    decode_bound: Bound
    decode_tokens_per_s_per_sequence: float
    price_usd_per_device_hour: float | None
    cost_usd_per_million_tokens: float | None = Field(
        description="Per million generated tokens at decode_tokens_per_s."
    )
    prefill_cost_usd_per_million_tokens: float | None


def _resolve(args: EstimateInferenceInput, assumptions: list[Assumption]) -> dict[str, float]:
    preset = None
    if args.model is not None:
        from flopcast.models import resolve_model

        preset = resolve_model(args.model, argument="model")
    if args.params is not None:
        n = parse_quantity(args.params, argument="params")
    elif preset is not None:
        n = preset.params
    else:
        raise InvalidInputError("params", 'give params (e.g. "70B") or a model preset')
    if args.active_params is not None:
        active = parse_quantity(args.active_params, argument="active_params")
    elif preset is not None and args.params is None:
        active = preset.effective_params
    else:
        active = n
    shape = {"params": n, "active": active}
    for name in ("layers", "heads", "kv_heads", "head_dim"):
        value = getattr(args, name)
        if value is None and preset is not None:
            value = getattr(preset, name)
        shape[name] = float(value) if value is not None else 0.0
    if not shape["kv_heads"] and shape["heads"]:
        shape["kv_heads"] = shape["heads"]
        assumptions.append(kv_heads_assumption(shape["heads"]))
    missing = [k for k in ("layers", "heads", "head_dim") if not shape[k]]
    context = args.context
    if context is None and preset is not None:
        context = preset.context
        assumptions.append(
            Assumption(
                name="context",
                value=f"{context} tokens",
                source=f"training context of the preset {preset.id}",
            )
        )
    if missing:
        assumptions.append(
            Assumption(
                name="architecture",
                value="not given",
                source=f"no {', '.join(missing)}: attention FLOPs and KV cache left out",
            )
        )
        context = context or 0
        shape.update(layers=0.0, heads=0.0, kv_heads=0.0, head_dim=0.0)
    elif context is None:
        raise InvalidInputError("context", "needed for the attention FLOPs and the KV cache")
    shape["context"] = float(context)
    return shape


def estimate_inference(
    *,
    hardware: str,
    model: str | None = None,
    params: float | str | None = None,
    active_params: float | str | None = None,
    layers: int | None = None,
    heads: int | None = None,
    kv_heads: int | None = None,
    head_dim: int | None = None,
    count: int = 1,
    precision: ValuePrecision = "bf16",
    compute_precision: str | None = None,
    kv_precision: ValuePrecision = "bf16",
    context: int | None = None,
    batch: int = 1,
    mfu: float | None = None,
    price_per_device_hour: float | None = None,
    language: Language = "en",
) -> InferenceEstimate:
    """Tokens per second for prefill and decode on `count` devices, and the cost per token.

    See the module docstring for the formulas and what they ignore.

    Raises:
        InvalidInputError: malformed values, or a precision the device has no peak for.
        UnknownHardwareError / UnknownModelError: unknown device or preset.
    """
    args = validate_args(EstimateInferenceInput, locals())
    from flopcast.cost import reference_price
    from flopcast.hardware import resolve_hardware

    steps: list[Step] = []
    assumptions: list[Assumption] = []
    hw, hw_assumptions = resolve_hardware(args.hardware, argument="hardware")
    assumptions.extend(hw_assumptions)
    shape = _resolve(args, assumptions)
    n_total, n_active, ctx = shape["params"], shape["active"], shape["context"]
    n = args.count

    comp = args.compute_precision
    if comp is None:
        wanted = _COMPUTE_PRECISION[args.precision]
        available = hw.precisions()
        comp = next((c for c in (wanted, "bf16", "fp16", "fp32") if c in available), wanted)
        if comp != args.precision:
            why = (
                f"{args.precision} weights are dequantized to {comp} for the matmuls "
                "(weight-only quantization)"
                if comp == wanted
                else f"{hw.name} has no {wanted} peak; the matmuls run in {comp}"
            )
            assumptions.append(Assumption(name="compute_precision", value=comp, source=why))
    peak = hw.peak(comp)
    steps.append(peak.step)
    if hw.memory_bandwidth_gb_s is None or hw.memory_gb is None:
        raise InvalidInputError(
            "hardware",
            f"the catalog lacks memory size or bandwidth for {hw.id}; pick another device",
        )
    bandwidth = hw.memory_bandwidth_gb_s * 1e9
    mfu_value = args.mfu if args.mfu is not None else DEFAULT_PREFILL_MFU
    if args.mfu is None:
        assumptions.append(
            Assumption(name="mfu", value=f"{DEFAULT_PREFILL_MFU}", source=_PREFILL_MFU_SOURCE)
        )
    if args.batch == 1 and batch == 1:
        assumptions.append(
            Assumption(
                name="batch",
                value="1",
                source="one sequence at a time; larger batches share each "
                "weight read and cut the cost per token",
            )
        )

    d_attn = int(shape["heads"] * shape["head_dim"])
    c_fwd = forward_flops_per_token(n_active, int(shape["layers"]), ctx, d_attn)
    steps.append(
        make_step(
            "forward FLOPs per token",
            "C_forward = 2·N + 2·n_layer·n_ctx·d_attn",
            [
                ("N", n_active, "params"),
                ("n_layer", shape["layers"], ""),
                ("n_ctx", ctx, "tokens"),
                ("d_attn", d_attn, ""),
            ],
            c_fwd,
            "FLOPs/token",
        )
    )
    w_bytes = BYTES_PER_VALUE[args.precision] * n_total
    # A decode step reads each sequence's active weights; a batch touches at most all of them.
    n_read = min(n_total, n_active * args.batch)
    read_bytes = BYTES_PER_VALUE[args.precision] * n_read
    steps.append(
        make_step(
            "weight bytes",
            "W = bytes · N_total",
            [
                ("bytes", BYTES_PER_VALUE[args.precision], args.precision),
                ("N_total", n_total, "params"),
            ],
            w_bytes,
            "bytes",
        )
    )
    kv_bytes = kv_cache_bytes(
        int(shape["layers"]),
        int(shape["kv_heads"]),
        int(shape["head_dim"]),
        ctx * args.batch,
        BYTES_PER_VALUE[args.kv_precision],
    )
    steps.append(
        make_step(
            "KV cache of the batch",
            "KV = 2·n_layer·n_kv·d_head·n_ctx·batch·bytes",
            [
                ("n_layer", shape["layers"], ""),
                ("n_kv", shape["kv_heads"], ""),
                ("d_head", shape["head_dim"], ""),
                ("n_ctx", ctx, "tokens"),
                ("batch", args.batch, ""),
                ("bytes", BYTES_PER_VALUE[args.kv_precision], args.kv_precision),
            ],
            kv_bytes,
            "bytes",
        )
    )

    compute_rate = n * peak.flops_per_s * mfu_value / c_fwd
    steps.append(
        make_step(
            "compute roof",
            "R_c = n · P · MFU / C_forward",
            [
                ("n", n, "devices"),
                ("P", peak.flops_per_s, "FLOP/s"),
                ("MFU", mfu_value, ""),
                ("C_forward", c_fwd, "FLOPs/token"),
            ],
            compute_rate,
            "tokens/s",
        )
    )
    prefill_memory = (args.batch * ctx * n * bandwidth / w_bytes) if ctx else float("inf")
    if ctx:
        steps.append(
            make_step(
                "prefill memory roof",
                "R_m = batch · n_ctx · n · BW / W",
                [
                    ("batch", args.batch, ""),
                    ("n_ctx", ctx, "tokens"),
                    ("n", n, "devices"),
                    ("BW", bandwidth, "bytes/s"),
                    ("W", w_bytes, "bytes"),
                ],
                prefill_memory,
                "tokens/s",
            )
        )
    prefill, prefill_bound = roofline_tokens_per_s(compute_rate, prefill_memory)
    if n_read < n_total:
        steps.append(
            make_step(
                "weight bytes read per decode step (mixture of experts)",
                "W_read = bytes · min(N_total, batch · N_active)",
                [
                    ("N_total", n_total, "params"),
                    ("batch", args.batch, ""),
                    ("N_active", n_active, "params"),
                ],
                read_bytes,
                "bytes",
            )
        )
    decode_memory = args.batch * n * bandwidth / (read_bytes + kv_bytes)
    steps.append(
        make_step(
            "decode memory roof",
            "R_m = batch · n · BW / (W_read + KV)",
            [
                ("batch", args.batch, ""),
                ("n", n, "devices"),
                ("BW", bandwidth, "bytes/s"),
                ("W_read", read_bytes, "bytes"),
                ("KV", kv_bytes, "bytes"),
            ],
            decode_memory,
            "tokens/s",
        )
    )
    decode, decode_bound = roofline_tokens_per_s(compute_rate, decode_memory)

    capacity = n * hw.memory_gb * 1e9
    price, price_assumptions = reference_price(hw, args.price_per_device_hour)
    assumptions += price_assumptions
    cost = prefill_cost = None
    if price is not None:
        cost = n * price / (decode * SECONDS_PER_HOUR) * 1e6
        prefill_cost = n * price / (prefill * SECONDS_PER_HOUR) * 1e6
        steps.append(
            make_step(
                "cost per million generated tokens",
                "cost = n · price / (R_decode · 3600) · 10^6",
                [
                    ("n", n, "devices"),
                    ("price", price, "USD/device-hour"),
                    ("R_decode", decode, "tokens/s"),
                ],
                cost,
                "USD",
            )
        )
    result = InferenceEstimate(
        hardware=hw.id,
        count=n,
        params=n_total,
        active_params=n_active,
        precision=args.precision,
        context=int(ctx),
        batch=args.batch,
        flops_per_token=c_fwd,
        weights_bytes=w_bytes,
        kv_cache_bytes=kv_bytes,
        memory_bytes_per_device=(w_bytes + kv_bytes) / n,
        fits_memory=w_bytes + kv_bytes <= capacity,
        prefill_tokens_per_s=prefill,
        prefill_bound=prefill_bound,
        decode_tokens_per_s=decode,
        decode_bound=decode_bound,
        decode_tokens_per_s_per_sequence=decode / args.batch,
        price_usd_per_device_hour=price,
        cost_usd_per_million_tokens=cost,
        prefill_cost_usd_per_million_tokens=prefill_cost,
        steps=steps,
        assumptions=assumptions,
        language=args.language,
    )
    result.summary = _summary(result, hw.name, args.language)
    return result


def _summary(r: InferenceEstimate, device: str, language: Language) -> str:
    where = f"{r.count} × {device}"
    fit_en = (
        ""
        if r.fits_memory
        else (
            f" **Weights + KV cache ({format_bytes(r.weights_bytes + r.kv_cache_bytes)}) do "
            f"not fit in {r.count} device(s)**: add devices (count) or quantize."
        )
    )
    fit_zh = (
        ""
        if r.fits_memory
        else (
            f" **权重 + KV 缓存（{format_bytes(r.weights_bytes + r.kv_cache_bytes)}）放不下**："
            "请增加设备数（count）或量化。"
        )
    )
    if language == "zh":
        ctx_zh = f"，上下文 {r.context}" if r.context else "，不计注意力与 KV 缓存"
        text = (
            f"{where}，{format_count(r.params, 'zh', '参数')}（{r.precision}），batch "
            f"{r.batch}{ctx_zh}：解码上限 **{format_number(r.decode_tokens_per_s)} "
            f"词元/秒**（受{'显存带宽' if r.decode_bound == 'memory' else '算力'}限制），"
            f"预填充 {format_number(r.prefill_tokens_per_s)} 词元/秒（受"
            f"{'显存带宽' if r.prefill_bound == 'memory' else '算力'}限制）。"
        )
        if r.cost_usd_per_million_tokens is not None:
            text += f"每百万生成词元 {format_usd(r.cost_usd_per_million_tokens, 'zh')}。"
        return text + fit_zh
    text = (
        f"{where}, {format_count(r.params)} parameters in {r.precision}, batch {r.batch}, "
        f"{f'context {r.context}' if r.context else 'no attention or KV cache counted'}: "
        f"decode at most **{format_number(r.decode_tokens_per_s)} "
        f"tokens/s** ({r.decode_bound}-bound), prefill "
        f"{format_number(r.prefill_tokens_per_s)} tokens/s ({r.prefill_bound}-bound)."
    )
    if r.cost_usd_per_million_tokens is not None:
        text += (
            f" Cost per million generated tokens: **{format_usd(r.cost_usd_per_million_tokens)}**."
        )
    return text + fit_en
