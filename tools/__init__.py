"""flopcast's tool surface: one registry, generated front ends.

- `TOOLS` / `ToolSpec` / `get_tool` / `call_tool`: the registry (`flopcast.tools.registry`).
- `openai_tools()`, `anthropic_tools()`, `dispatch(name, arguments)` (structured result),
  `dispatch_text(name, arguments)` (the text at the call's `detail`): plain function
  calling for raw SDK tool loops (`flopcast.tools.schemas`).
- `langchain_tools()`: LangChain `StructuredTool`s (needs `flopcast[langchain]`).
- `flopcast.tools.mcp_server.build_server()` / the `flopcast-mcp` command: the MCP server
  (needs `flopcast[mcp]`; not imported here).

Importing this package imports neither fastmcp, langchain_core, tiktoken nor rich.
"""

from __future__ import annotations

from flopcast.tools._errors import MissingDependencyError
from flopcast.tools.langchain import langchain_tools
from flopcast.tools.registry import TOOLS, ToolSpec, call_tool, get_tool, structured
from flopcast.tools.schemas import anthropic_tools, dispatch, dispatch_text, openai_tools

__all__ = [
    "TOOLS",
    "MissingDependencyError",
    "ToolSpec",
    "anthropic_tools",
    "call_tool",
    "dispatch",
    "dispatch_text",
    "get_tool",
    "langchain_tools",
    "openai_tools",
    "structured",
]
