"""Chinese for what a result shows besides its summary: step names, scenario names, and the
words assumption values and sources are written in.

Each tool writes its summary in both languages itself; the steps and assumptions are built by
shared code in English. `localize` translates them when the result's language is "zh", once
for every tool (`flopcast.numbers.validation.tool_function` calls it). Formulas, numbers,
identifiers and the titles of cited papers stay as published.

>>> step_name("training time")
'训练时间'
>>> step_name("dense bf16 peak of NVIDIA A100 SXM4 80 GB")
'NVIDIA A100 SXM4 80 GB 的 bf16 稠密峰值'
>>> step_name("something new")
'something new'
"""

from __future__ import annotations

import re
from collections.abc import Callable

__all__ = ["SCENARIO_NAMES", "localize", "source_text", "step_name"]

#: Step names, English → Chinese, exactly as the tools write them.
STEP_NAMES: dict[str, str] = {
    "FLOPs per token": "每词元 FLOPs",
    "training FLOPs (model)": "训练计算量（模型 FLOPs）",
    "training FLOPs (given)": "训练计算量（给定）",
    "training FLOPs per token": "每词元训练 FLOPs",
    "training (model) FLOPs per token": "每词元训练（模型）FLOPs",
    "forward FLOPs per token": "每词元前向 FLOPs",
    "forward FLOPs per sequence": "每序列前向 FLOPs",
    "attention FLOPs per layer per sequence (forward)": "每层每序列注意力 FLOPs（前向）",
    "dense-block FLOPs per layer per sequence (forward)": "每层每序列稠密部分 FLOPs（前向）",
    "non-embedding parameters": "非嵌入参数量",
    "hardware FLOPs (selective recompute, Korthikanti et al. Eq. 8)":
        "硬件 FLOPs（选择性重计算，Korthikanti et al. Eq. 8）",
    "hardware FLOPs (full recompute, 6·N·D convention: 8·N·D / 6·N·D)":
        "硬件 FLOPs（完全重计算，6·N·D 口径：8·N·D / 6·N·D）",
    "compute in petaflop/s-days": "折合 PF-天",
    "PF-days": "PF-天",
    "achieved rate per device (counts recomputation)": "单卡实际速率（含重计算）",
    "achieved hardware FLOP/s per device (with recompute)": "单卡实际硬件 FLOP/s（含重计算）",
    "achieved model FLOP/s per device the claim implies": "原文隐含的单卡模型 FLOP/s",
    "achieved rate per device the device-hours imply": "卡时隐含的单卡实际速率",
    "MFU implied by the achieved rate": "实际速率对应的 MFU",
    "MFU the device-hours imply": "卡时隐含的 MFU",
    "MFU the claim implies": "原文隐含的 MFU",
    "MFU needed for the deadline": "按期完成所需的 MFU",
    "devices needed for the deadline": "按期完成所需的设备数",
    "devices the deadline needs at the typical published MFU":
        "按典型公开 MFU 按期完成所需的设备数",
    "training time": "训练时间",
    "training time per device type": "各型号的训练时间",
    "device-hours": "卡时",
    "device-hours bought": "预算可买的卡时",
    "cost": "费用",
    "energy": "耗电量",
    "CO2": "碳排放",
    "energy at TDP (before PUE)": "按 TDP 的耗电（未计 PUE）",
    "energy at TDP × PUE": "按 TDP × PUE 的耗电",
    "average power per device the claim implies": "原文隐含的单卡平均功率",
    "price per device-hour the claim implies": "原文隐含的每卡时价格",
    "carbon intensity the claim implies": "原文隐含的碳强度",
    "tokens the claimed FLOPs imply": "原文 FLOPs 隐含的词元数",
    "time at the same rate with the reference FLOPs": "同样速率下参考计算量所需时间",
    "passes over the training set": "遍历训练集的次数",
    "compute budget": "算力预算",
    "compute of the run": "这次训练的计算量",
    "compute-optimal parameters": "计算最优参数量",
    "compute-optimal tokens": "计算最优词元数",
    "compute an optimal model needs for the same loss": "同样损失下计算最优模型所需算力",
    "predicted loss": "预测损失",
    "tokens per parameter vs optimal": "每参数词元数与最优值之比",
    "parameters the budget allows": "预算允许的参数量",
    "tokens the budget allows": "预算允许的词元数",
    "budget whose optimal model has N parameters": "最优模型为 N 参数时的预算",
    "budget whose optimal run sees D tokens": "最优训练见到 D 个词元时的预算",
    "exponent of N_opt": "N_opt 的指数",
    "coefficient of N_opt = √(C/(6r))": "N_opt = √(C/(6r)) 的系数",
    "coefficient through the paper's projection": "按论文投影得到的系数",
    "G of the efficient frontier": "有效前沿的 G",
    "weights per device": "每设备权重",
    "weight bytes": "权重字节数",
    "activations per layer": "每层激活",
    "activations per device": "每设备激活",
    "total per device": "每设备合计",
    "fewest devices": "最少设备数",
    "parameters per model-parallel rank": "每个模型并行分片的参数量",
    "training state (weights + gradients + Adam), before sharding":
        "训练状态（权重 + 梯度 + Adam），分片前",
    "KV cache per token": "每词元 KV 缓存",
    "KV cache per device": "每设备 KV 缓存",
    "KV cache of the batch": "整批 KV 缓存",
    "compute roof": "算力上限",
    "prefill memory roof": "预填充的带宽上限",
    "decode memory roof": "解码的带宽上限",
    "weight bytes read per decode step (mixture of experts)": "每步解码读取的权重字节（混合专家）",
    "cost per million generated tokens": "每百万生成词元的费用",
    "tokens": "词元数",
    "estimated tokens": "估计词元数",
    "tokens per byte": "每字节词元数",
    "sampled tokens per byte": "抽样的每字节词元数",
    "standard error": "标准误",
    "95% interval": "95% 区间",
    "layer GEMM time per micro-batch": "每个微批次的层内 GEMM 时间",
    "layer GEMM time per micro-batch (linear layers in FP8, attention scores in BF16)":
        "每个微批次的层内 GEMM 时间（线性层用 FP8，注意力分数用 BF16）",
    "layer non-matmul time per micro-batch": "每个微批次的层内非矩阵乘时间",
    "time of one micro-batch on the fullest stage": "最满流水线阶段上一个微批次的时间",
    "step time": "每步时间",
    "optimizer step": "优化器更新",
    "achievable GEMM fraction": "可达到的 GEMM 峰值比例",
    "largest GEMM per device": "每设备最大的 GEMM",
    "hardware TFLOP/s per device (as Megatron-LM logs it, Eq. 3)":
        "单卡硬件 TFLOP/s（按 Megatron-LM 日志口径，Eq. 3）",
    "MFU (Chowdhery et al. 2022 §4.1)": "模型 FLOPs 利用率 MFU（Chowdhery et al. 2022 §4.1）",
    "pipeline bubble (Narayanan et al. 2021, Megatron-LM (SC21), arXiv:2104.04473, §2.2)":
        "流水线气泡（Narayanan et al. 2021, Megatron-LM (SC21), arXiv:2104.04473, §2.2）",
    "TP communication per step (Shoeybi et al. 2019 §3: 4 all-reduces of b·s·h per layer, "
    "6 with full recompute)":
        "每步张量并行 TP 通信（Shoeybi et al. 2019 §3：每层 4 次 b·s·h 的 all-reduce，"
        "完全重计算时 6 次）",
    "DP gradient reduction, exposed (Rajbhandari et al. 2020 §7: 2Ψ, 3Ψ with ZeRO-3)":
        "数据并行 DP 梯度归约中未被掩盖的部分（Rajbhandari et al. 2020 §7：2Ψ，ZeRO-3 时 3Ψ）",
    "MoE layer forward FLOPs (active experts + router; Fedus et al. 2022 §2.1)":
        "MoE 层前向 FLOPs（激活的专家 + 路由器；Fedus et al. 2022 §2.1）",
    "one expert's GEMM per device (T·k·EP/E tokens per expert)":
        "每设备单个专家的 GEMM（每个专家 T·k·EP/E 个词元）",
    "achievable fraction of the expert GEMMs": "专家 GEMM 可达到的峰值比例",
    "EP all-to-all per MoE layer and micro-batch (dispatch + combine, forward and backward, "
    "+ forward again with full recompute; GShard §2.2, DeepSpeed-MoE §5)":
        "每个 MoE 层、每个微批次的专家并行 EP 全对全通信（分发 + 合并，前向与反向各一次，"
        "完全重计算时再加一次前向；GShard §2.2，DeepSpeed-MoE §5）",
    "exposed EP all-to-all per step (no overlap assumed)":
        "每步未被掩盖的 EP 全对全通信（假设不重叠）",
    "attention share of GPT-3 training FLOPs": "注意力在 GPT-3 训练 FLOPs 中的占比",
    "PaLM 540B MFU (6·N, attention left out)": "PaLM 540B 的 MFU（6·N，不计注意力）",
    "Megatron-LM 1T: MFU from its HFU (full recompute, 6ND vs 8ND)":
        "Megatron-LM 1T：由 HFU 推出的 MFU（完全重计算，6ND 对 8ND）",
    "AVX-512 FP32 FLOPs/cycle with one 512-bit FMA unit":
        "单个 512 位 FMA 单元的 AVX-512 FP32 每周期 FLOPs",
}

