"""plan_cluster_training: step time, utilization and the best parallel layout on a cluster.

The tool behind "how long does GPT-3 take on 1024 A100s with TP 8 PP 8", "best TP/PP/DP layout
for Llama 3 70B on 512 H100s" and "why is my MFU only 30%". It resolves the model shape
(`model` preset or arguments), the cluster (`system` preset or `hardware` plus link figures),
searches the layouts the caller left open (`flopcast.cluster.search`), and explains the best
one: its step time and parts (`flopcast.cluster.step`), tokens/s, TFLOP/s per device counted
as trainers log them (hardware FLOPs, with recomputation) and as model FLOPs, MFU, days for
`tokens`, memory per device (`estimate_memory`), and what would make it faster.
"""

from __future__ import annotations

import dataclasses
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from flopcast.catalog.hardware import Hardware, resolve_hardware
from flopcast.cluster.compute import ModelShape, moe_fields
from flopcast.cluster.layout import Layout, check_degrees, check_layout
from flopcast.cluster.search import Fixed, search_layouts, smallest_fitting_count
from flopcast.cluster.step import DP_OVERLAP, Overlaps
from flopcast.cluster.systems import System, default_system_for, gemm_curve, resolve_system
from flopcast.numbers.errors import InvalidInputError
from flopcast.numbers.limits import (
    MAX_BATCH,
    MAX_CONTEXT,
    MAX_COUNT,
    MAX_HEADS,
    MAX_LAYERS,
    MAX_PRICE_PER_DEVICE_HOUR,
    MAX_VOCAB,
    MAX_WIDTH,
    BatchTokensArg,
    ParamsArg,
    TokensArg,
)
from flopcast.numbers.quantities import Language, format_number, parse_quantity
from flopcast.numbers.results import Assumption, Result, Step
from flopcast.numbers.validation import tool_function

__all__ = ["ClusterPlan", "LayoutRow", "PlanClusterTrainingInput", "plan_cluster_training"]

#: Per-device link bandwidth bound, GB/s: 10× NVLink 5's 900 GB/s per direction.
MAX_LINK_GB_S = 10_000.0
#: Most degrees of one kind of parallelism: far beyond any published layout (DP 192 at 12K GPUs).
MAX_DEGREE = 1_000_000

#: What the model leaves out, in every result's assumptions and in the README.
IGNORED = (
    "failures, restarts and checkpointing; stragglers and slow nodes; data loading; kernel "
    "launch gaps; network congestion and switch oversubscription; the embedding's own time"
)


