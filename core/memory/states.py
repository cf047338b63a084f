"""Training model states per device: weights, gradients and optimizer state (ZeRO).

Rajbhandari et al. 2020, "ZeRO: Memory Optimizations Toward Training Trillion Parameter
Models", arXiv:1910.02054, §3.1 and Figure 1: mixed-precision Adam keeps 2Ψ bytes of
fp16/bf16 weights, 2Ψ of gradients and KΨ of optimizer state with K = 12 (fp32 master
weights, momentum and variance), 16Ψ in all. ZeRO stage 1 partitions the optimizer state over
the N_d data-parallel ranks, stage 2 the gradients too, stage 3 the weights too (§5,
Figure 1). Tensor (t) and pipeline (p) parallelism first split Ψ over t·p devices.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

from flopcast.numbers.errors import InvalidInputError, quote
from flopcast.numbers.results import Assumption, Step, make_step

if TYPE_CHECKING:  # pragma: no cover - flopcast.memory.estimate imports this module at run time
    from flopcast.memory.estimate import EstimateMemoryInput

__all__ = [
    "Optimizer",
    "model_state_bytes_per_param",
    "sharded_states",
    "training_state_bytes",
]

Optimizer = Literal["adamw", "adam", "adam_8bit", "sgd_momentum", "sgd"]
TrainingPrecision = Literal["bf16", "fp16", "fp32"]

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
            "optimizer",
            f"unknown {quote(optimizer)}; accepted: {', '.join(_OPTIMIZER_STATE_BYTES)}",
        )
    if precision not in ("bf16", "fp16", "fp32"):
        raise InvalidInputError(
            "precision",
            f"training precision must be bf16, fp16 (mixed) or fp32, got {quote(precision)}",
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


def sharded_states(
    args: EstimateMemoryInput,
    n_params: float,
    psi: float,
    d: int,
    steps: list[Step],
    assumptions: list[Assumption],
) -> tuple[float, float, float, float]:
    """Weights, gradients and optimizer state per device under ZeRO stage `args.zero_stage`.

    `psi` is Ψ_dev = Ψ / (t·p), the parameters of one model-parallel rank; `d` is N_d. Returns
    (weights, gradients, optimizer state, all model states unsharded), in bytes.
    """
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
    return weights, gradients, optimizer_state, spread_total
