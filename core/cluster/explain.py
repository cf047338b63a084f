"""The derivation, assumptions, advice and summary of plan_cluster_training's best layout."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from flopcast.catalog.hardware import Hardware, Peak
from flopcast.cluster.compute import (
    ModelShape,
    expert_gemm_flops,
    layer_flops,
    nonmatmul_bytes,
    pass_counts,
)
from flopcast.cluster.layout import Layout
from flopcast.cluster.search import SearchResult
from flopcast.cluster.step import (
    ADAM_BYTES_PER_PARAM,
    Overlaps,
    StepTime,
    optimizer_shard_params,
)
from flopcast.cluster.systems import GemmCurve, System
from flopcast.numbers.quantities import SECONDS_PER_DAY, format_duration, format_number
from flopcast.numbers.results import Assumption, Step, make_step
from flopcast.numbers.zh import LAYOUT_LABEL_WORDS
from flopcast.training.cost import RunCost, run_cost

if TYPE_CHECKING:  # pragma: no cover
    from flopcast.cluster.plan import ClusterPlan, LayoutRow, PlanClusterTrainingInput

__all__ = ["explain_plan", "label_zh", "layout_row", "step_parts"]

_NAR21 = "Narayanan et al. 2021, Megatron-LM (SC21), arXiv:2104.04473"


def step_parts(st: StepTime) -> dict[str, float]:
    """The parts of a step's time, seconds, in the order the results list them; they sum to
    `st.seconds` (see `flopcast.cluster.step`)."""
    return {"compute": st.compute, "tp_comm": st.tp_comm, "cp_comm": st.cp_comm,
            "pp_comm": st.pp_comm, "ep_comm": st.ep_comm, "dp_comm": st.dp_comm,
            "bubble": st.bubble, "optimizer": st.optimizer}


@dataclass(frozen=True)
class _Run:
    """What one layout's step rate gives for a run of `tokens` tokens (None: no tokens)."""

    tokens_per_s: float
    seconds: float | None
    days: float | None
    device_hours: float | None
    money: RunCost | None


def _run(st: StepTime, tokens: float | None, hw: Hardware, count: int,
         price: float | None, provider: str | None = None) -> _Run:
    tps = st.tokens / st.seconds
    if tokens is None:
        return _Run(tps, None, None, None, None)
    seconds = tokens / tps
    dev_hours = seconds * count / 3600
    money = run_cost(hw, dev_hours, price_per_device_hour=price, provider=provider,
                     power_watts=None, pue=None,
                     carbon_kg_per_kwh=None)
    return _Run(tps, seconds, seconds / SECONDS_PER_DAY, dev_hours, money)


def layout_row(lay: Layout, rec: str, st: StepTime, mem: float, peak: float,
               run: _Run | None = None) -> LayoutRow:
    """One ranked layout: its degrees, step time and parts, MFU, tokens/s, memory, and (with
    `run`) days, cost and energy for the run's tokens."""
    from flopcast.cluster.plan import LayoutRow

    money = run.money if run is not None else None
    return LayoutRow(
        tensor_parallel=lay.tp, pipeline_parallel=lay.pp, data_parallel=lay.dp,
        context_parallel=lay.cp, expert_parallel=lay.ep, virtual_stages=lay.vp,
        micro_batch=lay.micro_batch,
        zero_stage=lay.zero_stage, sequence_parallel=lay.sequence_parallel, recompute=rec,
        step_seconds=st.seconds, breakdown_seconds=step_parts(st),
        mfu=st.model_flops_per_s_per_device() / peak, tokens_per_s=st.tokens / st.seconds,
        days=run.days if run is not None else None,
        cost_usd=money.cost_usd if money is not None else None,
        energy_kwh=money.energy_kwh if money is not None else None,
        memory_gb_per_device=mem / 1e9, label=f"{lay.label()} · recompute {rec}")


