"""check_claim: the seed's figures and published runs with known utilization.

Every expected value is worked out by hand in the test from the paper or datasheet.
"""

from __future__ import annotations

import re

import pytest

from flopcast.catalog.hardware import hardware_catalog
from flopcast.claims.check import ClaimCheck, FigureCheck, check_claim, is_digit_typo
from flopcast.numbers.errors import InvalidInputError, UnknownHardwareError

YEAR = 365.25 * 86400
DAY = 86400


def fig(r: ClaimCheck, name: str, index: int = 0) -> FigureCheck:
    found = [f for f in r.figures if f.figure == name]
    assert found, f"no {name!r} figure in {[f.figure for f in r.figures]}"
    return found[index]


# ------------------------------------------------------------------ FLOPs figures


def test_seed_3_114e23_is_a_digit_typo_of_3_14e23() -> None:
    r = check_claim(model="gpt-3-175b", flops=3.114e23)
    f = fig(r, "flops")
    assert (f.verdict, f.cause) == ("off", "digit_typo")
    assert f.computed == pytest.approx(3.14e23)  # Brown et al. 2020 Table D.1
    assert f.ratio == pytest.approx(3.114 / 3.14)
    assert r.verdict == "off"


@pytest.mark.parametrize("claimed", [3.14e23, 6 * 175e9 * 300e9, "3640 PF-days"])
def test_gpt3_flops_as_published_or_6nd_are_consistent(claimed: float | str) -> None:
    assert fig(check_claim(model="gpt-3", flops=claimed), "flops").verdict == "consistent"


def test_8nd_flops_are_recompute_not_model_flops() -> None:
    f = fig(check_claim(model="gpt-3-175b", flops=8 * 174.6e9 * 300e9), "flops")
    assert (f.verdict, f.cause) == ("off", "recompute_6nd_vs_8nd")


def test_mt_nlg_unknown_flops_are_computed() -> None:
    # Hand: 6 × 530e9 × 270e9 = 8.586e23 (Smith et al. 2022: 530B params, 270B tokens).
    r = check_claim(model="mt-nlg")
    f = fig(r, "flops")
    assert f.verdict == "unchecked" and f.computed == pytest.approx(6 * 530e9 * 270e9)
    assert r.verdict == "unchecked"


def test_gpt2_1_5e22_is_flagged() -> None:
    # Hand: 1.5e22 / (6 × 1.542e9) = 1.62e12 tokens = 179 passes over OpenWebText's 9.04e9.
    r = check_claim(model="gpt-2", flops=1.5e22)
    f = fig(r, "tokens")
    assert (f.verdict, f.cause) == ("off", "implausible_tokens")
    assert r.implied_tokens == pytest.approx(1.5e22 / (6 * 1.542e9))
    assert "179 passes" in f.explanation


def test_digit_typo_detector() -> None:
    assert is_digit_typo(3.114e23, 3.14e23)  # inserted digit
    assert is_digit_typo(1.35e23, 1.53e23)  # swapped digits
    assert not is_digit_typo(3.2e23, 3.14e23)  # two digits: rounding, not a typo
    assert not is_digit_typo(3.143e23, 3.1428e23)  # the reference rounded
    assert not is_digit_typo(3.14e24, 3.14e23)  # 10× is not a typo of the digits


# ------------------------------------------------------------------ time and utilization


def test_seed_355_years_on_two_v100_is_100_percent_of_fp32_peak() -> None:
    # Lambda / seed: 3.14e23 / 28e12 FLOP/s = 355.6 years; V100 PCIe FP32 = 14 TFLOP/s × 2.
    r = check_claim(flops=3.14e23, hardware="v100 pcie", count=2, years=355)
    f = fig(r, "utilization")
    assert (f.verdict, f.cause) == ("consistent", "peak_utilization")
    assert r.implied_achieved_tflops == pytest.approx(3.14e23 / (2 * 355 * YEAR) / 1e12)
    assert r.implied_achieved_tflops == pytest.approx(14, rel=0.01)


