"""Time of one training step on a cluster, and the utilization it implies.

    t_step = (m + (p−1)/v) · t_stage  +  (1 − o_dp) · t_DP  +  t_opt

(t_stage includes, for a mixture of experts, the EP all-to-alls of its MoE layers.)

* t_stage: one micro-batch through the fullest pipeline stage: its layers' compute
  (`flopcast.cluster.compute`), their TP and CP communication, the logits on the last stage, and
  the stage-to-stage sends (2·v per micro-batch, b·s·h values, split over the t TP links with
  Megatron's scatter/gather; Narayanan et al. 2021 §4.1).
* the pipeline bubble (p−1)/v · t_stage: (p−1)/m of the ideal time, (p−1)/(v·m) interleaved
  (Narayanan et al. 2021, arXiv:2104.04473, §2.2).
* TP: per layer and micro-batch, two all-reduces of b·s·h values in the forward pass and two in the
  backward pass (Shoeybi et al. 2019, arXiv:1909.08053, §3; NAR21 §3.2: 8·b·s·h·(t−1)/t), two more
  with full recomputation (the recomputed forward repeats them); sequence parallelism replaces
  each by a reduce-scatter + all-gather of the same volume (Korthikanti et al. 2022 §4.2.2).
* CP: an all-gather of K and V in the forward and a reduce-scatter of their gradients in the
  backward pass (Llama 3 §3.3.2, all-gather based context parallelism), one more all-gather with
  full recomputation.
* DP: gradients (2 bytes per parameter of the device's model-parallel shard) all-reduced over the
  DP·CP ranks (2Ψ per rank); ZeRO-3 gathers the weights again for every micro-batch, 3Ψ per
  micro-batch (Rajbhandari et al. 2020, arXiv:1910.02054, §7). A fraction o_dp overlaps the
  backward pass.
* EP (mixture of experts): per MoE layer and micro-batch, an all-to-all dispatches each token's
  hidden state to its k experts and another combines the results, in the forward pass and again
  in the backward pass (Lepikhin et al. 2020, GShard §2.2 and Fig. 3; Rajbhandari et al. 2022,
  DeepSpeed-MoE §5: two all-to-alls per MoE layer each way), and once more in a recomputed
  forward: 4 calls, 6 with full recompute. Each rank sends its share of the routed tokens,
  T·k·h values (T = b·s/CP tokens, split over the TP ranks); (EP−1)/EP of it leaves the rank.
  EP ranks sit next to TP·CP in the rank order (Megatron-Core's default "tp-cp-ep-dp-pp"), so
  the group spans TP·CP·EP ranks: scale-up links when that fits in a node, else scale-out
  (DeepSeek-V3 §3.2.2 limits each token to 4 nodes to cut this traffic; not modelled). Nothing
  of it is hidden by default (o_EP = 0): DeepSeek-V3's DualPipe overlaps it (§3.2.1), a schedule
  not modelled here. Experts are split by TP as well (Megatron-Core's
  expert_tensor_parallel_size defaults to the TP size); their gradients are all-reduced over
  the DP·CP/EP ranks that hold the same experts.
* FP8: with `precision="fp8"` only the linear layers' GEMMs (projections, feed-forward,
  experts) run at the FP8 peak. The attention scores (QKᵀ and softmax·V) and the output head
  stay 16-bit, at the BF16 peak: Megatron-Core's TransformerConfig has
  `fp8_dot_product_attention = False` by default, and its LM head is not an FP8 layer
  unless asked; DeepSeek-V3 keeps "the output head ... and attention operators" in BF16/FP32
  (DeepSeek-AI 2024, arXiv:2412.19437, §3.3.1).
* t_opt: Adam's update streams ~28 bytes per parameter of the device's shard (fp32 master,
  momentum and variance read and written, 16-bit gradient read and weight written).

Ignored (listed in every result's assumptions): failures and restarts, stragglers, data loading,
kernel launch gaps, network congestion and oversubscription, the embedding's own time and the
imbalance it adds to the first stage.
"""

from __future__ import annotations

from dataclasses import dataclass

