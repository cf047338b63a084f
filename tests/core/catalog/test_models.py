"""Model presets: the shipped catalog, lookups, and parameter counts of known shapes."""

from __future__ import annotations

import pytest

from flopcast.catalog.models import (
    ListModelsResult,
    ModelPreset,
    list_models,
    load_catalog,
    model_catalog,
    resolve_model,
)
from flopcast.numbers.errors import InvalidInputError, UnknownModelError
from flopcast.workload.flops import Architecture

_ONE = """
[[model]]
id = "{id}"
name = "{name}"
family = "x"
aliases = {aliases}
params = 1e9
layers = 2
d_model = 64
heads = 2
kv_heads = 2
head_dim = 32
vocab = 100
context = 128
[[model.sources]]
title = "t"
fields = ["params"]
"""


def test_shipped_catalog_loads_and_has_the_required_models() -> None:
    ids = {p.id for p in model_catalog()}
    required = {
        "gpt-2-1.5b", "gpt-3-small", "gpt-3-medium", "gpt-3-large", "gpt-3-xl", "gpt-3-2.7b",
        "gpt-3-6.7b", "gpt-3-13b", "gpt-3-175b", "gopher-280b", "chinchilla-70b",
        "mt-nlg-530b", "palm-540b", "bloom-176b", "llama-7b", "llama-13b", "llama-33b",
        "llama-65b", "llama-2-7b", "llama-2-13b", "llama-2-70b", "llama-3.1-8b",
        "llama-3.1-70b", "llama-3.1-405b",
    }
    assert required <= ids
    assert any(p.active_params is not None for p in model_catalog())


@pytest.mark.parametrize("preset", model_catalog(), ids=lambda p: p.id)
def test_every_figure_has_a_source_or_is_marked_unverified(preset: ModelPreset) -> None:
    covered = {f for s in preset.sources for f in s.fields} | set(preset.unverified)
    figures = ["params", "layers", "d_model", "heads", "vocab", "context"]
    figures += [f for f in ("tokens", "published_flops", "active_params")
                if getattr(preset, f) is not None]
    assert not [f for f in figures if f not in covered]
    assert all(s.title for s in preset.sources)


@pytest.mark.parametrize("preset", model_catalog(), ids=lambda p: p.id)
def test_fields_only_from_unread_sources_are_marked_unverified(preset: ModelPreset) -> None:
    read = {f for s in preset.sources if s.retrieved for f in s.fields}
    unread = {f for s in preset.sources if not s.retrieved for f in s.fields}
    assert unread - read <= set(preset.unverified)


@pytest.mark.parametrize(
    ("preset_id", "printed", "embedding_matrices"),
    [
        # Brown et al. 2020 Table D.1: 12·L·d² + (V + n_ctx)·d ≈ 174.6B for GPT-3 175B.
        ("gpt-3-175b", 174.6e9, 1),
        ("gpt-3-small", 125e6, 1),
        ("gpt-3-6.7b", 6.66e9, 1),
        # Touvron et al. 2023 Table 2 (SwiGLU, untied input/output embeddings).
        ("llama-7b", 6.7e9, 2),
        ("llama-13b", 13.0e9, 2),
        ("llama-33b", 32.5e9, 2),
        ("llama-65b", 65.2e9, 2),
        # Narayanan et al. 2021 Table 1, the 529.6B row (the MT-NLG shape).
        ("mt-nlg-530b", 529.6e9, 1),
        # PaLM Table 1 (540.35B; multi-query, SwiGLU, shared embedding; secondary copies).
        ("palm-540b", 540.35e9, 1),
        # Llama 3 Table 3 shape against the nominal 405B (GQA, SwiGLU, untied embeddings).
        ("llama-3.1-405b", 405e9, 2),
        # BLOOM 176,247,271,424 parameters (tied embeddings; secondary copies).
        ("bloom-176b", 176.247e9, 1),
    ],
)
def test_params_of_known_architectures(preset_id: str, printed: float,
                                       embedding_matrices: int) -> None:
    p = resolve_model(preset_id)
    arch = Architecture(layers=p.layers, d_model=p.d_model, heads=p.heads, seq_len=p.context,
                        vocab=p.vocab, d_ff=p.d_ff, kv_heads=p.kv_heads, head_dim=p.head_dim,
                        gated_ffn=p.gated_ffn)
    count = arch.param_count(embedding_matrices) + (p.context * p.d_model
                                                    if p.family == "gpt-3" else 0)
    assert count == pytest.approx(printed, rel=0.01)


def test_mixtral_total_and_active_params_from_table_1() -> None:
    # Jiang et al. 2024 Table 1: 32 layers, dim 4096, 32 heads / 8 KV heads of 128,
    # SwiGLU experts of width 14336, 8 experts, top-2, vocab 32000 (untied).
    # Abstract: 47B total, 13B active (rounded to 1B).
    p = resolve_model("mixtral")
    attention = 32 * (4096 * (32 * 128 + 2 * 8 * 128) + 32 * 128 * 4096)
    expert = 32 * 3 * 4096 * 14336
    embeddings = 2 * 32000 * 4096
    assert attention + 8 * expert + embeddings == pytest.approx(p.params, abs=0.5e9)
    assert attention + 2 * expert + embeddings == pytest.approx(p.active_params, abs=0.5e9)


