"""Cost, energy and CO2 (flopcast.training.cost): formulas against published figures, by hand."""

from __future__ import annotations

import pytest

from flopcast.catalog.hardware import get_hardware
from flopcast.training.cost import (
    DEFAULT_CARBON_KG_PER_KWH,
    DEFAULT_PUE,
    co2_kg,
    energy_kwh,
    run_cost,
)
from flopcast.training.estimate import device_hours

DAY = 86400.0


def test_seed_energy_at_400_watts():
    # 835,584 GPU-hours × 400 W = 334,233.6 kWh before PUE (the seed's 284,000 kWh has no basis).
    assert energy_kwh(835_584, 400, 1.0) == pytest.approx(334_233.6)


def test_patterson_gpt3_energy_and_co2():
    # Patterson et al. 2021 Table 4: 10,000 V100 × 14.8 days at 330 W, PUE 1.10 → 1,287 MWh
    # printed (1,289 from these rounded inputs); 0.429 kg/kWh → 552 tCO2e.
    e = energy_kwh(device_hours(10_000, 14.8 * DAY), 330, 1.10)
    assert e == pytest.approx(1_287e3, rel=0.005)
    assert co2_kg(1_287e3, 0.429) / 1000 == pytest.approx(552, abs=1)


def test_run_cost_by_hand_with_every_value_given():
    # 1,000 device-hours at $2.50, 300 W, PUE 1.2, 0.5 kg/kWh:
    # cost 2,500 USD; energy 1,000 × 300 × 1.2 / 1000 = 360 kWh; CO2 180 kg.
    c = run_cost(get_hardware("a100-sxm4-80gb"), 1000.0, price_per_device_hour=2.5,
                 power_watts=300, pue=1.2, carbon_kg_per_kwh=0.5)
    assert (c.cost_usd, c.energy_kwh, c.co2_kg) == pytest.approx((2500.0, 360.0, 180.0))
    assert c.assumptions == []  # nothing was assumed
    assert [s.name for s in c.steps] == ["cost", "energy", "CO2"]


def test_run_cost_defaults_are_tdp_llama_pue_and_carbon():
    # LLaMA §6 assumes PUE 1.1 and 0.385 kg CO2eq/kWh; the A100 SXM TDP is 400 W.
    assert (DEFAULT_PUE, DEFAULT_CARBON_KG_PER_KWH) == (1.1, 0.385)
    c = run_cost(get_hardware("a100-sxm4-80gb"), 1000.0, price_per_device_hour=1.0)
    assert c.power_watts == 400
    assert c.energy_kwh == pytest.approx(1000 * 400 * 1.1 / 1000)
    assert c.co2_kg == pytest.approx(440 * 0.385)
    assert {a.name for a in c.assumptions} == {"power_watts", "pue", "carbon_kg_per_kwh"}


def test_run_cost_without_tdp_says_so_instead_of_guessing():
    c = run_cost(get_hardware("google-tpu-v4"), 1000.0, price_per_device_hour=1.0)
    assert c.power_watts is None and c.energy_kwh is None and c.co2_kg is None
    said = {a.name: a for a in c.assumptions}
    assert said["power_watts"].value == "none" and "power_watts" in said["power_watts"].source
