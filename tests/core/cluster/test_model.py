"""Hand calculations of every formula of the cluster model, and its errors."""

from __future__ import annotations

import dataclasses

import pytest

from flopcast.cluster.collectives import (
    all_gather_seconds,
    all_reduce_seconds,
    all_to_all_seconds,
    p2p_seconds,
    reduce_scatter_seconds,
)
from flopcast.cluster.compute import ModelShape, layer_flops, nonmatmul_bytes, pass_counts
from flopcast.cluster.layout import Layout, check_layout, stage_layers
from flopcast.cluster.plan import plan_cluster_training
from flopcast.cluster.search import layout_memory_bytes
from flopcast.cluster.step import ADAM_BYTES_PER_PARAM, Overlaps, step_time
from flopcast.cluster.systems import (
    GemmCurve,
    cluster_catalog,
    gemm_curve,
    load_cluster_text,
    resolve_system,
)
from flopcast.numbers.errors import InvalidInputError

GPT = ModelShape(params=1.0e9, layers=4, d_model=1024, heads=16, kv_heads=16, head_dim=64,
                 d_ff=4096, gated=False, vocab=50000, seq_len=1024)
CURVE = GemmCurve(0.8, 1e11, 0.5, "test", "")


# ------------------------------------------------------------------ collectives (NCCL-tests)

def test_collectives_by_hand():
    assert all_reduce_seconds(1e9, 4, 10e9) == pytest.approx(2 * 3 / 4 * 1e9 / 10e9)
    assert all_reduce_seconds(1e9, 4, 10e9, 1e-5) == pytest.approx(0.15 + 2 * 3 * 1e-5)
    assert all_reduce_seconds(1e9, 4, 10e9, 1e-5, "tree") == pytest.approx(0.15 + 2 * 2 * 1e-5)
    assert reduce_scatter_seconds(1e9, 4, 10e9) == pytest.approx(0.075)
    assert all_gather_seconds(1e9, 4, 10e9) == pytest.approx(0.075)
    assert all_to_all_seconds(1e9, 4, 10e9, 1e-5) == pytest.approx(1e-5 + 0.075)
    assert p2p_seconds(1e9, 10e9, 1e-5) == pytest.approx(0.1 + 1e-5)
    assert all_reduce_seconds(1e9, 1, 10e9, 1.0) == 0.0


# ------------------------------------------------------------------ compute

def test_layer_flops_gpt_shape_is_narayanan_appendix():
    f = layer_flops(GPT, 2)
    b, s, h = 2, 1024, 1024
    assert f.dense == pytest.approx(24 * b * s * h * h)
    assert f.attention == f.attention_counted == pytest.approx(4 * b * s * s * h)
    assert f.logits == pytest.approx(2 * b * s * h * 50000)
    assert f.largest_gemm == pytest.approx(2 * b * s * h * 4096)
    assert layer_flops(GPT, 2, causal_skip=True).attention == pytest.approx(2 * b * s * s * h)
    assert layer_flops(GPT, 2, cp=2).dense == pytest.approx(f.dense / 2)


def test_layer_flops_gqa_swiglu():
    shape = dataclasses.replace(GPT, kv_heads=4, gated=True)
    f = layer_flops(shape, 1)
    T, h = 1024, 1024
    qkv, out, ffn = 2 * T * h * (16 + 8) * 64, 2 * T * h * h, 2 * T * h * 4096 * 3
    assert f.dense == pytest.approx(qkv + out + ffn)


def test_pass_counts_and_nonmatmul_bytes():
    assert pass_counts("full") == (4, 4)
    s, b, h, a, t = 1024, 2, 1024, 16, 2
    # Korthikanti Table 2, TP without SP, no scores stored (flash): s·b·h·(10 + 24/t)
    expected = 2 * s * b * h * (10 + 24 / t)
    assert nonmatmul_bytes(GPT, b, tp=t, cp=1, sequence_parallel=False,
                           flash_attention=True) == pytest.approx(expected)
    with_scores = 2 * s * b * h * (10 + 24 / t + 5 * a * s / (h * t))
    assert nonmatmul_bytes(GPT, b, tp=t, cp=1, sequence_parallel=False,
                           flash_attention=False) == pytest.approx(with_scores)


