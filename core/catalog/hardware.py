"""The hardware catalog: accelerators and CPUs with their peaks, memory, power and price.

The figures live in ``data/hardware.toml`` (its header documents every field);
they are loaded once, validated strictly, and answer two questions: which device
does a name mean (:func:`resolve_hardware`), and what is its peak rate at a
precision (:meth:`Hardware.peak`). This module holds the ``list_hardware`` tool and
is the catalog's public face; the parts live by concept:

* `flopcast.catalog.spec`: precisions and the record types of an entry (sources,
  price, CPU core groups and ISA rows, `Peak`);
* `flopcast.catalog.device`: `Hardware`, its validation and peak derivation, with
  the conventions (SI decimal units; dense peaks, sparse vendor figures halved per
  the NVIDIA A100 whitepaper, "Fine-grained structured sparsity"; CPU peaks derived
  as in the HPL/TOP500 :math:`R_{peak}`);
* `flopcast.catalog.lookup`: loading the catalog and resolving names;
* `flopcast.catalog.prices`: dated price quotes per device (``data/prices.toml``) and
  the rule that picks one.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from flopcast.catalog.device import Hardware, exact_number
from flopcast.catalog.lookup import (
    HardwareCatalog,
    _catalog,  # noqa: F401 - tests check the catalog is parsed once, lazily
    get_hardware,
    hardware_catalog,
    load_catalog_text,
    resolve_hardware,
    unverified_figures,
)
from flopcast.catalog.prices import Quote, select_quote
from flopcast.catalog.spec import (
    KINDS,
    PEAK_KEYS,
    PRECISIONS,
    SPARSE_PRECISIONS,
    CoreGroup,
    CpuSpec,
    Peak,
    Precision,
    SourceRef,
)
from flopcast.numbers.errors import InvalidInputError, quote
from flopcast.numbers.quantities import Language
from flopcast.numbers.results import Result, Source, Step
from flopcast.numbers.validation import tool_function

__all__ = [
    "KINDS",
    "PEAK_KEYS",
    "PRECISIONS",
    "SPARSE_PRECISIONS",
    "CoreGroup",
    "CpuSpec",
    "Hardware",
    "HardwareCatalog",
    "HardwareEntry",
    "ListHardwareInput",
    "ListHardwareResult",
    "Peak",
    "Precision",
    "Quote",
    "SourceRef",
    "get_hardware",
    "hardware_catalog",
    "list_hardware",
    "load_catalog_text",
    "resolve_hardware",
    "unverified_figures",
]


# ------------------------------------------------------------ list_hardware tool


class ListHardwareInput(BaseModel):
    """Arguments of the list_hardware tool."""

    model_config = ConfigDict(extra="forbid")

    vendor: str | None = Field(default=None, description="Only this vendor, e.g. 'NVIDIA'.")
    kind: Literal["gpu", "tpu", "accelerator", "cpu"] | None = Field(
        default=None, description="Only this kind.")
    training_only: bool = Field(default=False, description="Only datacenter training accelerators.")
    language: Language = Field(default="en", description="Answer language.")


class HardwareEntry(BaseModel):
    """One device, flat and JSON-friendly."""

    model_config = ConfigDict(extra="forbid")

    id: str
    name: str
    vendor: str
    kind: str
    form_factor: str
    launch_year: int
    training: bool
    memory_gb: float | None = Field(description="Device memory, GB (1e9 bytes).")
    memory_bandwidth_gb_s: float | None = Field(description="Memory bandwidth, GB/s.")
    tdp_watts: float | None = Field(description="TDP / max board power, W.")
    peak_tflops: dict[str, float] = Field(description="Dense peaks, TFLOP/s (int8: TOPS); "
                                          "CPUs: derived at base clock.")
    sparsity_2to4: bool
    price_usd_per_device_hour: float | None
    price_provider: str | None
    price_date: str | None
    aliases: list[str]
    sources: list[Source]
    unverified: list[str]
    notes: list[str]


class ListHardwareResult(Result):
    """The list_hardware tool's result."""

    entries: list[HardwareEntry] = Field(default_factory=list)