from flopcast.cluster.collectives import (
    Algorithm,
    all_gather_seconds,
    all_reduce_seconds,
    all_to_all_seconds,
    p2p_seconds,
    reduce_scatter_seconds,
)
from flopcast.cluster.compute import (
    ModelShape,
    expert_gemm_flops,
    layer_flops,
    model_forward_flops,
    nonmatmul_bytes,
    pass_counts,
)
from flopcast.cluster.layout import Layout, stage_layers
from flopcast.cluster.systems import GemmCurve, System

__all__ = [
    "ADAM_BYTES_PER_PARAM",
    "DP_OVERLAP",
    "Overlaps",
    "StepTime",
    "optimizer_shard_params",
    "step_time",
]

#: Bytes Adam streams per parameter: read fp32 master + m + v (12) and the 16-bit gradient (2),
#: write master + m + v (12) and the 16-bit weight (2). ZeRO §3.1 gives the 16 bytes kept.
ADAM_BYTES_PER_PARAM = 28.0
#: Fraction of the DP gradient reduction hidden behind the backward pass. Calibrated on
#: Narayanan et al. 2021 Table 1 with max_fraction (least squares of the relative error over the
#: ten rows on a 0.01 × 0.25 grid; one constant for every row; see tests/core/cluster).
DP_OVERLAP = 0.75


@dataclass(frozen=True)
class Overlaps:
    """Fractions of each communication hidden behind compute (0 = fully exposed)."""

    tp: float = 0.0
    dp: float = DP_OVERLAP
    cp: float = 0.0
    pp: float = 0.0
    ep: float = 0.0


@dataclass(frozen=True)
class StepTime:
    """One step's time and its parts, seconds; FLOPs as papers count them."""

    seconds: float
    compute: float
    gemm: float
    nonmatmul: float
    tp_comm: float
    cp_comm: float
    pp_comm: float
    dp_comm: float
    ep_comm: float
    bubble: float
    optimizer: float
    microbatches: int
    stage_layers: int
    stage_seconds: float
    gemm_fraction: float
    model_flops: float
    hardware_flops: float
    tokens: float
    devices: int
    tp_bandwidth: float
    dp_bandwidth: float
    dp_total: float
    attention_peak: float = 0.0
    moe_stage_layers: int = 0
    expert_gemm_fraction: float = 0.0
    ep_bandwidth: float = 0.0
    ep_layer_seconds: float = 0.0
    expert_dp_total: float = 0.0

    def tokens_per_s_per_device(self) -> float:
        return self.tokens / self.seconds / self.devices

    def model_flops_per_s_per_device(self) -> float:
        return self.model_flops / self.seconds / self.devices

    def hardware_flops_per_s_per_device(self) -> float:
        return self.hardware_flops / self.seconds / self.devices


def _bw(group_span: int, system: System) -> tuple[float, float]:
    """(bandwidth, latency) of a group spanning `group_span` consecutive ranks."""
    if group_span <= system.devices_per_node:
        return system.scale_up_bytes_per_s, system.scale_up_latency_s
    return system.scale_out_bytes_per_s, system.scale_out_latency_s


