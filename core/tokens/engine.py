"""The counting engines behind `count_tokens`: exact (streamed, optionally in worker
processes) and sampled (stratified ratio estimator with a 95 % interval).

Exact: files are streamed in chunks of about 1 MiB cut only where cutting cannot change
the count (rules R1–R3 in `flopcast.tokens.files`), so the sum over chunks equals tiktoken's
`encode_ordinary` on the whole text. With `workers > 1` chunks go to worker processes,
at most 3 per worker in flight (bounded memory); each worker loads the encoding itself.

Sample: the population is every file cut into `SAMPLE_BLOCK_BYTES` blocks, each block
moved to safe boundaries — s(x) = the last safe split at or before x — so the blocks
partition the files exactly and their counts add up to the exact count. Blocks are
drawn without replacement with `random.Random(seed)`, stratified by file type with
proportional allocation (at least 2 per type). Per type, the ratio estimator
T̂_h = B_h · R̂_h with R̂_h = Σt/Σb, and

    Var(T̂_h) ≈ N_h² · (1 − n_h/N_h) / n_h · Σ(t_i − R̂_h·b_i)² / (n_h − 1)

(W. G. Cochran, *Sampling Techniques*, 3rd ed., Wiley 1977, §6.3–6.4, ratio estimate of
a population total; stratified sum §5.2). T̂ = Σ_h T̂_h, Var(T̂) = Σ_h Var(T̂_h), interval
T̂ ± 1.96·√Var (normal approximation; the ratio estimator's bias is O(1/n), negligible at
hundreds of blocks). A type whose blocks are all drawn is counted exactly.
"""

from __future__ import annotations

import io
import math
import os
import random
import time
from bisect import bisect_right
from collections import deque
from collections.abc import Callable, Sequence
from concurrent.futures import Future
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

from flopcast.numbers.errors import FlopcastError, InvalidInputError
from flopcast.tokens.encodings import LoadedEncoding, load_encoding
from flopcast.tokens.files import MAX_CHUNK_BYTES, iter_chunks, last_safe_split, open_checked

__all__ = ["DEFAULT_SAMPLE_CHUNKS", "SAMPLE_BLOCK_BYTES", "SAMPLE_SECONDS", "Z_95", "Budget",
           "CountStopped", "Run", "Source", "Tally", "count_exact", "count_sample"]

#: Sample mode: the population unit, and the default number of units drawn.
SAMPLE_BLOCK_BYTES = 8192
DEFAULT_SAMPLE_CHUNKS = 600
#: Two-sided 95 % quantile of the standard normal distribution.
Z_95 = 1.959964
#: Longest a sample-mode call may run, walk included. A sample exists to answer fast: the
#: default 600 blocks of 8 KiB count in well under a second here, so 60 s leaves room for
#: a slow disk and a large folder walk, and stops a call that would hold a worker longer.
SAMPLE_SECONDS = 60.0


class CountStopped(FlopcastError):
    """A count stopped before its end: the caller cancelled it, or it ran out of time."""


@dataclass
class Budget:
    """When a count must stop: `cancelled()` turned true (the client cancelled or left),
    or `seconds` passed since the start (None: no time limit). The clock only ever stops a
    count; it never changes a result."""

    cancelled: Callable[[], bool] | None = None
    seconds: float | None = None
    started: float = field(default_factory=time.monotonic)

    def check(self) -> None:
        """Raise CountStopped if the count must stop now."""
        if self.cancelled is not None and self.cancelled():
            raise CountStopped("count_tokens: stopped, the request was cancelled")
        if self.seconds is not None and time.monotonic() - self.started > self.seconds:
            raise CountStopped(
                f"mode: the sample took longer than its {self.seconds:g} s limit (walking and "
                "reading); count a smaller folder, narrow it with include/exclude, or draw "
                "fewer blocks")


_WORKER: LoadedEncoding | None = None


def _init_worker(encoding: str, bpe_file: str | None) -> None:
    global _WORKER
    _WORKER = load_encoding(encoding, bpe_file)


def _decode(data: bytes) -> tuple[str, bool]:
    try:
        return data.decode("utf-8"), False
    except UnicodeDecodeError:
        return data.decode("utf-8", "replace"), True


def _count_in_worker(data: bytes) -> tuple[int, bool]:
    assert _WORKER is not None
    text, bad = _decode(data)
    return _WORKER.count(text), bad


@dataclass
class Tally:
    files: int = 0
    bytes: int = 0
    tokens: int = 0
    low: float = 0.0
    high: float = 0.0
    variance: float = 0.0
    sample_tokens: int = 0  # sample mode: Σt over the blocks drawn from this type