def test_gemm_curve_by_hand():
    assert CURVE.fraction(3e11) == pytest.approx(0.8 * 3e11 / 4e11)
    c = gemm_curve("nvidia-a100-sxm4-80gb", 312e12)
    assert c.calibrated_on == "ampere"
    assert "not calibrated" in gemm_curve("nvidia-h100-sxm5-80gb", 989e12).calibrated_on


# ------------------------------------------------------------------ step

def _system():
    return dataclasses.replace(resolve_system("dgx-a100"), scale_up_latency_s=0.0,
                               scale_out_latency_s=0.0)


def test_single_device_step_by_hand():
    lay = Layout(tp=1, pp=1, dp=1, micro_batch=2, zero_stage=0)
    peak, hbm = 100e12, 1e12
    st = step_time(GPT, lay, _system(), peak_flops_per_s=peak, hbm_bytes_per_s=hbm,
                   curve=CURVE, global_batch=8, microbatches=4, recompute="none",
                   flash_attention=False, overlaps=Overlaps(dp=0.0))
    f = layer_flops(GPT, 2)
    e = CURVE.fraction(f.largest_gemm)
    gemm = 3 * (f.dense + f.attention) / (peak * e)
    elem = 3 * nonmatmul_bytes(GPT, 2, tp=1, cp=1, sequence_parallel=False,
                               flash_attention=False) / (hbm * 0.5)
    logits = 3 * f.logits / (peak * CURVE.fraction(f.logits))
    opt = GPT.params * ADAM_BYTES_PER_PARAM / (hbm * 0.5)
    assert st.seconds == pytest.approx(4 * (4 * (gemm + elem) + logits) + opt)
    assert st.bubble == st.tp_comm == st.dp_comm == st.pp_comm == 0


def test_fp8_linear_layers_with_bf16_attention_and_output_head_by_hand():
    # FP8: the linear layers at the FP8 peak (here 200 TFLOP/s), the attention scores and the
    # output head at the BF16 one (100 TFLOP/s), as Megatron-Core and DeepSeek-V3 run them.
    lay = Layout(tp=1, pp=1, dp=1, micro_batch=2, zero_stage=0)
    fp8, bf16, hbm = 200e12, 100e12, 1e12
    st = step_time(GPT, lay, _system(), peak_flops_per_s=fp8, hbm_bytes_per_s=hbm,
                   curve=CURVE, global_batch=8, microbatches=4, recompute="none",
                   flash_attention=False, overlaps=Overlaps(dp=0.0),
                   attention_peak_flops_per_s=bf16)
    b, s, h = 2, 1024, 1024
    dense, scores, logits = 24 * b * s * h * h, 4 * b * s * s * h, 2 * b * s * h * 50000
    e = 0.8 * (2 * b * s * h * 4096) / (2 * b * s * h * 4096 + 1e11)
    gemm = 3 * dense / (fp8 * e) + 3 * scores / (bf16 * e)
    head = 3 * logits / (bf16 * 0.8 * logits / (logits + 1e11))
    elem = 3 * nonmatmul_bytes(GPT, 2, tp=1, cp=1, sequence_parallel=False,
                               flash_attention=False) / (hbm * 0.5)
    opt = GPT.params * ADAM_BYTES_PER_PARAM / (hbm * 0.5)
    assert st.seconds == pytest.approx(4 * (4 * (gemm + elem) + head) + opt)
    assert st.attention_peak == bf16
    # Without the BF16 peak every GEMM runs at the FP8 one: faster.
    all_fp8 = step_time(GPT, lay, _system(), peak_flops_per_s=fp8, hbm_bytes_per_s=hbm,
                        curve=CURVE, global_batch=8, microbatches=4, recompute="none",
                        flash_attention=False, overlaps=Overlaps(dp=0.0))
    assert all_fp8.seconds < st.seconds and all_fp8.attention_peak == fp8