class PlanClusterTrainingInput(BaseModel):
    """Arguments of plan_cluster_training."""

    model_config = ConfigDict(extra="forbid")

    model: str | None = Field(default=None, description=(
        "Preset id (list_models) or a config.json path or text."))
    params: ParamsArg | None = Field(default=None, description=(
        "Parameters, e.g. '175B'."))
    tokens: TokensArg | None = Field(default=None, description=(
        "Training tokens, e.g. '300B'."))
    layers: int | None = Field(default=None, ge=1, le=MAX_LAYERS, description="Layers.")
    d_model: int | None = Field(default=None, ge=1, le=MAX_WIDTH, description="Hidden size.")
    heads: int | None = Field(default=None, ge=1, le=MAX_HEADS, description="Attention heads.")
    kv_heads: int | None = Field(default=None, ge=1, le=MAX_HEADS,
                                 description="KV heads (GQA).")
    head_dim: int | None = Field(default=None, ge=1, le=MAX_WIDTH,
                                 description="Head width.")
    d_ff: int | None = Field(default=None, ge=1, le=MAX_WIDTH,
                             description="Feed-forward width (default 4·d_model).")
    gated_ffn: bool | None = Field(default=None,
                                   description="SwiGLU FFN (three matrices).")
    vocab: int | None = Field(default=None, ge=1, le=MAX_VOCAB, description="Vocabulary size.")
    seq_len: int | None = Field(default=None, ge=1, le=MAX_CONTEXT,
                                description="Sequence length.")
    count: int = Field(ge=1, le=MAX_COUNT, description="Devices.")
    system: str | None = Field(default=None, description=(
        "Cluster, e.g. dgx-h100."))
    hardware: str | None = Field(default=None, description=(
        "Device id (default: the system's)."))
    devices_per_node: int | None = Field(default=None, ge=1, le=MAX_COUNT, description=(
        "Devices per scale-up domain."))
    scale_up_gb_s: float | None = Field(default=None, gt=0, le=MAX_LINK_GB_S, description=(
        "Scale-up GB/s per device, each way."))
    scale_out_gb_s: float | None = Field(default=None, gt=0, le=MAX_LINK_GB_S, description=(
        "Scale-out GB/s per device, each way."))
    precision: Literal["bf16", "fp16", "fp8"] = Field(
        default="bf16", description="bf16 (default), fp8, fp32...")
    global_batch: int | None = Field(default=None, ge=1, le=MAX_BATCH, description=(
        "Sequences per step."))
    global_batch_tokens: BatchTokensArg | None = Field(default=None, description=(
        "Tokens per step, e.g. '4M'."))
    tensor_parallel: int | None = Field(default=None, ge=1, le=MAX_DEGREE,
                                        description="Searched if absent.")
    pipeline_parallel: int | None = Field(default=None, ge=1, le=MAX_DEGREE,
                                          description="Searched if absent.")
    data_parallel: int | None = Field(default=None, ge=1, le=MAX_DEGREE,
                                      description="Data-parallel degree (ZeRO shards over it).")
    context_parallel: int | None = Field(default=None, ge=1, le=MAX_DEGREE, description=(
        "CP degree; searched."))
    expert_parallel: int | None = Field(default=None, ge=1, le=MAX_DEGREE, description=(
        "EP degree; searched."))
    virtual_stages: int | None = Field(default=None, ge=1, le=MAX_LAYERS, description=(
        "Interleaved stages per device; searched."))
    micro_batch: int | None = Field(default=None, ge=1, le=MAX_BATCH,
                                    description="Sequences per micro-batch.")
    zero_stage: int | None = Field(default=None, ge=0, le=3,
                                   description="ZeRO stage 0-3.")
    sequence_parallel: bool | None = Field(default=None, description=(
        "Megatron sequence parallelism."))
    recompute: Literal["none", "selective", "full"] | None = Field(
        default=None, description="Recomputation; searched.")
    flash_attention: bool = Field(default=True, description=(
        "Attention scores not stored."))
    dp_overlap: float | None = Field(default=None, ge=0, le=1, description=(
        "Share of DP reduction hidden (0.75)."))
    tp_overlap: float | None = Field(default=None, ge=0, le=1, description=(
        "Share of TP traffic hidden (0)."))
    price_per_device_hour: float | None = Field(
        default=None, ge=0, le=MAX_PRICE_PER_DEVICE_HOUR,
        description="USD per device-hour (wins over provider).")
    provider: str | None = Field(default=None, description="Price provider or 'lowest'.")
    top: int = Field(default=3, ge=1, le=20, description="Layouts to list.")
    language: Language = Field(default="en", description="Answer language.")


class LayoutRow(BaseModel):
    """One ranked layout."""

    tensor_parallel: int
    pipeline_parallel: int
    data_parallel: int
    context_parallel: int
    expert_parallel: int = 1
    virtual_stages: int
    micro_batch: int
    zero_stage: int
    sequence_parallel: bool
    recompute: str
    step_seconds: float
    breakdown_seconds: dict[str, float] = Field(description="Step time by part, as the plan's.")
    mfu: float
    tokens_per_s: float
    days: float | None
    cost_usd: float | None
    energy_kwh: float | None
    memory_gb_per_device: float
    label: str


