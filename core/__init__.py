"""flopcast: deterministic estimates of the compute large models need.

Every tool function returns a pydantic result with `steps` (the derivation),
`assumptions` (defaults used, with sources) and `summary` (Markdown, en or zh)::

    >>> import flopcast
    >>> r = flopcast.estimate_training(model="gpt-3-175b", hardware="a100", count=1024,
    ...                                achieved_tflops=140, recompute="full")
    >>> round(r.days, 1)
    33.8

Names are imported on first use (PEP 562), so `import flopcast` stays cheap and
never imports fastmcp, langchain_core, tiktoken or rich.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from flopcast.errors import (
    FlopcastError,
    InvalidInputError,
    UnknownHardwareError,
    UnknownModelError,
)

__version__ = "0.1.0"

# public name -> module that defines it
_LAZY: dict[str, str] = {
    "Assumption": "flopcast.results",
    "Result": "flopcast.results",
    "Source": "flopcast.results",
    "Step": "flopcast.results",
    "parse_duration_seconds": "flopcast.quantities",
    "parse_quantity": "flopcast.quantities",
    "Hardware": "flopcast.hardware",
    "get_hardware": "flopcast.hardware",
    "hardware_catalog": "flopcast.hardware",
    "list_hardware": "flopcast.hardware",
    "Peak": "flopcast.hardware",
    "unverified_figures": "flopcast.hardware",
    "resolve_hardware": "flopcast.hardware",
    "ModelPreset": "flopcast.models",
    "get_model": "flopcast.models",
    "list_models": "flopcast.models",
    "model_catalog": "flopcast.models",
    "resolve_model": "flopcast.models",
    "training_flops": "flopcast.flops",
    "resolve_workload": "flopcast.workload",
    "TrainingEstimate": "flopcast.training",
    "estimate_training": "flopcast.training",
    "GpuComparison": "flopcast.compare",
    "compare_gpus": "flopcast.compare",
    "plan_compute_optimal": "flopcast.scaling",
    "estimate_memory": "flopcast.memory",
    "training_state_bytes": "flopcast.memory",
    "estimate_inference": "flopcast.inference",
    "count_tokens": "flopcast.tokens",
    "explain_flops": "flopcast.explain",
    "check_claim": "flopcast.claims",
}

__all__ = sorted(
    [
        "FlopcastError",
        "InvalidInputError",
        "UnknownHardwareError",
        "UnknownModelError",
        "__version__",
        *_LAZY,
    ]
)


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'flopcast' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))


if TYPE_CHECKING:  # pragma: no cover - for type checkers and IDEs only
    from flopcast.compare import GpuComparison, compare_gpus
    from flopcast.hardware import (
        Hardware,
        Peak,
        get_hardware,
        hardware_catalog,
        list_hardware,
        resolve_hardware,
        unverified_figures,
    )
    from flopcast.models import (
        ModelPreset,
        get_model,
        list_models,
        model_catalog,
        resolve_model,
    )
    from flopcast.quantities import parse_duration_seconds, parse_quantity
    from flopcast.results import Assumption, Result, Source, Step
    from flopcast.training import TrainingEstimate, estimate_training
