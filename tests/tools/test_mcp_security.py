"""The MCP server under attack: contained panics, roots that only narrow, quiet logs for user
errors, DNS-rebinding checks, tokens and HTTP limits (issue 14)."""

from __future__ import annotations

import doctest
import json
import logging
import os
import re
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from fastmcp import Client
from fastmcp.exceptions import MCPError
from pydantic import BaseModel, ConfigDict, Field

from flopcast.numbers.results import Result
from flopcast.tools import mcp_http, mcp_server
from flopcast.tools.mcp_server import allowed_folders, build_server, main
from flopcast.tools.registry import ToolSpec

BIN = Path(sys.executable).parent
SERVER_ENV = {"FASTMCP_CHECK_FOR_UPDATES": "off", "PYTHONUNBUFFERED": "1"}


@pytest.mark.parametrize("module", [mcp_server, mcp_http], ids=lambda m: m.__name__)
def test_doctests_of_the_server_modules(module):
    assert doctest.testmod(module).failed == 0


# ---------------------------------------------------------------- a panic is one failed call


class PanicException(BaseException):
    """What pyo3 raises when Rust code (tiktoken) panics: not an `Exception`."""


class PathInput(BaseModel):
    model_config = ConfigDict(extra="forbid")

    path: str = Field(description="A path.")


class RootsResult(Result):
    roots: list[str] = Field(default_factory=list)


def panic(*, path: str) -> RootsResult:
    raise PanicException("attempt to add with overflow")


def echo_roots(*, path: str, allowed_roots: list[Path] | None = None) -> RootsResult:
    return RootsResult(roots=[str(r) for r in allowed_roots or []], summary=f"read {path}")


PANIC = ToolSpec("panic", "Panic", "Test tool.", PathInput, RootsResult, panic)
PANIC_IN_THREAD = ToolSpec("panic_in_thread", "Panic", "Test tool.", PathInput, RootsResult,
                           panic, blocking=True)
ECHO = ToolSpec("echo_roots", "Echo roots", "Test tool.", PathInput, RootsResult, echo_roots,
                server_arguments=("allowed_roots",), blocking=True)

PANIC_LINE = ("internal error (PanicException: attempt to add with overflow); "
              "this is a bug in flopcast, not in your input")


@pytest.mark.parametrize("name", ["panic", "panic_in_thread"])
async def test_a_panic_is_a_tool_error_and_the_next_call_works(name):
    async with Client(build_server(tools=[PANIC, PANIC_IN_THREAD, ECHO])) as client:
        for _ in range(2):
            result = await client.call_tool(name, {"path": "a"}, raise_on_error=False)
            assert result.is_error
            assert result.content[0].text == f"{name}: {PANIC_LINE}"
            assert (await client.call_tool("echo_roots", {"path": "a"})).is_error is False


async def test_a_panic_in_a_resource_or_prompt_is_an_error_and_the_server_keeps_serving(
        monkeypatch):
    import flopcast.catalog.hardware
    import flopcast.prompts

    def boom(*args, **kwargs):
        raise PanicException("attempt to add with overflow")

    server = build_server()
    monkeypatch.setattr(flopcast.catalog.hardware, "get_hardware", boom)
    monkeypatch.setattr(flopcast.prompts, "load_prompt", boom)
    async with Client(server) as client:
        with pytest.raises(MCPError, match="PanicException"):
            await client.read_resource("flopcast://hardware/a100")
        with pytest.raises(MCPError, match="PanicException"):
            await client.get_prompt("system_en")
        assert (await client.call_tool("list_models", {})).is_error is False
        assert json.loads((await client.read_resource("flopcast://models"))[0].text)


PANIC_SERVER = """
from pydantic import BaseModel, ConfigDict
from flopcast.numbers.results import Result
from flopcast.tools.mcp_server import build_server
from flopcast.tools.registry import TOOLS, ToolSpec

class PanicException(BaseException):
    pass

class In(BaseModel):
    model_config = ConfigDict(extra="forbid")
    path: str

def panic(*, path):
    raise PanicException("attempt to add with overflow")

spec = ToolSpec("panic", "Panic", "Test tool.", In, Result, panic, blocking=True)
build_server(tools=[spec, *TOOLS]).run("stdio", show_banner=False, log_level="CRITICAL")
"""


