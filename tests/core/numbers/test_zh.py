"""Chinese all the way (issue 13): with language="zh" the step names, scenario names,
assumption words, verdict causes and the CLI's headings and meanings are Chinese; cited paper
titles stay as published."""

from __future__ import annotations

import re

import pytest

import flopcast
from flopcast.cluster.systems import cluster_catalog
from flopcast.numbers.zh import source_text, step_name

_LATIN_WORD = re.compile(r"\b[a-z]{4,}\b")  # an English word (ids and units are shorter/mixed)


def test_every_step_name_of_the_common_tools_is_chinese() -> None:
    results = [
        flopcast.estimate_training(model="gpt-3-175b", hardware="a100", count=1024,
                                   target_days=20, language="zh"),
        flopcast.estimate_training(params="7B", tokens="1T", language="zh"),
        flopcast.estimate_memory(model="llama-2-7b", language="zh"),
        flopcast.plan_compute_optimal(flops=1e24, language="zh"),
        flopcast.check_claim(model="gpt-3-175b", hardware="v100", count=2, years=355,
                             language="zh"),
    ]
    for r in results:
        for step in r.steps:
            assert not _LATIN_WORD.search(step.name), step.name


def test_scenario_names_are_chinese_in_the_result_and_the_summary() -> None:
    r = flopcast.estimate_training(model="gpt-3-175b", hardware="a100", count=1024,
                                   language="zh")
    assert [s.name for s in r.scenarios] == ["低", "典型", "高"]
    assert "低 21.3%" in r.summary and "low" not in r.summary


def test_assumption_words_are_chinese_and_titles_stay_as_published() -> None:
    assert source_text("bf16, the usual mixed-precision training format") == (
        "bf16，常用的混合精度训练格式")
    # A quoted paper title is kept as published.
    quoted = "not given 'Carbon Emissions and Large Neural Network Training'"
    assert source_text(quoted) == "未给出 'Carbon Emissions and Large Neural Network Training'"
    r = flopcast.estimate_training(params="7B", tokens="1T", hardware="a100", count=8,
                                   language="zh")
    sources = {a.name: a.source for a in r.assumptions}
    assert sources["precision"] == "bf16，常用的混合精度训练格式"
    assert sources["count"] if "count" in sources else True


def test_english_results_are_untouched() -> None:
    r = flopcast.estimate_training(model="gpt-3-175b", hardware="a100", count=1024)
    assert r.steps[-1].name == "CO2" and [s.name for s in r.scenarios][0] == "low"
    assert step_name("unknown step") == "unknown step"


def test_check_claim_causes_are_chinese() -> None:
    r = flopcast.check_claim(model="gpt-3-175b", flops=3.114e23, language="zh")
    assert "（笔误）" in r.summary and "digit_typo" not in r.summary


def test_cli_headings_meanings_and_verdicts_are_chinese(
        capsys: pytest.CaptureFixture[str]) -> None:
    from flopcast.tools.cli import main

    assert main(["claim", "--model", "gpt-3-175b", "--flops", "3.114e23", "--lang", "zh"]) == 0
    out = capsys.readouterr().out
    assert "核对公开或引用的算力说法" in out  # the tool's title
    assert "模型训练计算量（不含重计算）" in out  # the meaning of `flops`
    assert "有误" in out and " off " not in out
    assert "Check a published" not in out


def test_instruction_set_rows_are_chinese() -> None:
    r = flopcast.explain_flops(topic="peak_derivation", language="zh")
    rows = [line for line in r.markdown.splitlines() if line.startswith("| ")][1:8]
    assert rows and all("（" in row for row in rows)
    assert not any("per cycle" in row or "without FMA" in row for row in rows)


def test_a_small_token_count_is_not_repeated() -> None:
    # 2,001 tokens: "（约 2,001）" after "2,001 个 token" would say the same number twice.
    r = flopcast.count_tokens(text="hello " * 2000, language="zh")
    assert r.summary.startswith(f"**{r.tokens:,} 个 token**（o200k_base")
    assert "（约" not in r.summary


# --- A sweep over every tool in Chinese (issue 13): no step name without a Chinese character,
# no run of three or more English words in an assumption outside quotes and citations.

