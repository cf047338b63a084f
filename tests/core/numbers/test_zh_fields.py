"""Every result field has a Chinese meaning, and the CLI shows it with `--lang zh`."""

from __future__ import annotations

import re
import typing

import pytest
from pydantic import BaseModel

from flopcast.numbers.zh import FIELD_MEANINGS, MODEL_FIELD_MEANINGS, TOOL_TITLES, field_meaning
from flopcast.tools.cli import main
from flopcast.tools.registry import TOOLS


def _models(annotation: object, seen: set[type[BaseModel]]) -> None:
    """Collect a result model and every model nested in its fields (rows, layouts, sources)."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        if annotation not in seen:
            seen.add(annotation)
            for field in annotation.model_fields.values():
                _models(field.annotation, seen)
        return
    for arg in typing.get_args(annotation):
        _models(arg, seen)


def _output_fields() -> dict[str, str]:
    """Field name -> the model it first appears in, over every tool's output."""
    seen: set[type[BaseModel]] = set()
    for spec in TOOLS:
        _models(spec.output_model, seen)
    return {name: model.__name__ for model in seen for name in model.model_fields}


def test_nested_row_models_are_enumerated() -> None:
    fields = _output_fields()
    # compare_gpus rows, plan_cluster_training's layout rows, count_tokens' by-type rows
    for name in ("state_bytes_per_device", "tensor_parallel", "zero_stage", "type"):
        assert name in fields


def test_every_output_field_of_every_tool_has_a_chinese_meaning() -> None:
    missing = sorted(f"{model}.{name}" for name, model in _output_fields().items()
                     if not FIELD_MEANINGS.get(name))
    assert missing == [], f"add these to flopcast.numbers.zh.FIELD_MEANINGS: {missing}"


def test_every_meaning_is_chinese() -> None:
    for name, meaning in FIELD_MEANINGS.items():
        if name != "id":
            assert re.search(r"[\u4e00-\u9fff]", meaning), name


def test_every_tool_has_a_chinese_title() -> None:
    assert {spec.name for spec in TOOLS} <= set(TOOL_TITLES)
    assert TOOL_TITLES["plan_cluster_training"].startswith("集群")


def _english_meanings() -> set[str]:
    """The English meaning column texts the CLI would show (first sentence of descriptions)."""
    from flopcast.tools.cli import _meaning

    seen: set[type[BaseModel]] = set()
    for spec in TOOLS:
        _models(spec.output_model, seen)
    return {m for model in seen for f in model.model_fields.values()
            if len(m := _meaning(f)) > 12}


@pytest.mark.parametrize("argv", [
    ["estimate", "--model", "gpt-3-175b", "--hardware", "a100", "--count", "1024"],
    ["cluster", "--model", "gpt-3-175b", "--system", "dgx-a100", "--count", "1024",
     "--global-batch", "1536", "--tokens", "300B"],
    ["tokens", "--text", "hello world, 你好世界"],
    ["inference", "--model", "llama-3-70b", "--hardware", "h100", "--count", "8"],
])
def test_cli_in_chinese_shows_no_english_meaning(
        argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    assert main([*argv, "--lang", "zh"]) == 0
    out = capsys.readouterr().out
    assert "含义" in out
    shown = [m for m in _english_meanings() if m in out]
    assert shown == []
    table = out[out.index("含义"):]
    table = table[:table.index("└")]
    rows = re.findall(r"│ ([a-z_0-9]+) +│ .+? │ (.+?) +│", table)
    assert rows, out
    for name, meaning in rows:
        assert meaning in {field_meaning(name, m) for m in MODEL_FIELD_MEANINGS} | {
            FIELD_MEANINGS[name]}


def test_counted_tokens_are_not_called_training_tokens(
        capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["tokens", "--text", "hello world", "--lang", "zh"]) == 0
    out = capsys.readouterr().out
    assert "│ tokens " in out and "│ 词元数 " in out and "训练词元数" not in out
    assert field_meaning("tokens") == "训练词元数"  # elsewhere (estimate_training) they are


def test_cli_cluster_tables_are_chinese(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["cluster", "--model", "gpt-3-175b", "--system", "dgx-a100", "--count", "1024",
                 "--global-batch", "1536", "--tokens", "300B", "--lang", "zh"]) == 0
    out = capsys.readouterr().out
    assert "集群并行训练规划" in out
    for text in ("并行布局", "张量并行度", "每步时间构成（秒）", "流水线气泡", "布局排名"):
        assert text in out
    for english in ("│ tensor_parallel", "breakdown_seconds", "│ tp_comm", "│ bubble"):
        assert english not in out
