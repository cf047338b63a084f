"""The architecture in a Hugging Face `config.json`: its parameters, active parameters and
KV cache per token (`ConfigArchitecture`, made by `parse_config`).

Field names follow each architecture's configuration class in transformers
(`configuration_<model_type>.py`): e.g. `num_local_experts` (Mixtral, gpt-oss, Llama 4),
`num_experts` + `moe_intermediate_size` (Qwen MoE), `n_routed_experts`, `n_shared_experts`,
`first_k_dense_replace`, `kv_lora_rank`, `qk_rope_head_dim` (DeepSeek-V2/V3), `layer_types`,
`sliding_window`, `sliding_window_pattern` (Gemma), `n_layer`/`n_embd` (GPT-2). A field the
config omits takes the configuration class's default only where the class defines one
(listed in `defaults_used`); a field without a class default is an error naming it. An
unknown `model_type` is an error listing the supported ones. Nothing is guessed.

Parameter count (weights of the matmuls and embeddings, two norm scales per layer and a
final one; biases, Q/K norms and MLA's latent norms are left out, < 0.1 % for the
architectures here; Llama 3.1 8B comes out at exactly the 8,030,261,248 weights released):

- attention, per layer: d·H·d_h (Q) + 2·d·H_kv·d_h (K, V) + H·d_h·d (output);
  multi-head latent attention (DeepSeek-V2 §2.1.2): d·r_q + r_q·H·(d_nope + d_rope) for Q
  (or d·H·(d_nope + d_rope) without q_lora_rank), d·(r_kv + d_rope) + r_kv·H·(d_nope + d_v)
  for the compressed K/V, H·d_v·d for the output;
- feed-forward: 3·d·d_ff gated (SwiGLU/GeGLU), else 2·d·d_ff; a mixture-of-experts layer
  has E routed experts of width d_ff_e, a router d·E and shared experts (total width d_ff_s);
- embeddings: V·d, twice when input and output are untied, plus learned positions (GPT-2).

Active parameters per token = the weights whose matmuls run for a token: attention, the
top-k routed experts, shared experts, routers and the output projection (unembedding).
The input embedding is a table lookup, not a matmul, so it is not active (the convention
of the gpt-oss model card and of DeepSeek-V3, whose 37B includes the 0.9B output head but
not the embedding); Mixtral's published 12.9B counts the input table too (+V·d).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from flopcast.numbers.errors import InvalidInputError
from flopcast.numbers.limits import MAX_CONTEXT, MAX_LAYERS

__all__ = ["SUPPORTED_MODEL_TYPES", "Attention", "ConfigArchitecture", "parse_config"]

_LLAMA_LIKE = ("llama", "mistral", "mixtral", "qwen2", "qwen2_moe", "qwen3", "qwen3_moe",
               "gemma2", "gemma3_text", "phi3", "olmo2", "deepseek_v2", "deepseek_v3",
               "llama4_text", "gpt_oss")
#: model_type → tie_word_embeddings default of its configuration class.
_TIED_DEFAULT = {
    "llama": False, "mistral": False, "mixtral": False, "qwen2": False, "qwen2_moe": False,
    "qwen3": False, "qwen3_moe": False, "gemma2": True, "gemma3_text": True, "phi3": False,
    "olmo2": False, "deepseek_v2": False, "deepseek_v3": False, "llama4_text": False,
    "gpt_oss": False, "gpt2": True, "gpt_neox": False, "falcon": True,
}
#: Multimodal wrappers whose language model sits in `text_config`.
_WRAPPERS = {"gemma3": "gemma3_text", "llama4": "llama4_text"}
SUPPORTED_MODEL_TYPES = tuple(sorted({*_TIED_DEFAULT, *_WRAPPERS}))

Attention = Literal["mha", "gqa", "mqa", "mla"]

#: Largest value any other integer field may take (widths, heads, vocabulary, context).
_MAX_FIELD = MAX_CONTEXT


class ConfigArchitecture(BaseModel):
    """A decoder-only transformer as its config.json describes it (symbols of the papers)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    model_type: str
    layers: int = Field(description="Transformer blocks (num_hidden_layers).")
    d_model: int = Field(description="Hidden size.")
    heads: int = Field(description="Query heads.")
    kv_heads: int = Field(description="Key/value heads (= heads for MLA, whose cache is a latent).")
    head_dim: int = Field(description="Query/key width per head (d_nope + d_rope for MLA).")
    v_head_dim: int = Field(description="Value width per head.")
    d_ff: int = Field(description="FFN width of the dense layers (0 if every layer is MoE).")
    gated_ffn: bool
    vocab: int
    tied_embeddings: bool
    context: int = Field(description="max_position_embeddings (or n_positions).")
    learned_positions: int = Field(default=0, description="Rows of a learned position table.")
    attention: Attention
    q_lora_rank: int = 0
    kv_lora_rank: int = 0
    qk_rope_head_dim: int = 0
    sliding_window: int = Field(default=0, description="Window (or chunk) of the local layers.")
    local_layers: int = Field(default=0, description="Layers attending within the window.")
    experts: int = Field(default=0, description="Routed experts per MoE layer (0: dense).")
    experts_per_token: int = 0
    expert_d_ff: int = 0
    shared_d_ff: int = Field(default=0, description="Width of the shared experts together.")
    shared_gate: bool = Field(default=False, description="A d×1 gate on the shared expert.")
    moe_layers: int = 0
    mtp_layers: int = Field(default=0, description="Multi-token-prediction modules (not counted).")
    text_only: bool = Field(default=False, description="A multimodal config's language model.")
    defaults_used: tuple[str, ...] = ()

    # ---------------------------------------------------------------- parameters

    @property
    def ffn_matrices(self) -> int:
        return 3 if self.gated_ffn else 2

    @property
    def attention_params(self) -> int:
        """Weights of one layer's attention."""
        d, h = self.d_model, self.heads
        if self.attention == "mla":
            qk = self.head_dim  # d_nope + d_rope
            q = (d * self.q_lora_rank + self.q_lora_rank * h * qk) if self.q_lora_rank \
                else d * h * qk
            d_nope = qk - self.qk_rope_head_dim
            kv = d * (self.kv_lora_rank + self.qk_rope_head_dim) \
                + self.kv_lora_rank * h * (d_nope + self.v_head_dim)
            return q + kv + h * self.v_head_dim * d
        return d * h * self.head_dim + 2 * d * self.kv_heads * self.head_dim \
            + h * self.v_head_dim * d

    @property
    def expert_params(self) -> int:
        """Weights of one routed expert."""
        return self.ffn_matrices * self.d_model * self.expert_d_ff

    @property
    def moe_layer_params(self) -> int:
        """Feed-forward weights of one MoE layer: experts, shared experts, router, gate."""
        return (self.experts * self.expert_params
                + self.ffn_matrices * self.d_model * self.shared_d_ff
                + self.d_model * self.experts + (self.d_model if self.shared_gate else 0))

    @property
    def embedding_params(self) -> int:
        tables = 1 if self.tied_embeddings else 2
        return tables * self.vocab * self.d_model + self.learned_positions * self.d_model

    @property
    def norm_params(self) -> int:
        """Norm scales: two per layer and a final one (d each); biases are not counted."""
        return (2 * self.layers + 1) * self.d_model

    @property
    def total_params(self) -> int:
        """All weights: embeddings, attention, dense and MoE feed-forward, norm scales (MTP
        modules excluded)."""
        dense_layers = self.layers - self.moe_layers
        return (self.embedding_params + self.norm_params + self.layers * self.attention_params
                + dense_layers * self.ffn_matrices * self.d_model * self.d_ff
                + self.moe_layers * self.moe_layer_params)

    @property
    def active_params(self) -> int:
        """Weights whose matmuls run per token (see the module docstring)."""
        idle = self.moe_layers * (self.experts - self.experts_per_token) * self.expert_params
        lookup = self.learned_positions * self.d_model
        if not self.tied_embeddings:
            lookup += self.vocab * self.d_model
        return self.total_params - idle - lookup

    @property
    def is_moe(self) -> bool:
        return self.moe_layers > 0

    # ---------------------------------------------------------------- KV cache

    @property
    def kv_values_per_token_layer(self) -> int:
        """Values cached per token and layer: 2·H_kv·d_h, or r_kv + d_rope for MLA."""
        if self.attention == "mla":
            return self.kv_lora_rank + self.qk_rope_head_dim
        return self.kv_heads * (self.head_dim + self.v_head_dim)


