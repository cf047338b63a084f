"""The flopcast MCP server (fastmcp), generated from the tool registry.

Run it with the console script::

    flopcast-mcp                                   # stdio (Claude Desktop, Cursor, VS Code, ...)
    flopcast-mcp --allow-dir ~/corpus              # let count_tokens read files below ~/corpus
    flopcast-mcp --transport http --port 8765      # streamable HTTP on 127.0.0.1:8765/mcp
    FLOPCAST_MCP_TOKEN=... flopcast-mcp --transport http --host 0.0.0.0 --allow-remote \
        --allowed-host mcp.lan     # the Host name clients use

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
PyPI and write a cache file).

Security (README, "Security"):

- files: a tool reads files only below the folders the operator granted (`--allow-dir`).
  A client's MCP roots only narrow that grant, never widen it (`allowed_folders`: the
  intersection); with no `--allow-dir` nothing is readable, whatever roots a client declares.
- containment: whatever a tool, prompt or resource raises, a library's panic (a
  `BaseException`) included, is one error for that request; only interrupts, exits and
  cancellations propagate (`flopcast.tools._errors.must_propagate`).
- client mistakes are answered with one line and not logged above DEBUG: a bad tool
  argument is a tool error (`isError`), a stray or missing prompt argument an MCP error
  -32602, an unknown catalog id -32002 (-32602 for a 2026-07-28 client, SEP-2164).
- HTTP binds 127.0.0.1 unless `--allow-remote` is given together with a bearer token, which
  is then checked on every request (`Bearer`, in any case). `RequestGuard` answers only the
  `Host` values `127.0.0.1:PORT`, `localhost:PORT`, `[::1]:PORT` and `--allowed-host` (DNS
  rebinding) and refuses any `Origin` but `http://` + those three and `--allowed-origin`; bodies are
  capped at the SDK's 4 MiB; a request must arrive within `--request-timeout` seconds.
"""

from __future__ import annotations

import os

# Before fastmcp is imported: its settings are read once, from the environment.
os.environ["FASTMCP_CHECK_FOR_UPDATES"] = "off"
os.environ["FASTMCP_SHOW_SERVER_BANNER"] = "false"

import argparse  # noqa: E402
import base64  # noqa: E402
import json  # noqa: E402
import logging  # noqa: E402
import sys  # noqa: E402
import threading  # noqa: E402
import time  # noqa: E402
import warnings  # noqa: E402
from collections.abc import Callable, Sequence  # noqa: E402
from functools import partial, wraps  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any  # noqa: E402
from urllib.parse import unquote, urlparse  # noqa: E402

import anyio  # noqa: E402
from fastmcp import FastMCP  # noqa: E402
from fastmcp.exceptions import FastMCPError, MCPError, PromptError, ResourceError  # noqa: E402
from fastmcp.prompts import Prompt  # noqa: E402
from fastmcp.prompts.base import PromptArgument  # noqa: E402
from fastmcp.tools import Tool  # noqa: E402
from fastmcp.tools.base import ToolResult  # noqa: E402
from mcp_types import INVALID_PARAMS, ImageContent, TextContent, ToolAnnotations  # noqa: E402
from pydantic import PrivateAttr  # noqa: E402

import flopcast  # noqa: E402
from flopcast.catalog.hf_config import is_config_reference  # noqa: E402
from flopcast.numbers.errors import FlopcastError  # noqa: E402
from flopcast.numbers.results import Result  # noqa: E402
from flopcast.tools._errors import (  # noqa: E402
    MissingDependencyError,
    error_message,
    must_propagate,
    one_line,
)
from flopcast.tools.answer import render_text  # noqa: E402,F401  (the text block, re-exported)
from flopcast.tools.app_views import APP_VIEWS, VIEWS, view_html  # noqa: E402
from flopcast.tools.mcp_http import (  # noqa: E402
    DEFAULT_REQUEST_TIMEOUT_S,
    KEEP_ALIVE_TIMEOUT_S,
    BearerAuth,
    RequestGuard,
    allowed_hosts,
    bind,
    is_loopback,
    origin_problem,
    timed_h11_protocol,
    token_problem,
    url_host,
)
from flopcast.tools.registry import (  # noqa: E402
    TOOLS,
    ToolSpec,
    call_tool,
    front_options,
    structured,
)
from flopcast.tools.schemas import input_schema, output_schema  # noqa: E402