@dataclass
class Run:
    by_type: dict[str, Tally] = field(default_factory=dict)
    bad_files: set[int] = field(default_factory=set)
    forced: int = 0
    done: int = 0
    sampled_bytes: int = 0
    sampled_chunks: int = 0
    population: int = 0
    note: str = ""  # e.g. why the pool was not used


@dataclass(frozen=True)
class Source:
    kind: str
    size: int
    path: Path | None = None
    data: bytes | None = None
    identity: tuple[int, int] = (0, 0)  # (st_dev, st_ino) checked when the file was found

    def open(self) -> BinaryIO:
        if self.data is not None:
            return io.BytesIO(self.data)
        assert self.path is not None
        return open_checked(self.path, self.identity)


def _pool_context() -> Any:
    """fork when this process has a single OS thread (workers inherit the loaded encoding,
    and the caller's __main__ is not re-imported); spawn otherwise, since forking a
    threaded process (the MCP server counts in a worker thread) can deadlock."""
    import multiprocessing

    try:
        single = len(os.listdir("/proc/self/task")) == 1
    except OSError:
        single = False
    method = "fork" if single and "fork" in multiprocessing.get_all_start_methods() else "spawn"
    return multiprocessing.get_context(method)


def count_exact(sources: Sequence[Source], enc: LoadedEncoding, bpe_file: str | None,
                workers: int, max_bytes: int, total: int,
                progress: Callable[[int, int], None] | None,
                budget: Budget | None = None) -> Run:
    """Count every byte; with workers > 1 in a process pool, falling back to one process
    (and saying so in `Run.note`) if the pool cannot run."""
    if workers > 1:
        from concurrent.futures.process import BrokenProcessPool

        try:
            return _count_exact(sources, enc, bpe_file, workers, max_bytes, total, progress,
                                budget)
        except (BrokenProcessPool, OSError, RuntimeError) as e:
            run = _count_exact(sources, enc, bpe_file, 1, max_bytes, total, progress, budget)
            run.note = (f"worker processes failed ({type(e).__name__}); counted in one "
                        "process (a script that starts workers needs an "
                        "`if __name__ == '__main__':` guard under the spawn start method)")
            return run
    return _count_exact(sources, enc, bpe_file, 1, max_bytes, total, progress, budget)


def _count_exact(sources: Sequence[Source], enc: LoadedEncoding, bpe_file: str | None,
                 workers: int, max_bytes: int, total: int,
                 progress: Callable[[int, int], None] | None,
                 budget: Budget | None = None) -> Run:
    run = Run()
    pool = None
    if workers > 1:
        from concurrent.futures import ProcessPoolExecutor

        pool = ProcessPoolExecutor(workers, mp_context=_pool_context(),
                                   initializer=_init_worker,
                                   initargs=(enc.spec.name, bpe_file))
    pending: deque[tuple[int, str, int, Future[tuple[int, bool]]]] = deque()

    def settle(index: int, kind: str, size: int, tokens: int, bad: bool) -> None:
        tally = run.by_type[kind]
        tally.tokens += tokens
        tally.bytes += size
        run.done += size
        if bad:
            run.bad_files.add(index)
        if progress is not None:
            progress(run.done, total)

    try:
        for index, source in enumerate(sources):
            run.by_type.setdefault(source.kind, Tally()).files += 1
            with source.open() as stream:
                for chunk, forced in iter_chunks(stream):
                    if budget is not None:
                        budget.check()
                    run.forced += forced
                    if run.done + sum(p[2] for p in pending) + len(chunk) > max_bytes:
                        raise InvalidInputError("max_bytes", f"the input holds more than "
                                                f"max_bytes = {max_bytes:,} bytes; raise "
                                                "max_bytes or use mode='sample'")
                    if pool is None:
                        text, bad = _decode(chunk)
                        settle(index, source.kind, len(chunk), enc.count(text), bad)
                        continue
                    pending.append((index, source.kind, len(chunk),
                                    pool.submit(_count_in_worker, chunk)))
                    while len(pending) > 3 * workers:  # bounded memory: a few chunks in flight
                        i, k, n, fut = pending.popleft()
                        settle(i, k, n, *fut.result())
        while pending:
            i, k, n, fut = pending.popleft()
            settle(i, k, n, *fut.result())
    finally:
        if pool is not None:
            pool.shutdown(wait=True, cancel_futures=True)
    return run