@pytest.mark.slow
async def test_a_panic_over_stdio_does_not_end_the_session():
    from mcp import Client as SDKClient
    from mcp import StdioServerParameters

    params = StdioServerParameters(command=sys.executable, args=["-c", PANIC_SERVER],
                                   env=SERVER_ENV)
    async with SDKClient(params) as client:
        first = await client.call_tool("panic", {"path": "a"})
        after = await client.call_tool("list_hardware", {"vendor": "NVIDIA"})
        again = await client.call_tool("panic", {"path": "a"})
    assert first.is_error and first.content[0].text == f"panic: {PANIC_LINE}"
    assert after.is_error is False and after.structured_content["entries"]
    assert again.is_error


# ---------------------------------------------------------------- client roots only narrow


def test_allowed_folders_is_the_intersection():
    granted = [Path("/srv/data"), Path("/srv/docs")]
    assert allowed_folders(granted, []) == granted
    assert allowed_folders([], [Path("/"), Path("/srv/data")]) == []
    assert allowed_folders(granted, [Path("/")]) == granted
    assert allowed_folders(granted, [Path("/srv")]) == granted
    assert allowed_folders(granted, [Path("/srv/data/a"), Path("/srv/docs")]) == [
        Path("/srv/data/a"), Path("/srv/docs")]
    assert allowed_folders(granted, [Path("/srv/database"), Path("/etc")]) == []


async def _roots_seen(allow_dirs, client_roots):
    async def roots_handler(context):  # a handshake-era client answering roots/list
        return [Path(r).as_uri() for r in client_roots]

    async with Client(build_server(allow_dirs, tools=[ECHO]), roots=roots_handler,
                      mode="legacy") as client:
        result = await client.call_tool("echo_roots", {"path": "a"})
    return result.structured_content["roots"]


async def test_client_roots_narrow_the_grant_and_never_widen_it(tmp_path):
    granted = (tmp_path / "granted").resolve()
    inner = granted / "inner"
    inner.mkdir(parents=True)
    elsewhere = (tmp_path / "elsewhere").resolve()
    elsewhere.mkdir()
    assert await _roots_seen([], ["/"]) == []
    assert await _roots_seen([granted], ["/"]) == [str(granted)]
    assert await _roots_seen([granted], [str(inner)]) == [str(inner)]
    assert await _roots_seen([granted], [str(elsewhere)]) == []
    assert await _roots_seen([inner], [str(granted), str(elsewhere)]) == [str(inner)]


async def test_a_client_declaring_the_root_folder_cannot_read_outside_the_grant(tmp_path):
    granted = tmp_path / "granted"
    granted.mkdir()
    (granted / "a.md").write_text("hello world", encoding="utf-8")
    secret = tmp_path / "secret.txt"
    secret.write_text("do not read", encoding="utf-8")
    for allow_dirs in ([], [granted]):
        async with Client(build_server(allow_dirs), roots=["file:///"], mode="legacy") as client:
            outside = await client.call_tool("count_tokens", {"path": str(secret)},
                                             raise_on_error=False)
            inside = await client.call_tool("count_tokens", {"path": str(granted / "a.md")},
                                            raise_on_error=False)
        assert outside.is_error and outside.content[0].text.startswith("path: ")
        assert inside.is_error is (not allow_dirs)


async def test_a_model_config_path_is_read_only_below_the_grant(tmp_path):
    granted = tmp_path / "granted"
    granted.mkdir()
    config = json.dumps({"model_type": "gpt2", "n_embd": 768, "n_head": 12, "n_layer": 12,
                         "n_positions": 1024, "vocab_size": 50257})
    (granted / "config.json").write_text(config, encoding="utf-8")
    (tmp_path / "config.json").write_text(config, encoding="utf-8")
    args = {"mode": "inference", "context": 1024}
    for allow_dirs in ([], [granted]):
        async with Client(build_server(allow_dirs), roots=["file:///"], mode="legacy") as client:
            outside = await client.call_tool("estimate_memory",
                                             {**args, "model": str(tmp_path / "config.json")},
                                             raise_on_error=False)
            inside = await client.call_tool("estimate_memory", {**args, "model": str(granted)},
                                            raise_on_error=False)
            inline = await client.call_tool("estimate_memory", {**args, "model": config},
                                            raise_on_error=False)
        assert outside.is_error and outside.content[0].text.startswith("model: ")
        assert inside.is_error is (not allow_dirs)
        assert not inline.is_error