class _Fields:
    """Typed access to a config's fields; missing ones raise, class defaults are recorded."""

    def __init__(self, data: Mapping[str, Any], model_type: str, argument: str) -> None:
        self.data, self.model_type, self.argument = data, model_type, argument
        self.defaults: list[str] = []

    def num(self, *names: str, default: int | None = None, minimum: int = 1) -> int:
        for name in names:
            value = self.data.get(name)
            if value is not None:
                # Bounded so that no config, however strange, makes the count slow or huge.
                top = MAX_LAYERS if "layers" in name or name == "n_layer" else _MAX_FIELD
                if isinstance(value, bool) or not isinstance(value, int) \
                        or not minimum <= value <= top:
                    raise InvalidInputError(
                        self.argument, f"config.json ({self.model_type}): {name} = "
                        f"{str(value)[:40]}; expected an integer from {minimum} to {top:,}")
                return value
        if default is None:
            raise InvalidInputError(
                self.argument, f"config.json ({self.model_type}) lacks {names[0]!r}, which "
                "the architecture needs")
        self.defaults.append(f"{names[0]} = {default}")
        return default

    def flag(self, name: str, default: bool) -> bool:
        value = self.data.get(name)
        if value is None:
            return default
        if not isinstance(value, bool):
            raise InvalidInputError(self.argument, f"config.json ({self.model_type}): {name} = "
                                    f"{value!r}; expected true or false")
        return value

    def local_layers(self, layers: int, kinds: tuple[str, ...]) -> int | None:
        """Local layers counted from an explicit `layer_types` list, if the config has one."""
        types = self.data.get("layer_types")
        if types is None:
            return None
        if not isinstance(types, list) or len(types) != layers:
            raise InvalidInputError(self.argument, f"config.json ({self.model_type}): "
                                    f"layer_types must list {layers} entries")
        return sum(1 for t in types if t in kinds)


