"""LangChain tools generated from the registry (optional extra `flopcast[langchain]`).

>>> from flopcast.tools import langchain_tools          # doctest: +SKIP
>>> agent_tools = langchain_tools()                      # doctest: +SKIP
>>> llm.bind_tools(agent_tools)                          # doctest: +SKIP

Each tool is a `StructuredTool` whose `args_schema` is the spec's input model and whose
`response_format` is "content_and_artifact": the content (what the model reads) is the
result's text at the `detail` level asked for (`flopcast.tools.answer`), the artifact is the
structured result as a dict (what a program reads; LangChain attaches it to the
`ToolMessage` when the tool is invoked with a tool call).

Errors reach the agent instead of stopping it: bad input or an unknown id becomes a
`ToolException` carrying the same one-line message the MCP server gives, and
`handle_tool_error=True` turns it into an error `ToolMessage`; pydantic's validation of the
arguments is mapped to the same one line.

langchain-core is imported when `langchain_tools()` is called, never on `import flopcast`.
"""

from __future__ import annotations

import base64
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from flopcast.numbers.validation import input_error
from flopcast.tools._errors import MissingDependencyError, error_message, must_propagate
from flopcast.tools.registry import ToolSpec, call_tool, front_options, structured

__all__ = ["langchain_tools"]


def _import_langchain() -> tuple[Any, Any]:
    try:
        from langchain_core.tools import StructuredTool, ToolException
    except ImportError as e:
        raise MissingDependencyError("langchain-core", "langchain") from e
    return StructuredTool, ToolException


def langchain_tools(
    *,
    tools: Sequence[ToolSpec] | None = None,
    allowed_roots: Sequence[str | Path] = (),
) -> list[Any]:
    """One LangChain `StructuredTool` per registered tool.

    Args:
        tools: the specs to wrap (default: every registered tool).
        allowed_roots: folders `count_tokens` (and a `model` config.json) may read below;
            none by default, so an agent cannot read files unless the program allows it.

    Raises:
        MissingDependencyError: langchain-core is not installed (an `ImportError` whose
            message says `pip install 'flopcast[langchain]'`).
    """
    structured_tool, tool_exception = _import_langchain()
    if tools is None:
        from flopcast.tools.registry import TOOLS

        tools = TOOLS
    context = {"allowed_roots": [Path(r) for r in allowed_roots]}
    return [_make_tool(spec, context, structured_tool, tool_exception) for spec in tools]


def _make_tool(spec: ToolSpec, context: dict[str, Any], structured_tool: Any,
               tool_exception: Any) -> Any:
    def run(**arguments: Any) -> tuple[str | list[dict[str, Any]], dict[str, Any]]:
        try:
            options = front_options(spec, arguments)
            result = call_tool(spec, arguments, context)
            text = spec.render(result, options.detail)
            if not options.chart:
                return text, structured(result)
            from flopcast.tools.charts import chart_png

            # LangChain's standard content blocks: the text, then the chart as a base64 PNG.
            image = base64.b64encode(chart_png(spec.name, result)).decode("ascii")
            blocks = [{"type": "text", "text": text},
                      {"type": "image", "base64": image, "mime_type": "image/png"}]
            return blocks, structured(result)
        except BaseException as e:  # a library's panic too; Ctrl-C and cancellation pass
            if must_propagate(e):
                raise
            raise tool_exception(error_message(e, spec.name)) from e

    def on_validation_error(error: ValidationError) -> str:
        return error_message(input_error(spec.arguments_model, error), spec.name)

    run.__name__ = spec.name
    return structured_tool.from_function(
        func=run,
        name=spec.name,
        description=spec.description,
        args_schema=spec.arguments_model,
        infer_schema=False,
        response_format="content_and_artifact",
        handle_tool_error=True,
        handle_validation_error=on_validation_error,
    )
