"""The predicted utilization for estimate_training and compare_gpus (`utilization="predicted"`).

`ClusterArgs` are the few arguments those tools add; `predicted_mfu` runs the cluster model
(`plan_cluster_training`, searching what is not given) and turns its throughput into the MFU of
the calling tool's own FLOP count: MFU = (C_model / D) · tokens/s per device / peak, so the
training time the tool reports equals D ÷ the predicted tokens/s.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from flopcast.catalog.hardware import Hardware
from flopcast.numbers.errors import InvalidInputError
from flopcast.numbers.limits import MAX_BATCH
from flopcast.numbers.results import Assumption, Step, make_step

__all__ = ["ClusterArgs", "predicted_mfu"]


class ClusterArgs(BaseModel):
    """Arguments that switch a training tool to the cluster model's predicted utilization.

    The layout is always searched (the fastest that fits in memory); a given TP/PP layout is
    plan_cluster_training's to evaluate.
    """

    model_config = ConfigDict(extra="forbid")

    utilization: Literal["default", "predicted"] = Field(
        default="default", description=(
            "predicted: MFU of the best layout the cluster model finds."))
    system: str | None = Field(default=None, description=(
        "Cluster, e.g. dgx-h100."))
    global_batch: int | None = Field(default=None, ge=1, le=MAX_BATCH, description=(
        "Sequences per step."))


def predicted_mfu(args: ClusterArgs, hw: Hardware, count: int | None, precision: str,
                  flops: float, tokens: float | None, shape: Mapping[str, Any],
                  recompute: str) -> tuple[float, list[Step], list[Assumption]]:
    """The MFU the cluster model predicts, in the caller's FLOP convention.

    Raises:
        InvalidInputError: a missing count or global_batch, a device without a cluster preset,
            or any error of plan_cluster_training (one line, naming the argument).
    """
    from flopcast.cluster.plan import plan_cluster_training

    if count is None:
        raise InvalidInputError("count", "utilization='predicted' needs the device count")
    if args.global_batch is None:
        raise InvalidInputError("global_batch", "utilization='predicted' needs global_batch "
                                "(sequences per step), e.g. 1536")
    given = {k: v for k, v in shape.items() if v is not None}
    plan = plan_cluster_training(
        **given, count=count, hardware=hw.id, system=args.system,
        precision=precision if precision in ("bf16", "fp16", "fp8") else "bf16",
        global_batch=args.global_batch,
        recompute=recompute if recompute in ("none", "selective", "full") else None, top=1)
    peak = plan.peak_tflops_per_device * 1e12
    if tokens:
        mfu = flops / tokens * plan.tokens_per_s_per_device / peak
        formula = "MFU = (C_model / D) · tokens/s per device / peak"
        inputs = [("C_model", flops, "FLOPs"), ("D", tokens, "tokens"),
                  ("tokens/s per device", plan.tokens_per_s_per_device, "tokens/s"),
                  ("peak", peak, "FLOP/s")]
    else:
        mfu, formula, inputs = plan.mfu, "MFU = predicted by plan_cluster_training", []
    step = make_step(f"predicted utilization ({plan.layout.label}, {plan.system})", formula,
                     inputs, mfu, "")
    assumption = Assumption(
        name="utilization", value=f"predicted: MFU {mfu:.1%} ({plan.layout.label} on "
        f"{plan.system}, step {plan.step_seconds:.3g} s)",
        source="plan_cluster_training (cluster model calibrated on Narayanan et al. 2021 "
        "Table 1); " + "; ".join(a.value for a in plan.assumptions if a.name == "ignored")
        + " ignored")
    return mfu, [step], [assumption]
