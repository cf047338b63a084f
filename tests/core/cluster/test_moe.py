"""Hand calculations of the mixture-of-experts terms: layer FLOPs, expert GEMM size, EP
all-to-all, expert sharding in memory and DP, the EP rules and the search."""

from __future__ import annotations

import dataclasses

import pytest

from flopcast.cluster.compute import (
    ModelShape,
    expert_gemm_flops,
    layer_flops,
    model_forward_flops,
)
from flopcast.cluster.layout import Layout, check_layout
from flopcast.cluster.plan import plan_cluster_training
from flopcast.cluster.search import layout_memory_bytes
from flopcast.cluster.step import Overlaps, step_time
from flopcast.cluster.systems import GemmCurve, resolve_system
from flopcast.numbers.errors import InvalidInputError

#: Mixtral 8x7B (Jiang et al. 2024, Table 1): dim 4096, 32 layers, 32 heads of 128, 8 KV heads,
#: SwiGLU experts of width 14336, 8 experts, top-2, vocabulary 32000; here at 4096 tokens.
MIXTRAL = ModelShape(46.7e9, 32, 4096, 32, 8, 128, 14336, True, 32000, 4096, experts=8,
                     experts_per_token=2, moe_layers=32)
CURVE = GemmCurve(0.8, 1e11, 0.5, "test", "")


def _system(**kw):
    return dataclasses.replace(resolve_system("dgx-h100"), scale_up_latency_s=0.0,
                               scale_out_latency_s=0.0, **kw)


# ------------------------------------------------------------------ FLOPs


def test_mixtral_moe_layer_flops_by_hand():
    f = layer_flops(MIXTRAL, 1)
    # 4096 tokens, each through 2 experts of 3 matrices 4096 × 14336, 2 FLOPs per multiply-add:
    # 2 · 4096 · 2 · 4096 · 14336 · 3 = 2,886,218,022,912
    assert f.routed == 2_886_218_022_912
    # + the router, 4096 × 8: 2 · 4096 · 4096 · 8 = 268,435,456 (no shared expert)
    assert f.moe == 2_886_218_022_912 + 268_435_456
    # Q (32 × 128), K and V (8 × 128 each) and the output projection:
    # 2 · 4096 · 4096 · (4096 + 2048) + 2 · 4096 · 4096 · 4096 = 343,597,383,680
    assert f.projections == 343_597_383_680
    # the whole model's forward per sequence: 32 MoE layers + non-causal scores 4·s²·a·d_h
    total, attn = model_forward_flops(MIXTRAL)
    assert attn == 32 * 4 * 4096**2 * 4096
    assert total == 32 * (343_597_383_680 + 2_886_486_458_368) + attn


def test_mixtral_flops_per_token_match_its_active_parameters():
    # Cross-check: 2 FLOPs per active weight and token (Kaplan et al. 2020, Table 1), the
    # paper's 12.9B active less the 2 × 32000 × 4096 embedding and output tables, within 1%.
    total, attn = model_forward_flops(MIXTRAL)
    per_token = (total - attn) / 4096
    assert per_token == pytest.approx(2 * (12.9e9 - 2 * 32000 * 4096), rel=0.01)


def test_dense_first_layers_and_shared_experts_are_counted():
    # DeepSeek-style: 3 dense layers of width 18432, then MoE layers with 1 shared expert.
    ds = ModelShape(1e9, 4, 1024, 8, 8, 128, 256, True, 1000, 128, experts=16,
                    experts_per_token=4, shared_d_ff=256, moe_layers=1, dense_d_ff=2048)
    f = layer_flops(ds, 1)
    t, h = 128, 1024
    assert f.dense - f.projections == 2 * t * h * 2048 * 3
    assert f.moe == 2 * t * h * (4 * 256 * 3 + 256 * 3 + 16)
    total, attn = model_forward_flops(ds)
    assert total == 3 * f.dense + (f.projections + f.moe) + attn


def test_expert_gemm_rows_are_tokens_times_k_times_ep_over_experts():
    # b·s = 4096 tokens, top-2 of 8: 1024 rows per expert without EP, 8192 with EP 8.
    assert expert_gemm_flops(MIXTRAL, 1) == 2 * 1024 * 4096 * 14336
    assert expert_gemm_flops(MIXTRAL, 1, ep=8) == 2 * 8192 * 4096 * 14336
    # smaller GEMMs run further from peak: DeepSeek-V3's 256 experts, top-8, 4096 tokens
    ds = dataclasses.replace(MIXTRAL, d_model=7168, d_ff=2048, experts=256, experts_per_token=8)
    rows = 4096 * 8 / 256  # 128
    assert expert_gemm_flops(ds, 1) == 2 * rows * 7168 * 2048
    assert CURVE.fraction(expert_gemm_flops(ds, 1)) < CURVE.fraction(
        expert_gemm_flops(ds, 1, ep=64))


