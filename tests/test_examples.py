"""Every example in examples/ runs here, offline.

- the OpenAI and Anthropic loops with fake clients shaped like the SDKs' responses, replaying a
  recorded tool call and then answering from the tool result they were sent;
- the LangChain agent with a scripted fake chat model from langchain_core;
- mcp_client.py against the real `flopcast-mcp` over stdio;
- seed_questions.md regenerated and compared.

The figure checked throughout is the seed's GPT-3 question: 1,024 A100s at 140 TFLOP/s achieved
per GPU with full activation recomputation (Megatron-LM, Narayanan et al. 2021, §5.1:
time ≈ 8·T·P / (n·X)). By hand, with P = 174.6e9 (GPT-3 paper, Table D.1) and T = 300e9:
8 × 174.6e9 × 300e9 / (1024 × 140e12) = 2.923e6 s = 33.8 days.
"""

from __future__ import annotations

import asyncio
import importlib.util
import json
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from types import ModuleType, SimpleNamespace
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"

GPT3_ARGS = {
    "model": "gpt-3-175b",
    "hardware": "a100",
    "count": 1024,
    "achieved_tflops": 140,
    "recompute": "full",
}
GPT3_SECONDS = 8 * 174.6e9 * 300e9 / (1024 * 140e12)
GPT3_DAYS = GPT3_SECONDS / 86400  # 33.8


