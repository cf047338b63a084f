"""Cluster presets per device: link figures against the datasheets, converted by hand, and the
default preset each training accelerator plans on."""

from __future__ import annotations

import pytest

from flopcast.catalog.lookup import hardware_catalog
from flopcast.cluster.plan import plan_cluster_training
from flopcast.cluster.systems import cluster_catalog, default_system_for, resolve_system

GB = 1e9  # bytes
GBIT = 1e9 / 8  # bytes: 1 Gb/s = 0.125 GB/s

# (preset, devices per scale-up domain, scale-up B/s per device per direction, scale-out B/s per
# device per direction), each converted by hand from the figure its source prints.
SYSTEMS = [
    # DGX B200 User Guide: 2 NVLink 5 switches, 14.4 TB/s aggregate over 8 GPUs (1.8 TB/s each,
    # bidirectional); 8 × ConnectX-7 at 400 Gb/s.
    ("dgx-b200", 8, 14.4e12 / 8 / 2, 400 * GBIT),
    # DGX H200: NVLink 4, 900 GB/s bidirectional per GPU; 8 × 400 Gb/s.
    ("dgx-h200", 8, 900 * GB / 2, 400 * GBIT),
    # DGX B300: NVLink 5 at 1.8 TB/s per GPU; 8 × ConnectX-8 at 800 Gb/s.
    ("dgx-b300", 8, 1800 * GB / 2, 800 * GBIT),
    # GB300 NVL72: 72 GPUs per NVLink domain, 1.8 TB/s each; 800 Gb/s per GPU.
    ("gb300-nvl72", 72, 1800 * GB / 2, 800 * GBIT),
    # DeepSeek-V3 §3.2.2: NVLink 160 GB/s, IB 50 GB/s (already per direction).
    ("hgx-h800-sxm", 8, 160 * GB, 50 * GB),
    # DGX A100 320GB: NVSwitch 600 GB/s bidirectional per GPU; 8 × HDR 200 Gb/s.
    ("dgx-a100-40gb", 8, 600 * GB / 2, 200 * GBIT),
    # AMD MI300X / MI325X: 7 Infinity Fabric links to peers at 128 GB/s (bidirectional) each;
    # Azure ND MI300X v5: 8 × 400 Gb/s NDR for 8 GPUs.
    ("mi300x-platform", 8, 7 * 128 * GB / 2, 400 * GBIT),
    ("mi325x-platform", 8, 7 * 128 * GB / 2, 400 * GBIT),
    # AMD MI355X / MI350X: 7 links at 153 GB/s.
    ("mi355x-platform", 8, 7 * 153 * GB / 2, 400 * GBIT),
    ("mi350x-platform", 8, 7 * 153 * GB / 2, 400 * GBIT),
    # Intel Gaudi docs: 21 scale-up ports and 3 scale-out ports per card, 200 Gb/s (Gaudi 3) or
    # 100 Gb/s (Gaudi 2) each; the docs' own totals are 525 / 75 and 262.5 / 37.5 GB/s.
    ("gaudi3-hls", 8, 21 * 200 * GBIT, 3 * 200 * GBIT),
    ("gaudi2-hls", 8, 21 * 100 * GBIT, 3 * 100 * GBIT),
    # Google Cloud TPU v5e: 400 GBps bidirectional ICI per chip, 256-chip pod, DCN 6.4 Tbps per
    # pod (= 2 × 100 Gbps NICs per 8-chip host).
    ("tpu-v5e-pod", 256, 400 * GB / 2, 6.4e12 / 256 / 8),
    # TPU v6e: 800 GBps bidirectional ICI per chip, 256-chip pod; DCN as v5p (50 Gbps per chip).
    ("tpu-v6e-pod", 256, 800 * GB / 2, 50 * GBIT),
    # Megatron-LM 2019 §5 (DGX-2H): 300 GB/s between GPUs via NVSwitch (6 NVLink 2 links × 25 GB/s
    # each way); 100 GB/s between 16-GPU servers over 8 InfiniBand adapters.
    ("dgx-2", 16, 6 * 25 * GB, 100 * GB / 16),
    # DGX-1 V100 white paper: the same NVLink 2 links; four 100 Gb/s InfiniBand NICs per 8 GPUs.
    ("dgx-1-v100", 8, 6 * 25 * GB, 4 * 100 * GBIT / 8),
    # AWS Neuron docs, Trn2: 16 Trainium2 per instance, NeuronLink-v3 1,024 GB/s per device (read
    # as both directions), EFA 3,200 Gbps per instance.
    ("trn2-instance", 16, 1024 * GB / 2, 3200 * GBIT / 16),
    # Trn1.32xlarge: 16 Trainium, NeuronLink-v2 384 GiB/s per device, EFA 800 Gbps per instance.
    ("trn1-instance", 16, 384 * 2**30 / 2, 800 * GBIT / 16),
]