def parse_config(data: Mapping[str, Any], argument: str = "model") -> ConfigArchitecture:
    """The architecture a config object describes (see the module docstring).

    Raises:
        InvalidInputError: an unsupported `model_type` (the message lists the supported ones)
            or a field the architecture needs and the config lacks (named).
    """
    model_type = data.get("model_type")
    if not isinstance(model_type, str):
        raise InvalidInputError(argument, "config.json has no model_type; supported: "
                                + ", ".join(SUPPORTED_MODEL_TYPES))
    text_only = False
    if model_type in _WRAPPERS:
        inner = data.get("text_config")
        if isinstance(inner, dict):
            data, text_only = {"model_type": _WRAPPERS[model_type], **inner}, True
            model_type = _WRAPPERS[model_type]
        elif model_type == "llama4":
            raise InvalidInputError(argument, "config.json (llama4) lacks 'text_config'")
        else:
            model_type = _WRAPPERS[model_type]
    if model_type not in _TIED_DEFAULT:
        raise InvalidInputError(argument, f"config.json model_type {model_type!r} is not "
                                f"supported; supported: {', '.join(SUPPORTED_MODEL_TYPES)}")
    f = _Fields(data, model_type, argument)
    shape = _shape(f, data) if model_type in _LLAMA_LIKE else _classic(f, data)
    return ConfigArchitecture(model_type=model_type, text_only=text_only,
                              defaults_used=tuple(f.defaults), **shape)