def dp_reduce_seconds(size_bytes: float, group: int, stride: int, system: System,
                      algorithm: Algorithm = "ring") -> tuple[float, float]:
    """Gradient all-reduce over `group` DP ranks placed `stride` ranks apart; returns
    (seconds, the bottleneck bandwidth).

    Hierarchical when a node holds several of them (g_in = node size ÷ stride): reduce-scatter
    inside the node, all-reduce of the 1/g_in shard across nodes, all-gather inside the node.

    >>> from flopcast.cluster.systems import resolve_system
    >>> round(dp_reduce_seconds(8e9, 4, 8, resolve_system("dgx-a100"))[0], 3)  # 2·3/4·8e9/25e9
    0.48
    """
    if group <= 1:
        return 0.0, system.scale_up_bytes_per_s
    g_in = max(1, min(group, system.devices_per_node // max(1, stride)))
    while group % g_in:
        g_in -= 1
    if g_in == group:
        return all_reduce_seconds(size_bytes, group, system.scale_up_bytes_per_s,
                                  system.scale_up_latency_s, algorithm), system.scale_up_bytes_per_s
    inner = 2 * reduce_scatter_seconds(size_bytes, g_in, system.scale_up_bytes_per_s,
                                       system.scale_up_latency_s, algorithm)
    outer = all_reduce_seconds(size_bytes / g_in, group // g_in, system.scale_out_bytes_per_s,
                               system.scale_out_latency_s, algorithm)
    return inner + outer, system.scale_out_bytes_per_s


def optimizer_shard_params(shape: ModelShape, lay: Layout) -> float:
    """Parameters whose Adam states one device updates: dense weights over TP·PP (and DP·CP
    with ZeRO), routed experts over TP·PP·EP (and DP·CP/EP with ZeRO)."""
    z = lay.zero_stage >= 1
    experts = shape.expert_params
    return ((shape.params - experts) / (lay.tp * lay.pp) / (lay.dp * lay.cp if z else 1)
            + experts / (lay.tp * lay.pp * lay.ep) / (lay.dp * lay.cp // lay.ep if z else 1))


def step_time(
    shape: ModelShape,
    layout: Layout,
    system: System,
    *,
    peak_flops_per_s: float,
    hbm_bytes_per_s: float,
    curve: GemmCurve,
    global_batch: int,
    microbatches: int,
    recompute: str = "full",
    flash_attention: bool = True,
    overlaps: Overlaps | None = None,
    value_bytes: float = 2.0,
    algorithm: Algorithm = "ring",
    attention_peak_flops_per_s: float | None = None,
) -> StepTime:
    """Predicted time of one step (see the module docstring for every term).

    `microbatches` is m from `flopcast.cluster.layout.check_layout`; the layout must pass it.
    `attention_peak_flops_per_s` is the peak of the attention scores and the output head (the
    BF16 peak when the linear layers run in FP8); default: `peak_flops_per_s`.
    """
    lay = layout
    overlaps = overlaps or Overlaps()
    t, p, v, cp, d, b = lay.tp, lay.pp, lay.vp, lay.cp, lay.dp, lay.micro_batch
    fl = layer_flops(shape, b, cp=cp, causal_skip=flash_attention)
    dense_passes, attn_passes = pass_counts(recompute)
    frac = curve.fraction(fl.largest_gemm / t)
    rate = peak_flops_per_s * frac
    attn_peak = attention_peak_flops_per_s or peak_flops_per_s
    attn = attn_passes * fl.attention / t / (attn_peak * frac)
    gemm = dense_passes * fl.dense / t / rate + attn
    gemm_moe = efrac = ep_layer = 0.0
    ep_bw = 0.0
    if shape.is_moe:
        efrac = curve.fraction(expert_gemm_flops(shape, b, cp=cp, ep=lay.ep) / t)
        gemm_moe = (dense_passes * (fl.projections + fl.moe - fl.routed) / t / rate + attn
                    + dense_passes * fl.routed / t / (peak_flops_per_s * efrac))
        ep_bw, ep_lat = _bw(t * cp * lay.ep, system)
        a2a_bytes = b * shape.seq_len / cp * shape.experts_per_token * shape.d_model \
            * value_bytes / t
        ep_calls = 6 if recompute == "full" else 4
        ep_layer = ep_calls * all_to_all_seconds(a2a_bytes, lay.ep, ep_bw, ep_lat) \
            * (1.0 - overlaps.ep)
    elem_passes = 4 if recompute == "full" else 3
    elem = elem_passes * nonmatmul_bytes(
        shape, b, tp=t, cp=cp, sequence_parallel=lay.sequence_parallel,
        flash_attention=flash_attention) / (hbm_bytes_per_s * curve.hbm_fraction)

    tokens_mb = b * shape.seq_len / cp
    tp_bw, tp_lat = _bw(t, system)
    tp_calls = 6 if recompute == "full" else 4
    tp = tp_calls * all_reduce_seconds(tokens_mb * shape.d_model * value_bytes, t, tp_bw,
                                       tp_lat, algorithm) * (1.0 - overlaps.tp)
    cp_bw, cp_lat = _bw(t * cp, system)
    kv_bytes = 2.0 * b * shape.seq_len * shape.kv_heads * shape.head_dim * value_bytes / t
    cp_calls = 2 if recompute == "full" else 1
    cpc = (cp_calls * all_gather_seconds(kv_bytes, cp, cp_bw, cp_lat, algorithm)
           + reduce_scatter_seconds(kv_bytes, cp, cp_bw, cp_lat, algorithm)) * (1 - overlaps.cp)

    n_stage = stage_layers(shape.layers, p, v) or -(-shape.layers // p)
    logits_rate = attn_peak * curve.fraction(fl.logits / t)
    logits = 3.0 * fl.logits / t / logits_rate
    pp_bw, pp_lat = _bw(t * cp * 2, system) if p > 1 else (1.0, 0.0)
    ppc = 0.0
    if p > 1:
        ppc = 2 * v * p2p_seconds(tokens_mb * shape.d_model * value_bytes / t, pp_bw, pp_lat)
        ppc *= 1.0 - overlaps.pp
    # The fullest stage holds its share of the MoE layers, rounded up.
    n_moe = min(n_stage, -(-n_stage * shape.moe_layers // shape.layers)) if shape.is_moe else 0
    n_dense = n_stage - n_moe
    stage = (n_dense * (gemm + elem + tp + cpc) + n_moe * (gemm_moe + elem + tp + cpc + ep_layer)
             + logits + ppc)
    m = microbatches
    bubble = (p - 1) / v * stage

    # Dense weights are replicated over the DP·CP ranks; routed experts over DP·CP/EP ranks.
    expert_dev = shape.expert_params / (t * p * lay.ep)
    psi_dev = (shape.params - shape.expert_params) / (t * p)
    dp_group = d * cp
    dp_total, dp_bw = dp_reduce_seconds(psi_dev * value_bytes, dp_group, t * cp * p, system,
                                        algorithm)
    edp_total = 0.0
    if expert_dev:
        edp_total, _ = dp_reduce_seconds(expert_dev * value_bytes, dp_group // lay.ep,
                                         t * cp * lay.ep, system, algorithm)
    if lay.zero_stage >= 3:
        # ZeRO-3 gathers the weights in every micro-batch's forward and backward pass and
        # reduce-scatters its gradients: 3 × (d−1)/d × Ψ per micro-batch (ZeRO §7, 3Ψ).
        dp_total *= 1.5 * microbatches
        edp_total *= 1.5 * microbatches
    dp = (1.0 - overlaps.dp) * (dp_total + edp_total)
    opt = optimizer_shard_params(shape, lay) * ADAM_BYTES_PER_PARAM / (
        hbm_bytes_per_s * curve.hbm_fraction)
    seconds = m * stage + bubble + dp + opt

    fwd_layers, attn_counted = model_forward_flops(shape)
    model = global_batch * 3.0 * (fwd_layers + layer_flops(shape, 1).logits)
    extra = {"full": fwd_layers, "selective": attn_counted}.get(recompute, 0.0)
    return StepTime(
        seconds=seconds,
        compute=m * (n_dense * (gemm + elem) + n_moe * (gemm_moe + elem) + logits),
        gemm=m * (n_dense * gemm + n_moe * gemm_moe + logits), nonmatmul=m * n_stage * elem,
        tp_comm=m * n_stage * tp, cp_comm=m * n_stage * cpc, pp_comm=m * ppc, dp_comm=dp,
        ep_comm=m * n_moe * ep_layer,
        bubble=bubble, optimizer=opt, microbatches=m, stage_layers=n_stage,
        stage_seconds=stage, gemm_fraction=frac, model_flops=model,
        hardware_flops=model + global_batch * extra, tokens=global_batch * shape.seq_len,
        devices=lay.devices, tp_bandwidth=tp_bw, dp_bandwidth=dp_bw,
        dp_total=dp_total + edp_total, moe_stage_layers=n_moe, expert_gemm_fraction=efrac,
        ep_bandwidth=ep_bw, ep_layer_seconds=ep_layer, expert_dp_total=edp_total,
        attention_peak=attn_peak,
    )