def test_seed_355_years_holds_only_with_3_14e23() -> None:
    r = check_claim(model="gpt-3-175b", flops=3.114e23, hardware="v100 pcie", count=2,
                    years=355, precision="fp32")
    assert fig(r, "flops").cause == "digit_typo"
    u = fig(r, "utilization")
    assert u.cause == "peak_utilization"
    # Hand: 3.114e23 / 28e12 s = 352.4 years; 3.14e23 / 28e12 s = 355.4 years (365.25-day).
    times = {s.name: s.value / YEAR for s in r.steps if s.name.startswith("time at 100%")}
    assert times["time at 100% of peak with the claimed FLOPs"] == pytest.approx(352.4, abs=0.1)
    assert times["time at 100% of peak with the reference FLOPs"] == pytest.approx(355.4, abs=0.1)
    assert "352 years" in u.explanation and "355 years" in u.explanation


def test_family_name_finds_the_variant_whose_peak_was_used() -> None:
    # "v100" means the SXM2 part (FP32 15.7); the seed's 28 TFLOPS for two cards is the
    # PCIe part's FP32 14 × 2, so the check names that variant.
    r = check_claim(model="gpt-3-175b", flops=3.114e23, hardware="v100", count=2, years=355)
    u = fig(r, "utilization")
    assert (u.verdict, u.cause) == ("consistent", "peak_utilization")
    assert "V100 PCIe" in u.explanation and "352 years" in u.explanation


@pytest.mark.parametrize(("tflops", "verdict", "precision"), [
    (112, "consistent", "fp16"),  # V100 PCIe datasheet: 112 TFLOP/s tensor
    (14, "off", "fp32"),  # V100 PCIe datasheet: 14 TFLOP/s FP32 (CUDA cores)
])
def test_a_family_peak_matches_a_sibling_variant(tflops: float, verdict: str,
                                                  precision: str) -> None:
    # "v100" defaults to the SXM2 (125 / 15.7); 112 and 14 are the PCIe card's figures.
    r = check_claim(hardware="v100", peak_tflops=tflops, precision="fp16")
    p = fig(r, "peak_tflops")
    assert p.verdict == verdict
    assert "V100 PCIe" in p.explanation and precision in p.explanation
    assert "matches no peak" not in p.explanation


def test_a_named_variant_does_not_borrow_its_siblings_peaks() -> None:
    r = check_claim(hardware="nvidia-v100-sxm2-32gb", peak_tflops=112, precision="fp16")
    assert "matches no peak" in fig(r, "peak_tflops").explanation


def test_a_family_price_is_checked_against_every_variant() -> None:
    # 8 V100 for 24 h at $0.80/h = $153.60. The family default (SXM2 32 GB) is quoted at
    # $31.212/8 = $3.90 (AWS) and $19.215/8 = $2.40 (AWS reserved) only; the family's range
    # starts at the SXM2 16 GB's $0.79 (Lambda), which $0.80 matches within 5%: named.
    r = check_claim(hardware="v100", count=8, hours=24, cost_usd=8 * 24 * 0.80)
    c = fig(r, "cost_usd")
    assert c.verdict == "consistent"
    assert c.computed == pytest.approx(0.79) and "V100 SXM2 16 GB" in c.explanation
    assert r.price_quote_range == pytest.approx([0.79, 31.212 / 8])
    assert r.matched_price_quote is not None and r.matched_price_quote.startswith("Lambda")


def test_seed_single_v100_700_years_is_fp32_peak() -> None:
    # Hand: 3.14e23 / 14e12 s = 711 years at 100% of the V100 PCIe FP32 peak.
    assert 3.14e23 / 14e12 / YEAR == pytest.approx(711, abs=1)
    r = check_claim(model="gpt-3-175b", hardware="v100 pcie", count=1, years=700)
    assert fig(r, "utilization").cause == "peak_utilization"
    assert "fp32" in fig(r, "utilization").explanation


def test_seed_1024_a100_34_days_is_megatron_with_recompute() -> None:
    # Megatron-LM §5.1: 8·T·P/(n·X) with T = 300e9, P = 175e9, n = 1024, X = 140 TFLOP/s
    # gives 34 days; so 34 days implies X = 8·T·P/(n·t) = 139.6 TFLOP/s.
    hand = 8 * 300e9 * 175e9 / (1024 * 34 * DAY)
    r = check_claim(params="175B", tokens="300B", hardware="a100", count=1024, days=34,
                    achieved_tflops=140)
    f = fig(r, "achieved_tflops")
    assert (f.verdict, f.cause) == ("consistent", "recompute_6nd_vs_8nd")
    assert r.implied_hardware_tflops == pytest.approx(hand / 1e12)
    # Model FLOPs only (6·N·D): 104.7 TFLOP/s, MFU 104.7 / 312 = 33.6%.
    assert r.implied_mfu == pytest.approx(6 * 300e9 * 175e9 / (1024 * 34 * DAY) / 312e12)
    assert fig(r, "utilization").verdict == "consistent"
    assert r.verdict == "consistent"


