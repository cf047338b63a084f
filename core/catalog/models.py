"""Model presets: published sizes, training tokens and shapes of well-known LLMs.

The catalog lives in `data/models.toml` (a self-documenting data file: each
figure with the paper, table and date it was read). It is validated strictly at
load: unknown keys, duplicate ids or aliases, and sources naming unknown fields
all fail. Look a preset up with `resolve_model("GPT-3")`; list them with
`list_models()`.

A few names mean different models depending on how they are written (a preset's
`spellings`: "gpt2", Hugging Face's id, is the 124M model; "GPT-2", the paper's name, the
1.5B one). They are matched before the aliases, and `name_assumptions` gives the note a
result shows for them, so the user sees which model was chosen.
"""

from __future__ import annotations

import functools
import re
import tomllib
from collections.abc import Mapping
from importlib import resources
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from flopcast.numbers.errors import InvalidInputError, UnknownModelError, closest_matches, quote
from flopcast.numbers.quantities import Language, format_count, format_flops
from flopcast.numbers.results import Assumption, Result, Source
from flopcast.numbers.validation import tool_function

__all__ = [
    "ListModelsInput",
    "ListModelsResult",
    "ModelEntry",
    "ModelPreset",
    "ModelSource",
    "ModelSpelling",
    "get_model",
    "list_models",
    "load_catalog",
    "model_catalog",
    "name_assumptions",
    "normalize_name",
    "resolve_model",
    "spelled_key",
]

_CATALOG_FILE = "models.toml"

#: Fields a source may say it supports (every figure-bearing field of a preset).
_FIGURE_FIELDS = frozenset(
    {
        "params", "active_params", "tokens", "layers", "d_model", "heads", "kv_heads",
        "head_dim", "d_ff", "gated_ffn", "vocab", "context", "published_flops", "aliases",
        "kv_lora_rank", "qk_rope_head_dim", "sliding_window", "local_layers",
        "experts", "experts_per_token", "shared_d_ff", "moe_layers", "dense_d_ff",
    }
)


class ModelSource(Source):
    """A document supporting some of a preset's figures."""

    fields: list[str] = Field(
        default_factory=list, description="Which preset fields this source supports."
    )


