"""Cluster presets, interconnect figures and achievable GEMM fractions (``data/clusters.toml``).

A cluster, for the step-time model, is: the device, how many devices share one scale-up
domain (an NVLink/NVSwitch board, an NVL72 rack, a TPU pod), the per-device bandwidth and
latency inside that domain and between domains, and the achievable fraction of the dense peak
for matrix multiplies on that device generation. Every figure comes from the catalog with its
source; the plain arguments of `plan_training` override any of them.

Bandwidths are per device and per direction (NVIDIA prints NVLink as a bidirectional total: the
catalog stores half of it and says so).
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from pydantic import BaseModel, ConfigDict, Field

from flopcast.numbers.errors import InvalidInputError, closest_matches, quote

__all__ = [
    "GemmCurve",
    "Link",
    "System",
    "SystemEntry",
    "cluster_catalog",
    "gemm_curve",
    "resolve_system",
]


class Link(BaseModel):
    """One interconnect technology (see the header of clusters.toml)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str
    name: str
    gb_s: float = Field(gt=0, le=100_000)
    latency_us: float = Field(ge=0, le=10_000)
    source_url: str
    source_title: str
    retrieved: str
    latency_source: str
    unverified: bool
    note: str = ""


class SystemEntry(BaseModel):
    """A named cluster preset as stored."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str
    name: str
    aliases: list[str] = Field(default_factory=list)
    hardware: str
    devices_per_node: int = Field(ge=1, le=100_000)
    scale_up: str
    scale_out: str
    scale_out_links: int = Field(ge=1, le=64)
    source_url: str
    source_title: str
    retrieved: str
    unverified: bool
    note: str = ""


class GemmEntry(BaseModel):
    """Achievable GEMM fraction of one device generation as stored."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    generation: str
    hardware: list[str]
    max_fraction: float = Field(ge=0, le=1)
    half_flops: float = Field(gt=0)
    hbm_fraction: float = Field(gt=0, le=1)
    source_title: str
    source_url: str
    retrieved: str
    note: str = ""


@dataclass(frozen=True)
class System:
    """A resolved cluster: the figures the step-time model reads, SI units."""

    id: str
    name: str
    hardware: str
    devices_per_node: int
    scale_up_bytes_per_s: float
    scale_out_bytes_per_s: float
    scale_up_latency_s: float
    scale_out_latency_s: float
    scale_up: Link
    scale_out: Link


@dataclass(frozen=True)
class GemmCurve:
    """fraction(F) = max_fraction · F / (F + half_flops); `calibrated_on` names the generation."""

    max_fraction: float
    half_flops: float
    hbm_fraction: float
    calibrated_on: str
    source: str

    def fraction(self, gemm_flops: float) -> float:
        """Achievable fraction of the dense peak for one GEMM of `gemm_flops` FLOPs.

        >>> GemmCurve(0.8, 1e11, 0.8, "x", "").fraction(1e11)
        0.4
        """
        return self.max_fraction * gemm_flops / (gemm_flops + self.half_flops)


@dataclass(frozen=True)
class ClusterCatalog:
    links: dict[str, Link]
    systems: dict[str, SystemEntry]
    gemm: tuple[GemmEntry, ...]


def load_cluster_text(text: str) -> ClusterCatalog:
    """Parse and validate clusters.toml text (duplicate ids and unknown links fail)."""
    raw = tomllib.loads(text)
    links: dict[str, Link] = {}
    for item in raw.get("link", []):
        link = Link.model_validate(item)
        if link.id in links:
            raise ValueError(f"duplicate link id {link.id!r}")
        links[link.id] = link
    systems: dict[str, SystemEntry] = {}
    for item in raw.get("system", []):
        entry = SystemEntry.model_validate(item)
        if entry.id in systems:
            raise ValueError(f"duplicate system id {entry.id!r}")
        for link_id in (entry.scale_up, entry.scale_out):
            if link_id not in links:
                raise ValueError(f"system {entry.id!r}: unknown link {link_id!r}")
        systems[entry.id] = entry
    gemm = tuple(GemmEntry.model_validate(item) for item in raw.get("gemm", []))
    return ClusterCatalog(links, systems, gemm)


@lru_cache(maxsize=1)
def cluster_catalog() -> ClusterCatalog:
    """The shipped catalog, parsed once."""
    text = resources.files("flopcast.catalog").joinpath("data/clusters.toml").read_text("utf-8")
    return load_cluster_text(text)


def _key(name: str) -> str:
    return "".join(c for c in name.lower() if c.isalnum())


def resolve_system(name: str) -> System:
    """A system preset by id or alias (case, spaces and hyphens ignored).

    Raises:
        InvalidInputError: an unknown name, with the closest ids.
    """
    cat = cluster_catalog()
    wanted = _key(name)
    for entry in cat.systems.values():
        if wanted in {_key(entry.id), *(_key(a) for a in entry.aliases)}:
            up, out = cat.links[entry.scale_up], cat.links[entry.scale_out]
            return System(
                id=entry.id, name=entry.name, hardware=entry.hardware,
                devices_per_node=entry.devices_per_node,
                scale_up_bytes_per_s=up.gb_s * 1e9,
                scale_out_bytes_per_s=out.gb_s * 1e9 * entry.scale_out_links,
                scale_up_latency_s=up.latency_us * 1e-6,
                scale_out_latency_s=out.latency_us * 1e-6,
                scale_up=up, scale_out=out,
            )
    close = closest_matches(name, list(cat.systems), cutoff=0.4)
    hint = f"; did you mean {', '.join(close)}?" if close else ""
    raise InvalidInputError(
        "system", f"unknown cluster {quote(name)}; known: {', '.join(cat.systems)}{hint}"
    )


def default_system_for(hardware_id: str) -> str | None:
    """The first preset built from `hardware_id`, if any."""
    for entry in cluster_catalog().systems.values():
        if entry.hardware == hardware_id:
            return entry.id
    return None


def gemm_curve(hardware_id: str, peak_flops_per_s: float) -> GemmCurve:
    """The achievable-GEMM curve of the device's generation.

    A generation without its own calibrated entry gets the first entry's (Ampere) curve: the
    same maximum fraction and the same half-efficiency GEMM size (the size effect comes from
    how many output tiles a GEMM gives each streaming multiprocessor, and the A100's 108 and
    H100's 132 SMs are close); the result's assumptions say so.
    """
    cat = cluster_catalog()
    for entry in cat.gemm:
        if hardware_id in entry.hardware:
            return GemmCurve(entry.max_fraction, entry.half_flops, entry.hbm_fraction,
                             entry.generation, entry.source_title)
    base = cat.gemm[0]
    return GemmCurve(base.max_fraction, base.half_flops,
                     base.hbm_fraction, f"{base.generation} (not calibrated for this device)",
                     base.source_title)
