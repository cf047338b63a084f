"""Layout search: every valid layout, its memory, its predicted step time, ranked.

The candidates are the products of the degrees the caller left open: TP over the divisors of
the heads that stay inside one scale-up domain (Narayanan et al. 2021 §3: TP across nodes is
slow), PP over the divisors of the devices that split the layers (`flopcast.cluster.layout`),
VP over the splits the layers allow, CP (only for sequences of 32K tokens or more, where
Llama 3 §3.3.2 uses it), the micro-batch over powers of two, ZeRO stages 1 and 3, EP (mixture of
experts only) over the powers of two dividing the routed experts and DP·CP, and the recompute
policies. A candidate is rejected when a divisibility rule fails or when its memory
per device (`flopcast.memory.states` + `flopcast.memory.activations`, the formulas of
estimate_memory) exceeds the device's; the rejections are counted by reason. The rest are
ranked by predicted step time (`flopcast.cluster.step`); with the device count fixed, ranking by
cost gives the same order.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from flopcast.cluster.compute import ModelShape
from flopcast.cluster.layout import Layout, check_layout, divisors, stage_layers
from flopcast.cluster.step import Overlaps, StepTime, step_time
from flopcast.cluster.systems import GemmCurve, System
from flopcast.memory.activations import activation_bytes_per_layer
from flopcast.memory.states import model_state_bytes_per_param
from flopcast.numbers.errors import InvalidInputError

__all__ = ["Candidate", "Fixed", "SearchResult", "layout_memory_bytes", "search_layouts"]

#: Sequences at which context parallelism is tried: Llama 3 §3.3.2 turns it on for the long-
#: context stage (131,072 tokens) and trains 8K sequences without it.
CP_MIN_SEQ = 32_768
_RECOMPUTES = ("none", "selective", "full")



@dataclass(frozen=True)
class Fixed:
    """Degrees the caller gave (None = search it)."""

    tp: int | None = None
    pp: int | None = None
    dp: int | None = None
    cp: int | None = None
    vp: int | None = None
    micro_batch: int | None = None
    zero_stage: int | None = None
    sequence_parallel: bool | None = None
    recompute: str | None = None
    ep: int | None = None


_NO_FIXED = Fixed()
_NO_OVERLAPS = Overlaps()
#: Rejection reasons by the argument check_layout names.
_REASONS = {
    "virtual_stages": "interleaving: micro-batches not a multiple of PP",
    "global_batch": "global batch not a multiple of DP × micro-batch",
    "pipeline_parallel": "PP does not split the layers",
    "tensor_parallel": "TP does not divide the heads",
    "context_parallel": "CP does not divide the sequence",
    "count": "degrees do not multiply to the device count",
    "expert_parallel": "EP does not divide DP·CP or the experts, or the model is dense",
}


@dataclass(frozen=True)
class Candidate:
    layout: Layout
    recompute: str
    memory_bytes: float
    time: StepTime


@dataclass
class SearchResult:
    ranked: list[Candidate]
    tried: int
    rejected: Counter[str] = field(default_factory=Counter)


def layout_memory_bytes(shape: ModelShape, lay: Layout, recompute: str, *,
                        precision: str = "bf16", optimizer: str = "adamw",
                        flash_attention: bool = True) -> float:
    """Bytes per device: ZeRO-sharded states plus activations, as estimate_memory counts them
    (the CP ranks share the ZeRO sharding and each holds s/CP tokens; the interleaved schedule
    holds (1 + (p−1)/(p·v)) times more activations, Korthikanti et al. 2022 §4.2.3). A mixture
    of experts's routed experts are sharded over EP as well; its activations are counted as a
    dense layer's (Korthikanti's Table 2), which leaves out the k routed copies of each token.

    >>> moe = ModelShape(46.7e9, 32, 4096, 32, 8, 128, 14336, True, 32000, 4096, experts=8,
    ...                  experts_per_token=2, moe_layers=32)
    >>> a = layout_memory_bytes(moe, Layout(1, 1, 8, ep=1), "full")
    >>> b = layout_memory_bytes(moe, Layout(1, 1, 8, ep=8), "full")
    >>> # ZeRO-1, bf16 + Adam (2 + 2 + 12 bytes): experts E · (4 + 12/8) vs E/8 · (4 + 12)
    >>> round(a - b) == round(moe.expert_params * (4 + 12 / 8 - 16 / 8))
    True
    """
    w, g, k = model_state_bytes_per_param(optimizer, "fp32" if precision == "fp32" else "bf16")
    z = lay.zero_stage

    def states_of(psi: float, shard: int) -> float:
        return psi * (w / (shard if z >= 3 else 1) + g / (shard if z >= 2 else 1)
                      + k / (shard if z >= 1 else 1))

    # Routed experts are split over TP·PP·EP and ZeRO-sharded over the DP·CP/EP ranks that
    # hold the same experts; the rest over TP·PP and DP·CP.
    experts = shape.expert_params
    states = (states_of((shape.params - experts) / (lay.tp * lay.pp), lay.dp * lay.cp)
              + states_of(experts / (lay.tp * lay.pp * lay.ep), lay.dp * lay.cp // lay.ep))
    per_layer = activation_bytes_per_layer(
        shape.seq_len // lay.cp, lay.micro_batch, shape.d_model, shape.heads,
        tensor_parallel=lay.tp, sequence_parallel=lay.sequence_parallel, recompute=recompute,
        flash_attention=flash_attention)
    interleave = 1.0 + (lay.pp - 1) / (lay.pp * lay.vp) if lay.vp > 1 else 1.0
    return states + shape.layers * per_layer * interleave


def _pow2_upto(n: int) -> list[int]:
    out, x = [], 1
    while x <= n:
        out.append(x)
        x *= 2
    return out


def _options(given: int | None, choices: Iterable[int]) -> list[int]:
    return [given] if given is not None else sorted(set(choices))


def _layouts(shape: ModelShape, devices: int, global_batch: int, node: int,
             fx: Fixed) -> Iterator[Layout]:
    tps = _options(fx.tp, [t for t in divisors(shape.heads) if t <= node and devices % t == 0])
    cps = _options(fx.cp, [c for c in _pow2_upto(64) if shape.seq_len % c == 0]
                   if shape.seq_len >= CP_MIN_SEQ else [1])
    zeros = _options(fx.zero_stage, [1, 3])
    sps = [fx.sequence_parallel] if fx.sequence_parallel is not None else [True]
    for tp in tps:
        for cp in cps:
            if devices % (tp * cp):
                continue
            rest = devices // (tp * cp)
            pps = _options(fx.pp, [p for p in divisors(rest) if p <= shape.layers
                                   and stage_layers(shape.layers, p, 1) is not None])
            for pp in pps:
                if rest % pp:
                    continue
                dp = rest // pp if fx.dp is None else fx.dp
                if global_batch % dp:
                    continue
                per_rank = global_batch // dp
                vps = _options(fx.vp, [v for v in divisors(shape.layers // pp or 1)
                                       if v <= 8 and stage_layers(shape.layers, pp, v)]
                               if pp > 1 else [1])
                mbs = _options(fx.micro_batch, [b for b in _pow2_upto(16) if per_rank % b == 0])
                # EP: powers of two dividing the routed experts and DP·CP (1 for dense models).
                eps = _options(fx.ep, [e for e in _pow2_upto(dp * cp) if shape.is_moe
                                       and shape.experts % e == 0 and (dp * cp) % e == 0]
                               or [1])
                for vp in vps:
                    for b in mbs:
                        for z in zeros:
                            for sp in sps:
                                for ep in eps:
                                    yield Layout(tp, pp, dp, cp, vp, ep, b, z, sp and tp > 1)


def search_layouts(shape: ModelShape, devices: int, system: System, *, global_batch: int,
                   peak_flops_per_s: float, hbm_bytes_per_s: float, curve: GemmCurve,
                   memory_bytes: float, fixed: Fixed = _NO_FIXED, flash_attention: bool = True,
                   overlaps: Overlaps = _NO_OVERLAPS, precision: str = "bf16",
                   keep: int = 5, attention_peak_flops_per_s: float | None = None
                   ) -> SearchResult:
    """Rank every valid layout of `devices` by predicted step time (fastest first);
    `attention_peak_flops_per_s` as in `flopcast.cluster.step.step_time`."""
    recomputes = [fixed.recompute] if fixed.recompute else list(_RECOMPUTES)
    result = SearchResult([], 0)
    scored: list[Candidate] = []
    for lay in _layouts(shape, devices, global_batch, system.devices_per_node, fixed):
        for rec in recomputes:
            result.tried += 1
            try:
                m = check_layout(lay, devices=devices, heads=shape.heads, layers=shape.layers,
                                 seq_len=shape.seq_len, global_batch=global_batch,
                                 experts=shape.experts if shape.is_moe else 0)
            except InvalidInputError as e:
                result.rejected[_REASONS.get(e.argument, e.argument)] += 1
                continue
            mem = layout_memory_bytes(shape, lay, rec, precision=precision,
                                      flash_attention=flash_attention)
            if mem > memory_bytes:
                result.rejected["memory: does not fit"] += 1
                continue
            st = step_time(shape, lay, system, peak_flops_per_s=peak_flops_per_s,
                           hbm_bytes_per_s=hbm_bytes_per_s, curve=curve,
                           global_batch=global_batch, microbatches=m, recompute=rec,
                           flash_attention=flash_attention, overlaps=overlaps,
                           attention_peak_flops_per_s=attention_peak_flops_per_s)
            scored.append(Candidate(lay, rec, mem, st))
    scored.sort(key=lambda c: (c.time.seconds, c.layout.pp, c.layout.tp))
    result.ranked = scored[:keep]
    return result


def smallest_fitting_count(shape: ModelShape, devices: int, node: int, global_batch: int,
                           memory_bytes: float, recompute: str | None, precision: str,
                           flash_attention: bool) -> int | None:
    """The fewest devices (doubling from `devices`) for which some layout fits in memory."""
    n = devices
    # The leanest settings only (full recompute, ZeRO-3, micro-batch 1) unless given: if
    # those do not fit, nothing does, and the search stays short.
    rec = recompute or "full"
    lean = Fixed(recompute=rec, zero_stage=3, micro_batch=1)
    while n <= 1 << 24:
        n *= 2
        for lay in _layouts(shape, n, global_batch, node, lean):
            if layout_memory_bytes(shape, lay, rec, precision=precision,
                                   flash_attention=flash_attention) <= memory_bytes:
                return n
    return None