def _boundary(stream: BinaryIO, size: int, x: int) -> tuple[int, bool]:
    """s(x): the last safe split at or before x (monotone in x), and whether forced."""
    if x <= 0 or x >= size:
        return min(max(x, 0), size), False
    window = 1 << 12
    while True:
        start = max(0, x - window)
        stream.seek(start)
        buf = stream.read(min(x + 4, size) - start)
        # only positions with 4 bytes of context on both sides, so s(x) is a function of
        # the file alone, not of the window
        p = last_safe_split(buf, 1 if start == 0 else 4)
        if p is not None and start + p <= x:
            return start + p, False
        if start == 0:
            return 0, False
        if window >= MAX_CHUNK_BYTES:  # no safe boundary: cut at a character start
            cut = x - start
            while cut > 0 and (buf[cut] & 0xC0) == 0x80:
                cut -= 1
            return start + cut, True
        window *= 4


def count_sample(sources: Sequence[Source], enc: LoadedEncoding, sample_fraction: float | None,
                 sample_chunks: int | None, seed: int, max_bytes: int,
                 progress: Callable[[int, int], None] | None,
                 budget: Budget | None = None) -> Run:
    """Estimate the count from a stratified random sample of blocks (module docstring)."""
    run = Run()
    strata: dict[str, list[tuple[int, int]]] = {}  # kind -> (source index, blocks)
    for index, source in enumerate(sources):
        tally = run.by_type.setdefault(source.kind, Tally())
        tally.files += 1
        tally.bytes += source.size
        blocks = math.ceil(source.size / SAMPLE_BLOCK_BYTES)
        if blocks:
            strata.setdefault(source.kind, []).append((index, blocks))
    population = sum(b for members in strata.values() for _, b in members)
    run.population = population
    if sample_chunks is not None:
        wanted = sample_chunks
    elif sample_fraction is not None:
        wanted = math.ceil(sample_fraction * population)
    else:
        wanted = DEFAULT_SAMPLE_CHUNKS
    rng = random.Random(seed)
    draws: list[tuple[str, int, int, int]] = []  # kind, N_h, source index, block
    sizes: dict[str, tuple[int, int]] = {}
    for kind in sorted(strata):
        members = strata[kind]
        n_blocks = sum(b for _, b in members)
        share = round(wanted * n_blocks / population) if population else 0
        n_h = min(n_blocks, max(2, share))
        sizes[kind] = (n_blocks, n_h)
        ends = []
        acc = 0
        for _, b in members:
            acc += b
            ends.append(acc)
        for k in sorted(rng.sample(range(n_blocks), n_h)):
            m = bisect_right(ends, k)
            first = ends[m - 1] if m else 0
            draws.append((kind, n_blocks, members[m][0], k - first))
    observed: dict[str, list[tuple[int, int]]] = {k: [] for k in strata}
    total = len(draws)
    stream: BinaryIO | None = None
    open_index = -1
    try:
        for step, (kind, _n, index, block) in enumerate(draws, start=1):
            if budget is not None:
                budget.check()
            source = sources[index]
            if index != open_index:  # draws are sorted by file within a type: open each once
                if stream is not None:
                    stream.close()
                stream, open_index = source.open(), index
            assert stream is not None
            lo, forced_lo = _boundary(stream, source.size, block * SAMPLE_BLOCK_BYTES)
            hi, forced_hi = _boundary(stream, source.size, (block + 1) * SAMPLE_BLOCK_BYTES)
            run.forced += forced_lo + forced_hi
            run.sampled_bytes += hi - lo
            if run.sampled_bytes > max_bytes:
                raise InvalidInputError("max_bytes", f"the sample needs more than max_bytes = "
                                        f"{max_bytes:,} bytes; raise max_bytes or draw fewer "
                                        "blocks")
            stream.seek(lo)
            text, bad = _decode(stream.read(hi - lo))
            if bad:
                run.bad_files.add(index)
            observed[kind].append((enc.count(text), hi - lo))
            if progress is not None:
                progress(step, total)
    finally:
        if stream is not None:
            stream.close()
    run.sampled_chunks = total
    for kind, pairs in observed.items():
        tally = run.by_type[kind]
        n_blocks, n_h = sizes[kind]
        t_sum = sum(t for t, _ in pairs)
        b_sum = sum(b for _, b in pairs)
        ratio = t_sum / b_sum if b_sum else 0.0
        tally.sample_tokens = t_sum
        estimate = tally.bytes * ratio
        if n_h >= n_blocks:
            variance = 0.0
            estimate = float(t_sum)  # a census: the exact count
        else:
            s2 = sum((t - ratio * b) ** 2 for t, b in pairs) / (n_h - 1)
            variance = n_blocks**2 * (1 - n_h / n_blocks) / n_h * s2
        tally.tokens = round(estimate)
        tally.variance = variance
        half = Z_95 * math.sqrt(variance)
        tally.low, tally.high = max(0.0, estimate - half), estimate + half
    return run
