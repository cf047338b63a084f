"""The workload of a training run: model FLOPs and hardware FLOPs, from whatever was given.

Every training-related tool (estimate_training, compare_gpus, check_claim, ...)
takes the same workload arguments (`WorkloadArgs`) and turns them into a
`Workload` with `resolve_workload`:

1. `flops` given → used as is (it is the model FLOPs; `full` recompute scales
   the hardware FLOPs by 8/6, the 6·N·D convention of Megatron-LM Eq. 4).
2. otherwise `params` and `tokens` from the arguments, falling back to the
   `model` preset (explicit arguments override the preset; each choice is
   listed in `assumptions`), and FLOPs by `method` (see `flopcast.workload.flops`).
   A mixture-of-experts preset contributes its *active* parameters.

The resolution depends on its arguments and the shipped catalogs only, so
`workload_of` keeps the last few in a small cache (an assistant asks about one model
on many devices, counts and deadlines): a `Workload` is frozen and its steps and
assumptions are tuples, so a cached one cannot be changed by a caller.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from flopcast.catalog.models import ModelPreset, resolve_model
from flopcast.numbers.errors import InvalidInputError
from flopcast.numbers.limits import (
    MAX_CONTEXT,
    MAX_HEADS,
    MAX_LAYERS,
    MAX_VOCAB,
    MAX_WIDTH,
    FlopsArg,
    ParamsArg,
    TokensArg,
)
from flopcast.numbers.quantities import format_count, format_sci, parse_quantity
from flopcast.numbers.results import Assumption, Step, make_step
from flopcast.numbers.validation import tool_function
from flopcast.workload.flops import Architecture, Method, Recompute, training_flops

__all__ = ["Workload", "WorkloadArgs", "resolve_workload", "workload_of"]

#: Hardware/model FLOPs with full recompute under C = 6·N·D: 8·N·D / 6·N·D
#: (Narayanan et al. 2021 Eq. 4: a forward pass of 2N more per token).
_FULL_RECOMPUTE_FACTOR_6ND = 8 / 6

_ARCH_FIELDS = ("layers", "d_model", "heads", "seq_len", "vocab", "d_ff")


class WorkloadArgs(BaseModel):
    """Workload arguments shared by the training tools (inherit from this)."""

    model_config = ConfigDict(extra="forbid")

    model: str | None = Field(
        default=None,
        description=(
            "Preset id or alias (list_models), e.g. 'gpt-3-175b'; gives params, tokens, shape."
        ),
    )
    params: ParamsArg | None = Field(
        default=None,
        description=(
            "Parameters N, e.g. '175B' (MoE: active per token). Overrides the preset."
        ),
    )
    tokens: TokensArg | None = Field(
        default=None,
        description="Training tokens D, e.g. '300B'. Overrides the preset.",
    )
    flops: FlopsArg | None = Field(
        default=None,
        description=(
            "Total training FLOPs, e.g. 3.14e23 or '3640 PF-days'; used as is."
        ),
    )
    method: Method = Field(
        default="6nd",
        description=(
            "6nd = 6·N·D; the others add attention (need the shape)."
        ),
    )
    recompute: Recompute = Field(
        default="none",
        description=(
            "Recomputation: full = 8·N·D hardware FLOPs."
        ),
    )
    layers: int | None = Field(
        default=None, gt=0, le=MAX_LAYERS,
        description="Layers.",
    )
    d_model: int | None = Field(
        default=None, gt=0, le=MAX_WIDTH,
        description="Hidden size.",
    )
    heads: int | None = Field(default=None, gt=0, le=MAX_HEADS, description="Attention heads.")
    seq_len: int | None = Field(
        default=None, gt=0, le=MAX_CONTEXT,
        description="Sequence length."
    )
    vocab: int | None = Field(default=None, gt=0, le=MAX_VOCAB, description="Vocabulary size.")
    d_ff: int | None = Field(
        default=None, gt=0, le=MAX_WIDTH, description="Feed-forward width (default 4·d_model)."
    )


class Workload(BaseModel):
    """What a training run computes, ready for time / cost / energy tools."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    flops: float = Field(description="Model FLOPs of the run (forward + backward).")
    hardware_flops: float = Field(description="FLOPs executed, including recomputation.")
    params: float | None = Field(description="N used (active parameters for MoE).")
    tokens: float | None = Field(description="D, training tokens.")
    total_params: float | None = Field(
        default=None, description="All parameters (differs from `params` for MoE); for memory."
    )
    model: ModelPreset | None = None
    arch: Architecture | None = None
    method: str = Field(description="FLOPs method used, or 'given' when `flops` was given.")
    recompute: str
    steps: tuple[Step, ...] = ()
    assumptions: tuple[Assumption, ...] = ()