class ClusterPlan(Result):
    """Result of plan_cluster_training (the best layout first)."""

    model: str | None = Field(default=None, description="Preset id (None: shape given).")
    hardware: str
    system: str
    count: int
    precision: str
    peak_tflops_per_device: float
    global_batch: int
    seq_len: int
    layout: LayoutRow
    step_seconds: float
    breakdown_seconds: dict[str, float] = Field(description=(
        "compute (GEMM + non-matmul), tp_comm, cp_comm, pp_comm, ep_comm (MoE all-to-all), "
        "dp_comm (exposed), bubble, optimizer; they sum to step_seconds."))
    gemm_fraction: float = Field(description="Achievable fraction of peak of the layer GEMMs.")
    tokens_per_s: float
    tokens_per_s_per_device: float
    model_tflops_per_device: float = Field(description="Model FLOPs (no recompute) per second.")
    hardware_tflops_per_device: float = Field(
        description="FLOPs incl. recomputation per second, as Megatron-LM logs them (Eq. 3).")
    mfu: float
    hfu: float
    tokens: float | None
    days: float | None
    device_hours: float | None
    cost_usd: float | None
    energy_kwh: float | None
    memory_gb_per_device: float
    device_memory_gb: float
    searched: bool
    layouts_tried: int
    rejected: dict[str, int]
    ranked: list[LayoutRow]
    advice: list[str]


