"""One line of text per failed tool call, shared by every front end.

A tool call fails in one of two ways:

- the caller's input is wrong (`FlopcastError`: bad type, out of range, unknown
  hardware or model, an extra key). The message already names the argument, what
  was wrong and what is accepted; it is passed on as is, on one line.
- flopcast has a bug (any other exception). The caller gets one line that says so
  and names the exception type; the traceback stays on the server's side.

MCP turns the line into a tool error (`isError`), LangChain into a `ToolException`,
`dispatch` into `{"error": line}`, so an assistant sees the same words everywhere.
"""

from __future__ import annotations

import sys

from flopcast.errors import FlopcastError

__all__ = ["MissingDependencyError", "error_message", "one_line", "propagates"]


def one_line(text: str) -> str:
    """Collapse every run of whitespace (newlines included) into one space.

    >>> one_line("count: must be ≥ 1\\n  (number of devices)")
    'count: must be ≥ 1 (number of devices)'
    """
    return " ".join(text.split())


def error_message(exc: BaseException, tool: str) -> str:
    """The one-line message a client sees when calling `tool` raised `exc`.

    >>> from flopcast.errors import InvalidInputError
    >>> error_message(InvalidInputError("count", "must be ≥ 1, got 0"), "estimate_training")
    'count: must be ≥ 1, got 0'
    >>> error_message(ZeroDivisionError("division by zero"), "estimate_training")[:62]
    'estimate_training: internal error (ZeroDivisionError: division'
    """
    if isinstance(exc, FlopcastError):
        return one_line(str(exc))
    detail = one_line(str(exc))
    kind = type(exc).__name__
    shown = f"{kind}: {detail}" if detail else kind
    return (
        f"{tool}: internal error ({shown}); this is a bug in flopcast, not in your input"
    )


class MissingDependencyError(ImportError, FlopcastError):
    """An optional dependency (an extra such as `flopcast[langchain]`) is not installed.

    The message says which `pip install` line fixes it.
    """

    def __init__(self, package: str, extra: str) -> None:
        self.package = package
        self.extra = extra
        super().__init__(
            f"{package} is not installed; install it with: pip install 'flopcast[{extra}]'"
        )


def propagates(exc: BaseException) -> bool:
    """Whether `exc` must pass through a front end's catch-all instead of becoming a message.

    A front end that promises one line per failure catches `BaseException`, because a
    compiled library can fail with one that is not an `Exception` (tiktoken's Rust panics
    surface as `pyo3_runtime.PanicException`, a direct subclass of BaseException). What it
    must not swallow are requests to stop: Ctrl-C (`KeyboardInterrupt`), `SystemExit`,
    `GeneratorExit`, and task cancellation (asyncio's, or the running async library's).

    >>> propagates(KeyboardInterrupt()), propagates(ValueError()), propagates(BaseException())
    (True, False, False)
    """
    if isinstance(exc, KeyboardInterrupt | SystemExit | GeneratorExit):
        return True
    # Looked up, not imported: if the async library is not loaded, nothing was cancelled.
    asyncio = sys.modules.get("asyncio")
    if asyncio is not None and isinstance(exc, asyncio.CancelledError):
        return True
    trio = sys.modules.get("trio")  # anyio on trio cancels with trio.Cancelled
    return trio is not None and isinstance(exc, trio.Cancelled)