def test_140_tflops_without_recompute_is_off_by_4_3() -> None:
    r = check_claim(params="175B", tokens="300B", hardware="a100", count=1024, days=34,
                    achieved_tflops=140, recompute="none")
    f = fig(r, "achieved_tflops")
    assert (f.verdict, f.cause) == ("off", "recompute_6nd_vs_8nd")
    assert f.ratio == pytest.approx(140e12 / (8 * 300e9 * 175e9 / (1024 * 34 * DAY)), rel=1e-3)


def test_seed_835584_gpu_hours() -> None:
    # Hand: 1024 × 34 × 24 = 835,584.
    r = check_claim(model="gpt-3-175b", hardware="a100", count=1024, days=34,
                    device_hours=1024 * 34 * 24)
    assert fig(r, "device_hours").verdict == "consistent"
    assert r.device_hours == 835_584
    bad = check_claim(hardware="a100", count=1024, days=34, device_hours=735_584)
    assert (fig(bad, "device_hours").verdict, fig(bad, "device_hours").cause) == ("off",
                                                                                  "arithmetic")


def test_gpt3_in_one_day_on_8_h100_is_impossible() -> None:
    # Hand: 3.14e23 / (8 × 86,400 s × 989.5e12) = 459× the dense BF16 peak; even the
    # 3,958 TFLOP/s sparse FP8 peak would need 115×.
    r = check_claim(model="gpt-3-175b", hardware="h100", count=8, days=1)
    assert r.verdict == "impossible"
    assert fig(r, "utilization").verdict == "impossible"
    assert r.implied_mfu == pytest.approx(3.14e23 / (8 * DAY * 989.5e12))


def test_palm_540b_published_mfu() -> None:
    # PaLM §4.1: 238.3K tokens/s on 6144 TPU v4 (275 TFLOP/s), 780B tokens, 46.2% MFU with
    # attention; 6·N alone gives 6 × 540.35e9 × 238.3e3 / (6144 × 275e12) = 45.7%.
    seconds = 780e9 / 238.3e3
    r = check_claim(model="palm-540b", hardware="tpu v4", count=6144, hours=seconds / 3600,
                    mfu=0.462)
    assert fig(r, "mfu").verdict == "consistent"
    assert r.implied_mfu == pytest.approx(6 * 540.35e9 * 238.3e3 / (6144 * 275e12), rel=2e-3)
    assert r.verdict == "consistent"


@pytest.mark.parametrize(("params", "tokens", "gpus", "days", "tflops"), [
    # Megatron-LM §5.1 / Table 1: 1T on 3072 A100 at 163 TFLOP/s, 450B tokens, 84 days.
    (1e12, 450e9, 3072, 84, 163),
    # Megatron-LM §5.1: GPT-3 175B on 1024 A100 at 140 TFLOP/s, 300B tokens, 34 days.
    (175e9, 300e9, 1024, 34, 140),
])
def test_megatron_rows_with_recompute(params: float, tokens: float, gpus: int, days: int,
                                      tflops: float) -> None:
    r = check_claim(params=params, tokens=tokens, hardware="a100", count=gpus, days=days,
                    achieved_tflops=tflops, recompute="full")
    assert fig(r, "achieved_tflops").verdict == "consistent"
    # Hand: 8·T·P / (n·t).
    assert r.implied_hardware_tflops == pytest.approx(
        8 * tokens * params / (gpus * days * DAY) / 1e12)


def test_megatron_52_percent_is_hfu_not_mfu() -> None:
    # Table 1: 163 TFLOP/s = 52% of 312 counts recompute; MFU = 8·T·P/(n·t) × 6/8 / 312.
    r = check_claim(params="1T", tokens="450B", hardware="a100", count=3072, days=84,
                    mfu=0.52, recompute="none")
    f = fig(r, "mfu")
    assert (f.verdict, f.cause) == ("off", "hfu_vs_mfu")
    assert r.implied_mfu == pytest.approx(6 * 450e9 * 1e12 / (3072 * 84 * DAY * 312e12))


