"""Cost, energy and CO2 of a run's device-hours.

    cost   = device-hours × price per device-hour
    energy = device-hours × power per device × PUE / 1000      (kWh)
    CO2    = energy × grid carbon intensity                     (kg CO2eq)

Defaults, each reported in `assumptions` when used: a dated on-demand quote from
``data/prices.toml`` chosen by `provider` (default: the reference provider where it quotes
the device, else the lowest; `flopcast.catalog.prices`), named with its provider, instance,
date and source; the device's TDP, PUE 1.1 and 0.385 kg CO2eq/kWh (both as Touvron et
al. 2023, LLaMA §6, assume).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from flopcast.catalog.hardware import Hardware
from flopcast.catalog.prices import Quote, check_provider, price_book, select_quote
from flopcast.numbers.quantities import format_number
from flopcast.numbers.results import Assumption, Step, make_step

__all__ = [
    "DEFAULT_CARBON_KG_PER_KWH",
    "DEFAULT_PUE",
    "RunCost",
    "co2_kg",
    "energy_kwh",
    "choose_price",
    "price_quote",
    "reference_price",
    "rule_text",
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


def price_quote(found: Quote | None) -> str | None:
    """Whose quote and when, short: "Lambda, 2026-09-20" ("…, reserved" / "…, spot" for
    those kinds, "…, unverified" when read in a copy); None for no quote."""
    if found is None:
        return None
    kind = "" if found.kind == "on-demand" else f", {found.kind}"
    return f"{found.provider}, {found.date}{kind}" + (", unverified" if found.unverified else "")


def choose_price(
    hw: Hardware, given: float | None, provider: str | None = None
) -> tuple[float | None, Quote | None, list[Assumption]]:
    """The price to use, the quote it comes from and the Assumption that says so: `given`
    (explicit, wins over `provider`), else the quote `provider` selects (None: the default
    rule of `flopcast.catalog.prices`), else None with an Assumption saying why.

    Raises:
        InvalidInputError: an unknown `provider` (the message lists the accepted ones).
    """
    chosen = check_provider(provider)
    if given is not None:
        return given, None, []
    price, found, assumption = _catalog_price(hw.id, hw.name, chosen)
    return price, found, [assumption]


@lru_cache(maxsize=1024)
def _catalog_price(hw_id: str, name: str, provider: str | None
                   ) -> tuple[float | None, Quote | None, Assumption]:
    """The quote `provider` selects for a device and its Assumption: a pure function of the
    catalog, so worked out once per (device, provider)."""
    choice = select_quote(hw_id, provider)
    if choice.quote is None:
        return None, None, _no_price_assumption(hw_id, name, provider)
    return choice.quote.usd_per_device_hour, choice.quote, _price_assumption(choice.quote,
                                                                             choice.rule)


def reference_price(
    hw: Hardware, given: float | None, provider: str | None = None
) -> tuple[float | None, list[Assumption]]:
    """The price to use (`choose_price`) and the Assumption naming its quote; the Assumption
    is empty when `given` is used and when no quote exists."""
    price, found, assumptions = choose_price(hw, given, provider)
    return price, assumptions if found is not None else []


def rule_text(rule: str, provider: str) -> str:
    """How the quote was chosen, in words (shown in assumptions and compare_gpus notes)."""
    ref = price_book().reference_provider
    return {
        "reference": f"default rule: {ref} when it quotes the device",
        "lowest": "lowest on-demand quote",
        "fallback": f"default rule: no {ref} quote, so the lowest on-demand quote",
        "provider": f"provider {provider}",
    }[rule]


def _price_assumption(found: Quote, rule: str) -> Assumption:
    title = found.source.title.replace('"', "'")
    flag = ", unverified" if found.unverified else ""
    return Assumption(
        name="price_per_device_hour",
        value=f"${format_number(found.usd_per_device_hour)} per device-hour",
        source=f"{rule_text(rule, found.provider)}: {found.provider} {found.date} "
        f"({found.kind}{flag}), {found.derivation()}; \"{found.instance}: {title}\"")


def _no_price_assumption(hw_id: str, name: str, provider: str | None) -> Assumption:
    if provider is None or provider == "lowest":
        why = f"the catalog has no dated reference price for {name}"
    else:
        others = sorted(price_book().current.get(hw_id, {}))
        why = (f"{provider} has no on-demand quote for {name}"
               + (f"; quoted by: {', '.join(others)}" if others else ""))
    return Assumption(name="price_per_device_hour", value="none",
                      source=f"{why}; give price_per_device_hour (USD) for a cost")


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
    provider: str | None = None,
    power_watts: float | None = None,
    pue: float | None = None,
    carbon_kg_per_kwh: float | None = None,
) -> RunCost:
    """Cost, energy and CO2 of `dev_hours` on `hw`; each `None` argument takes its default
    (`provider` picks the quote when no price is given: `choose_price`).

    >>> from flopcast.catalog.hardware import get_hardware
    >>> c = run_cost(get_hardware("a100-sxm4-80gb"), 1000.0, price_per_device_hour=2.0)
    >>> c.cost_usd, round(c.energy_kwh, 9)  # 1000 h × $2; 1000 h × 400 W (TDP) × 1.1 / 1000
    (2000.0, 440.0)
    """
    steps: list[Step] = []
    price, _, assumptions = choose_price(hw, price_per_device_hour, provider)
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


