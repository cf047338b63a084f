"""The HTTP side of the MCP server: who may call it, from where, and how slowly.

Pieces `flopcast.tools.mcp_server` puts around fastmcp's streamable-HTTP app:

- `RequestGuard` (ASGI, outermost): `Host` and `Origin` against exact `host:port` lists
  (DNS rebinding), and the body cap by Content-Length;
- `BearerAuth` (ASGI): the bearer token, the scheme in any case;
- `timed_h11_protocol`: uvicorn's h11 protocol with a deadline for each request to arrive;
- the checks of the command line's HTTP flags (`is_loopback`, `allowed_hosts`, tokens,
  origins) and `bind`, which opens the socket before the server starts so that the port
  chosen for `--port 0` is known.

It imports nothing heavy at import time (uvicorn and h11 inside `timed_h11_protocol`).
"""

from __future__ import annotations

import hmac
import ipaddress
import json
import logging
import socket
from collections.abc import Callable, Sequence
from typing import Any
from urllib.parse import urlparse

__all__ = [
    "DEFAULT_REQUEST_TIMEOUT_S",
    "KEEP_ALIVE_TIMEOUT_S",
    "BearerAuth",
    "RequestGuard",
    "allowed_hosts",
    "bind",
    "is_loopback",
    "origin_problem",
    "timed_h11_protocol",
    "token_problem",
    "url_host",
]

logger = logging.getLogger("flopcast.mcp")

_LOOPBACK_NAMES = frozenset({"localhost", "127.0.0.1", "::1"})
#: HTTP: seconds a request (headers and body) may take to arrive (see `timed_h11_protocol`).
DEFAULT_REQUEST_TIMEOUT_S = 15.0
#: HTTP: seconds an idle keep-alive connection stays open (uvicorn's default, stated here).
KEEP_ALIVE_TIMEOUT_S = 5


async def _refuse(send: Any, status: int, message: str, headers: Sequence[tuple[bytes, bytes]] = ()
                  ) -> None:
    """Answer an HTTP request with `status` and a JSON-RPC error whose message is one line."""
    body = json.dumps({"jsonrpc": "2.0", "id": None,
                       "error": {"code": -32600, "message": message}}).encode()
    await send({
        "type": "http.response.start",
        "status": status,
        "headers": [
            (b"content-type", b"application/json"),
            (b"content-length", str(len(body)).encode()),
            (b"connection", b"close"),
            *headers,
        ],
    })
    await send({"type": "http.response.body", "body": body})


class BearerAuth:
    """ASGI middleware: every HTTP request must carry `Authorization: Bearer <token>`.

    The scheme is matched case-insensitively (RFC 7235 §2.1), the token exactly, in
    constant time.
    """

    def __init__(self, app: Callable[..., Any], token: str) -> None:
        self.app = app
        self._expected = token.encode()

    def _authorized(self, header: bytes) -> bool:
        scheme, _, credentials = header.strip().partition(b" ")
        given = credentials.strip() if scheme.lower() == b"bearer" else b""
        return hmac.compare_digest(given, self._expected)

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] in ("http", "websocket"):
            header = dict(scope.get("headers") or []).get(b"authorization", b"")
            if not self._authorized(header):
                await _refuse(send, 401, "missing or wrong bearer token",
                              [(b"www-authenticate", b'Bearer realm="flopcast"')])
                return
        await self.app(scope, receive, send)


class RequestGuard:
    """ASGI middleware: DNS-rebinding protection and the body cap, before anything else.

    A web page the user visits can make the browser send requests to 127.0.0.1 under the
    page's own host name (DNS rebinding), or from its own origin; so `Host` must be one of
    `allowed_hosts` exactly (421 otherwise) and an `Origin`, when sent, one of
    `allowed_origins` (403 otherwise). Both lists hold `host:port` values with the port
    the server listens on: fastmcp's own guard ignores ports and trusts a page served
    from any loopback port, which is why flopcast checks itself.

    A body whose Content-Length exceeds `max_body_bytes` (the SDK's cap) is answered 413
    with a message saying so; the SDK enforces the same cap on chunked bodies.
    """

    def __init__(self, app: Callable[..., Any], allowed_hosts: Sequence[str],
                 allowed_origins: Sequence[str], max_body_bytes: int) -> None:
        self.app = app
        self.allowed_hosts = frozenset(h.lower() for h in allowed_hosts)
        self.allowed_origins = frozenset(o.lower().rstrip("/") for o in allowed_origins)
        self.max_body_bytes = max_body_bytes

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] in ("http", "websocket"):
            headers = dict(scope.get("headers") or [])
            host = headers.get(b"host", b"").decode("latin-1").strip().lower()
            if host not in self.allowed_hosts:
                await _refuse(send, 421, f"Host {host[:100]!r} is not served here "
                              "(DNS rebinding protection; see --allowed-host)")
                return
            origin = headers.get(b"origin")
            if origin is not None:
                shown = origin.decode("latin-1").strip().lower().rstrip("/")
                if shown not in self.allowed_origins:
                    await _refuse(send, 403, f"Origin {shown[:100]!r} may not call this "
                                  "server (see --allowed-origin)")
                    return
            length = headers.get(b"content-length", b"0")
            if length.isdigit() and int(length) > self.max_body_bytes:
                await _refuse(send, 413, f"request body of {int(length):,} bytes is over this "
                              f"server's HTTP cap of {self.max_body_bytes:,} bytes; a longer "
                              "count_tokens text needs stdio, or a file read with `path`")
                return
        await self.app(scope, receive, send)


