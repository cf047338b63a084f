"""The OpenAI Chat Completions tool-use loop, calling flopcast through `dispatch`.

    pip install flopcast openai
    python examples/openai_tool_loop.py --model MODEL "训练 GPT-3 需要多少 FLOPs？"

The OpenAI SDK is not a dependency of flopcast: `run(client, ...)` takes any object shaped like
`openai.OpenAI()` (it uses `client.chat.completions.create` only), so the tests drive it with a
fake client that replays recorded responses.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from flopcast.prompts import load_prompt
from flopcast.tools import dispatch, openai_tools


def run(
    client: Any,
    question: str,
    *,
    model: str,
    language: str = "en",
    strict: bool = True,
    max_turns: int = 8,
) -> str:
    """Answer `question`, letting the model call flopcast's tools; return the final text.

    Args:
        client: `openai.OpenAI()` or anything with the same `chat.completions.create`.
        question: the user's question.
        model: the model name to send.
        language: "en" or "zh": which system prompt to use.
        strict: send strict-mode schemas (every argument required, null = default; the rarer
            arguments in one JSON-object argument `more`, which `dispatch` unfolds).
        max_turns: model calls allowed before giving up.

    Raises:
        RuntimeError: the model kept calling tools for `max_turns` turns.
    """
    tools = openai_tools(strict=strict)
    messages: list[dict[str, Any]] = [
        {"role": "system", "content": load_prompt(f"system_{language}")},
        {"role": "user", "content": question},
    ]
    for _ in range(max_turns):
        response = client.chat.completions.create(model=model, messages=messages, tools=tools)
        message = response.choices[0].message
        calls = list(message.tool_calls or [])
        if not calls:
            return message.content or ""
        messages.append({
            "role": "assistant",
            "content": message.content,
            "tool_calls": [
                {
                    "id": call.id,
                    "type": "function",
                    "function": {"name": call.function.name, "arguments": call.function.arguments},
                }
                for call in calls
            ],
        })
        for call in calls:
            # A dict back: the structured result, or {"error": "..."} for the model to fix.
            result = dispatch(call.function.name, call.function.arguments)
            messages.append({
                "role": "tool",
                "tool_call_id": call.id,
                "content": json.dumps(result, ensure_ascii=False),
            })
    raise RuntimeError(f"no answer after {max_turns} model turns")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("question")
    parser.add_argument("--model", required=True)
    parser.add_argument("--lang", choices=["en", "zh"], default="en")
    args = parser.parse_args(argv)
    from openai import OpenAI  # not a flopcast dependency

    print(run(OpenAI(), args.question, model=args.model, language=args.lang))
    return 0


if __name__ == "__main__":
    sys.exit(main())
