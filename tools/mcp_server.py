"""The flopcast MCP server (fastmcp), generated from the tool registry.

Run it with the console script::

    flopcast-mcp                                   # stdio (Claude Desktop, Cursor, VS Code, ...)
    flopcast-mcp --allow-dir ~/corpus              # let count_tokens read files below ~/corpus
    flopcast-mcp --transport http --port 8765      # streamable HTTP on 127.0.0.1:8765/mcp
    flopcast-mcp --transport http --host 0.0.0.0 --allow-remote --token "$SECRET"

What it serves:

- one tool per `ToolSpec`: flat arguments (the input model's fields), an input and an
  output schema, `structuredContent` (the result as JSON) and one text block (the summary,
  then the derivation steps and assumptions, for clients that only show text to the model);
  annotations read-only, idempotent, closed-world, not destructive; a human title;
- bad input as a tool error (`isError`) whose text is one line naming the argument and what
  is accepted; the server keeps serving and no traceback reaches the client;
- resources: the hardware catalog and the model presets, whole and by id, with sources;
- prompts: the texts shipped in `flopcast.prompts`.

It makes no network call: fastmcp's banner and update check are off (the check would fetch
PyPI and write a cache file). HTTP binds 127.0.0.1 unless `--allow-remote` is given together
with a bearer token, which is then checked on every request.
"""

from __future__ import annotations

import os

# Before fastmcp is imported: its settings are read once, from the environment.
os.environ["FASTMCP_CHECK_FOR_UPDATES"] = "off"
os.environ["FASTMCP_SHOW_SERVER_BANNER"] = "false"

import argparse  # noqa: E402
import hmac  # noqa: E402
import ipaddress  # noqa: E402
import json  # noqa: E402
import logging  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
import warnings  # noqa: E402
from collections.abc import Callable, Sequence  # noqa: E402
from functools import partial  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any  # noqa: E402
from urllib.parse import unquote, urlparse  # noqa: E402

import anyio  # noqa: E402
from fastmcp import FastMCP  # noqa: E402
from fastmcp.prompts import Prompt  # noqa: E402
from fastmcp.prompts.base import PromptArgument  # noqa: E402
from fastmcp.tools import Tool  # noqa: E402
from fastmcp.tools.base import ToolResult  # noqa: E402
from mcp_types import TextContent, ToolAnnotations  # noqa: E402
from pydantic import PrivateAttr  # noqa: E402

import flopcast  # noqa: E402
from flopcast.errors import FlopcastError  # noqa: E402
from flopcast.results import Result  # noqa: E402
from flopcast.tools._errors import error_message  # noqa: E402
from flopcast.tools.registry import TOOLS, ToolSpec, call_tool, structured  # noqa: E402
from flopcast.tools.schemas import input_schema, output_schema  # noqa: E402

__all__ = ["INSTRUCTIONS", "build_server", "main"]

logger = logging.getLogger("flopcast.mcp")

INSTRUCTIONS = """\
flopcast computes large-model training and serving compute exactly: training FLOPs, wall-clock \
time on N accelerators, device-hours, cost, energy and CO2, memory per device, \
compute-optimal model sizes, inference throughput and token counts. Call a tool for every \
figure instead of doing arithmetic; quote its summary, the key steps (formula with numbers) \
and the assumptions (especially the MFU or achieved TFLOP/s and the precision it used). \
Quantities accept suffixes ("175B", "300B tokens", "3.14e23 FLOPs", "1750亿"). Pass \
language="zh" for a Chinese answer. list_hardware and list_models give the catalog ids; \
unknown ids fail with the closest matches."""

_LOOPBACK_NAMES = frozenset({"localhost", "127.0.0.1", "::1"})
#: Default cap on the bytes one count_tokens call may read over MCP (2 GB, the core default).
DEFAULT_MAX_BYTES = 2_000_000_000


# ---------------------------------------------------------------------------
# Tools


def render_text(result: Result, text: str | None = None) -> str:
    """The text block of a tool result: its answer, then steps and assumptions as Markdown.

    Many clients show the model only the text content, not `structuredContent`; the steps
    and assumptions are what an answer must quote, so they travel in the text too.

    Args:
        result: the tool's result.
        text: the Markdown answer (the spec's `text_field`); default `result.summary`.
    """
    zh = result.language == "zh"
    answer = (result.summary if text is None else text).strip()
    parts = [answer] if answer else []
    if result.steps:
        lines = [f"- {step.name}: {step.text}" for step in result.steps]
        parts.append(("**推导步骤**" if zh else "**Steps**") + "\n" + "\n".join(lines))
    if result.assumptions:
        lines = [f"- {a.name} = {a.value} ({a.source})" for a in result.assumptions]
        parts.append(("**假设**" if zh else "**Assumptions**") + "\n" + "\n".join(lines))
    return "\n\n".join(parts) or "(no summary)"