def _shape(args: PlanClusterTrainingInput, assumptions: list[Assumption]
           ) -> tuple[ModelShape, float | None, str | None]:
    preset = None
    if args.model is not None:
        from flopcast.catalog.models import name_assumptions, resolve_model

        preset = resolve_model(args.model, argument="model")
        assumptions.extend(name_assumptions(args.model))

    def pick(name: str, given: int | None, attr: str) -> int:
        if given is not None:
            return given
        if preset is None:
            raise InvalidInputError(name, "needed for the cluster model; give it or a model preset")
        return int(getattr(preset, attr))

    layers = pick("layers", args.layers, "layers")
    h = pick("d_model", args.d_model, "d_model")
    a = pick("heads", args.heads, "heads")
    kv = args.kv_heads or (preset.kv_heads if preset else a)
    head_dim = args.head_dim or (
        preset.head_dim if (preset and args.d_model is None and args.heads is None) else h // a)
    gated = args.gated_ffn if args.gated_ffn is not None else bool(preset and preset.gated_ffn)
    d_ff = args.d_ff or (preset.d_ff if preset and preset.d_ff else 4 * h)
    if args.d_ff is None and not (preset and preset.d_ff):
        assumptions.append(Assumption(name="d_ff", value=f"{d_ff} (= 4·d_model)",
                                      source="GPT feed-forward width (Vaswani et al. 2017)"))
    vocab = pick("vocab", args.vocab, "vocab")
    seq = pick("seq_len", args.seq_len, "context")
    if args.params is not None:
        params = parse_quantity(args.params, argument="params")
    elif preset is not None:
        params = preset.params
    else:
        params = layers * (h * (a + 2 * kv) * head_dim + a * head_dim * h
                           + h * d_ff * (3 if gated else 2)) + 2 * vocab * h
        assumptions.append(Assumption(name="params", value=format_number(params),
                                      source="counted from the shape (untied embeddings)"))
    moe: dict[str, Any] = {}
    if preset is not None and args.d_ff is None:
        moe = moe_fields(preset, layers, mla=args.heads is None and args.d_model is None)
        if "attention_params" in moe:
            assumptions.append(Assumption(
                name="latent attention weights per layer",
                value=format_number(moe["attention_params"]),
                source="what the published active parameters leave after the active experts, "
                "dense FFNs, routers and output head (2 FLOPs per weight and token, 6·N·D)"))
    tokens = None
    if args.tokens is not None:
        tokens = parse_quantity(args.tokens, argument="tokens")
    elif preset is not None and preset.tokens is not None:
        tokens = preset.tokens
    shape = ModelShape(params, layers, h, a, kv, head_dim, d_ff, gated, vocab, seq, **moe)
    return shape, tokens, (preset.id if preset is not None else None)


def _system(args: PlanClusterTrainingInput, assumptions: list[Assumption]
            ) -> tuple[System, Hardware]:
    hw: Hardware | None = None
    if args.hardware is not None:
        hw, hw_assumptions = resolve_hardware(args.hardware)
        assumptions += hw_assumptions
    name = args.system
    if name is None:
        name = default_system_for(hw.id) if hw is not None else None
        if name is None:
            raise InvalidInputError("system", "give a cluster preset (e.g. dgx-h100) or a "
                                    "hardware id that has one, plus link figures")
        assumptions.append(Assumption(name="system", value=name,
                                      source="the cluster preset built from this device"))
    system = resolve_system(name)
    if hw is None:
        hw, _ = resolve_hardware(system.hardware)
    changes: dict[str, object] = {}
    if args.devices_per_node is not None:
        changes["devices_per_node"] = args.devices_per_node
    if args.scale_up_gb_s is not None:
        changes["scale_up_bytes_per_s"] = args.scale_up_gb_s * 1e9
    if args.scale_out_gb_s is not None:
        changes["scale_out_bytes_per_s"] = args.scale_out_gb_s * 1e9
    system = dataclasses.replace(system, hardware=hw.id, **changes)  # type: ignore[arg-type]
    for label, link, given in (("scale-up", system.scale_up, args.scale_up_gb_s),
                               ("scale-out", system.scale_out, args.scale_out_gb_s)):
        if given is None:
            assumptions.append(Assumption(
                name=f"{label} bandwidth", value=f"{link.gb_s:g} GB/s per device per direction, "
                f"{link.latency_us:g} µs per call ({link.name})",
                source=f"{link.source_title} ({link.source_url}); latency: {link.latency_source}"
                + ("; read in a secondary copy" if link.unverified else "")))
    return system, hw


@tool_function(PlanClusterTrainingInput)
def plan_cluster_training(args: PlanClusterTrainingInput) -> ClusterPlan:
    """Predict step time, TFLOP/s per device and MFU of a training run on a cluster, and find
    the fastest parallel layout (TP/PP/VP/CP/DP, micro-batch, ZeRO, recompute) that fits.

    Every layout argument left out is searched; with all given, that layout is explained.

    Raises:
        InvalidInputError: a layout that does not divide devices, heads, layers, sequence or
            batch (naming the nearest valid values), a shape that is incomplete, or a workload
            that fits no layout (naming the smallest device count that fits).
    """
    from flopcast.cluster.explain import explain_plan

    steps: list[Step] = []
    assumptions: list[Assumption] = []
    shape, tokens, model_id = _shape(args, assumptions)
    system, hw = _system(args, assumptions)
    peak_obj = hw.peak(args.precision)
    peak = peak_obj.flops_per_s
    curve = gemm_curve(hw.id, peak)
    bf16 = None
    if args.precision == "fp8" and "bf16" in hw.precisions():
        # Only the linear layers run in FP8 (flopcast.cluster.step): attention scores and the
        # output head at the BF16 peak.
        bf16 = hw.peak("bf16")
        assumptions.append(Assumption(
            name="FP8 layers",
            value="linear layers (projections, feed-forward, experts) in FP8; attention scores "
                  "and the output head in BF16",
            source="Megatron-Core TransformerConfig: fp8_dot_product_attention = False; "
                   "DeepSeek-AI 2024, arXiv:2412.19437, §3.3.1"))
    if hw.memory_bandwidth_gb_s is None or hw.memory_gb is None:
        raise InvalidInputError("hardware", f"{hw.name} has no memory figures in the catalog")
    if args.global_batch is not None:
        batch = args.global_batch
    elif args.global_batch_tokens is not None:
        batch = max(1, round(parse_quantity(args.global_batch_tokens,
                                            argument="global_batch_tokens") / shape.seq_len))
    else:
        raise InvalidInputError("global_batch", "give global_batch (sequences per step) or "
                                "global_batch_tokens (e.g. '4M')")
    overlaps = Overlaps(tp=args.tp_overlap or 0.0,
                        dp=DP_OVERLAP if args.dp_overlap is None else args.dp_overlap)
    fixed = Fixed(tp=args.tensor_parallel, pp=args.pipeline_parallel, dp=args.data_parallel,
                  cp=args.context_parallel, vp=args.virtual_stages, micro_batch=args.micro_batch,
                  zero_stage=args.zero_stage, sequence_parallel=args.sequence_parallel,
                  recompute=args.recompute, ep=args.expert_parallel)
    searched = any(v is None for v in (args.tensor_parallel, args.pipeline_parallel,
                                       args.virtual_stages, args.micro_batch, args.zero_stage,
                                       args.recompute)) or (shape.is_moe
                                                            and args.expert_parallel is None)
    ep = args.expert_parallel
    if ep is not None and ep > 1:
        if not shape.is_moe:
            raise InvalidInputError(
                "expert_parallel", f"{ep} needs a mixture-of-experts model; "
                "this model is dense (no routed experts): use expert_parallel 1")
        if shape.experts % ep or args.count % ep:
            ok = [e for e in range(1, shape.experts + 1)
                  if shape.experts % e == 0 and args.count % e == 0]
            near = sorted(ok, key=lambda e: (abs(e - ep), e))[:2]
            raise InvalidInputError(
                "expert_parallel", f"{ep} must divide both the "
                f"{shape.experts} routed experts and the {args.count} devices; nearest valid: "
                + " or ".join(str(e) for e in near))
    check_degrees(devices=args.count, heads=shape.heads, layers=shape.layers,
                  seq_len=shape.seq_len, tp=args.tensor_parallel, pp=args.pipeline_parallel,
                  cp=args.context_parallel, vp=args.virtual_stages)
    tp, pp = args.tensor_parallel, args.pipeline_parallel
    if tp is not None and pp is not None:
        cp = args.context_parallel or 1
        dp = args.data_parallel or max(1, args.count // (tp * pp * cp))
        check_layout(Layout(tp, pp, dp, cp, args.virtual_stages or 1, args.expert_parallel or 1,
                            args.micro_batch or 1),
                     devices=args.count, heads=shape.heads, layers=shape.layers,
                     seq_len=shape.seq_len, global_batch=batch,
                     experts=shape.experts if shape.is_moe else 0)
    memory = hw.memory_gb * 1e9
    found = search_layouts(shape, args.count, system, global_batch=batch,
                           peak_flops_per_s=peak,
                           hbm_bytes_per_s=hw.memory_bandwidth_gb_s * 1e9, curve=curve,
                           memory_bytes=memory, fixed=fixed,
                           flash_attention=args.flash_attention, overlaps=overlaps,
                           precision=args.precision, keep=args.top,
                           attention_peak_flops_per_s=bf16.flops_per_s if bf16 else None)
    if found.tried == 0:
        raise InvalidInputError(
            "count", f"no TP·CP·PP·DP split of {args.count} devices divides the {shape.heads} "
            f"heads, the {shape.layers} layers and the global batch of {batch} sequences; use a "
            f"count that is a multiple of {system.devices_per_node} or a power of two")
    if not found.ranked:
        reasons = ", ".join(f"{k} ({v})" for k, v in found.rejected.most_common()) or "none"
        need = smallest_fitting_count(shape, args.count, system.devices_per_node, batch,
                                      memory, args.recompute, args.precision,
                                      args.flash_attention)
        more = (f"; the smallest device count with a layout that fits is {need} (doubling "
                f"{args.count})" if need else "")
        raise InvalidInputError(
            "count", f"no layout of {args.count} {hw.name} fits this model with global batch "
            f"{batch} ({found.tried} tried; rejected: {reasons}){more}")
    return explain_plan(args, shape, tokens, system, hw, peak_obj, curve, batch, found,
                        overlaps, searched, steps, assumptions, model=model_id,
                        attention_peak=bf16)

