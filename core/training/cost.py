"""Cost, energy and CO2 of a run's device-hours.

    cost   = device-hours × price per device-hour
    energy = device-hours × power per device × PUE / 1000      (kWh)
    CO2    = energy × grid carbon intensity                     (kg CO2eq)

Defaults, each reported in `assumptions` when used: the catalog's dated reference
on-demand price, the device's TDP, PUE 1.1 and 0.385 kg CO2eq/kWh (both as Touvron et
al. 2023, LLaMA §6, assume).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from flopcast.catalog.hardware import Hardware
from flopcast.numbers.quantities import format_number
from flopcast.numbers.results import Assumption, Step, make_step

__all__ = [
    "DEFAULT_CARBON_KG_PER_KWH",
    "DEFAULT_PUE",
    "RunCost",
    "co2_kg",
    "energy_kwh",
    "price_quote",
    "reference_price",
    "run_cost",
]

#: Power usage effectiveness, as Touvron et al. 2023 (LLaMA §6, carbon footprint) assume.
DEFAULT_PUE = 1.1
_PUE_SOURCE = "PUE 1.1, as assumed by Touvron et al. 2023 (LLaMA, §6 Carbon footprint)"
#: US national average carbon intensity used by Touvron et al. 2023 (LLaMA §6).
DEFAULT_CARBON_KG_PER_KWH = 0.385
_CARBON_SOURCE = (
    "0.385 kg CO2eq/kWh, the US national average used by Touvron et al. 2023 "
    "(LLaMA, §6 Carbon footprint)"
)
# The defaults as they appear in `assumptions` (frozen: one object serves every call).
_PUE_ASSUMPTION = Assumption(name="pue", value=format_number(DEFAULT_PUE), source=_PUE_SOURCE)
_CARBON_ASSUMPTION = Assumption(
    name="carbon_kg_per_kwh", value=f"{DEFAULT_CARBON_KG_PER_KWH} kg/kWh", source=_CARBON_SOURCE)


def energy_kwh(device_hours_: float, power_watts: float, pue: float) -> float:
    """Facility energy = device-hours × power per device × PUE, in kWh.

    >>> energy_kwh(835584, 400, 1.0)
    334233.6
    """
    return device_hours_ * power_watts / 1000.0 * pue


def co2_kg(energy_kwh_: float, carbon_kg_per_kwh: float) -> float:
    """CO2-equivalent = energy × grid carbon intensity.

    >>> round(co2_kg(1287e3, 0.429) / 1000)
    552
    """
    return energy_kwh_ * carbon_kg_per_kwh


def price_quote(hw: Hardware) -> str | None:
    """Whose catalog price this is and when it was read: "Lambda, 2026-05-07"; None if none."""
    ref = hw.price
    return None if ref is None else f"{ref.provider}, {ref.date}"


def reference_price(
    hw: Hardware, given: float | None
) -> tuple[float | None, list[Assumption]]:
    """The price to use: `given`, else the catalog's dated reference price (said in an
    Assumption), else None.
    """
    if given is not None or hw.price_usd_per_device_hour is None:
        return given, []
    price = hw.price_usd_per_device_hour
    quote = price_quote(hw)
    where = "catalog" if hw.price is None else f"{quote}: {hw.price.source.title}"
    return price, [_price_assumption(price, where)]


# The two assumptions below depend on catalog figures only: built once per entry.
@lru_cache(maxsize=256)
def _price_assumption(price: float, where: str) -> Assumption:
    return Assumption(name="price_per_device_hour", value=f"${format_number(price)} per "
                      "device-hour", source=f"catalog reference on-demand price ({where})")


@lru_cache(maxsize=256)
def _tdp_assumption(power: float, device: str) -> Assumption:
    return Assumption(name="power_watts", value=f"{format_number(power)} W",
                      source=f"TDP of {device} from the catalog (board power at full load; "
                      "real averages are often lower)")


@dataclass(frozen=True)
class RunCost:
    """Price, cost, power, PUE, energy, carbon intensity and CO2 of a run, with their steps
    and the defaults used. `None`: not computable (no price, or no power figure)."""

    price_usd_per_device_hour: float | None
    cost_usd: float | None
    power_watts: float | None
    pue: float
    energy_kwh: float | None
    carbon_kg_per_kwh: float
    co2_kg: float | None
    steps: list[Step]
    assumptions: list[Assumption]


def run_cost(
    hw: Hardware,
    dev_hours: float,
    *,
    price_per_device_hour: float | None = None,
    power_watts: float | None = None,
    pue: float | None = None,
    carbon_kg_per_kwh: float | None = None,
) -> RunCost:
    """Cost, energy and CO2 of `dev_hours` on `hw`; each `None` argument takes its default.

    >>> from flopcast.catalog.hardware import get_hardware
    >>> c = run_cost(get_hardware("a100-sxm4-80gb"), 1000.0, price_per_device_hour=2.0)
    >>> c.cost_usd, round(c.energy_kwh, 9)  # 1000 h × $2; 1000 h × 400 W (TDP) × 1.1 / 1000
    (2000.0, 440.0)
    """
    steps: list[Step] = []
    price, assumptions = reference_price(hw, price_per_device_hour)
    if price is None:
        assumptions.append(
            Assumption(name="price_per_device_hour", value="none",
                       source=f"the catalog has no dated reference price for {hw.name}; "
                       "give price_per_device_hour (USD) for a cost")
        )
    cost = None
    if price is not None:
        cost = dev_hours * price
        steps.append(
            make_step("cost", "cost = device-hours × price",
                      [("device-hours", dev_hours, "h"), ("price", price, "USD/h")], cost, "USD")
        )
    power = power_watts
    if power is None and hw.tdp_watts is not None:
        power = hw.tdp_watts
        assumptions.append(_tdp_assumption(power, hw.name))
    elif power is None:
        assumptions.append(
            Assumption(name="power_watts", value="none",
                       source=f"the vendor publishes no TDP for {hw.name}; give power_watts "
                       "(W per device) for energy and CO2")
        )
    if pue is None:
        pue = DEFAULT_PUE
        assumptions.append(_PUE_ASSUMPTION)
    carbon = carbon_kg_per_kwh
    if carbon is None:
        carbon = DEFAULT_CARBON_KG_PER_KWH
        assumptions.append(_CARBON_ASSUMPTION)
    energy = co2 = None
    if power is not None:
        energy = energy_kwh(dev_hours, power, pue)
        steps.append(
            make_step(
                "energy",
                "E = device-hours × P × PUE / 1000",
                [("device-hours", dev_hours, "h"), ("P", power, "W"), ("PUE", pue, "")],
                energy,
                "kWh",
            )
        )
        co2 = co2_kg(energy, carbon)
        steps.append(
            make_step("CO2", "CO2 = E × carbon intensity",
                      [("E", energy, "kWh"), ("carbon", carbon, "kg/kWh")], co2, "kg")
        )
    return RunCost(price_usd_per_device_hour=price, cost_usd=cost, power_watts=power, pue=pue,
                   energy_kwh=energy, carbon_kg_per_kwh=carbon, co2_kg=co2, steps=steps,
                   assumptions=assumptions)


