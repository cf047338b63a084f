"""The model's shape for estimate_memory: parameters and architecture, given or from a preset.

Each figure (params, layers, d_model, heads, kv_heads, head_dim) is the argument when given,
else the model preset's (`flopcast.catalog.models`). Defaults, echoed as assumptions for inference:
kv_heads = heads (multi-head attention, Vaswani et al. 2017) and head_dim = d_model / heads
(Vaswani et al. 2017, §3.2.2). The preset's training context is kept as `context`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from flopcast.numbers.errors import InvalidInputError
from flopcast.numbers.quantities import parse_quantity
from flopcast.numbers.results import Assumption

if TYPE_CHECKING:  # pragma: no cover - flopcast.memory.estimate imports this module at run time
    from flopcast.memory.estimate import EstimateMemoryInput

__all__ = ["kv_heads_assumption", "model_shape", "need"]


def kv_heads_assumption(heads: float) -> Assumption:
    """The Assumption made when kv_heads is not known: one K/V head per query head."""
    return Assumption(
        name="kv_heads",
        value=f"{heads:g} (= heads)",
        source="multi-head attention, one K/V head per query head (Vaswani et al. 2017); "
        "give kv_heads for grouped-query attention",
    )


def model_shape(
    args: EstimateMemoryInput, assumptions: list[Assumption]
) -> dict[str, float | None]:
    """Parameters and architecture from the arguments, else the preset."""
    preset = None
    if args.model is not None:
        from flopcast.catalog.models import name_assumptions, resolve_model

        preset = resolve_model(args.model, argument="model")
        assumptions.extend(name_assumptions(args.model))
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
            assumptions.append(kv_heads_assumption(shape["heads"]))
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
    from flopcast.memory.kv import attention_kv

    shape.update(attention_kv(preset, {k: getattr(args, k) for k in ("layers", "kv_heads",
                                                                      "head_dim")}))
    return shape


def need(shape: dict[str, float | None], names: tuple[str, ...], why: str) -> list[float]:
    """The figures `names` of `shape`; the first one missing is an InvalidInputError."""
    missing = [n for n in names if shape.get(n) is None]
    if missing:
        raise InvalidInputError(missing[0], f"needed for {why}; give it or a model preset")
    return [float(shape[n]) for n in names]  # type: ignore[arg-type]