def test_gpt3_175b_by_the_12_l_d_squared_rule() -> None:
    # 12 · 96 · 12288² + (50257 + 2048) · 12288 = 1.7459e11 ≈ Table D.1's 174,600M.
    p = resolve_model("gpt-3-175b")
    approx = 12 * p.layers * p.d_model**2 + (p.vocab + p.context) * p.d_model
    assert approx == pytest.approx(p.params, rel=0.01)
    assert p.params == 174.6e9 and p.tokens == 300e9 and p.published_flops == 3.14e23


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("gpt-3-175b", "gpt-3-175b"),
        ("GPT-3", "gpt-3-175b"),
        ("gpt3", "gpt-3-175b"),
        ("GPT-3 175B", "gpt-3-175b"),
        ("davinci", "gpt-3-175b"),
        ("  Chinchilla ", "chinchilla-70b"),
        ("llama_2_70b", "llama-2-70b"),
        ("Llama 3.1 405B", "llama-3.1-405b"),
        ("gpt-3-1.3b", "gpt-3-xl"),
        ("gpt-3-13b", "gpt-3-13b"),
    ],
)
def test_alias_resolution(given: str, expected: str) -> None:
    assert resolve_model(given).id == expected


def test_unknown_model_suggests_closest_ids() -> None:
    with pytest.raises(UnknownModelError) as e:
        resolve_model("lama-2-70b")
    assert e.value.argument == "model"
    assert "llama-2-70b" in e.value.suggestions
    assert "list_models" in str(e.value)


def test_empty_model_name_is_invalid_input() -> None:
    with pytest.raises(InvalidInputError):
        resolve_model("  ")


def test_moe_effective_params_are_active_params() -> None:
    moe = next(p for p in model_catalog() if p.active_params is not None)
    assert moe.effective_params == moe.active_params < moe.params
    dense = resolve_model("gpt-3-175b")
    assert dense.effective_params == dense.params


def test_gpt2_has_no_published_tokens() -> None:
    p = resolve_model("gpt-2")
    assert p.tokens is None and p.published_flops is None
    assert (p.layers, p.d_model, p.context, p.vocab) == (48, 1600, 1024, 50257)


def test_duplicate_ids_fail() -> None:
    one = _ONE.format(id="a", name="A", aliases="[]")
    with pytest.raises(ValueError, match="duplicate"):
        load_catalog(one + one.replace('name = "A"', 'name = "B"'))


def test_duplicate_aliases_fail() -> None:
    text = _ONE.format(id="a", name="A", aliases='["same"]') + _ONE.format(
        id="b", name="B", aliases='["Same"]')
    with pytest.raises(ValueError, match="already belongs"):
        load_catalog(text)


def test_unknown_keys_fail() -> None:
    text = _ONE.format(id="a", name="A", aliases="[]")
    text = text.replace("params = 1e9", "params = 1e9\nsize = 3")
    with pytest.raises(ValueError):
        load_catalog(text)


def test_list_models_all_and_family() -> None:
    everything = list_models()
    assert isinstance(everything, ListModelsResult)
    assert len(everything.entries) == len(model_catalog())
    gpt3 = list_models(family="GPT-3")
    assert len(gpt3.entries) == 8
    assert "gpt-3-175b" in gpt3.summary and gpt3.summary.startswith("| model |")
    assert all(e.sources for e in gpt3.entries)


def test_list_models_in_chinese() -> None:
    out = list_models(family="llama-2", language="zh")
    assert out.language == "zh"
    assert "亿" in out.summary and "训练 token" in out.summary


def test_list_models_unknown_family_lists_families() -> None:
    with pytest.raises(InvalidInputError) as e:
        list_models(family="gpt-5")
    assert e.value.argument == "family"
    assert "gpt-3" in str(e.value)


def test_list_models_rejects_bad_language() -> None:
    with pytest.raises(InvalidInputError) as e:
        list_models(language="fr")  # type: ignore[arg-type]
    assert e.value.argument == "language"


@pytest.mark.parametrize(
    ("preset_id", "config"),
    [("deepseek-v3", "deepseek-v3"), ("deepseek-v2", "deepseek-v2"),
     ("mixtral-8x7b", "mixtral-8x7b"), ("qwen3-30b-a3b", "qwen3-30b-a3b"),
     ("gpt-oss-120b", "gpt-oss-120b"), ("llama-4-scout", "llama-4-scout"),
     ("llama-4-maverick", "llama-4-maverick")],
)
def test_moe_fields_match_the_released_config(preset_id: str, config: str) -> None:
    # The config files in tests/data/hf_configs are transcriptions of the released configs;
    # the preset's expert fields must say the same (read through the config parser).
    import json
    from pathlib import Path

    from flopcast.catalog.hf_arch import parse_config

    path = Path(__file__).parents[2] / "data" / "hf_configs" / f"{config}.json"
    a = parse_config(json.loads(path.read_text()), "model")
    p = resolve_model(preset_id)
    assert (p.experts, p.experts_per_token, p.shared_d_ff, p.moe_layers, p.d_ff) == (
        a.experts, a.experts_per_token, a.shared_d_ff, a.moe_layers, a.expert_d_ff)
    assert p.dense_d_ff == (a.d_ff or None)
