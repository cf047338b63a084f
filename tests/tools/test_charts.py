"""Charts (flopcast.tools.charts): each renders, shows its series and labels, same bytes twice;
over MCP an image block next to the text; the CLI's --plot writes PNG or SVG."""

from __future__ import annotations

import base64
import hashlib
import subprocess
import sys

import pytest

pytest.importorskip("matplotlib")

from fastmcp import Client  # noqa: E402

from flopcast.tools.charts import CHART_TOOLS, chart, chart_png, has_cjk_font, save_chart  # noqa: E402
from flopcast.tools.cli import main  # noqa: E402
from flopcast.tools.mcp_server import build_server  # noqa: E402
from flopcast.tools.registry import TOOLS, call_tool, get_tool  # noqa: E402

CASES = {
    "compare_gpus": {"params": "13B", "tokens": "1T",
                     "hardware": ["h100", "a100", "mi300x"], "count": 256},
    "plan_compute_optimal": {"flops": "1e24"},
    "estimate_memory": {"model": "llama-2-7b", "hardware": "a100"},
    "plan_cluster_training": {"model": "gpt-3-175b", "count": 1024, "system": "dgx-a100",
                              "tensor_parallel": 8, "pipeline_parallel": 8,
                              "global_batch": 1536, "top": 3},
}
PNG = b"\x89PNG\r\n\x1a\n"


def _result(tool: str, **extra):
    return call_tool(get_tool(tool), {**CASES[tool], **extra})


def _texts(fig) -> list[str]:
    return [t.get_text() for t in fig.findobj(lambda o: hasattr(o, "get_text"))]


def test_the_chart_tools_are_the_specs_with_a_chart():
    assert sorted(s.name for s in TOOLS if s.chart) == sorted(CHART_TOOLS)


def test_compare_chart_has_days_and_cost_per_device_in_the_ranking():
    import matplotlib.pyplot as plt

    result = _result("compare_gpus")
    fig = chart("compare_gpus", result)
    days_axis, cost_axis = fig.axes
    assert days_axis.get_xlabel() == "training time (days)"
    assert cost_axis.get_xlabel() == "cost (million USD)"
    labels = [t.get_text() for t in days_axis.get_yticklabels()]
    assert labels == [r.name for r in result.rows][::-1]  # best at the top
    widths = [p.get_width() for p in days_axis.patches]
    assert widths == pytest.approx([r.days for r in result.rows][::-1])
    costs = [p.get_width() for p in cost_axis.patches]
    assert costs == pytest.approx([r.cost_usd / 1e6 for r in result.rows][::-1])
    plt.close(fig)


def test_plan_chart_has_the_iso_flop_curve_the_chosen_point_and_the_alternatives():
    import matplotlib.pyplot as plt

    result = _result("plan_compute_optimal")
    fig = chart("plan_compute_optimal", result)
    (axis,) = fig.axes
    assert axis.get_xscale() == "log"
    assert axis.get_ylabel() == "predicted loss (nats/token)"
    (curve,) = axis.get_lines()
    assert min(curve.get_ydata()) == pytest.approx(result.optimal_loss, abs=1e-3)
    chosen, alternatives = axis.collections
    assert chosen.get_offsets()[0].tolist() == pytest.approx([result.params, result.loss])
    assert len(alternatives.get_offsets()) == len(
        [a for a in result.alternatives if a.fit != result.fit])
    assert "1 × 10^24" in axis.get_title()
    plt.close(fig)


def test_memory_chart_stacks_the_kinds_against_the_device_memory():
    import matplotlib.pyplot as plt

    result = _result("estimate_memory")
    fig = chart("estimate_memory", result)
    (axis,) = fig.axes
    total = sum(p.get_width() for p in axis.patches)
    assert total == pytest.approx(result.total_bytes_per_device / 1e9)
    legend = [t.get_text() for t in axis.get_legend().get_texts()]
    assert any(t.startswith("weights ") for t in legend)
    assert any(t.startswith("device memory 80") for t in legend)
    assert axis.get_xlabel() == "GB per device (1 GB = 10^9 bytes)"
    plt.close(fig)


