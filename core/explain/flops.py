"""explain_flops: what the compute figures mean, with numbers computed at call time.

Six topics (`TOPICS`), each in English or Chinese:

* ``flops_units`` — FLOPs (a count) vs FLOP/s (a rate) vs the ambiguous "FLOPS";
  PF-days and GPU-hours as units of compute.
* ``peak_derivation`` — a peak is execution units × clock × FLOPs per cycle: CPUs
  by instruction set (the hardware catalog's ISA table, the i9-14900K at base and
  turbo clocks), GPUs by SMs × Tensor Cores × FLOPs per clock × clock, set beside
  the datasheet figure (``data/gpu_microarch.toml``).
* ``benchmarks`` — what measures FLOP/s in practice: HPL/LINPACK (FP64, TOP500),
  dense GEMM at AI precisions, MLPerf; measured vs theoretical peak.
* ``training_flops`` — why training costs 6·N·D, the attention term, recompute (8·N·D).
* ``mfu_hfu`` — model vs hardware FLOPs utilization (PaLM §4.1) and published values.
* ``precision_sparsity`` — FP64 → FP4 peaks and 2:4 sparsity (why dense is the one to use).

No figure is typed into the prose: each comes from the hardware or model catalog,
a sourced constant (published utilizations, flopcast.explain.utilization) or a core
formula, so changing the catalog changes the text. Definitions (2 FLOPs per FMA, 8
bytes per FP64 value) are not figures.

This module holds the tool — its input and output models and the topic dispatch.
The topics are written in flopcast.explain.compute (flops_units, training_flops),
flopcast.explain.peaks (peak_derivation, precision_sparsity) and
flopcast.explain.utilization (benchmarks, mfu_hfu), with the shared context of
flopcast.explain.context; the GPU micro-architecture table and `derive_gpu_peak`
live in flopcast.catalog.microarch and are re-exported here.
"""

from __future__ import annotations

from typing import Literal, get_args

from pydantic import BaseModel, ConfigDict, Field

from flopcast.catalog.hardware import get_hardware, resolve_hardware
from flopcast.catalog.microarch import (
    GpuMicroarch,
    _load_microarch,  # noqa: F401  (tests/core/explain/test_flops.py checks the loader through here)
    derive_gpu_peak,
    gpu_microarch,
    microarch_for,
)
from flopcast.explain.compute import write_flops_units, write_training_flops
from flopcast.explain.context import ExplainContext
from flopcast.explain.peaks import write_peak_derivation, write_precision_sparsity
from flopcast.explain.utilization import (
    PUBLISHED_UTILIZATION,
    PublishedUtilization,
    write_benchmarks,
    write_mfu_hfu,
)
from flopcast.numbers.quantities import Language
from flopcast.numbers.results import Result, Source
from flopcast.numbers.validation import tool_function

__all__ = [
    "PUBLISHED_UTILIZATION",
    "TOPICS",
    "ExplainFlopsInput",
    "Explanation",
    "GpuMicroarch",
    "PublishedUtilization",
    "Topic",
    "derive_gpu_peak",
    "explain_flops",
    "gpu_microarch",
    "microarch_for",
]

Topic = Literal[
    "flops_units", "peak_derivation", "benchmarks", "training_flops", "mfu_hfu",
    "precision_sparsity",
]
TOPICS: tuple[str, ...] = get_args(Topic)


# ------------------------------------------------------------ tool input / output


class ExplainFlopsInput(BaseModel):
    """Arguments of explain_flops."""

    model_config = ConfigDict(extra="forbid")

    topic: Topic = Field(description=(
        "peak_derivation: instruction sets, tensor cores; training_flops: 6·N·D."))
    hardware: str | None = Field(default=None, description=(
        "Device for the worked example."))
    language: Language = Field(default="en", description="Answer language.")


class Explanation(Result):
    """The explain_flops result: a titled Markdown explanation with its derivation."""

    topic: str
    title: str
    markdown: str = Field(description="The explanation, Markdown, every figure computed.")
    hardware: list[str] = Field(default_factory=list,
                                description="Catalog ids of the devices in the examples.")
    sources: list[Source] = Field(default_factory=list)


@tool_function(ExplainFlopsInput)
def explain_flops(args: ExplainFlopsInput) -> Explanation:
    """Explain a compute topic with figures computed from the catalogs and core formulas.

    Args:
        topic: one of `TOPICS`.
        hardware: optional catalog id/alias for the worked example.
        language: "en" or "zh".

    Raises:
        InvalidInputError: unknown topic or language.
        UnknownHardwareError: `hardware` not in the catalog.
    """
    # Default devices are looked up through this module's get_hardware, as before the split.
    ctx = ExplainContext(args.language, get_hardware)
    if args.hardware is not None:
        hw, assumed = resolve_hardware(args.hardware)
        ctx.assumptions += assumed
        devices = [hw]
    else:
        devices = []
    builder = {
        "flops_units": write_flops_units, "peak_derivation": write_peak_derivation,
        "benchmarks": write_benchmarks, "training_flops": write_training_flops,
        "mfu_hfu": write_mfu_hfu, "precision_sparsity": write_precision_sparsity,
    }[args.topic]
    title, summary = builder(ctx, devices)
    markdown = f"## {title}\n\n" + "\n".join(ctx.lines).strip() + "\n"
    return Explanation(topic=args.topic, title=title, markdown=markdown, summary=summary,
                       steps=ctx.steps, assumptions=ctx.assumptions,
                       sources=list(dict.fromkeys(ctx.sources)), hardware=ctx.devices,
                       language=args.language)
