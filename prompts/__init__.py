"""Prompt texts shipped with flopcast: system prompts for a compute advisor and templates.

The texts live beside this module as Markdown files (package data) so that a reader can
review them as prose; the MCP server serves them as prompts and the examples load them.

>>> [p.name for p in list_prompts()]
['plan_training_question_en', 'plan_training_question_zh', 'system_en', 'system_zh']
>>> load_prompt("plan_training_question_en", question="How long on 8 H100s?").count("8 H100s")
1
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from importlib import resources

from flopcast.numbers.errors import InvalidInputError

__all__ = ["PromptInfo", "list_prompts", "load_prompt"]

# `{name}` placeholders: lower-case identifiers only, so braces in prose or JSON never match.
_PLACEHOLDER = re.compile(r"\{([a-z_][a-z0-9_]*)\}")


@dataclass(frozen=True)
class PromptInfo:
    """One shipped prompt.

    Attributes:
        name: the id passed to `load_prompt` (the file name without `.md`).
        title: a short human title.
        description: when to use it (written for a client's prompt picker).
        language: "en" or "zh".
        arguments: the `{placeholders}` `load_prompt` must be given, in order of appearance.
    """

    name: str
    title: str
    description: str
    language: str
    arguments: tuple[str, ...]


_META: dict[str, tuple[str, str]] = {
    "system_en": (
        "flopcast compute advisor (English)",
        "System prompt for an assistant that answers training/serving compute questions by "
        "calling the flopcast tools, quoting their steps and assumptions.",
    ),
    "system_zh": (
        "flopcast 算力顾问（中文）",
        "系统提示词：让助手通过 flopcast 工具回答大模型训练和推理的算力问题，"
        "并引用推导步骤和假设。",
    ),
    "plan_training_question_en": (
        "Plan the tool calls for a training question (English)",
        "Turns a question about a training run into the right flopcast tool calls.",
    ),
    "plan_training_question_zh": (
        "把训练问题拆成工具调用（中文）",
        "把一个关于训练任务的问题拆成合适的 flopcast 工具调用。",
    ),
}


def _read(name: str) -> str:
    return resources.files(__name__).joinpath(f"{name}.md").read_text(encoding="utf-8")


def _placeholders(text: str) -> tuple[str, ...]:
    return tuple(dict.fromkeys(_PLACEHOLDER.findall(text)))


def list_prompts() -> list[PromptInfo]:
    """Every shipped prompt, sorted by name."""
    infos = []
    for name in sorted(_META):
        title, description = _META[name]
        language = name.rsplit("_", 1)[-1]
        infos.append(PromptInfo(name, title, description, language, _placeholders(_read(name))))
    return infos


def load_prompt(name: str, **fields: str) -> str:
    """Return the text of prompt `name` with its `{placeholders}` filled from `fields`.

    Args:
        name: a prompt id from `list_prompts()` (a trailing ".md" is accepted).
        **fields: one value per placeholder, e.g. `question="..."`.

    Raises:
        InvalidInputError: unknown name, a placeholder left without a value, or a field the
            prompt does not use.
    """
    key = name.removesuffix(".md")
    if key not in _META:
        accepted = ", ".join(sorted(_META))
        raise InvalidInputError("name", f"unknown prompt {name!r}; accepted: {accepted}")
    text = _read(key)
    wanted = _placeholders(text)
    missing = [w for w in wanted if w not in fields]
    if missing:
        raise InvalidInputError(missing[0], f"prompt {key!r} needs a value for {{{missing[0]}}}")
    extra = sorted(set(fields) - set(wanted))
    if extra:
        accepted = ", ".join(wanted) or "none"
        raise InvalidInputError(extra[0], f"prompt {key!r} has no such field; accepted: {accepted}")
    return _PLACEHOLDER.sub(lambda m: str(fields[m.group(1)]), text)