def _file_uri_to_path(uri: str) -> Path | None:
    parsed = urlparse(uri)
    if parsed.scheme != "file":
        return None
    return Path(unquote(parsed.path))


async def _client_roots() -> list[Path]:
    """The folders the client exposes as MCP roots (empty when it declares none).

    roots/list is a server-to-client request of the handshake-era protocol (up to
    2025-11-25, which Claude Desktop, Cursor and VS Code speak); the 2026-07-28 protocol
    deprecates roots (SEP-2577) and has no back channel for it, so there `--allow-dir` is
    the only grant. Any failure simply means "no client roots".
    """
    try:
        from fastmcp.server.dependencies import get_context
        from mcp_types import ClientCapabilities, RootsCapability

        session = get_context().session
        if not session.can_send_request:
            return []
        if not session.check_client_capability(ClientCapabilities(roots=RootsCapability())):
            return []
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            listed = await session.list_roots()
    except Exception:  # no session, no back channel, client refused: no client roots
        logger.debug("client roots unavailable", exc_info=True)
        return []
    paths = [_file_uri_to_path(str(root.uri)) for root in listed.roots]
    return [p for p in paths if p is not None]


def _progress_reporter(min_interval_s: float = 0.25) -> Callable[[int, int], None] | None:
    """A `progress(done, total)` callback for a handler running in a worker thread.

    It forwards to the client's progress notifications (when the request asked for them),
    at most every `min_interval_s` seconds and at the end; a failure to report never stops
    the work.
    """
    try:
        from fastmcp.server.dependencies import get_context

        ctx = get_context()
    except Exception:
        return None
    last = [0.0]

    def report(done: int, total: int) -> None:
        now = time.monotonic()
        if done < total and now - last[0] < min_interval_s:
            return
        last[0] = now
        try:
            anyio.from_thread.run(ctx.report_progress, float(done), float(total))
        except Exception:
            logger.debug("progress report failed", exc_info=True)

    return report


class RegistryTool(Tool):
    """A fastmcp tool that runs one `ToolSpec` through `call_tool`."""

    _spec: ToolSpec = PrivateAttr()
    _allow_dirs: tuple[Path, ...] = PrivateAttr(default=())
    _max_bytes: int | None = PrivateAttr(default=None)

    @classmethod
    def from_spec(cls, spec: ToolSpec, allow_dirs: Sequence[Path] = (),
                  max_bytes: int | None = None) -> RegistryTool:
        tool = cls(
            name=spec.name,
            title=spec.title,
            description=spec.description,
            parameters=input_schema(spec),
            output_schema=output_schema(spec),
            annotations=ToolAnnotations(
                title=spec.title,
                read_only_hint=spec.read_only,
                idempotent_hint=spec.idempotent,
                open_world_hint=spec.open_world,
                destructive_hint=spec.destructive,
            ),
        )
        tool._spec = spec
        tool._allow_dirs = tuple(allow_dirs)
        tool._max_bytes = max_bytes
        return tool

    async def _context(self) -> dict[str, Any]:
        wanted = self._spec.server_arguments
        context: dict[str, Any] = {}
        if "allowed_roots" in wanted:
            context["allowed_roots"] = [*self._allow_dirs, *await _client_roots()]
        if "max_bytes_ceiling" in wanted and self._max_bytes is not None:
            context["max_bytes_ceiling"] = self._max_bytes
        if "progress" in wanted and self._spec.blocking:
            context["progress"] = _progress_reporter()
        return context

    async def run(self, arguments: dict[str, Any]) -> ToolResult:
        spec = self._spec
        try:
            context = await self._context()
            if spec.blocking:
                work = partial(call_tool, spec, arguments, context)
                result = await anyio.to_thread.run_sync(work)
            else:
                result = call_tool(spec, arguments, context)
            # A dict, not the model: for a dict fastmcp refuses NaN / infinity (raising a
            # ToolError), whereas a model's own JSON would silently turn them into null.
            return ToolResult(
                content=[TextContent(type="text", text=render_text(result, spec.text_of(result)))],
                structured_content=structured(result),
            )
        except Exception as e:
            if not isinstance(e, FlopcastError):
                logger.exception("tool %s failed", spec.name)
            text = error_message(e, spec.name)
            return ToolResult(content=[TextContent(type="text", text=text)], is_error=True)


