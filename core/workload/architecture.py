"""The shape of a dense decoder-only transformer and the parameter count it implies.

`Architecture` holds the symbols the FLOP-counting papers use (n_layer, d_model, heads,
n_ctx, V, d_ff, d_attn) and derives the per-head width Q, the query and key/value widths
(grouped-query attention), and the matmul weights N = L · layer_params + e · V · d_model, e
the number of embedding matrices (Kaplan et al. 2020, "Scaling Laws for Neural Language
Models", arXiv:2001.08361, Table 1, with the gated FFN and grouped-query variants). The
defaults for fields left empty are named with their sources: d_ff = 4 · d_model (Brown et
al. 2020 §2.1; Hoffmann et al. 2022 Table 4), head_dim = d_model / heads and one key/value
head per query head (Vaswani et al. 2017 §3.2.2). `flopcast.workload.flops` counts the training
FLOPs of this shape.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, model_validator

from flopcast.numbers.results import Assumption

__all__ = ["Architecture"]


class Architecture(BaseModel):
    """Shape of a dense decoder-only transformer (the symbols of the papers).

    `layers` = n_layer = L = l; `d_model` = h; `seq_len` = n_ctx = s = T;
    `vocab` = V; `head_dim` = Q (key/value size); d_attn = heads · head_dim.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    layers: int = Field(gt=0, description="Transformer blocks (n_layer, L).")
    d_model: int = Field(gt=0, description="Residual-stream width (h).")
    heads: int = Field(gt=0, description="Attention (query) heads (H).")
    seq_len: int = Field(gt=0, description="Training sequence length in tokens (n_ctx, s, T).")
    vocab: int = Field(gt=0, description="Vocabulary size (V).")
    d_ff: int | None = Field(default=None, gt=0, description="FFN width; default 4·d_model.")
    kv_heads: int | None = Field(default=None, gt=0, description="Key/value heads; default heads.")
    head_dim: int | None = Field(default=None, gt=0, description="Head width; d_model/heads.")
    gated_ffn: bool = Field(default=False, description="SwiGLU-style FFN: 3 matrices, not 2.")
    sliding_window: int | None = Field(
        default=None, gt=0, description="Window (tokens) of the local-attention layers.")
    local_layers: int = Field(
        default=0, ge=0, description="Layers that attend within `sliding_window` only.")

    @model_validator(mode="after")
    def _head_dim_defined(self) -> Architecture:
        if self.head_dim is None and self.d_model % self.heads:
            raise ValueError(
                f"d_model {self.d_model} is not a multiple of heads {self.heads}; give head_dim"
            )
        if self.local_layers > self.layers:
            raise ValueError(f"local_layers {self.local_layers} exceeds layers {self.layers}")
        if self.local_layers and self.sliding_window is None:
            raise ValueError("local_layers needs sliding_window")
        return self

    @property
    def windowed(self) -> bool:
        """Some layers attend within a window shorter than the sequence."""
        return bool(self.local_layers and self.sliding_window
                    and self.sliding_window < self.seq_len)

    def attended_context(self, causal: bool) -> float:
        """Keys one query attends to, averaged over positions and layers: the n_ctx of the
        papers' attention terms.

        A global layer: n_ctx = s as the papers count it (the whole s × s score matrix), s/2
        when causal. A local layer with window w < s (Beltagy et al. 2020, Longformer, §3.1:
        each token attends to w tokens; Gemma 2 and Mistral use it causally): w, and when
        causal the mean over positions i = 1..s of min(i, w), w − w²/(2s) in the continuous
        form that gives s/2 at w = s. Layers mix by count (Gemma 2: every other layer local).
        """
        s = self.seq_len
        full = s / 2 if causal else float(s)
        if not self.windowed:
            return full
        w = float(self.sliding_window or s)
        local = w - w * w / (2 * s) if causal else w
        return ((self.layers - self.local_layers) * full + self.local_layers * local) / self.layers

    @property
    def q(self) -> int:
        """Per-head width Q (key/value size)."""
        return self.head_dim if self.head_dim is not None else self.d_model // self.heads

    @property
    def d_attn(self) -> int:
        """Width of all query heads together, H · Q."""
        return self.heads * self.q

    @property
    def d_kv(self) -> int:
        """Width of all key (or value) heads together."""
        return (self.kv_heads if self.kv_heads is not None else self.heads) * self.q

    @property
    def ffw(self) -> int:
        """Feed-forward inner width (4·d_model when not given)."""
        return self.d_ff if self.d_ff is not None else 4 * self.d_model

    @property
    def ffn_matrices(self) -> int:
        """d_model × d_ff matrices per feed-forward block: 3 if gated, else 2."""
        return 3 if self.gated_ffn else 2

    @property
    def layer_params(self) -> int:
        """Matmul weights of one block: Q, K, V, output projection and feed-forward."""
        attention = self.d_model * (self.d_attn + 2 * self.d_kv) + self.d_attn * self.d_model
        return attention + self.ffn_matrices * self.d_model * self.ffw

    def param_count(self, embedding_matrices: int = 1) -> int:
        """Weights of the matmuls: L · layer_params + embedding_matrices · V · d_model.

        Biases, norms and position embeddings are left out (about 0.01–0.5 %
        for the presets). `embedding_matrices` is 1 when input and output
        embeddings are tied (GPT-3, PaLM), 2 when untied (LLaMA).
        """
        return self.layers * self.layer_params + embedding_matrices * self.vocab * self.d_model

    def defaults_used(self) -> list[Assumption]:
        """Assumptions for the fields left empty."""
        out = []
        if self.d_ff is None:
            out.append(Assumption(name="d_ff", value=f"4 · d_model = {4 * self.d_model}",
                                  source="GPT-3 §2.1, Chinchilla Table 4: d_ff = 4 × d_model"))
        if self.head_dim is None:
            out.append(Assumption(name="head_dim", value=f"d_model / heads = {self.q}",
                                  source="multi-head attention (Vaswani et al. 2017 §3.2.2)"))
        if self.kv_heads is None:
            out.append(Assumption(name="kv_heads", value=f"heads = {self.heads}",
                                  source="multi-head attention: one key/value head per query head"))
        return out