def test_plan_in_fp8_says_which_work_stays_in_bf16():
    plan = plan_cluster_training(model="llama-3-8b", count=8, system="dgx-h100",
                                 global_batch=128, precision="fp8", tensor_parallel=1,
                                 pipeline_parallel=1)
    assert any(a.name == "FP8 layers" and "attention scores" in a.value
               for a in plan.assumptions)
    step = next(s for s in plan.steps if s.name.startswith("layer GEMM time"))
    assert "peak_bf16" in step.formula
    # H100 SXM: 989.4 dense BF16 TFLOP/s (datasheet), the peak the attention scores run at.
    assert dict((i.symbol, i.value) for i in step.inputs)["peak_bf16"] == pytest.approx(989.4e12,
                                                                                       rel=1e-3)
    bf16 = plan_cluster_training(model="llama-3-8b", count=8, system="dgx-h100",
                                 global_batch=128, precision="bf16", tensor_parallel=1,
                                 pipeline_parallel=1)
    assert not any(a.name == "FP8 layers" for a in bf16.assumptions)


def test_bubble_tp_and_dp_terms_by_hand():
    shape = dataclasses.replace(GPT, layers=8)
    lay = Layout(tp=8, pp=4, dp=2, vp=2, micro_batch=1, zero_stage=1)
    sysm = _system()
    st = step_time(shape, lay, sysm, peak_flops_per_s=312e12, hbm_bytes_per_s=2e12,
                   curve=CURVE, global_batch=16, microbatches=8, recompute="full",
                   overlaps=Overlaps(dp=0.25))
    assert st.bubble == pytest.approx((4 - 1) / 2 * st.stage_seconds)   # (p−1)/v · t_stage
    assert st.bubble / (8 * st.stage_seconds) == pytest.approx((4 - 1) / (2 * 8))
    one_ar = 2 * 7 / 8 * (1 * 1024 * 1024 * 2) / 300e9
    assert st.tp_comm == pytest.approx(8 * 2 * 6 * one_ar)          # m · L_stage · 6 ARs
    # DP: 2 ranks, 4·8 = 32 ranks apart → different nodes → one all-reduce over IB
    grad = shape.params / 32 * 2
    assert st.dp_total == pytest.approx(2 * 1 / 2 * grad / 25e9)
    assert st.dp_comm == pytest.approx(0.75 * st.dp_total)
    assert st.seconds == pytest.approx(8 * st.stage_seconds + st.bubble + st.dp_comm
                                       + st.optimizer)


# ------------------------------------------------------------------ layout errors

def test_stage_layers_rules():
    assert stage_layers(96, 8, 2) == 12
    assert stage_layers(126, 16, 1) == 8
    assert stage_layers(11, 4, 1) is None


@pytest.mark.parametrize(("layout", "heads", "layers", "argument", "near"), [
    (Layout(tp=8, pp=8, dp=15), 96, 96, "count", "data_parallel 16"),
    (Layout(tp=8, pp=8, dp=16), 100, 96, "tensor_parallel", "10 or 5"),
    (Layout(tp=8, pp=8, dp=16), 96, 100, "pipeline_parallel", "10 or 5"),
    (Layout(tp=8, pp=5, dp=16), 96, 96, "count", "pipeline_parallel"),
    (Layout(tp=8, pp=8, dp=16, micro_batch=4), 96, 96, "global_batch", "1536 or 1600"),
])
def test_layout_errors_name_the_constraint_and_nearest_values(layout, heads, layers, argument,
                                                              near):
    with pytest.raises(InvalidInputError) as e:
        check_layout(layout, devices=1024, heads=heads, layers=layers, seq_len=2048,
                     global_batch=1560 if argument == "global_batch" else 1536)
    assert e.value.argument == argument
    assert near in str(e.value) and "\n" not in str(e.value)


