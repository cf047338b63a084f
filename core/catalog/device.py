"""One catalog device (`Hardware`): strict validation of its entry and its peak per precision.

`Hardware` checks an entry when the catalog loads (every figure has a source, derived
fields filled in) and answers :meth:`Hardware.peak`: the dense or 2:4-sparse peak of a
GPU/accelerator as the vendor printed it, or a CPU peak derived from its core groups,
each with a step whose figures are exact for hand checking (`exact_number`). Its
parts (`SourceRef`, `CpuSpec`, `Peak`...) are in `flopcast.catalog.spec`; its dated
prices in `flopcast.catalog.prices`;
loading and lookup in `flopcast.catalog.lookup`.

Conventions, stated once:

* SI decimal units: 1 TFLOP/s = 1e12 FLOP/s, 1 GB = 1e9 bytes, GB/s = 1e9 B/s.
  ``int8`` peaks are integer operations (TOPS) and are reported as OP/s.
* Peaks are **dense** per device. A vendor figure printed only "with sparsity"
  is stored as printed in ``peak_tflops_sparse_printed`` and halved here
  (2:4 structured sparsity doubles the tensor-core rate: NVIDIA A100
  whitepaper, "Fine-grained structured sparsity"); ``sparsity=True`` doubles
  the dense tensor peak back on devices that support it.
* GPU and accelerator peaks are the vendor's, at its boost clock.
* CPU peaks are derived, never typed (the :math:`R_{peak}` of the HPL/TOP500
  convention): P = Σ_g n_g · f_g · F_g over core groups g (P-cores, E-cores),
  with n_g cores at clock f_g (base or max turbo) and F_g FLOPs per cycle per
  core from the ISA table. It ignores that AVX-512/AMX clocks run below base
  and that all-core turbo is lower than the single-core maximum, so the turbo
  figure is an upper bound that no chip sustains.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, model_validator

from flopcast.catalog.spec import (
    PEAK_KEYS,
    PRECISIONS,
    SPARSE_PRECISIONS,
    CpuSpec,
    IsaRow,
    Peak,
    SourceRef,
)
from flopcast.numbers.errors import InvalidInputError, quote
from flopcast.numbers.results import Step, StepInput

__all__ = ["Hardware", "exact_number"]

#: Field names a source may support or `unverified` may list ("peak_tflops.bf16" etc.).
_FIELD_NAMES = frozenset({
    "name", "form_factor", "launch_year", "memory_gb", "memory_bandwidth_gb_s",
    "tdp_watts", "peak_tflops", "sparsity_2to4", "cpu",
})
_GIB = 2**30


class Hardware(BaseModel):
    """One catalog entry (validated strictly when the catalog loads)."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    _peaks: dict[tuple[str, bool, str], Peak] = PrivateAttr(default_factory=dict)

    def model_copy(self, *, update: Mapping[str, Any] | None = None,
                   deep: bool = False) -> Hardware:
        """A copy whose peaks are derived afresh (the update may change them)."""
        copy = super().model_copy(update=update, deep=deep)
        copy._peaks = {}
        return copy

    id: str = Field(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$")
    name: str
    aliases: list[str] = Field(default_factory=list)
    vendor: str
    kind: Literal["gpu", "tpu", "accelerator", "cpu"]
    form_factor: str
    launch_year: int = Field(ge=1990, le=2100)
    training: bool
    memory_gb: float | None = Field(default=None, gt=0)
    memory_gib: float | None = Field(default=None, gt=0, description="As printed, when the "
                                     "vendor prints GiB; memory_gb is derived from it.")
    memory_bandwidth_gb_s: float | None = Field(default=None, gt=0)
    tdp_watts: float | None = Field(default=None, gt=0)
    peak_tflops: dict[str, float] = Field(default_factory=dict,
                                          description="Dense peaks, TFLOP/s (int8: TOPS).")
    peak_tflops_sparse_printed: dict[str, float] = Field(
        default_factory=dict, description="Vendor figures printed only 'with sparsity'.")
    sparsity_2to4: bool = False
    sparse_precisions: list[str] | None = Field(
        default=None, description="Precisions 2:4 sparsity doubles, when not all tensor ones "
        "(AMD CDNA 3: bf16, fp16, fp8, int8; not tf32).")
    sources: list[SourceRef] = Field(min_length=1)
    unverified: list[str] = Field(default_factory=list)
    notes: list[str] = Field(default_factory=list)
    cpu: CpuSpec | None = None

    @model_validator(mode="before")
    @classmethod
    def _derive(cls, data: Any) -> Any:
        """Fill the derived fields (dense from sparse-printed, GB from GiB)."""
        if not isinstance(data, dict):
            return data
        data = dict(data)
        dense = dict(data.get("peak_tflops") or {})
        for key, sparse in (data.get("peak_tflops_sparse_printed") or {}).items():
            halved = sparse / 2  # 2:4 structured sparsity doubles the dense rate
            if key in dense and dense[key] != halved:
                raise ValueError(f"peak_tflops.{key} = {dense[key]} is both printed dense "
                                 f"and sparse ({sparse}); give it once")
            dense[key] = halved
        data["peak_tflops"] = dense
        if data.get("memory_gib") is not None:
            gb = data["memory_gib"] * _GIB / 1e9
            if data.get("memory_gb") not in (None, gb):
                raise ValueError("give memory_gb or memory_gib, not both")
            data["memory_gb"] = gb
        if "price" in data or "price_usd_per_device_hour" in data:
            raise ValueError(f"{data.get('id')}: prices live in data/prices.toml (dated quotes "
                             "per device id), not in the hardware entry")
        return data

    @model_validator(mode="after")
    def _check(self) -> Hardware:
        for key, value in self.peak_tflops.items():
            if key not in PEAK_KEYS:
                raise ValueError(f"peak_tflops.{key}: unknown precision; use {PEAK_KEYS}")
            if not value > 0:
                raise ValueError(f"peak_tflops.{key} must be > 0")
            if not any(s.supports(f"peak_tflops.{key}") for s in self.sources):
                raise ValueError(f"peak_tflops.{key} has no source")
        for name in ("memory_gb", "memory_bandwidth_gb_s", "tdp_watts"):
            if getattr(self, name) is not None and not any(s.supports(name)
                                                           for s in self.sources):
                raise ValueError(f"{name} has no source")
        if self.sparse_precisions is not None:
            if not self.sparsity_2to4:
                raise ValueError("sparse_precisions needs sparsity_2to4 = true")
            bad = set(self.sparse_precisions) - set(SPARSE_PRECISIONS)
            if bad:
                raise ValueError(f"sparse_precisions: {sorted(bad)} are not tensor precisions")
        if (self.kind == "cpu") != (self.cpu is not None):
            raise ValueError("kind 'cpu' and a [cpu] table go together")
        if self.cpu is not None and self.peak_tflops:
            raise ValueError("CPU peaks are derived from [cpu]; do not type peak_tflops")
        for field in [f for s in self.sources for f in s.fields] + self.unverified:
            if field.split(".", 1)[0] not in _FIELD_NAMES:
                raise ValueError(f"unknown field name {field!r} in sources/unverified")
        return self

    # ------------------------------------------------------------------ peaks

    def precisions(self) -> list[str]:
        """Precisions with a peak, in PRECISIONS order (CPUs: those every core group has)."""
        if self.cpu is not None:
            return [p for p in PRECISIONS if self._cpu_supports(p)]
        return [p for p in PRECISIONS if p in self.peak_tflops]

    def _cpu_supports(self, precision: str) -> bool:
        assert self.cpu is not None
        return all(any(precision in self.cpu.isa_rows[k].flops_per_cycle for k in g.isa)
                   for g in self.cpu.core_groups)

    def _source_for(self, field: str) -> SourceRef:
        for s in self.sources:
            if s.supports(field):
                return s
        return self.sources[0]

    def _is_unverified(self, field: str) -> bool:
        return field in self.unverified or field.split(".", 1)[0] in self.unverified

    def peak(self, precision: str = "bf16", *, sparsity: bool = False,
             clock: Literal["base", "turbo"] = "base") -> Peak:
        """The peak rate per device at `precision`.

        Args:
            precision: one of PRECISIONS, or "fp64_tensor" (FP64 on tensor/matrix units).
            sparsity: double the dense tensor peak for 2:4 structured sparsity.
            clock: CPUs only: "base" or "turbo" (max turbo of every core group at once).
                GPU/accelerator figures are the vendor's, at boost clock.

        Raises:
            InvalidInputError: ``precision`` absent on this device, ``sparsity`` on a
                device or precision without 2:4 support, or a bad ``clock``.
        """
        key = str(precision).strip().lower()
        if clock not in ("base", "turbo"):
            raise InvalidInputError("clock", f"must be 'base' or 'turbo', got {quote(clock)}")
        cache_key = (key, sparsity, clock if self.cpu is not None else "")
        found = self._peaks.get(cache_key)
        if found is not None:  # derived (and so checked) before
            return found
        supported = self.precisions() + (["fp64_tensor"] if "fp64_tensor" in self.peak_tflops
                                         else [])
        if key not in supported:
            known = "" if key in PEAK_KEYS else f"unknown precision {quote(precision)}; "
            shown = key if key in PEAK_KEYS else quote(key)  # the caller's text: cut short
            raise InvalidInputError(
                "precision",
                f"{known}{self.name} ({self.id}) has no {shown} peak in the catalog; "
                f"supported: {', '.join(supported) or 'none'}",
            )
        if sparsity and not self.sparsity_2to4:
            raise InvalidInputError(
                "sparsity", f"{self.name} has no 2:4 structured sparsity; use sparsity=false")
        sparse_ok = self.sparse_precisions or list(SPARSE_PRECISIONS)
        if sparsity and key not in sparse_ok:
            raise InvalidInputError(
                "sparsity", f"on {self.name} 2:4 sparsity speeds up "
                f"{', '.join(sparse_ok)} only, not {key}; use sparsity=false")
        # A peak is a pure function of this frozen entry: derive it once.
        found = self._cpu_peak(key, clock) if self.cpu is not None else self._listed_peak(
            key, sparsity)
        self._peaks[cache_key] = found
        return found

    def _listed_peak(self, key: str, sparsity: bool) -> Peak:
        field = f"peak_tflops.{key}"
        source = self._source_for(field)
        unit = "TOPS" if key == "int8" else "TFLOP/s"
        label = f"{key} peak of {self.name}"
        dense = self.peak_tflops[key]
        notes = ["vendor figure at boost clock"]
        if key in self.peak_tflops_sparse_printed:
            printed = self.peak_tflops_sparse_printed[key]
            step = _step(f"dense {label}", "P = P_sparse / 2",
                         [("P_sparse", printed, unit, "vendor figure 'with sparsity'")],
                         f"{exact_number(printed)} / 2", dense, unit)
            notes.append("printed only with 2:4 sparsity; halved to dense")
        else:
            step = _step(f"dense {label}", "P = P_datasheet",
                         [("P_datasheet", dense, unit, "vendor dense figure")],
                         "P_datasheet", dense, unit)
        value = dense
        if sparsity:
            value = 2 * dense
            step = _step(f"sparse {label}", "P_sparse = 2 · P", [("P", dense, unit, "dense")],
                         f"2 × {exact_number(dense)}", value, unit)
            notes.append("with 2:4 structured sparsity (2× dense)")
        return Peak(flops_per_s=value * 1e12, precision=key, sparsity=sparsity, step=step,
                    source=source.as_source(), verified=not self._is_unverified(field),
                    note="; ".join(notes))

    def _cpu_peak(self, key: str, clock: str) -> Peak:
        assert self.cpu is not None
        inputs: list[tuple[str, float, str, str]] = []
        terms: list[str] = []
        total_gflops = 0.0
        rows: list[IsaRow] = []
        per_cycle_unit = "OP/cycle" if key == "int8" else "FLOP/cycle"
        for g in self.cpu.core_groups:
            row = max((self.cpu.isa_rows[k] for k in g.isa
                       if key in self.cpu.isa_rows[k].flops_per_cycle),
                      key=lambda r: r.flops_per_cycle[key])
            rows.append(row)
            ghz = g.base_ghz if clock == "base" else g.turbo_ghz
            per_cycle = row.flops_per_cycle[key]
            total_gflops += g.cores * ghz * per_cycle
            s = g.symbol
            inputs += [(f"n_{s}", g.cores, "cores", g.name),
                       (f"f_{s}", ghz, "GHz", f"{clock} clock"),
                       (f"F_{s}", per_cycle, per_cycle_unit, f"{row.name}, {key}")]
            terms.append(f"{g.cores} × {exact_number(ghz)} × {exact_number(per_cycle)}")
        symbols = " + ".join(f"n_{g.symbol}·f_{g.symbol}·F_{g.symbol}"
                             for g in self.cpu.core_groups)
        unit = "GOPS" if key == "int8" else "GFLOP/s"
        step = _step(f"{key} peak of {self.name} at {clock} clock", f"P = {symbols}",
                     inputs, " + ".join(terms), total_gflops, unit)
        more = list(dict.fromkeys(r.source for r in rows))
        verified = not self._is_unverified("cpu") and not any(r.unverified for r in rows)
        note = ("derived: cores × clock × FLOPs per cycle; "
                + ("all core groups at max turbo at once, an upper bound no chip sustains"
                   if clock == "turbo" else "base clock"))
        return Peak(flops_per_s=total_gflops * 1e9, precision=key, sparsity=False, step=step,
                    source=self._source_for("cpu").as_source(), more_sources=more,
                    verified=verified, note=note)


def exact_number(x: float) -> str:
    """Exact short form for hand checking: 989.5, 1,979, 3.2 (no 3-digit rounding).

    >>> exact_number(1979.0), exact_number(989.5), exact_number(1433.6000000000001)
    ('1,979', '989.5', '1,433.6')
    """
    return f"{x:,.10g}" if abs(x) < 1e15 else f"{x:.6g}"


def _step(name: str, formula: str, inputs: list[tuple[str, float, str, str]],
          expression: str, value: float, unit: str) -> Step:
    """A Step whose text keeps catalog figures exact (make_step rounds to 3 digits)."""
    parsed = [StepInput(symbol=s, value=v, unit=u, meaning=m) for s, v, u, m in inputs]
    lhs = formula.split("=", 1)[0].strip()
    where = ", ".join(f"{i.symbol} = {exact_number(i.value)} {i.unit}" for i in parsed)
    text = f"{lhs} = {expression} = {exact_number(value)} {unit}  ({where})"
    return Step(name=name, formula=formula, inputs=parsed, value=value, unit=unit, text=text)

