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

import re
from functools import lru_cache
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from flopcast.catalog.hf_config import is_config_reference
from flopcast.catalog.models import ModelPreset, name_assumptions, resolve_model
from flopcast.numbers.errors import InvalidInputError
from flopcast.numbers.limits import (
    ContextArg,
    FlopsArg,
    HeadsArg,
    LayersArg,
    ParamsArg,
    TokensArg,
    VocabArg,
    WidthArg,
)
from flopcast.numbers.quantities import format_count, format_number, format_sci, parse_quantity
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
            "Preset id (list_models) or a config.json path or text."
        ),
    )
    params: ParamsArg | None = Field(
        default=None,
        description=(
            "Parameters, e.g. '175B' (MoE: active)."
        ),
    )
    tokens: TokensArg | None = Field(
        default=None,
        description="Training tokens, e.g. '300B'.",
    )
    flops: FlopsArg | None = Field(
        default=None,
        description=(
            "Total FLOPs, used as is, e.g. '3640 PF-days'."
        ),
    )
    method: Method = Field(
        default="6nd",
        description=(
            "6nd: 6·N·D; others add attention."
        ),
    )
    recompute: Recompute = Field(
        default="none",
        description=(
            "full: 8·N·D executed."
        ),
    )
    layers: LayersArg | None = Field(
        default=None, description="Layers.",
    )
    d_model: WidthArg | None = Field(
        default=None, description="Hidden size.",
    )
    heads: HeadsArg | None = Field(default=None, description="Attention heads.")
    seq_len: ContextArg | None = Field(
        default=None, description="Sequence length."
    )
    vocab: VocabArg | None = Field(default=None, description="Vocabulary size.")
    d_ff: WidthArg | None = Field(
        default=None, description="Feed-forward width (default 4·d_model)."
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
                "gated_ffn": preset.gated_ffn, "kv_heads": preset.kv_heads,
                "sliding_window": preset.sliding_window, "local_layers": preset.local_layers}
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
    an error is raised again on every call (errors are not cached). A `model` naming a
    config.json is read every time (the file may change; access is checked per call).
    """
    if isinstance(args.model, str) and is_config_reference(args.model):
        return _resolve(args)
    return _cached_workload(tuple(getattr(args, f) for f in _WORKLOAD_FIELDS))


@lru_cache(maxsize=256)
def _cached_workload(key: tuple[object, ...]) -> Workload:
    fields: dict[str, Any] = dict(zip(_WORKLOAD_FIELDS, key, strict=True))
    return _resolve(WorkloadArgs.model_construct(**fields))


def _resolve(args: WorkloadArgs) -> Workload:
    preset = resolve_model(args.model) if args.model is not None else None
    assumptions: list[Assumption] = name_assumptions(args.model)
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
                                          f"({preset.name})"
                                          f"{_rounded_name_note(preset.name, n, preset.is_moe)}",
                                          source=_source_for(preset, field)))
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
    if preset is not None and arch is not None and arch.windowed \
            and (args.method != "6nd" or args.recompute == "selective"):
        assumptions.append(Assumption(
            name="sliding window", value=f"{arch.local_layers} of {arch.layers} layers within "
            f"{arch.sliding_window} tokens", source=_source_for(preset, "sliding_window")))

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
    published = preset.published_flops if preset is not None else None
    if published and abs(est.flops / published - 1) >= 5e-4:
        # GPT-3: Table D.1 prints 3.14e23 (rounded); 6·N·D with its 174.6B and 300B is
        # 3.143e23. A figure derived from the printed one differs in its last digit (the
        # seed's 355 years vs 356 here): say so rather than leave two answers unexplained.
        diff = est.flops / published - 1
        assumptions.append(Assumption(
            name="flops vs published", value=f"{format_sci(est.flops, 4)} ({args.method}) vs "
            f"{format_sci(published, 4)} published: {format_number(abs(diff) * 100)}% "
            f"{'more' if diff > 0 else 'less'}",
            source=f"{preset.name if preset else ''}: figures computed from the published FLOPs "
            "(flops=...) differ by as much in their last digit"))
    return Workload(flops=est.flops, hardware_flops=est.hardware_flops, params=n, tokens=d,
                    total_params=total, model=preset, arch=arch, method=est.method,
                    recompute=est.recompute, steps=(*steps, *est.steps),
                    assumptions=(*assumptions, *est.assumptions))


_NAME_SIZE = re.compile(r"(\d+(?:\.\d+)?)\s*([MBT])\b")
_NAME_ACTIVE = re.compile(r"(\d+(?:\.\d+)?)\s*([MBT])\s+active\b")


def _rounded_name_note(name: str, params: float, active: bool = False) -> str:
    """When a preset's name rounds its size ("GPT-3 175B" for 174.6B counted), say so: "175B"
    typed as params gives slightly different figures, and that is why (e.g. 355 vs 356 years).

    >>> _rounded_name_note("GPT-3 175B", 174.6e9)
    '; the name rounds it: params="175B" gives 0.229% more FLOPs and time'
    >>> _rounded_name_note("Llama 2 7B", 6.74e9)[:40]
    '; the name rounds it: params="7B" gives '
    >>> _rounded_name_note("Chinchilla 70B", 70e9)
    ''
    >>> _rounded_name_note("DeepSeek-V3 (671B total, 37B active)", 37e9, active=True)
    ''
    >>> _rounded_name_note("Mixtral 8x7B", 12.9e9, active=True)
    ''
    """
    # A mixture of experts' name gives its total first ("DeepSeek-V3 (671B total, 37B
    # active)"): compare the active count with the size written before "active" only.
    m = _NAME_ACTIVE.search(name) if active else _NAME_SIZE.search(name)
    if not m:
        return ""
    named = float(m.group(1)) * {"M": 1e6, "B": 1e9, "T": 1e12}[m.group(2)]
    diff = named / params - 1
    if abs(diff) < 5e-4:
        return ""
    return (f'; the name rounds it: params="{m.group(1)}{m.group(2)}" gives '
            f"{format_number(abs(diff) * 100)}% {'more' if diff > 0 else 'less'} FLOPs and time")
