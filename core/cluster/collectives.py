"""Time of one collective: a bandwidth term plus a latency term.

NVIDIA nccl-tests, doc/PERFORMANCE.md ("algorithm bandwidth" vs "bus bandwidth"), with
S = bytes of the whole array, n ranks, B = per-rank link bandwidth (per direction):

* all-reduce          t = α + 2 · (n−1)/n · S / B   (ring and tree move the same bytes per rank)
* reduce-scatter      t = α + (n−1)/n · S / B
* all-gather          t = α + (n−1)/n · S / B
* all-to-all          t = α + (n−1)/n · S / B       (S = bytes each rank sends in all)
* point-to-point      t = α + S / B

The latency α is a fixed cost per call (Isaev et al. 2023, Calculon, SC23, network model:
time = latency + size / bandwidth); a ring pays it once per step, so `algorithm="ring"` uses
2(n−1)·α for an all-reduce and `"tree"` 2·log2(n)·α. Ignored: congestion, oversubscription
between switches, and in-network reduction (SHARP/NVLS).
"""

from __future__ import annotations

import math
from typing import Literal

__all__ = [
    "Algorithm",
    "all_gather_seconds",
    "all_reduce_seconds",
    "all_to_all_seconds",
    "p2p_seconds",
    "reduce_scatter_seconds",
]

Algorithm = Literal["ring", "tree"]


def _hops(n: int, algorithm: Algorithm) -> float:
    return float(n - 1) if algorithm == "ring" else math.log2(n) if n > 1 else 0.0


def all_reduce_seconds(size_bytes: float, n: int, bandwidth: float, latency: float = 0.0,
                       algorithm: Algorithm = "ring") -> float:
    """All-reduce of `size_bytes` over `n` ranks.

    >>> all_reduce_seconds(8e9, 8, 100e9)  # 2 · 7/8 · 8e9 / 1e11
    0.14
    >>> all_reduce_seconds(1.0, 1, 1.0)
    0.0
    """
    if n <= 1:
        return 0.0
    return 2.0 * _hops(n, algorithm) * latency + 2.0 * (n - 1) / n * size_bytes / bandwidth


def reduce_scatter_seconds(size_bytes: float, n: int, bandwidth: float, latency: float = 0.0,
                           algorithm: Algorithm = "ring") -> float:
    """Reduce-scatter of a `size_bytes` array over `n` ranks.

    >>> reduce_scatter_seconds(8e9, 8, 100e9)
    0.07
    """
    if n <= 1:
        return 0.0
    return _hops(n, algorithm) * latency + (n - 1) / n * size_bytes / bandwidth


def all_gather_seconds(size_bytes: float, n: int, bandwidth: float, latency: float = 0.0,
                       algorithm: Algorithm = "ring") -> float:
    """All-gather into a `size_bytes` array over `n` ranks (same cost as reduce-scatter).

    >>> all_gather_seconds(8e9, 8, 100e9)
    0.07
    """
    return reduce_scatter_seconds(size_bytes, n, bandwidth, latency, algorithm)


def all_to_all_seconds(size_bytes: float, n: int, bandwidth: float,
                       latency: float = 0.0) -> float:
    """All-to-all where each rank sends `size_bytes` in all, (n−1)/n of it to others.

    >>> all_to_all_seconds(4e9, 4, 50e9)
    0.06
    """
    if n <= 1:
        return 0.0
    return latency + (n - 1) / n * size_bytes / bandwidth


def p2p_seconds(size_bytes: float, bandwidth: float, latency: float = 0.0) -> float:
    """One point-to-point send.

    >>> p2p_seconds(25e6, 25e9, 1e-5)
    0.00101
    """
    return latency + size_bytes / bandwidth
