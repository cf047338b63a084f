"""Training activations per device (Korthikanti et al. 2022, Table 2).

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
recomputation. Sliding-window (local) layers keep the same activations as global ones: with
FlashAttention no scores are stored at all, and without it the usual eager implementation
computes the whole s × s score matrix and masks it (Hugging Face transformers'
`eager_attention_forward`: `matmul(query, key.T)` then `+ attention_mask`), so the window
saves FLOPs and KV cache, not training activations. With pipeline parallelism under the
1F1B schedule the first stage holds p micro-batches of L/p layers, so the activations per
device are L layers' worth whatever p (Korthikanti et al. 2022, §4, on pipeline
parallelism). Ignored: the embedding and output layers' activations (including the logits
over the vocabulary), framework buffers, fragmentation and the CUDA context — a few GB per
device in practice.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

from flopcast.memory.shape import need
from flopcast.numbers.errors import InvalidInputError
from flopcast.numbers.results import Assumption, Step, make_step

if TYPE_CHECKING:  # pragma: no cover - flopcast.memory.estimate imports this module at run time
    from flopcast.memory.estimate import EstimateMemoryInput

__all__ = ["Recompute", "activation_bytes_per_layer", "activation_memory"]

Recompute = Literal["none", "selective", "full"]

_KORTHIKANTI = "Korthikanti et al. 2022, Reducing Activation Recomputation, arXiv:2205.05198"


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


def activation_memory(
    args: EstimateMemoryInput,
    shape: dict[str, float | None],
    t: int,
    steps: list[Step],
    assumptions: list[Assumption],
) -> float:
    """Activation bytes per device: n_layer × the per-layer figure (1F1B: independent of p).

    Raises:
        InvalidInputError: layers, d_model, heads or seq_len neither given nor in a preset.
    """
    L, h, a = need(shape, ("layers", "d_model", "heads"), "activation memory")
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
    return activations


def _activation_formula(args: EstimateMemoryInput, t: int) -> str:
    if args.recompute == "full":
        return "A = 2 · s · b · h"
    scores = "" if (args.recompute == "selective" or args.flash_attention) else " + 5·a·s/(h·t)"
    if args.sequence_parallel:
        return f"A = s · b · h · (34/t{scores})"
    return f"A = s · b · h · (10 + 24/t{scores})"