# ---------------------------------------------------------------------------
# Prompts


class ShippedPrompt(Prompt):
    """One text from `flopcast.prompts`, its `{placeholders}` as prompt arguments."""

    async def render(self, arguments: dict[str, Any] | None = None) -> str:
        from fastmcp.exceptions import PromptError

        from flopcast.prompts import load_prompt

        try:
            return load_prompt(self.name, **(arguments or {}))
        except FlopcastError as e:  # a missing or stray argument: say which, on one line
            raise PromptError(error_message(e, self.name)) from e


_ARGUMENT_TEXT = {
    "question": "The user's question about a training run, verbatim (any language).",
}


def _add_prompts(server: FastMCP) -> None:
    from flopcast.prompts import list_prompts

    for info in list_prompts():
        server.add_prompt(
            ShippedPrompt(
                name=info.name,
                title=info.title,
                description=info.description,
                arguments=[
                    PromptArgument(name=a, description=_ARGUMENT_TEXT.get(a), required=True)
                    for a in info.arguments
                ],
            )
        )


# ---------------------------------------------------------------------------
# Resources


def _json(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2)


def _hardware_entries() -> list[dict[str, Any]]:
    from flopcast.hardware import list_hardware

    return [entry.model_dump(mode="json") for entry in list_hardware().entries]


def _model_entries() -> list[dict[str, Any]]:
    from flopcast.models import list_models

    return [entry.model_dump(mode="json") for entry in list_models().entries]


def _one(entries: list[dict[str, Any]], wanted_id: str) -> dict[str, Any]:
    return next(entry for entry in entries if entry["id"] == wanted_id)


def _resource_error(e: FlopcastError) -> Exception:
    from fastmcp.exceptions import ResourceError

    return ResourceError(error_message(e, "resource"))


def _add_resources(server: FastMCP) -> None:
    """Catalog resources (JSON); each reads the catalog when asked, not at start-up."""

    @server.resource(
        "flopcast://hardware",
        name="hardware_catalog",
        title="Hardware catalog",
        description="Every accelerator and CPU in the catalog: dense peak TFLOP/s per "
        "precision, memory, bandwidth, TDP, reference price, aliases and the sources of "
        "each figure (the entries list_hardware returns).",
        mime_type="application/json",
    )
    def hardware_catalog() -> str:
        return _json(_hardware_entries())

    @server.resource(
        "flopcast://hardware/{hardware_id}",
        name="hardware_entry",
        title="One accelerator",
        description="One catalog device by id or alias (e.g. nvidia-h100-sxm5-80gb, a100), "
        "with its sources.",
        mime_type="application/json",
    )
    def hardware_entry(hardware_id: str) -> str:
        from flopcast.hardware import get_hardware

        try:
            found = get_hardware(hardware_id).id
        except FlopcastError as e:
            raise _resource_error(e) from e
        return _json(_one(_hardware_entries(), found))

    @server.resource(
        "flopcast://models",
        name="model_presets",
        title="Model presets",
        description="Every model preset: parameters, training tokens, shape, published "
        "training FLOPs and the paper behind each figure (the entries list_models returns).",
        mime_type="application/json",
    )
    def model_presets() -> str:
        return _json(_model_entries())

    @server.resource(
        "flopcast://models/{model_id}",
        name="model_preset",
        title="One model preset",
        description="One model preset by id or alias (e.g. gpt-3-175b, llama-2-70b), with "
        "its sources.",
        mime_type="application/json",
    )
    def model_preset(model_id: str) -> str:
        from flopcast.models import get_model

        try:
            found = get_model(model_id).id
        except FlopcastError as e:
            raise _resource_error(e) from e
        return _json(_one(_model_entries(), found))


# ---------------------------------------------------------------------------
# Server


