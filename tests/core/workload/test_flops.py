"""Training FLOPs methods against published tables and hand calculations."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from flopcast.numbers.errors import InvalidInputError
from flopcast.training.estimate import estimate_training
from flopcast.workload.flops import METHODS, Architecture, training_flops

PF_DAY = 1e15 * 86400  # GPT-3 Table D.1 caption: 8.64e19 FLOPs per petaflop/s-day

# Brown et al. 2020 (arXiv:2005.14165), Table D.1: params (printed in millions) and
# total train compute (PF-days); every size trained on 300B tokens (Table 2.1 caption).
GPT3_TABLE_D1 = [
    ("GPT-3 Small", 125e6, 2.60),
    ("GPT-3 Medium", 356e6, 7.42),
    ("GPT-3 Large", 760e6, 15.8),
    ("GPT-3 XL", 1320e6, 27.5),
    ("GPT-3 2.7B", 2650e6, 55.2),
    ("GPT-3 6.7B", 6660e6, 139),
    ("GPT-3 13B", 12850e6, 268),
    ("GPT-3 175B", 174600e6, 3640),
]

GPT3_175B = Architecture(layers=96, d_model=12288, heads=96, seq_len=2048, vocab=50257)


@pytest.mark.parametrize(("name", "params", "pf_days"), GPT3_TABLE_D1)
def test_6nd_reproduces_gpt3_table_d1(name: str, params: float, pf_days: float) -> None:
    est = training_flops(params=params, tokens=300e9)
    assert est.flops / PF_DAY == pytest.approx(pf_days, rel=0.01), name


def test_6nd_gpt3_175b_by_hand() -> None:
    # 6 × 175e9 × 300e9 = 3.15e23; with Table D.1's 174.6e9: 3.1428e23, printed 3.14E+23.
    assert training_flops(params=175e9, tokens=300e9).flops == pytest.approx(3.15e23)
    assert training_flops(params=174.6e9, tokens=300e9).flops == pytest.approx(3.1428e23)
    assert round(training_flops(params=174.6e9, tokens=300e9).flops / 1e21) == 314


def test_full_recompute_is_8nd_hardware_flops() -> None:
    # Narayanan et al. 2021 Eq. (4): 8·T·P with recomputation; model FLOPs stay 6·N·D.
    est = training_flops(params=175e9, tokens=300e9, recompute="full")
    assert est.flops == pytest.approx(6 * 175e9 * 300e9)
    assert est.hardware_flops == pytest.approx(8 * 175e9 * 300e9)


def test_selective_recompute_without_architecture_raises() -> None:
    with pytest.raises(InvalidInputError) as e:
        training_flops(params=175e9, tokens=300e9, recompute="selective")
    assert e.value.argument == "recompute"


def test_selective_recompute_is_korthikanti_eq8() -> None:
    # Korthikanti et al. 2022 Eq. (8) minus Eq. (7): 72·B·s·l·h²·(s/3h − s/6h) per
    # iteration = 12·s·h·l per token = 12 × 2048 × 12288 × 96.
    est = training_flops(params=175e9, tokens=300e9, recompute="selective", arch=GPT3_175B)
    assert est.flops == pytest.approx(6 * 175e9 * 300e9)
    assert est.hardware_flops_per_token - est.flops_per_token == pytest.approx(
        12 * 2048 * 12288 * 96
    )


# Korthikanti et al. 2022 (arXiv:2205.05198) Table 3 shapes and Table 5 utilizations with
# sequence parallelism + selective recomputation: (heads, h, layers, MFU %, HFU %);
# s = 2048, V = 51,200 for all.
KORTHIKANTI_TABLE_5 = [
    (64, 6144, 48, 41.5, 43.7),
    (96, 12288, 96, 51.4, 52.8),
    (128, 20480, 105, 56.0, 57.0),
    (160, 25600, 128, 56.3, 57.0),
]


@pytest.mark.parametrize(("heads", "h", "layers", "mfu", "hfu"), KORTHIKANTI_TABLE_5)
def test_selective_recompute_reproduces_korthikanti_table_5(heads: int, h: int, layers: int,
                                                             mfu: float, hfu: float) -> None:
    # Same step time, so HFU / MFU = hardware FLOPs / model FLOPs; both printed to 0.1 %.
    arch = Architecture(layers=layers, d_model=h, heads=heads, seq_len=2048, vocab=51200)
    est = training_flops(params=1e9, tokens=1e9, method="megatron", recompute="selective",
                         arch=arch)
    ratio = est.hardware_flops / est.flops
    assert (hfu - 0.05) / (mfu + 0.05) <= ratio <= (hfu + 0.05) / (mfu - 0.05)


@pytest.mark.parametrize("method", ["kaplan", "chinchilla", "megatron", "palm"])
def test_detailed_methods_need_architecture(method: str) -> None:
    with pytest.raises(InvalidInputError) as e:
        training_flops(params=1e9, tokens=1e9, method=method)  # type: ignore[arg-type]
    assert e.value.argument == "method"
    assert "seq_len" in str(e.value)


@pytest.mark.parametrize("method", ["kaplan", "chinchilla", "megatron", "palm"])
def test_detailed_methods_within_ten_percent_of_6nd_for_gpt3(method: str) -> None:
    # GPT-3 App. D: attention "typically uses less than 10% of the total compute".
    est = training_flops(params=174.6e9, tokens=300e9, method=method, arch=GPT3_175B)  # type: ignore[arg-type]
    assert 1.0 < est.ratio_to_6nd < 1.10


def test_megatron_eq3_with_full_recompute_by_hand() -> None:
    # Narayanan et al. 2021 Eq. (3), per iteration F = 96·B·s·l·h²·(1 + s/6h + V/16lh),
    # for the 145.6B row of Table 1 (l = 80, h = 12288) with V = 51,200, s = 2048,
    # B = 2304 sequences; one iteration = B·s tokens.
    l_, h, s, v, b = 80, 12288, 2048, 51200, 2304
    eq3 = 96 * b * s * l_ * h**2 * (1 + s / (6 * h) + v / (16 * l_ * h))
    arch = Architecture(layers=l_, d_model=h, heads=96, seq_len=s, vocab=v)
    est = training_flops(params=145.6e9, tokens=b * s, method="megatron", recompute="full",
                         arch=arch)
    assert est.hardware_flops == pytest.approx(eq3, rel=1e-12)
    # Model FLOPs without recompute: 72·B·s·l·h²·(1 + s/6h + V/12lh) (Korthikanti App. A).
    assert est.flops == pytest.approx(
        72 * b * s * l_ * h**2 * (1 + s / (6 * h) + v / (12 * l_ * h)), rel=1e-12
    )


# Narayanan et al. 2021 Table 1 rows: (printed model size, heads, h, layers); Eq. (2)
# P = 12·l·h²·(1 + 13/(12h) + (V+s)/(12lh)) with V = 51,200 and s = 2048 (§5.1).
MEGATRON_TABLE_1 = [
    (1.7e9, 24, 2304, 24),
    (3.6e9, 32, 3072, 30),
    (7.5e9, 32, 4096, 36),
    (18.4e9, 48, 6144, 40),
    (39.1e9, 64, 8192, 48),
    (76.1e9, 80, 10240, 60),
    (145.6e9, 96, 12288, 80),
    (310.1e9, 128, 16384, 96),
    (529.6e9, 128, 20480, 105),
    (1008.0e9, 160, 25600, 128),
]


@pytest.mark.parametrize(("size", "heads", "h", "layers"), MEGATRON_TABLE_1)
def test_megatron_eq4_is_eq3_up_to_the_bracket(size: float, heads: int, h: int,
                                               layers: int) -> None:
    # Eq. (4) replaces Eq. (3) by 8·T·P, dropping s/6h and V/16lh against 1 and
    # 13/12h, (V+s)/12lh in P. Both brackets are written here by hand.
    s, v = 2048, 51200
    p_eq2 = 12 * layers * h**2 * (1 + 13 / (12 * h) + (v + s) / (12 * layers * h))
    assert p_eq2 == pytest.approx(size, abs=0.051e9)  # printed to 0.1B
    arch = Architecture(layers=layers, d_model=h, heads=heads, seq_len=s, vocab=v)
    est = training_flops(params=p_eq2, tokens=1e12, method="megatron", recompute="full", arch=arch)
    bracket = (1 + s / (6 * h) + v / (16 * layers * h)) / (
        1 + 13 / (12 * h) + (v + s) / (12 * layers * h)
    )
    assert est.hardware_flops / (8 * 1e12 * p_eq2) == pytest.approx(bracket, rel=1e-9)
    assert 1.0 < bracket < 1.20


# Hoffmann et al. 2022 (arXiv:2203.15556) Appendix F, Table A4: parameters (as printed),
# num_layers, d_model, ffw_size, num_heads, k/q size, FLOP ratio (ours / 6ND).
CHINCHILLA_TABLE_A4 = [
    (73e6, 1e6, 10, 640, 2560, 10, 64, 1.03),
    (305e6, 1e6, 20, 1024, 4096, 16, 64, 1.10),
    (552e6, 1e6, 24, 1280, 5120, 10, 128, 1.08),
    (1.1e9, 0.1e9, 26, 1792, 7168, 14, 128, 1.04),
    (1.6e9, 0.1e9, 28, 2048, 8192, 16, 128, 1.03),
    (6.8e9, 0.1e9, 40, 3584, 14336, 28, 128, 0.99),
]


@pytest.mark.parametrize(
    ("n", "unit", "layers", "d_model", "ffw", "heads", "kq", "ratio"), CHINCHILLA_TABLE_A4
)
def test_chinchilla_table_a4_ratios(n: float, unit: float, layers: int, d_model: int, ffw: int,
                                    heads: int, kq: int, ratio: float) -> None:
    # Per-layer count (embeddings and logits left out, which is what reproduces the
    # table); sequence length 2048 and vocabulary 32,000 (Chinchilla, §4.1/Table A8).
    # N is printed rounded to `unit`, so the ratio is only known within that rounding.
    arch = Architecture(layers=layers, d_model=d_model, heads=heads, seq_len=2048, vocab=32000,
                        d_ff=ffw, head_dim=kq)
    est = training_flops(params=n, tokens=1e9, method="chinchilla", arch=arch,
                         embedding_flops="excluded")
    per_token = est.flops_per_token
    lowest = per_token / (6 * (n + unit / 2))
    highest = per_token / (6 * (n - unit / 2))
    assert lowest - 0.005 <= ratio <= highest + 0.005


def test_chinchilla_by_hand_on_a_tiny_model() -> None:
    # L = 1, d = 4, H = 2 (Q = 2), s = 8, V = 10, d_ff = 16 (Appendix F term by term):
    # embeddings 2·8·10·4 = 640; QKV 2·3·8·4·4 = 768; logits 2·8·8·4 = 512;
    # softmax 3·2·8·8 = 384; softmax@V 512; final linear 2·8·4·4 = 256;
    # dense 2·8·(4·16 + 4·16) = 2048; final logits 640. Forward = 5760 per sequence;
    # training = 3 × 5760 / 8 = 2160 FLOPs per token.
    arch = Architecture(layers=1, d_model=4, heads=2, seq_len=8, vocab=10, d_ff=16)
    est = training_flops(params=1.0, tokens=8, method="chinchilla", arch=arch)
    assert est.flops_per_token == pytest.approx(2160)
    assert est.flops == pytest.approx(2160 * 8)


def test_kaplan_by_hand() -> None:
    # Kaplan et al. 2020 Table 1 for GPT-3 175B shapes: N = 2·d·L·(2·d_attn + d_ff)
    # = 12 · 96 · 12288² = 1.7395e11; C_forward = 2N + 2·96·2048·12288; training = 3×.
    n = 12 * 96 * 12288**2
    fwd = 2 * n + 2 * 96 * 2048 * 12288
    est = training_flops(params=175e9, tokens=1.0, method="kaplan", arch=GPT3_175B)
    assert est.flops_per_token == pytest.approx(3 * fwd)


@pytest.mark.parametrize(
    ("n", "layers", "heads", "q", "mfu_with", "mfu_without"),
    [
        # Chowdhery et al. 2022 §4.1 / Table 3: PaLM 540B 46.2% MFU, 45.7% without
        # self-attention (L 118, H 48, Q 256, Table 1); MT-NLG 530B 30.2% vs 29.7%
        # (105 layers, 128 heads of 160). T = 2048 for both.
        (540.35e9, 118, 48, 256, 46.2, 45.7),
        (530e9, 105, 128, 160, 30.2, 29.7),
    ],
)
def test_palm_attention_term_matches_palm_mfu_pairs(n: float, layers: int, heads: int, q: int,
                                                     mfu_with: float, mfu_without: float) -> None:
    arch = Architecture(layers=layers, d_model=heads * q, heads=heads, seq_len=2048, vocab=1,
                        head_dim=q)
    ratio = training_flops(params=n, tokens=1.0, method="palm", arch=arch).ratio_to_6nd
    # The printed MFUs are rounded to 0.1 percentage point.
    assert (mfu_with - 0.05) / (mfu_without + 0.05) <= ratio <= (mfu_with + 0.05) / (
        mfu_without - 0.05
    )


def test_causal_halves_only_the_attention_terms() -> None:
    full = training_flops(params=175e9, tokens=1.0, method="palm", arch=GPT3_175B)
    causal = training_flops(params=175e9, tokens=1.0, method="palm", arch=GPT3_175B,
                            attention="causal")
    attention_full = 12 * 96 * 96 * 128 * 2048
    assert full.flops_per_token - causal.flops_per_token == pytest.approx(attention_full / 2)


@pytest.mark.parametrize("method", METHODS)
def test_steps_name_the_method_formula(method: str) -> None:
    est = training_flops(params=174.6e9, tokens=300e9, method=method, arch=GPT3_175B)  # type: ignore[arg-type]
    assert est.method == method
    assert est.steps[-1].value == pytest.approx(est.flops)
    assert all("=" in s.text for s in est.steps)


@pytest.mark.parametrize(("params", "tokens"), [(0, 1e9), (1e9, -1), (float("nan"), 1e9),
                                                (float("inf"), 1e9), (True, 1e9)])
def test_bad_numbers_raise(params: float, tokens: float) -> None:
    with pytest.raises(InvalidInputError):
        training_flops(params=params, tokens=tokens)


def test_unknown_method_raises() -> None:
    with pytest.raises(InvalidInputError) as e:
        training_flops(params=1e9, tokens=1e9, method="7nd")  # type: ignore[arg-type]
    assert e.value.argument == "method"


def test_architecture_rejects_indivisible_heads() -> None:
    with pytest.raises(ValueError):
        Architecture(layers=1, d_model=100, heads=7, seq_len=8, vocab=10)


counts = st.floats(min_value=1e3, max_value=1e15, allow_nan=False, allow_infinity=False)


@given(n=counts, d=counts, factor=st.floats(min_value=1.001, max_value=1e3))
def test_flops_monotone_in_params_and_tokens(n: float, d: float, factor: float) -> None:
    for method in ("6nd", "palm"):
        def run(params: float, tokens: float, method: str = method) -> float:
            return training_flops(params=params, tokens=tokens, method=method,  # type: ignore[arg-type]
                                  arch=GPT3_175B).flops

        assert run(n * factor, d) > run(n, d)
        assert run(n, d * factor) > run(n, d)


@given(n=counts, d=counts)
def test_hardware_flops_never_below_model_flops(n: float, d: float) -> None:
    for recompute in ("none", "selective", "full"):
        est = training_flops(params=n, tokens=d, recompute=recompute, arch=GPT3_175B)  # type: ignore[arg-type]
        assert est.hardware_flops >= est.flops


# ---------------------------------------------------------------- sliding-window attention

#: Gemma 2 9B (Gemma Team 2024, arXiv:2408.00118, Table 1 and §2): 42 layers, d_model 3584,
#: 16 heads of 256 (d_attn 4096), 8 KV heads, d_ff 14336 gated, every other layer local with
#: a 4096-token window, 8192-token sequences.
GEMMA2_9B = dict(layers=42, d_model=3584, heads=16, kv_heads=8, head_dim=256, seq_len=8192,
                 vocab=256_128, d_ff=14336, gated_ffn=True)


def test_attended_context_by_hand():
    arch = Architecture(**GEMMA2_9B, sliding_window=4096, local_layers=21)
    # Papers' count: global layers 8192 keys per query, local layers 4096: (21·8192 + 21·4096)/42.
    assert arch.attended_context(causal=False) == 6144
    # Causal: global 8192/2 = 4096; local 4096 − 4096²/(2·8192) = 3072; (21·4096 + 21·3072)/42.
    assert arch.attended_context(causal=True) == 3584
    # A window as long as the sequence changes nothing.
    same = Architecture(**GEMMA2_9B, sliding_window=8192, local_layers=21)
    assert not same.windowed and same.attended_context(causal=True) == 4096


def test_window_shortens_every_methods_attention_term_by_hand():
    windowed = Architecture(**GEMMA2_9B, sliding_window=4096, local_layers=21)
    dense = Architecture(**GEMMA2_9B)
    d_ctx = 6144 - 8192  # attended keys per query, windowed minus full
    L, s, d_attn, H = 42, 8192, 4096, 16

    def per_token(method: str, arch: Architecture) -> float:
        return training_flops(params=9.24e9, tokens=1.0, method=method, arch=arch).flops

    # Kaplan Table 1: context term 2·n_layer·n_ctx·d_attn per forward, 3 passes.
    assert per_token("kaplan", windowed) - per_token("kaplan", dense) == pytest.approx(
        3 * 2 * L * d_ctx * d_attn)
    # Chinchilla App. F: logits 2·s·n_ctx·d_attn, softmax 3·H·s·n_ctx, values 2·s·n_ctx·d_attn
    # per layer and sequence; per token ÷ s; 3 passes.
    assert per_token("chinchilla", windowed) - per_token("chinchilla", dense) == pytest.approx(
        3 * L * (2 * s * d_ctx * d_attn + 3 * H * s * d_ctx + 2 * s * d_ctx * d_attn) / s)
    # PaLM App. B: 12·L·H·Q·T with T the attended context.
    assert per_token("palm", windowed) - per_token("palm", dense) == pytest.approx(
        12 * L * H * 256 * d_ctx)
    # Megatron Eq. 3 (model FLOPs, Korthikanti Eq. 7): 72·l·h²·s/(6h) = 12·l·h·s.
    assert per_token("megatron", windowed) - per_token("megatron", dense) == pytest.approx(
        12 * L * 3584 * d_ctx)


def test_window_step_and_assumption_from_the_preset():
    r = estimate_training(model="gemma-2-9b", method="kaplan")
    step = next(s for s in r.steps if s.name.startswith("attended context"))
    assert step.value == 6144
    assert any(a.name == "sliding window" and "21 of 42" in a.value for a in r.assumptions)


def test_window_arguments_are_checked():
    with pytest.raises(ValueError, match="local_layers 43 exceeds layers 42"):
        Architecture(**GEMMA2_9B, sliding_window=4096, local_layers=43)
    with pytest.raises(ValueError, match="local_layers needs sliding_window"):
        Architecture(**GEMMA2_9B, local_layers=2)
