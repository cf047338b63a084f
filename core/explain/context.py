"""What every explain_flops topic writes with: the context that collects the text, and
the number formats and sources the topics share.

`ExplainContext` gathers a topic's Markdown lines (English or Chinese), its `steps`,
`sources`, `assumptions` and the catalog ids of the devices it names; `explain_flops`
(flopcast.explain.flops) creates one per call and assembles the `Explanation` from it. The
topics themselves live in flopcast.explain.compute (FLOPs vs FLOP/s, 6·N·D),
flopcast.explain.peaks (peak derivation, precision and sparsity) and
flopcast.explain.utilization (benchmarks, MFU/HFU).

Sources cited by more than one topic module: PaLM (Chowdhery et al. 2022, §4.1 and
Table 3) and Megatron-LM (Narayanan et al. 2021, §5.1 Eq. (3)-(4), Table 1).
"""

from __future__ import annotations

from collections.abc import Callable

from flopcast.catalog.hardware import Hardware
from flopcast.numbers.quantities import Language, format_number
from flopcast.numbers.results import Assumption, Source, Step
from flopcast.training.utilization import pick_peak

__all__ = [
    "MEGATRON_SOURCE",
    "PALM_SOURCE",
    "ExplainContext",
    "fmt_num",
    "fmt_pct",
    "fmt_tflops",
    "training_precision",
]

PALM_SOURCE = Source(title="Chowdhery et al. 2022, 'PaLM: Scaling Language Modeling with "
                     "Pathways', §4.1 Training efficiency and Table 3",
                     url="https://arxiv.org/abs/2204.02311")
MEGATRON_SOURCE = Source(title="Narayanan et al. 2021, 'Efficient Large-Scale Language Model "
                         "Training on GPU Clusters Using Megatron-LM', §5.1 Eq. (3)-(4), Table 1",
                         url="https://arxiv.org/abs/2104.04473")


class ExplainContext:
    """Collects lines, steps, sources and devices while a topic is written.

    Args:
        language: "en" or "zh"; `t` and `add` pick the text in that language.
        get_hardware: the catalog lookup the topics use for their default devices
            (flopcast.explain.flops passes its own `get_hardware`, so the catalog the text
            follows is the one that module sees).
    """

    def __init__(self, language: Language, get_hardware: Callable[[str], Hardware]) -> None:
        self.zh = language == "zh"
        self.get_hardware = get_hardware
        self.lines: list[str] = []
        self.steps: list[Step] = []
        self.sources: list[Source] = []
        self.assumptions: list[Assumption] = []
        self.devices: list[str] = []

    def t(self, en: str, zh: str) -> str:
        return zh if self.zh else en

    def add(self, en: str, zh: str = "") -> None:
        self.lines.append(zh if self.zh and zh else en)

    def step(self, step: Step) -> float:
        self.steps.append(step)
        return step.value

    def device(self, hw: Hardware) -> None:
        if hw.id not in self.devices:
            self.devices.append(hw.id)
        for s in hw.sources[:1]:
            self.sources.append(s.as_source())

    def default(self, devices: list[Hardware], *ids: str) -> list[Hardware]:
        """The caller's devices, or the topic's default catalog ids when there are none."""
        return devices or [self.get_hardware(i) for i in ids]


def fmt_num(x: float) -> str:
    return format_number(x)


def fmt_pct(x: float) -> str:
    return f"{format_number(x * 100)}%"


def fmt_tflops(flops_per_s: float) -> str:
    return format_number(flops_per_s / 1e12, 4)


def training_precision(hw: Hardware) -> str:
    """The precision estimate_training would use on `hw` (training.pick_peak's policy)."""
    return pick_peak(hw, None, False)[0].precision
