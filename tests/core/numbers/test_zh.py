"""Chinese all the way (issue 13): with language="zh" the step names, scenario names,
assumption words, verdict causes and the CLI's headings and meanings are Chinese; cited paper
titles stay as published."""

from __future__ import annotations

import re

import pytest

import flopcast
from flopcast.numbers.zh import source_text, step_name

_LATIN_WORD = re.compile(r"\b[a-z]{4,}\b")  # an English word (ids and units are shorter/mixed)


def test_every_step_name_of_the_common_tools_is_chinese() -> None:
    results = [
        flopcast.estimate_training(model="gpt-3-175b", hardware="a100", count=1024,
                                   target_days=20, language="zh"),
        flopcast.estimate_training(params="7B", tokens="1T", language="zh"),
        flopcast.estimate_memory(model="llama-2-7b", language="zh"),
        flopcast.plan_compute_optimal(flops=1e24, language="zh"),
        flopcast.check_claim(model="gpt-3-175b", hardware="v100", count=2, years=355,
                             language="zh"),
    ]
    for r in results:
        for step in r.steps:
            assert not _LATIN_WORD.search(step.name), step.name


def test_scenario_names_are_chinese_in_the_result_and_the_summary() -> None:
    r = flopcast.estimate_training(model="gpt-3-175b", hardware="a100", count=1024,
                                   language="zh")
    assert [s.name for s in r.scenarios] == ["低", "典型", "高"]
    assert "低 21.3%" in r.summary and "low" not in r.summary


def test_assumption_words_are_chinese_and_titles_stay_as_published() -> None:
    assert source_text("bf16, the usual mixed-precision training format") == (
        "bf16，常用的混合精度训练格式")
    # A quoted paper title is kept as published.
    quoted = "not given 'Carbon Emissions and Large Neural Network Training'"
    assert source_text(quoted) == "未给出 'Carbon Emissions and Large Neural Network Training'"
    r = flopcast.estimate_training(params="7B", tokens="1T", hardware="a100", count=8,
                                   language="zh")
    sources = {a.name: a.source for a in r.assumptions}
    assert sources["precision"] == "bf16，常用的混合精度训练格式"
    assert sources["count"] if "count" in sources else True


def test_english_results_are_untouched() -> None:
    r = flopcast.estimate_training(model="gpt-3-175b", hardware="a100", count=1024)
    assert r.steps[-1].name == "CO2" and [s.name for s in r.scenarios][0] == "low"
    assert step_name("unknown step") == "unknown step"


def test_check_claim_causes_are_chinese() -> None:
    r = flopcast.check_claim(model="gpt-3-175b", flops=3.114e23, language="zh")
    assert "（笔误）" in r.summary and "digit_typo" not in r.summary


def test_cli_headings_meanings_and_verdicts_are_chinese(
        capsys: pytest.CaptureFixture[str]) -> None:
    from flopcast.tools.cli import main

    assert main(["claim", "--model", "gpt-3-175b", "--flops", "3.114e23", "--lang", "zh"]) == 0
    out = capsys.readouterr().out
    assert "核对公开或引用的算力说法" in out  # the tool's title
    assert "模型训练计算量（不含重计算）" in out  # the meaning of `flops`
    assert "有误" in out and " off " not in out
    assert "Check a published" not in out


def test_instruction_set_rows_are_chinese() -> None:
    r = flopcast.explain_flops(topic="peak_derivation", language="zh")
    rows = [line for line in r.markdown.splitlines() if line.startswith("| ")][1:8]
    assert rows and all("（" in row for row in rows)
    assert not any("per cycle" in row or "without FMA" in row for row in rows)


def test_a_small_token_count_is_not_repeated() -> None:
    # 2,001 tokens: "（约 2,001）" after "2,001 个 token" would say the same number twice.
    r = flopcast.count_tokens(text="hello " * 2000, language="zh")
    assert r.summary.startswith(f"**{r.tokens:,} 个 token**（o200k_base")
    assert "（约" not in r.summary
