"""Which peak a run is measured against, and what fraction of it the run achieves.

* `pick_peak`: the device's dense peak at the asked precision, or bf16 → fp16 → fp32.
* MFU, model FLOPs utilization (Chowdhery et al. 2022, PaLM §4.1): model FLOPs (no
  recomputation) over what the devices could do at peak: `model_flops_utilization`.
* The per-device rate a trainer logs counts the recomputed work (Narayanan et al. 2021,
  Megatron-LM §5.1): `achieved_flops_per_s` = peak · MFU · C_hw / C_model.
* `MFU_SCENARIOS`: published MFUs of large runs, the low / typical / high band that
  estimates quote when the caller gives no utilization.
"""

from __future__ import annotations

from dataclasses import dataclass

from flopcast.catalog.hardware import Hardware, Peak
from flopcast.numbers.errors import InvalidInputError
from flopcast.numbers.quantities import format_number
from flopcast.numbers.results import Assumption

__all__ = [
    "DEFAULT_MFU",
    "MFU_SCENARIOS",
    "MfuScenario",
    "achieved_flops_per_s",
    "default_mfu",
    "model_flops_utilization",
    "pick_peak",
]


@dataclass(frozen=True)
class MfuScenario:
    """A published model FLOPs utilization, used as a named default."""

    name: str
    mfu: float
    source: str


#: Published MFU of large runs, low to high. Each is the paper's own figure.
MFU_SCENARIOS: tuple[MfuScenario, ...] = (
    MfuScenario(
        "low",
        0.213,
        "GPT-3 175B on V100: 21.3% MFU (Chowdhery et al. 2022, PaLM §4.1 Table 3)",
    ),
    MfuScenario(
        "typical",
        0.40,
        "Llama 3 405B on 16K H100: 38–43% BF16 MFU, midpoint 40% "
        "(Llama Team 2024, The Llama 3 Herd of Models §3.3.4 Table 4)",
    ),
    MfuScenario(
        "high",
        0.462,
        "PaLM 540B on 6144 TPU v4: 46.2% MFU (Chowdhery et al. 2022, PaLM §4.1 Table 3)",
    ),
)
DEFAULT_MFU = MFU_SCENARIOS[1]
# The default as it appears in `assumptions` (frozen: one object serves every call).
_MFU_ASSUMPTION = Assumption(
    name="mfu", value=format_number(DEFAULT_MFU.mfu), source=DEFAULT_MFU.source)
_BF16_ASSUMPTION = Assumption(
    name="precision", value="bf16", source="bf16, the usual mixed-precision training format")
# Precision fallbacks when the caller did not choose one and the device lacks bf16
# (V100, T4: FP16 tensor cores only; CPUs without AMX: FP32 vector units).
_PRECISION_FALLBACK = ("bf16", "fp16", "fp32")


def default_mfu() -> tuple[float, Assumption]:
    """The MFU used when the caller gives none (`DEFAULT_MFU`), and the Assumption saying so.

    >>> default_mfu()[0]
    0.4
    """
    return DEFAULT_MFU.mfu, _MFU_ASSUMPTION


def model_flops_utilization(
    flops: float, count: int, peak_flops_per_s: float, seconds: float
) -> float:
    """MFU = C_model / (n · peak · t) (PaLM §4.1). Above 1 means the claim is impossible.

    >>> round(model_flops_utilization(6 * 540e9 * 238.3e3, 6144, 275e12, 1.0), 3)
    0.457
    """
    return flops / (count * peak_flops_per_s * seconds)


def achieved_flops_per_s(peak_flops_per_s: float, mfu: float, hw_over_model: float) -> float:
    """Per-device rate counting recomputation: X = peak · MFU · C_hw / C_model.

    MFU counts model FLOPs only (PaLM §4.1), so with recomputation the devices
    execute C_hw / C_model times more per second than MFU alone says.

    >>> achieved_flops_per_s(312e12, 0.45, 8 / 6) / 1e12
    187.2
    """
    return peak_flops_per_s * mfu * hw_over_model


def pick_peak(
    hw: Hardware, precision: str | None, sparsity: bool
) -> tuple[Peak, list[Assumption]]:
    """The device's peak at `precision`, or at bf16 → fp16 → fp32 when none was asked for.

    Raises:
        InvalidInputError: the asked precision (or sparsity) is not available on `hw`.
    """
    if precision is not None:
        return hw.peak(precision, sparsity=sparsity), []
    available = hw.precisions()
    for candidate in _PRECISION_FALLBACK:
        if candidate in available:
            assumption = _BF16_ASSUMPTION
            if candidate != "bf16":
                assumption = Assumption(name="precision", value=candidate,
                                        source=f"{candidate}: {hw.name} has no bf16 peak")
            return hw.peak(candidate, sparsity=sparsity), [assumption]
    raise InvalidInputError(
        "precision", f"{hw.name} lists no bf16/fp16/fp32 peak; give one of {available}"
    )