def test_interleaving_needs_microbatches_multiple_of_pp():
    with pytest.raises(InvalidInputError, match="multiple of PP 8"):
        check_layout(Layout(tp=8, pp=8, dp=16, vp=2), devices=1024, heads=96, layers=96,
                     seq_len=2048, global_batch=16 * 12)


def test_tool_refuses_bad_given_degrees_in_one_line():
    with pytest.raises(InvalidInputError, match=r"pipeline_parallel: 7 .* nearest valid: 8 or 4"):
        plan_cluster_training(model="gpt-3-175b", count=1024, system="dgx-a100",
                              tensor_parallel=8, pipeline_parallel=7, global_batch=1536)


def test_no_fit_names_the_smallest_device_count():
    with pytest.raises(InvalidInputError, match="smallest device count .* is 32"):
        plan_cluster_training(model="llama-3.1-70b", count=8, system="dgx-h100",
                              global_batch=64)
    assert plan_cluster_training(model="llama-3.1-70b", count=32, system="dgx-h100",
                                 global_batch=64).count == 32


def test_out_of_range_cluster_argument_is_refused():
    with pytest.raises(InvalidInputError, match="scale_up_gb_s"):
        plan_cluster_training(model="gpt-3-175b", count=1024, system="dgx-a100",
                              global_batch=1536, scale_up_gb_s=1e9)


# ------------------------------------------------------------------ memory and search

def test_search_memory_equals_estimate_memory():
    from flopcast.memory.estimate import estimate_memory

    shape = ModelShape(70e9, 80, 8192, 64, 8, 128, 28672, True, 128256, 4096)
    lay = Layout(tp=8, pp=4, dp=16, micro_batch=2, zero_stage=1, sequence_parallel=True)
    ours = layout_memory_bytes(shape, lay, "selective")
    theirs = estimate_memory(params=70e9, layers=80, d_model=8192, heads=64, seq_len=4096,
                             micro_batch=2, tensor_parallel=8, pipeline_parallel=4,
                             data_parallel=16, zero_stage=1, sequence_parallel=True,
                             recompute="selective")
    assert ours == pytest.approx(theirs.total_bytes_per_device, rel=1e-9)


def test_search_ranks_and_counts_rejections():
    r = plan_cluster_training(model="llama-3.1-70b", count=512, system="dgx-h100",
                              global_batch=512, top=5)
    assert r.searched and r.layouts_tried > 50
    times = [row.step_seconds for row in r.ranked]
    assert times == sorted(times) and len(times) == 5
    assert r.rejected.get("memory: does not fit", 0) > 0
    assert all(": does not divide" not in reason for reason in r.rejected)
    assert sum(r.breakdown_seconds.values()) == pytest.approx(r.step_seconds)
    assert any("faster than the next" in a for a in r.advice)
    assert r.memory_gb_per_device <= r.device_memory_gb


def test_every_ranked_layout_has_its_step_parts_days_cost_and_energy():
    # GPT-3 (seq 2048) on 1024 A100s, 1536 sequences per step, 300B tokens at $2 per hour.
    r = plan_cluster_training(model="gpt-3-175b", count=1024, system="dgx-a100",
                              global_batch=1536, tokens="300B", price_per_device_hour=2.0, top=4)
    assert r.model == "gpt-3-175b" and len(r.ranked) == 4
    assert r.ranked[0].breakdown_seconds == r.breakdown_seconds
    for row in r.ranked:
        assert sum(row.breakdown_seconds.values()) == pytest.approx(row.step_seconds)
        assert row.tokens_per_s == pytest.approx(1536 * 2048 / row.step_seconds)
        days = 300e9 / (1536 * 2048) * row.step_seconds / 86400
        assert row.days == pytest.approx(days)
        device_hours = days * 24 * 1024
        assert row.cost_usd == pytest.approx(device_hours * 2.0)
        # A100 SXM TDP 400 W (datasheet), PUE 1.1 (the default): kWh = h · W · PUE / 1000.
        assert row.energy_kwh == pytest.approx(device_hours * 400 * 1.1 / 1000)
    assert (r.days, r.cost_usd, r.energy_kwh) == (r.ranked[0].days, r.ranked[0].cost_usd,
                                                  r.ranked[0].energy_kwh)
    assert {"power_watts", "pue"} <= {a.name for a in r.assumptions}
    bare = plan_cluster_training(params="1.3B", layers=24, d_model=2048, heads=16, vocab=50257,
                                 seq_len=2048, count=8, system="dgx-a100", global_batch=64)
    assert bare.model is None
    assert (bare.ranked[0].days, bare.ranked[0].cost_usd, bare.ranked[0].energy_kwh) == (
        None, None, None)


