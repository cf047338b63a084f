"""Hardware names as people write them, and suggestions by vendor first (issue 10)."""

from __future__ import annotations

import doctest

import pytest

from flopcast.catalog import names
from flopcast.catalog.lookup import resolve_hardware
from flopcast.numbers.errors import UnknownHardwareError


def test_doctests() -> None:
    assert doctest.testmod(names).failed == 0


@pytest.mark.parametrize(("typed", "expected"), [
    ("A100 80G", "nvidia-a100-sxm4-80gb"),
    ("A100-80G", "nvidia-a100-sxm4-80gb"),
    ("NVIDIA A100 80 GB", "nvidia-a100-sxm4-80gb"),
    ("a100 80gb pcie", "nvidia-a100-pcie-80gb"),
    ("A100 PCIe 80G", "nvidia-a100-pcie-80gb"),
    ("V100 16G", "nvidia-v100-sxm2-16gb"),
    ("v100 32gb", "nvidia-v100-sxm2-32gb"),
    ("sxm2 v100 16gb", "nvidia-v100-sxm2-16gb"),
])
def test_names_as_people_write_them(typed: str, expected: str) -> None:
    assert resolve_hardware(typed)[0].id == expected


@pytest.mark.parametrize(("typed", "expected"), [
    ("h800", "nvidia-h800-sxm5-80gb"), ("H800 80G", "nvidia-h800-sxm5-80gb"),
    ("h20", "nvidia-h20-96gb"), ("Ironwood", "google-tpu-v7"), ("TPU v7", "google-tpu-v7"),
    ("昇腾910B", "huawei-ascend-910b"), ("Huawei Ascend 910B", "huawei-ascend-910b"),
])
def test_catalog_additions_resolve(typed: str, expected: str) -> None:
    assert resolve_hardware(typed)[0].id == expected


def test_an_unknown_h800_variant_suggests_the_h800_first() -> None:
    with pytest.raises(UnknownHardwareError) as info:
        resolve_hardware("h800 pcie")
    assert info.value.suggestions[0] == "nvidia-h800-sxm5-80gb"


def test_a_family_by_memory_says_which_variant() -> None:
    hw, assumptions = resolve_hardware("A100 80G")
    assert "family" in assumptions[0].source and "nvidia-a100-pcie-80gb" in assumptions[0].source


@pytest.mark.parametrize(("typed", "vendor"), [
    ("mi455", "AMD"), ("tpu v9", "Google"), ("gaudi9", "Intel"), ("rtx 9090", "NVIDIA"),
])
def test_unknown_names_suggest_their_vendor_first(typed: str, vendor: str) -> None:
    from flopcast.catalog.lookup import hardware_catalog

    vendors = {hw.id: hw.vendor for hw in hardware_catalog()}
    with pytest.raises(UnknownHardwareError) as info:
        resolve_hardware(typed)
    assert info.value.suggestions and vendors[info.value.suggestions[0]] == vendor
