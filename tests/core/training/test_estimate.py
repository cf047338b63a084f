"""estimate_training against the seed's figures and published estimates.

Every expected value is worked out by hand in the test from the paper's inputs.
"""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import flopcast
from flopcast.numbers.errors import InvalidInputError, UnknownHardwareError
from flopcast.training.estimate import device_hours, estimate_training, training_seconds

DAY = 86400.0
YEAR_365 = 365 * DAY  # Lambda's years are calendar years of 365 days


def test_megatron_gpt3_on_1024_a100_is_34_days():
    # Narayanan et al. 2021 §5.1: time ≈ 8·T·P / (n·X); T = 300e9, P = 175e9, n = 1024,
    # X = 140e12 FLOP/s achieved → 8·300e9·175e9 / (1024·140e12) s = 2.93e6 s = 33.9 days
    # ("34 days" in the paper). The factor 8 is 6ND plus one recomputed forward pass.
    r = estimate_training(
        params=175e9, tokens="300B", hardware="nvidia-a100-sxm4-80gb", count=1024,
        achieved_tflops=140, recompute="full",
    )
    expected_days = 8 * 300e9 * 175e9 / (1024 * 140e12) / DAY
    assert r.days == pytest.approx(expected_days, rel=1e-9)
    assert round(r.days) == 34
    assert r.flops == pytest.approx(6 * 175e9 * 300e9)
    assert r.hardware_flops == pytest.approx(8 * 175e9 * 300e9)


def test_megatron_1t_on_3072_a100_is_83_days():
    # Narayanan et al. 2021 §5.1: 1T params, 450B tokens, 3072 A100 at 163 TFLOP/s:
    # 8·450e9·1e12 / (3072·163e12) s = 83.2 days; the paper prints "84 days".
    r = estimate_training(
        params="1T", tokens="450B", hardware="a100", count=3072, achieved_tflops=163,
        recompute="full",
    )
    assert r.days == pytest.approx(8 * 450e9 * 1e12 / (3072 * 163e12) / DAY, rel=1e-9)
    assert r.days == pytest.approx(83.2, abs=0.05)


def test_device_hours_of_the_seed():
    # Seed: 1024 A100 × 34 days × 24 h = 835,584 GPU-hours.
    assert device_hours(1024, 34 * DAY) == 835_584


def test_lambda_355_gpu_years_and_4_6_million():
    # Lambda Labs (2020): 3.14e23 FLOPs at 28 TFLOP/s = 1.1214e10 s = 355.6 years of 365 days,
    # "$4.6M" at about $1.50 per V100-hour.
    r = estimate_training(
        flops="3.14e23", hardware="v100", count=1, achieved_tflops=28,
        price_per_device_hour=1.5,
    )
    assert r.seconds == pytest.approx(3.14e23 / 28e12)
    assert r.seconds / YEAR_365 == pytest.approx(355.6, abs=0.05)
    assert r.cost_usd == pytest.approx(3.14e23 / 28e12 / 3600 * 1.5)
    assert r.cost_usd == pytest.approx(4.6e6, rel=0.02)


@pytest.mark.parametrize(
    ("flops", "years"),
    [
        (3.14e23, 3.14e23 / 28e12 / YEAR_365),  # 355.6: the seed's 355 years
        (3.114e23, 3.114e23 / 28e12 / YEAR_365),  # 352.7: with the seed's own 3.114e23
    ],
)
def test_seed_two_v100_server_at_fp32_peak(flops, years):
    # Seed: "两块 V100 (总计约 28 TFLOPS) ... 355 年". 28 TFLOP/s = 2 × 14 TFLOP/s, the
    # V100 PCIe FP32 peak (NVIDIA V100 datasheet), i.e. 100% of the FP32 peak, no tensor cores.
    r = estimate_training(
        flops=flops, hardware="v100 pcie", count=2, precision="fp32", mfu=1.0
    )
    assert r.peak_tflops_per_device == pytest.approx(14.0)
    assert r.seconds / YEAR_365 == pytest.approx(years, rel=1e-9)


def test_seed_single_v100_about_700_years():
    # Seed: a single V100 "约 700 年" = 3.14e23 / 14e12 s = 711 years at 100% of FP32 peak.
    r = estimate_training(
        flops=3.14e23, hardware="v100 pcie", count=1, precision="fp32", mfu=1.0
    )
    assert r.seconds / YEAR_365 == pytest.approx(711.2, abs=0.1)