class ModelSpelling(BaseModel):
    """A name whose meaning depends on how it is written ("gpt2" vs "GPT-2"), with the note
    shown to the user when it is used."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    spelling: str = Field(min_length=1, description="The name as written, e.g. 'gpt2'.")
    note: str = Field(min_length=1, description="Which model it means and how to name the other.")


class ModelPreset(BaseModel):
    """One trained model with its published figures (see the header of models.toml)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(description="Unique lower-case id, e.g. 'gpt-3-175b'.")
    name: str = Field(description="Display name, e.g. 'GPT-3 175B'.")
    family: str = Field(description="Model family, e.g. 'gpt-3', 'llama-2'.")
    aliases: list[str] = Field(default_factory=list, description="Other accepted spellings.")
    spellings: list[ModelSpelling] = Field(
        default_factory=list,
        description="Names whose meaning depends on their separators, each with a note.")
    params: float = Field(gt=0, description="Total parameters, as published.")
    active_params: float | None = Field(
        default=None, gt=0, description="Parameters used per token (mixture of experts only)."
    )
    tokens: float | None = Field(
        default=None, gt=0, description="Training tokens, as published; None if not published."
    )
    layers: int = Field(gt=0, description="Transformer blocks (n_layer, L).")
    d_model: int = Field(gt=0, description="Residual-stream width (h).")
    heads: int = Field(gt=0, description="Attention (query) heads.")
    kv_heads: int = Field(gt=0, description="Key/value heads (= heads for multi-head attention).")
    head_dim: int = Field(gt=0, description="Per-head width; d_attn = heads · head_dim.")
    d_ff: int | None = Field(default=None, gt=0, description="Feed-forward inner width.")
    gated_ffn: bool = Field(
        default=False, description="Gated feed-forward (SwiGLU): three d_model×d_ff matrices."
    )
    vocab: int = Field(gt=0, description="Vocabulary size (V).")
    context: int = Field(gt=0, description="Training sequence length in tokens (n_ctx, s).")
    published_flops: float | None = Field(
        default=None, gt=0, description="Total training FLOPs the authors state."
    )
    kv_lora_rank: int | None = Field(
        default=None, gt=0, description="Multi-head latent attention: cached latent width d_c."
    )
    qk_rope_head_dim: int | None = Field(
        default=None, gt=0, description="Multi-head latent attention: cached RoPE key width."
    )
    sliding_window: int | None = Field(
        default=None, gt=0, description="Window (tokens) of the local-attention layers."
    )
    local_layers: int = Field(
        default=0, ge=0, description="Layers that attend within `sliding_window` only."
    )
    experts: int | None = Field(
        default=None, gt=0, description="Mixture of experts: routed experts per MoE layer (E)."
    )
    experts_per_token: int | None = Field(
        default=None, gt=0, description="Mixture of experts: routed experts used per token (k)."
    )
    shared_d_ff: int = Field(
        default=0, ge=0, description="Mixture of experts: width of the shared experts together."
    )
    moe_layers: int | None = Field(
        default=None, ge=0, description="Mixture of experts: layers with an MoE feed-forward."
    )
    dense_d_ff: int | None = Field(
        default=None, gt=0, description="Mixture of experts: FFN width of the dense layers."
    )
    sources: list[ModelSource] = Field(min_length=1, description="Documents for the figures.")
    unverified: list[str] = Field(
        default_factory=list, description="Fields not read in a primary source."
    )
    notes: list[str] = Field(default_factory=list, description="Caveats in plain words.")

    @field_validator("id")
    @classmethod
    def _id_is_lower(cls, value: str) -> str:
        if value != value.lower() or " " in value:
            raise ValueError(f"id {value!r} must be lower case without spaces")
        return value

    @field_validator("unverified")
    @classmethod
    def _unverified_are_fields(cls, value: list[str]) -> list[str]:
        unknown = sorted(set(value) - _FIGURE_FIELDS)
        if unknown:
            raise ValueError(f"unverified names unknown fields {unknown}")
        return value

    @property
    def kv_values_per_token_layer(self) -> int:
        """Values one layer caches per token: 2·n_kv·d_head, or d_c + d_rope with MLA."""
        if self.kv_lora_rank is not None:
            return self.kv_lora_rank + (self.qk_rope_head_dim or 0)
        return 2 * self.kv_heads * self.head_dim

    @property
    def plain_kv_cache(self) -> bool:
        """True when every layer caches 2·n_kv·d_head values for every token of the context."""
        return self.kv_lora_rank is None and not self.local_layers

    @property
    def effective_params(self) -> float:
        """Parameters that do work per token: `active_params` for MoE, else `params`."""
        return self.active_params if self.active_params is not None else self.params

    @property
    def is_moe(self) -> bool:
        """True for a mixture-of-experts model (active parameters published)."""
        return self.active_params is not None


def normalize_name(name: str) -> str:
    """Key used to match ids and aliases: lower case, without spaces, '-' or '_'.

    Dots stay: "gpt-3-1.3b" and "gpt-3-13b" are different models.

    >>> normalize_name("GPT-3 175B")
    'gpt3175b'
    >>> normalize_name("llama_3.1-8b")
    'llama3.18b'
    """
    return re.sub(r"[\s\-_]+", "", name.strip().lower())


def spelled_key(name: str) -> str:
    """Key of a separator-sensitive spelling: lower case, each run of spaces, '-' or '_' one '-'.

    >>> spelled_key("GPT 2"), spelled_key("gpt2"), spelled_key(" GPT__2 ")
    ('gpt-2', 'gpt2', 'gpt-2')
    """
    return re.sub(r"[\s\-_]+", "-", name.strip().lower())