def _classic(f: _Fields, data: Mapping[str, Any]) -> dict[str, Any]:
    """GPT-2, GPT-NeoX and Falcon: ungated FFN, multi-head (or multi-query) attention."""
    mt = f.model_type
    if mt == "gpt2":
        d, heads = f.num("n_embd"), f.num("n_head")
        layers, context = f.num("n_layer"), f.num("n_positions")
        d_ff = f.num("n_inner", default=4 * d)
        kv, positions = heads, context
    else:
        d = f.num("hidden_size")
        heads = f.num("num_attention_heads", "n_head")
        layers = f.num("num_hidden_layers", "n_layer")
        positions = 0
        if mt == "gpt_neox":
            d_ff, context, kv = f.num("intermediate_size"), f.num("max_position_embeddings"), heads
        else:  # falcon
            d_ff = f.num("ffn_hidden_size", default=4 * d)
            context = f.num("max_position_embeddings", default=2048)
            if f.flag("new_decoder_architecture", False):
                kv = f.num("num_kv_heads", "n_head_kv")
            elif f.flag("multi_query", True):
                kv = 1
            else:
                kv = heads
    if d % heads:
        raise InvalidInputError(f.argument, f"config.json ({mt}): hidden size {d} is not a "
                                f"multiple of {heads} heads")
    hd = d // heads
    return dict(layers=layers, d_model=d, heads=heads, kv_heads=kv, head_dim=hd, v_head_dim=hd,
                d_ff=d_ff, gated_ffn=False, vocab=f.num("vocab_size"),
                tied_embeddings=f.flag("tie_word_embeddings", _TIED_DEFAULT[mt]),
                context=context, learned_positions=positions, attention=_kind(heads, kv))


def _kind(heads: int, kv: int) -> Attention:
    return "mha" if kv == heads else ("mqa" if kv == 1 else "gqa")