def test_an_achieved_rate_above_the_peak_is_impossible() -> None:
    # A100 dense BF16 peak 312 TFLOP/s (datasheet); 400 needs the 624 sparse figure.
    f = fig(check_claim(hardware="a100", achieved_tflops=400), "achieved_tflops")
    assert (f.verdict, f.cause) == ("impossible", "sparse_vs_dense")
    ok = fig(check_claim(hardware="a100", achieved_tflops=163), "achieved_tflops")
    assert ok.verdict == "consistent" and ok.ratio == pytest.approx(163 / 312)


@pytest.mark.parametrize(("tflops", "percent"), [
    # Narayanan et al. 2021 Table 1, every row: achieved TFLOP/s per GPU, % of peak.
    (137, 44), (138, 44), (142, 46), (135, 43), (138, 44), (140, 45), (148, 47), (155, 50),
    (163, 52), (163, 52),
])
def test_megatron_table1_rates_are_fractions_of_the_312_peak(tflops: float,
                                                             percent: float) -> None:
    f = fig(check_claim(hardware="a100", achieved_tflops=tflops), "achieved_tflops")
    assert f.verdict == "consistent"
    assert f.ratio is not None and round(f.ratio * 100) == percent


# ------------------------------------------------------------------ peaks


def test_seed_a100_peak_19_5_is_fp32_not_tensor() -> None:
    f = fig(check_claim(hardware="a100", peak_tflops=19.5), "peak_tflops")
    assert (f.verdict, f.cause) == ("off", "fp32_vs_tensor")
    assert f.factor == pytest.approx(312 / 19.5)  # = 16, A100 datasheet
    assert fig(check_claim(hardware="a100", peak_tflops=19.5, precision="fp32"),
               "peak_tflops").verdict == "consistent"
    assert fig(check_claim(hardware="a100", peak_tflops=312), "peak_tflops").verdict \
        == "consistent"


def test_h100_1979_is_the_sparse_figure() -> None:
    f = fig(check_claim(hardware="h100", peak_tflops=1979), "peak_tflops")
    assert (f.verdict, f.cause) == ("off", "sparse_vs_dense")
    assert f.factor == pytest.approx(2, rel=1e-3)


def test_a_total_quoted_as_per_device() -> None:
    # Seed: "two V100 (28 TFLOPS in total)" = 2 × 14 TFLOP/s FP32.
    f = fig(check_claim(hardware="v100 pcie", count=2, peak_tflops=28), "peak_tflops")
    assert f.cause == "total_not_per_device"


def test_a_peak_above_every_figure_is_impossible() -> None:
    assert fig(check_claim(hardware="a100", peak_tflops=5000), "peak_tflops").verdict \
        == "impossible"


# ------------------------------------------------------------------ cost and energy


def test_seed_284000_kwh_against_patterson() -> None:
    # Patterson et al. 2021 Table 4: 1,287 MWh measured for GPT-3; 284,000 kWh is 4.53× less.
    # Over 835,584 GPU-hours it implies 284,000 / 835,584 h = 340 W per GPU.
    r = check_claim(model="gpt-3-175b", energy_kwh=284_000, device_hours=835_584)
    f = fig(r, "energy_measured")
    assert (f.verdict, f.cause) == ("off", "measured_differs")
    assert f.factor == pytest.approx(1_287_000 / 284_000)
    assert r.implied_power_watts == pytest.approx(284_000e3 / 835_584)


def test_seed_284000_kwh_on_1024_a100_for_34_days() -> None:
    # Hand: 835,584 GPU-hours × 400 W = 334,234 kWh before PUE; × 1.1 = 367,657 kWh.
    r = check_claim(model="gpt-3-175b", hardware="a100", count=1024, days=34,
                    energy_kwh=284_000)
    f = fig(r, "energy_kwh")
    assert f.computed == pytest.approx(835_584 * 0.4 * 1.1)
    assert f.verdict == "consistent"  # 340 W per GPU is a plausible average
    assert any(s.value == pytest.approx(835_584 * 0.4) for s in r.steps)
    assert fig(r, "energy_measured").verdict == "unchecked"  # the measured run used V100s
    assert [f.figure for f in r.figures].count("energy_kwh") == 1  # no figure listed twice
    # 340 W at the facility ÷ PUE 1.1 = 309 W at the device = 77.2% of 400 W: said once, and
    # the band used instead of the 5% tolerance is stated.
    text = f.explanation
    assert "309 W at the device, 77.2% of its 400 W TDP" in text
    assert "50–100% of TDP × PUE, not the 5% tolerance" in text


