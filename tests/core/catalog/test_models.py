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


def test_the_presets_people_ask_about_are_there() -> None:
    ids = {p.id for p in model_catalog()}
    asked = {
        "opt-175b", "gpt-neox-20b", "falcon-7b", "falcon-40b", "falcon-180b", "mistral-7b",
        "mixtral-8x7b", "mixtral-8x22b", "llama-3.2-1b", "llama-3.2-3b", "llama-3.3-70b",
        "llama-4-scout", "llama-4-maverick", "qwen2.5-7b", "qwen2.5-14b", "qwen2.5-32b",
        "qwen2.5-72b", "qwen3-8b", "qwen3-32b", "qwen3-30b-a3b", "qwen3-235b-a22b",
        "deepseek-v2", "deepseek-v3", "gemma-2-9b", "gemma-2-27b", "gemma-3-27b", "phi-3-mini",
        "phi-4", "nemotron-4-340b", "olmo-2-7b", "olmo-2-13b", "olmo-2-32b", "kimi-k2",
        "gpt-oss-20b", "gpt-oss-120b", "gpt-2-124m",
    }
    assert asked <= ids and len(ids) >= 55


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


@pytest.mark.parametrize(
    ("preset_id", "published", "embedding_matrices", "positions"),
    [
        # Zhang et al. 2022, 'OPT', arXiv:2205.01068: 175B (GPT-3's shape, learned positions,
        # tied embeddings): 12·96·12288² + (50,272 + 2,048)·12288 = 174.6B.
        ("opt-175b", 175e9, 1, True),
        # NVIDIA 2024, 'Nemotron-4 340B Technical Report' Table 1: 9.4B embedding + 331.6B
        # non-embedding = 341.0B (GQA with 8 KV heads of 192, squared ReLU 4·d, untied).
        ("nemotron-4-340b", 341.0e9, 2, False),
        # openai-community/gpt2 model card: 124M (12 layers of 768, learned positions, tied).
        ("gpt-2-124m", 124e6, 1, True),
        # Black et al. 2022, 'GPT-NeoX-20B', arXiv:2204.06745: 20,554,567,680 (untied).
        ("gpt-neox-20b", 20.5546e9, 2, False),
    ],
)
def test_params_of_added_architectures_within_half_a_percent(
        preset_id: str, published: float, embedding_matrices: int, positions: bool) -> None:
    p = resolve_model(preset_id)
    arch = Architecture(layers=p.layers, d_model=p.d_model, heads=p.heads, seq_len=p.context,
                        vocab=p.vocab, d_ff=p.d_ff, kv_heads=p.kv_heads, head_dim=p.head_dim,
                        gated_ffn=p.gated_ffn)
    count = arch.param_count(embedding_matrices) + (p.context * p.d_model if positions else 0)
    assert count == pytest.approx(published, rel=0.005)
    assert p.params == pytest.approx(published, rel=0.005)


def test_nemotron_4_340b_by_hand() -> None:
    # Per layer: Q and O 2·18432², K and V 2·18432·8·192, MLP 2·18432·73728 (not gated);
    # 96 layers = 331.58B, Table 1's 331.6B non-embedding; embeddings 2·256,000·18432 = 9.44B.
    per_layer = 2 * 18432**2 + 2 * 18432 * 8 * 192 + 2 * 18432 * 73728
    assert 96 * per_layer == pytest.approx(331.6e9, rel=0.0005)
    assert 2 * 256000 * 18432 == pytest.approx(9.4e9, rel=0.005)


