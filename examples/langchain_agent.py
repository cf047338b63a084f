"""A LangChain tool-calling loop over the flopcast tools, for any chat model that supports tools.

    pip install "flopcast[langchain]" langchain langchain-openai   # or langchain-anthropic, ...
    python examples/langchain_agent.py --model openai:MODEL "GPT-3 on 1024 A100s: how long?"

`run_agent(chat_model, question)` is the whole example: bind the tools, let the model call them,
feed each result back as a ToolMessage, stop when the model answers in text. The chat model is
passed in, so the same loop runs with a real provider or, in the tests, with a scripted fake.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from flopcast.prompts import load_prompt
from flopcast.tools import langchain_tools


def run_agent(
    chat_model: Any,
    question: str,
    *,
    language: str = "en",
    max_turns: int = 8,
) -> str:
    """Answer `question` with `chat_model` calling the flopcast tools; return the final text.

    Args:
        chat_model: a LangChain chat model with `bind_tools` (ChatOpenAI, ChatAnthropic, ...).
        question: the user's question.
        language: "en" or "zh": which system prompt to use.
        max_turns: model calls allowed before giving up.

    Raises:
        RuntimeError: the model kept calling tools for `max_turns` turns.
    """
    from langchain_core.messages import HumanMessage, SystemMessage, ToolMessage

    tools = langchain_tools()
    by_name = {tool.name: tool for tool in tools}
    model = chat_model.bind_tools(tools)
    messages: list[Any] = [
        SystemMessage(load_prompt(f"system_{language}")),
        HumanMessage(question),
    ]
    for _ in range(max_turns):
        reply = model.invoke(messages)
        messages.append(reply)
        if not reply.tool_calls:
            return reply.text if isinstance(reply.text, str) else str(reply.content)
        for call in reply.tool_calls:
            tool = by_name.get(call["name"])
            if tool is None:
                messages.append(ToolMessage(
                    content=f"unknown tool {call['name']!r}; tools: {', '.join(by_name)}",
                    tool_call_id=call["id"],
                    status="error",
                ))
                continue
            # Invoked with the whole tool call, the tool returns a ToolMessage whose content is
            # the summary and whose artifact is the structured result (steps, assumptions, ...).
            messages.append(tool.invoke({**call, "type": "tool_call"}))
    raise RuntimeError(f"no answer after {max_turns} model turns")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("question")
    parser.add_argument("--model", required=True,
                        help='"provider:model" for langchain.chat_models.init_chat_model')
    parser.add_argument("--lang", choices=["en", "zh"], default="en")
    args = parser.parse_args(argv)
    from langchain.chat_models import init_chat_model  # the `langchain` package, not a dependency

    print(run_agent(init_chat_model(args.model), args.question, language=args.lang))
    return 0


if __name__ == "__main__":
    sys.exit(main())
