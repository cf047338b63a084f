"""One line of text per failed tool call, shared by every front end.

A tool call fails in one of two ways:

- the caller's input is wrong (`FlopcastError`: bad type, out of range, unknown
  hardware or model, an extra key). The message already names the argument, what
  was wrong and what is accepted; it is passed on as is, on one line.
- flopcast has a bug (any other exception). The caller gets one line that says so
  and names the exception type; the traceback stays on the server's side.

MCP turns the line into a tool error (`isError`), LangChain into a `ToolException`,
`dispatch` into `{"error": line}`, so an assistant sees the same words everywhere.

"Any other exception" includes `BaseException`s that are not `Exception`s, such as the
`pyo3_runtime.PanicException` a Rust library (tiktoken) raises when it panics: a front
end catches `BaseException` and lets through only what `must_propagate` names.
"""

from __future__ import annotations

import sys

from flopcast.numbers.errors import FlopcastError

__all__ = ["MissingDependencyError", "error_message", "must_propagate", "one_line"]

#: Exceptions that stop the work rather than report on it (see `must_propagate`).
_ALWAYS_PROPAGATE = (KeyboardInterrupt, SystemExit, GeneratorExit)


def one_line(text: str) -> str:
    """Collapse every run of whitespace (newlines included) into one space.

    >>> one_line("count: must be ≥ 1\\n  (number of devices)")
    'count: must be ≥ 1 (number of devices)'
    """
    return " ".join(text.split())


def must_propagate(exc: BaseException) -> bool:
    """True if `exc` must be re-raised, not turned into a one-line tool error.

    That is an interrupt or exit (KeyboardInterrupt, SystemExit), a generator being closed
    (GeneratorExit) and the cancellation of an async task (asyncio's CancelledError, or
    whatever `anyio.get_cancelled_exc_class()` names in the running event loop: trio's
    Cancelled). Anything else, a library's panic included, is one failed call: the front
    end reports it and keeps serving.

    >>> must_propagate(KeyboardInterrupt()), must_propagate(SystemExit(2))
    (True, True)
    >>> class PanicException(BaseException):  # what pyo3 raises when Rust code panics
    ...     pass
    >>> must_propagate(PanicException("attempt to add with overflow"))
    False
    >>> must_propagate(ValueError("count: must be ≥ 1"))
    False
    >>> import asyncio
    >>> must_propagate(asyncio.CancelledError())
    True
    """
    if isinstance(exc, _ALWAYS_PROPAGATE):
        return True
    # Only look at async libraries already imported: no cancellation can come from one
    # that is not, and importing them here would slow down every front end's start.
    asyncio = sys.modules.get("asyncio")
    if asyncio is not None and isinstance(exc, asyncio.CancelledError):
        return True
    anyio = sys.modules.get("anyio")
    if anyio is not None:
        try:
            cancelled = anyio.get_cancelled_exc_class()
        except Exception:  # no event loop in this thread: nothing of anyio's to cancel
            return False
        return isinstance(exc, cancelled)
    return False


def error_message(exc: BaseException, tool: str) -> str:
    """The one-line message a client sees when calling `tool` raised `exc`.

    >>> from flopcast.numbers.errors import InvalidInputError
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