_CJK = re.compile(r"[\u4e00-\u9fff]")
_QUOTED = re.compile(r"('[^']*'|\"[^\"]*\")")
_ENGLISH_RUN = re.compile(r"[A-Za-z][A-Za-z'\-]*(?:[ ,]+[A-Za-z][A-Za-z'\-]*){2,}")
# Published names and citation words that may stay as written.
_ALLOWED = (
    "et al", "Table", "Fig", "Figure", "App", "Appendix", "arXiv", "NVIDIA", "Intel Core",
    "InfiniBand", "Megatron-LM", "Calculon", "Llama", "LLaMA", "Herd of Models", "Besiroglu",
    "Carbon footprint", "Training Compute-Optimal Large Language Models", "Chinchilla Scaling",
    "Efficiently Scaling Transformer Inference", "Cochran", "Sampling Techniques",
    "Amazon EC2", "On-Demand pricing", "Lambda", "layers", "heads", "key/value size",
    "feed-forward", "tokens", "context", "params", "caption", "ZeRO", "BF16 MFU",
    "Narayanan", "Korthikanti", "Isaev", "Pope", "Dao", "Brown", "Hoffmann", "Kaplan",
    "Touvron", "Rajbhandari", "Chowdhery", "Shoeybi", "NVLink", "NVSwitch", "ConnectX",
    "HGX", "DGX", "into", "in api-evangelist", "abstract", "paper", "A replication attempt",
    "Erdil", "Barnett", "You", "on-demand cloud pricing", "on-demand instance pricing",
    "Cloud TPU pricing page", "Cliff Center research note", "INFER forecasting question",
    "CoreWeave pricing", "Google Cloud", "Vultr", "MI300X rate", "Cloud TPU pricing",
    "AMD Instinct", "Intel Xeon Platinum", "Google TPU", "Blackwell GPU in GB200",
    "RunPod GPU pricing", "Trillium GA announcement", "Infinity Fabric", "Microsoft Azure",
)


def _zh_results() -> list[object]:
    z = {"language": "zh"}
    out: list[object] = []
    for m in ("gpt-3-175b", "llama-2-7b", "chinchilla-70b"):
        for hw in ("a100", "h100", "v100"):
            out.append(flopcast.estimate_training(model=m, hardware=hw, count=64,
                                                  target_days=30, **z))
        out.append(flopcast.compare_gpus(model=m, count=256, **z))
        for system in ("dgx-a100", "dgx-h100"):
            out.append(flopcast.plan_cluster_training(model=m, count=1024, system=system,
                                                      global_batch=1024, **z))
        for mode in ("training", "inference"):
            out.append(flopcast.estimate_memory(model=m, mode=mode, **z))
        for hw in ("a100", "h100"):
            out.append(flopcast.estimate_inference(model=m, hardware=hw, **z))
        out.append(flopcast.check_claim(model=m, hardware="a100", count=1024, days=30,
                                        cost_usd=5e6, energy_kwh=1e6, co2_kg=4e5, **z))
    for method in ("kaplan", "chinchilla", "megatron", "palm"):
        for recompute in ("selective", "full"):
            out.append(flopcast.estimate_training(model="llama-2-7b", method=method,
                                                  recompute=recompute, hardware="h100",
                                                  count=8, **z))
    for m in ("mixtral-8x7b", "deepseek-v3"):  # mixture of experts: EP all-to-all steps
        out.append(flopcast.plan_cluster_training(model=m, count=2048, system="dgx-h100",
                                                  global_batch=2048, **z))
    for sid, entry in cluster_catalog().systems.items():  # every cluster preset's links
        v100 = entry.hardware.startswith("nvidia-v100")
        n = max(1024, 2 * entry.devices_per_node)
        out.append(flopcast.plan_cluster_training(
            model="gpt-3-175b" if v100 else "llama-3.1-70b", count=n, system=sid,
            global_batch=n, precision="fp16" if v100 else "bf16", **z))
    out.append(flopcast.plan_cluster_training(model="llama-3.1-70b", count=64, hardware="b200",
                                              global_batch=256, **z))  # the default preset
    out.append(flopcast.estimate_memory(params="7B", **z))
    for name in ("gpt2", "GPT-2"):  # the spellings whose note says which GPT-2 was chosen
        out.append(flopcast.estimate_training(model=name, tokens="10B", hardware="a100", **z))
        out.append(flopcast.estimate_memory(model=name, mode="inference", **z))
    out.append(flopcast.check_claim(model="gpt-2", flops="1.5e22", **z))
    out.append(flopcast.count_tokens(text="x", encoding="cl100k_base", **z))
    out.append(flopcast.plan_compute_optimal(flops=1e24, **z))
    out.append(flopcast.plan_compute_optimal(hardware="h100", count=1024, days=30, **z))
    for topic in ("flops_units", "peak_derivation", "benchmarks", "training_flops", "mfu_hfu",
                  "precision_sparsity"):
        for hw in (None, "h100", "i9-14900k"):
            out.append(flopcast.explain_flops(topic=topic, hardware=hw, **z))
    out.append(flopcast.count_tokens(text="hello world 你好", **z))
    for entry in flopcast.list_hardware().entries:  # every device's own notes and quotes
        out.append(flopcast.estimate_training(params="7B", tokens="1T", hardware=entry.id,
                                              count=8, **z))
    return out


