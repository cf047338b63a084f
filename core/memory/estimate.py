"""estimate_memory: device memory for training (model states + activations) and inference.

Training, per device: weights, gradients and optimizer state (Rajbhandari et al. 2020, ZeRO,
arXiv:1910.02054, §3.1 and §5: `flopcast.memory.states`) plus activations (Korthikanti et al.
2022, arXiv:2205.05198, Table 2: `flopcast.memory.activations`). Inference: weights at the
serving precision plus the KV cache (`flopcast.memory.kv`). The shape comes from the arguments
or a model preset (`flopcast.memory.shape`). This module holds the tool: its input and output
models, the split over t·p·N_d devices, whether the total fits on a device and the fewest
devices that hold it, and the summary.
"""

from __future__ import annotations

import math
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from flopcast.memory.activations import Recompute, activation_bytes_per_layer, activation_memory
from flopcast.memory.kv import BYTES_PER_VALUE, ValuePrecision, inference_memory, kv_cache_bytes
from flopcast.memory.shape import model_shape
from flopcast.memory.states import (
    Optimizer,
    model_state_bytes_per_param,
    sharded_states,
    training_state_bytes,
)
from flopcast.numbers.errors import InvalidInputError
from flopcast.numbers.limits import (
    BatchArg,
    ContextArg,
    CountArg,
    HeadsArg,
    LayersArg,
    ParamsArg,
    WidthArg,
)
from flopcast.numbers.quantities import Language, format_bytes, format_count
from flopcast.numbers.results import Assumption, Result, Step, make_step
from flopcast.numbers.validation import tool_function

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


class EstimateMemoryInput(BaseModel):
    """Arguments of estimate_memory."""

    model_config = ConfigDict(extra="forbid")

    mode: Literal["training", "inference"] = Field(
        default="training",
        description="training, or inference (KV cache).",
    )
    model: str | None = Field(
        default=None,
        description="Preset id (list_models) or a config.json path or text.",
    )
    params: ParamsArg | None = Field(
        default=None, description="Parameters, e.g. '70B' (MoE: all experts)."
    )
    layers: LayersArg | None = Field(
        default=None, description="Layers.",
    )
    d_model: WidthArg | None = Field(default=None, description="Hidden size.")
    heads: HeadsArg | None = Field(default=None, description="Attention heads.")
    kv_heads: HeadsArg | None = Field(
        default=None, description="KV heads (GQA)."
    )
    head_dim: WidthArg | None = Field(
        default=None, description="Head width.",
    )
    precision: ValuePrecision = Field(
        default="bf16",
        description="Training: mixed bf16/fp16 or fp32; inference: weights.",
    )
    kv_precision: ValuePrecision | None = Field(
        default=None, description="KV-cache format."
    )
    optimizer: Optimizer = Field(
        default="adamw",
        description="Optimizer.",
    )
    zero_stage: int = Field(
        default=0, ge=0, le=3, description="ZeRO stage 0-3."
    )
    tensor_parallel: CountArg = Field(
        default=1, description="Tensor-parallel degree.",
    )
    pipeline_parallel: CountArg = Field(
        default=1, description="Pipeline-parallel degree.",
    )
    data_parallel: CountArg = Field(
        default=1, description="Data-parallel degree (ZeRO shards over it)."
    )
    sequence_parallel: bool = Field(
        default=False, description="Megatron sequence parallelism."
    )
    recompute: Recompute = Field(
        default="none", description="Activation recomputation."
    )
    flash_attention: bool = Field(
        default=True, description="Attention scores not stored."
    )
    seq_len: ContextArg | None = Field(
        default=None, description="Training sequence length."
    )
    micro_batch: BatchArg = Field(
        default=1, description="Sequences per micro-batch.",
    )
    context: ContextArg | None = Field(
        default=None, description="Inference: tokens per sequence."
    )
    batch: BatchArg = Field(
        default=1, description="Inference: sequences at once.",
    )
    hardware: str | None = Field(
        default=None, description="Device id to check the fit against."
    )
    language: Language = Field(default="en", description="Answer language.")


