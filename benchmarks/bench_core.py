"""Benchmark the core: estimate_training, compare_gpus over the catalog, `import flopcast`.

Run:  .venv/bin/python benchmarks/bench_core.py [--repeat 7]

Regression guards (the issue on the layout withdrew the earlier 50 µs target: each result
carries its derivation, and the MCP round trip is what users wait on): estimate_training
≤ 300 µs on this machine, compare_gpus over the whole catalog ≤ 2 ms, `import flopcast`
≤ `import pydantic` + 50 ms, and the import pulls in none of fastmcp, langchain_core,
tiktoken, rich. Times are medians; the
import cost is measured against `import pydantic` in the same run, in fresh
interpreters, so machine noise affects both alike.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import timeit


def _per_call(stmt, number: int, repeat: int) -> float:
    times = timeit.repeat(stmt, number=number, repeat=repeat)
    return statistics.median(t / number for t in times)


def _import_seconds(module: str, repeat: int) -> float:
    code = f"import time; t = time.perf_counter(); import {module}; print(time.perf_counter() - t)"
    samples = []
    for _ in range(repeat):
        out = subprocess.run([sys.executable, "-X", "frozen_modules=on", "-c", code],
                             capture_output=True, text=True, check=True)
        samples.append(float(out.stdout))
    return statistics.median(samples)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()

    import flopcast
    from flopcast.catalog.hardware import hardware_catalog
    from flopcast.training.compare import compare_gpus
    from flopcast.training.estimate import estimate_training

    hardware_catalog()  # load once: the benchmark measures calls, not the first parse
    estimate_training(model="gpt-3-175b", hardware="a100", count=1024)

    from flopcast.training.estimate import EstimateTrainingInput

    kwargs = dict(model="gpt-3-175b", hardware="a100", count=1024)
    # Baseline in the same run: pydantic validating the same arguments, no estimate.
    base = _per_call(lambda: EstimateTrainingInput.model_validate(kwargs), number=2000,
                     repeat=args.repeat)
    est = _per_call(
        lambda: estimate_training(model="gpt-3-175b", hardware="a100", count=1024),
        number=2000, repeat=args.repeat,
    )
    # The same call with the memoized lookups emptied first (workload derivation, hardware
    # lookup): what the first question about a model costs.
    from flopcast.catalog.lookup import _cached_lookup
    from flopcast.workload.resolve import _cached_workload

    def first_call() -> None:
        _cached_workload.cache_clear()
        _cached_lookup.cache_clear()
        estimate_training(model="gpt-3-175b", hardware="a100", count=1024)

    cold = _per_call(first_call, number=500, repeat=args.repeat)
    # A sweep as an assistant runs one: one model, a new device count on every call.
    counts = iter(range(1, 10**9))
    sweep = _per_call(
        lambda: estimate_training(model="gpt-3-175b", hardware="a100", count=next(counts)),
        number=2000, repeat=args.repeat,
    )
    cmp_ = _per_call(lambda: compare_gpus(model="gpt-3-175b", count=1024), number=100,
                     repeat=args.repeat)
    n_rows = len(compare_gpus(model="gpt-3-175b", count=1024).rows)

    pyd = _import_seconds("pydantic", args.repeat * 2)
    fc = _import_seconds("flopcast", args.repeat * 2)
    heavy = subprocess.run(
        [sys.executable, "-c",
         "import sys, flopcast; print([m for m in ('fastmcp','langchain_core','tiktoken','rich')"
         " if m in sys.modules])"],
        capture_output=True, text=True, check=True,
    ).stdout.strip()

    print(f"flopcast {flopcast.__version__}, Python {sys.version.split()[0]}, "
          f"median of {args.repeat} repeats\n")
    print("| measure | median | target | ok |")
    print("|---|---:|---:|:---:|")
    print(f"| baseline: validate estimate_training's arguments | {base * 1e6:.1f} µs | | |")
    print(f"| estimate_training (gpt-3-175b, a100) | {est * 1e6:.1f} µs "
          f"({est / base:.0f}× baseline) | ≤ 300 µs | {'yes' if est <= 300e-6 else 'no'} |")
    print(f"| estimate_training, new count on every call | {sweep * 1e6:.1f} µs | | |")
    print(f"| estimate_training, lookups not yet memoized (first call on a model) | "
          f"{cold * 1e6:.1f} µs | | |")
    print(f"| compare_gpus, whole catalog ({n_rows} rows) | {cmp_ * 1e3:.2f} ms | ≤ 2 ms | "
          f"{'yes' if cmp_ <= 2e-3 else 'no'} |")
    print(f"| import pydantic (baseline) | {pyd * 1e3:.1f} ms | | |")
    print(f"| import flopcast | {fc * 1e3:.1f} ms ({(fc - pyd) * 1e3:+.1f} ms vs pydantic) | "
          f"≤ pydantic + 50 ms | {'yes' if fc - pyd <= 50e-3 else 'no'} |")
    print(f"| heavy modules imported by `import flopcast` | {heavy} | [] | "
          f"{'yes' if heavy == '[]' else 'no'} |")


if __name__ == "__main__":
    main()