# ---------------------------------------------------------------- user errors: codes, quiet log


@pytest.fixture
def warnings_logged(caplog, monkeypatch):
    """The records at WARNING or above, fastmcp's included (its logger does not propagate)."""
    monkeypatch.setattr(logging.getLogger("fastmcp"), "propagate", True)
    caplog.set_level(logging.WARNING)
    return lambda: [r for r in caplog.records if r.levelno >= logging.WARNING]


@pytest.mark.parametrize("mode, not_found", [("legacy", -32002), (None, -32602)])
async def test_client_mistakes_get_mcp_error_codes_and_no_log(warnings_logged, mode, not_found):
    async with Client(build_server(), **({"mode": mode} if mode else {})) as client:
        with pytest.raises(MCPError) as stray:
            await client.get_prompt("system_en", {"zz": "1"})
        with pytest.raises(MCPError) as missing:
            await client.get_prompt("plan_training_question_en", {})
        with pytest.raises(MCPError) as unknown:
            await client.read_resource("flopcast://hardware/a1000")
        with pytest.raises(MCPError) as unknown_model:
            await client.read_resource("flopcast://models/gpt-9")
        with pytest.raises(MCPError) as no_such_uri:  # fastmcp's answer: -32602 (SEP-2164)
            await client.read_resource("flopcast://nothing/here")
        tool = await client.call_tool("estimate_training",
                                      {"model": "gpt-3-175b", "hardware": "a1000"},
                                      raise_on_error=False)
    assert (stray.value.code, missing.value.code) == (-32602, -32602)
    assert stray.value.message.startswith("zz: ")
    assert missing.value.message.startswith("question: ")
    assert (unknown.value.code, unknown_model.value.code) == (not_found, not_found)
    assert no_such_uri.value.code == -32602
    assert unknown.value.message.startswith("hardware: unknown hardware 'a1000'")
    assert "\n" not in unknown.value.message
    assert tool.is_error and tool.content[0].text.startswith("hardware: ")
    assert warnings_logged() == []


async def test_a_bug_is_still_logged(warnings_logged):
    async with Client(build_server(tools=[PANIC])) as client:
        await client.call_tool("panic", {"path": "a"}, raise_on_error=False)
    assert [r.getMessage() for r in warnings_logged()] == ["tool panic failed"]


# ---------------------------------------------------------------- tokens


@pytest.mark.parametrize("token", ["", "   ", "\t\n"])
def test_a_blank_token_is_refused_at_start(token, monkeypatch, capsys):
    monkeypatch.delenv("FLOPCAST_MCP_TOKEN", raising=False)
    with pytest.raises(SystemExit) as stop:
        main(["--transport", "http", "--token", token])
    assert stop.value.code == 2
    err = capsys.readouterr().err.strip().splitlines()[-1]
    assert err.endswith("error: --token: the token is blank")
    monkeypatch.setenv("FLOPCAST_MCP_TOKEN", token)
    with pytest.raises(SystemExit) as stop:
        main(["--transport", "http"])
    assert stop.value.code == 2
    assert capsys.readouterr().err.strip().endswith(
        "error: $FLOPCAST_MCP_TOKEN: the token is blank")


@pytest.mark.parametrize(
    "argv, message",
    [
        (["--transport", "http", "--token", "two words"], "--token: the token must be printable"),
        (["--transport", "http", "--allowed-origin", "evil.example"], "--allowed-origin: "),
        (["--transport", "http", "--request-timeout", "0"], "--request-timeout must be"),
    ],
)
def test_refused_http_flags(argv, message, monkeypatch, capsys):
    monkeypatch.delenv("FLOPCAST_MCP_TOKEN", raising=False)
    with pytest.raises(SystemExit) as stop:
        main(argv)
    assert stop.value.code == 2
    assert f"error: {message}" in capsys.readouterr().err


def test_bearer_scheme_is_case_insensitive_and_the_token_exact():
    auth = mcp_http.BearerAuth(lambda *a: None, token="s3cret")
    assert auth._authorized(b"Bearer s3cret") and auth._authorized(b"bearer s3cret")
    assert auth._authorized(b"BEARER  s3cret")
    assert not auth._authorized(b"Bearer s3cre") and not auth._authorized(b"Basic s3cret")
    assert not auth._authorized(b"s3cret") and not auth._authorized(b"")


# ---------------------------------------------------------------- HTTP on a loopback port

