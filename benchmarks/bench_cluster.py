"""Benchmark the cluster layout search (issue 12): the full search, every layout argument open.

Run:  .venv/bin/python benchmarks/bench_cluster.py [--repeat 5] [--llm-analysis PYTHON]

Cases: the 1T-parameter row of Narayanan et al. 2021 Table 1 (128 layers, h 25,600, 160 heads,
batch 3,072) on 3,072 A100 (dgx-a100), and Llama 3 405B (batch 16M tokens = 2,048 × 8K) on
16,384 H100 (meta-h100-roce), and DeepSeek-V3 (batch 15,360 × 4K, EP searched) on 2,048 H800
(hgx-h800). Target: each ≤ 1 s on this machine (median). Also reported: the
layouts evaluated per search and the cost per layout evaluated.

With `--llm-analysis PYTHON` (an interpreter of a separate venv with `pip install llm-analysis`,
so it never enters flopcast's environment), the same run also times one llm-analysis `train()`
call for a comparable case (`llm_analysis_probe.py`: GPT-3 175B shape on 1,024 A100, TP 8,
PP 8) against flopcast's cost per layout evaluated in a search and one full
`plan_cluster_training` call for that fixed layout, and prints the ratios (target ≥ 10× per
layout) and both predicted step times.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import time
from pathlib import Path

CASES = {
    "1T (Table 1) on 3072 A100": dict(
        params=1008e9, layers=128, d_model=25600, heads=160, vocab=51200, seq_len=2048,
        count=3072, system="dgx-a100", global_batch=3072, precision="fp16"),
    "Llama 3 405B on 16384 H100": dict(
        model="llama-3.1-405b", seq_len=8192, count=16384, system="meta-h100-roce",
        global_batch=2048),
    "DeepSeek-V3 on 2048 H800": dict(
        model="deepseek-v3", count=2048, system="hgx-h800", global_batch=15360),
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--llm-analysis", metavar="PYTHON", default=None,
                        help="interpreter of a venv with llm-analysis installed")
    args = parser.parse_args()
    from flopcast.cluster.plan import plan_cluster_training

    per_layout = []
    for name, kwargs in CASES.items():
        plan_cluster_training(**kwargs)  # warm caches (catalog parse)
        samples = []
        for _ in range(args.repeat):
            t = time.perf_counter()
            r = plan_cluster_training(**kwargs)
            samples.append(time.perf_counter() - t)
        med = statistics.median(samples)
        per_layout.append(med / r.layouts_tried)
        print(f"{name}: median {med * 1e3:.0f} ms over {args.repeat} runs; "
              f"{r.layouts_tried} layouts tried ({med / r.layouts_tried * 1e6:.0f} µs each); "
              f"best {r.layout.label}: {r.step_seconds:.1f} s/step, MFU {r.mfu:.1%}"
              f" — {'OK' if med <= 1.0 else 'SLOWER THAN 1 s'}")

    if args.llm_analysis:
        _compare_llm_analysis(args.llm_analysis, args.repeat, max(per_layout))


def _compare_llm_analysis(python: str, repeat: int, per_layout: float) -> None:
    from flopcast.cluster.plan import plan_cluster_training

    fixed = dict(model="gpt-3-175b", count=1024, system="dgx-a100", tensor_parallel=8,
                 pipeline_parallel=8, virtual_stages=1, micro_batch=1, zero_stage=0,
                 global_batch=1536, recompute="full", precision="fp16", flash_attention=False,
                 sequence_parallel=False)
    plan_cluster_training(**fixed)
    samples = []
    for _ in range(repeat):
        t = time.perf_counter()
        r = plan_cluster_training(**fixed)
        samples.append(time.perf_counter() - t)
    one_call = statistics.median(samples)
    probe = Path(__file__).with_name("llm_analysis_probe.py")
    env = {**os.environ, "HF_HUB_OFFLINE": "1"}
    out = subprocess.run([python, str(probe), str(repeat)], capture_output=True, text=True,
                         check=True, env=env)
    llma = json.loads(out.stdout.strip().splitlines()[-1])
    print(f"llm-analysis train(), GPT-3 175B on 1024 A100 TP 8 PP 8: median "
          f"{llma['median_s'] * 1e3:.2f} ms per call, predicts {llma['latency_per_iter_s']:.1f} "
          f"s/step (flops_efficiency 0.5 given)")
    print(f"flopcast, same layout: {one_call * 1e3:.2f} ms per full plan_cluster_training call "
          f"(with every step), predicts {r.step_seconds:.1f} s/step; "
          f"{per_layout * 1e6:.0f} µs per layout in a search (slowest case above)")
    print(f"ratio per layout in a search: {llma['median_s'] / per_layout:.0f}× faster; "
          f"full call vs train(): {llma['median_s'] / one_call:.2f}×")


if __name__ == "__main__":
    main()
