"""Issue 13 through MCP (in-memory fastmcp Client): quantities as people type them, answers
instead of errors, CO2 claims, family variants and Chinese, with figures worked out by hand."""

from __future__ import annotations

import pytest
from fastmcp import Client

from flopcast.tools.mcp_server import build_server


@pytest.fixture
def server():
    return build_server()


async def _call(server, tool: str, arguments: dict) -> dict:
    async with Client(server) as client:
        result = await client.call_tool(tool, arguments)
    assert result.is_error is False, result.content
    return result.structured_content


async def test_typed_whole_numbers_percentages_and_decimals(server) -> None:
    out = await _call(server, "estimate_training", {
        "model": "gpt-3-175b", "hardware": "a100", "count": "1,024", "mfu": "40%"})
    assert (out["count"], out["mfu"]) == (1024, 0.4)
    claim = await _call(server, "check_claim", {"flops": "3.14 × 10^23", "hardware": "v100",
                                                "count": "2", "years": "355"})
    assert claim["flops"] == 3.14e23  # exactly the typed decimal
    inference = await _call(server, "estimate_inference", {
        "model": "llama-3.1-8b", "hardware": "h100", "context": "32k"})
    assert inference["context"] == 32 * 1024


async def test_flops_alone_is_answered(server) -> None:
    out = await _call(server, "estimate_training", {"params": "三千亿", "tokens": "3000亿个token"})
    # 6 · 3e11 · 3e11 = 5.4e23 FLOPs = 5.4e23 / 8.64e19 = 6,250 PF-days
    assert out["flops"] == pytest.approx(5.4e23)
    assert out["pf_days"] == pytest.approx(6250)
    assert out["hardware"] is None


async def test_co2_and_family_peaks_are_checked(server) -> None:
    out = await _call(server, "check_claim", {"energy_kwh": "21,588 MWh",
                                              "co2_kg": "8,930 tCO2eq"})
    assert out["implied_carbon_kg_per_kwh"] == pytest.approx(8.93e6 / 21.588e6)
    peak = await _call(server, "check_claim", {"hardware": "v100", "peak_tflops": 112,
                                               "precision": "fp16"})
    assert peak["verdict"] == "consistent"  # the V100 PCIe's 112 TFLOP/s


async def test_chinese_steps_over_mcp(server) -> None:
    out = await _call(server, "estimate_training", {
        "model": "gpt-3-175b", "hardware": "a100", "count": 1024, "language": "zh"})
    assert [s["name"] for s in out["scenarios"]] == ["低", "典型", "高"]
    assert "训练时间" in [s["name"] for s in out["steps"]]
