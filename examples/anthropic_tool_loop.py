"""The Anthropic Messages API tool-use loop, calling flopcast through `dispatch`.

    pip install flopcast anthropic
    python examples/anthropic_tool_loop.py --model MODEL "How long on 1024 A100s?"

The Anthropic SDK is not a dependency of flopcast: `run(client, ...)` takes any object shaped like
`anthropic.Anthropic()` (it uses `client.messages.create` only), so the tests drive it with a
fake client that replays recorded responses.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from flopcast.prompts import load_prompt
from flopcast.tools import anthropic_tools, dispatch


def _as_param(block: Any) -> dict[str, Any]:
    """A response content block turned back into a request content block."""
    if block.type == "tool_use":
        return {"type": "tool_use", "id": block.id, "name": block.name, "input": block.input}
    if block.type == "text":
        return {"type": "text", "text": block.text}
    return block.model_dump() if hasattr(block, "model_dump") else dict(vars(block))


def run(
    client: Any,
    question: str,
    *,
    model: str,
    language: str = "en",
    max_tokens: int = 2048,
    max_turns: int = 8,
) -> str:
    """Answer `question`, letting the model call flopcast's tools; return the final text.

    Args:
        client: `anthropic.Anthropic()` or anything with the same `messages.create`.
        question: the user's question.
        model: the model name to send.
        language: "en" or "zh": which system prompt to use.
        max_tokens: the response budget per turn.
        max_turns: model calls allowed before giving up.

    Raises:
        RuntimeError: the model kept calling tools for `max_turns` turns.
    """
    tools = anthropic_tools()
    system = load_prompt(f"system_{language}")
    messages: list[dict[str, Any]] = [{"role": "user", "content": question}]
    for _ in range(max_turns):
        response = client.messages.create(
            model=model, max_tokens=max_tokens, system=system, tools=tools, messages=messages
        )
        blocks = list(response.content)
        uses = [b for b in blocks if b.type == "tool_use"]
        if response.stop_reason != "tool_use" or not uses:
            return "".join(b.text for b in blocks if b.type == "text")
        messages.append({"role": "assistant", "content": [_as_param(b) for b in blocks]})
        results = []
        for use in uses:
            result = dispatch(use.name, use.input)
            results.append({
                "type": "tool_result",
                "tool_use_id": use.id,
                "content": json.dumps(result, ensure_ascii=False),
                "is_error": set(result) == {"error"},
            })
        messages.append({"role": "user", "content": results})
    raise RuntimeError(f"no answer after {max_turns} model turns")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("question")
    parser.add_argument("--model", required=True)
    parser.add_argument("--lang", choices=["en", "zh"], default="en")
    args = parser.parse_args(argv)
    from anthropic import Anthropic  # not a flopcast dependency

    print(run(Anthropic(), args.question, model=args.model, language=args.lang))
    return 0


if __name__ == "__main__":
    sys.exit(main())
