"""Parallel layouts and their divisibility rules, with the nearest valid values.

A layout splits N devices as N = TP · CP · PP · DP (Llama Team 2024, The Llama 3 Herd of Models,
§3.3.2: 4D parallelism, ranks ordered [TP, CP, PP, DP]); expert parallelism (EP) runs inside
the DP·CP ranks. Rules (each refused with the constraint and the nearest valid values):

* TP divides the attention heads (Shoeybi et al. 2019, Megatron-LM, §3: heads split over ranks);
* PP·VP divides the layers (Narayanan et al. 2021, §2.2), or does so with one layer fewer on the
  first and last stage (Llama 3 §3.3.2: "we reduce one Transformer layer each from the first and
  the last stages");
* DP · micro-batch divides the global batch; m = B / (DP · b) micro-batches per pipeline, and the
  interleaved schedule (VP > 1) needs m to be a multiple of PP (Narayanan et al. 2021, §2.2.2);
* CP divides the sequence; EP divides DP·CP and the routed experts, and needs a mixture of
  experts (Lepikhin et al. 2020, GShard §2.2: experts sharded over the data-parallel ranks).
"""

from __future__ import annotations

from dataclasses import dataclass

from flopcast.numbers.errors import InvalidInputError

__all__ = [
    "Layout",
    "check_degrees",
    "check_layout",
    "divisors",
    "nearest_divisors",
    "stage_layers",
]


@dataclass(frozen=True)
class Layout:
    """Degrees of parallelism, micro-batch and ZeRO stage of one run."""

    tp: int
    pp: int
    dp: int
    cp: int = 1
    vp: int = 1
    ep: int = 1
    micro_batch: int = 1
    zero_stage: int = 1
    sequence_parallel: bool = False

    @property
    def devices(self) -> int:
        return self.tp * self.cp * self.pp * self.dp

    def label(self) -> str:
        """E.g. 'TP 8 · PP 8 (VP 2) · DP 16 · b 1'."""
        parts = [f"TP {self.tp}", f"PP {self.pp}" + (f" (VP {self.vp})" if self.vp > 1 else "")]
        if self.cp > 1:
            parts.append(f"CP {self.cp}")
        parts.append(f"DP {self.dp}")
        if self.ep > 1:
            parts.append(f"EP {self.ep}")
        return " · ".join(parts) + f" · micro-batch {self.micro_batch} · ZeRO {self.zero_stage}"