def test_summary_in_chinese_and_assumptions_list_what_is_ignored():
    r = plan_cluster_training(model="gpt-3-175b", count=1024, system="dgx-a100",
                              tensor_parallel=8, pipeline_parallel=8, global_batch=1536,
                              language="zh")
    assert "每步" in r.summary
    ignored = next(a for a in r.assumptions if a.name == "ignored")
    for word in ("故障", "掉队和慢节点", "数据加载", "内核启动间隙"):
        assert word in ignored.value


# ------------------------------------------------------------------ catalog

def test_cluster_catalog_loads_and_every_figure_has_a_source():
    cat = cluster_catalog()
    assert {"dgx-a100", "dgx-h100", "tpu-v5p-pod", "gb200-nvl72"} <= set(cat.systems)
    for link in cat.links.values():
        assert link.source_url.startswith("https://") and link.retrieved
    assert resolve_system("Selene").id == "dgx-a100"
    assert resolve_system("dgx-a100").scale_up_bytes_per_s == 300e9


def test_duplicate_ids_and_unknown_links_fail():
    link = ('[[link]]\nid="x"\nname="x"\ngb_s=1.0\nlatency_us=1.0\nsource_url="u"\n'
            'source_title="t"\nretrieved="d"\nlatency_source="s"\nunverified=false\n')
    with pytest.raises(ValueError, match="duplicate"):
        load_cluster_text(link + link)
    with pytest.raises(InvalidInputError, match="did you mean"):
        resolve_system("dgx-a10")


def test_a_count_with_no_split_says_which_counts_work():
    with pytest.raises(InvalidInputError, match="multiple of 8 or a power of two"):
        plan_cluster_training(model="gpt-3-175b", count=3**7, system="dgx-a100",
                              global_batch=1024)


def test_the_chinese_summary_and_advice_are_in_chinese():
    import re

    import flopcast

    plan = flopcast.plan_cluster_training(model="gpt-3-175b", count=1024, system="dgx-a100",
                                          global_batch=1536, language="zh")
    text = plan.summary
    for identifier in (plan.hardware, plan.system):  # catalog ids stay as they are
        text = text.replace(identifier, "")
    assert not re.search(r"\b[a-z]{3,}[ -][a-z]{3,}\b", text), text  # no English phrase left
    assert "种可行布局中最快" in plan.summary and "微批" in plan.summary
    assert "每步" in plan.summary and "个词元" in plan.summary
    english = flopcast.plan_cluster_training(model="gpt-3-175b", count=1024, system="dgx-a100",
                                             global_batch=1536)
    assert "best of" in english.summary and "micro-batch" in english.summary


def test_cluster_cost_uses_the_provider_quote_and_names_it() -> None:
    # DGX H100 at CoreWeave: HGX H100 $49.24/h ÷ 8 GPUs = $6.155 per GPU-hour.
    import flopcast

    r = flopcast.plan_cluster_training(model="llama-2-7b", count=64, system="dgx-h100",
                                       global_batch=1024, provider="coreweave")
    assert r.cost_usd == pytest.approx(r.device_hours * 49.24 / 8)
    a = next(x for x in r.assumptions if x.name == "price_per_device_hour")
    assert "CoreWeave 2026-09-20" in a.source