TOKEN = "s3cret"
REQUEST_TIMEOUT_S = 1.0


@pytest.fixture(scope="module")
def http_server():
    """A server on an ephemeral loopback port (--port 0), read from its first stderr line."""
    env = {**os.environ, **SERVER_ENV, "FLOPCAST_MCP_TOKEN": TOKEN}
    process = subprocess.Popen(
        [str(BIN / "flopcast-mcp"), "--transport", "http", "--port", "0",
         "--request-timeout", str(REQUEST_TIMEOUT_S), "--allowed-host", "mcp.test",
         "--allowed-origin", "https://app.example"],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
    )
    try:
        line = process.stderr.readline() if process.stderr else ""
        found = re.fullmatch(r"flopcast MCP server on http://127\.0\.0\.1:(\d+)/mcp\n", line)
        assert found, f"first stderr line: {line!r}"
        port = int(found.group(1))
        # keep reading stderr: a full pipe would block the server
        threading.Thread(target=process.stderr.read, daemon=True).start()
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:  # the line is written just before uvicorn starts
            with socket.socket() as s:
                if s.connect_ex(("127.0.0.1", port)) == 0:
                    break
            time.sleep(0.05)
        yield port
    finally:
        process.terminate()
        process.wait(timeout=10)
        if process.stderr is not None:
            process.stderr.close()


INITIALIZE = {"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {
    "protocolVersion": "2025-11-25", "capabilities": {},
    "clientInfo": {"name": "test", "version": "0"}}}


def _post(port: int, **headers: str):
    import httpx

    base = {"Authorization": f"Bearer {TOKEN}", "Accept": "application/json, text/event-stream"}
    return httpx.post(f"http://127.0.0.1:{port}/mcp", json=INITIALIZE, timeout=10,
                      headers={**base, **headers})


@pytest.mark.slow
@pytest.mark.parametrize("host", ["127.0.0.1:{port}", "localhost:{port}", "[::1]:{port}",
                                  "mcp.test", "mcp.test:{port}"])
def test_http_serves_the_loopback_and_allowed_hosts(http_server, host):
    response = _post(http_server, Host=host.format(port=http_server))
    assert response.status_code == 200, response.text


@pytest.mark.slow
@pytest.mark.parametrize("host", ["evil.example:{port}", "evil.example", "127.0.0.1:1",
                                  "localhost", "mcp.test:1", ""])
def test_http_refuses_a_forged_host(http_server, host):
    response = _post(http_server, Host=host.format(port=http_server))
    assert response.status_code == 421
    assert "Host" in response.json()["error"]["message"]


@pytest.mark.slow
@pytest.mark.parametrize("origin", ["http://evil.example", "http://localhost:1", "null",
                                    "https://127.0.0.1:{port}"])
def test_http_refuses_a_foreign_origin(http_server, origin):
    response = _post(http_server, Origin=origin.format(port=http_server))
    assert response.status_code == 403
    assert response.json()["error"]["message"].startswith("Origin ")


@pytest.mark.slow
@pytest.mark.parametrize("origin", ["http://localhost:{port}", "http://127.0.0.1:{port}",
                                    "https://app.example"])
def test_http_serves_the_loopback_and_allowed_origins(http_server, origin):
    assert _post(http_server, Origin=origin.format(port=http_server)).status_code == 200


@pytest.mark.slow
@pytest.mark.parametrize("authorization, status", [
    (f"bearer {TOKEN}", 200), (f"BEARER {TOKEN}", 200), ("Bearer nope", 401),
    (f"Basic {TOKEN}", 401)])
def test_http_bearer_scheme_is_case_insensitive(http_server, authorization, status):
    assert _post(http_server, Authorization=authorization).status_code == status


def _raw(port: int, data: bytes, wait_s: float) -> tuple[bytes, float]:
    """Send `data` on a fresh connection, then read until the server closes it (or `wait_s`)."""
    started = time.monotonic()
    received = b""
    with socket.create_connection(("127.0.0.1", port), timeout=wait_s) as s:
        s.sendall(data)
        try:
            while chunk := s.recv(65536):
                received += chunk
        except TimeoutError:
            return received + b"<still open>", time.monotonic() - started
    return received, time.monotonic() - started