#: Patterns for step names that carry a device, precision or figure.
_STEP_PATTERNS: list[tuple[re.Pattern[str], Callable[[re.Match[str]], str]]] = [
    (re.compile(r"^(.+): (\S+) / (\S+) peak$"), lambda m: f"{m[1]}：{m[2]} 峰值 / {m[3]} 峰值"),
    (re.compile(r"^(.+) \((.+)\): achieved / peak$"),
     lambda m: f"{m[1]}（{ {'activation recompute': '激活重计算', '8K context': '8K 上下文'}.get(m[2], m[2])}）：实际 / 峰值"),  # noqa: E501
    (re.compile(r"^(.+): achieved / peak$"), lambda m: f"{m[1]}：实际 / 峰值"),
    (re.compile(r"^GPU-hours for (.+) on (.+) with full recompute at the same hardware rate$"),
     lambda m: f"{m[1]} 在 {m[2]} 上的卡时（完全重计算，硬件速率相同）"),
    (re.compile(r"^GPU-hours for (.+) on (.+), (.+) at MFU (\S+)$"),
     lambda m: f"{m[1]} 在 {m[2]} 上的卡时（{m[3]}，MFU {m[4]}）"),
    (re.compile(r"^dense (\S+) peak of (.+)$"), lambda m: f"{m[2]} 的 {m[1]} 稠密峰值"),
    (re.compile(r"^sparse (\S+) peak of (.+)$"), lambda m: f"{m[2]} 的 {m[1]} 稀疏峰值"),
    (re.compile(r"^(\S+) peak of (.+)$"), lambda m: f"{m[2]} 的 {m[1]} 峰值"),
    (re.compile(r"^(.+) per device \(ZeRO stage (\d)\)$"),
     lambda m: f"每设备{ {'weights': '权重', 'gradients': '梯度', 'optimizer state': '优化器状态'}.get(m[1], m[1])}（ZeRO 阶段 {m[2]}）"),  # noqa: E501
    (re.compile(r"^GPU-hours at 100% of the (.+) peak$"), lambda m: f"按 {m[1]} 峰值 100% 的卡时"),
    (re.compile(r"^GPU-hours at (.+) MFU on (.+)$"), lambda m: f"{m[2]} 上 MFU {m[1]} 的卡时"),
    (re.compile(r"^time at 100% of peak with the (.+) FLOPs$"),
     lambda m: f"按 100% 峰值、{m[1]}计算量所需时间"),
    (re.compile(r"^derived (\S+) CUDA-core peak$"), lambda m: f"推导的 {m[1]} CUDA 核心峰值"),
    (re.compile(r"^derived (\S+) Tensor Core peak \((.+) clock\)$"),
     lambda m: f"推导的 {m[1]} Tensor Core 峰值（{m[2]}频率）"),
    (re.compile(r"^hardware FLOPs \((\S+) recompute: (.+)\)$"),
     lambda m: f"硬件 FLOPs（{m[1]} 重计算：{m[2]}）"),
]