def _source_for(preset: ModelPreset, field: str) -> str:
    for src in preset.sources:
        if field in src.fields:
            return src.title
    return f"{preset.name} preset (models.toml)"


def _architecture(args: WorkloadArgs, preset: ModelPreset | None) -> Architecture | None:
    given = {f: getattr(args, f) for f in _ARCH_FIELDS if getattr(args, f) is not None}
    base: dict[str, object] = {}
    if preset is not None:
        base = {"layers": preset.layers, "d_model": preset.d_model, "heads": preset.heads,
                "seq_len": preset.context, "vocab": preset.vocab, "d_ff": preset.d_ff,
                "gated_ffn": preset.gated_ffn, "kv_heads": preset.kv_heads}
        if "d_model" not in given and "heads" not in given:
            base["head_dim"] = preset.head_dim
    shape = {**base, **given}
    if any(shape.get(f) is None for f in ("layers", "d_model", "heads", "seq_len", "vocab")):
        return None
    try:
        return Architecture.model_validate(shape)
    except ValidationError as e:
        first = e.errors(include_url=False)[0]
        loc = [str(p) for p in first.get("loc", ())] or ["heads"]
        raise InvalidInputError(loc[0], str(first.get("msg", "invalid architecture"))) from e


@tool_function(WorkloadArgs)
def resolve_workload(args: WorkloadArgs) -> Workload:
    """Resolve the workload arguments into model and hardware FLOPs, with steps.

    Raises:
        InvalidInputError: malformed numbers; nothing to compute from (names the
            argument to give); a per-layer method without architecture.
        UnknownModelError: `model` is not a preset.
    """
    return workload_of(args)


_WORKLOAD_FIELDS = tuple(WorkloadArgs.model_fields)


def workload_of(args: WorkloadArgs) -> Workload:
    """`resolve_workload` for arguments already validated (any subclass of WorkloadArgs).

    The same arguments give the same frozen `Workload`, from a cache of 256 entries;
    an error is raised again on every call (errors are not cached).
    """
    return _cached_workload(tuple(getattr(args, f) for f in _WORKLOAD_FIELDS))


@lru_cache(maxsize=256)
def _cached_workload(key: tuple[object, ...]) -> Workload:
    fields: dict[str, Any] = dict(zip(_WORKLOAD_FIELDS, key, strict=True))
    return _resolve(WorkloadArgs.model_construct(**fields))


