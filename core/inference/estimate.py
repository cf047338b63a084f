"""estimate_inference: serving throughput and cost per phase (prefill, decode) on given hardware.

The formulas live in `flopcast.inference.roofline`: forward FLOPs per token (Kaplan et al.
2020, "Scaling Laws for Neural Language Models", arXiv:2001.08361, Table 1) and a roofline per
phase (Williams, Waterman, Patterson 2009, "Roofline: an insightful visual performance
model", CACM 52(4)); its docstring says what they ignore. This module holds the tool: its
input and output models, the shape from the arguments or a model preset, the defaults (the
prefill MFU of Pope et al. 2022), the cost per million tokens, whether weights and KV cache
fit, and the summary.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from pydantic import BaseModel, ConfigDict, Field

from flopcast.inference.roofline import (
    Bound,
    compute_roof,
    decode_phase,
    forward_flops,
    forward_flops_per_token,
    matmul_peak,
    prefill_phase,
    roofline_tokens_per_s,
    weight_and_kv_bytes,
)
from flopcast.inference.shape import serving_shape
from flopcast.memory.estimate import ValuePrecision
from flopcast.numbers.errors import InvalidInputError
from flopcast.numbers.limits import (
    MAX_PRICE_PER_DEVICE_HOUR,
    BatchArg,
    ContextArg,
    CountArg,
    FractionArg,
    HeadsArg,
    LayersArg,
    ParamsArg,
    WidthArg,
)
from flopcast.numbers.quantities import (
    SECONDS_PER_HOUR,
    Language,
    format_bytes,
    format_count,
    format_number,
    format_usd,
)
from flopcast.numbers.results import Assumption, Result, Step, make_step
from flopcast.numbers.validation import tool_function

if TYPE_CHECKING:
    from flopcast.catalog.device import Hardware

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


class EstimateInferenceInput(BaseModel):
    """Arguments of estimate_inference."""

    model_config = ConfigDict(extra="forbid")

    model: str | None = Field(
        default=None,
        description="Preset id (list_models) or a config.json path or text.",
    )
    params: ParamsArg | None = Field(
        default=None, description="Parameters, e.g. '70B' (MoE: all experts)."
    )
    active_params: ParamsArg | None = Field(
        default=None, description="Parameters per token (MoE)."
    )
    layers: LayersArg | None = Field(default=None, description="Layers.")
    heads: HeadsArg | None = Field(
        default=None, description="Attention heads.",
    )
    kv_heads: HeadsArg | None = Field(
        default=None, description="KV heads.",
    )
    head_dim: WidthArg | None = Field(default=None, description="Head width.")
    hardware: str = Field(description="Device id, e.g. 'h100'.")
    count: CountArg = Field(
        default=1, description="Devices per replica.",
    )
    precision: ValuePrecision = Field(
        default="bf16", description="Weight format."
    )
    compute_precision: str | None = Field(
        default=None,
        description="Math peak (default: the weights'; bf16 for int8/int4).",
    )
    kv_precision: ValuePrecision = Field(default="bf16", description="KV-cache format.")
    context: ContextArg | None = Field(
        default=None, description="Tokens per sequence (prompt + output)."
    )
    batch: BatchArg = Field(default=1, description="Sequences decoded together.")
    mfu: FractionArg | None = Field(
        default=None, description="Fraction of peak for prefill (default 0.76)."
    )
    price_per_device_hour: float | None = Field(
        default=None, gt=0, le=MAX_PRICE_PER_DEVICE_HOUR,
        description="USD per device-hour (wins over provider)."
    )
    provider: str | None = Field(default=None, description="Price provider or 'lowest'.")
    language: Language = Field(default="en", description="Answer language.")


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


@tool_function(EstimateInferenceInput)
def estimate_inference(args: EstimateInferenceInput) -> InferenceEstimate:
    """Tokens per second for prefill and decode on `count` devices, and the cost per token.

    See `flopcast.inference.roofline` for the formulas and what they ignore.

    Raises:
        InvalidInputError: malformed values, or a precision the device has no peak for.
        UnknownHardwareError / UnknownModelError: unknown device or preset.
    """
    from flopcast.catalog.hardware import resolve_hardware

    steps: list[Step] = []
    assumptions: list[Assumption] = []
    hw, hw_assumptions = resolve_hardware(args.hardware, argument="hardware")
    assumptions.extend(hw_assumptions)
    shape = serving_shape(args, assumptions)
    n_total, n_active, ctx = shape["params"], shape["active"], shape["context"]
    n = args.count

    peak = matmul_peak(args, hw, steps, assumptions)
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
    if args.batch == 1:
        assumptions.append(
            Assumption(
                name="batch",
                value="1",
                source="one sequence at a time; larger batches share each "
                "weight read and cut the cost per token",
            )
        )

    c_fwd = forward_flops(shape, steps)
    w_bytes, kv_bytes = weight_and_kv_bytes(args, shape, steps)
    compute_rate = compute_roof(args, peak.flops_per_s, mfu_value, c_fwd, steps)
    prefill, prefill_bound = prefill_phase(args, shape, compute_rate, bandwidth, w_bytes, steps)
    decode, decode_bound = decode_phase(args, shape, compute_rate, bandwidth, kv_bytes, steps)

    capacity = n * hw.memory_gb * 1e9
    price, cost, prefill_cost = _cost_per_million_tokens(
        args, hw, prefill, decode, steps, assumptions
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


def _cost_per_million_tokens(
    args: EstimateInferenceInput,
    hw: Hardware,
    prefill: float,
    decode: float,
    steps: list[Step],
    assumptions: list[Assumption],
) -> tuple[float | None, float | None, float | None]:
    """(USD per device-hour, USD per million generated tokens, USD per million prompt tokens).

    The price is `args.price_per_device_hour`, else the catalog's dated reference price
    (`flopcast.training.cost.reference_price`, said in an Assumption), else None and no cost.
    """
    from flopcast.training.cost import reference_price

    n = args.count
    price, price_assumptions = reference_price(hw, args.price_per_device_hour, args.provider)
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
    return price, cost, prefill_cost


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