# ------------------------------------------------------------------ EP all-to-all


def test_ep_all_to_all_by_hand():
    lay = Layout(tp=1, pp=1, dp=8, ep=4, micro_batch=1, zero_stage=1)
    sysm = _system(scale_up_bytes_per_s=100e9)
    st = step_time(MIXTRAL, lay, sysm, peak_flops_per_s=1e15, hbm_bytes_per_s=3e12,
                   curve=CURVE, global_batch=16, microbatches=2, recompute="selective")
    # each rank sends its 4096 tokens × top-2 × 4096 values × 2 bytes = 67,108,864 bytes,
    # 3/4 of it to the other 3 EP ranks, inside the node (EP 4 ≤ 8): 0.50331648 ms per call
    one = 3 / 4 * 67_108_864 / 100e9
    assert st.ep_layer_seconds == pytest.approx(4 * one)  # dispatch + combine, fwd and bwd
    assert st.ep_comm == pytest.approx(2 * 32 * 4 * one)  # m · MoE layers · 4 calls
    assert st.ep_bandwidth == 100e9
    full = step_time(MIXTRAL, lay, sysm, peak_flops_per_s=1e15, hbm_bytes_per_s=3e12,
                     curve=CURVE, global_batch=16, microbatches=2, recompute="full")
    assert full.ep_layer_seconds == pytest.approx(6 * one)  # + the recomputed forward
    hidden = step_time(MIXTRAL, lay, sysm, peak_flops_per_s=1e15, hbm_bytes_per_s=3e12,
                       curve=CURVE, global_batch=16, microbatches=2, recompute="selective",
                       overlaps=Overlaps(ep=0.5))
    assert hidden.ep_comm == pytest.approx(st.ep_comm / 2)


def test_ep_group_beyond_a_node_uses_scale_out():
    lay = Layout(tp=2, pp=1, dp=8, ep=8, micro_batch=1, zero_stage=1)  # spans 16 ranks
    sysm = _system()
    st = step_time(MIXTRAL, lay, sysm, peak_flops_per_s=1e15, hbm_bytes_per_s=3e12,
                   curve=CURVE, global_batch=8, microbatches=1, recompute="none")
    assert st.ep_bandwidth == sysm.scale_out_bytes_per_s
    # per rank: its half of the TP group's tokens, 4096 · 2 · 4096 · 2 bytes / 2
    assert st.ep_layer_seconds == pytest.approx(
        4 * 7 / 8 * 4096 * 2 * 4096 * 2 / 2 / sysm.scale_out_bytes_per_s)


def test_no_ep_no_all_to_all_and_dense_models_have_none():
    st = step_time(MIXTRAL, Layout(1, 1, 8), _system(), peak_flops_per_s=1e15,
                   hbm_bytes_per_s=3e12, curve=CURVE, global_batch=8, microbatches=1)
    assert st.ep_comm == 0.0
    dense = dataclasses.replace(MIXTRAL, experts=0, experts_per_token=0, moe_layers=0)
    st = step_time(dense, Layout(1, 1, 8), _system(), peak_flops_per_s=1e15,
                   hbm_bytes_per_s=3e12, curve=CURVE, global_batch=8, microbatches=1)
    assert st.ep_comm == 0.0 and st.moe_stage_layers == 0


# ------------------------------------------------------------------ memory and DP sharding


def test_expert_states_are_sharded_by_ep():
    # routed experts: 32 layers × 8 experts × 3 × 4096 × 14336 = 45,097,156,608 weights
    assert MIXTRAL.expert_params == 45_097_156_608
    e, rest = 45_097_156_608, 46.7e9 - 45_097_156_608
    for ep in (1, 2, 8):
        mem = layout_memory_bytes(MIXTRAL, Layout(1, 1, 8, ep=ep, zero_stage=1), "full")
        no_states = layout_memory_bytes(dataclasses.replace(MIXTRAL, params=0.0, experts=0),
                                        Layout(1, 1, 8, zero_stage=1), "full")
        # ZeRO-1 in bf16 with Adam: 2 (weights) + 2 (gradients) + 12/shard (fp32 states);
        # the rest over DP 8, the experts over EP and the DP 8/EP ranks that hold them
        states = rest * (4 + 12 / 8) + e / ep * (4 + 12 / (8 / ep))
        assert mem - no_states == pytest.approx(states)