def _shape(f: _Fields, data: Mapping[str, Any]) -> dict[str, Any]:
    """Llama-like decoders: gated FFN, GQA or MLA, sliding windows, experts."""
    mt = f.model_type
    layers, d = f.num("num_hidden_layers"), f.num("hidden_size")
    heads = f.num("num_attention_heads")
    out: dict[str, Any] = dict(layers=layers, d_model=d, heads=heads, gated_ffn=True,
                               vocab=f.num("vocab_size"),
                               context=f.num("max_position_embeddings"),
                               tied_embeddings=f.flag("tie_word_embeddings", _TIED_DEFAULT[mt]))
    if mt.startswith("deepseek"):
        rope, nope = f.num("qk_rope_head_dim"), f.num("qk_nope_head_dim")
        out.update(attention="mla", kv_heads=heads, head_dim=rope + nope,
                   v_head_dim=f.num("v_head_dim"), kv_lora_rank=f.num("kv_lora_rank"),
                   qk_rope_head_dim=rope, q_lora_rank=f.num("q_lora_rank", default=0, minimum=0),
                   mtp_layers=f.num("num_nextn_predict_layers", default=0, minimum=0))
    else:
        kv = f.num("num_key_value_heads", default=heads)
        if d % heads and data.get("head_dim") is None:
            raise InvalidInputError(f.argument, f"config.json ({mt}) lacks 'head_dim' and "
                                    f"hidden_size {d} is not a multiple of {heads} heads")
        hd = f.num("head_dim", default=d // heads)
        out.update(attention=_kind(heads, kv), kv_heads=kv, head_dim=hd, v_head_dim=hd)
    out.update(_windows(f, data, layers))
    out.update(_experts(f, data, layers, d))
    return out


def _windows(f: _Fields, data: Mapping[str, Any], layers: int) -> dict[str, int]:
    """Sliding-window (or chunked) layers and their window, per the configuration class."""
    mt = f.model_type
    if mt == "llama4_text":
        chunk = data.get("attention_chunk_size")
        if not chunk:
            return {}
        nope = data.get("no_rope_layers")
        # Llama4TextConfig: layers with RoPE use chunked attention; by default every 4th
        # layer has no RoPE (global attention).
        local = sum(1 for x in nope if x) if isinstance(nope, list) and len(nope) == layers \
            else layers - layers // 4
        return {"sliding_window": f.num("attention_chunk_size"), "local_layers": local}
    if not data.get("sliding_window") or mt in ("llama", "olmo2", "deepseek_v2", "deepseek_v3"):
        return {}
    window = f.num("sliding_window")
    listed = f.local_layers(layers, ("sliding_attention",))
    if listed is not None:
        local = listed
    else:
        if mt in ("qwen2", "qwen2_moe", "qwen3", "qwen3_moe"):
            if not f.flag("use_sliding_window", False):
                return {}
            # Qwen2Config: layers from max_window_layers on use the window.
            local = max(0, layers - f.num("max_window_layers", default=layers, minimum=0))
        elif mt in ("gemma2", "gpt_oss"):
            local = (layers + 1) // 2  # every other layer, the first one local
        elif mt == "gemma3_text":
            pattern = f.num("sliding_window_pattern", default=6)
            local = layers - layers // pattern  # one global layer in each `pattern`
        else:  # mistral, mixtral, phi3: every layer
            local = layers
    if window >= data.get("max_position_embeddings", 0):
        return {}
    return {"sliding_window": window, "local_layers": local}


def _experts(f: _Fields, data: Mapping[str, Any], layers: int, d: int) -> dict[str, Any]:
    """Mixture-of-experts fields, per the configuration class of each model_type."""
    mt = f.model_type
    if mt in ("mixtral", "gpt_oss"):
        e_ff = f.num("intermediate_size")
        return dict(experts=f.num("num_local_experts"), experts_per_token=f.num(
            "num_experts_per_tok", "experts_per_token"), expert_d_ff=e_ff, moe_layers=layers,
            d_ff=0)
    if mt in ("qwen2_moe", "qwen3_moe"):
        step = f.num("decoder_sparse_step", default=1)
        listed_dense = data.get("mlp_only_layers") or []
        only = {i for i in listed_dense if isinstance(i, int)} \
            if isinstance(listed_dense, list) else set()
        moe = sum(1 for i in range(layers) if i not in only and (i + 1) % step == 0)
        return dict(experts=f.num("num_experts"), experts_per_token=f.num("num_experts_per_tok"),
                    expert_d_ff=f.num("moe_intermediate_size"), moe_layers=moe,
                    d_ff=f.num("intermediate_size") if moe < layers else 0,
                    shared_d_ff=f.num("shared_expert_intermediate_size") if mt == "qwen2_moe"
                    else 0, shared_gate=mt == "qwen2_moe")
    if mt.startswith("deepseek") and data.get("n_routed_experts"):
        first, freq = f.num("first_k_dense_replace", default=0, minimum=0), \
            f.num("moe_layer_freq", default=1)
        moe = sum(1 for i in range(layers) if i >= first and i % freq == 0)
        e_ff = f.num("moe_intermediate_size")
        return dict(experts=f.num("n_routed_experts"),
                    experts_per_token=f.num("num_experts_per_tok"), expert_d_ff=e_ff,
                    shared_d_ff=f.num("n_shared_experts", default=0, minimum=0) * e_ff,
                    moe_layers=moe, d_ff=f.num("intermediate_size"))
    if mt == "llama4_text":
        listed = data.get("moe_layers")
        if isinstance(listed, list):
            moe = len(listed)
        else:
            step = f.num("interleave_moe_layer_step", default=1)
            moe = sum(1 for i in range(layers) if (i + 1) % step == 0)
        e_ff = f.num("intermediate_size")
        return dict(experts=f.num("num_local_experts"),
                    experts_per_token=f.num("num_experts_per_tok", default=1), expert_d_ff=e_ff,
                    shared_d_ff=e_ff, moe_layers=moe,
                    d_ff=f.num("intermediate_size_mlp") if moe < layers else 0)
    return {"d_ff": f.num("intermediate_size")}