__all__ = ["INSTRUCTIONS", "allowed_folders", "build_server", "main"]

logger = logging.getLogger("flopcast.mcp")

INSTRUCTIONS = """\
flopcast computes large-model training and serving compute exactly: training FLOPs, wall-clock \
time on N accelerators, device-hours, cost, energy and CO2, memory per device, \
compute-optimal model sizes, inference throughput and token counts. Call a tool for every \
figure instead of doing arithmetic; quote its summary, the key steps (formula with numbers) \
and the assumptions (especially the MFU or achieved TFLOP/s and the precision it used). \
Quantities accept suffixes ("175B", "300B tokens", "3.14e23 FLOPs", "1750亿"). Pass \
language="zh" for a Chinese answer; detail="full" when the user wants every step and source, \
chart=true when a picture helps. list_hardware and list_models give the catalog ids; \
unknown ids fail with the closest matches."""

#: Default cap on the bytes one count_tokens call may read over MCP (2 GB, the core default).
DEFAULT_MAX_BYTES = 2_000_000_000


# ---------------------------------------------------------------------------
# Tools


def _file_uri_to_path(uri: str) -> Path | None:
    parsed = urlparse(uri)
    if parsed.scheme != "file":
        return None
    return Path(unquote(parsed.path))


def allowed_folders(granted: Sequence[Path], client_roots: Sequence[Path]) -> list[Path]:
    """The folders a tool may read: the operator's grant, narrowed by the client's roots.

    A client's MCP roots never widen what the operator granted with `--allow-dir`: the
    result is the intersection of the two sets of folder trees. A client root inside a
    granted folder narrows the grant to it; a granted folder inside a client root stays as
    it is; a client root outside every granted folder adds nothing. A client that declares
    no roots gets the operator's grant; with no grant nothing is readable. Both lists
    hold absolute, resolved paths (the caller resolves symlinks first).

    >>> P = Path
    >>> allowed_folders([P("/data")], [])            # no client roots: the grant
    [PosixPath('/data')]
    >>> allowed_folders([], [P("/")])                 # no grant: nothing, whatever the client says
    []
    >>> allowed_folders([P("/data")], [P("/")])       # a wider client root: the grant
    [PosixPath('/data')]
    >>> allowed_folders([P("/data")], [P("/data/corpus"), P("/etc")])
    [PosixPath('/data/corpus')]
    >>> allowed_folders([P("/data")], [P("/home")])   # disjoint: nothing
    []
    """
    if not client_roots:
        return list(granted)
    kept: dict[Path, None] = {}
    for root in client_roots:
        for folder in granted:
            if root.is_relative_to(folder):
                kept[root] = None
            elif folder.is_relative_to(root):
                kept[folder] = None
    return list(kept)