def test_seed_4_6m_dollars_implies_1_48_per_v100_hour() -> None:
    # Lambda: 355 V100-years for $4.6M → 4.6e6 / (355 × 8,766 h) = $1.48 per GPU-hour.
    r = check_claim(flops=3.14e23, hardware="v100 pcie", count=1, years=355, cost_usd="4.6M")
    assert r.implied_price_per_device_hour == pytest.approx(4.6e6 / (355 * YEAR / 3600))
    assert fig(r, "cost_usd").claimed == pytest.approx(1.48, abs=0.01)


@pytest.mark.parametrize(
    ("cost_usd", "verdict", "nearest"),
    [
        # The V100 SXM2 32 GB quotes: AWS p3dn.24xlarge on-demand $31.212/h ÷ 8 = $3.9015 and
        # reserved $19.215/h ÷ 8 = $2.401875 per GPU-hour; 1,000 device-hours make the implied
        # price cost / 1,000, compared with that range.
        (3000.0, "consistent", 19.215 / 8),  # $3.00: inside; 3/2.40 = 1.25 < 3.90/3 = 1.30
        (1480.0, "unchecked", 19.215 / 8),  # $1.48: 2.40/1.48 = 1.6× below, within 10×
        (100.0, "off", 19.215 / 8),  # $0.10: 24× below the range
        (80_000.0, "off", 31.212 / 8),  # $80: 20.5× above
    ],
)
def test_a_claimed_price_is_judged_against_the_range_of_quotes(
    cost_usd: float, verdict: str, nearest: float
) -> None:
    r = check_claim(flops=1e21, hardware="v100-sxm2-32gb", device_hours=1000, cost_usd=cost_usd)
    f = fig(r, "cost_usd")
    assert f.claimed == pytest.approx(cost_usd / 1000)
    assert f.computed == pytest.approx(nearest)
    assert r.price_quote_range == pytest.approx([19.215 / 8, 31.212 / 8])
    assert f.verdict == verdict
    assert "AWS" in f.reference  # the quote is named with its provider and date
    assert r.matched_price_quote is None  # none within 5%
    assert (f.cause == "price_vs_catalog") == (verdict != "consistent")


# ------------------------------------------------------------------ language and errors


def test_summary_in_chinese() -> None:
    r = check_claim(model="gpt-3-175b", flops=3.114e23, language="zh")
    assert r.summary.startswith("**结论：有误**")
    assert len(re.findall(r"[\u4e00-\u9fff]", r.summary)) > 20


def test_bad_input_gets_clear_errors() -> None:
    with pytest.raises(InvalidInputError, match="nothing to check"):
        check_claim()
    with pytest.raises(InvalidInputError, match="^years: give one duration"):
        check_claim(flops=1e23, hardware="a100", days=3, years=1)
    with pytest.raises(InvalidInputError, match="^hardware"):
        check_claim(peak_tflops=19.5)
    with pytest.raises(InvalidInputError, match="^flops"):
        check_claim(flops="lots", model="gpt-3")
    with pytest.raises(InvalidInputError, match="^mfu"):
        check_claim(flops=1e23, hardware="a100", days=3, mfu=2)
    with pytest.raises(InvalidInputError, match="^cost_usd"):
        check_claim(flops=1e23, cost_usd=1e6)
    with pytest.raises(UnknownHardwareError):
        check_claim(flops=1e23, hardware="a1000x", days=3)


@pytest.mark.parametrize("hw_id", [hw.id for hw in hardware_catalog()])
def test_every_catalog_device_can_be_checked(hw_id: str) -> None:
    r = check_claim(model="gpt-3-175b", hardware=hw_id, count=1024, days=34, peak_tflops=100)
    assert {f.figure for f in r.figures} >= {"peak_tflops", "utilization"}


# ---------------------------------------------------------------- CO2


def test_co2_of_the_llama_3_1_405b_run_is_a_real_grid_intensity() -> None:
    # Llama 3 paper: 8,930 tCO2eq (location-based) for 30.84M H100 GPU-hours at 700 W:
    # 30.84e6 h × 0.7 kW = 21,588,000 kWh → 8.93e6 kg / 2.1588e7 kWh = 0.414 kg/kWh.
    r = check_claim(energy_kwh="21,588 MWh", co2_kg="8,930 tCO2eq")
    c = fig(r, "co2_kg")
    assert c.verdict == "consistent"
    assert r.implied_carbon_kg_per_kwh == pytest.approx(8.93e6 / 21_588_000)