def _check_catalog(presets: list[ModelPreset]) -> None:
    seen_ids: set[str] = set()
    keys: dict[str, str] = {}
    spelled: dict[str, str] = {}
    for p in presets:
        for sp in p.spellings:
            key = spelled_key(sp.spelling)
            if key in spelled:
                raise ValueError(f"{p.id}: spelling {sp.spelling!r} already belongs to "
                                 f"{spelled[key]!r}")
            spelled[key] = p.id
        if p.id in seen_ids:
            raise ValueError(f"duplicate model id {p.id!r}")
        seen_ids.add(p.id)
        for src in p.sources:
            unknown = sorted(set(src.fields) - _FIGURE_FIELDS)
            if unknown:
                raise ValueError(f"{p.id}: a source names unknown fields {unknown}")
        for spelling in (p.id, p.name, *p.aliases):
            key = normalize_name(spelling)
            owner = keys.get(key)
            if owner is not None and owner != p.id:
                raise ValueError(f"{p.id}: name {spelling!r} already belongs to {owner!r}")
            keys[key] = p.id
        if (p.sliding_window is None) != (p.local_layers == 0) or p.local_layers > p.layers:
            raise ValueError(f"{p.id}: sliding_window and local_layers go together "
                             "(0 < local_layers ≤ layers)")
        if p.active_params is not None and p.active_params > p.params:
            raise ValueError(f"{p.id}: active_params exceeds params")
    for key, owner in spelled.items():
        if normalize_name(key) in keys:
            raise ValueError(f"{owner}: spelling {key!r} is also the alias of "
                             f"{keys[normalize_name(key)]!r}; a name is one or the other")


def load_catalog(text: str) -> tuple[ModelPreset, ...]:
    """Parse and validate catalog TOML text (the shipped file or a test's)."""
    data: dict[str, Any] = tomllib.loads(text)
    extra = sorted(set(data) - {"model"})
    if extra:
        raise ValueError(f"unexpected top-level keys {extra}; only [[model]] tables are allowed")
    try:
        presets = [ModelPreset.model_validate(entry) for entry in data.get("model", [])]
    except ValidationError as e:
        raise ValueError(f"invalid model catalog: {e}") from e
    _check_catalog(presets)
    return tuple(presets)


@functools.cache
def model_catalog() -> tuple[ModelPreset, ...]:
    """All presets from the shipped catalog, validated (cached after the first call)."""
    text = resources.files("flopcast.catalog").joinpath("data", _CATALOG_FILE).read_text("utf-8")
    return load_catalog(text)


@functools.cache
def _spelled_index() -> dict[str, tuple[ModelPreset, str]]:
    return {spelled_key(sp.spelling): (p, sp.note) for p in model_catalog() for sp in p.spellings}


@functools.cache
def _index() -> dict[str, ModelPreset]:
    index: dict[str, ModelPreset] = {}
    for p in model_catalog():
        for spelling in (p.id, p.name, *p.aliases):
            index[normalize_name(spelling)] = p
    return index


def resolve_model(name: str | Mapping[str, Any], *, argument: str = "model") -> ModelPreset:
    """Find a preset by id or alias, ignoring case, spaces, hyphens and underscores.

    A Hugging Face config (a path to a config.json or its folder, the JSON text, or a
    mapping) gives a preset computed from it (`flopcast.catalog.hf_config`).

    Raises:
        InvalidInputError: `name` is not a non-empty string; a config that cannot be read.
        UnknownModelError: no preset matches; `suggestions` holds the closest ids.

    >>> resolve_model("GPT-3").id
    'gpt-3-175b'
    >>> resolve_model("llama2 70b").id
    'llama-2-70b'
    """
    if isinstance(name, Mapping):
        from flopcast.catalog.hf_config import preset_from_config

        return preset_from_config(name, argument=argument)
    if not isinstance(name, str) or not name.strip():
        raise InvalidInputError(argument, "expected a model id or alias such as 'gpt-3-175b'")
    spelled = _spelled_index().get(spelled_key(name))
    if spelled is not None:
        return spelled[0]
    found = _index().get(normalize_name(name))
    if found is not None:
        return found
    from flopcast.catalog.hf_config import is_config_reference, preset_from_config

    if is_config_reference(name):
        return preset_from_config(name, argument=argument)
    ids = [p.id for p in model_catalog()]
    suggestions = closest_matches(name.strip().lower(), ids)
    if not suggestions:
        # Match on the normalized form too ("llama3 8b" vs "llama-3.1-8b").
        by_key = {normalize_name(p.id): p.id for p in model_catalog()}
        suggestions = [by_key[k] for k in closest_matches(normalize_name(name), list(by_key))]
    raise UnknownModelError(argument, name, suggestions)


