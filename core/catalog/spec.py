"""The hardware catalog's record types: precisions, sources, CPU core groups, peaks.

What one catalog entry is built from, validated strictly (``extra="forbid"``) when
``data/hardware.toml`` loads: the precision names (`PRECISIONS`, with the FP64
tensor/matrix key in `PEAK_KEYS` and the 2:4-sparse ones in `SPARSE_PRECISIONS`), a
cited document (`SourceRef`), the CPU ISA table
(`IsaRow`: FLOPs per cycle per core) and core groups (`CoreGroup`, `CpuSpec`), and a
derived peak with its step and source (`Peak`). The entry itself, with its peak
derivation, is `flopcast.catalog.device.Hardware`; the conventions (SI decimal
units, dense peaks, CPU :math:`R_{peak}`) are stated in that module's docstring.
"""

from __future__ import annotations

import re
import tomllib
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from flopcast.numbers.results import Source, Step

__all__ = [
    "KINDS",
    "PEAK_KEYS",
    "PRECISIONS",
    "SPARSE_PRECISIONS",
    "CoreGroup",
    "CpuSpec",
    "IsaRow",
    "Peak",
    "Precision",
    "SourceRef",
    "StrictModel",
]

Precision = Literal["fp64", "fp32", "tf32", "bf16", "fp16", "fp8", "int8", "fp4"]
PRECISIONS: tuple[str, ...] = ("fp64", "fp32", "tf32", "bf16", "fp16", "fp8", "int8", "fp4")
#: Keys a peak table may hold: the precisions plus the FP64 tensor/matrix peak, kept
#: apart from the FP64 vector peak (H100 SXM: 34 vector vs 67 tensor TFLOP/s).
PEAK_KEYS: tuple[str, ...] = PRECISIONS + ("fp64_tensor",)
#: Precisions 2:4 structured sparsity accelerates (tensor/matrix math only).
SPARSE_PRECISIONS: tuple[str, ...] = ("tf32", "bf16", "fp16", "fp8", "int8", "fp4")
KINDS: tuple[str, ...] = ("gpu", "tpu", "accelerator", "cpu")
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


class StrictModel(BaseModel):
    """A catalog record: unknown fields fail, values are frozen."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class SourceRef(StrictModel):
    """A document a catalog entry cites, with the fields it supports."""

    title: str = Field(min_length=3)
    url: str = Field(pattern=r"^https?://")
    retrieved: str = Field(pattern=_ISO_DATE.pattern)
    fields: list[str] = Field(min_length=1, description="Fields it supports: 'peak_tflops', "
                              "'peak_tflops.bf16', 'memory_gb', 'cpu', ...")
    note: str = ""

    def as_source(self) -> Source:
        return Source(title=self.title, url=self.url, retrieved=self.retrieved)

    def supports(self, field: str) -> bool:
        return field in self.fields or field.split(".", 1)[0] in self.fields


class IsaRow(StrictModel):
    """FLOPs per cycle per core that one instruction-set / core design sustains at peak."""

    name: str
    flops_per_cycle: dict[str, float]
    source: Source
    unverified: bool = False
    note: str = ""

    @model_validator(mode="after")
    def _known_precisions(self) -> IsaRow:
        for key, value in self.flops_per_cycle.items():
            if key not in PRECISIONS or not value > 0:
                raise ValueError(f"isa {self.name!r}: flops_per_cycle.{key} = {value} "
                                 f"(keys: {PRECISIONS}; values > 0)")
        return self


class CoreGroup(StrictModel):
    """Cores of one kind (P-cores, E-cores) in a CPU."""

    name: str
    symbol: str = Field(min_length=1, description="Subscript in the derivation, e.g. 'P'.")
    cores: int = Field(ge=1)
    base_ghz: float = Field(gt=0)
    turbo_ghz: float = Field(gt=0)
    isa: list[str] = Field(min_length=1, description="Keys into the catalog's [isa] table.")

    @model_validator(mode="after")
    def _turbo_not_below_base(self) -> CoreGroup:
        if self.turbo_ghz < self.base_ghz:
            raise ValueError(f"core group {self.name!r}: turbo_ghz < base_ghz")
        return self


class CpuSpec(StrictModel):
    """A CPU described by core groups; its peaks are derived (see the module docstring)."""

    core_groups: list[CoreGroup] = Field(min_length=1)
    threads: int | None = None
    isa_rows: dict[str, IsaRow] = Field(default_factory=dict,
                                        description="Filled by the loader from [isa].")

    @model_validator(mode="after")
    def _isa_known(self) -> CpuSpec:
        for group in self.core_groups:
            for key in group.isa:
                if key not in self.isa_rows:
                    raise ValueError(f"core group {group.name!r}: unknown isa {key!r}")
        return self


class Peak(BaseModel):
    """A device's peak rate at one precision, with how it was obtained."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    flops_per_s: float = Field(description="Per device; dense unless sparsity=True. "
                               "For int8: integer operations per second.")
    precision: str
    sparsity: bool
    step: Step
    source: Source
    more_sources: list[Source] = Field(default_factory=list)
    verified: bool = Field(default=True, description="False when a figure behind it was "
                           "not read in a primary source.")
    note: str = ""


def read_catalog_toml(text: str, catalog: str, keys: set[str]) -> dict[str, Any]:
    """The top-level tables of a catalog's TOML text.

    Raises:
        ValueError: a TOML syntax error, or a top-level key not in `keys`, naming `catalog`.
    """
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        raise ValueError(f"{catalog}: bad TOML: {e}") from e
    extra = set(raw) - keys
    if extra:
        raise ValueError(f"{catalog}: unknown top-level keys {sorted(extra)}")
    return raw