def test_co2_from_device_hours_and_tdp() -> None:
    # 30.84e6 H100-hours × 700 W × PUE 1.1 = 23,746,800 kWh → 8.93e6 / that = 0.376 kg/kWh.
    r = check_claim(hardware="h100-sxm", device_hours="30.84M", co2_kg="8930 t")
    assert fig(r, "co2_kg").verdict == "consistent"
    assert r.implied_carbon_kg_per_kwh == pytest.approx(8.93e6 / (30.84e6 * 0.7 * 1.1))


def test_co2_beyond_any_grid_is_off() -> None:
    # 552 t from 284 MWh = 1.94 kg/kWh: more than coal (~0.91 kg/kWh, IPCC AR5 Annex III).
    r = check_claim(energy_kwh=284_000, co2_kg="552 t")
    c = fig(r, "co2_kg")
    assert (c.verdict, c.cause) == ("off", "carbon_vs_grid")
    assert r.implied_carbon_kg_per_kwh == pytest.approx(552e3 / 284e3)


def test_co2_against_the_measured_gpt3_run() -> None:
    # Patterson et al. 2021 Table 4: 552 tCO2e for GPT-3 on V100.
    r = check_claim(model="gpt-3-175b", hardware="v100", co2_kg="552 tCO2e")
    assert fig(r, "co2_measured").verdict == "consistent"
    zh = check_claim(model="gpt-3-175b", hardware="v100", co2_kg="55.2万吨", language="zh")
    m = fig(zh, "co2_measured")
    assert m.verdict == "off" and "实测值" in m.explanation and "碳排放（实测）" in zh.summary


def test_a_family_power_is_checked_against_every_variant() -> None:
    # 150 kWh over 1,000 V100-hours = 150 W per GPU. The SXM2's band is 50–100% of
    # 300 W × 1.1 = 165–330 W (outside); the PCIe's is 50–100% of 250 W × 1.1 = 137.5–275 W.
    r = check_claim(hardware="v100", device_hours=1000, energy_kwh=150)
    e = fig(r, "energy_kwh")
    assert e.verdict == "consistent" and e.computed == pytest.approx(1000 * 0.25 * 1.1)
    assert "V100 PCIe 16 GB (250 W), a variant of 'v100'" in e.explanation
    named = check_claim(hardware="nvidia-v100-sxm2-32gb", device_hours=1000, energy_kwh=150)
    assert fig(named, "energy_kwh").verdict == "off"


def test_seed_4_6m_matches_lambdas_2020_v100_quote() -> None:
    # Lambda 2020: 355 V100-years at $1.50 per GPU-hour = 355 × 8,766 h × 1.50 = $4.67M; the
    # seed's $4.6M implies 4.6e6 / (355 × 8,766) = $1.478, within 5% of $1.50: that quote.
    r = check_claim(model="gpt-3-175b", hardware="v100", count=1, years=355, cost_usd="4.6M",
                    year=2020)
    f = fig(r, "cost_usd")
    assert f.verdict == "consistent"
    assert f.computed == pytest.approx(1.50)
    assert r.price_quote_range == pytest.approx([1.50, 1.50])  # the 2020 quotes only
    assert r.matched_price_quote is not None
    assert r.matched_price_quote.startswith("Lambda") and "2020-06-03" in r.matched_price_quote
    assert "demystifying-gpt-3" not in f.explanation  # the title is cited, not the url
    assert "OpenAI's GPT-3 Language Model: A Technical Overview" in f.explanation


def test_without_a_year_the_seed_cost_is_inside_every_v100_quote() -> None:
    # The V100 family's quotes span Lambda's $0.79 (2026) to AWS p3dn's $31.212/8 = $3.90.
    r = check_claim(model="gpt-3-175b", hardware="v100", count=1, years=355, cost_usd="4.6M")
    assert r.price_quote_range == pytest.approx([0.79, 31.212 / 8])
    assert fig(r, "cost_usd").verdict == "consistent"
    assert r.matched_price_quote is not None and "2020-06-03" in r.matched_price_quote