def load_example(name: str) -> ModuleType:
    path = EXAMPLES / f"{name}.py"
    spec = importlib.util.spec_from_file_location(f"flopcast_example_{name}", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while the class is built
    spec.loader.exec_module(module)
    return module


def days_in(text: str) -> float:
    """The number printed right before ' days' in an answer."""
    head = text.split(" days")[0]
    return float(head.split()[-1].replace(",", ""))


# ---------------------------------------------------------------- OpenAI


def openai_tool_call_response(call_id: str, name: str, arguments: dict[str, Any]) -> Any:
    """Shaped like openai's ChatCompletion with one tool call (fields the loop reads)."""
    call = SimpleNamespace(
        id=call_id,
        type="function",
        function=SimpleNamespace(name=name, arguments=json.dumps(arguments)),
    )
    message = SimpleNamespace(role="assistant", content=None, tool_calls=[call])
    return SimpleNamespace(choices=[SimpleNamespace(message=message, finish_reason="tool_calls")])


def openai_text_response(text: str) -> Any:
    message = SimpleNamespace(role="assistant", content=text, tool_calls=None)
    return SimpleNamespace(choices=[SimpleNamespace(message=message, finish_reason="stop")])


class FakeOpenAI:
    """`client.chat.completions.create(**request)` replaying a script of responses.

    A script entry is a response, or a function of the request (to answer from what the tool
    returned, the way a model would).
    """

    def __init__(self, script: list[Any]) -> None:
        self._script: Iterator[Any] = iter(script)
        self.requests: list[dict[str, Any]] = []
        self.chat = SimpleNamespace(completions=SimpleNamespace(create=self._create))

    def _create(self, **request: Any) -> Any:
        self.requests.append(json.loads(json.dumps(request)))
        entry = next(self._script)
        return entry(request) if callable(entry) else entry


def answer_from_last_openai_tool_message(request: dict[str, Any]) -> Any:
    result = json.loads(request["messages"][-1]["content"])
    return openai_text_response(f"About {result['days']:.1f} days on 1,024 A100s.")


def strict_call(request: dict[str, Any]) -> Any:
    """What a strict-mode model sends: every property present, null for the ones it skips."""
    tool = next(t for t in request["tools"] if t["function"]["name"] == "estimate_training")
    arguments = {name: None for name in tool["function"]["parameters"]["properties"]}
    return openai_tool_call_response("call_1", "estimate_training", {**arguments, **GPT3_ARGS})


def test_openai_loop_sends_strict_tools_and_quotes_the_tool_figure() -> None:
    example = load_example("openai_tool_loop")
    client = FakeOpenAI([strict_call, answer_from_last_openai_tool_message])
    answer = example.run(client, "How long does GPT-3 take on 1024 A100s?", model="fake")
    assert days_in(answer) == pytest.approx(GPT3_DAYS, abs=0.05)
    first, second = client.requests
    assert all(t["function"]["strict"] is True for t in first["tools"])
    assert "estimate_training" in {t["function"]["name"] for t in first["tools"]}
    assert first["messages"][0]["role"] == "system"
    tool_message = second["messages"][-1]
    assert tool_message["role"] == "tool" and tool_message["tool_call_id"] == "call_1"
    assert second["messages"][-2]["tool_calls"][0]["function"]["name"] == "estimate_training"
    assert json.loads(tool_message["content"])["seconds"] == pytest.approx(GPT3_SECONDS, rel=1e-3)


def test_openai_loop_hands_a_bad_call_back_as_an_error() -> None:
    example = load_example("openai_tool_loop")

    def read_error(request: dict[str, Any]) -> Any:
        return openai_text_response(json.loads(request["messages"][-1]["content"])["error"])

    client = FakeOpenAI([
        openai_tool_call_response("call_1", "estimate_training", {**GPT3_ARGS, "hardware": "a10O"}),
        read_error,
    ])
    answer = example.run(client, "?", model="fake")
    assert "hardware" in answer and "a100" in answer  # names the argument, suggests the id


# ---------------------------------------------------------------- Anthropic


def anthropic_tool_use_response(use_id: str, name: str, arguments: dict[str, Any]) -> Any:
    """Shaped like anthropic's Message with a text block and a tool_use block."""
    return SimpleNamespace(
        role="assistant",
        stop_reason="tool_use",
        content=[
            SimpleNamespace(type="text", text="Let me compute that."),
            SimpleNamespace(type="tool_use", id=use_id, name=name, input=arguments),
        ],
    )


def anthropic_text_response(text: str) -> Any:
    return SimpleNamespace(
        role="assistant", stop_reason="end_turn", content=[SimpleNamespace(type="text", text=text)]
    )


class FakeAnthropic:
    """`client.messages.create(**request)` replaying a script of responses."""

    def __init__(self, script: list[Any]) -> None:
        self._script: Iterator[Any] = iter(script)
        self.requests: list[dict[str, Any]] = []
        self.messages = SimpleNamespace(create=self._create)

    def _create(self, **request: Any) -> Any:
        self.requests.append(json.loads(json.dumps(request)))
        entry = next(self._script)
        return entry(request) if callable(entry) else entry


def test_anthropic_loop_returns_tool_results_and_quotes_the_figure() -> None:
    example = load_example("anthropic_tool_loop")

    def answer(request: dict[str, Any]) -> Any:
        block = request["messages"][-1]["content"][0]
        result = json.loads(block["content"])
        return anthropic_text_response(f"约 {result['days']:.1f} days（1024 块 A100）。")

    client = FakeAnthropic([anthropic_tool_use_response("toolu_1", "estimate_training",
                                                        GPT3_ARGS), answer])
    text = example.run(client, "1024 块 A100 训练 GPT-3 要多少天？", model="fake", language="zh")
    assert days_in(text) == pytest.approx(GPT3_DAYS, abs=0.05)
    first, second = client.requests
    assert {"name", "description", "input_schema"} <= set(first["tools"][0])
    assert "算力顾问" in first["system"]
    assistant, results = second["messages"][-2:]
    assert assistant["content"][1] == {"type": "tool_use", "id": "toolu_1",
                                       "name": "estimate_training", "input": GPT3_ARGS}
    block = results["content"][0]
    assert block["type"] == "tool_result" and block["tool_use_id"] == "toolu_1"
    assert block["is_error"] is False


def test_anthropic_loop_marks_errors() -> None:
    example = load_example("anthropic_tool_loop")

    def answer(request: dict[str, Any]) -> Any:
        block = request["messages"][-1]["content"][0]
        assert block["is_error"] is True
        return anthropic_text_response(json.loads(block["content"])["error"])

    client = FakeAnthropic([
        anthropic_tool_use_response("toolu_1", "estimate_training", {**GPT3_ARGS, "count": 0}),
        answer,
    ])
    assert "count" in example.run(client, "?", model="fake")


# ---------------------------------------------------------------- LangChain


def scripted_chat_model(tool_call: dict[str, Any]) -> Any:
    """A langchain_core fake chat model: emits `tool_call`, then answers from the ToolMessage."""
    from langchain_core.language_models.fake_chat_models import GenericFakeChatModel
    from langchain_core.messages import AIMessage, ToolMessage
    from langchain_core.outputs import ChatGeneration, ChatResult

    class ToolCallingFake(GenericFakeChatModel):
        def bind_tools(self, tools: Any, **kwargs: Any) -> ToolCallingFake:
            return self

        def _generate(self, messages: list[Any], stop: Any = None, run_manager: Any = None,
                      **kwargs: Any) -> ChatResult:
            last = messages[-1]
            if isinstance(last, ToolMessage):
                days = last.artifact["days"]
                reply = AIMessage(content=f"About {days:.1f} days. {last.content}")
                return ChatResult(generations=[ChatGeneration(message=reply)])
            return super()._generate(messages, stop=stop, run_manager=run_manager, **kwargs)

    first = AIMessage(content="", tool_calls=[tool_call])
    return ToolCallingFake(messages=iter([first]))


def test_langchain_agent_runs_the_tool_and_quotes_its_figure() -> None:
    pytest.importorskip("langchain_core")
    example = load_example("langchain_agent")
    model = scripted_chat_model(
        {"name": "estimate_training", "args": GPT3_ARGS, "id": "call_1", "type": "tool_call"}
    )
    answer = example.run_agent(model, "How long does GPT-3 take on 1024 A100s?")
    assert days_in(answer) == pytest.approx(GPT3_DAYS, abs=0.05)
    assert len(answer) > 40  # the tool's summary follows the figure


# ---------------------------------------------------------------- MCP over stdio


def server_command() -> list[str]:
    script = Path(sys.executable).with_name("flopcast-mcp")
    if script.exists():
        return [str(script)]
    return [sys.executable, "-m", "flopcast.tools.mcp_server"]


@pytest.mark.slow
def test_mcp_client_calls_the_real_server_over_stdio(tmp_path: Path) -> None:
    example = load_example("mcp_client")
    assert example.GPT3_ON_A100 == GPT3_ARGS
    log = tmp_path / "server.stderr"
    with log.open("w") as errlog:  # a real file: the subprocess needs a file descriptor
        answer = asyncio.run(example.ask(command=server_command(), errlog=errlog))
    assert not answer.is_error, answer.text + log.read_text()
    assert {"estimate_training", "list_hardware", "explain_flops"} <= set(answer.tools)
    assert answer.structured is not None
    assert answer.structured["days"] == pytest.approx(GPT3_DAYS, rel=1e-3)
    assert answer.text.strip()


def test_mcp_client_reads_the_result_of_either_sdk_line() -> None:
    example = load_example("mcp_client")

    class V2:  # mcp 2.x: snake_case attributes
        structured_content = {"days": 34.0}
        is_error = False

    class V1:  # mcp 1.x: camelCase attributes, no snake_case ones
        structuredContent = {"days": 34.0}  # noqa: N815
        isError = True  # noqa: N815

    assert example.answer_fields(V2()) == ({"days": 34.0}, False)
    assert example.answer_fields(V1()) == ({"days": 34.0}, True)


def test_mcp_client_help_prints_usage(capsys: pytest.CaptureFixture[str]) -> None:
    example = load_example("mcp_client")
    with pytest.raises(SystemExit) as exit_info:
        example.main(["--help"])
    assert exit_info.value.code == 0
    assert "--server" in capsys.readouterr().out


# ---------------------------------------------------------------- seed_questions.md


def _generator() -> Callable[[], str]:
    path = ROOT / "scripts" / "gen_seed_questions.py"
    spec = importlib.util.spec_from_file_location("flopcast_gen_seed_questions", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module.render  # type: ignore[no-any-return]


def test_seed_questions_md_is_up_to_date() -> None:
    expected = _generator()()
    actual = (EXAMPLES / "seed_questions.md").read_text(encoding="utf-8")
    assert actual == expected, "run: python scripts/gen_seed_questions.py"


def test_http_and_uvx_configs() -> None:
    http = json.loads((EXAMPLES / "vscode_mcp_http.json").read_text())["servers"]["flopcast"]
    assert http["type"] == "http" and http["url"] == "http://127.0.0.1:8765/mcp"
    assert http["headers"]["Authorization"].startswith("Bearer ${input:")
    uvx = json.loads((EXAMPLES / "claude_desktop_config_uvx.json").read_text())
    entry = uvx["mcpServers"]["flopcast"]
    assert entry["command"] == "uvx" and entry["args"][-1] == "flopcast-mcp"


def test_server_json_describes_the_package_and_its_arguments() -> None:
    import tomllib

    from flopcast.tools.mcp_server import _parser

    server = json.loads((ROOT / "server.json").read_text())
    version = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["version"]
    assert server["version"] == version and len(server["description"]) <= 100
    (package,) = server["packages"]
    assert (package["registryType"], package["identifier"], package["version"]) == (
        "pypi", "flopcast", version)
    flags = {option for action in _parser()._actions for option in action.option_strings}
    for argument in package["packageArguments"]:
        assert argument["name"] in flags


def test_example_configs_start_flopcast_mcp() -> None:
    desktop = json.loads((EXAMPLES / "claude_desktop_config.json").read_text())
    cursor = json.loads((EXAMPLES / "cursor_mcp.json").read_text())
    vscode = json.loads((EXAMPLES / "vscode_mcp.json").read_text())
    for entry in (desktop["mcpServers"]["flopcast"], cursor["mcpServers"]["flopcast"],
                  vscode["servers"]["flopcast"]):
        assert entry["command"] == "flopcast-mcp"
        assert entry["env"]["FASTMCP_CHECK_FOR_UPDATES"] == "off"
    assert vscode["servers"]["flopcast"]["type"] == "stdio"
    readme = (EXAMPLES / "README.md").read_text()
    assert "claude mcp add flopcast" in readme