STEP_PARTS = {"compute": "compute", "tp_comm": "TP communication (exposed)",
              "cp_comm": "CP communication (exposed)", "pp_comm": "PP communication (exposed)",
              "dp_comm": "DP communication (exposed)", "bubble": "pipeline bubble",
              "optimizer": "optimizer step"}


def _bars(axis, y: float) -> list[float]:
    return [p.get_width() for p in axis.patches if p.get_y() + p.get_height() / 2 == y]


def test_step_time_chart_stacks_each_layouts_parts_the_chosen_one_first():
    import matplotlib.pyplot as plt

    result = _result("plan_cluster_training")
    rows = result.ranked
    assert len(rows) == 3 and rows[0] == result.layout
    fig = chart("plan_cluster_training", result)
    (axis,) = fig.axes
    assert axis.get_xlabel() == "seconds per step (s)"
    ticks = axis.get_yticks()
    labels = [t.get_text() for t in axis.get_yticklabels()]
    top_first = [label for _, label in sorted(zip(ticks, labels, strict=True), reverse=True)]
    assert top_first[0].endswith("(chosen)")
    for label, row in zip(top_first, rows, strict=True):
        assert label.startswith(f"TP {row.tensor_parallel} · PP {row.pipeline_parallel}")
    # series: the parts present (non-zero somewhere), in the result's order, one per legend entry
    present = [k for k in STEP_PARTS if any(r.breakdown_seconds[k] > 0 for r in rows)]
    assert "cp_comm" not in present and "bubble" in present  # CP 1; PP 8 has a bubble
    legend = [t.get_text() for t in fig.legends[0].get_texts()]
    assert legend == [STEP_PARTS[k] for k in present]
    for y, row in zip(sorted(ticks, reverse=True), rows, strict=True):
        assert sum(_bars(axis, y)) == pytest.approx(row.step_seconds)
        assert _bars(axis, y)[0] == pytest.approx(row.breakdown_seconds["compute"])
    title = fig._suptitle.get_text()
    assert "gpt-3-175b" in title and "1024 × nvidia-a100-sxm4-80gb" in title
    assert f"{rows[0].step_seconds:.3g} s" in _texts(fig)
    plt.close(fig)


def test_step_time_chart_draws_a_part_it_was_not_written_for():
    import matplotlib.pyplot as plt

    result = _result("plan_cluster_training")
    rows = [r.model_copy(update={"breakdown_seconds": {**r.breakdown_seconds, "ep_comm": 1.5}})
            for r in result.ranked]
    fig = chart("plan_cluster_training", result.model_copy(update={"ranked": rows}))
    assert "EP communication (exposed)" in [t.get_text() for t in fig.legends[0].get_texts()]
    plt.close(fig)


@pytest.mark.skipif(has_cjk_font() is None,
                    reason="no CJK font (apt-get install fonts-noto-cjk); zh charts use English")
def test_step_time_chart_in_chinese():
    import matplotlib.pyplot as plt

    fig = chart("plan_cluster_training", _result("plan_cluster_training", language="zh"))
    texts = _texts(fig)
    assert "每步时间（秒）" in texts and "流水线气泡" in texts
    assert fig._suptitle.get_text().startswith("每步时间构成：gpt-3-175b")
    assert any("微批" in t and "（所选）" in t for t in texts)
    plt.close(fig)


@pytest.mark.parametrize("tool", CHART_TOOLS)
def test_same_inputs_same_bytes(tool, tmp_path):
    result = _result(tool)
    first = chart_png(tool, result)
    assert first.startswith(PNG) and first == chart_png(tool, result)
    svg_a = save_chart(tool, result, tmp_path / "a.svg").read_bytes()
    svg_b = save_chart(tool, result, tmp_path / "b.svg").read_bytes()
    assert svg_a == svg_b and b"<dc:date>" not in svg_a


@pytest.mark.skipif(has_cjk_font() is None,
                    reason="no CJK font (apt-get install fonts-noto-cjk); zh charts use English")