def _resolve(args: WorkloadArgs) -> Workload:
    preset = resolve_model(args.model) if args.model is not None else None
    assumptions: list[Assumption] = []
    steps: list[Step] = []

    n = parse_quantity(args.params, argument="params") if args.params is not None else None
    d = parse_quantity(args.tokens, argument="tokens") if args.tokens is not None else None
    total = n
    if preset is not None:
        if n is None:
            n, total = preset.effective_params, preset.params
            field = "active_params" if preset.is_moe else "params"
            what = "active parameters" if preset.is_moe else "parameters"
            assumptions.append(Assumption(name="params", value=f"{format_sci(n, 4)} {what} "
                                          f"({preset.name})", source=_source_for(preset, field)))
        else:
            assumptions.append(Assumption(
                name="params", value=f"{format_count(n)} (given; preset has "
                f"{format_count(preset.effective_params)})", source="argument overrides preset"))
        if d is None and preset.tokens is not None:
            d = preset.tokens
            assumptions.append(Assumption(name="tokens", value=f"{format_count(d)} ({preset.name})",
                                          source=_source_for(preset, "tokens")))
        elif d is not None:
            had = format_count(preset.tokens) if preset.tokens else "none published"
            assumptions.append(Assumption(name="tokens", value=f"{format_count(d)} (given; "
                                          f"preset has {had})", source="argument overrides preset"))
    arch = _architecture(args, preset)

    if args.flops is not None:
        c = parse_quantity(args.flops, argument="flops")
        steps.append(make_step("training FLOPs (given)", "C = C_given", [("C_given", c, "FLOPs")],
                               c, "FLOPs", expression=format_sci(c, 4)))
        hw = c
        if args.recompute == "full":
            hw = c * _FULL_RECOMPUTE_FACTOR_6ND
            steps.append(make_step(
                "hardware FLOPs (full recompute, 6·N·D convention: 8·N·D / 6·N·D)",
                "C_hw = C · 8/6", [("C", c, "FLOPs")], hw, "FLOPs"))
        elif args.recompute == "selective":
            if arch is None or d is None:
                raise InvalidInputError(
                    "recompute", "'selective' with given flops needs the architecture and "
                    "tokens (a preset, or layers, d_model, heads, seq_len, vocab and tokens)")
            extra = training_flops(params=n or 1.0, tokens=d, recompute="selective", arch=arch)
            hw = c + (extra.hardware_flops - extra.flops)
            steps.append(make_step("hardware FLOPs (selective recompute, Korthikanti et al. Eq. 8)",
                                   "C_hw = C + C_recompute",
                                   [("C", c, "FLOPs"),
                                    ("C_recompute", extra.hardware_flops - extra.flops, "FLOPs")],
                                   hw, "FLOPs"))
        return Workload(flops=c, hardware_flops=hw, params=n, tokens=d, total_params=total,
                        model=preset, arch=arch, method="given", recompute=args.recompute,
                        steps=tuple(steps), assumptions=tuple(assumptions))

    if d is None:
        extra_hint = (f"; the {preset.name} preset has no published training tokens"
                      if preset is not None else "")
        raise InvalidInputError(
            "tokens", "the workload needs tokens (e.g. '300B') or a model preset with published "
            f"training tokens, or give flops{extra_hint}")
    if args.method != "6nd":
        if preset is not None and preset.is_moe:
            raise InvalidInputError(
                "method", f"{args.method!r} counts a dense transformer's layers; {preset.name} "
                "is a mixture of experts: use '6nd' (with its active parameters)")
        if arch is None:
            raise InvalidInputError(
                "method", f"{args.method!r} needs layers, d_model, heads, seq_len, vocab (from a "
                "model preset or explicit arguments); or use '6nd'")
    if n is None:
        if arch is None:
            raise InvalidInputError(
                "params", "the workload needs params (e.g. '175B'), a model preset, or flops")
        n = float(arch.param_count(embedding_matrices=1))
        total = n
        assumptions.append(Assumption(
            name="params", value=f"{format_count(n)} = L · (layer weights) + V · d_model",
            source="computed from the architecture (one embedding matrix, no biases or norms)"))
    est = training_flops(params=n, tokens=d, method=args.method, recompute=args.recompute,
                         arch=arch)
    return Workload(flops=est.flops, hardware_flops=est.hardware_flops, params=n, tokens=d,
                    total_params=total, model=preset, arch=arch, method=est.method,
                    recompute=est.recompute, steps=(*steps, *est.steps),
                    assumptions=(*assumptions, *est.assumptions))