def name_assumptions(name: object, *, argument: str = "model") -> list[Assumption]:
    """The assumption a separator-sensitive name brings ("gpt2" is the 124M model, "GPT-2" the
    1.5B one), as `resolve_model` reads it; [] for any other name or a config.

    >>> name_assumptions("gpt2")[0].value
    'gpt-2-124m (GPT-2 small (124M))'
    >>> name_assumptions("gpt-3")
    []
    """
    if not isinstance(name, str):
        return []
    spelled = _spelled_index().get(spelled_key(name))
    if spelled is None:
        return []
    preset, note = spelled
    return [Assumption(name=argument, value=f"{preset.id} ({preset.name})", source=note)]


def get_model(name: str) -> ModelPreset:
    """Alias of `resolve_model(name)`."""
    return resolve_model(name)


# ---------------------------------------------------------------- list_models tool


class ListModelsInput(BaseModel):
    """Arguments of the list_models tool."""

    model_config = ConfigDict(extra="forbid")

    family: str | None = Field(
        default=None,
        description=(
            "Only this family, e.g. 'llama-2'."
        ),
    )
    language: Language = Field(
        default="en", description="Answer language."
    )


class ModelEntry(BaseModel):
    """One preset as list_models returns it."""

    model_config = ConfigDict(extra="forbid")

    id: str
    name: str
    family: str
    aliases: list[str]
    params: float = Field(description="Total parameters.")
    active_params: float | None = Field(description="Parameters active per token (MoE).")
    tokens: float | None = Field(description="Training tokens; None if not published.")
    layers: int
    d_model: int
    heads: int
    kv_heads: int
    head_dim: int
    d_ff: int | None
    vocab: int
    context: int
    published_flops: float | None = Field(description="Training FLOPs the authors state.")
    sources: list[ModelSource]
    unverified: list[str]
    notes: list[str]


class ListModelsResult(Result):
    """The presets, with their sources, and a Markdown table in `summary`."""

    entries: list[ModelEntry] = Field(default_factory=list)


def _entry(p: ModelPreset) -> ModelEntry:
    data = p.model_dump(exclude={"gated_ffn", "kv_lora_rank", "qk_rope_head_dim",
                                 "sliding_window", "local_layers", "spellings", "experts",
                                 "experts_per_token", "shared_d_ff", "moe_layers",
                                 "dense_d_ff"})
    return ModelEntry.model_validate(data)


@tool_function(ListModelsInput)
def list_models(args: ListModelsInput) -> ListModelsResult:
    """List the model presets (optionally one family) with their published figures.

    Raises:
        InvalidInputError: unknown `family` (the message lists the families).
    """
    presets = list(model_catalog())
    if args.family is not None:
        key = normalize_name(args.family)
        families = sorted({p.family for p in presets})
        presets = [p for p in presets if normalize_name(p.family) == key]
        if not presets:
            raise InvalidInputError(
                "family", f"unknown family {quote(args.family)}; known: {', '.join(families)}"
            )
    lang = args.language
    if lang == "zh":
        head = "| 模型 | id | 参数 | 训练 token | 公布的训练 FLOPs |\n|---|---|---|---|---|"
        missing = "未公布"
    else:
        head = "| model | id | parameters | training tokens | published training FLOPs |\n" \
               "|---|---|---|---|---|"
        missing = "not published"
    rows = []
    for p in presets:
        size = format_count(p.params, lang)
        if p.active_params is not None:
            active = format_count(p.active_params, lang)
            size += f" ({active} 激活)" if lang == "zh" else f" ({active} active)"
        tokens = format_count(p.tokens, lang) if p.tokens is not None else missing
        flops = format_flops(p.published_flops, lang) if p.published_flops else missing
        rows.append(f"| {p.name} | `{p.id}` | {size} | {tokens} | {flops} |")
    summary = "\n".join([head, *rows])
    return ListModelsResult(entries=[_entry(p) for p in presets], summary=summary, language=lang)