@pytest.mark.slow
@pytest.mark.parametrize("data", [
    b"",                                                                  # says nothing
    b"POST /mcp HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Type: app",  # slow headers
    b"POST /mcp HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nAuthorization: Bearer " + TOKEN.encode()
    + b"\r\nContent-Type: application/json\r\nContent-Length: 500\r\n\r\n{\"jsonrpc\"",  # slow body
], ids=["silent", "slow-headers", "slow-body"])
def test_http_a_slow_client_is_disconnected(http_server, data):
    received, seconds = _raw(http_server, data.replace(b"{port}", str(http_server).encode()),
                             wait_s=REQUEST_TIMEOUT_S + 8)
    assert not received.endswith(b"<still open>")
    assert REQUEST_TIMEOUT_S * 0.8 <= seconds < REQUEST_TIMEOUT_S + 5


@pytest.mark.slow
def test_http_a_body_over_the_cap_is_a_clean_413(http_server):
    from mcp.server.transport_security import DEFAULT_MAX_REQUEST_BODY_SIZE

    size = DEFAULT_MAX_REQUEST_BODY_SIZE + 1
    head = (f"POST /mcp HTTP/1.1\r\nHost: 127.0.0.1:{http_server}\r\n"
            f"Authorization: Bearer {TOKEN}\r\nContent-Type: application/json\r\n"
            f"Accept: application/json, text/event-stream\r\n"
            f"Content-Length: {size}\r\n\r\n").encode()
    received, _ = _raw(http_server, head + b'{"jsonrpc": "2.0", "params": {"text": "',
                       wait_s=10)
    status, _, body = received.partition(b"\r\n\r\n")
    assert status.startswith(b"HTTP/1.1 413 ")
    message = json.loads(body)["error"]["message"]
    assert message.startswith(f"request body of {size:,} bytes is over this server's HTTP cap")


@pytest.mark.slow
def test_http_answers_normally_after_the_attacks(http_server):
    assert _post(http_server).status_code == 200



# ---------------------------------------------------------------- the real panic (issue 14)

#: About a million spaces once made tiktoken's o200k_base panic (a Rust stack overflow).
WHITESPACE_RUN = {"text": " " * 1_000_000, "encoding": "o200k_base"}


def _answered_in_one_line(result) -> bool:
    return not result.is_error or "\n" not in result.content[0].text


#: Its count, by hand: 7,812 tokens of 128 spaces and one of 64 (tests/core/tokens).
WHITESPACE_TOKENS = 7_813


async def test_the_whitespace_payload_leaves_the_server_serving():
    async with Client(build_server()) as client:
        result = await client.call_tool("count_tokens", WHITESPACE_RUN, raise_on_error=False)
        after = await client.call_tool("count_tokens", {"text": "hello world"})
    assert _answered_in_one_line(result)
    assert result.structured_content["tokens"] == WHITESPACE_TOKENS  # counted, not refused
    assert after.is_error is False and after.structured_content["tokens"] == 2


@pytest.mark.slow
async def test_the_whitespace_payload_over_stdio_leaves_the_session_serving():
    from mcp import Client as SDKClient
    from mcp import StdioServerParameters

    params = StdioServerParameters(command=sys.executable, args=["-m", "flopcast.tools.mcp_server"],
                                   env=SERVER_ENV)
    async with SDKClient(params) as client:
        result = await client.call_tool("count_tokens", WHITESPACE_RUN)
        after = await client.call_tool("count_tokens", {"text": "hello world"})
    assert result.is_error is False and result.structured_content["tokens"] == WHITESPACE_TOKENS
    assert after.is_error is False and after.structured_content["tokens"] == 2


@pytest.mark.slow
async def test_the_whitespace_payload_over_http_leaves_the_server_serving(http_server):
    import httpx
    from mcp import Client as SDKClient
    from mcp.client.streamable_http import streamable_http_client

    url = f"http://127.0.0.1:{http_server}/mcp"
    async with httpx.AsyncClient(headers={"Authorization": f"Bearer {TOKEN}"},
                                 timeout=60) as http:
        async with SDKClient(streamable_http_client(url, http_client=http)) as client:
            result = await client.call_tool("count_tokens", WHITESPACE_RUN)
            after = await client.call_tool("count_tokens", {"text": "hello world"})
    assert result.is_error is False and result.structured_content["tokens"] == WHITESPACE_TOKENS
    assert after.is_error is False and after.structured_content["tokens"] == 2
    assert _post(http_server).status_code == 200
