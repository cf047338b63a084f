"""The shipped prompts: present, loadable, placeholders filled, mistakes reported."""

from __future__ import annotations

import pytest

from flopcast.numbers.errors import InvalidInputError
from flopcast.prompts import list_prompts, load_prompt

TOOL_NAMES = [
    "estimate_training",
    "compare_gpus",
    "list_hardware",
    "list_models",
    "explain_flops",
    "check_claim",
    "plan_compute_optimal",
    "estimate_memory",
    "estimate_inference",
    "count_tokens",
]


def test_every_prompt_is_listed_with_its_language() -> None:
    infos = {p.name: p for p in list_prompts()}
    assert set(infos) == {
        "system_en",
        "system_zh",
        "plan_training_question_en",
        "plan_training_question_zh",
    }
    assert infos["system_zh"].language == "zh"
    assert infos["plan_training_question_en"].arguments == ("question",)
    assert infos["system_en"].arguments == ()


@pytest.mark.parametrize("name", ["system_en", "system_zh"])
def test_system_prompts_name_every_tool(name: str) -> None:
    text = load_prompt(name)
    for tool in TOOL_NAMES:
        assert f"`{tool}`" in text, tool


def test_system_prompt_zh_is_chinese() -> None:
    text = load_prompt("system_zh")
    han = sum("\u4e00" <= ch <= "\u9fff" for ch in text)
    assert han > 500


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_plan_template_fills_the_question(lang: str) -> None:
    question = "训练 GPT-3 需要多少 FLOPs？ {not a placeholder}"
    text = load_prompt(f"plan_training_question_{lang}.md", question=question)
    assert question in text
    assert "{question}" not in text


def test_missing_field_names_it() -> None:
    with pytest.raises(InvalidInputError, match="question"):
        load_prompt("plan_training_question_en")


def test_extra_field_is_rejected() -> None:
    with pytest.raises(InvalidInputError, match="topic"):
        load_prompt("system_en", topic="x")


def test_unknown_prompt_lists_the_known_ones() -> None:
    with pytest.raises(InvalidInputError, match="system_en"):
        load_prompt("system_fr")