def build_server(
    allow_dirs: Sequence[str | Path] = (),
    *,
    max_bytes: int | None = DEFAULT_MAX_BYTES,
    tools: Sequence[ToolSpec] | None = None,
) -> FastMCP:
    """The flopcast MCP server.

    Args:
        allow_dirs: folders `count_tokens` may read below (besides the client's MCP roots).
        max_bytes: the most bytes one `count_tokens` call may read, whatever `max_bytes` the
            caller sends (None: the caller's value, itself defaulting to 2 GB).
        tools: the specs to serve (default: every registered tool).
    """
    roots = tuple(Path(d).expanduser().resolve() for d in allow_dirs)
    server: FastMCP = FastMCP(
        "flopcast",
        instructions=INSTRUCTIONS,
        version=flopcast.__version__,
        mask_error_details=True,
        on_duplicate="error",
    )
    for spec in TOOLS if tools is None else tools:
        server.add_tool(RegistryTool.from_spec(spec, roots, max_bytes))
    _add_resources(server)
    _add_prompts(server)
    return server


class BearerAuth:
    """ASGI middleware: every HTTP request must carry `Authorization: Bearer <token>`."""

    def __init__(self, app: Callable[..., Any], token: str) -> None:
        self.app = app
        self._expected = f"Bearer {token}".encode()

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] in ("http", "websocket"):
            given = dict(scope.get("headers") or []).get(b"authorization", b"")
            if not hmac.compare_digest(given, self._expected):
                body = b'{"error": "missing or wrong bearer token"}'
                await send({
                    "type": "http.response.start",
                    "status": 401,
                    "headers": [
                        (b"content-type", b"application/json"),
                        (b"www-authenticate", b'Bearer realm="flopcast"'),
                        (b"content-length", str(len(body)).encode()),
                    ],
                })
                await send({"type": "http.response.body", "body": body})
                return
        await self.app(scope, receive, send)


def is_loopback(host: str) -> bool:
    """True for localhost / 127.0.0.0/8 / ::1.

    >>> is_loopback("127.0.0.1"), is_loopback("localhost"), is_loopback("0.0.0.0")
    (True, True, False)
    """
    if host in _LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="flopcast-mcp",
        description="Serve the flopcast tools over MCP (stdio by default).",
    )
    p.add_argument("--transport", choices=["stdio", "http"], default="stdio",
                   help="stdio (default) or streamable HTTP")
    p.add_argument("--host", default="127.0.0.1",
                   help="HTTP bind address (default 127.0.0.1; others need --allow-remote)")
    p.add_argument("--port", type=int, default=8765, help="HTTP port (default 8765; 0 = any)")
    p.add_argument("--path", default="/mcp", help="HTTP endpoint path (default /mcp)")
    p.add_argument("--allow-remote", action="store_true",
                   help="allow binding a non-loopback --host (requires a token)")
    p.add_argument("--token", default=None,
                   help="bearer token required on every HTTP request (default: "
                        "$FLOPCAST_MCP_TOKEN, which is better: a flag shows in `ps`)")
    p.add_argument("--allow-dir", action="append", default=[], metavar="DIR",
                   help="a folder count_tokens may read (repeatable); none by default")
    p.add_argument("--max-bytes", type=int, default=DEFAULT_MAX_BYTES, metavar="N",
                   help="most bytes one count_tokens call may read (default 2e9)")
    p.add_argument("--version", action="version", version=f"flopcast {flopcast.__version__}")
    return p


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of `flopcast-mcp`. Returns the exit code (2 for bad flags)."""
    parser = _parser()
    args = parser.parse_args(argv)
    token = args.token or os.environ.get("FLOPCAST_MCP_TOKEN") or None
    for folder in args.allow_dir:
        if not Path(folder).expanduser().is_dir():
            parser.error(f"--allow-dir: {folder!r} is not a folder")
    if args.transport == "http" and not is_loopback(args.host):
        if not args.allow_remote:
            parser.error(f"--host {args.host} is not a loopback address; "
                         "binding it needs --allow-remote and a bearer token")
        if not token:
            parser.error("--allow-remote needs a bearer token: --token or $FLOPCAST_MCP_TOKEN")
    if args.max_bytes < 1:
        parser.error("--max-bytes must be ≥ 1")
    server = build_server(args.allow_dir, max_bytes=args.max_bytes)
    if args.transport == "stdio":
        server.run("stdio", show_banner=False, log_level="WARNING")
        return 0
    from starlette.middleware import Middleware

    middleware = [Middleware(BearerAuth, token=token)] if token else None
    server.run("http", show_banner=False, host=args.host, port=args.port, path=args.path,
               middleware=middleware, log_level="WARNING")
    return 0


if __name__ == "__main__":
    sys.exit(main())