def test_mfu_path_uses_model_flops_whatever_the_recompute():
    # PaLM §4.1: MFU counts model FLOPs only, so recompute must not change the time at fixed MFU.
    base = dict(params=7e9, tokens=2e12, hardware="h100-sxm", count=256, mfu=0.4)
    plain = estimate_training(**base)
    full = estimate_training(**base, recompute="full")
    assert plain.seconds == pytest.approx(full.seconds)
    # 6·7e9·2e12 / (256 · 989.5e12 · 0.4) s — H100 SXM dense BF16 = 1979/2 TFLOP/s.
    assert plain.seconds == pytest.approx(6 * 7e9 * 2e12 / (256 * 989.5e12 * 0.4))
    assert full.hfu == pytest.approx(0.4 * 8 / 6)


def test_devices_needed_for_a_deadline():
    # 70B on 15T tokens in 90 days at 40% MFU on H100 SXM (989.5 TFLOP/s dense BF16):
    # 6·70e9·15e12 / (989.5e12·0.4·90·86400) = 2046.99 → 2047 devices.
    r = estimate_training(
        params="70B", tokens="15T", hardware="h100-sxm", target_days=90, mfu=0.4
    )
    need = 6 * 70e9 * 15e12 / (989.5e12 * 0.4 * 90 * DAY)
    assert r.required_count == math.ceil(need)
    assert r.days <= 90


def test_mfu_needed_for_a_deadline_and_impossible_claim():
    # GPT-3 (6·175e9·300e9 = 3.15e23) in one day on 8 H100: MFU = 3.15e23 / (8·989.5e12·86400)
    r = estimate_training(
        params=175e9, tokens=300e9, hardware="h100-sxm", count=8, target_days=1
    )
    assert r.required_mfu == pytest.approx(6 * 175e9 * 300e9 / (8 * 989.5e12 * DAY))
    assert r.required_mfu > 400
    assert r.feasible is False


@pytest.mark.parametrize(("count", "feasible", "wording"), [
    (2048, True, "feasible (published large runs reach 21.3–46.2%)"),
    (1024, False, "not feasible in practice"),  # below 100% of peak, above every published run
    (200, False, "impossible (above 100% of peak)"),
])
def test_a_deadline_is_feasible_only_at_a_published_mfu(count: int, feasible: bool,
                                                        wording: str) -> None:
    # GPT-3 (6·175e9·300e9 = 3.15e23 FLOPs) in 20 days on A100 (312 TFLOP/s bf16 dense).
    flops = 6 * 175e9 * 300e9
    r = estimate_training(params="175B", tokens="300B", hardware="a100", count=count,
                          target_days=20)
    assert r.required_mfu == pytest.approx(flops / (count * 312e12 * 20 * DAY))
    assert r.feasible is feasible
    assert wording in r.summary
    # PaLM 540B's 46.2% is the highest published MFU (PaLM §4.1 Table 3).
    assert (r.required_mfu <= 0.462) is feasible


def test_an_infeasible_deadline_says_what_it_takes_at_typical_mfu() -> None:
    r = estimate_training(params="175B", tokens="300B", hardware="a100", count=1024,
                          target_days=20)
    # At 40% MFU (Llama 3 405B): ⌈3.15e23 / (312e12 · 0.4 · 20 days)⌉ devices.
    need = math.ceil(6 * 175e9 * 300e9 / (312e12 * 0.4 * 20 * DAY))
    assert r.devices_at_typical_mfu == need
    assert f"{need:,} devices" in r.summary
    zh = estimate_training(params="175B", tokens="300B", hardware="a100", count=1024,
                           target_days=20, language="zh")
    assert "实际不可行" in zh.summary and f"{need:,} 块" in zh.summary


def test_energy_and_co2_defaults_are_tdp_pue_and_us_average():
    r = estimate_training(params=7e9, tokens=1e12, hardware="a100", count=64, mfu=0.5)
    hours = r.device_hours
    # A100 SXM TDP 400 W (NVIDIA datasheet), PUE 1.1 and 0.385 kg/kWh (LLaMA §6).
    assert r.energy_kwh == pytest.approx(hours * 0.4 * 1.1)
    assert r.co2_kg == pytest.approx(hours * 0.4 * 1.1 * 0.385)
    names = {a.name for a in r.assumptions}
    assert {"power_watts", "pue", "carbon_kg_per_kwh"} <= names


def test_assumptions_name_defaults_and_sources():
    r = estimate_training(model="gpt-3-175b", hardware="a100", count=1024)
    by_name = {a.name: a for a in r.assumptions}
    assert by_name["mfu"].value == "0.4"
    assert "Llama 3" in by_name["mfu"].source
    assert "hardware" in by_name  # family alias "a100" resolved to a variant
    assert [s.name for s in r.scenarios] == ["low", "typical", "high"]
    assert r.summary.startswith("**gpt-3-175b**")


