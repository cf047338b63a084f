"""The hardware catalog: strict loading, lookups, dense/sparse peaks, CPU derivation.

Expected figures are written here from the datasheets (cited per row) or by hand,
never pasted from the code's output.
"""

from __future__ import annotations

import re
import tomllib
from importlib import resources

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from flopcast.catalog.hardware import (
    PRECISIONS,
    Hardware,
    ListHardwareInput,
    ListHardwareResult,
    get_hardware,
    hardware_catalog,
    list_hardware,
    load_catalog_text,
    resolve_hardware,
    unverified_figures,
)
from flopcast.numbers.errors import InvalidInputError, UnknownHardwareError

CATALOG = hardware_catalog()
IDS = [hw.id for hw in CATALOG]

_GOOD_ENTRY = """
[[hardware]]
id = "x-one"
name = "X One"
aliases = ["x1"]
vendor = "X"
kind = "gpu"
form_factor = "PCIe"
launch_year = 2020
training = true
[hardware.peak_tflops]
bf16 = 100
[[hardware.sources]]
title = "X One datasheet"
url = "https://example.com/x1.pdf"
retrieved = "2026-01-01"
fields = ["peak_tflops"]
"""


# ------------------------------------------------------------------ loading


def test_shipped_catalog_loads_with_all_required_devices() -> None:
    required = [
        "nvidia-v100-sxm2-16gb", "nvidia-v100-pcie-16gb", "nvidia-a100-sxm4-40gb",
        "nvidia-a100-sxm4-80gb", "nvidia-a100-pcie-80gb", "nvidia-h100-sxm5-80gb",
        "nvidia-h100-pcie-80gb", "nvidia-h100-nvl-94gb", "nvidia-h200-sxm-141gb",
        "nvidia-b200-sxm-180gb", "nvidia-gb200-nvl72-gpu", "nvidia-l40s", "nvidia-l4",
        "nvidia-a10", "nvidia-t4", "nvidia-rtx-4090", "nvidia-rtx-3090", "amd-mi250x",
        "amd-mi300x", "amd-mi325x", "google-tpu-v3", "google-tpu-v4", "google-tpu-v5e",
        "google-tpu-v5p", "google-tpu-v6e", "intel-gaudi2", "intel-gaudi3",
        "intel-core-i9-14900k", "intel-xeon-platinum-8480plus", "amd-epyc-9654",
    ]
    assert set(required) <= set(IDS)
    assert len(IDS) == len(set(IDS))


def test_catalog_is_loaded_once() -> None:
    assert hardware_catalog() is hardware_catalog()


def test_good_minimal_toml_loads() -> None:
    cat = load_catalog_text(_GOOD_ENTRY)
    assert cat.entries[0].peak("bf16").flops_per_s == 100e12


