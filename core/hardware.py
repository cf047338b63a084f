"""The hardware catalog: accelerators and CPUs with their peaks, memory, power and price.

The figures live in ``data/hardware.toml`` (its header documents every field);
this module loads them once, validates them strictly and answers two questions:
which device does a name mean (:func:`resolve_hardware`), and what is its peak
rate at a precision (:meth:`Hardware.peak`).

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

import functools
import re
import tomllib
from collections.abc import Mapping
from importlib import resources
from typing import Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PrivateAttr,
    ValidationError,
    model_validator,
)

from flopcast.errors import InvalidInputError, UnknownHardwareError, closest_matches
from flopcast.quantities import Language
from flopcast.results import Assumption, Result, Source, Step, StepInput
from flopcast.validation import validate_args

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
    "Price",
    "SourceRef",
    "get_hardware",
    "hardware_catalog",
    "list_hardware",
    "load_catalog_text",
    "resolve_hardware",
    "unverified_figures",
]

Precision = Literal["fp64", "fp32", "tf32", "bf16", "fp16", "fp8", "int8", "fp4"]
PRECISIONS: tuple[str, ...] = ("fp64", "fp32", "tf32", "bf16", "fp16", "fp8", "int8", "fp4")
#: Keys a peak table may hold: the precisions plus the FP64 tensor/matrix peak, kept
#: apart from the FP64 vector peak (H100 SXM: 34 vector vs 67 tensor TFLOP/s).
PEAK_KEYS: tuple[str, ...] = PRECISIONS + ("fp64_tensor",)
#: Precisions 2:4 structured sparsity accelerates (tensor/matrix math only).
SPARSE_PRECISIONS: tuple[str, ...] = ("tf32", "bf16", "fp16", "fp8", "int8", "fp4")
KINDS: tuple[str, ...] = ("gpu", "tpu", "accelerator", "cpu")
#: Field names a source may support or `unverified` may list ("peak_tflops.bf16" etc.).
_FIELD_NAMES = frozenset({
    "name", "form_factor", "launch_year", "memory_gb", "memory_bandwidth_gb_s",
    "tdp_watts", "peak_tflops", "sparsity_2to4", "cpu", "price",
})
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_GIB = 2**30


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class SourceRef(_Strict):
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


class Price(_Strict):
    """A dated public on-demand list price for one device-hour."""

    usd_per_device_hour: float = Field(gt=0)
    provider: str
    offering: str = Field(description="Instance or SKU, e.g. 'p4de.24xlarge (8 GPUs) ÷ 8'.")
    region: str = ""
    date: str = Field(pattern=_ISO_DATE.pattern, description="Date the price was read.")
    source: Source
    note: str = ""


class IsaRow(_Strict):
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


class CoreGroup(_Strict):
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


class CpuSpec(_Strict):
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
    price_usd_per_device_hour: float | None = None
    price: Price | None = None
    sources: list[SourceRef] = Field(min_length=1)
    unverified: list[str] = Field(default_factory=list)
    notes: list[str] = Field(default_factory=list)
    cpu: CpuSpec | None = None

    @model_validator(mode="before")
    @classmethod
    def _derive(cls, data: Any) -> Any:
        """Fill the derived fields (dense from sparse-printed, GB from GiB, price)."""
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
        price = data.get("price")
        if price is not None:
            value = price.usd_per_device_hour if isinstance(price, Price) else price.get(
                "usd_per_device_hour")
            if data.get("price_usd_per_device_hour") not in (None, value):
                raise ValueError("price_usd_per_device_hour disagrees with price")
            data["price_usd_per_device_hour"] = value
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
        if self.price_usd_per_device_hour is not None and self.price is None:
            raise ValueError("price_usd_per_device_hour needs a [price] table with its source")
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
            raise InvalidInputError("clock", f"must be 'base' or 'turbo', got {clock!r}")
        cache_key = (key, sparsity, clock if self.cpu is not None else "")
        found = self._peaks.get(cache_key)
        if found is not None:  # derived (and so checked) before
            return found
        supported = self.precisions() + (["fp64_tensor"] if "fp64_tensor" in self.peak_tflops
                                         else [])
        if key not in supported:
            known = "" if key in PEAK_KEYS else f"unknown precision {precision!r}; "
            raise InvalidInputError(
                "precision",
                f"{known}{self.name} ({self.id}) has no {key} peak in the catalog; "
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
                         f"{_num(printed)} / 2", dense, unit)
            notes.append("printed only with 2:4 sparsity; halved to dense")
        else:
            step = _step(f"dense {label}", "P = P_datasheet",
                         [("P_datasheet", dense, unit, "vendor dense figure")],
                         "P_datasheet", dense, unit)
        value = dense
        if sparsity:
            value = 2 * dense
            step = _step(f"sparse {label}", "P_sparse = 2 · P", [("P", dense, unit, "dense")],
                         f"2 × {_num(dense)}", value, unit)
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
            terms.append(f"{g.cores} × {_num(ghz)} × {_num(per_cycle)}")
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


def _num(x: float) -> str:
    """Exact short form for hand checking: 989.5, 1,979, 3.2 (no 3-digit rounding).

    >>> _num(1979.0), _num(989.5), _num(1433.6000000000001)
    ('1,979', '989.5', '1,433.6')
    """
    return f"{x:,.10g}" if abs(x) < 1e15 else f"{x:.6g}"


def _step(name: str, formula: str, inputs: list[tuple[str, float, str, str]],
          expression: str, value: float, unit: str) -> Step:
    """A Step whose text keeps catalog figures exact (make_step rounds to 3 digits)."""
    parsed = [StepInput(symbol=s, value=v, unit=u, meaning=m) for s, v, u, m in inputs]
    lhs = formula.split("=", 1)[0].strip()
    where = ", ".join(f"{i.symbol} = {_num(i.value)} {i.unit}" for i in parsed)
    text = f"{lhs} = {expression} = {_num(value)} {unit}  ({where})"
    return Step(name=name, formula=formula, inputs=parsed, value=value, unit=unit, text=text)


class Family(_Strict):
    """A family name ("a100") and the variant it means by default, with the reason."""

    default: str
    reason: str = Field(min_length=10)
    members: list[str] = Field(min_length=1)


class HardwareCatalog(_Strict):
    """The whole catalog: entries, family aliases and the CPU ISA table."""

    entries: tuple[Hardware, ...]
    families: dict[str, Family]
    isa: dict[str, IsaRow]
    index: dict[str, str] = Field(description="normalized name → hardware id")
    family_index: dict[str, str] = Field(description="normalized family → family name")


def _norm(name: str) -> str:
    """Case, space, hyphen, underscore and dot insensitive key: 'H100-SXM' → 'h100sxm'."""
    return re.sub(r"[\s\-_.]+", "", str(name).lower())


def load_catalog_text(text: str) -> HardwareCatalog:
    """Parse and validate catalog TOML (the shipped file or a test's string).

    Raises:
        ValueError: on a TOML error, an invalid entry (unknown or missing field, a
            peak without a source...), a duplicate id or alias, or a family pointing
            at an unknown id.
    """
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        raise ValueError(f"hardware catalog: bad TOML: {e}") from e
    extra = set(raw) - {"schema_version", "isa", "families", "hardware"}
    if extra:
        raise ValueError(f"hardware catalog: unknown top-level keys {sorted(extra)}")
    try:
        isa = {k: IsaRow.model_validate(v) for k, v in raw.get("isa", {}).items()}
        entries: list[Hardware] = []
        for item in raw.get("hardware", []):
            item = dict(item)
            if isinstance(item.get("cpu"), dict):
                if "isa_rows" in item["cpu"]:
                    raise ValueError("cpu.isa_rows is filled by the loader; use cpu.core_groups")
                used = {k for g in item["cpu"].get("core_groups", []) for k in g.get("isa", [])}
                missing = used - set(isa)
                if missing:
                    raise ValueError(f"{item.get('id')}: unknown isa {sorted(missing)}")
                item["cpu"] = {**item["cpu"], "isa_rows": {k: isa[k] for k in sorted(used)}}
            entries.append(Hardware.model_validate(item))
        families = {k: Family.model_validate(v) for k, v in raw.get("families", {}).items()}
    except ValidationError as e:
        raise ValueError(f"hardware catalog: {e}") from e
    index: dict[str, str] = {}
    for hw in entries:
        for name in [hw.id, *hw.aliases]:
            key = _norm(name)
            if key in index:
                raise ValueError(f"hardware catalog: duplicate id/alias {name!r} "
                                 f"({index[key]} and {hw.id})")
            index[key] = hw.id
    ids = {hw.id for hw in entries}
    family_index: dict[str, str] = {}
    for fam_name, fam in families.items():
        key = _norm(fam_name)
        if key in index or key in family_index:
            raise ValueError(f"hardware catalog: family {fam_name!r} collides with an alias")
        unknown = {fam.default, *fam.members} - ids
        if unknown or fam.default not in fam.members:
            raise ValueError(f"hardware catalog: family {fam_name!r}: unknown ids "
                             f"{sorted(unknown)} or default not among members")
        family_index[key] = fam_name
    return HardwareCatalog(entries=tuple(entries), families=families, isa=isa, index=index,
                           family_index=family_index)


@functools.cache
def _catalog() -> HardwareCatalog:
    text = resources.files("flopcast").joinpath("data/hardware.toml").read_text("utf-8")
    return load_catalog_text(text)


def hardware_catalog() -> tuple[Hardware, ...]:
    """Every catalog entry, loaded and validated on first use."""
    return _catalog().entries


def resolve_hardware(name: str, *, argument: str = "hardware"
                     ) -> tuple[Hardware, list[Assumption]]:
    """Find a device by id, alias or family name (case/space/hyphen insensitive).

    A family name ("a100", "h100", "tpu v4") returns its default variant and an
    Assumption saying which one and why.

    Raises:
        UnknownHardwareError: naming `argument`, with the closest ids.
    """
    hw, assumptions = _cached_lookup(name, argument)
    return hw, list(assumptions)


@functools.cache
def _by_id() -> dict[str, Hardware]:
    return {hw.id: hw for hw in _catalog().entries}


@functools.lru_cache(maxsize=256)
def _cached_lookup(name: str, argument: str) -> tuple[Hardware, tuple[Assumption, ...]]:
    """resolve_hardware's lookup; the catalog is fixed, so a name always finds the same entry
    (unknown names raise every time: errors are not cached)."""
    cat = _catalog()
    by_id = _by_id()
    for key in _candidate_keys(name):
        if key in cat.index:
            return by_id[cat.index[key]], ()
        if key in cat.family_index:
            fam_name = cat.family_index[key]
            fam = cat.families[fam_name]
            hw = by_id[fam.default]
            others = ", ".join(m for m in fam.members if m != fam.default)
            text = f"{fam.reason} Other variants: {others}." if others else fam.reason
            return hw, (Assumption(name=argument, value=f"{hw.id} ({hw.name})",
                                   source=f"'{name}' is a family; default variant: {text}"),)
    key = _norm(name)
    pool = {**{k: v for k, v in cat.index.items()},
            **{k: cat.families[f].default for k, f in cat.family_index.items()}}
    near = closest_matches(key, list(pool), n=8)
    suggestions = list(dict.fromkeys(pool[k] for k in near))[:5]
    raise UnknownHardwareError(argument, str(name), suggestions)


#: Brand words a user may put before a model name ("NVIDIA H100", "Tesla V100").
_BRAND_WORDS = ("nvidia", "amd", "google", "cloud", "intel", "habana", "tesla", "geforce",
                "instinct")


def _candidate_keys(name: str) -> list[str]:
    """The normalized name, then the same without leading brand words."""
    key = _norm(name)
    keys = [key]
    stripped = True
    while stripped:
        stripped = False
        for word in _BRAND_WORDS:
            if key.startswith(word) and len(key) > len(word):
                key = key[len(word):]
                keys.append(key)
                stripped = True
    return keys


def get_hardware(name: str) -> Hardware:
    """The device `name` means (see :func:`resolve_hardware`)."""
    return resolve_hardware(name)[0]


def unverified_figures() -> list[tuple[str, str]]:
    """(hardware id or 'isa.<row>', field) for every figure not read in a primary source."""
    cat = _catalog()
    out = [(hw.id, field) for hw in cat.entries for field in hw.unverified]
    out += [(f"isa.{k}", "flops_per_cycle") for k, row in cat.isa.items() if row.unverified]
    return out


# ------------------------------------------------------------ list_hardware tool


class ListHardwareInput(BaseModel):
    """Arguments of the list_hardware tool."""

    model_config = ConfigDict(extra="forbid")

    vendor: str | None = Field(default=None, description="Only this vendor, e.g. 'NVIDIA', "
                               "'AMD', 'Google', 'Intel' (case-insensitive); null for all.")
    kind: Literal["gpu", "tpu", "accelerator", "cpu"] | None = Field(
        default=None, description="Only this kind of device; null for all.")
    training_only: bool = Field(default=False, description="Only datacenter training "
                                "accelerators (the default set compared by compare_gpus).")
    language: Language = Field(default="en", description="Language of the summary: 'en' or 'zh'.")


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
        price_usd_per_device_hour=hw.price_usd_per_device_hour,
        price_provider=hw.price.provider if hw.price else None,
        price_date=hw.price.date if hw.price else None, aliases=list(hw.aliases),
        sources=[s.as_source() for s in hw.sources], unverified=list(hw.unverified),
        notes=list(hw.notes),
    ), steps


def _cell(x: float | None) -> str:
    """A table cell: exact catalog figures, derived ones to 2 decimals (4 below 10)."""
    if x is None:
        return "–"
    return _num(round(x, 4 if abs(x) < 10 else 2))


def list_hardware(*, vendor: str | None = None, kind: str | None = None,
                  training_only: bool = False, language: Language = "en") -> ListHardwareResult:
    """List catalog devices with their peaks, memory, power, price and sources.

    Raises:
        InvalidInputError: an unknown `vendor` or `kind` (the message lists the known ones).
    """
    args = validate_args(ListHardwareInput, locals())
    devices = hardware_catalog()
    if args.vendor is not None:
        vendors = sorted({hw.vendor for hw in devices})
        wanted = args.vendor.strip().lower()
        if wanted not in {v.lower() for v in vendors}:
            raise InvalidInputError("vendor", f"unknown vendor {args.vendor!r}; "
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