def test_summary_in_chinese():
    r = estimate_training(model="gpt-3-175b", hardware="a100", count=1024, language="zh")
    assert "块" in r.summary and "天" in r.summary


@pytest.mark.parametrize(
    ("kwargs", "argument"),
    [
        (dict(count=0), "count"),
        (dict(mfu=1.5), "mfu"),
        (dict(mfu=0), "mfu"),
        (dict(mfu=float("nan")), "mfu"),
        (dict(params="abc"), "params"),
        (dict(params="1.2.3B"), "params"),
        (dict(tokens=-5), "tokens"),
        (dict(tokens=""), "tokens"),
        (dict(flops=float("inf")), "flops"),
        (dict(target_days="soon"), "target_days"),
        (dict(precision="fp128"), "precision"),
    ],
)
def test_bad_input_names_the_argument(kwargs, argument):
    base = dict(params=7e9, tokens=1e12, hardware="a100", count=8)
    base.update(kwargs)
    with pytest.raises(InvalidInputError) as e:
        estimate_training(**base)
    assert str(e.value).startswith(argument)


def test_unknown_hardware_suggests():
    with pytest.raises(UnknownHardwareError) as e:
        estimate_training(params=7e9, tokens=1e12, hardware="h1000")
    assert any("h100" in s for s in e.value.suggestions)


def test_primitive_formula():
    assert training_seconds(1e21, 10, 1e14) == pytest.approx(1e6)


@settings(max_examples=50, deadline=None)
@given(
    count=st.integers(min_value=1, max_value=100_000),
    flops=st.floats(min_value=1e15, max_value=1e27),
)
def test_doubling_count_halves_time(count, flops):
    one = estimate_training(flops=flops, hardware="h100-sxm", count=count, mfu=0.4)
    two = estimate_training(flops=flops, hardware="h100-sxm", count=2 * count, mfu=0.4)
    assert two.seconds == pytest.approx(one.seconds / 2, rel=1e-12)


@settings(max_examples=50, deadline=None)
@given(a=st.floats(min_value=1e15, max_value=1e27), b=st.floats(min_value=1e15, max_value=1e27))
def test_time_is_monotone_in_flops(a, b):
    ra = estimate_training(flops=a, hardware="a100", count=8, mfu=0.4)
    rb = estimate_training(flops=b, hardware="a100", count=8, mfu=0.4)
    assert (a <= b) == (ra.seconds <= rb.seconds) or a == b


def test_a_vanishing_mfu_is_refused_not_infinite():
    with pytest.raises(InvalidInputError, match="^mfu"):
        estimate_training(params=175e9, tokens=300e9, hardware="a100", mfu=1e-300)


def test_union_errors_name_the_argument_only():
    with pytest.raises(InvalidInputError) as e:
        estimate_training(params=[1], tokens=1e12, hardware="a100")
    assert str(e.value).startswith("params:")


def test_missing_price_and_power_are_said_not_guessed():
    # The catalog has no dated price for the MI250X (HPC systems; no public on-demand list price)
    # and Google publishes no TPU TDP.
    r = estimate_training(params=7e9, tokens=1e12, hardware="mi250x", count=8)
    assert r.cost_usd is None and "price_per_device_hour" in r.summary
    tpu = estimate_training(params=7e9, tokens=1e12, hardware="tpu v4", count=8)
    assert tpu.energy_kwh is None and tpu.co2_kg is None
    assert any(a.name == "power_watts" and a.value == "none" for a in tpu.assumptions)


# ---------------------------------------------------------------- no hardware; device-hours


def test_flops_alone_is_answered_without_hardware() -> None:
    r = estimate_training(params="175B", tokens="300B")
    flops = 6 * 175e9 * 300e9  # 3.15e23
    assert r.flops == pytest.approx(flops)
    # GPT-3 paper, Table D.1: 1 PF-day = 1e15 FLOP/s × 86,400 s; 3.15e23 → 3,646 PF-days.
    assert r.pf_days == pytest.approx(flops / (1e15 * 86_400))
    assert r.hardware is None and r.days is None and r.cost_usd is None
    assert "3,646 petaflop/s-days" in r.summary
    assert "Ask next" in r.summary and "hardware" in r.summary
    assert r.summary.count("10^23") == 1  # the figure once, not twice


def test_flops_alone_in_chinese() -> None:
    r = estimate_training(flops="3640 PF-days", language="zh")
    assert r.flops == pytest.approx(3640 * 1e15 * 86_400)
    assert "3,640 PF-天" in r.summary and "还可以问" in r.summary


