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
}

#: Patterns for step names that carry a device, precision or figure.
_STEP_PATTERNS: list[tuple[re.Pattern[str], Callable[[re.Match[str]], str]]] = [
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

#: Words inside assumption values and sources, longest first when applied.
_SOURCE_WORDS: dict[str, str] = {
    "bf16, the usual mixed-precision training format": "bf16，常用的混合精度训练格式",
    "not given: one device": "未给出：按一台设备",
    "argument overrides preset": "参数覆盖了预设值",
    "catalog reference on-demand price": "目录中的参考按需价格",
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