class MemoryEstimate(Result):
    """Bytes per device, and whether they fit."""

    mode: Literal["training", "inference"]
    params: float
    precision: str
    devices: int = Field(description="t · p · N_d devices the estimate is spread over.")
    weights_bytes: float = Field(description="Per device.")
    gradients_bytes: float = Field(description="Per device (0 for inference).")
    optimizer_bytes: float = Field(description="Per device, including fp32 master weights.")
    activations_bytes: float | None = Field(description=(
        "Per device (training only); None when the shape they need (layers, d_model, heads, "
        "seq_len) is neither given nor in a preset — the total then counts the model states."))
    activations_need: list[str] = Field(default_factory=list, description=(
        "The shape arguments activations need that were not given (training, no preset)."))
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


@tool_function(EstimateMemoryInput)
def estimate_memory(args: EstimateMemoryInput) -> MemoryEstimate:
    """Bytes per device for training or inference, and whether they fit on `hardware`.

    See the module docstring for the formulas and their sources.

    Raises:
        InvalidInputError: a malformed value, or a shape figure needed and not given.
        UnknownModelError / UnknownHardwareError: unknown preset or device.
    """
    steps: list[Step] = []
    assumptions: list[Assumption] = []
    shape = model_shape(args, assumptions)
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
    gradients = optimizer_state = kv = 0.0
    activations: float | None = 0.0
    missing: list[str] = []
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
        weights, gradients, optimizer_state, spread_total = sharded_states(
            args, n_params, psi, d, steps, assumptions
        )
        missing = [n for n in ("layers", "d_model", "heads") if shape.get(n) is None] + (
            ["seq_len"] if args.seq_len is None and shape.get("context") is None else [])
        if missing:
            # The model states need only the parameter count: answer them, and say what the
            # activations need (Korthikanti et al. 2022, Table 2: s·b·h·(34 + 5·a·s/h) bytes
            # per layer), instead of one missing-argument error after another.
            activations = None
            assumptions.append(Assumption(
                name="activations", value="not computed",
                source=f"they need {', '.join(missing)} (or a model preset): per layer "
                "s·b·h·(34 + 5·a·s/h) bytes (Korthikanti et al. 2022, Table 2)"))
        else:
            activations = activation_memory(args, shape, t, steps, assumptions)
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
        weights, kv, kv_per_token, spread_total = inference_memory(
            args, shape, n_params, psi, t, p, steps, assumptions
        )
    total = weights + gradients + optimizer_state + (activations or 0.0) + kv
    steps.append(
        make_step(
            "total per device",
            "M = weights + gradients + optimizer + activations + KV",
            [
                ("weights", weights, "B"),
                ("gradients", gradients, "B"),
                ("optimizer", optimizer_state, "B"),
                ("activations", activations or 0.0, "B"),
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
        activations_need=missing,
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
    from flopcast.catalog.hardware import resolve_hardware

    hw, hw_assumptions = resolve_hardware(hardware, argument="hardware")
    assumptions.extend(hw_assumptions)
    if hw.memory_gb is None:
        raise InvalidInputError("hardware", f"the catalog has no memory size for {hw.id}")
    capacity = hw.memory_gb * 1e9
    r.hardware = hw.id
    r.device_memory_bytes = capacity
    r.fits = r.total_bytes_per_device <= capacity
    if r.activations_bytes is None and r.fits:
        r.fits = None  # the model states fit; whether the activations do is not known
    room = capacity - (r.activations_bytes or 0.0)
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
                ("activations", r.activations_bytes or 0.0, "bytes"),
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
                f"{format_bytes(r.optimizer_bytes)}，激活"
                + (" " + format_bytes(r.activations_bytes) if r.activations_bytes is not None
                   else f"未计入（需要 {'、'.join(r.activations_need)} 或模型预设）")
            )
        else:
            head += f"，KV 缓存 {format_bytes(r.kv_cache_bytes)}"
        head += "。"
        if r.activations_bytes is None and r.device_memory_bytes and r.fits is None:
            head += (f"\n\n{r.hardware}（{format_bytes(r.device_memory_bytes)}）：模型状态放得下，"
                     "激活是否放得下要看形状。")
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
            + (format_bytes(r.activations_bytes) if r.activations_bytes is not None else
               f"not counted (they need {', '.join(r.activations_need)}, or a model preset)")
        )
    else:
        head += f", KV cache {format_bytes(r.kv_cache_bytes)}"
    head += "."
    if r.activations_bytes is None and r.device_memory_bytes and r.fits is None:
        head += (f"\n\nOn {r.hardware} ({format_bytes(r.device_memory_bytes)}): the model "
                 "states fit; whether the activations do depends on the shape.")
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
