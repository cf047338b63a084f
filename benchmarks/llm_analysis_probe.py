"""Time one llm-analysis `train()` call (run by bench_cluster.py in llm-analysis's own venv).

Prints JSON: the median seconds per call and its predicted latency per iteration. The case is
the one bench_cluster.py evaluates: a GPT-3-shaped 175B model (llm-analysis's facebook_opt-175b
config: 96 layers, h 12,288, 96 heads) on 1,024 A100 SXM 80GB, TP 8, PP 8, micro-batch 1,
global batch 1,536, sequence 2,048, full recomputation. llm-analysis takes the GEMM efficiency
as an input (`flops_efficiency`, 0.5 here: its README's "up to 0.5 for large scale training").
"""

import contextlib
import io
import json
import logging
import statistics
import sys
import time

logging.disable(logging.CRITICAL)
from llm_analysis.analysis import train  # noqa: E402

KW = dict(model_name="facebook_opt-175b", gpu_name="a100-sxm-80gb", dtype_name="w16a16e16",
          seq_len=2048, global_batch_size=1536, batch_size_per_gpu=1, total_num_gpus=1024,
          tp_size=8, pp_size=8, activation_recomputation=2, flops_efficiency=0.5,
          flash_attn=False, total_num_tokens=300e9)

repeat = int(sys.argv[1]) if len(sys.argv) > 1 else 7
times = []
out: dict = {}
for _ in range(repeat):
    t = time.perf_counter()
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        out = train(**KW)
    times.append(time.perf_counter() - t)
print(json.dumps({"median_s": statistics.median(times),
                  "latency_per_iter_s": out.get("latency_per_iter")}))
