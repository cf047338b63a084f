"""Benchmark the cluster layout search (issue 12): the full search, every layout argument open.

Run:  .venv/bin/python benchmarks/bench_cluster.py [--repeat 5]

Cases: the 1T-parameter row of Narayanan et al. 2021 Table 1 (128 layers, h 25,600, 160 heads,
batch 3,072) on 3,072 A100 (dgx-a100), and Llama 3 405B (batch 16M tokens = 2,048 × 8K) on
16,384 H100 (meta-h100-roce). Target: each ≤ 1 s on this machine (median). Also reported: the
layouts evaluated per search and the cost per layout evaluated.
"""

from __future__ import annotations

import argparse
import statistics
import time

CASES = {
    "1T (Table 1) on 3072 A100": dict(
        params=1008e9, layers=128, d_model=25600, heads=160, vocab=51200, seq_len=2048,
        count=3072, system="dgx-a100", global_batch=3072, precision="fp16"),
    "Llama 3 405B on 16384 H100": dict(
        model="llama-3.1-405b", seq_len=8192, count=16384, system="meta-h100-roce",
        global_batch=2048),
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    from flopcast.cluster.plan import plan_cluster_training

    for name, kwargs in CASES.items():
        plan_cluster_training(**kwargs)  # warm caches (catalog parse)
        samples = []
        for _ in range(args.repeat):
            t = time.perf_counter()
            r = plan_cluster_training(**kwargs)
            samples.append(time.perf_counter() - t)
        med = statistics.median(samples)
        print(f"{name}: median {med * 1e3:.0f} ms over {args.repeat} runs; "
              f"{r.layouts_tried} layouts tried ({med / r.layouts_tried * 1e6:.0f} µs each); "
              f"best {r.layout.label}: {r.step_seconds:.1f} s/step, MFU {r.mfu:.1%}"
              f" — {'OK' if med <= 1.0 else 'SLOWER THAN 1 s'}")


if __name__ == "__main__":
    main()
