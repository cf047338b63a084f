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

from flopcast.numbers.errors import (
    FlopcastError,
    InvalidInputError,
    UnknownHardwareError,
    UnknownModelError,
)

__version__ = "0.1.0"

# public name -> module that defines it
_LAZY: dict[str, str] = {
    "Assumption": "flopcast.numbers.results",
    "Result": "flopcast.numbers.results",
    "Source": "flopcast.numbers.results",
    "Step": "flopcast.numbers.results",
    "parse_duration_seconds": "flopcast.numbers.quantities",
    "parse_quantity": "flopcast.numbers.quantities",
    "Hardware": "flopcast.catalog.hardware",
    "get_hardware": "flopcast.catalog.hardware",
    "hardware_catalog": "flopcast.catalog.hardware",
    "list_hardware": "flopcast.catalog.hardware",
    "Peak": "flopcast.catalog.hardware",
    "unverified_figures": "flopcast.catalog.hardware",
    "resolve_hardware": "flopcast.catalog.hardware",
    "ModelPreset": "flopcast.catalog.models",
    "get_model": "flopcast.catalog.models",
    "list_models": "flopcast.catalog.models",
    "model_catalog": "flopcast.catalog.models",
    "resolve_model": "flopcast.catalog.models",
    "training_flops": "flopcast.workload.flops",
    "resolve_workload": "flopcast.workload.resolve",
    "TrainingEstimate": "flopcast.training.estimate",
    "estimate_training": "flopcast.training.estimate",
    "GpuComparison": "flopcast.training.compare",
    "compare_gpus": "flopcast.training.compare",
    "ClusterPlan": "flopcast.cluster.plan",
    "plan_cluster_training": "flopcast.cluster.plan",
    "plan_compute_optimal": "flopcast.planning.optimal",
    "estimate_memory": "flopcast.memory.estimate",
    "training_state_bytes": "flopcast.memory.estimate",
    "estimate_inference": "flopcast.inference.estimate",
    "count_tokens": "flopcast.tokens.count",
    "explain_flops": "flopcast.explain.flops",
    "check_claim": "flopcast.claims.check",
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
    # The tool functions are made at run time from their input models (`tool_function`);
    # editors and mypy read their signatures from this generated stub instead.
    from flopcast._signatures import (
        check_claim,
        compare_gpus,
        count_tokens,
        estimate_inference,
        estimate_memory,
        estimate_training,
        explain_flops,
        list_hardware,
        list_models,
        plan_cluster_training,
        plan_compute_optimal,
        resolve_workload,
    )
    from flopcast.catalog.hardware import (
        Hardware,
        Peak,
        get_hardware,
        hardware_catalog,
        resolve_hardware,
        unverified_figures,
    )
    from flopcast.catalog.models import (
        ModelPreset,
        get_model,
        model_catalog,
        resolve_model,
    )
    from flopcast.cluster.plan import ClusterPlan
    from flopcast.memory.estimate import training_state_bytes
    from flopcast.numbers.quantities import parse_duration_seconds, parse_quantity
    from flopcast.numbers.results import Assumption, Result, Source, Step
    from flopcast.training.compare import GpuComparison
    from flopcast.training.estimate import TrainingEstimate
    from flopcast.workload.flops import training_flops
