"""estimate_training / compare_gpus with utilization="predicted" (the cluster model's MFU)."""

from __future__ import annotations

import pytest

from flopcast.cluster.plan import plan_cluster_training
from flopcast.numbers.errors import InvalidInputError
from flopcast.training.compare import compare_gpus
from flopcast.training.estimate import estimate_training

GPT3 = dict(model="gpt-3-175b", count=1024, global_batch=1536)


def test_default_is_unchanged_and_says_so():
    r = estimate_training(model="gpt-3-175b", hardware="a100", count=1024)
    assert r.mfu == pytest.approx(0.40)
    assert not any(a.name == "utilization" for a in r.assumptions)


def test_predicted_time_equals_tokens_over_predicted_throughput():
    r = estimate_training(hardware="a100", utilization="predicted", **GPT3)
    plan = plan_cluster_training(hardware="a100", **GPT3)
    assert r.seconds == pytest.approx(r.tokens / plan.tokens_per_s, rel=1e-9)
    assert any(a.name == "utilization" and "predicted" in a.value for a in r.assumptions)
    assert any(s.name.startswith("predicted utilization") for s in r.steps)


def test_predicted_refuses_an_mfu_and_needs_a_batch():
    with pytest.raises(InvalidInputError, match="utilization"):
        estimate_training(hardware="a100", utilization="predicted", mfu=0.5, **GPT3)
    with pytest.raises(InvalidInputError, match="global_batch"):
        estimate_training(model="gpt-3-175b", hardware="a100", count=1024,
                          utilization="predicted")


def test_compare_gpus_predicts_per_device_and_skips_devices_without_a_cluster():
    r = compare_gpus(hardware=["a100", "h100-sxm", "h100 pcie"], utilization="predicted",
                     **GPT3)
    assert [row.hardware for row in r.rows][0] == "nvidia-h100-sxm5-80gb"
    assert {s.hardware for s in r.skipped} == {"nvidia-h100-pcie-80gb"}
    mfus = {a.value.split(" (")[0] for a in r.assumptions if a.name == "utilization"}
    assert len(mfus) == 2