def test_expert_gradients_reduce_over_dp_over_ep():
    lay = Layout(tp=1, pp=1, dp=16, ep=8, micro_batch=1, zero_stage=1)
    sysm = _system()
    st = step_time(MIXTRAL, lay, sysm, peak_flops_per_s=1e15, hbm_bytes_per_s=3e12,
                   curve=CURVE, global_batch=16, microbatches=1)
    # experts: 1/8 of them per rank, all-reduced over 16/8 = 2 ranks 8 apart → two nodes
    grad = 45_097_156_608 / 8 * 2
    assert st.expert_dp_total == pytest.approx(2 * 1 / 2 * grad / sysm.scale_out_bytes_per_s)


# ------------------------------------------------------------------ EP rules


def test_ep_must_divide_dp_cp_and_the_experts():
    with pytest.raises(InvalidInputError, match=r"expert_parallel: 4 does not divide DP × CP = "
                                                r"2; nearest valid: 2 or 1"):
        check_layout(Layout(8, 1, 2, ep=4), devices=16, heads=32, layers=32, seq_len=4096,
                     global_batch=16, experts=8)
    with pytest.raises(InvalidInputError, match=r"3 does not divide the 8 experts; nearest "
                                                r"valid: 2 or 4"):
        check_layout(Layout(1, 1, 12, ep=3), devices=12, heads=32, layers=32, seq_len=4096,
                     global_batch=12, experts=8)
    with pytest.raises(InvalidInputError, match="dense"):
        check_layout(Layout(1, 1, 8, ep=2), devices=8, heads=32, layers=32, seq_len=4096,
                     global_batch=8, experts=0)


def test_tool_refuses_bad_expert_parallel():
    with pytest.raises(InvalidInputError, match=r"expert_parallel: 3 must divide both the 8 "
                                                r"routed experts and the 64 devices; nearest "
                                                r"valid: 2 or 4"):
        plan_cluster_training(model="mixtral-8x7b", count=64, system="dgx-h100",
                              global_batch=256, expert_parallel=3)
    with pytest.raises(InvalidInputError, match=r"expert_parallel: 2 needs a mixture-of-experts "
                                                r"model; this model is dense"):
        plan_cluster_training(model="llama-3.1-8b", count=64, system="dgx-h100",
                              global_batch=256, expert_parallel=2)


# ------------------------------------------------------------------ the tool and the search


def test_search_picks_ep_for_mixtral_where_it_helps():
    args = dict(model="mixtral-8x7b", count=64, system="dgx-h100", global_batch=256,
                seq_len=4096)
    best = plan_cluster_training(**args)
    assert best.layout.expert_parallel > 1
    no_ep = plan_cluster_training(**args, expert_parallel=1)
    assert best.step_seconds < no_ep.step_seconds
    assert best.breakdown_seconds["ep_comm"] > 0
    assert sum(best.breakdown_seconds.values()) == pytest.approx(best.step_seconds)
    assert any("EP all-to-all" in s.name for s in best.steps)


def test_dense_models_search_ep_1_only():
    r = plan_cluster_training(model="llama-3.1-8b", count=64, system="dgx-h100",
                              global_batch=256, top=5)
    assert all(row.expert_parallel == 1 for row in r.ranked)
    assert r.breakdown_seconds["ep_comm"] == 0.0


def test_latent_attention_weights_from_active_params_match_the_released_shapes():
    from flopcast.catalog.models import resolve_model
    from flopcast.cluster.compute import mla_attention_params

    # DeepSeek-V2 (config: hidden 5120, 128 heads, q_lora_rank 1536, kv_lora_rank 512,
    # qk_nope 128 + rope 64, v 128): Q 5120·1536 + 1536·128·192, KV 5120·(512 + 64)
    # + 512·128·(128 + 128), output 128·128·5120 = 149,225,472 weights per layer.
    by_hand = 5120 * 1536 + 1536 * 128 * 192 + 5120 * 576 + 512 * 128 * 256 + 128 * 128 * 5120
    assert by_hand == 149_225_472
    assert mla_attention_params(resolve_model("deepseek-v2")) == pytest.approx(by_hand, rel=0.03)
    # DeepSeek-V3, same attention at hidden 7168: 187,105,280; its active 37B is rounded
    v3 = 7168 * 1536 + 1536 * 128 * 192 + 7168 * 576 + 512 * 128 * 256 + 128 * 128 * 7168
    assert mla_attention_params(resolve_model("deepseek-v3")) == pytest.approx(v3, rel=0.05)