def _steps(shape: ModelShape, lay: Layout, rec: str, st: StepTime, system: System, peak: float,
           hbm: float, curve: GemmCurve, flash: bool) -> list[Step]:
    t, b, cp = lay.tp, lay.micro_batch, lay.cp
    fl = layer_flops(shape, b, cp=cp, causal_skip=flash)
    dense_p, attn_p = pass_counts(rec)
    out = [
        make_step("largest GEMM per device", "F_gemm = 2 · b · s/CP · h · d_ff / t",
                  [("b", b, "sequences"), ("s", shape.seq_len, "tokens"), ("CP", cp, ""),
                   ("h", shape.d_model, ""), ("d_ff", shape.d_ff, ""), ("t", t, "")],
                  fl.largest_gemm / t, "FLOPs"),
        make_step("achievable GEMM fraction", "e = e_max · F_gemm / (F_gemm + F_half)",
                  [("e_max", curve.max_fraction, ""), ("F_gemm", fl.largest_gemm / t, "FLOPs"),
                   ("F_half", curve.half_flops, "FLOPs")], st.gemm_fraction, ""),
    ]
    # FP8 runs: the linear layers at the FP8 peak, the attention scores at the BF16 one.
    a_peak = st.attention_peak or peak
    split = a_peak != peak
    out.append(make_step(
        "layer GEMM time per micro-batch"
        + (" (linear layers in FP8, attention scores in BF16)" if split else ""),
        "t_gemm = (k_d · F_dense / peak + k_a · F_attn / peak_bf16) / (t · e)" if split else
        "t_gemm = (k_d · F_dense + k_a · F_attn) / (t · peak · e)",
        [("k_d", dense_p, "passes"), ("F_dense", fl.dense, "FLOPs"),
         ("k_a", attn_p, "passes"), ("F_attn", fl.attention, "FLOPs"), ("t", t, ""),
         ("peak", peak, "FLOP/s"), *([("peak_bf16", a_peak, "FLOP/s")] if split else []),
         ("e", st.gemm_fraction, "")],
        (dense_p * fl.dense / peak + attn_p * fl.attention / a_peak) / (t * st.gemm_fraction),
        "s"))
    if shape.is_moe:
        e_fl = expert_gemm_flops(shape, b, cp=cp, ep=lay.ep)
        k_tok = shape.experts_per_token
        out += [
            make_step("MoE layer forward FLOPs (active experts + router; Fedus et al. 2022 §2.1)",
                      "F_moe = 2·T·h·(k·F_e·m + F_s·m + E)",
                      [("T", b * shape.seq_len / cp, "tokens"), ("h", shape.d_model, ""),
                       ("k", k_tok, "experts per token"), ("F_e", shape.d_ff, ""),
                       ("m", shape.ffn_matrices, "matrices"), ("F_s", shape.shared_d_ff, ""),
                       ("E", shape.experts, "routed experts")], fl.moe, "FLOPs"),
            make_step("one expert's GEMM per device (T·k·EP/E tokens per expert)",
                      "F_e,gemm = 2 · (T·k·EP/E) · h · F_e / t",
                      [("T", b * shape.seq_len / cp, "tokens"), ("k", k_tok, ""),
                       ("EP", lay.ep, ""), ("E", shape.experts, ""), ("t", t, "")],
                      e_fl / t, "FLOPs"),
            make_step("achievable fraction of the expert GEMMs",
                      "e_x = e_max · F_e,gemm / (F_e,gemm + F_half)",
                      [("F_e,gemm", e_fl / t, "FLOPs"), ("F_half", curve.half_flops, "FLOPs")],
                      st.expert_gemm_fraction, ""),
            make_step("EP all-to-all per MoE layer and micro-batch (dispatch + combine, forward "
                      "and backward, + forward again with full recompute; GShard §2.2, "
                      "DeepSpeed-MoE §5)",
                      "t_EP = n_A2A · ((EP−1)/EP · T·k·h·2 bytes / t / BW_EP + α)",
                      [("n_A2A", 6 if rec == "full" else 4, "calls"),
                       ("EP", lay.ep, "ranks"), ("T", b * shape.seq_len / cp, "tokens"),
                       ("k", k_tok, ""), ("h", shape.d_model, ""), ("t", t, ""),
                       ("BW_EP", st.ep_bandwidth, "B/s")], st.ep_layer_seconds, "s"),
            make_step("exposed EP all-to-all per step (no overlap assumed)",
                      "t_EP,step = m · L_moe,stage · t_EP",
                      [("m", st.microbatches, "micro-batches"),
                       ("L_moe,stage", st.moe_stage_layers, "MoE layers")], st.ep_comm, "s"),
        ]
    elem_p = 4 if rec == "full" else 3
    nb = nonmatmul_bytes(shape, b, tp=t, cp=cp, sequence_parallel=lay.sequence_parallel,
                         flash_attention=flash)
    out.append(make_step("layer non-matmul time per micro-batch", "t_elem = k · B_act / (BW · f)",
                         [("k", elem_p, "passes"), ("B_act", nb, "bytes"), ("BW", hbm, "B/s"),
                          ("f", curve.hbm_fraction, "")],
                         elem_p * nb / (hbm * curve.hbm_fraction), "s"))
    out.append(make_step(
        "time of one micro-batch on the fullest stage",
        "t_stage = L_stage · (t_gemm + t_elem + t_TP + t_CP) + L_moe,stage · t_EP + t_logits "
        "+ t_p2p",
        [("L_stage", st.stage_layers, "layers"),
         ("L_moe,stage", st.moe_stage_layers, "MoE layers")], st.stage_seconds, "s"))
    out.append(make_step(
        f"pipeline bubble ({_NAR21}, §2.2)", "t_bubble = (p − 1) / v · t_stage",
        [("p", lay.pp, "stages"), ("v", lay.vp, "virtual stages"),
         ("t_stage", st.stage_seconds, "s")], st.bubble, "s"))
    out.append(make_step(
        "TP communication per step (Shoeybi et al. 2019 §3: 4 all-reduces of b·s·h per layer, "
        "6 with full recompute)",
        "t_TP = m · L_stage · n_AR · (2(t−1)/t · b·s·h·2 bytes / BW_TP + α)",
        [("m", st.microbatches, "micro-batches"), ("L_stage", st.stage_layers, ""),
         ("n_AR", 6 if rec == "full" else 4, ""), ("t", t, ""),
         ("BW_TP", st.tp_bandwidth, "B/s")], st.tp_comm, "s"))
    dp_inputs = [("o", 1 - st.dp_comm / st.dp_total if st.dp_total else 0.0, "overlap"),
                 ("d", lay.dp * lay.cp, "ranks"),
                 ("Ψ", shape.params - shape.expert_params, "params"),
                 ("BW_DP", st.dp_bandwidth, "B/s")]
    dp_formula = "t_DP = (1 − o) · 2(d−1)/d · 2 bytes · Ψ/(t·p) / BW_DP"
    if shape.is_moe:  # routed experts: their own shards, reduced over the d/EP ranks holding them
        dp_formula += " + (1 − o) · 2(d_e−1)/d_e · 2 bytes · Ψ_e/(t·p·EP) / BW, d_e = d/EP"
        dp_inputs += [("Ψ_e", shape.expert_params, "params"), ("EP", lay.ep, "")]
    out.append(make_step(
        "DP gradient reduction, exposed (Rajbhandari et al. 2020 §7: 2Ψ, 3Ψ with ZeRO-3)",
        dp_formula, dp_inputs, st.dp_comm, "s"))
    out.append(make_step(
        "optimizer step", "t_opt = 28 bytes · Ψ_shard / (BW · f)",
        [("Ψ_shard", optimizer_shard_params(shape, lay), "params"),
         ("bytes", ADAM_BYTES_PER_PARAM, "per param")], st.optimizer, "s"))
    out.append(make_step(
        "step time", "t_step = m · t_stage + t_bubble + t_DP + t_opt",
        [("m", st.microbatches, "micro-batches"), ("t_stage", st.stage_seconds, "s"),
         ("t_bubble", st.bubble, "s"), ("t_DP", st.dp_comm, "s"),
         ("t_opt", st.optimizer, "s")], st.seconds, "s"))
    out.append(make_step(
        "hardware TFLOP/s per device (as Megatron-LM logs it, Eq. 3)", "X = F_hw / (n · t_step)",
        [("F_hw", st.hardware_flops, "FLOPs"), ("n", st.devices, "devices"),
         ("t_step", st.seconds, "s")], st.hardware_flops_per_s_per_device() / 1e12, "TFLOP/s"))
    out.append(make_step(
        "MFU (Chowdhery et al. 2022 §4.1)", "MFU = F_model / (n · t_step · peak)",
        [("F_model", st.model_flops, "FLOPs"), ("n", st.devices, ""),
         ("t_step", st.seconds, "s"), ("peak", peak, "FLOP/s")],
        st.model_flops_per_s_per_device() / peak, ""))
    return out