@pytest.mark.parametrize(("name", "per_node", "up", "out"), SYSTEMS)
def test_preset_bandwidths_as_the_sources_state_them(name, per_node, up, out):
    system = resolve_system(name)
    assert system.devices_per_node == per_node
    assert system.scale_up_bytes_per_s == pytest.approx(up)
    assert system.scale_out_bytes_per_s == pytest.approx(out)


def test_gaudi_docs_totals_match_the_port_arithmetic():
    # The Gaudi documentation prints the totals too: 525 GB/s up and 75 GB/s out per Gaudi 3.
    assert resolve_system("hls-3").scale_up_bytes_per_s == pytest.approx(525e9)
    assert resolve_system("hls-3").scale_out_bytes_per_s == pytest.approx(75e9)


def test_every_new_preset_has_a_source_and_marks_secondary_reads():
    cat = cluster_catalog()
    for name, *_ in SYSTEMS:
        entry = cat.systems[name]
        assert entry.source_url.startswith("https://") and entry.source_title and entry.retrieved
        for link_id in (entry.scale_up, entry.scale_out):
            link = cat.links[link_id]
            assert link.source_url.startswith("https://") and link.latency_source
    # AMD's Infinity Fabric figures were read only in a secondary copy; Intel's and Google's in
    # the vendor's own pages.
    assert cat.links["infinity-fabric-mi300"].unverified
    assert not cat.links["gaudi3-scale-up"].unverified
    assert not cat.links["tpu-v5e-ici"].unverified


# Each device's default preset: its vendor's standard 8-way board (or pod, or rack).
DEFAULTS = {
    "nvidia-v100-sxm2-16gb": "dgx-1-v100",
    "nvidia-v100-sxm2-32gb": "dgx-2",
    "nvidia-a100-sxm4-40gb": "dgx-a100-40gb",
    "nvidia-a100-sxm4-80gb": "dgx-a100",
    "nvidia-h100-sxm5-80gb": "dgx-h100",
    "nvidia-h200-sxm-141gb": "dgx-h200",
    "nvidia-h800-sxm5-80gb": "hgx-h800-sxm",
    "nvidia-b200-sxm-180gb": "dgx-b200",
    "nvidia-b300-hgx": "dgx-b300",
    "nvidia-gb200-nvl72-gpu": "gb200-nvl72",
    "nvidia-gb300-nvl72-gpu": "gb300-nvl72",
    "amd-mi300x": "mi300x-platform",
    "amd-mi325x": "mi325x-platform",
    "amd-mi350x": "mi350x-platform",
    "amd-mi355x": "mi355x-platform",
    "intel-gaudi2": "gaudi2-hls",
    "intel-gaudi3": "gaudi3-hls",
    "google-tpu-v4": "tpu-v4-pod",
    "google-tpu-v5e": "tpu-v5e-pod",
    "google-tpu-v5p": "tpu-v5p-pod",
    "google-tpu-v6e": "tpu-v6e-pod",
    "aws-trainium1": "trn1-instance",
    "aws-trainium2": "trn2-instance",
}

