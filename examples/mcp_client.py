"""Talk to `flopcast-mcp` over stdio with the official `mcp` Python SDK.

    pip install "flopcast[mcp]" mcp
    python examples/mcp_client.py [--server COMMAND ...]

Works with the 1.x and 2.x `mcp` SDKs: 2.x names the JSON result `structured_content`,
1.x `structuredContent` (and `isError`); `answer_fields` reads whichever is there.

Starts the server as a subprocess (the way Claude Desktop, Cursor or VS Code do), lists its
tools, and asks the seed's question: GPT-3 on 1,024 A100s at 140 TFLOP/s achieved per GPU
with full activation recomputation (about 34 days).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

from mcp import ClientSession, StdioServerParameters, stdio_client

GPT3_ON_A100 = {
    "model": "gpt-3-175b",
    "hardware": "a100",
    "count": 1024,
    "achieved_tflops": 140,
    "recompute": "full",  # Megatron-LM's 8·T·P / (n·X): X counts the recomputed forward pass
}


def default_command() -> list[str]:
    """`flopcast-mcp` from this interpreter's environment if it is there, else from PATH."""
    beside = Path(sys.executable).with_name("flopcast-mcp")
    return [str(beside)] if beside.exists() else ["flopcast-mcp"]


@dataclass
class Answer:
    """What one session returned."""

    tools: list[str]
    structured: dict[str, Any] | None
    text: str
    is_error: bool


async def ask(
    tool: str = "estimate_training",
    arguments: dict[str, Any] | None = None,
    *,
    command: Sequence[str] | None = None,
    errlog: TextIO | None = None,
) -> Answer:
    """Start the server with `command`, list the tools, call `tool` once and return the answer.

    The stdio client starts the server with a stripped environment, so the variables it needs
    are passed explicitly (the update check stays off: the server never touches the network).
    The server's stderr goes to `errlog` (default: this process's stderr at call time).
    """
    command = list(command or default_command())
    params = StdioServerParameters(
        command=command[0],
        args=list(command[1:]),
        env={"FASTMCP_CHECK_FOR_UPDATES": "off"},
    )
    errors = errlog if errlog is not None else sys.stderr
    async with (
        stdio_client(params, errlog=errors) as (read, write),
        ClientSession(read, write) as session,
    ):
        await session.initialize()
        listing = await session.list_tools()
        result = await session.call_tool(tool, GPT3_ON_A100 if arguments is None else arguments)
    text = "\n".join(block.text for block in result.content if block.type == "text")
    structured, is_error = answer_fields(result)
    return Answer(
        tools=[t.name for t in listing.tools],
        structured=structured,
        text=text,
        is_error=is_error,
    )


def answer_fields(result: Any) -> tuple[dict[str, Any] | None, bool]:
    """(structured result, is-error) of a `CallToolResult` from either SDK line: 2.x spells
    them `structured_content` / `is_error`, 1.x `structuredContent` / `isError`."""
    structured = getattr(result, "structured_content", None)
    if structured is None:
        structured = getattr(result, "structuredContent", None)
    is_error = getattr(result, "is_error", None)
    if is_error is None:
        is_error = getattr(result, "isError", False)
    return structured, bool(is_error)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="mcp_client.py",
        description="Start flopcast-mcp over stdio with the official mcp SDK, list its tools and "
        "ask the seed's question (GPT-3 on 1,024 A100s at 140 TFLOP/s, full recompute).")
    parser.add_argument(
        "--server", nargs="+", metavar="COMMAND",
        help="the command that starts the server (default: flopcast-mcp beside this Python, "
        "else on PATH)")
    options = parser.parse_args(argv)
    answer = asyncio.run(ask(command=options.server))
    print("tools:", ", ".join(answer.tools))
    print(answer.text)
    if answer.structured:
        print(json.dumps({k: answer.structured[k] for k in ("days", "device_hours")
                          if k in answer.structured}))
    return 1 if answer.is_error else 0


if __name__ == "__main__":
    sys.exit(main())