#: What each part of the step is called, and what to change when it is large (en, zh).
_PARTS = {
    "bubble": (("bubble", "pipeline bubble"), ("流水线气泡", "流水线气泡")),
    "tp_comm": (("TP communication",), ("张量并行（TP）通信",)),
    "dp_comm": (("DP communication",), ("数据并行（DP）通信",)),
    "cp_comm": (("CP communication",), ("上下文并行（CP）通信",)),
    "pp_comm": (("PP sends",), ("流水线（PP）点对点发送",)),
    "ep_comm": (("EP all-to-all",), ("专家并行（EP）全对全通信",)),
    "nonmatmul": (("non-matmul work",), ("非矩阵乘计算",)),
}
_TIPS = {
    "bubble": ("raise the micro-batches per pipeline (a larger global batch, a smaller "
               "micro-batch or fewer DP ranks) or the virtual stages, or use fewer stages",
               "增加每条流水线的微批次数（更大的全局批、更小的微批或更少的 DP 副本）或虚拟阶段数，"
               "或减少流水线阶段"),
    "tp_comm": ("lower TP if memory allows, or overlap TP communication",
                "显存允许时降低 TP，或让 TP 通信与计算重叠"),
    "dp_comm": ("overlap the gradient reduction with backward, or use fewer DP ranks",
                "让梯度归约与反向计算重叠，或减少 DP 副本"),
    "cp_comm": ("lower CP if memory allows", "显存允许时降低 CP"),
    "pp_comm": ("fewer virtual stages", "减少虚拟阶段"),
    "ep_comm": ("keep the EP group inside a node, or overlap the all-to-all with compute "
                "(DeepSeek-V3's DualPipe)", "让 EP 组留在一个节点内，或让全对全通信与计算重叠"
                "（如 DeepSeek-V3 的 DualPipe）"),
    "nonmatmul": ("fuse element-wise kernels; a larger per-device GEMM",
                  "融合逐元素算子；让每卡的矩阵乘更大"),
}
def label_zh(label: str) -> str:
    """A layout label (`TP 8 · PP 8 · DP 16 · micro-batch 4 · ZeRO 1 · recompute none`) in
    Chinese (`flopcast.numbers.zh.LAYOUT_LABEL_WORDS`)."""
    for en, zh in LAYOUT_LABEL_WORDS:
        label = label.replace(en, zh)
    return label