async def _client_roots() -> list[Path]:
    """The folders the client exposes as MCP roots (empty when it declares none), resolved.

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
    return [p.resolve() for p in paths if p is not None and p.is_absolute()]


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
    _max_workers: int | None = PrivateAttr(default=None)

    @classmethod
    def from_spec(cls, spec: ToolSpec, allow_dirs: Sequence[Path] = (),
                  max_bytes: int | None = None,
                  max_workers: int | None = None) -> RegistryTool:
        tool = cls(
            name=spec.name,
            title=spec.title,
            description=spec.description,
            parameters=input_schema(spec),
            output_schema=output_schema(spec),
            meta=({"ui": {"resourceUri": APP_VIEWS[spec.name]}} if spec.name in APP_VIEWS
                  else None),
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
        tool._max_workers = max_workers
        return tool

    async def _context(self, arguments: dict[str, Any] | None = None) -> dict[str, Any]:
        wanted = self._spec.server_arguments
        context: dict[str, Any] = {}
        model = (arguments or {}).get("model")
        if "allowed_roots" not in wanted and "model" in self._spec.input_model.model_fields \
                and not (isinstance(model, str) and is_config_reference(model)):
            # A preset id reads no file: no roots round trip, and nothing granted.
            context["allowed_roots"] = []
        elif "allowed_roots" in wanted or "model" in self._spec.input_model.model_fields:
            # count_tokens reads below these; a `model` config.json path too.
            context["allowed_roots"] = allowed_folders(self._allow_dirs, await _client_roots())
        if "max_bytes_ceiling" in wanted and self._max_bytes is not None:
            context["max_bytes_ceiling"] = self._max_bytes
        if "progress" in wanted and self._spec.blocking:
            context["progress"] = _progress_reporter()
        if "workers_ceiling" in wanted and self._max_workers is not None:
            context["workers_ceiling"] = self._max_workers
        return context

    async def run(self, arguments: dict[str, Any]) -> ToolResult:
        spec = self._spec
        try:
            options = front_options(spec, arguments)
            context = await self._context(arguments)
            if spec.blocking:
                # The handler polls `cancelled` between chunks: when the request is cancelled
                # (the client sent notifications/cancelled, or went away) the await below
                # stops waiting at once and the worker thread ends at its next poll.
                stop = threading.Event()
                if "cancelled" in spec.server_arguments:
                    context["cancelled"] = stop.is_set
                work = partial(call_tool, spec, arguments, context)
                try:
                    result = await anyio.to_thread.run_sync(work, abandon_on_cancel=True)
                finally:
                    stop.set()  # done, failed or cancelled: nothing more to compute
            else:
                result = call_tool(spec, arguments, context)
            # A dict, not the model: for a dict fastmcp refuses NaN / infinity (raising a
            # ToolError), whereas a model's own JSON would silently turn them into null.
            text = spec.render(result, options.detail)
            content: list[Any] = [TextContent(type="text", text=text)]
            if options.chart:
                content += await _chart_content(spec, result)
            return ToolResult(content=content, structured_content=structured(result))
        except BaseException as e:  # a library's panic too (pyo3's PanicException)
            if must_propagate(e):
                raise
            if not isinstance(e, FlopcastError):
                logger.error("tool %s failed", spec.name, exc_info=e)
            text = error_message(e, spec.name)
            return ToolResult(content=[TextContent(type="text", text=text)], is_error=True)


async def _chart_content(spec: ToolSpec, result: Result) -> list[Any]:
    """The chart as an MCP image content block (PNG, base64), drawn in a worker thread.

    Without matplotlib the answer still stands: a one-line text block says how to get charts.
    """
    from flopcast.tools.charts import chart_png

    try:
        png = await anyio.to_thread.run_sync(chart_png, spec.name, result)
    except MissingDependencyError as e:
        return [TextContent(type="text", text=f"(no chart: {e})")]
    return [ImageContent(type="image", data=base64.b64encode(png).decode("ascii"),
                         mime_type="image/png")]


# ---------------------------------------------------------------------------
# Prompts


class ClientMistake(FastMCPError, MCPError):
    """A request the client got wrong (a stray prompt argument, an unknown resource id).

    It reaches the client as a JSON-RPC error with `code` and a one-line message, and the
    server logs it at DEBUG only: a user's mistake is not the server's problem.
    """

    def __init__(self, code: int, message: str) -> None:
        MCPError.__init__(self, code, message)
        self.log_level = logging.DEBUG


#: "Resource not found" in the MCP spec up to 2025-11-25 (server/resources, error handling).
RESOURCE_NOT_FOUND = -32002


def _resource_not_found_code() -> int:
    """-32002, or -32602 (invalid params) for a 2026-07-28 client, where SEP-2164 moved it.

    fastmcp itself answers a URI that matches no resource at all with -32602 in both eras.
    """
    try:
        from fastmcp.server.dependencies import get_context
        from mcp_types.version import MODERN_PROTOCOL_VERSIONS

        request = get_context().request_context
    except Exception:  # no request context (a direct call): the handshake-era code
        return RESOURCE_NOT_FOUND
    version = getattr(request, "protocol_version", None)
    return INVALID_PARAMS if version in MODERN_PROTOCOL_VERSIONS else RESOURCE_NOT_FOUND


class ShippedPrompt(Prompt):
    """One text from `flopcast.prompts`, its `{placeholders}` as prompt arguments."""

    async def render(self, arguments: dict[str, Any] | None = None) -> str:
        from flopcast.prompts import load_prompt

        try:
            return load_prompt(self.name, **(arguments or {}))
        except FlopcastError as e:  # a missing or stray argument: say which, on one line
            raise ClientMistake(INVALID_PARAMS, error_message(e, self.name)) from e
        except BaseException as e:
            if must_propagate(e):
                raise
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
    from flopcast.catalog.hardware import list_hardware

    return [entry.model_dump(mode="json") for entry in list_hardware().entries]


def _model_entries() -> list[dict[str, Any]]:
    from flopcast.catalog.models import list_models

    return [entry.model_dump(mode="json") for entry in list_models().entries]


def _one(entries: list[dict[str, Any]], wanted_id: str) -> dict[str, Any]:
    return next(entry for entry in entries if entry["id"] == wanted_id)


def _contained(read: Callable[..., str]) -> Callable[..., str]:
    """`read`, with any failure but a cancellation or exit turned into a `ResourceError`.

    fastmcp catches `Exception` only; a library's panic (a `BaseException`) would otherwise
    end the session. fastmcp logs the `ResourceError` (with its cause) as a server error.
    """

    @wraps(read)
    def guarded(*args: Any, **kwargs: Any) -> str:
        try:
            return read(*args, **kwargs)
        except FastMCPError:
            raise
        except BaseException as e:
            if must_propagate(e):
                raise
            raise ResourceError(error_message(e, read.__name__)) from e

    return guarded


def _unknown_id(e: FlopcastError) -> ClientMistake:
    return ClientMistake(_resource_not_found_code(), error_message(e, "resource"))


def _add_app_views(server: FastMCP) -> None:
    """The `ui://` resources of `APP_VIEWS` (`flopcast.tools.app_views`): a host that renders
    MCP Apps shows the page in a sandboxed iframe and hands it the tool result; other hosts
    ignore the `ui` metadata and show the text (and image) as usual."""
    from fastmcp.apps import UI_MIME_TYPE

    for tool, uri in APP_VIEWS.items():
        server.resource(
            uri, name=f"{tool}_view", title=f"{VIEWS[tool].title.capitalize()} (interactive)",
            description=f"MCP Apps view of a {tool} result: sortable rows, a bar per row, "
            f"ranking by {', '.join(c.label for c in VIEWS[tool].rank)}.", mime_type=UI_MIME_TYPE,
        )(partial(view_html, tool))


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
    @_contained
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
    @_contained
    def hardware_entry(hardware_id: str) -> str:
        from flopcast.catalog.hardware import get_hardware

        try:
            found = get_hardware(hardware_id).id
        except FlopcastError as e:
            raise _unknown_id(e) from e
        return _json(_one(_hardware_entries(), found))

    @server.resource(
        "flopcast://models",
        name="model_presets",
        title="Model presets",
        description="Every model preset: parameters, training tokens, shape, published "
        "training FLOPs and the paper behind each figure (the entries list_models returns).",
        mime_type="application/json",
    )
    @_contained
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
    @_contained
    def model_preset(model_id: str) -> str:
        from flopcast.catalog.models import get_model

        try:
            found = get_model(model_id).id
        except FlopcastError as e:
            raise _unknown_id(e) from e
        return _json(_one(_model_entries(), found))


# ---------------------------------------------------------------------------
# Server


def build_server(
    allow_dirs: Sequence[str | Path] = (),
    *,
    max_bytes: int | None = DEFAULT_MAX_BYTES,
    max_workers: int | None = None,
    tools: Sequence[ToolSpec] | None = None,
) -> FastMCP:
    """The flopcast MCP server.

    Args:
        allow_dirs: folders `count_tokens` may read below (besides the client's MCP roots).
        max_bytes: the most bytes one `count_tokens` call may read, whatever `max_bytes` the
            caller sends (None: the caller's value, itself defaulting to 2 GB).
        max_workers: the most worker processes one `count_tokens` call may start, whatever
            `workers` the caller sends (None: the machine's CPUs, core's own cap).
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
        server.add_tool(RegistryTool.from_spec(spec, roots, max_bytes, max_workers))
    _add_resources(server)
    _add_app_views(server)
    _add_prompts(server)
    return server


def _parser(prog: str = "flopcast-mcp") -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog=prog,
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
    p.add_argument("--max-workers", type=int, default=None, metavar="N",
                   help="most worker processes one count_tokens call may start (default: "
                        "the machine's CPUs)")
    p.add_argument("--allowed-host", action="append", default=[], metavar="HOST",
                   help="another Host header value to serve over HTTP, HOST or HOST:PORT "
                        "(repeatable; default: 127.0.0.1, localhost and [::1] with the port)")
    p.add_argument("--allowed-origin", action="append", default=[], metavar="ORIGIN",
                   help="a browser origin allowed to call over HTTP, e.g. https://app.example "
                        "(repeatable; default: the loopback origins with the port)")
    p.add_argument("--request-timeout", type=float, default=DEFAULT_REQUEST_TIMEOUT_S,
                   metavar="SECONDS",
                   help="HTTP: close a connection whose request (headers and body) is not in "
                        f"within this time (default {DEFAULT_REQUEST_TIMEOUT_S:g})")
    p.add_argument("--version", action="version", version=f"flopcast {flopcast.__version__}")
    return p


def main(argv: Sequence[str] | None = None, *, prog: str = "flopcast-mcp") -> int:
    """Entry point of `flopcast-mcp` (and of `flopcast serve`, named by `prog` in its help and
    errors). Returns the exit code (2 for bad flags)."""
    parser = _parser(prog)
    args = parser.parse_args(argv)
    from_flag = args.token is not None
    token = args.token if from_flag else os.environ.get("FLOPCAST_MCP_TOKEN")
    if token is not None and (from_flag or args.transport == "http"):
        problem = token_problem(token)
        if problem:
            parser.error(f"{'--token' if from_flag else '$FLOPCAST_MCP_TOKEN'}: the token "
                         f"{problem}")
    for folder in args.allow_dir:
        if not Path(folder).expanduser().is_dir():
            parser.error(f"--allow-dir: {folder!r} is not a folder")
    for origin in args.allowed_origin:
        problem = origin_problem(origin)
        if problem:
            parser.error(f"--allowed-origin: {origin!r} {problem}")
    if args.transport == "http" and not is_loopback(args.host):
        if not args.allow_remote:
            parser.error(f"--host {args.host} is not a loopback address; "
                         "binding it needs --allow-remote and a bearer token")
        if not token:
            parser.error("--allow-remote needs a bearer token: --token or $FLOPCAST_MCP_TOKEN")
    if args.max_bytes < 1:
        parser.error("--max-bytes must be ≥ 1")
    if args.max_workers is not None and args.max_workers < 1:
        parser.error("--max-workers must be ≥ 1")
    if not 0 < args.request_timeout <= 3600:
        parser.error("--request-timeout must be > 0 and ≤ 3600 seconds")
    server = build_server(args.allow_dir, max_bytes=args.max_bytes, max_workers=args.max_workers)
    if args.transport == "stdio":
        server.run("stdio", show_banner=False, log_level="WARNING")
        return 0
    return _serve_http(server, args, token, parser)


def _serve_http(server: FastMCP, args: argparse.Namespace, token: str | None,
                parser: argparse.ArgumentParser) -> int:
    from mcp.server.transport_security import DEFAULT_MAX_REQUEST_BODY_SIZE
    from starlette.middleware import Middleware

    try:
        sock = bind(args.host, args.port)
    except (OSError, UnicodeError) as e:  # in use, not an address of this machine, ...
        reason = getattr(e, "strerror", None) or one_line(str(e))
        parser.error(f"--host/--port: cannot listen on {args.host} port {args.port} ({reason})")
    port = sock.getsockname()[1]
    hosts = allowed_hosts(args.host, port, args.allowed_host)
    origins = [f"http://{h}" for h in hosts[:3]] + list(args.allowed_origin)
    middleware = [Middleware(RequestGuard, allowed_hosts=hosts, allowed_origins=origins,
                             max_body_bytes=DEFAULT_MAX_REQUEST_BODY_SIZE)]
    if token:
        middleware.append(Middleware(BearerAuth, token=token))
    path = "/" + args.path.lstrip("/")
    sys.stderr.write(f"flopcast MCP server on http://{url_host(args.host)}:{port}{path}\n")
    sys.stderr.flush()
    uvicorn_config = {
        "http": timed_h11_protocol(args.request_timeout),
        "timeout_keep_alive": KEEP_ALIVE_TIMEOUT_S,
        "access_log": False,
    }
    # fastmcp's Host/Origin guard stays off: RequestGuard is stricter (see its docstring).
    server.run("http", show_banner=False, host=args.host, port=port, path=path,
               middleware=middleware, log_level="WARNING", sockets=[sock],
               uvicorn_config=uvicorn_config, host_origin_protection=False)
    return 0


if __name__ == "__main__":
    sys.exit(main())