def divisors(n: int) -> list[int]:
    """Divisors of n, ascending.

    >>> divisors(12)
    [1, 2, 3, 4, 6, 12]
    """
    small = [d for d in range(1, int(n**0.5) + 1) if n % d == 0]
    return sorted(set(small + [n // d for d in small]))


def nearest_divisors(value: int, n: int, k: int = 2) -> list[int]:
    """The k divisors of n closest to value (ties: smaller first).

    >>> nearest_divisors(6, 96)
    [6, 4]
    >>> nearest_divisors(5, 96)
    [4, 6]
    """
    return sorted(divisors(n), key=lambda d: (abs(d - value), d))[:k]


def _fmt(values: list[int]) -> str:
    return " or ".join(str(v) for v in values)


def stage_layers(layers: int, pp: int, vp: int) -> int | None:
    """Layers on the fullest pipeline stage, or None when PP·VP does not split them.

    >>> stage_layers(96, 8, 1)
    12
    >>> stage_layers(126, 16, 1)  # Llama 3 405B: 8 layers per stage, 7 on the first and last
    8
    >>> stage_layers(100, 8, 1) is None
    True
    >>> stage_layers(62, 2, 4)  # DeepSeek-V3 + MTP: chunks of 7, 8, 8, 8 | 8, 8, 8, 7
    31
    """
    chunks = pp * vp
    if layers % chunks == 0:
        return layers // pp
    if (layers + 2) % chunks == 0 and (layers + 2) // chunks >= 2 and pp >= 2:
        # The first and last chunks hold one layer fewer (the embedding and the loss take
        # their places): with PP > 2 a middle stage is the fullest; with PP = 2 each stage
        # holds one of them, so both hold half the layers.
        return (layers + 2) // pp if pp > 2 else layers // 2
    return None


def check_layout(layout: Layout, *, devices: int, heads: int, layers: int, seq_len: int,
                 global_batch: int, experts: int = 0) -> int:
    """Check every divisibility rule; return m, the micro-batches per pipeline per step.

    `experts` is the routed experts per MoE layer (0: a dense model, where EP must be 1).

    Raises:
        InvalidInputError: the first rule broken, naming the argument, the constraint and the
            nearest valid values.
    """
    lay = layout
    if lay.devices != devices:
        rest = devices // (lay.tp * lay.cp * lay.pp) if devices % (lay.tp * lay.cp * lay.pp) == 0 \
            else None
        hint = f"; with these TP/CP/PP, data_parallel {rest} fits" if rest else (
            f"; TP·CP·PP must divide {devices}: pipeline_parallel "
            f"{_fmt([d for d in nearest_divisors(lay.pp, max(1, devices // (lay.tp * lay.cp)))])}"
            if devices % (lay.tp * lay.cp) == 0 else
            f"; TP·CP must divide {devices}: tensor_parallel "
            f"{_fmt(nearest_divisors(lay.tp, devices))}")
        raise InvalidInputError(
            "count", f"TP {lay.tp} × CP {lay.cp} × PP {lay.pp} × DP {lay.dp} = {lay.devices} "
            f"devices, not {devices}{hint}")
    if heads % lay.tp:
        raise InvalidInputError(
            "tensor_parallel", f"{lay.tp} does not divide the {heads} attention heads; nearest "
            f"valid: {_fmt(nearest_divisors(lay.tp, heads))}")
    if stage_layers(layers, lay.pp, lay.vp) is None:
        if lay.vp > 1:
            raise InvalidInputError(
                "virtual_stages", f"PP {lay.pp} × VP {lay.vp} = {lay.pp * lay.vp} does not "
                f"divide the {layers} layers; nearest valid VP: "
                f"{_fmt([v for v in nearest_divisors(lay.vp, max(1, layers // lay.pp))])}"
                if layers % lay.pp == 0 else f"PP {lay.pp} does not divide the {layers} layers")
        raise InvalidInputError(
            "pipeline_parallel", f"{lay.pp} does not divide the {layers} layers; nearest "
            f"valid: {_fmt(nearest_divisors(lay.pp, layers))}")
    if seq_len % lay.cp:
        raise InvalidInputError(
            "context_parallel", f"{lay.cp} does not divide the sequence of {seq_len} tokens; "
            f"nearest valid: {_fmt(nearest_divisors(lay.cp, seq_len))}")
    per_step = lay.dp * lay.micro_batch
    if global_batch % per_step:
        lo = max(per_step, global_batch // per_step * per_step)
        hi = (global_batch // per_step + 1) * per_step
        raise InvalidInputError(
            "global_batch", f"{global_batch} sequences is not a multiple of DP {lay.dp} × "
            f"micro-batch {lay.micro_batch} = {per_step}; nearest valid: {_fmt([lo, hi])} "
            f"(or micro_batch "
            f"{_fmt(nearest_divisors(lay.micro_batch, max(1, global_batch // lay.dp)))})"
            if global_batch % lay.dp == 0 else
            f"{global_batch} sequences is not a multiple of DP {lay.dp} × micro-batch "
            f"{lay.micro_batch} = {per_step}; nearest valid: {_fmt(sorted({lo, hi}))}")
    m = global_batch // per_step
    if lay.vp > 1 and m % lay.pp:
        raise InvalidInputError(
            "virtual_stages", f"the interleaved schedule needs the {m} micro-batches per pipeline "
            f"to be a multiple of PP {lay.pp} (Narayanan et al. 2021, §2.2.2); use "
            f"virtual_stages 1 or a global batch of "
            f"{_fmt(sorted({max(lay.pp, m // lay.pp * lay.pp), (m // lay.pp + 1) * lay.pp}))} "
            f"× {per_step} sequences")
    if lay.ep > 1:
        if not experts:
            raise InvalidInputError(
                "expert_parallel", f"{lay.ep} needs a mixture-of-experts model; this model is "
                "dense (no routed experts): use expert_parallel 1")
        if (lay.dp * lay.cp) % lay.ep:
            raise InvalidInputError(
                "expert_parallel", f"{lay.ep} does not divide DP × CP = {lay.dp * lay.cp}; "
                f"nearest valid: {_fmt(nearest_divisors(lay.ep, lay.dp * lay.cp))}")
        if experts and experts % lay.ep:
            raise InvalidInputError(
                "expert_parallel", f"{lay.ep} does not divide the {experts} experts; nearest "
                f"valid: {_fmt(nearest_divisors(lay.ep, experts))}")
    return m


def check_degrees(*, devices: int, heads: int, layers: int, seq_len: int, tp: int | None,
                  pp: int | None, cp: int | None, vp: int | None) -> None:
    """Check the degrees a caller gave before the others are searched.

    Raises:
        InvalidInputError: naming the degree, the rule and the nearest valid values.

    >>> try:
    ...     check_degrees(devices=1024, heads=96, layers=96, seq_len=2048, tp=6, pp=None,
    ...                   cp=None, vp=None)
    ... except InvalidInputError as e:
    ...     print(e)
    tensor_parallel: 6 must divide both the 96 heads and the 1024 devices; nearest valid: 4 or 8
    """
    def common(n: int, *others: int) -> list[int]:
        return [d for d in divisors(n) if all(o % d == 0 for o in others)]

    if tp is not None and (heads % tp or devices % tp):
        ok = common(heads, devices)
        near = sorted(ok, key=lambda d: (abs(d - tp), d))[:2]
        raise InvalidInputError("tensor_parallel", f"{tp} must divide both the {heads} heads "
                                f"and the {devices} devices; nearest valid: {_fmt(near)}")
    inner = (tp or 1) * (cp or 1)
    if cp is not None and (seq_len % cp or devices % inner):
        ok = common(seq_len, devices // (tp or 1) if devices % (tp or 1) == 0 else devices)
        near = sorted(ok, key=lambda d: (abs(d - cp), d))[:2]
        raise InvalidInputError("context_parallel", f"{cp} must divide the sequence of "
                                f"{seq_len} tokens and the devices left after TP; nearest "
                                f"valid: {_fmt(near)}")
    if pp is not None:
        rest = devices // inner if devices % inner == 0 else devices
        if rest % pp or stage_layers(layers, pp, vp or 1) is None:
            ok = [d for d in divisors(rest) if stage_layers(layers, d, vp or 1) is not None]
            near = sorted(ok, key=lambda d: (abs(d - pp), d))[:2]
            what = f"the {layers} layers" + (f" in {vp} virtual stages" if vp and vp > 1 else "")
            raise InvalidInputError("pipeline_parallel", f"{pp} must split {what} and divide "
                                    f"the {rest} devices left after TP·CP; nearest valid: "
                                    f"{_fmt(near)}")