#: The breakdown's keys in the Chinese summary.
_BREAKDOWN_ZH = {"compute": "计算", "tp_comm": "TP 通信", "cp_comm": "CP 通信",
                 "pp_comm": "PP 通信", "ep_comm": "EP 通信", "dp_comm": "DP 通信", "bubble": "气泡",
                 "optimizer": "优化器"}


def _advice(lay: Layout, rec: str, st: StepTime, language: str) -> list[str]:
    zh = language == "zh"
    parts = {"bubble": st.bubble, "tp_comm": st.tp_comm, "dp_comm": st.dp_comm,
             "cp_comm": st.cp_comm, "pp_comm": st.pp_comm, "ep_comm": st.ep_comm,
             "nonmatmul": st.nonmatmul}
    out = []
    for key, sec in sorted(parts.items(), key=lambda kv: -kv[1]):
        share = sec / st.seconds
        if share >= 0.05:
            name = _PARTS[key][1 if zh else 0][0]
            tip = _TIPS[key][1 if zh else 0]
            out.append(f"{name}：占每步 {share:.0%}；{tip}" if zh
                       else f"{name}: {share:.0%} of the step; {tip}")
    if st.gemm_fraction < 0.6:
        out.append(f"矩阵乘只跑到峰值的 {st.gemm_fraction:.0%}（每卡矩阵太小）：降低 TP 或增大微批"
                   if zh else
                   f"GEMMs run at {st.gemm_fraction:.0%} of peak (small per-device matrices): "
                   "lower TP or raise the micro-batch")
    if 0 < st.expert_gemm_fraction < 0.6:
        out.append(f"专家矩阵乘只跑到峰值的 {st.expert_gemm_fraction:.0%}"
                   "（每个专家分到的词元太少）：提高 EP 或增大微批" if zh else
                   f"expert GEMMs run at {st.expert_gemm_fraction:.0%} of peak (few tokens per "
                   "expert): raise EP or the micro-batch")
    if rec == "full":
        out.append("完全重计算多跑一遍前向（约 33%）；显存允许时，选择性重计算"
                   "（Korthikanti et al. 2022）只多 2–7%" if zh else
                   "full recomputation adds a forward pass (~33%); selective recomputation "
                   "(Korthikanti et al. 2022) costs 2–7% where memory allows")
    return out