def _english_runs(text: str) -> list[str]:
    outside = _QUOTED.sub("", text)
    for name in sorted(_ALLOWED, key=len, reverse=True):  # a published name breaks a run
        outside = re.sub(rf"\b{re.escape(name)}\b", "·", outside)
    return _ENGLISH_RUN.findall(outside)


def test_every_tool_in_chinese_has_no_english_step_names_or_assumption_words() -> None:
    bad_steps: set[str] = set()
    bad_words: set[str] = set()
    for r in _zh_results():
        for step in getattr(r, "steps", None) or ():
            if not _CJK.search(step.name):
                bad_steps.add(step.name)
        for a in getattr(r, "assumptions", None) or ():
            for text in (a.value, a.source):
                bad_words.update(_english_runs(str(text)))
    assert not bad_steps, sorted(bad_steps)
    assert not bad_words, sorted(bad_words)


@pytest.mark.parametrize(("english", "chinese"), [
    ("step time", "每步时间"),
    ("optimizer step", "优化器更新"),
    ("layer GEMM time per micro-batch", "每个微批次的层内 GEMM 时间"),
    ("hardware TFLOP/s per device (as Megatron-LM logs it, Eq. 3)",
     "单卡硬件 TFLOP/s（按 Megatron-LM 日志口径，Eq. 3）"),
    ("NVIDIA H100 SXM5 80 GB: bf16 / fp64 peak", "NVIDIA H100 SXM5 80 GB：bf16 峰值 / fp64 峰值"),
    ("Megatron-LM 1T (activation recompute): achieved / peak",
     "Megatron-LM 1T（激活重计算）：实际 / 峰值"),
    ("GPU-hours for GPT-3 on NVIDIA H100 SXM5 80 GB, 6·N·D at MFU 0.4",
     "GPT-3 在 NVIDIA H100 SXM5 80 GB 上的卡时（6·N·D，MFU 0.4）"),
    ("attention share of GPT-3 training FLOPs", "注意力在 GPT-3 训练 FLOPs 中的占比"),
])
def test_step_names_written_out(english: str, chinese: str) -> None:
    assert step_name(english) == chinese


@pytest.mark.parametrize(("english", "chinese"), [
    ("not modelled; real runs lose more (Llama 3 §3.3.4: 466 interruptions in 54 days)",
     "未建模；实际训练损失更多 (Llama 3 §3.3.4: 466 次中断，历时 54 天）"),
    ("25 GB/s per device per direction, 20 µs per call",
     "25 GB/s 每设备每方向, 20 µs 每次调用"),
    ("every catalog entry marked as a training accelerator", "目录中标为训练加速器的所有条目"),
    ("one sequence at a time; larger batches share each weight read and cut the cost per token",
     "一次一个序列；更大的批次共享每次权重读取，降低每词元费用"),
    ("training context of the preset llama-2-7b", "预设的训练上下文长度：llama-2-7b"),
])
def test_assumption_words_written_out(english: str, chinese: str) -> None:
    assert source_text(english) == chinese


def test_plan_cluster_training_in_chinese_and_english() -> None:
    zh = flopcast.plan_cluster_training(model="gpt-3-175b", count=1024, system="dgx-a100",
                                        global_batch=1024, language="zh")
    en = flopcast.plan_cluster_training(model="gpt-3-175b", count=1024, system="dgx-a100",
                                        global_batch=1024)
    names = [s.name for s in zh.steps]
    assert "每步时间" in names and "step time" not in names
    assert "step time" in [s.name for s in en.steps]
    ignored = {a.name: a.value for a in en.assumptions}["ignored"]
    assert "stragglers and slow nodes" in ignored