@pytest.mark.parametrize(("preset_id", "layers", "d", "d_ff"), [
    ("llama-3.1-8b", 32, 4096, 14336),
    ("llama-3.1-70b", 80, 8192, 28672),
    ("llama-3.1-405b", 126, 16384, 53248),
])
def test_llama_3_1_params_are_the_released_weights(preset_id: str, layers: int, d: int,
                                                   d_ff: int) -> None:
    # Llama Team 2024 Table 3 shapes: 8 KV heads of 128, SwiGLU, vocabulary 128,256, untied
    # embeddings, two RMSNorm vectors per layer plus the final one. The Hugging Face model
    # pages print 8.03B, 70.6B and 406B.
    per_layer = 2 * d * d + 2 * d * 8 * 128 + 3 * d * d_ff + 2 * d
    exact = layers * per_layer + d + 2 * 128256 * d
    assert resolve_model(preset_id).params == exact
    printed = {"llama-3.1-8b": 8.03e9, "llama-3.1-70b": 70.6e9, "llama-3.1-405b": 406e9}
    assert exact == pytest.approx(printed[preset_id], rel=0.002)


@pytest.mark.parametrize(("preset_id", "layers", "d", "kv_heads", "d_ff"), [
    ("llama-2-7b", 32, 4096, 32, 11008),
    ("llama-2-13b", 40, 5120, 40, 13824),
    ("llama-2-70b", 80, 8192, 8, 28672),
])
def test_llama_2_params_are_the_released_weights(preset_id: str, layers: int, d: int,
                                                 kv_heads: int, d_ff: int) -> None:
    # Heads of 128, SwiGLU, vocabulary 32,000, untied embeddings, two RMSNorm vectors per
    # layer plus the final one. Table 1 of the paper prints the nominal 7B, 13B and 70B;
    # the released checkpoints (Hugging Face model pages) hold 6.74B, 13.0B and 69.0B.
    per_layer = 2 * d * d + 2 * d * kv_heads * 128 + 3 * d * d_ff + 2 * d
    exact = layers * per_layer + d + 2 * 32000 * d
    assert resolve_model(preset_id).params == exact
    printed = {"llama-2-7b": 6.74e9, "llama-2-13b": 13.0e9, "llama-2-70b": 69.0e9}
    assert exact == pytest.approx(printed[preset_id], rel=0.002)


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


@pytest.mark.parametrize(("given", "expected"), [
    ("gpt2", "gpt-2-124m"),            # Hugging Face's openai-community/gpt2
    ("GPT2", "gpt-2-124m"),
    ("gpt2-small", "gpt-2-124m"),
    ("GPT-2", "gpt-2-1.5b"),           # the paper's name: its headline 1.5B model
    ("gpt 2", "gpt-2-1.5b"),
    ("GPT-2 1.5B", "gpt-2-1.5b"),
    ("gpt2-xl", "gpt-2-1.5b"),
])
def test_gpt2_spellings(given: str, expected: str) -> None:
    assert resolve_model(given).id == expected


def test_gpt2_spellings_carry_a_note_and_other_names_do_not() -> None:
    from flopcast.catalog.models import name_assumptions

    (small,) = name_assumptions("gpt2")
    assert small.value.startswith("gpt-2-124m") and "gpt2-xl" in small.source
    (large,) = name_assumptions("GPT-2")
    assert large.value.startswith("gpt-2-1.5b") and "124M" in large.source
    assert name_assumptions("gpt2-xl") == name_assumptions("gpt-3") == []
    assert resolve_model("gpt2").params == 124e6


def test_a_spelling_may_not_be_taken_twice_or_be_an_alias() -> None:
    spelled = _ONE.format(id="a", name="A", aliases="[]").replace(
        "params = 1e9", 'params = 1e9\nspellings = [{ spelling = "x1", note = "n" }]')
    twice = spelled + spelled.replace('id = "a"', 'id = "b"').replace('"A"', '"B"')
    with pytest.raises(ValueError, match="spelling 'x1' already belongs"):
        load_catalog(twice)
    alias = spelled + _ONE.format(id="b", name="B", aliases='["x-1"]')
    with pytest.raises(ValueError, match="also the alias"):
        load_catalog(alias)


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
     ("llama-4-maverick", "llama-4-maverick"), ("mixtral-8x22b", "mixtral-8x22b"),
     ("qwen3-235b-a22b", "qwen3-235b-a22b"), ("kimi-k2", "kimi-k2"),
     ("gpt-oss-20b", "gpt-oss-20b")],
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