def explain_plan(args: PlanClusterTrainingInput, shape: ModelShape, tokens: float | None,
                 system: System, hw: Hardware, peak_obj: Peak, curve: GemmCurve, batch: int,
                 found: SearchResult, overlaps: Overlaps, searched: bool, steps: list[Step],
                 assumptions: list[Assumption], *, model: str | None = None,
                 attention_peak: Peak | None = None) -> ClusterPlan:
    """The result of a search: the best layout's derivation, the ranked layouts, the advice.

    `attention_peak` is the BF16 peak the attention scores and output head run at when the
    linear layers run in FP8 (`flopcast.cluster.step`); its derivation follows the peak's.
    """
    from flopcast.cluster.plan import IGNORED, ClusterPlan

    peak = peak_obj.flops_per_s
    best = found.ranked[0]
    st, lay = best.time, best.layout
    hbm = (hw.memory_bandwidth_gb_s or 0) * 1e9
    steps = (steps + [peak_obj.step] + ([attention_peak.step] if attention_peak else [])
             + _steps(shape, lay, best.recompute, st, system, peak, hbm, curve,
                      args.flash_attention))
    assumptions = assumptions + [
        Assumption(name="achievable GEMM fraction",
                   value=f"{curve.max_fraction:g} · F/(F + {curve.half_flops:.3g} FLOPs), "
                   f"from {curve.calibrated_on}", source=curve.source),
        Assumption(name="DP overlap", value=f"{overlaps.dp:g}",
                   source="calibrated with the GEMM fraction on Narayanan et al. 2021 Table 1"
                   if args.dp_overlap is None else "given"),
        Assumption(name="TP overlap", value=f"{overlaps.tp:g}",
                   source="Megatron-LM 2021 did not overlap TP communication (NAR21 §3.2)"
                   if args.tp_overlap is None else "given"),
        *([Assumption(
            name="mixture of experts",
            value=f"k = {shape.experts_per_token}, E = {shape.experts} routed experts (width "
            f"{shape.d_ff}), shared width {shape.shared_d_ff}, MoE layers {shape.moe_layers}/"
            f"{shape.layers}; balanced routing; experts split by TP and EP; EP "
            f"all-to-all overlap {overlaps.ep:g}; activations counted as a dense layer's",
            source="DeepSeek-V3 §3.2 (DualPipe hides the all-to-all; not modelled); "
            "Megatron-Core expert_tensor_parallel_size defaults to the TP size")]
          if shape.is_moe else []),
        Assumption(name="attention FLOPs counted",
                   value="non-causal (4·b·s²·h per layer forward) in model/hardware FLOPs",
                   source="Narayanan et al. 2021 Eq. 3; Korthikanti et al. 2022 Eq. 7; "
                   + ("flash attention skips masked blocks, so half of it runs"
                      if args.flash_attention else "all of it runs (no flash attention)")),
        Assumption(name="ignored", value=IGNORED,
                   source="not modelled; real runs lose more (Llama 3 §3.3.4: 466 interruptions "
                   "in 54 days)"),
    ]
    price = args.price_per_device_hour
    run = _run(st, tokens, hw, args.count, price, args.provider)
    tps = run.tokens_per_s
    if tokens is not None and run.seconds is not None and run.money is not None:
        steps.append(make_step("training time", "t = D / tokens_per_s",
                               [("D", tokens, "tokens"), ("tokens_per_s", tps, "tokens/s")],
                               run.seconds, "s"))
        # Cost and energy are reported, CO2 is not: its step and default stay out.
        steps += [s for s in run.money.steps if s.name != "CO2"]
        assumptions += [a for a in run.money.assumptions if "carbon" not in a.name]
    ranked = [layout_row(c.layout, c.recompute, c.time, c.memory_bytes, peak,
                         _run(c.time, tokens, hw, args.count, price, args.provider))
              for c in found.ranked]
    breakdown = step_parts(st)
    advice = _advice(lay, best.recompute, st, args.language)
    if searched and len(found.ranked) > 1:
        second = found.ranked[1]
        valid = found.tried - sum(found.rejected.values())
        lead = second.time.seconds / st.seconds - 1
        advice.insert(0, f"{valid} 种可行布局中最快：比第二名快 {lead:.1%}"
                      f"（{label_zh(second.layout.label())} · "
                      f"{label_zh('recompute ' + second.recompute)}）"
                      if args.language == "zh" else
                      f"best of {valid} valid layouts: {lead:.1%} faster than the next "
                      f"({second.layout.label()} · recompute {second.recompute})")
    result = ClusterPlan(
        model=model, hardware=hw.id, system=system.id, count=args.count,
        precision=peak_obj.precision,
        peak_tflops_per_device=peak / 1e12, global_batch=batch, seq_len=shape.seq_len,
        layout=ranked[0], step_seconds=st.seconds, breakdown_seconds=breakdown,
        gemm_fraction=st.gemm_fraction, tokens_per_s=tps,
        tokens_per_s_per_device=st.tokens_per_s_per_device(),
        model_tflops_per_device=st.model_flops_per_s_per_device() / 1e12,
        hardware_tflops_per_device=st.hardware_flops_per_s_per_device() / 1e12,
        mfu=st.model_flops_per_s_per_device() / peak,
        hfu=st.hardware_flops_per_s_per_device() / peak, tokens=tokens, days=run.days,
        device_hours=run.device_hours,
        cost_usd=run.money.cost_usd if run.money is not None else None,
        energy_kwh=run.money.energy_kwh if run.money is not None else None,
        memory_gb_per_device=best.memory_bytes / 1e9,
        device_memory_gb=hw.memory_gb or 0.0, searched=searched, layouts_tried=found.tried,
        rejected=dict(found.rejected), ranked=ranked, advice=advice, steps=steps,
        assumptions=assumptions, language=args.language)
    result.summary = _summary(result)
    return result