def test_chinese_labels_with_a_cjk_font():
    import matplotlib.pyplot as plt

    fig = chart("estimate_memory", _result("estimate_memory", language="zh"))
    assert "每卡显存（训练）" in _texts(fig)
    plt.close(fig)


def test_without_a_cjk_font_a_zh_chart_falls_back_to_english(monkeypatch):
    import matplotlib.pyplot as plt

    from flopcast.tools import charts

    monkeypatch.setattr(charts, "has_cjk_font", lambda: None)
    fig = chart("estimate_memory", _result("estimate_memory", language="zh"))
    assert "Memory per device (training)" in _texts(fig)
    plt.close(fig)


async def test_mcp_sends_a_png_next_to_the_text_when_asked():
    server = build_server()
    async with Client(server) as client:
        plain = await client.call_tool("estimate_memory", CASES["estimate_memory"])
        drawn = await client.call_tool("estimate_memory", {**CASES["estimate_memory"],
                                                           "chart": True})
    assert [c.type for c in plain.content] == ["text"]
    assert [c.type for c in drawn.content] == ["text", "image"]
    image = drawn.content[1]
    assert image.mime_type == "image/png"
    assert base64.b64decode(image.data) == chart_png("estimate_memory",
                                                      _result("estimate_memory"))
    assert drawn.structured_content == plain.structured_content


def test_cli_plot_writes_png_and_svg(tmp_path, capsys):
    png, svg = tmp_path / "m.png", tmp_path / "m.svg"
    assert main(["memory", "--model", "llama-2-7b", "--hardware", "a100", "--plot", str(png)]) == 0
    assert png.read_bytes().startswith(PNG)
    capsys.readouterr()
    assert main(["plan", "--flops", "1e24", "--plot", str(svg), "--detail", "concise"]) == 0
    assert svg.read_bytes().lstrip().startswith(b"<?xml")
    out = capsys.readouterr().out
    assert out.startswith("For 1 × 10^24 FLOPs") and "**Derivation**" in out
    assert main(["plan", "--flops", "1e24", "--plot", str(tmp_path / "m.txt")]) == 2
    assert "must end in .png or .svg" in capsys.readouterr().err


def test_import_flopcast_tools_does_not_import_matplotlib():
    code = ("import sys, flopcast, flopcast.tools, flopcast.tools.charts; "
            "assert 'matplotlib' not in sys.modules")
    subprocess.run([sys.executable, "-c", code], check=True)


def test_same_png_bytes_in_a_fresh_process():
    code = ("import hashlib, sys; from flopcast.tools.registry import call_tool, get_tool; "
            "from flopcast.tools.charts import chart_png; "
            "r = call_tool(get_tool('plan_compute_optimal'), {'flops': '1e24'}); "
            "sys.stdout.write(hashlib.sha256(chart_png('plan_compute_optimal', r)).hexdigest())")
    done = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True,
                          text=True)
    here = hashlib.sha256(chart_png("plan_compute_optimal",
                                    _result("plan_compute_optimal"))).hexdigest()
    assert done.stdout == here


async def test_mcp_sends_the_step_time_chart_with_the_layout_search():
    async with Client(build_server()) as client:
        drawn = await client.call_tool("plan_cluster_training",
                                       {**CASES["plan_cluster_training"], "chart": True})
    assert [c.type for c in drawn.content] == ["text", "image"]
    assert base64.b64decode(drawn.content[1].data) == chart_png(
        "plan_cluster_training", _result("plan_cluster_training"))


def test_cli_cluster_plot(tmp_path, capsys):
    svg = tmp_path / "steps.svg"
    assert main(["cluster", "--model", "gpt-3-175b", "--count", "1024", "--system", "dgx-a100",
                 "--global-batch", "1536", "--top", "3", "--plot", str(svg)]) == 0
    assert svg.read_bytes().lstrip().startswith(b"<?xml")
    assert "1024 × nvidia-a100-sxm4-80gb (dgx-a100): TP" in capsys.readouterr().out
