"""Serving throughput: forward FLOPs per token and a roofline per phase (prefill, decode).

FLOPs per token, forward pass only (Kaplan et al. 2020, "Scaling Laws for Neural Language
Models", arXiv:2001.08361, Table 1)::

    C_forward = 2·N + 2·n_layer·n_ctx·d_attn        (d_attn = n_heads · d_head)

N counts the parameters that do work per token (the active ones for a mixture of experts).
The attention term uses the whole context n_ctx for every token, as Kaplan's table does; a
causal prompt averages n_ctx/2, so prefill is slightly pessimistic at long contexts. Layers
that attend within a window (sliding-window or chunked attention) see min(n_ctx, window)
tokens: the term becomes 2·d_attn·((n_layer − L_local)·n_ctx + L_local·min(n_ctx, window)).
The KV cache is 2·n_layer·n_kv_heads·d_head values per token, or what
`flopcast.memory.kv.kv_cache_values` counts for latent attention (DeepSeek's MLA caches a
d_c + d_rope latent per layer) and windowed layers. MLA's attention FLOPs are counted with
d_attn = n_heads · (d_nope + d_rope), the non-absorbed form.

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

The phase functions below append their steps (and assumptions) in the order
`flopcast.inference.estimate.estimate_inference` shows them; that module holds the tool.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

from flopcast.memory.kv import BYTES_PER_VALUE, kv_cache_bytes, variant_kv_step
from flopcast.numbers.results import Assumption, Step, make_step

if TYPE_CHECKING:  # pragma: no cover - flopcast.inference.estimate imports this module at run time
    from flopcast.catalog.device import Hardware
    from flopcast.catalog.spec import Peak
    from flopcast.inference.estimate import EstimateInferenceInput

__all__ = [
    "Bound",
    "compute_roof",
    "decode_phase",
    "forward_flops",
    "forward_flops_per_token",
    "matmul_peak",
    "prefill_phase",
    "roofline_tokens_per_s",
    "weight_and_kv_bytes",
]

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


def matmul_peak(
    args: EstimateInferenceInput, hw: Hardware, steps: list[Step], assumptions: list[Assumption]
) -> Peak:
    """The device's peak at the precision the matmuls run in.

    `args.compute_precision` if given; else the weight format, dequantized to bf16 for
    weight-only int8/int4 and falling back to bf16, fp16, fp32 when the device lacks it
    (both said in an Assumption).

    Raises:
        InvalidInputError: the device has no peak at that precision.
    """
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
    return peak


def forward_flops(shape: dict[str, float], steps: list[Step]) -> float:
    """C_forward of one token at the shape's context, N the active parameters (a step)."""
    n_active, ctx = shape["active"], shape["context"]
    d_attn = int(shape["heads"] * shape["head_dim"])
    local = shape.get("local_layers", 0.0)
    if local:
        layers, window = shape["layers"], shape["window"]
        seen = (layers - local) * ctx + local * min(ctx, window)
        c_fwd = 2.0 * n_active + 2.0 * seen * d_attn
        steps.append(make_step(
            "forward FLOPs per token (local layers see at most the window)",
            "C_forward = 2·N + 2·d_attn·((n_layer − L_local)·n_ctx + L_local·min(n_ctx, window))",
            [("N", n_active, "params"), ("n_layer", layers, ""), ("L_local", local, "layers"),
             ("n_ctx", ctx, "tokens"), ("window", window, "tokens"), ("d_attn", d_attn, "")],
            c_fwd, "FLOPs/token"))
        return c_fwd
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
    return c_fwd


def weight_and_kv_bytes(
    args: EstimateInferenceInput, shape: dict[str, float], steps: list[Step]
) -> tuple[float, float]:
    """Bytes of all the weights at `args.precision` and of the batch's KV cache (two steps).

    Returns (weight bytes, KV-cache bytes).
    """
    n_total, ctx = shape["params"], shape["context"]
    w_bytes = BYTES_PER_VALUE[args.precision] * n_total
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
    if shape.get("kv_per_layer"):
        kv_b = BYTES_PER_VALUE[args.kv_precision]
        return w_bytes, variant_kv_step(shape, ctx, args.batch, kv_b, args.kv_precision, steps)
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
    return w_bytes, kv_bytes


def compute_roof(
    args: EstimateInferenceInput,
    peak_flops_per_s: float,
    mfu_value: float,
    c_fwd: float,
    steps: list[Step],
) -> float:
    """R_c = n · P · MFU / C_forward, tokens per second on `args.count` devices (a step)."""
    n = args.count
    compute_rate = n * peak_flops_per_s * mfu_value / c_fwd
    steps.append(
        make_step(
            "compute roof",
            "R_c = n · P · MFU / C_forward",
            [
                ("n", n, "devices"),
                ("P", peak_flops_per_s, "FLOP/s"),
                ("MFU", mfu_value, ""),
                ("C_forward", c_fwd, "FLOPs/token"),
            ],
            compute_rate,
            "tokens/s",
        )
    )
    return compute_rate


def prefill_phase(
    args: EstimateInferenceInput,
    shape: dict[str, float],
    compute_rate: float,
    bandwidth: float,
    w_bytes: float,
    steps: list[Step],
) -> tuple[float, Bound]:
    """Prompt tokens per second: the lower of the compute roof and batch·n_ctx·n·BW / W.

    `bandwidth` in bytes/s per device, `w_bytes` all the weights. Without a context the
    memory roof is infinite (no step) and the compute roof binds.
    """
    ctx, n = shape["context"], args.count
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
    return roofline_tokens_per_s(compute_rate, prefill_memory)


def decode_phase(
    args: EstimateInferenceInput,
    shape: dict[str, float],
    compute_rate: float,
    bandwidth: float,
    kv_bytes: float,
    steps: list[Step],
) -> tuple[float, Bound]:
    """Generated tokens per second, whole batch: the lower of the compute roof and
    batch·n·BW / (W_read + KV), W_read the weight bytes one step reads (a mixture of experts
    reads min(N_total, batch·N_active) parameters; the step is shown when that is fewer).
    """
    n_total, n_active, n = shape["params"], shape["active"], args.count
    # A decode step reads each sequence's active weights; a batch touches at most all of them.
    n_read = min(n_total, n_active * args.batch)
    read_bytes = BYTES_PER_VALUE[args.precision] * n_read
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
    return roofline_tokens_per_s(compute_rate, decode_memory)