def _entry(hw: Hardware) -> tuple[HardwareEntry, list[Step]]:
    steps: list[Step] = []
    price = select_quote(hw.id).quote  # the default rule (flopcast.catalog.prices)
    if hw.cpu is not None:
        peaks = {}
        for p in hw.precisions():
            pk = hw.peak(p, clock="base")
            peaks[p] = pk.flops_per_s / 1e12
            steps.append(pk.step)
    else:
        peaks = dict(hw.peak_tflops)
    return HardwareEntry(
        id=hw.id, name=hw.name, vendor=hw.vendor, kind=hw.kind, form_factor=hw.form_factor,
        launch_year=hw.launch_year, training=hw.training, memory_gb=hw.memory_gb,
        memory_bandwidth_gb_s=hw.memory_bandwidth_gb_s, tdp_watts=hw.tdp_watts,
        peak_tflops=peaks, sparsity_2to4=hw.sparsity_2to4,
        price_usd_per_device_hour=price.usd_per_device_hour if price else None,
        price_provider=price.provider if price else None,
        price_date=price.date if price else None, aliases=list(hw.aliases),
        sources=[s.as_source() for s in hw.sources], unverified=list(hw.unverified),
        notes=list(hw.notes),
    ), steps


def _cell(x: float | None) -> str:
    """A table cell: exact catalog figures, derived ones to 2 decimals (4 below 10)."""
    if x is None:
        return "–"
    return exact_number(round(x, 4 if abs(x) < 10 else 2))


@tool_function(ListHardwareInput)
def list_hardware(args: ListHardwareInput) -> ListHardwareResult:
    """List catalog devices with their peaks, memory, power, price and sources.

    Raises:
        InvalidInputError: an unknown `vendor` or `kind` (the message lists the known ones).
    """
    devices = hardware_catalog()
    if args.vendor is not None:
        vendors = sorted({hw.vendor for hw in devices})
        wanted = args.vendor.strip().lower()
        if wanted not in {v.lower() for v in vendors}:
            raise InvalidInputError("vendor", f"unknown vendor {quote(args.vendor)}; "
                                    f"known: {', '.join(vendors)}")
        devices = tuple(hw for hw in devices if hw.vendor.lower() == wanted)
    if args.kind is not None:
        devices = tuple(hw for hw in devices if hw.kind == args.kind)
    if args.training_only:
        devices = tuple(hw for hw in devices if hw.training)
    entries: list[HardwareEntry] = []
    steps: list[Step] = []
    for hw in devices:
        entry, derived = _entry(hw)
        entries.append(entry)
        steps += derived
    zh = args.language == "zh"
    head = (
        "| id | 名称 | BF16 稠密峰值 TFLOP/s（无则 FP16/FP32） | 显存 GB | 带宽 GB/s | 功耗 W "
        "| 价格 美元/卡时 |"
        if zh else
        "| id | name | BF16 dense peak TFLOP/s (else FP16/FP32) | memory GB | bandwidth GB/s "
        "| TDP W | price $/device-h |"
    )
    lines = [f"{len(entries)} {'台设备' if zh else 'devices'}"
             + (f"（{'；'.join(_filters(args, zh))}）" if zh and _filters(args, zh) else "")
             + (f" ({'; '.join(_filters(args, zh))})" if not zh and _filters(args, zh) else "")
             + ("；稀疏值已折半为稠密值，CPU 峰值按基频推导。" if zh else
                "; sparse vendor figures halved to dense, CPU peaks derived at base clock."),
             "", head, "|---|---|---|---|---|---|---|"]
    for e in entries:
        shown = next((p for p in ("bf16", "fp16", "fp32") if p in e.peak_tflops), None)
        peak = "–" if shown is None else _cell(e.peak_tflops[shown]) + (
            "" if shown == "bf16" else f" ({shown.upper()})")
        lines.append(f"| {e.id} | {e.name} | {peak} | {_cell(e.memory_gb)} | "
                     f"{_cell(e.memory_bandwidth_gb_s)} | {_cell(e.tdp_watts)} | "
                     f"{_cell(e.price_usd_per_device_hour)} |")
    return ListHardwareResult(entries=entries, steps=steps, summary="\n".join(lines),
                              language=args.language)


def _filters(args: ListHardwareInput, zh: bool) -> list[str]:
    out = []
    if args.vendor:
        out.append(f"{'厂商' if zh else 'vendor'} = {args.vendor}")
    if args.kind:
        out.append(f"{'类型' if zh else 'kind'} = {args.kind}")
    if args.training_only:
        out.append("仅训练加速器" if zh else "training accelerators only")
    return out
