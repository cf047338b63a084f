"""LangChain StructuredTools generated from the registry."""

from __future__ import annotations

import base64
import sys

import pytest

from flopcast.tools import MissingDependencyError, langchain_tools
from flopcast.tools.registry import TOOLS, get_tool, structured
from flopcast.tools.schemas import dispatch


def _call(tool, args: dict, call_id: str = "call_1"):
    return tool.invoke({"name": tool.name, "args": args, "id": call_id, "type": "tool_call"})


@pytest.fixture(scope="module")
def tools():
    return {t.name: t for t in langchain_tools()}


def test_one_structured_tool_per_registered_tool(tools):
    from langchain_core.tools import StructuredTool

    assert list(tools) == [s.name for s in TOOLS]
    for spec in TOOLS:
        tool = tools[spec.name]
        assert isinstance(tool, StructuredTool)
        assert tool.args_schema is spec.arguments_model  # the model's fields + detail (chart)
        assert tool.description == spec.description
        assert tool.response_format == "content_and_artifact"
        assert tool.handle_tool_error is True


def test_tool_call_returns_a_tool_message_with_the_structured_artifact(tools):
    from langchain_core.messages import ToolMessage

    from flopcast.planning.optimal import plan_compute_optimal

    expected = plan_compute_optimal(flops="1e24", language="zh")
    message = _call(tools["plan_compute_optimal"], {"flops": "1e24", "language": "zh"})
    assert isinstance(message, ToolMessage)
    assert message.tool_call_id == "call_1"
    assert message.status == "success"
    spec = get_tool("plan_compute_optimal")
    assert message.content == spec.render(expected, "concise")
    assert message.content.startswith(expected.summary.strip())
    assert message.artifact == structured(expected)


def test_detail_full_gives_every_step_and_source_the_artifact_is_the_same(tools):
    arguments = {"model": "gpt-3-175b", "hardware": "a100", "count": 1024}
    concise = _call(tools["estimate_training"], arguments)
    full = _call(tools["estimate_training"], {**arguments, "detail": "full"})
    assert full.artifact == concise.artifact
    assert len(full.content) > len(concise.content)
    assert "Touvron" in full.content and "Touvron" not in concise.content


def test_error_in_the_core_reaches_the_agent_as_one_line(tools):
    arguments = {"model": "gpt-3-175b", "hardware": "a1000"}
    message = _call(tools["estimate_training"], arguments)
    assert message.status == "error"
    assert message.content == dispatch("estimate_training", arguments)["error"]
    assert message.content.startswith("hardware: unknown hardware 'a1000'; did you mean")


def test_validation_error_has_the_same_words_as_dispatch(tools):
    arguments = {"flops": "1e24", "count": 0}
    message = _call(tools["plan_compute_optimal"], arguments)
    assert message.status == "error"
    assert message.content == dispatch("plan_compute_optimal", arguments)["error"]
    assert message.content.startswith("count: ") and "\n" not in message.content


def test_plain_invoke_returns_the_concise_text(tools):
    from flopcast.catalog.models import list_models

    expected = get_tool("list_models").render(list_models(family="gpt-3"))
    assert tools["list_models"].invoke({"family": "gpt-3"}) == expected


def test_files_are_off_limits_unless_granted(tmp_path):
    (tmp_path / "a.txt").write_text("hello", encoding="utf-8")
    closed = {t.name: t for t in langchain_tools()}["count_tokens"]
    assert _call(closed, {"path": str(tmp_path / "a.txt")}).status == "error"
    opened = {t.name: t for t in langchain_tools(allowed_roots=[tmp_path])}["count_tokens"]
    message = _call(opened, {"path": str(tmp_path / "a.txt")})
    assert message.status == "success" and message.artifact["tokens"] >= 1


def test_missing_langchain_says_how_to_install(monkeypatch):
    monkeypatch.setitem(sys.modules, "langchain_core.tools", None)  # import now fails
    with pytest.raises(MissingDependencyError) as e:
        langchain_tools()
    assert isinstance(e.value, ImportError)
    assert "pip install 'flopcast[langchain]'" in str(e.value)


def test_chart_true_adds_a_png_content_block(tools):
    pytest.importorskip("matplotlib")
    from flopcast.tools.charts import chart_png

    arguments = {"model": "llama-2-7b", "hardware": "a100"}
    message = _call(tools["estimate_memory"], {**arguments, "chart": True})
    text, image = message.content
    expected = get_tool("estimate_memory").handler(**arguments)
    assert text == {"type": "text", "text": get_tool("estimate_memory").render(expected)}
    assert image["type"] == "image" and image["mime_type"] == "image/png"
    assert image["base64"] == base64.b64encode(
        chart_png("estimate_memory", expected)).decode("ascii")
    assert message.artifact == structured(expected)
