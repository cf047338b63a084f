"""Workload resolution: presets, overrides, given FLOPs, and the errors that name what to give."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from flopcast.numbers.errors import InvalidInputError, UnknownModelError
from flopcast.workload.resolve import Workload, WorkloadArgs, resolve_workload


def test_gpt3_preset_gives_table_d1_flops() -> None:
    # 6 × 174.6e9 × 300e9 = 3.1428e23 (Brown et al. 2020 Table D.1 prints 3.14E+23).
    w = resolve_workload(model="gpt-3")
    assert w.flops == pytest.approx(3.1428e23)
    assert w.hardware_flops == w.flops
    assert (w.params, w.tokens, w.method) == (174.6e9, 300e9, "6nd")
    assert {a.name for a in w.assumptions} >= {"params", "tokens"}
    assert any("Table D.1" in a.source for a in w.assumptions if a.name == "params")


def test_explicit_arguments_override_the_preset() -> None:
    w = resolve_workload(model="gpt-3-175b", params="175B", tokens="300B")
    assert w.flops == pytest.approx(6 * 175e9 * 300e9)  # 3.15e23
    assert any("overrides" in a.source for a in w.assumptions)


def test_mt_nlg_answers_the_seed_question() -> None:
    # 6 × 530e9 × 270e9 = 8.586e23 FLOPs (Smith et al. 2022 sizes).
    assert resolve_workload(model="mt-nlg").flops == pytest.approx(8.586e23)


def test_given_flops_used_as_is_and_recorded_as_a_step() -> None:
    w = resolve_workload(flops="3.14e23 FLOPs")
    assert w.flops == 3.14e23 and w.method == "given"
    assert w.steps[0].name == "training FLOPs (given)"


def test_given_flops_with_full_recompute_scale_hardware_by_8_over_6() -> None:
    w = resolve_workload(flops=3.14e23, recompute="full")
    assert w.flops == 3.14e23
    assert w.hardware_flops == pytest.approx(3.14e23 * 4 / 3)
    assert "8/6" in w.steps[-1].formula


def test_full_recompute_from_a_preset_is_8nd() -> None:
    w = resolve_workload(model="gpt-3-175b", recompute="full")
    assert w.hardware_flops == pytest.approx(8 * 174.6e9 * 300e9)


def test_pf_days_are_accepted() -> None:
    # 3640 PF-days × 8.64e19 FLOPs = 3.145e23 (Table D.1).
    assert resolve_workload(flops="3640 PF-days").flops == pytest.approx(3640 * 8.64e19)


def test_moe_preset_uses_active_params() -> None:
    w = resolve_workload(model="deepseek-v3")
    # 6 × 37e9 × 14.8e12 = 3.2856e24 (DeepSeek-AI 2024: 37B activated, 14.8T tokens).
    assert w.flops == pytest.approx(6 * 37e9 * 14.8e12)
    assert w.total_params == 671e9


def test_mixtral_needs_tokens_and_uses_active_params() -> None:
    with pytest.raises(InvalidInputError) as e:
        resolve_workload(model="mixtral")
    assert e.value.argument == "tokens"
    # 6 × 13e9 × 1e12 (Jiang et al. 2024: 13B active of 47B).
    w = resolve_workload(model="mixtral", tokens="1T")
    assert w.flops == pytest.approx(7.8e22)
    assert w.total_params == 47e9


def test_moe_preset_rejects_per_layer_methods() -> None:
    with pytest.raises(InvalidInputError) as e:
        resolve_workload(model="deepseek-v3", method="chinchilla")
    assert e.value.argument == "method"


def test_preset_without_tokens_asks_for_tokens() -> None:
    with pytest.raises(InvalidInputError) as e:
        resolve_workload(model="gpt-2-1.5b")
    assert e.value.argument == "tokens"
    assert "'300B'" in str(e.value) and "GPT-2" in str(e.value)


def test_gpt2_with_given_tokens() -> None:
    # "GPT-2" (the paper's name) is the 1.5B model: 6 × 1.542e9 × 10e9 = 9.25e19.
    assert resolve_workload(model="GPT-2", tokens="10B").flops == pytest.approx(9.252e19)
    assert resolve_workload(model="gpt2-xl", tokens="10B").flops == pytest.approx(9.252e19)


def test_gpt2_is_the_124m_model_and_says_so() -> None:
    # Hugging Face's `gpt2` (openai-community/gpt2) is the 124M model: 6 × 124e6 × 10e9.
    w = resolve_workload(model="gpt2", tokens="10B")
    assert w.flops == pytest.approx(7.44e18)
    note = next(a for a in w.assumptions if a.name == "model")
    assert "124M" in note.source and "gpt2-xl" in note.source
    paper = resolve_workload(model="GPT-2", tokens="10B")
    assert "1.5B" in next(a for a in paper.assumptions if a.name == "model").source
    assert not [a for a in resolve_workload(model="gpt2-xl", tokens="10B").assumptions
                if a.name == "model"]


def test_nothing_given_asks_for_tokens_then_params() -> None:
    with pytest.raises(InvalidInputError) as e:
        resolve_workload()
    assert e.value.argument == "tokens"
    with pytest.raises(InvalidInputError) as e:
        resolve_workload(tokens="300B")
    assert e.value.argument == "params"


def test_per_layer_method_without_architecture_raises() -> None:
    with pytest.raises(InvalidInputError) as e:
        resolve_workload(params="175B", tokens="300B", method="megatron")
    assert e.value.argument == "method"
    assert "d_model" in str(e.value)


def test_selective_without_architecture_raises() -> None:
    with pytest.raises(InvalidInputError) as e:
        resolve_workload(params="175B", tokens="300B", recompute="selective")
    assert e.value.argument == "recompute"


def test_per_layer_method_from_preset_architecture() -> None:
    w = resolve_workload(model="gpt-3-175b", method="megatron")
    # 72·l·h²·(1 + s/6h + V/12lh) per token with l 96, h 12288, s 2048, V 50257.
    l_, h, s, v = 96, 12288, 2048, 50257
    per_token = 72 * l_ * h**2 * (1 + s / (6 * h) + v / (12 * l_ * h))
    assert w.flops == pytest.approx(per_token * 300e9)
    assert w.arch is not None and w.arch.seq_len == 2048


def test_explicit_architecture_without_params() -> None:
    w = resolve_workload(tokens="300B", layers=96, d_model=12288, heads=96, seq_len=2048,
                         vocab=50257, method="kaplan")
    assert w.params == pytest.approx(12 * 96 * 12288**2 + 50257 * 12288)
    assert any(a.name == "params" for a in w.assumptions)


def test_architecture_override_changes_the_count() -> None:
    short = resolve_workload(model="gpt-3-175b", method="palm")
    longer = resolve_workload(model="gpt-3-175b", method="palm", seq_len=8192)
    assert longer.flops > short.flops


@pytest.mark.parametrize(
    ("kwargs", "argument"),
    [
        ({"model": "gpt-9"}, "model"),
        ({"params": "lots", "tokens": "300B"}, "params"),
        ({"params": "175B", "tokens": -5}, "tokens"),
        ({"flops": "0"}, "flops"),
        ({"model": "gpt-3", "method": "7nd"}, "method"),
        ({"model": "gpt-3", "recompute": "some"}, "recompute"),
        ({"model": "gpt-3", "layers": 0}, "layers"),
        ({"model": "gpt-3", "heads": 7}, "heads"),
    ],
)
def test_bad_arguments_name_the_argument(kwargs: dict, argument: str) -> None:
    with pytest.raises((InvalidInputError, UnknownModelError)) as e:
        resolve_workload(**kwargs)
    assert e.value.argument == argument


def test_workload_args_is_a_strict_mixin_with_descriptions() -> None:
    class ToolInput(WorkloadArgs):
        count: int = 1

    assert ToolInput(model="gpt-3", count=8).count == 8
    assert all(f.description for f in WorkloadArgs.model_fields.values())
    with pytest.raises(ValueError):
        ToolInput(modle="gpt-3")  # type: ignore[call-arg]
    defaults = {k: f.default for k, f in WorkloadArgs.model_fields.items()}
    assert defaults["method"] == "6nd" and defaults["recompute"] == "none"


def test_workload_is_serialisable() -> None:
    w = resolve_workload(model="chinchilla")
    again = Workload.model_validate_json(w.model_dump_json())
    assert again.flops == w.flops == pytest.approx(6 * 70e9 * 1.4e12)


# ---------------------------------------------------------------- memoization


def test_a_resolved_workload_cannot_be_changed_by_its_caller() -> None:
    work = resolve_workload(model="gpt-3-175b")
    with pytest.raises(ValidationError):
        work.flops = 1.0  # type: ignore[misc]
    assert isinstance(work.steps, tuple) and isinstance(work.assumptions, tuple)


def test_same_arguments_give_the_same_figures_and_different_ones_do_not_collide() -> None:
    first = resolve_workload(model="gpt-3-175b")
    assert resolve_workload(model="gpt-3-175b") == first
    # 6 · N · D by hand with Table D.1's N = 174.6B, D = 300B, then a different D.
    assert first.flops == pytest.approx(6 * 174.6e9 * 300e9, rel=1e-3)
    other = resolve_workload(model="gpt-3-175b", tokens="1T")
    assert other.flops == pytest.approx(6 * 174.6e9 * 1e12, rel=1e-3)
    assert resolve_workload(model="gpt-3-175b").flops == first.flops


def test_errors_are_raised_on_every_call_not_remembered() -> None:
    for _ in range(2):
        with pytest.raises(InvalidInputError, match="tokens"):
            resolve_workload(params="7B")


def test_a_preset_says_how_its_rounded_name_and_printed_flops_differ() -> None:
    import flopcast

    # GPT-3 paper: named "175B", Table D.1 counts 174.6B and prints 3.14e23 FLOPs.
    # Hand: 175 / 174.6 − 1 = 0.229%; 6 · 174.6e9 · 300e9 = 3.1428e23 → 0.0892% above 3.14e23.
    r = flopcast.estimate_training(model="gpt-3-175b")
    text = " ".join(f"{a.name}={a.value} ({a.source})" for a in r.assumptions)
    assert 'params="175B" gives 0.229% more FLOPs and time' in text
    assert "3.143 × 10^23 (6nd) vs 3.14 × 10^23 published: 0.0892% more" in text