#: The MFU scenario names of estimate_training.
SCENARIO_NAMES = {"low": "低", "typical": "典型", "high": "高"}

#: The words of a cluster layout label in Chinese (`flopcast.cluster.explain.label_zh`, the
#: app view); degrees and identifiers (TP 8, ZeRO 1) stay as they are.
LAYOUT_LABEL_WORDS: tuple[tuple[str, str], ...] = (
    ("micro-batch", "微批"), ("recompute none", "不重计算"),
    ("recompute selective", "选择性重计算"), ("recompute full", "完全重计算"))

#: Words inside assumption values and sources, longest first when applied.
_SOURCE_WORDS: dict[str, str] = {
    "the catalog has no dated reference price for ": "目录中没有带日期的参考价格：",
    "; give price_per_device_hour (USD) for a cost":
        "；要算费用请给出 price_per_device_hour（美元）",
    "the vendor publishes no TDP for ": "厂商未公布 TDP：",
    "; give power_watts (W per device) for energy and CO2":
        "；要算耗电和碳排放请给出 power_watts（每设备瓦数）",
    "; the matmuls run in fp16": "；矩阵乘以 fp16 运行",
    " per hour for 4 GPUs": " 每小时（4 块 GPU）",
    " per GPU-hour as quoted in ": " 每 GPU 小时，转引自 ",
    "the gpu.blog MI300X page lists Vultr on-demand at the same $1.85/hour":
        "gpu.blog 的 MI300X 页面列出 Vultr 按需价同为 $1.85/小时",
    " price per chip-hour": " 每芯片小时价格",
    " (posted ": "（发布于 ",
    ", as reported by Neowin": "，据 Neowin 报道",
    " in api-evangelist/": "，见 api-evangelist/",
    "bf16, the usual mixed-precision training format": "bf16，常用的混合精度训练格式",
    "not given: one device": "未给出：按一台设备",
    "argument overrides preset": "参数覆盖了预设值",
    "catalog reference on-demand price": "目录中的参考按需价格",
    "default rule: no ": "默认规则：无 ",
    " quote, so the lowest on-demand quote": " 报价，取最低的按需报价",
    "default rule: ": "默认规则：",
    " when it quotes the device": " 有该设备报价时用它",
    "lowest on-demand quote": "最低的按需报价",
    "provider asked for": "指定的云厂商",
    "provider ": "云厂商 ",
    " per device-hour as printed": " 每卡时（原文价格）",
    " devices = ": " 台设备 = ",
    ", unverified": "，未核实",
    " (on-demand": "（按需",
    " (reserved": "（预留",
    " (spot": "（竞价",
    " newest on-demand quotes": " 的最新按需报价",
    "each device's lowest newest on-demand quote": "各设备最新按需报价中的最低价",
    "the provider that quotes the most of these devices": "为这些设备报价最多的云厂商",
    " (dated quotes in the catalog)": "（目录中注明日期的报价）",
    " has no on-demand quote for ": " 没有按需报价：",
    "; quoted by: ": "；有报价的云厂商：",
    "computed from the architecture (one embedding matrix, no biases or norms)":
        "按架构计算（一个嵌入矩阵，不计偏置和归一化层）",
    "the usual mixed-precision training format": "常用的混合精度训练格式",
    " is a family; default variant: ": " 是一个系列；默认型号：",
    "Other variants: ": "其他型号：",
    "the name rounds it: ": "名称是取整的：",
    " gives ": " 得到 ",
    "% more FLOPs and time": "% 更多的计算量和时间",
    "% less FLOPs and time": "% 更少的计算量和时间",
    "figures computed from the published FLOPs (flops=...) differ by as much in their last digit":
        "用论文公布的计算量（flops=...）算出的数字，末位会差这么多",
    " published: ": " 为论文值：",
    "% more": "% 偏多",
    "% less": "% 偏少",
    "parameters": "参数",
    "active parameters": "激活参数",
    "2 × forward (3 passes in all)": "2 × 前向（共 3 遍）",
    "TDP of ": "TDP：",
    " from the catalog (board power at full load; real averages are often lower)":
        "，取自目录（满载板卡功耗；实际平均值通常更低）",
    "per device-hour": "每卡时",
    "kg CO2eq/kWh, the US national average used by": "kg CO2 当量/kWh，美国全国平均值，采用于",
    "as assumed by": "采用于",
    "not computed": "未计算",
    "they need ": "需要 ",
    " (or a model preset): per layer ": "（或模型预设）：每层 ",
    " bytes ": " 字节 ",
    "not given": "未给出",
    "default": "默认",
    "preset, as published": "预设，论文公布值",
    # catalog family notes (hardware.toml reasons)
    "SXM2 is the V100 of the DGX-1/DGX-2 servers and clusters the papers trained on; 32 GB is "
    "the later standard memory size (the 16 GB SXM2 has the same peaks).":
        "SXM2 是论文训练所用 DGX-1/DGX-2 服务器和集群中的 V100；32 GB 是后来的标准显存容量"
        "（16 GB 的 SXM2 峰值相同）。",
    "32 GB is the later standard SXM2 memory size; peaks are identical to the 16 GB part.":
        "32 GB 是后来的 SXM2 标准显存容量；峰值与 16 GB 型号相同。",
    "SXM4 80 GB is the A100 of DGX A100 / HGX servers and cloud 8-GPU instances; the peaks of "
    "all A100 variants are the same, memory, bandwidth and power differ.":
        "SXM4 80 GB 是 DGX A100 / HGX 服务器和云上 8 卡实例中的 A100；各款 A100 的峰值相同，"
        "显存、带宽和功耗不同。",
    "SXM4 assumed (HGX/DGX servers); the PCIe 80 GB card has the same peaks but 1,935 GB/s "
    "and 300 W.":
        "按 SXM4（HGX/DGX 服务器）；PCIe 80 GB 卡峰值相同，但带宽 1,935 GB/s、功耗 300 W。",
    "SXM5 is the H100 of HGX/DGX H100 training clusters; the PCIe and NVL cards have lower "
    "clocks and peaks.":
        "SXM5 是 HGX/DGX H100 训练集群中的 H100；PCIe 和 NVL 卡的频率和峰值更低。",
    # compare_gpus
    "every catalog entry marked as a training accelerator": "目录中标为训练加速器的所有条目",
    "catalog TDP (board power at full load)": "目录中的 TDP（满载板卡功耗）",
    "each device's TDP": "各设备的 TDP",
    "catalog (dated on-demand list prices)": "目录（注明日期的按需标价）",
    "each device's catalog reference price": "各设备在目录中的参考价格",
    "has no bf16 peak": "没有 bf16 峰值",
    # memory / inference
    "training context of the preset ": "预设的训练上下文长度：",
    "one sequence at a time; larger batches share each weight read and cut the cost per token":
        "一次一个序列；更大的批次共享每次权重读取，降低每词元费用",
    "smallest micro-batch; activations scale with it": "最小的微批次；激活随之线性增长",
    "attention scores not stored": "不存储注意力分数",
    ": the 5·a·s/h term of Korthikanti Table 2 is dropped":
        "：去掉 Korthikanti Table 2 中的 5·a·s/h 项",
    "16-bit KV cache, as served by default": "16 位 KV 缓存，默认推理服务的做法",
    "; weight-only quantization (int8/int4/fp8 weights) keeps 16-bit activations":
        "；仅权重量化（int8/int4/fp8 权重）时激活仍为 16 位",
    "MFU for large-batch prefill of PaLM 540B": "MFU，PaLM 540B 大批次预填充",
    "for mixed-precision Adam": "对应混合精度 Adam",
    "AdamW momentum + variance in fp32": "AdamW 动量 + 方差，fp32",
    "fp32 master weights 4 bytes": "fp32 主权重 4 字节",
    # planning
    "k fitted through Table 3's 175 B row": "k 按 Table 3 的 175 B 行拟合",
    ": refit of approach 3 on data reconstructed from Hoffmann Fig. 4":
        "：用从 Hoffmann Fig. 4 重建的数据重新拟合方法 3",
    "(given; preset has none published)": "(给定；预设未公布)",
    "(given; preset has ": "(给定；预设为 ",
    # model names whose meaning depends on how they are written (models.toml `spellings`)
    " is the 124M model on Hugging Face (openai-community/gpt2); the 1.5B model is gpt2-xl "
    "(preset gpt-2-1.5b)":
        " 在 Hugging Face 上是 1.24 亿参数的模型（openai-community/gpt2）；15 亿参数的模型是 "
        "gpt2-xl（预设 gpt-2-1.5b）",
    " written with a separator is read as the largest model of the paper, 1.5B parameters "
    "(Radford et al. 2019, Table 2); gpt2 on Hugging Face is the 124M model (preset gpt-2-124m)":
        "（带分隔符）按论文中最大的模型理解，即 15 亿参数（Radford et al. 2019, Table 2）；"
        "Hugging Face 上的 gpt2 是 1.24 亿参数的模型（预设 gpt-2-124m）",
    # count_tokens
    "BPE ranks from package": "BPE 词表取自包",
    "digest checked against tiktoken_ext/openai_public.py":
        "摘要已与 tiktoken_ext/openai_public.py 核对",
    "special tokens counted as plain text": "特殊词元按普通文本计数",
    "UTF-8 text; binary = NUL byte in the first 8000 bytes (skipped)":
        "UTF-8 文本；前 8000 字节中有 NUL 字节即视为二进制（跳过）",
    "git's binary heuristic": "git 的二进制判别规则",
    "invalid UTF-8 counts as U+FFFD": "无效 UTF-8 按 U+FFFD 计",
    " skipped; symlinked folders not entered": " 跳过；不进入符号链接的文件夹",
    "cap on bytes read per call": "每次调用读取字节数的上限",
    "text: at most": "文本：最多",
    "stratified by file type, ratio estimator with normal 95% interval":
        "按文件类型分层，比率估计，正态 95% 区间",
    " blocks": " 个块",
    "processes counting": "计数进程数",
    " below ": "，低于 ",
    ", else 2, never more than ": "，否则 2，最多 ",
    # plan_cluster_training
    "calibrated with the GEMM fraction on": "与 GEMM 比例一起校准，依据",
    "did not overlap TP communication": "未把张量并行 TP 通信与计算重叠",
    "not calibrated for this device": "未针对此设备校准",
    "calibrated on": "校准依据",
    "least squares of the relative error over the ten weak-scaling rows, jointly with the DP "
    "overlap; one constant for all":
        "对十个弱扩展行的相对误差做最小二乘，与 DP 重叠一起拟合；所有设备一个常数",
    "approximate, from": "近似值，取自",
    "per-GPU throughput up to ×1.3 as the micro-batch grows on a 4096-wide model; read as "
    "micro-batch 1 → 8 and attributed wholly to GEMM size; not fitted":
        "4096 宽模型上随微批次增大单卡吞吐最多提升 ×1.3；按微批次 1 → 8 读取，全部归因于 GEMM "
        "大小；"
        "未拟合",
    "flash attention skips masked blocks, so half of it runs":
        "flash attention 跳过被掩码的块，只执行一半",
    "non-causal (4·b·s²·h per layer forward) in model/hardware FLOPs":
        "模型/硬件 FLOPs 按非因果计（每层前向 4·b·s²·h）",
    "failures, restarts and checkpointing": "故障、重启和检查点",
    "stragglers and slow nodes": "掉队和慢节点",
    "data loading": "数据加载",
    "kernel launch gaps": "内核启动间隙",
    "network congestion and switch oversubscription": "网络拥塞和交换机超额订阅",
    "the embedding's own time": "嵌入层本身的时间",
    "not modelled; real runs lose more": "未建模；实际训练损失更多",
    "interruptions in": "次中断，历时",
    " days)": " 天）",
    "per device per direction": "每设备每方向",
    " per call": " 每次调用",
    "one HCA per GPU": "每 GPU 一个 HCA",
    "one ConnectX-7 per GPU": "每 GPU 一个 ConnectX-7",
    "read in a secondary copy": "读自二手转录",
    "latency: as ib-hdr": "延迟：同 ib-hdr",
    "latency: ": "延迟：",
    "eight 200 Gbps HDR InfiniBand HCAs per DGX A100 for application communication":
        "每台 DGX A100 有八个 200 Gbps HDR InfiniBand HCA 用于应用通信",
    "10 µs NVLink latency": "NVLink 延迟 10 µs",
    "20 µs InfiniBand latency": "InfiniBand 延迟 20 µs",
    "NVSwitch GPU-to-GPU bandwidth 600 GB/s (bidirectional)":
        "NVSwitch GPU 间带宽 600 GB/s（双向）",
    "18 NVLink 4 links, 900 GB/s bidirectional per GPU":
        "18 条 NVLink 4 链路，每 GPU 双向 900 GB/s",
    "8x single-port ConnectX-7 VPI 400 Gb/s InfiniBand/Ethernet":
        "8 个单端口 ConnectX-7 VPI 400 Gb/s InfiniBand/以太网",
    # cluster presets (clusters.toml): links and their sources
    "the cluster preset built from this device": "该设备对应的集群预设",
    "assumed equal to NVLink's (no published figure)": "假定与 NVLink 相同（无公开数据）",
    "as nvlink4 (Calculon's 10 µs NVLink latency; no figure for NVLink 2)":
        "同 nvlink4（Calculon 的 NVLink 延迟 10 µs；NVLink 2 无数据）",
    "as nvlink4 (no published figure for NVLink 5)": "同 nvlink4（NVLink 5 无公开数据）",
    "as roce-400 (RDMA over Ethernet; no published figure for Gaudi)":
        "同 roce-400（以太网 RDMA；Gaudi 无公开数据）",
    "as nvlink4": "同 nvlink4",
    "as roce-400": "同 roce-400",
    "as ib-hdr": "同 ib-hdr",
    "NVLink 2 (V100 SXM2/SXM3: DGX-1 hybrid cube-mesh, DGX-2 NVSwitch)":
        "NVLink 2（V100 SXM2/SXM3：DGX-1 混合立方网格，DGX-2 NVSwitch）",
    "NVIDIA NVLink page": "NVIDIA NVLink 页面",
    "InfiniBand EDR 100 Gb/s, one HCA per two GPUs (DGX-1 V100, DGX-2)":
        "InfiniBand EDR 100 Gb/s，每两块 GPU 一个 HCA（DGX-1 V100、DGX-2）",
    "NVIDIA DGX-1 with Tesla V100 system architecture white paper":
        "NVIDIA 白皮书 'DGX-1 with Tesla V100 System Architecture'",
    "four 100 Gb InfiniBand NICs per 8-GPU DGX-1":
        "每台 8 GPU 的 DGX-1 有四个 100 Gb InfiniBand 网卡",
    "400 Gb/s NIC per GPU (InfiniBand NDR or 400G RoCE; AMD Instinct platforms)":
        "每 GPU 一块 400 Gb/s 网卡（InfiniBand NDR 或 400G RoCE；AMD Instinct 平台）",
    "8 MI300X per VM": "每台虚拟机 8 块 MI300X",
    "800 Gb/s per GPU, one ConnectX-8 per GPU (DGX/HGX B300, GB300 NVL72)":
        "每 GPU 800 Gb/s，每 GPU 一个 ConnectX-8（DGX/HGX B300、GB300 NVL72）",
    "8 × single-port ConnectX-8 SuperNIC, 800 Gb/s each":
        "8 个单端口 ConnectX-8 SuperNIC，各 800 Gb/s",
    " announcement": " 发布公告",
    "AMD Infinity Fabric, 8-GPU full mesh (MI300X, MI325X platforms)":
        "AMD Infinity Fabric，8 GPU 全互连（MI300X、MI325X 平台）",
    "AMD Infinity Fabric, 8-GPU full mesh (MI350X, MI355X platforms)":
        "AMD Infinity Fabric，8 GPU 全互连（MI350X、MI355X 平台）",
    " platform / ": " 平台 / ",
    " specifications: 7 Infinity Fabric links to the other GPUs, ":
        " 规格：到其他 GPU 的 7 条 Infinity Fabric 链路，",
    "peak link bandwidth": "单链路峰值带宽",
    "Intel Gaudi 3 on-chip RoCE, 21 × 200 GbE all-to-all inside an 8-card HLS-3":
        "Intel Gaudi 3 片上 RoCE，8 卡 HLS-3 内 21 × 200 GbE 全互连",
    "Intel Gaudi 3 on-chip RoCE, 200 GbE scale-out port":
        "Intel Gaudi 3 片上 RoCE，200 GbE 横向扩展端口",
    "Intel Gaudi 2 on-chip RoCE, 21 × 100 GbE all-to-all inside an 8-card HLS-2":
        "Intel Gaudi 2 片上 RoCE，8 卡 HLS-2 内 21 × 100 GbE 全互连",
    "Intel Gaudi 2 on-chip RoCE, 100 GbE scale-out port":
        "Intel Gaudi 2 片上 RoCE，100 GbE 横向扩展端口",
    "Intel Gaudi documentation, Network Configuration": "Intel Gaudi 文档 Network Configuration 页",
    "21 scale-up ports at 200 Gbps, 3 per peer": "21 个 200 Gbps 纵向扩展端口，每个对端 3 个",
    "three scale-out ports at 200 Gbps per Gaudi 3": "每个 Gaudi 3 有三个 200 Gbps 横向扩展端口",
    "Gaudi 2 links at 100 Gbps": "Gaudi 2 链路为 100 Gbps",
    "Gaudi 2 scale-out ": "Gaudi 2 横向扩展 ",
    "TPU v5e ICI (2D torus)": "TPU v5e ICI（二维环面）",
    "TPU v6e (Trillium) ICI (2D torus)": "TPU v6e（Trillium）ICI（二维环面）",
    "TPU v5e data-centre network between pods": "TPU v5e pod 间数据中心网络",
    "TPU data-centre network between pods": "TPU pod 间数据中心网络",
    "bidirectional inter-chip interconnect (ICI) bandwidth per chip":
        "每芯片双向芯片间互连（ICI）带宽",
    " chips, 2D torus": " 芯片，二维环面",
    "per-host NIC configuration 2 × 100 Gbps, 8 chips per host; data center network bandwidth "
    "per Pod 6.4 Tbps": "每主机网卡 2 × 100 Gbps，每主机 8 芯片；每 Pod 数据中心网络带宽 6.4 Tbps",
    "DCN 50 Gbps per chip": "DCN 每芯片 50 Gbps",
    "AWS NeuronLink-v3 inside a Trn2 instance (16 Trainium2, 4×4 2D torus)":
        "Trn2 实例内的 AWS NeuronLink-v3（16 块 Trainium2，4×4 二维环面）",
    "AWS NeuronLink-v2 inside a Trn1 instance (16 Trainium, 2D torus)":
        "Trn1 实例内的 AWS NeuronLink-v2（16 块 Trainium，二维环面）",
    "AWS EFA, 3,200 Gb/s per 16-chip Trn2 instance": "AWS EFA，每个 16 芯片 Trn2 实例 3,200 Gb/s",
    "AWS EFA, 800 Gb/s per 16-chip Trn1 instance": "AWS EFA，每个 16 芯片 Trn1 实例 800 Gb/s",
    "AWS Neuron documentation": "AWS Neuron 文档",
    "trn2-16.48xlarge, 16 Trainium2 in a 4x4 2D torus, intra-instance NeuronLink-v3 bandwidth "
    "1,024 GB/sec/device": "trn2-16.48xlarge，16 块 Trainium2 组成 4x4 二维环面，实例内 "
    "NeuronLink-v3 带宽每设备 1,024 GB/s",
    "EFA bandwidth 3,200 Gbps per trn2-16.48xlarge": "每个 trn2-16.48xlarge 的 EFA 带宽 3,200 Gbps",
    "Trn1.32xlarge, 16 Trainium, NeuronLink-v2 device-to-device 384 GiB/sec/device":
        "Trn1.32xlarge，16 块 Trainium，NeuronLink-v2 设备间每设备 384 GiB/s",
    "EFA bandwidth 800 Gbps per Trn1.32xlarge": "每个 Trn1.32xlarge 的 EFA 带宽 800 Gbps",
    "bidirectional ICI bandwidth per chip": "每芯片双向 ICI 带宽",
    "all-reduce bandwidth per pod": "每 pod 全归约带宽",
    "8 GPUs per node, 4 OmniPath links": "每节点 8 GPU，4 条 OmniPath 链路",
    "100 Gbps per link": "每链路 100 Gbps",
    "400 Gb/s per GPU (Meta Llama 3 clusters)": "每 GPU 400 Gb/s（Meta Llama 3 集群）",
    "datasheet": "数据手册",
    # presets and prices
    "; the same table in the Llama 2 model card": "；Llama 2 模型卡中的同一张表",
    " on 16K H100: ": "，16K 张 H100：",
    "midpoint": "中点",
    "as copied from": "抄自",
    "as quoted by": "转引自",
    "as transcribed": "转录于",
    "per GPU per hour": "每 GPU 每小时",
    "prices verified": "价格核实于",
    "data dated": "数据日期",
    "page read": "页面读取于",
    "throughput up to": "吞吐最多提升",
    # training FLOPs methods and counting notes
    " counts the whole n_ctx × n_ctx score matrix, as the papers do; ":
        " 计入完整的 n_ctx × n_ctx 分数矩阵，与论文一致；",
    " halves it": " 减半",
    " text counts embeddings and logits; Table A4 ratios match the per-layer count without them":
        " 正文计入嵌入和 logits；Table A4 的比值与不计它们的逐层计数一致",
    " derive Eq. (3) for this shape; the given shape differs, so the count is approximate":
        " 按这种形状推导 Eq. (3)；给定的形状不同，所以计数是近似值",
    "d_ff = 4h, multi-head, 2-matrix FFN": "d_ff = 4h，多头注意力，两矩阵 FFN",
    "not an official encoding's data": "不是官方编码的数据",
    " and §": " 及 §",
    # plan_cluster_training, FP8
    "linear layers (projections, feed-forward, experts) in FP8; attention scores and the output "
    "head in BF16": "线性层（投影、前馈、专家）用 FP8；注意力分数和输出头用 BF16",
    # plan_cluster_training, mixture of experts
    " routed experts (width ": " 个路由专家（宽度 ",
    "), shared width ": "），共享专家宽度 ",
    ", MoE layers ": "，MoE 层 ",
    "; balanced routing; experts split by TP and EP; EP all-to-all overlap ":
        "；路由均衡；专家按 TP 和 EP 切分；EP 全对全通信重叠比例 ",
    "; activations counted as a dense layer's": "；激活按稠密层计",
    " (DualPipe hides the all-to-all; not modelled); Megatron-Core "
    "expert_tensor_parallel_size defaults to the TP size":
        "（DualPipe 掩盖全对全通信；未建模）；Megatron-Core 的 expert_tensor_parallel_size "
        "默认等于 TP 大小",
    "what the published active parameters leave after the active experts, dense FFNs, routers "
    "and output head (2 FLOPs per weight and token, 6·N·D)":
        "公布的激活参数减去激活的专家、稠密 FFN、路由器和输出头后剩下的部分"
        "（每个权重每个词元 2 FLOPs，6·N·D）",
}
_SOURCE_ORDER = sorted(_SOURCE_WORDS, key=len, reverse=True)


