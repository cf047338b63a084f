"""The range every numeric argument must fall in, each bound with the reason for it.

The bounds are physical, not technical: each is far beyond anything real (the reason
says how far), so no honest question is refused, and inside them every figure a tool
derives stays a finite float (products of a few bounded inputs stay below 1e308). They
are checked at the boundary: the input models carry them as `ge`/`le` (so every JSON
schema states them), and `parse_quantity` / `parse_duration_seconds` apply the same
bound to text such as "1e400" or "9×10^999" (`QUANTITY_BOUNDS`, by argument name).

A result that still holds a non-finite number is refused before it is serialized
(`flopcast.numbers.results.Result`), so no front end ever shows `inf` or writes invalid JSON.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from pydantic import BeforeValidator, Field, GetJsonSchemaHandler
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import CoreSchema

from flopcast.numbers.units import SECONDS_PER_DAY, SECONDS_PER_HOUR, SECONDS_PER_YEAR

__all__ = [
    "BatchArg",
    "BatchTokensArg",
    "Bound",
    "Co2Arg",
    "ContextArg",
    "CountArg",
    "FractionArg",
    "HeadsArg",
    "LayersArg",
    "VocabArg",
    "WidthArg",
    "DaysArg",
    "DeviceHoursArg",
    "EnergyArg",
    "FlopsArg",
    "HoursArg",
    "ParamsArg",
    "TokensArg",
    "UsdArg",
    "YearsArg",
    "DURATION_BOUND",
    "QUANTITY_BOUNDS",
    "MAX_BATCH",
    "MAX_CONTEXT",
    "MAX_COUNT",
    "MAX_HEADS",
    "MAX_LAYERS",
    "MAX_POWER_WATTS",
    "MAX_PRICE_PER_DEVICE_HOUR",
    "MAX_TFLOPS",
    "MAX_VOCAB",
    "MAX_WIDTH",
    "MIN_MFU",
    "MIN_TFLOPS",
    "OrText",
    "fraction_text",
    "whole_text",
]


@dataclass(frozen=True)
class Bound:
    """A closed range [minimum, maximum] in the argument's base unit, and why."""

    minimum: float
    maximum: float
    unit: str
    reason: str


# ---------------------------------------------------------------- devices and rates

#: More than 100× the largest clusters built or announced (~1e5 accelerators).
MAX_COUNT = 10_000_000
#: 1 EFLOP/s per device: 100× the fastest dense peak in the catalog (GB200, FP4, 1e4 TFLOP/s).
MAX_TFLOPS = 1e6
#: 1 MFLOP/s per device, a 1980s workstation: below it a run never ends (its time overflows).
MIN_TFLOPS = 1e-6
#: A millionth of peak: no run is that idle, and time = C / (n · peak · mfu) stays finite.
MIN_MFU = 1e-6
#: About 1,000× the dearest hourly price in the catalog (GB200, $10.50 per GPU-hour).
MAX_PRICE_PER_DEVICE_HOUR = 10_000.0
#: 100 kW per device: about 80× the highest TDP in the catalog (GB200, 1,200 W).
MAX_POWER_WATTS = 100_000.0

# ---------------------------------------------------------------- model shapes

#: About 800× the deepest model in the catalog (Llama 3.1 405B, 126 layers).
MAX_LAYERS = 100_000
#: Hidden / feed-forward / head widths: about 500× the widest in the catalog (MT-NLG, 20,480).
MAX_WIDTH = 10_000_000
#: About 7,800× the most attention heads in the catalog (128).
MAX_HEADS = 1_000_000
#: About 4,000× the largest vocabulary in the catalog (PaLM, 256,000).
MAX_VOCAB = 1_000_000_000
#: Tokens per sequence: 100× the longest context windows offered (~1e7 tokens).
MAX_CONTEXT = 1_000_000_000
#: Sequences per batch (or micro-batch): far beyond any serving or training batch.
MAX_BATCH = 10_000_000

# ---------------------------------------------------------------- counts and durations

#: Text such as "1e400" or "9×10^999" is held to these too (`parse_quantity`). The lower
#: bounds are the smallest meaningful amount (one parameter, token or FLOP; one cent; one
#: watt-hour; one device-second): a smaller one makes the ratios a claim implies overflow.
#: The reasons explain the upper bounds.
QUANTITY_BOUNDS: dict[str, Bound] = {
    "params": Bound(1, 1e15, "parameters", "more than 1,000× the largest model in the "
                    "catalog, DeepSeek-V3 with 6.71e11"),
    "active_params": Bound(1, 1e15, "parameters", "more than 1,000× the largest model in the "
                           "catalog, DeepSeek-V3 with 6.71e11"),
    "tokens": Bound(1, 1e17, "tokens", "more than 6,000× the largest training set in the "
                    "catalog, Llama 3.1 405B's 1.56e13 tokens"),
    "global_batch_tokens": Bound(1, 1e12, "tokens", "tokens per training step: about 60,000× "
                                 "Llama 3 405B's 16M-token batch"),
    "flops": Bound(1, 1e32, "FLOPs", "about a million times the largest published run, "
                   "Llama 3.1 405B's 3.8e25 FLOPs"),
    "budget_usd": Bound(0.01, 1e13, "USD", "about a tenth of world GDP"),
    "cost_usd": Bound(0.01, 1e13, "USD", "about a tenth of world GDP"),
    "energy_kwh": Bound(0.001, 1e13, "kWh", "about a third of the world's yearly electricity"),
    "co2_kg": Bound(0.001, 1e13, "kg CO2eq", "about a quarter of the world's yearly emissions "
                    "(~4e13 kg)"),
    "device_hours": Bound(1 / SECONDS_PER_HOUR, MAX_COUNT * 1e6 * SECONDS_PER_YEAR
                          / SECONDS_PER_HOUR, "device-hours",
                          "ten million devices for a million years"),
}