def test_a_device_argument_without_hardware_names_hardware() -> None:
    with pytest.raises(InvalidInputError, match="^hardware: is required with count"):
        estimate_training(params="7B", tokens="1T", count=8)


def test_device_hours_work_forward_from_a_published_gpu_hour_figure() -> None:
    # Llama 3.1 405B (The Llama 3 Herd of Models, Table/§ on carbon): 30.84M H100-80GB
    # GPU-hours at 700 W TDP. Hand: energy = 30.84e6 h × 700 W = 21,588,000 kWh at PUE 1;
    # CO2 at 0.4 kg/kWh = 8,635.2 t; on 16,384 GPUs the run lasts 30.84e6 / 16,384 h.
    r = estimate_training(params="405B", tokens="15.6T", hardware="h100-sxm", count=16_384,
                          device_hours="30.84M", power_watts=700, pue=1, carbon_kg_per_kwh=0.4)
    assert r.device_hours == pytest.approx(30.84e6)
    assert r.energy_kwh == pytest.approx(21_588_000)
    assert r.co2_kg == pytest.approx(8_635_200)
    assert r.days == pytest.approx(30.84e6 / 16_384 / 24)
    # MFU = 6·405e9·15.6e12 / (30.84e6 · 3600 · 989.5e12 FLOP/s (H100 SXM bf16 dense))
    assert r.mfu == pytest.approx(6 * 405e9 * 15.6e12 / (30.84e6 * 3600 * 989.5e12))
    assert r.scenarios == []


def test_device_hours_and_a_rate_are_not_both_given() -> None:
    with pytest.raises(InvalidInputError, match="^mfu: device_hours already fixes"):
        estimate_training(params="7B", tokens="1T", hardware="a100", device_hours=1000, mfu=0.4)


def test_device_hours_and_a_predicted_utilization_are_one_too_many():
    from flopcast.numbers.errors import InvalidInputError

    with pytest.raises(InvalidInputError, match="^utilization: device_hours already fixes"):
        flopcast.estimate_training(model="gpt-3-175b", hardware="a100", count=1024,
                                   device_hours=835_584, utilization="predicted",
                                   system="dgx-a100", global_batch=1536)


# ------------------------------------------------------------------ price provider


def test_provider_picks_the_quote_and_the_assumption_names_it() -> None:
    # H100 SXM at AWS: p5.48xlarge $55.04/h ÷ 8 GPUs = $6.88 per GPU-hour.
    r = estimate_training(params="7B", tokens="1T", hardware="h100-sxm5-80gb", count=8,
                          provider="aws")
    assert r.price_usd_per_device_hour == pytest.approx(55.04 / 8)
    assert r.cost_usd == pytest.approx(r.device_hours * 55.04 / 8)
    a = next(x for x in r.assumptions if x.name == "price_per_device_hour")
    assert "AWS 2026-01-21" in a.source and "p5.48xlarge" in a.source
    assert "$55.04/h ÷ 8 devices" in a.source


def test_default_price_says_the_rule() -> None:
    # H200 has no Lambda quote: the lowest, CoreWeave $50.44/h ÷ 8 = $6.305.
    r = estimate_training(params="7B", tokens="1T", hardware="h200", count=8)
    assert r.price_usd_per_device_hour == pytest.approx(50.44 / 8)
    a = next(x for x in r.assumptions if x.name == "price_per_device_hour")
    assert a.source.startswith("default rule: no Lambda quote, so the lowest on-demand quote")


def test_an_explicit_price_wins_over_provider() -> None:
    r = estimate_training(params="7B", tokens="1T", hardware="h100-sxm5-80gb", count=8,
                          provider="aws", price_per_device_hour=2.0)
    assert r.price_usd_per_device_hour == 2.0


def test_a_provider_without_a_quote_gives_no_cost_and_says_who_quotes_it() -> None:
    r = estimate_training(params="7B", tokens="1T", hardware="h100-sxm5-80gb", count=8,
                          provider="vultr")
    assert r.cost_usd is None
    a = next(x for x in r.assumptions if x.name == "price_per_device_hour")
    assert "Vultr has no on-demand quote" in a.source and "AWS, CoreWeave, Lambda" in a.source


def test_unknown_provider_is_an_input_error() -> None:
    with pytest.raises(InvalidInputError, match="provider: unknown provider 'awz'.*'AWS'"):
        estimate_training(params="7B", tokens="1T", hardware="h100", count=8, provider="awz")