def step_name(name: str) -> str:
    """The Chinese for a step name; unchanged when not known."""
    if name in STEP_NAMES:
        return STEP_NAMES[name]
    for pattern, render in _STEP_PATTERNS:
        m = pattern.match(name)
        if m:
            return render(m).replace(" at base clock", "（基频）")
    return name


def source_text(text: str) -> str:
    """An assumption's value or source with its known English words in Chinese; quoted paper
    titles (between quotes) are kept as published."""
    parts = re.split(r"('[^']*'|\"[^\"]*\")", text)
    for i in range(0, len(parts), 2):  # even parts are outside quotes
        for en in _SOURCE_ORDER:
            if en in parts[i]:
                parts[i] = parts[i].replace(en, _SOURCE_WORDS[en])
    return "".join(parts)


def localize(result: object) -> None:
    """Translate a result's steps, assumptions and scenario names in place when its language
    is "zh"; any other result is left as it is."""
    if getattr(result, "language", None) != "zh":
        return
    steps = getattr(result, "steps", None)
    if steps:  # steps and assumptions are frozen: replaced by translated copies
        result.steps = [  # type: ignore[attr-defined]
            s.model_copy(update={"name": step_name(s.name)}) for s in steps]
    assumptions = getattr(result, "assumptions", None)
    if assumptions:
        result.assumptions = [  # type: ignore[attr-defined]
            a.model_copy(update={"value": source_text(a.value), "source": source_text(a.source)})
            for a in assumptions]
    for row in getattr(result, "scenarios", None) or ():
        row.name = SCENARIO_NAMES.get(row.name, row.name)


