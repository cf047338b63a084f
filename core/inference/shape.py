"""The shape of a served model for estimate_inference, from the arguments or a model preset.

Explicit arguments win; a preset (`flopcast.catalog.models`, each entry citing its paper) fills the
rest. Grouped-query attention (Ainslie et al. 2023, arXiv:2305.13245) has fewer key/value
heads than query heads; when none are given there is one per query head (multi-head
attention, Vaswani et al. 2017 §3.2.2), as `flopcast.memory.shape.kv_heads_assumption` says.
Every default taken is recorded as an Assumption.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from flopcast.memory.shape import kv_heads_assumption
from flopcast.numbers.errors import InvalidInputError
from flopcast.numbers.quantities import parse_quantity
from flopcast.numbers.results import Assumption

if TYPE_CHECKING:  # pragma: no cover - flopcast.inference.estimate imports this module at run time
    from flopcast.inference.estimate import EstimateInferenceInput

__all__ = ["serving_shape"]


def serving_shape(
    args: EstimateInferenceInput, assumptions: list[Assumption]
) -> dict[str, float]:
    """The shape of the served model: arguments first, then the preset `args.model`.

    Returns a dict of floats: "params" (N_total), "active" (N per token: `active_params`,
    else the preset's when params is not given, else N_total), "layers", "heads",
    "kv_heads" (default heads, said in an Assumption), "head_dim" and "context" (default
    the preset's training context). When layers, heads or head_dim is unknown the attention
    FLOPs and KV cache are left out: those four are 0 and the context may be 0.

    Raises:
        InvalidInputError: no params and no preset, unparsable quantities, or a known shape
            without a context.
        UnknownModelError: `args.model` is not a preset.
    """
    preset = None
    if args.model is not None:
        from flopcast.catalog.models import name_assumptions, resolve_model

        preset = resolve_model(args.model, argument="model")
        assumptions.extend(name_assumptions(args.model))
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
    if not missing:
        from flopcast.memory.kv import attention_kv

        shape.update(attention_kv(preset, {k: getattr(args, k) for k in ("layers", "kv_heads",
                                                                          "head_dim")}))
    return shape