def allowed_hosts(bind_host: str, port: int, extra: Sequence[str] = ()) -> list[str]:
    """The `Host` header values the HTTP server answers: loopback names with its port, the
    bound address when it is a specific one, and the operator's `--allowed-host` values (a
    value without a port is accepted bare and with the server's port).

    >>> allowed_hosts("127.0.0.1", 8765)
    ['127.0.0.1:8765', 'localhost:8765', '[::1]:8765']
    >>> allowed_hosts("0.0.0.0", 80, ["mcp.lan"])[-2:]
    ['mcp.lan', 'mcp.lan:80']
    """
    hosts = [f"127.0.0.1:{port}", f"localhost:{port}", f"[::1]:{port}"]
    try:
        unspecified = ipaddress.ip_address(bind_host.strip("[]")).is_unspecified
    except ValueError:  # a host name
        unspecified = False
    if not unspecified:
        hosts.append(f"{url_host(bind_host.lower())}:{port}")
    for value in extra:
        value = value.strip().lower()
        hosts.append(value)
        has_port = "]:" in value if value.startswith("[") else ":" in value
        if not has_port:
            hosts.append(f"{value}:{port}")
    return list(dict.fromkeys(hosts))


def url_host(host: str) -> str:
    """`host` as written in a URL: an IPv6 address in brackets."""
    return f"[{host}]" if ":" in host and not host.startswith("[") else host


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


def timed_h11_protocol(request_timeout: float) -> type:
    """uvicorn's h11 protocol, closing a connection whose request is not in on time.

    A request (headers and body) must arrive within `request_timeout` seconds of its first
    byte, or of the connection for the first one; otherwise the connection is closed. A
    connection that sends nothing is closed after the same time. Once a request is in, its
    response (an SSE stream too) is not limited; idle keep-alive connections are closed by
    uvicorn's own `timeout_keep_alive`.

    uvicorn 0.54 has no header or body read timeout (only `timeout_keep_alive`, which
    starts after a response), and an ASGI middleware runs only once the headers are in,
    so a client dribbling its headers (slowloris) has to be stopped here, in the protocol.
    """
    import asyncio

    import h11
    from uvicorn.protocols.http.h11_impl import H11Protocol

    class TimedH11Protocol(H11Protocol):
        _request_timer: asyncio.TimerHandle | None = None

        def connection_made(self, transport: asyncio.BaseTransport) -> None:
            super().connection_made(transport)  # type: ignore[arg-type]
            self._arm()

        def data_received(self, data: bytes) -> None:
            super().data_received(data)
            receiving = self.conn.their_state in (h11.IDLE, h11.SEND_BODY)
            if receiving and not self.transport.is_closing():
                self._arm()  # the deadline of a request is set once, at its first byte
            else:
                self._disarm()

        def connection_lost(self, exc: Exception | None) -> None:
            self._disarm()
            super().connection_lost(exc)

        def _arm(self) -> None:
            if self._request_timer is None:
                self._request_timer = self.loop.call_later(request_timeout, self._timed_out)

        def _disarm(self) -> None:
            if self._request_timer is not None:
                self._request_timer.cancel()
                self._request_timer = None

        def _timed_out(self) -> None:
            self._request_timer = None
            if not self.transport.is_closing():
                logger.debug("closing %s: request not received within %.0f s", self.client,
                             request_timeout)
                self.transport.close()

    return TimedH11Protocol


def token_problem(token: str) -> str | None:
    """Why `token` cannot be a bearer token, or None.

    >>> token_problem("  "), token_problem("s3cr et"), token_problem("s3cret")
    ('is blank', 'must be printable ASCII without spaces (it travels in an HTTP header)', None)
    """
    if not token.strip():
        return "is blank"
    if not all("!" <= c <= "~" for c in token):
        return "must be printable ASCII without spaces (it travels in an HTTP header)"
    return None


def origin_problem(origin: str) -> str | None:
    """Why `origin` is not an origin (scheme://host[:port]), or None.

    >>> origin_problem("https://app.example:8443"), origin_problem("app.example")
    (None, 'must be scheme://host[:port], e.g. https://app.example')
    """
    parsed = urlparse(origin)
    if parsed.scheme not in ("http", "https") or not parsed.netloc or parsed.path not in ("", "/"):
        return "must be scheme://host[:port], e.g. https://app.example"
    return None


def bind(host: str, port: int) -> socket.socket:
    """A TCP socket bound to (`host`, `port`), IPv4 or IPv6 as `host` resolves."""
    family, kind, proto, _, address = socket.getaddrinfo(
        host.strip("[]"), port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)[0]
    sock = socket.socket(family, kind, proto)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(address)
    except BaseException:
        sock.close()
        raise
    return sock