#: Tool titles (the CLI's heading), by tool name.
TOOL_TITLES: dict[str, str] = {
    "estimate_training": "训练估算（计算量、时间、费用、耗电）",
    "compare_gpus": "同一训练任务的加速器对比",
    "plan_compute_optimal": "计算最优（Chinchilla）模型规划",
    "estimate_memory": "每设备显存估算（训练或推理）",
    "estimate_inference": "推理吞吐与费用估算",
    "count_tokens": "文本、文件或文件夹的词元计数",
    "check_claim": "核对公开或引用的算力说法",
    "explain_flops": "讲解 FLOPs、峰值、6ND、MFU 与精度",
    "list_hardware": "目录中的加速器",
    "list_models": "模型预设",
    "plan_cluster_training": "集群并行训练规划（TP/PP/DP 布局与步时）",
}

#: What a result field means, in Chinese (the CLI's meaning column and table headers).
FIELD_MEANINGS: dict[str, str] = {
    "flops": "模型训练计算量（不含重计算）",
    "hardware_flops": "设备实际执行的计算量（含重计算）",
    "pf_days": "折合 PF-天（1e15 FLOP/s × 1 天）",
    "method": "计算量方法",
    "recompute": "激活重计算",
    "params": "参数量",
    "active_params": "每词元激活参数量",
    "tokens": "训练词元数",
    "model": "模型预设",
    "hardware": "设备目录 id",
    "hardware_name": "设备名称",
    "count": "设备数",
    "precision": "精度",
    "sparsity": "稀疏峰值",
    "peak_tflops_per_device": "单卡峰值（TFLOP/s）",
    "mfu": "模型 FLOPs 利用率",
    "hfu": "硬件 FLOPs 利用率（含重计算）",
    "achieved_tflops_per_device": "单卡实际速率（TFLOP/s）",
    "seconds": "训练时间（秒）",
    "days": "训练时间（天）",
    "years": "训练时间（年）",
    "device_hours": "卡时",
    "price_usd_per_device_hour": "每卡时价格（美元）",
    "price_source": "价格出处",
    "cost_usd": "费用（美元）",
    "power_watts": "单卡功率（W）",
    "pue": "机房 PUE",
    "energy_kwh": "耗电（度，kWh）",
    "carbon_kg_per_kwh": "碳强度（kg/kWh）",
    "co2_kg": "碳排放（kg）",
    "target_days": "期限（天）",
    "required_count": "按期完成所需设备数",
    "required_mfu": "按期完成所需 MFU",
    "feasible": "按公开 MFU 是否可行",
    "devices_at_typical_mfu": "按典型 MFU 所需设备数",
    "scenarios": "MFU 情景",
    "name": "名称",
    "source": "出处",
    "rows": "各型号",
    "figures": "各项核对",
    "figure": "项目",
    "claimed": "原文值",
    "computed": "计算值",
    "unit": "单位",
    "reference": "参照",
    "ratio": "比值",
    "factor": "相差倍数",
    "verdict": "结论",
    "cause": "原因",
    "explanation": "说明",
    "tolerance": "容差",
    "reference_flops": "参考计算量",
    "peak_tflops_per_device_claim": "单卡峰值",
    "implied_achieved_tflops": "隐含单卡模型速率（TFLOP/s）",
    "implied_hardware_tflops": "隐含单卡硬件速率（TFLOP/s）",
    "implied_mfu": "隐含 MFU",
    "implied_price_per_device_hour": "隐含每卡时价格（美元）",
    "implied_power_watts": "隐含单卡功率（W）",
    "implied_tokens": "隐含词元数",
    "implied_carbon_kg_per_kwh": "隐含碳强度（kg/kWh）",
    "mode": "模式",
    "devices": "设备数",
    "weights_bytes": "每设备权重",
    "gradients_bytes": "每设备梯度",
    "optimizer_bytes": "每设备优化器状态",
    "activations_bytes": "每设备激活",
    "activations_need": "激活所需的形状参数",
    "kv_cache_bytes": "每设备 KV 缓存",
    "kv_cache_bytes_per_token": "每词元 KV 缓存",
    "total_bytes_per_device": "每设备合计",
    "device_memory_bytes": "单卡显存",
    "fits": "放得下",
    "min_devices": "最少设备数",
    "fit": "缩放拟合",
    "loss_fit": "损失拟合",
    "loss": "预测损失",
    "tokens_per_param": "每参数词元数",
    "optimal_params": "计算最优参数量",
    "optimal_tokens": "计算最优词元数",
    "optimal_loss": "最低损失",
    "compute_ratio": "算力之比",
    "equal_loss_flops": "同损失的最优计算量",
    "loss_gap": "损失差",
    "unverified": "未核实",
    "id": "id",
    "vendor": "厂商",
    "memory_gb": "显存（GB）",
    "tdp_watts": "TDP 功耗（W）",
    # The parts every result has (the CLI shows them in their own sections).
    "steps": "推导步骤",
    "assumptions": "所用假设",
    "summary": "摘要",
    "language": "语言",
    "formula": "公式",
    "inputs": "代入值",
    "value": "值",
    "text": "代入后的算式",
    "symbol": "符号",
    "meaning": "含义",
    # compare_gpus
    "sort_by": "排序依据",
    "skipped": "未比较的型号",
    "state_bytes_per_device": "每设备模型状态（ZeRO-3）",
    "fits_memory": "模型状态放得下",
    "meets_deadline": "按期完成",
    "reason": "原因",
    # plan_cluster_training
    "system": "集群系统",
    "global_batch": "全局批大小（序列）",
    "seq_len": "序列长度",
    "layout": "并行布局",
    "step_seconds": "每步时间（秒）",
    "breakdown_seconds": "每步时间构成（秒）",
    "compute": "计算",
    "tp_comm": "张量并行通信",
    "cp_comm": "上下文并行通信",
    "pp_comm": "流水线并行通信",
    "ep_comm": "专家并行全对全通信（MoE）",
    "dp_comm": "数据并行通信（未被掩盖部分）",
    "bubble": "流水线气泡",
    "optimizer": "优化器步",
    "gemm_fraction": "矩阵乘可达峰值比例",
    "tokens_per_s": "吞吐（词元/秒）",
    "tokens_per_s_per_device": "单卡吞吐（词元/秒）",
    "model_tflops_per_device": "单卡模型速率（TFLOP/s）",
    "hardware_tflops_per_device": "单卡硬件速率（TFLOP/s，含重计算）",
    "memory_gb_per_device": "每设备显存占用（GB）",
    "device_memory_gb": "单卡显存（GB）",
    "searched": "是否搜索布局",
    "layouts_tried": "尝试的布局数",
    "rejected": "被排除的布局（按原因）",
    "ranked": "布局排名",
    "advice": "建议",
    "tensor_parallel": "张量并行度",
    "pipeline_parallel": "流水线并行度",
    "data_parallel": "数据并行度",
    "context_parallel": "上下文并行度",
    "expert_parallel": "专家并行度（MoE）",
    "virtual_stages": "每设备虚拟流水段",
    "micro_batch": "微批大小",
    "zero_stage": "ZeRO 阶段",
    "sequence_parallel": "序列并行",
    "label": "布局",
    # plan_compute_optimal
    "fit_source": "拟合出处",
    "optimal_tokens_per_param": "计算最优的每参数词元数",
    "tokens_per_param_vs_optimal": "每参数词元数与最优之比",
    "alternatives": "其他拟合下的最优解",
    # estimate_inference
    "context": "上下文长度",
    "batch": "批大小",
    "flops_per_token": "每词元前向计算量",
    "memory_bytes_per_device": "每设备显存占用",
    "prefill_tokens_per_s": "预填充吞吐（词元/秒）",
    "prefill_bound": "预填充瓶颈",
    "decode_tokens_per_s": "解码吞吐（词元/秒，整批）",
    "decode_bound": "解码瓶颈",
    "decode_tokens_per_s_per_sequence": "单序列解码速度（词元/秒）",
    "cost_usd_per_million_tokens": "每百万生成词元费用（美元）",
    "prefill_cost_usd_per_million_tokens": "每百万预填充词元费用（美元）",
    # count_tokens
    "bytes": "字节数",
    "files": "文件数",
    "encoding": "编码",
    "encoding_sha256": "编码文件 sha256",
    "tokens_per_byte": "每字节词元数",
    "interval_low": "95% 区间下限",
    "interval_high": "95% 区间上限",
    "confidence": "置信水平",
    "sampled_bytes": "抽样字节数",
    "sampled_chunks": "抽样块数",
    "population_chunks": "总块数",
    "seed": "随机种子",
    "by_type": "按文件类型",
    "skipped_binary_files": "跳过的二进制文件数",
    "skipped_binary_bytes": "跳过的二进制字节数",
    "skipped_files": "跳过的文件数",
    "excluded_files": "被 include/exclude 排除的文件数",
    "files_with_invalid_utf8": "含无效 UTF-8 的文件数",
    "forced_splits": "强制切分次数",
    "workers": "工作进程数",
    "type": "文件类型",
    # explain_flops
    "topic": "主题",
    "title": "标题",
    "markdown": "讲解",
    "sources": "出处",
    "url": "链接",
    "retrieved": "读取日期",
    # list_hardware and list_models
    "entries": "条目",
    "kind": "类别",
    "form_factor": "形态",
    "launch_year": "发布年份",
    "training": "适合训练",
    "memory_bandwidth_gb_s": "显存带宽（GB/s）",
    "peak_tflops": "稠密峰值（TFLOP/s）",
    "sparsity_2to4": "2:4 稀疏峰值",
    "price_provider": "价格来源",
    "price_basis": "价格基准（云厂商）",
    "off_basis": "不在价格基准上的行",
    "matched_price_quote": "原文费用对应的报价",
    "price_quote_range": "报价区间（美元/卡时）",
    "price_date": "价格日期",
    "aliases": "别名",
    "notes": "备注",
    "family": "系列",
    "layers": "层数",
    "d_model": "隐藏维度",
    "heads": "注意力头数",
    "kv_heads": "KV 头数",
    "head_dim": "每头维度",
    "d_ff": "前馈层维度",
    "vocab": "词表大小",
    "published_flops": "论文给出的训练计算量",
    "fields": "支持的字段",
}


#: Where one result means a field otherwise (by result model): count_tokens' tokens are counted.
MODEL_FIELD_MEANINGS: dict[str, dict[str, str]] = {
    "TokenCount": {"tokens": "词元数", "mode": "计数方式"},
    "TokenTypeCount": {"tokens": "词元数"},
}


def field_meaning(name: str, model: str | None = None) -> str | None:
    """The Chinese meaning of a result field (in result model `model`), or None if none yet."""
    return MODEL_FIELD_MEANINGS.get(model or "", {}).get(name) or FIELD_MEANINGS.get(name)