#: Durations, in seconds: at least one second (a shorter run makes every rate it implies
#: meaningless and overflows them), at most a million years (far past the "355 years" and
#: "700 years" claims flopcast checks).
DURATION_BOUND = Bound(1.0, 1e6 * SECONDS_PER_YEAR, "seconds", "a million years")


def _number(bound: Bound, unit_seconds: float = 1.0) -> object:
    return Field(ge=bound.minimum / unit_seconds, le=bound.maximum / unit_seconds)


# The annotations of the quantity arguments: a bounded number, or text parsed later and held
# to the same bound. The number branch carries the bound as `ge` / `le`, so every JSON schema
# states it.
ParamsArg = Annotated[float, _number(QUANTITY_BOUNDS["params"])] | str
TokensArg = Annotated[float, _number(QUANTITY_BOUNDS["tokens"])] | str
FlopsArg = Annotated[float, _number(QUANTITY_BOUNDS["flops"])] | str
BatchTokensArg = Annotated[float, _number(QUANTITY_BOUNDS["global_batch_tokens"])] | str
UsdArg = Annotated[float, _number(QUANTITY_BOUNDS["cost_usd"])] | str
EnergyArg = Annotated[float, _number(QUANTITY_BOUNDS["energy_kwh"])] | str
Co2Arg = Annotated[float, _number(QUANTITY_BOUNDS["co2_kg"])] | str
DeviceHoursArg = Annotated[float, _number(QUANTITY_BOUNDS["device_hours"])] | str
#: Durations whose bare numbers are in days, hours or years.
DaysArg = Annotated[float, _number(DURATION_BOUND, SECONDS_PER_DAY)] | str
HoursArg = Annotated[float, _number(DURATION_BOUND, SECONDS_PER_HOUR)] | str
YearsArg = Annotated[float, _number(DURATION_BOUND, SECONDS_PER_YEAR)] | str


# ---------------------------------------------------------------- whole numbers and fractions
# Integer arguments read text as people type it ("1,024", "1k", "32k", "2万", "三千") and
# fractions read percentages ("40%"); the bounds are the ones above, applied after reading.
# The JSON schema says so: the bounded number, or text.


class OrText:
    """JSON schema of a bounded number that also accepts text: {anyOf: [number, string]}."""

    def __get_pydantic_json_schema__(self, core_schema: CoreSchema,
                                     handler: GetJsonSchemaHandler) -> JsonSchemaValue:
        return {"anyOf": [handler(core_schema), {"type": "string"}]}


def whole_text(value: object) -> object:
    """A BeforeValidator for a whole-number argument whose bound is defined elsewhere."""
    return _whole(value)


def fraction_text(value: object) -> object:
    """A BeforeValidator for a fraction argument whose bound is defined elsewhere."""
    return _fraction(value)


def bytes_text(value: object) -> object:
    """A BeforeValidator for a size in bytes: "2 GB" (1e9 bytes each), "1.5GiB", "20亿字节"."""
    from flopcast.numbers.quantities import parse_bytes

    return parse_bytes(value, argument="value") if isinstance(value, str) else value


def _whole(value: object) -> object:
    from flopcast.numbers.quantities import parse_whole  # quantities imports this module

    return parse_whole(value, argument="value") if isinstance(value, str) else value


def _whole_binary(value: object) -> object:
    from flopcast.numbers.quantities import parse_whole

    return (parse_whole(value, argument="value", binary_k=True)
            if isinstance(value, str) else value)


def _fraction(value: object) -> object:
    from flopcast.numbers.quantities import parse_fraction

    return parse_fraction(value, argument="value") if isinstance(value, str) else value


_TEXT = OrText()
#: Devices, or a parallel degree: "1,024", "1k", "2万".
CountArg = Annotated[int, Field(ge=1, le=MAX_COUNT), BeforeValidator(_whole), _TEXT]
LayersArg = Annotated[int, Field(ge=1, le=MAX_LAYERS), BeforeValidator(_whole), _TEXT]
WidthArg = Annotated[int, Field(ge=1, le=MAX_WIDTH), BeforeValidator(_whole), _TEXT]
HeadsArg = Annotated[int, Field(ge=1, le=MAX_HEADS), BeforeValidator(_whole), _TEXT]
VocabArg = Annotated[int, Field(ge=1, le=MAX_VOCAB), BeforeValidator(_whole), _TEXT]
BatchArg = Annotated[int, Field(ge=1, le=MAX_BATCH), BeforeValidator(_whole), _TEXT]
#: Tokens per sequence: "32k" is 32,768 and "128K" 131,072, as model cards mean them.
ContextArg = Annotated[int, Field(ge=1, le=MAX_CONTEXT), BeforeValidator(_whole_binary), _TEXT]
#: A utilization: 0.4 or "40%".
FractionArg = Annotated[float, Field(ge=MIN_MFU, le=1), BeforeValidator(_fraction), _TEXT]