def _summary(r: ClusterPlan) -> str:
    lay = r.layout
    b = r.breakdown_seconds
    parts = ", ".join(f"{k} {format_number(v, 3)} s" for k, v in b.items() if v > 0)
    if r.language == "zh":
        parts = "，".join(f"{_BREAKDOWN_ZH.get(k, k)} {format_number(v, 3)} 秒"
                         for k, v in b.items() if v > 0)
        head = (f"**{r.count} × {r.hardware}（{r.system}）**：{label_zh(lay.label)}\n\n"
                f"每步 {format_number(r.step_seconds, 3)} 秒（{parts}）；"
                f"每卡 {format_number(r.hardware_tflops_per_device, 3)} TFLOP/s（含重算），"
                f"MFU {r.mfu:.1%}；每秒 {format_number(r.tokens_per_s, 3)} 个词元。")
        if r.days is not None:
            head += (f"\n\n训练 {format_number(r.tokens or 0, 3)} 个词元需 "
                     f"{format_number(r.days, 3)} 天。")
    else:
        head = (f"**{r.count} × {r.hardware} ({r.system})**: {lay.label}\n\n"
                f"Step {format_number(r.step_seconds, 3)} s ({parts}); "
                f"{format_number(r.hardware_tflops_per_device, 3)} TFLOP/s per device counted "
                f"with recomputation, MFU {r.mfu:.1%}; {format_number(r.tokens_per_s, 3)} "
                f"tokens/s.")
        if r.days is not None:
            head += (f"\n\n{format_number(r.tokens or 0, 3)} tokens take "
                     f"{format_duration(r.days * SECONDS_PER_DAY)}.")
    if r.advice:
        head += "\n\n" + "\n".join(f"- {a}" for a in r.advice[:4])
    return head
