"""GPU micro-architecture: what a GPU's datasheet peak is made of.

``data/gpu_microarch.toml`` holds, per GPU, the SM count, Tensor Cores per SM, dense
FLOPs per clock per Tensor Core and per SM on the CUDA cores, and the clocks, each as
the vendor's architecture whitepaper prints it (the sources are listed per row in the
data file). `derive_gpu_peak` multiplies them out, P = n_SM · n_TC · F_TC · f, so
explain_flops can set a derived peak beside the datasheet figure in the hardware
catalog. Rows are validated at load against the catalog: unknown or repeated ids fail.
"""

from __future__ import annotations

import functools
import tomllib
from importlib import resources
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from flopcast.catalog.hardware import hardware_catalog
from flopcast.numbers.errors import InvalidInputError
from flopcast.numbers.quantities import format_number
from flopcast.numbers.results import Source, Step, make_step

__all__ = ["GpuMicroarch", "derive_gpu_peak", "gpu_microarch", "microarch_for"]


class GpuMicroarch(BaseModel):
    """One GPU's SM count, Tensor Cores and clocks (see data/gpu_microarch.toml)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    hardware: str
    also: list[str] = Field(default_factory=list)
    architecture: str
    sms: int = Field(gt=0)
    boost_ghz: float = Field(gt=0)
    tensor_boost_ghz: float | None = Field(default=None, gt=0)
    tensor_cores_per_sm: int = Field(gt=0)
    tensor_flops_per_clock: dict[str, float]
    vector_flops_per_clock_per_sm: dict[str, float]
    sources: list[Source] = Field(min_length=1)
    unverified: list[str] = Field(default_factory=list)
    note: str = ""


def _load_microarch(text: str) -> tuple[GpuMicroarch, ...]:
    raw = tomllib.loads(text)
    try:
        rows = tuple(GpuMicroarch.model_validate(r) for r in raw.get("gpu", []))
    except ValidationError as e:
        raise ValueError(f"gpu_microarch.toml: {e}") from e
    known = {hw.id for hw in hardware_catalog()}
    seen: set[str] = set()
    for row in rows:
        for hw_id in [row.hardware, *row.also]:
            if hw_id not in known:
                raise ValueError(f"gpu_microarch.toml: unknown hardware id {hw_id!r}")
            if hw_id in seen:
                raise ValueError(f"gpu_microarch.toml: {hw_id!r} listed twice")
            seen.add(hw_id)
    return rows


@functools.cache
def gpu_microarch() -> tuple[GpuMicroarch, ...]:
    """Every GPU micro-architecture row, validated against the hardware catalog."""
    data = resources.files("flopcast.catalog").joinpath("data/gpu_microarch.toml")
    text = data.read_text("utf-8")
    return _load_microarch(text)


def microarch_for(hardware_id: str) -> GpuMicroarch | None:
    """The micro-architecture row of a catalog id, or None when the table lacks it."""
    for row in gpu_microarch():
        if hardware_id == row.hardware or hardware_id in row.also:
            return row
    return None


def derive_gpu_peak(arch: GpuMicroarch, precision: str, *, clock: Literal["rated", "max_boost"]
                    = "rated") -> Step:
    """Derive a GPU's dense peak from its micro-architecture.

    Tensor precisions: P = n_SM · n_TC · F_TC · f; FP32/FP64 on CUDA cores:
    P = n_SM · F_SM · f (FMA = 2 FLOPs; NVIDIA architecture whitepapers, see the
    data file). ``clock="rated"`` uses the clock NVIDIA rates Tensor Core work at
    (``tensor_boost_ghz`` where the whitepaper gives one); ``"max_boost"`` the
    maximum boost clock. Ignores clock throttling under power limits, which is
    why measured GEMM rates fall below these peaks.

    Raises:
        InvalidInputError: `precision` not in this row.
    """
    key = precision.lower()
    if key in arch.tensor_flops_per_clock:
        ghz = arch.tensor_boost_ghz if (clock == "rated" and arch.tensor_boost_ghz) \
            else arch.boost_ghz
        per_clock = arch.tensor_flops_per_clock[key]
        value = arch.sms * arch.tensor_cores_per_sm * per_clock * ghz * 1e9
        return make_step(f"derived {key} Tensor Core peak ({clock} clock)",
                         "P = n_SM · n_TC · F_TC · f",
                         [("n_SM", arch.sms, "SMs"), ("n_TC", arch.tensor_cores_per_sm, "per SM"),
                          ("F_TC", per_clock, "FLOP/clock"), ("f", ghz * 1e9, "Hz")],
                         value, "FLOP/s",
                         expression=f"{arch.sms} × {arch.tensor_cores_per_sm} × "
                                    f"{format_number(per_clock)} × {format_number(ghz)} GHz")
    if key in arch.vector_flops_per_clock_per_sm:
        per_sm = arch.vector_flops_per_clock_per_sm[key]
        value = arch.sms * per_sm * arch.boost_ghz * 1e9
        return make_step(f"derived {key} CUDA-core peak", "P = n_SM · F_SM · f",
                         [("n_SM", arch.sms, "SMs"), ("F_SM", per_sm, "FLOP/clock"),
                          ("f", arch.boost_ghz * 1e9, "Hz")], value, "FLOP/s",
                         expression=f"{arch.sms} × {format_number(per_sm)} × "
                                    f"{format_number(arch.boost_ghz)} GHz")
    have = sorted({*arch.tensor_flops_per_clock, *arch.vector_flops_per_clock_per_sm})
    raise InvalidInputError("precision", f"no {key} in the {arch.architecture} micro-architecture "
                            f"table; available: {', '.join(have)}")