@pytest.mark.parametrize(
    ("bad", "message"),
    [
        (_GOOD_ENTRY.replace('training = true', 'training = true\ncolour = "red"'),
         "colour"),
        (_GOOD_ENTRY + _GOOD_ENTRY.replace('aliases = ["x1"]', 'aliases = []'), "duplicate"),
        (_GOOD_ENTRY + _GOOD_ENTRY.replace('id = "x-one"', 'id = "x-two"'), "duplicate"),
        (_GOOD_ENTRY.replace('fields = ["peak_tflops"]', 'fields = ["memory_gb"]'),
         "no source"),
        (_GOOD_ENTRY.replace("bf16 = 100", "bf17 = 100"), "unknown precision"),
        (_GOOD_ENTRY.replace('url = "https://example.com/x1.pdf"', 'url = ""'), "url"),
        (_GOOD_ENTRY.replace('kind = "gpu"', 'kind = "fpga"'), "kind"),
        (_GOOD_ENTRY.replace("[hardware.peak_tflops]\nbf16 = 100",
                             "[hardware.peak_tflops]\nbf16 = 100\n"
                             "[hardware.peak_tflops_sparse_printed]\nbf16 = 300"), "both"),
        (_GOOD_ENTRY + '[families.x]\ndefault = "x-nine"\nmembers = ["x-nine"]\n'
         'reason = "because it is"\n', "unknown ids"),
        ("not toml [", "TOML"),
        (_GOOD_ENTRY.replace('kind = "gpu"', 'kind = "cpu"'), "cpu"),
        (_GOOD_ENTRY.replace('training = true', 'training = true\nmemory_gb = 80'),
         "memory_gb has no source"),
        ('[isa.x]\nname = "x"\nflops_per_cycle = { fp33 = 8 }\n'
         'source = { title = "x doc", url = "https://example.com" }\n', "fp33"),
    ],
)
def test_bad_catalogs_fail_at_load(bad: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        load_catalog_text(bad)


def test_shipped_toml_has_no_unknown_top_level_or_alias_clash() -> None:
    text = resources.files("flopcast.catalog").joinpath("data/hardware.toml").read_text("utf-8")
    raw = tomllib.loads(text)
    assert set(raw) <= {"schema_version", "isa", "families", "hardware"}
    assert text.lstrip().startswith("#")  # self-documenting header


@pytest.mark.parametrize("hw", CATALOG, ids=IDS)
def test_every_entry_is_sourced(hw: Hardware) -> None:
    assert hw.sources
    for s in hw.sources:
        assert s.url.startswith("https://") and s.title and re.match(r"\d{4}-\d\d-\d\d$",
                                                                     s.retrieved)
    assert hw.id == hw.id.lower()


@pytest.mark.parametrize("hw", CATALOG, ids=IDS)
def test_tensor_peaks_at_least_vector_fp32(hw: Hardware) -> None:
    precisions = hw.precisions()
    assert precisions
    if "bf16" in precisions and "fp32" in precisions:
        assert hw.peak("bf16").flops_per_s >= hw.peak("fp32").flops_per_s
    if "fp64" in precisions and "fp32" in precisions:
        assert hw.peak("fp64").flops_per_s <= hw.peak("fp32").flops_per_s


# ------------------------------------------------------------------ datasheet figures

# (id, precision, sparsity, TFLOP/s, source of the expected figure)
DATASHEET = [
    # NVIDIA H100 product page: 'BF16 Tensor Core 1,979 teraFLOPS*' (* with sparsity)
    ("nvidia-h100-sxm5-80gb", "bf16", False, 1979 / 2, "H100 page, halved"),
    ("nvidia-h100-sxm5-80gb", "bf16", True, 1979, "H100 page"),
    ("nvidia-h100-sxm5-80gb", "fp8", False, 3958 / 2, "H100 page, halved"),
    ("nvidia-h100-sxm5-80gb", "fp32", False, 67, "H100 page (FP32, dense)"),
    ("nvidia-h100-sxm5-80gb", "fp64_tensor", False, 67, "H100 page"),
    # NVIDIA A100 datasheet: 'BF16 312 | 624*', 'FP32 19.5', 'TF32 156 | 312*'
    ("nvidia-a100-sxm4-80gb", "bf16", False, 312, "A100 datasheet"),
    ("nvidia-a100-sxm4-80gb", "bf16", True, 624, "A100 datasheet"),
    ("nvidia-a100-sxm4-80gb", "fp32", False, 19.5, "A100 datasheet"),
    ("nvidia-a100-sxm4-40gb", "tf32", False, 156, "A100 datasheet"),
    # V100 whitepaper Table 1: Tensor 125, FP32 15.7, FP64 7.8
    ("nvidia-v100-sxm2-16gb", "fp16", False, 125, "V100 whitepaper Table 1"),
    ("nvidia-v100-sxm2-16gb", "fp32", False, 15.7, "V100 whitepaper Table 1"),
    ("nvidia-v100-sxm2-32gb", "fp64", False, 7.8, "V100 datasheet"),
    # L40S datasheet: 'FP16 Tensor Core 362.05 | 733*' (dense is not 733/2)
    ("nvidia-l40s", "bf16", False, 362.05, "L40S datasheet"),
    # Google Cloud TPU docs, per chip
    ("google-tpu-v4", "bf16", False, 275, "TPU v4 docs"),
    ("google-tpu-v5p", "bf16", False, 459, "TPU v5p docs"),
    ("google-tpu-v6e", "bf16", False, 918, "TPU v6e docs"),
]


@pytest.mark.parametrize(("hw_id", "precision", "sparsity", "tflops", "why"), DATASHEET)
def test_datasheet_peaks(hw_id: str, precision: str, sparsity: bool, tflops: float,
                         why: str) -> None:
    peak = get_hardware(hw_id).peak(precision, sparsity=sparsity)
    assert peak.flops_per_s == pytest.approx(tflops * 1e12, rel=1e-12), why
    assert peak.sparsity is sparsity
    assert peak.source.url.startswith("https://")


def test_sparse_printed_step_shows_the_halving() -> None:
    step = get_hardware("h100 sxm").peak("bf16").step
    assert step.formula == "P = P_sparse / 2"
    assert "1,979 / 2 = 989.5 TFLOP/s" in step.text


def test_memory_gib_is_converted_to_gb() -> None:
    # TPU v4 docs print 32 GiB: 32 × 2^30 bytes = 34.359738368 GB
    assert get_hardware("google-tpu-v4").memory_gb == pytest.approx(34.359738368)


# ------------------------------------------------------------------ lookups


@pytest.mark.parametrize(
    ("name", "hw_id"),
    [
        ("A100", "nvidia-a100-sxm4-80gb"),
        ("a100 80gb", "nvidia-a100-sxm4-80gb"),
        ("H100-SXM", "nvidia-h100-sxm5-80gb"),
        ("h100_sxm5", "nvidia-h100-sxm5-80gb"),
        ("NVIDIA-A100-SXM4-40GB", "nvidia-a100-sxm4-40gb"),
        ("a100 pcie", "nvidia-a100-pcie-80gb"),
        ("RTX 4090", "nvidia-rtx-4090"),
        ("l4", "nvidia-l4"),
        ("L40S", "nvidia-l40s"),
        ("tpu v4", "google-tpu-v4"),
        ("TPU v5e", "google-tpu-v5e"),
        ("mi300", "amd-mi300x"),
        ("i9-14900K", "intel-core-i9-14900k"),
        ("v100", "nvidia-v100-sxm2-32gb"),
        ("NVIDIA H100", "nvidia-h100-sxm5-80gb"),
        ("Tesla V100 PCIe", "nvidia-v100-pcie-16gb"),
        ("AMD Instinct MI300X", "amd-mi300x"),
        ("Google TPU v5p", "google-tpu-v5p"),
        ("Intel Gaudi 3", "intel-gaudi3"),
    ],
)
def test_names_resolve(name: str, hw_id: str) -> None:
    assert get_hardware(name).id == hw_id


def test_exact_alias_needs_no_assumption() -> None:
    hw, assumptions = resolve_hardware("H100-SXM")
    assert hw.id == "nvidia-h100-sxm5-80gb" and assumptions == []


def test_family_alias_yields_an_assumption() -> None:
    hw, assumptions = resolve_hardware("a100", argument="hardware")
    assert hw.id == "nvidia-a100-sxm4-80gb"
    assert len(assumptions) == 1
    a = assumptions[0]
    assert a.name == "hardware" and "nvidia-a100-sxm4-80gb" in a.value
    assert "nvidia-a100-pcie-80gb" in a.source  # the other variants are named


def test_unknown_hardware_suggests_the_closest_ids() -> None:
    with pytest.raises(UnknownHardwareError) as info:
        resolve_hardware("h1000", argument="hardware")
    err = info.value
    assert err.argument == "hardware" and err.given == "h1000"
    assert any(s.startswith("nvidia-h100") for s in err.suggestions)
    assert all(s in IDS for s in err.suggestions)


# ------------------------------------------------------------------ CPU derivation


def test_i9_14900k_fp32_base_by_hand() -> None:
    # 8 P-cores × 3.2 GHz × 32 FLOP/cycle + 16 E-cores × 2.4 GHz × 16 FLOP/cycle
    expected = 8 * 3.2e9 * 32 + 16 * 2.4e9 * 16
    assert expected == pytest.approx(1433.6e9)
    peak = get_hardware("i9-14900k").peak("fp32")
    assert peak.flops_per_s == pytest.approx(expected)
    assert "8 × 3.2 × 32 + 16 × 2.4 × 16" in peak.step.text


def test_i9_14900k_fp32_turbo_and_fp64_by_hand() -> None:
    turbo = 8 * 5.6e9 * 32 + 16 * 4.4e9 * 16
    assert turbo == pytest.approx(2560e9)
    hw = get_hardware("intel-core-i9-14900k")
    assert hw.peak("fp32", clock="turbo").flops_per_s == pytest.approx(turbo)
    assert hw.peak("fp64").flops_per_s == pytest.approx(1433.6e9 / 2)
    assert hw.peak("fp64", clock="turbo").flops_per_s == pytest.approx(turbo / 2)


def test_cpu_peaks_are_derived_not_typed() -> None:
    for hw in CATALOG:
        if hw.kind == "cpu":
            assert hw.peak_tflops == {} and hw.cpu is not None


def test_xeon_amx_bf16_by_hand() -> None:
    # 56 cores × 2.0 GHz × 1024 BF16 FLOP/cycle (AMX)
    assert get_hardware("8480+").peak("bf16").flops_per_s == pytest.approx(56 * 2.0e9 * 1024)


# ------------------------------------------------------------------ errors


def test_missing_precision_names_precision() -> None:
    with pytest.raises(InvalidInputError) as info:
        get_hardware("v100").peak("bf16")
    assert info.value.argument == "precision"
    assert "fp16" in str(info.value)  # lists what is supported


def test_unknown_precision_names_precision() -> None:
    with pytest.raises(InvalidInputError) as info:
        get_hardware("a100").peak("fp12")
    assert info.value.argument == "precision"


@pytest.mark.parametrize(("name", "precision"), [("v100", "fp16"), ("tpu v4", "bf16"),
                                                 ("a100", "fp32"), ("i9-14900k", "fp32")])
def test_sparsity_where_unsupported_names_sparsity(name: str, precision: str) -> None:
    with pytest.raises(InvalidInputError) as info:
        get_hardware(name).peak(precision, sparsity=True)
    assert info.value.argument == "sparsity"


def test_precisions_are_known() -> None:
    for hw in CATALOG:
        assert set(hw.precisions()) <= set(PRECISIONS)


# ------------------------------------------------------------------ unverified + tool


def test_unverified_figures_lists_known_gaps() -> None:
    gaps = unverified_figures()
    assert ("isa.gracemont_avx2", "flops_per_cycle") in gaps
    assert all(isinstance(i, str) and isinstance(f, str) for i, f in gaps)
    b200 = get_hardware("b200")
    assert not b200.peak("bf16").verified


def test_list_hardware_filters_and_summarises() -> None:
    result = list_hardware(vendor="google")
    assert isinstance(result, ListHardwareResult)
    assert {e.id for e in result.entries} == {
        "google-tpu-v3", "google-tpu-v4", "google-tpu-v5e", "google-tpu-v5p", "google-tpu-v6e",
        "google-tpu-v7"}
    assert "| google-tpu-v4 |" in result.summary
    training = list_hardware(training_only=True)
    assert "nvidia-t4" not in {e.id for e in training.entries}
    cpus = list_hardware(kind="cpu", language="zh")
    assert cpus.language == "zh" and "台设备" in cpus.summary
    i9 = next(e for e in cpus.entries if e.id == "intel-core-i9-14900k")
    assert i9.peak_tflops["fp32"] == pytest.approx(1.4336)
    assert cpus.steps  # the CPU derivations are shown


def test_list_hardware_rejects_unknown_vendor_and_kind() -> None:
    with pytest.raises(InvalidInputError) as info:
        list_hardware(vendor="acme")
    assert info.value.argument == "vendor"
    with pytest.raises(InvalidInputError) as info:
        list_hardware(kind="fpga")
    assert info.value.argument == "kind"


def test_input_model_matches_function_defaults() -> None:
    fields = ListHardwareInput.model_fields
    assert set(fields) == {"vendor", "kind", "training_only", "language"}
    assert all(f.description for f in fields.values())
    assert ListHardwareInput().model_dump() == {"vendor": None, "kind": None,
                                                "training_only": False, "language": "en"}


def test_import_does_not_parse_the_catalog() -> None:
    import subprocess
    import sys

    code = ("import flopcast.catalog.hardware as h; n0 = h._catalog.cache_info().currsize; "
            "h.hardware_catalog(); h.hardware_catalog(); i = h._catalog.cache_info(); "
            "print(n0, i.misses, i.hits)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout.split()
    assert out == ["0", "1", "1"]  # nothing at import; one parse, then cached


def test_amd_sparsity_excludes_tf32() -> None:
    # AMD CDNA 3 white paper: matrix-core sparsity covers INT8, FP8, FP16, BF16 only.
    mi300x = get_hardware("mi300x")
    assert mi300x.peak("fp8", sparsity=True).flops_per_s == pytest.approx(2 * 2614.9e12)
    with pytest.raises(InvalidInputError) as info:
        mi300x.peak("tf32", sparsity=True)
    assert info.value.argument == "sparsity"


_NAMES = [(hw.id, name) for hw in CATALOG for name in [hw.id, *hw.aliases]]


@settings(max_examples=200, deadline=None)
@given(pair=st.sampled_from(_NAMES), data=st.data())
def test_lookup_ignores_case_and_separators(pair: tuple[str, str], data: st.DataObject) -> None:
    hw_id, name = pair
    seps = data.draw(st.lists(st.sampled_from(["", " ", "-", "_"]), min_size=len(name),
                              max_size=len(name)))
    upper = data.draw(st.lists(st.booleans(), min_size=len(name), max_size=len(name)))
    mangled = "".join((c.upper() if u else c.lower()) + (s if c.isalnum() else "")
                      for c, s, u in zip(name, seps, upper, strict=True))
    assert get_hardware(mangled).id == hw_id


def test_a_remembered_peak_still_checks_its_arguments() -> None:
    hw = get_hardware("a100-sxm4-80gb")
    assert hw.peak("bf16").flops_per_s == pytest.approx(312e12)  # A100 datasheet, dense BF16
    assert hw.peak("bf16").flops_per_s == pytest.approx(312e12)  # second call: remembered
    with pytest.raises(InvalidInputError, match="clock"):
        hw.peak("bf16", clock="boost")  # type: ignore[arg-type]
    with pytest.raises(InvalidInputError, match="sparsity"):
        get_hardware("v100-sxm2").peak("fp16", sparsity=True)  # Volta has no 2:4 sparsity


def test_family_lookups_say_the_variant_every_time() -> None:
    for _ in range(2):
        hw, assumptions = resolve_hardware("A100")
        assert hw.id == "nvidia-a100-sxm4-80gb"
        assert [a.name for a in assumptions] == ["hardware"]
        assumptions.clear()  # the caller's list; the next lookup still reports the variant