# Training accelerators with no preset, and why.
NO_SYSTEM = {
    "nvidia-v100-pcie-16gb": "PCIe card: no NVLink scale-up domain to preset",
    "nvidia-a100-pcie-80gb": "PCIe card: no NVLink scale-up domain to preset",
    "nvidia-a100-pcie-40gb": "PCIe card: no NVLink scale-up domain to preset",
    "nvidia-h100-pcie-80gb": "PCIe card: no NVLink scale-up domain to preset",
    "nvidia-h100-nvl-94gb": "PCIe card with NVLink bridges in pairs, no switch",
    "nvidia-h200-nvl-141gb": "PCIe card with 2- or 4-way NVLink bridges, no switch",
    "nvidia-a800-sxm4-80gb": "NVLink 400 GB/s and the HGX A800 network: secondary copies only",
    "nvidia-gh200-96gb": "no standard multi-node platform figure read (NVL2 / NVL32 vary)",
    "amd-mi250x": "Infinity Fabric layout of MI250X nodes (2 dies per OAM) not sourced",
    "amd-mi300a": "APU nodes (4 per El Capitan node) not sourced",
    "google-tpu-v3": "per-chip ICI bandwidth not found on Google's pages",
    "google-tpu-v7": "per-chip ICI and DCN figures not read",
    "huawei-ascend-910b": "no HCCS / RoCE figures read; the catalog has no memory bandwidth",
}


def test_every_training_accelerator_has_a_default_system_or_a_reason():
    training = {hw.id for hw in hardware_catalog() if hw.training}
    assert training == set(DEFAULTS) | set(NO_SYSTEM)
    assert not set(DEFAULTS) & set(NO_SYSTEM)
    for hw_id, preset in DEFAULTS.items():
        assert default_system_for(hw_id) == preset, hw_id
        assert resolve_system(preset).hardware == hw_id
    for hw_id in NO_SYSTEM:
        assert default_system_for(hw_id) is None, hw_id


@pytest.mark.parametrize(("hardware", "preset", "model", "count", "precision"), [
    ("b200", "dgx-b200", "llama-3.1-70b", 64, "bf16"),
    ("h200", "dgx-h200", "llama-3.1-70b", 64, "bf16"),
    ("mi300x", "mi300x-platform", "llama-3.1-70b", 64, "bf16"),
    ("gaudi3", "gaudi3-hls", "llama-3.1-70b", 64, "bf16"),
    ("tpu-v5e", "tpu-v5e-pod", "llama-3.1-70b", 256, "bf16"),
    ("tpu-v6e", "tpu-v6e-pod", "llama-3.1-70b", 64, "bf16"),
    ("v100", "dgx-2", "gpt-3-175b", 1024, "fp16"),
])
def test_plan_cluster_training_plans_on_the_default_preset(hardware, preset, model, count,
                                                           precision):
    plan = plan_cluster_training(model=model, count=count, hardware=hardware,
                                 global_batch=256, precision=precision)
    assert plan.system == preset
    system = next(a for a in plan.assumptions if a.name == "system")
    assert system.value == preset
    assert 0 < plan.mfu < 1
    # The GEMM curve is the A100 calibration, and the result says so.
    gemm = next(a for a in plan.assumptions if a.name == "achievable GEMM fraction")
    assert "not calibrated for this device" in gemm.value


def test_a_device_with_no_preset_still_says_what_to_give():
    from flopcast.numbers.errors import InvalidInputError

    with pytest.raises(InvalidInputError, match="system"):
        plan_cluster_training(model="llama-3.1-70b", count=64, hardware="h100 pcie",
                              global_batch=256)


def test_compare_gpus_predicted_ranks_every_device_with_a_preset_that_fits():
    from flopcast import compare_gpus

    r = compare_gpus(model="llama-3.1-70b", tokens="1T", count=64, utilization="predicted",
                     global_batch=256)
    # 70B of training state on 64 devices does not fit 16 GB (V100, TPU v5e) or 40 GB (A100).
    too_small = {"nvidia-v100-sxm2-16gb", "nvidia-a100-sxm4-40gb", "google-tpu-v5e"}
    assert {row.hardware for row in r.rows} == set(DEFAULTS) - too_small
    reasons = {s.hardware: s.reason for s in r.skipped}
    assert set(reasons) == set(NO_SYSTEM) | too_small
    assert all("fits" in reasons[hw] for hw in too_small)
    assert all(reasons[hw].startswith("system") for hw in NO_SYSTEM)
