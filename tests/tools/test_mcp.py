"""The MCP server built from the registry: in-memory client for every tool, stdio and HTTP ends."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from fastmcp import Client
from pydantic import BaseModel, ConfigDict, Field

import flopcast
from flopcast.numbers.results import Result
from flopcast.tools.mcp_server import build_server, is_loopback, main, render_text
from flopcast.tools.registry import TOOLS, ToolSpec, get_tool, structured
from flopcast.tools.schemas import input_schema, output_schema

BIN = Path(sys.executable).parent
SERVER_ENV = {"FASTMCP_CHECK_FOR_UPDATES": "off", "PYTHONUNBUFFERED": "1"}

#: One valid call per wired tool, and one bad call whose error must name `bad_argument`.
EXAMPLES: dict[str, dict[str, Any]] = {
    "estimate_training": {"model": "gpt-3-175b", "hardware": "a100", "count": 1024,
                          "achieved_tflops": 140},
    "compare_gpus": {"params": "13B", "tokens": "1T", "target_days": 30, "sort_by": "cost",
                     "hardware": ["h100-sxm", "a100"]},
    "plan_compute_optimal": {"flops": "1e24"},
    "plan_cluster_training": {"model": "llama-3.1-70b", "count": 512, "system": "dgx-h100",
                              "global_batch_tokens": "4M", "language": "zh"},
    "estimate_memory": {"model": "llama-2-70b", "mode": "inference", "context": 32768,
                        "batch": 8},
    "estimate_inference": {"model": "llama-2-70b", "hardware": "h200", "precision": "int4",
                           "price_per_device_hour": 3.5},
    "count_tokens": {"text": "训练 GPT-3 需要多少天？ How many days does GPT-3 take?"},
    "check_claim": {"model": "gpt-3-175b", "hardware": "a100", "count": 1024, "days": 34,
                    "device_hours": 835584},
    "explain_flops": {"topic": "peak_derivation", "hardware": "i9-14900k", "language": "zh"},
    "list_hardware": {"vendor": "NVIDIA"},
    "list_models": {"family": "llama-2", "language": "zh"},
}
BAD: dict[str, tuple[dict[str, Any], str]] = {
    "estimate_training": ({"model": "gpt-3-175b", "hardware": "a1000"}, "hardware"),
    "compare_gpus": ({"model": "gpt-3-175b", "sort_by": "speed"}, "sort_by"),
    "plan_compute_optimal": ({"flops": "1e24", "count": 0}, "count"),
    "plan_cluster_training": ({"model": "gpt-3-175b", "count": 1024, "global_batch": 1536,
                               "system": "dgx-a100", "tensor_parallel": 6}, "tensor_parallel"),
    "estimate_memory": ({"model": "llama-2-70b", "zero_stage": "three"}, "zero_stage"),
    "estimate_inference": ({"model": "llama-2-70b", "hardware": "h100", "batch": -1}, "batch"),
    "count_tokens": ({"text": "abc", "encoding": "gpt2"}, "encoding"),
    "check_claim": ({"model": "gpt-3-175b", "days": 34, "years": 1}, "years"),
    "explain_flops": ({"topic": "history"}, "topic"),
    "list_hardware": ({"kind": "fpga"}, "kind"),
    "list_models": ({"language": "fr"}, "language"),
}


@pytest.fixture
def server():
    return build_server()


def test_every_wired_tool_has_an_example_here():
    assert sorted(EXAMPLES) == sorted(s.name for s in TOOLS)
    assert sorted(BAD) == sorted(s.name for s in TOOLS)


async def test_server_identity_and_instructions(server):
    assert server.version == flopcast.__version__
    async with Client(server, mode="legacy") as client:
        init = client.initialize_result
        assert init.server_info.name == "flopcast"
        assert init.server_info.version == flopcast.__version__
        assert "Call a tool for every figure" in (init.instructions or "")


async def test_tools_listed_with_schemas_titles_and_annotations(server):
    async with Client(server) as client:
        listed = {t.name: t for t in await client.list_tools()}
    assert sorted(listed) == sorted(s.name for s in TOOLS)
    for spec in TOOLS:
        tool = listed[spec.name]
        assert tool.title == spec.title
        assert tool.description == spec.description
        assert tool.input_schema == input_schema(spec)
        assert tool.output_schema == output_schema(spec)
        # flat arguments: the model's fields are the top-level properties
        assert list(tool.input_schema["properties"]) == list(spec.arguments_model.model_fields)
        a = tool.annotations
        assert (a.read_only_hint, a.idempotent_hint, a.open_world_hint, a.destructive_hint) == (
            True, True, False, False)


@pytest.mark.parametrize("spec", TOOLS, ids=lambda s: s.name)
async def test_structured_result_equals_the_core_function(server, spec: ToolSpec):
    arguments = EXAMPLES[spec.name]
    expected = spec.handler(**arguments)
    async with Client(server) as client:
        result = await client.call_tool(spec.name, arguments)
    assert result.is_error is False
    assert result.structured_content == structured(expected)
    assert [c.type for c in result.content] == ["text"]
    assert result.content[0].text == render_text(expected, spec.text_of(expected), "concise",
                                                 spec.concise_rows)
    assert result.content[0].text.startswith(spec.text_of(expected).strip()[:40])


@pytest.mark.parametrize("detail", ["concise", "full"])
async def test_detail_changes_the_text_never_the_structured_content(server, detail):
    arguments = {"model": "gpt-3-175b", "hardware": "a100", "count": 1024}
    spec = get_tool("estimate_training")
    expected = spec.handler(**arguments)
    async with Client(server) as client:
        result = await client.call_tool(spec.name, {**arguments, "detail": detail})
    assert result.structured_content == structured(expected)
    assert result.content[0].text == spec.render(expected, detail)
    assert ("**Steps**" in result.content[0].text) is (detail == "full")


async def test_bad_detail_is_a_one_line_tool_error(server):
    async with Client(server) as client:
        bad = await client.call_tool("list_models", {"detail": "short"}, raise_on_error=False)
    assert bad.is_error is True
    assert bad.content[0].text.startswith("detail: Input should be 'concise' or 'full'")


@pytest.mark.parametrize("spec", TOOLS, ids=lambda s: s.name)
async def test_bad_input_is_a_one_line_tool_error_and_the_server_keeps_serving(server, spec):
    arguments, argument = BAD[spec.name]
    async with Client(server) as client:
        bad = await client.call_tool(spec.name, arguments, raise_on_error=False)
        assert bad.is_error is True
        text = bad.content[0].text
        assert text.startswith(f"{argument}: ") or text.startswith(f"{argument}.")
        assert "\n" not in text and "Traceback" not in text
        extra = await client.call_tool(spec.name, {**EXAMPLES[spec.name], "zz_extra": 1},
                                       raise_on_error=False)
        assert extra.is_error is True
        assert extra.content[0].text.startswith("zz_extra: is not an argument; accepted")
        good = await client.call_tool(spec.name, EXAMPLES[spec.name])
        assert good.is_error is False


async def test_prompts_listed_and_rendered(server):
    from flopcast.prompts import list_prompts, load_prompt

    async with Client(server) as client:
        prompts = {p.name: p for p in await client.list_prompts()}
        assert sorted(prompts) == sorted(p.name for p in list_prompts())
        system = await client.get_prompt("system_en")
        assert system.messages[0].content.text == load_prompt("system_en")
        planners = [p for p in prompts.values() if [a.name for a in p.arguments] == ["question"]]
        assert planners, "a prompt that takes the user's question"
        question = "训练 GPT-3 需要多少天？"
        rendered = await client.get_prompt(planners[0].name, {"question": question})
        assert question in rendered.messages[0].content.text
        with pytest.raises(Exception, match=r"question: prompt .* needs a value"):
            await client.get_prompt(planners[0].name, {})


async def test_catalog_resources_whole_and_by_id(server):
    import json

    from flopcast.catalog.hardware import list_hardware
    from flopcast.catalog.models import list_models

    async with Client(server) as client:
        uris = sorted(str(r.uri) for r in await client.list_resources())
        templates = sorted(t.uri_template for t in await client.list_resource_templates())
        hardware = json.loads((await client.read_resource("flopcast://hardware"))[0].text)
        a100 = json.loads((await client.read_resource("flopcast://hardware/A100"))[0].text)
        presets = json.loads((await client.read_resource("flopcast://models"))[0].text)
        gpt3 = json.loads((await client.read_resource("flopcast://models/gpt-3-175b"))[0].text)
        with pytest.raises(Exception, match=r"hardware: unknown hardware 'a1000'; did you mean"):
            await client.read_resource("flopcast://hardware/a1000")
        assert (await client.call_tool("list_models", {})).is_error is False
    assert uris == ["flopcast://hardware", "flopcast://models",  # and the MCP Apps views
                    "ui://flopcast/compare_gpus.html",  # (test_app_view.py)
                    "ui://flopcast/plan_cluster_training.html"]
    assert templates == ["flopcast://hardware/{hardware_id}", "flopcast://models/{model_id}"]
    assert hardware == [e.model_dump(mode="json") for e in list_hardware().entries]
    assert presets == [e.model_dump(mode="json") for e in list_models().entries]
    assert a100["id"].startswith("nvidia-a100") and a100["sources"]
    assert gpt3["id"] == "gpt-3-175b" and gpt3["sources"]


async def test_count_tokens_reads_only_below_granted_folders(tmp_path):
    from flopcast.tokens.count import count_tokens

    granted = tmp_path / "granted"
    granted.mkdir()
    (granted / "a.md").write_text("hello world " * 50, encoding="utf-8")
    secret = tmp_path / "secret.txt"
    secret.write_text("do not read", encoding="utf-8")
    expected = count_tokens(path=str(granted / "a.md"), allowed_roots=[granted.resolve()])
    async with Client(build_server([granted])) as client:
        ok = await client.call_tool("count_tokens", {"path": str(granted / "a.md")})
        outside = await client.call_tool("count_tokens", {"path": str(secret)},
                                         raise_on_error=False)
        escape = await client.call_tool("count_tokens",
                                        {"path": str(granted / ".." / "secret.txt")},
                                        raise_on_error=False)
    assert ok.structured_content["tokens"] == expected.tokens
    assert outside.is_error and outside.content[0].text.startswith("path: ")
    assert escape.is_error and escape.content[0].text.startswith("path: ")
    async with Client(build_server()) as client:
        none = await client.call_tool("count_tokens", {"path": str(granted / "a.md")},
                                      raise_on_error=False)
    assert none.is_error and none.content[0].text.startswith("path: ")


async def test_count_tokens_byte_cap_of_the_server_wins(tmp_path):
    (tmp_path / "big.txt").write_text("x" * 5000, encoding="utf-8")
    async with Client(build_server([tmp_path], max_bytes=1000)) as client:
        result = await client.call_tool(
            "count_tokens", {"path": str(tmp_path / "big.txt"), "max_bytes": 10**9},
            raise_on_error=False)
    assert result.is_error
    assert result.content[0].text.startswith("max_bytes: ")


async def test_count_tokens_reports_progress(tmp_path):
    (tmp_path / "a.txt").write_text("token " * 2000, encoding="utf-8")
    seen: list[tuple[float, float | None]] = []

    async def on_progress(progress: float, total: float | None, message: str | None) -> None:
        seen.append((progress, total))

    async with Client(build_server([tmp_path]), progress_handler=on_progress) as client:
        result = await client.call_tool("count_tokens", {"path": str(tmp_path / "a.txt")})
    assert result.is_error is False
    assert seen and seen[-1][0] == seen[-1][1]


# ---------------------------------------------------------------- test-only tools


class EchoInput(BaseModel):
    model_config = ConfigDict(extra="forbid")

    path: str = Field(description="A path.")


class EchoResult(Result):
    roots: list[str] = Field(default_factory=list)


def echo_roots(*, path: str, allowed_roots: list[Path] | None = None) -> EchoResult:
    return EchoResult(roots=[str(r) for r in allowed_roots or []], summary=f"read {path}")


ECHO = ToolSpec("echo_roots", "Echo roots", "Test tool.", EchoInput, EchoResult, echo_roots,
                server_arguments=("allowed_roots",), blocking=True)


def broken(*, path: str) -> EchoResult:
    raise ZeroDivisionError("boom")


BROKEN = ToolSpec("broken", "Broken", "Test tool.", EchoInput, EchoResult, broken)


async def test_allowed_roots_come_from_flags_narrowed_by_client_roots(tmp_path):
    server = build_server([tmp_path], tools=[ECHO])
    async with Client(server) as client:
        result = await client.call_tool("echo_roots", {"path": "a"})
    assert result.structured_content["roots"] == [str(tmp_path.resolve())]
    # a handshake-era client (Claude Desktop, VS Code) lists its roots on request
    inner = tmp_path / "data set"
    inner.mkdir()
    async with Client(server, roots=[inner.resolve().as_uri()], mode="legacy") as client:
        result = await client.call_tool("echo_roots", {"path": "a"})
    assert result.structured_content["roots"] == [str(inner.resolve())]


async def test_no_roots_granted_means_an_empty_list():
    async with Client(build_server(tools=[ECHO])) as client:
        result = await client.call_tool("echo_roots", {"path": "a"})
    assert result.structured_content["roots"] == []


async def test_a_client_cannot_grant_itself_roots():
    async with Client(build_server(tools=[ECHO])) as client:
        result = await client.call_tool("echo_roots", {"path": "a", "allowed_roots": ["/"]},
                                        raise_on_error=False)
    assert result.is_error
    assert result.content[0].text.startswith("allowed_roots: is not an argument")


async def test_a_bug_is_one_line_without_traceback_and_the_server_keeps_serving():
    async with Client(build_server(tools=[BROKEN, ECHO])) as client:
        result = await client.call_tool("broken", {"path": "a"}, raise_on_error=False)
        assert result.is_error
        assert result.content[0].text == (
            "broken: internal error (ZeroDivisionError: boom); "
            "this is a bug in flopcast, not in your input")
        assert (await client.call_tool("echo_roots", {"path": "a"})).is_error is False


async def test_a_result_json_cannot_carry_is_a_tool_error():
    class InfResult(EchoResult):
        value: float = 0.0

    spec = ToolSpec("overflow", "Overflow", "Test tool.", EchoInput, InfResult,
                    lambda **kwargs: InfResult(summary="x", value=float("inf")))
    async with Client(build_server(tools=[spec])) as client:
        result = await client.call_tool("overflow", {"path": "a"}, raise_on_error=False)
    assert result.is_error
    assert result.content[0].text.startswith("result: value came out inf (not a finite number)")
    assert "\n" not in result.content[0].text


def test_render_text_in_chinese():
    from flopcast.numbers.results import Assumption, make_step

    result = Result(
        summary="**答案**",
        language="zh",
        steps=[make_step("C", "C = 6 · N · D", [("N", 2.0, ""), ("D", 3.0, "")], 36.0, "FLOPs")],
        assumptions=[Assumption(name="mfu", value="0.4", source="PaLM §4.1")],
    )
    text = render_text(result)
    assert text.startswith("**答案**\n\n**推导步骤**\n- C: C = 6 · N · D = 36")
    assert text.endswith("**假设**\n- mfu = 0.4 (PaLM §4.1)")


# ---------------------------------------------------------------- command line and transports


def test_loopback_detection():
    assert is_loopback("127.0.0.1") and is_loopback("::1") and is_loopback("localhost")
    assert is_loopback("127.0.0.2")
    assert not is_loopback("0.0.0.0") and not is_loopback("192.168.1.10")


@pytest.mark.parametrize(
    "argv",
    [
        ["--transport", "http", "--host", "0.0.0.0"],
        ["--transport", "http", "--host", "0.0.0.0", "--allow-remote"],
        ["--allow-dir", "/definitely/not/a/folder"],
    ],
)
def test_refused_command_lines(argv, monkeypatch, capsys):
    monkeypatch.delenv("FLOPCAST_MCP_TOKEN", raising=False)
    with pytest.raises(SystemExit) as stop:
        main(argv)
    assert stop.value.code == 2
    assert "error:" in capsys.readouterr().err


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_for_port(port: int, process: subprocess.Popen, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(process.stderr.read() if process.stderr else "server exited")
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.05)
    raise AssertionError("server did not start")


@pytest.mark.slow
async def test_stdio_end_to_end_with_the_official_mcp_client():
    from mcp import Client as SDKClient
    from mcp import StdioServerParameters

    spec = TOOLS[0]
    arguments = EXAMPLES[spec.name]
    params = StdioServerParameters(command=str(BIN / "flopcast-mcp"), env=SERVER_ENV)
    async with SDKClient(params) as client:
        tools = await client.list_tools()
        result = await client.call_tool(spec.name, arguments)
    assert spec.name in [t.name for t in tools.tools]
    assert result.is_error is False
    assert result.structured_content == structured(spec.handler(**arguments))


@pytest.mark.slow
async def test_streamable_http_on_a_loopback_port_with_a_token():
    from mcp import Client as SDKClient

    port = _free_port()
    env = {**os.environ, **SERVER_ENV, "FLOPCAST_MCP_TOKEN": "s3cret"}
    process = subprocess.Popen(
        [str(BIN / "flopcast-mcp"), "--transport", "http", "--port", str(port)],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
    )
    try:
        _wait_for_port(port, process)
        import httpx

        url = f"http://127.0.0.1:{port}/mcp"
        denied = httpx.post(url, json={"jsonrpc": "2.0", "id": 1, "method": "ping"})
        assert denied.status_code == 401
        spec = TOOLS[0]
        arguments = EXAMPLES[spec.name]
        async with (
            httpx.AsyncClient(headers={"Authorization": "Bearer s3cret"}) as http,
        ):
            from mcp.client.streamable_http import streamable_http_client

            transport = streamable_http_client(url, http_client=http)
            async with SDKClient(transport) as client:
                result = await client.call_tool(spec.name, arguments)
        assert result.structured_content == structured(spec.handler(**arguments))
    finally:
        process.terminate()
        process.wait(timeout=10)
        if process.stderr is not None:
            process.stderr.close()


# ---------------------------------------------------------------- limits and cancellation


async def test_the_server_caps_count_tokens_workers(tmp_path):
    (tmp_path / "a.txt").write_text("hello world")
    server = build_server([tmp_path], max_workers=1)
    async with Client(server) as client:
        result = await client.call_tool("count_tokens", {"path": str(tmp_path), "workers": 8,
                                                         "encoding": "cl100k_base"})
    assert result.structured_content["workers"] == 1
    [workers] = [a for a in result.structured_content["assumptions"] if a["name"] == "workers"]
    assert "8 asked, capped at 1" in workers["source"]


async def test_a_cancelled_call_stops_its_worker_thread():
    import threading

    import anyio

    from flopcast.tools.mcp_server import RegistryTool

    started, stopped = threading.Event(), threading.Event()

    def slow(*, path: str, cancelled=None) -> EchoResult:
        started.set()
        for _ in range(500):  # at most 5 s, polled the way count_tokens polls
            if cancelled():
                stopped.set()
                break
            threading.Event().wait(0.01)
        return EchoResult(summary="done")

    spec = ToolSpec("slow", "Slow", "Test tool.", EchoInput, EchoResult, slow,
                    server_arguments=("cancelled",), blocking=True)
    tool = RegistryTool.from_spec(spec)
    with anyio.move_on_after(0.3) as scope:  # the client cancels after 0.3 s
        await tool.run({"path": "a"})
    assert scope.cancelled_caught and started.is_set()
    assert await anyio.to_thread.run_sync(stopped.wait, 5.0)  # the thread saw it and ended
