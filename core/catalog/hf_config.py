"""Models from a Hugging Face `config.json`: the architecture, its parameters and its KV cache.

`model` accepts, wherever a preset id is accepted, a path to a `config.json`, a folder
holding one, the JSON object itself (text starting with "{"), or a hub id
"hf:owner/name" when the operator opted in (`flopcast.catalog.hf_hub`). `read_config` turns it
into a `ConfigArchitecture`; `preset_from_config` into a `ModelPreset` the tools use like a
catalog entry (no training tokens: give `tokens` or `flops`).

The architecture and its counts are in `flopcast.catalog.hf_arch` (field names per
`model_type`, the parameter and active-parameter conventions, the KV cache). This module
reads the config: a path only below the granted folders when a front end serving others set
them (`config_roots`), at most `MAX_CONFIG_BYTES`; a hub id through `flopcast.catalog.hf_hub`.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterator, Mapping, Sequence
from contextvars import ContextVar
from pathlib import Path
from typing import Any

from flopcast.catalog.hf_arch import SUPPORTED_MODEL_TYPES, ConfigArchitecture, parse_config
from flopcast.catalog.models import ModelPreset, ModelSource
from flopcast.numbers.errors import InvalidInputError

__all__ = [
    "MAX_CONFIG_BYTES",
    "SUPPORTED_MODEL_TYPES",
    "ConfigArchitecture",
    "config_roots",
    "is_config_reference",
    "preset_from_config",
    "read_config",
]

#: A config.json is a few kB; anything larger than this is refused unread.
MAX_CONFIG_BYTES = 1_000_000

#: Folders a config path must lie below (None: no restriction, a Python caller's own
#: files). Front ends that serve others (MCP, dispatch, LangChain) set their granted folders.
_ROOTS: ContextVar[Sequence[Path] | None] = ContextVar("flopcast_config_roots", default=None)

def is_config_reference(model: str) -> bool:
    """True when `model` names a config (inline JSON, a .json path, or a path with a slash).

    >>> is_config_reference("llama-3.1-8b"), is_config_reference("./my-model")
    (False, True)
    >>> is_config_reference('{"model_type": "llama"}')
    True
    """
    text = model.strip()
    return text.startswith(("{", "hf:")) or text.lower().endswith(".json") or "/" in text \
        or "\\" in text or text.startswith("~")


@contextlib.contextmanager
def config_roots(roots: Sequence[Path | str] | None) -> Iterator[None]:
    """Within the block, config paths must lie below `roots` ([]: no path may be read)."""
    token = _ROOTS.set(None if roots is None else [Path(r) for r in roots])
    try:
        yield
    finally:
        _ROOTS.reset(token)


def _load(reference: str | Mapping[str, Any], argument: str) -> tuple[dict[str, Any], str]:
    """The config object and a short description of where it came from."""
    if isinstance(reference, Mapping):
        return dict(reference), "inline config"
    text = reference.strip()
    where = "inline config"
    if text.startswith("hf:"):
        from flopcast.catalog.hf_hub import hub_config_path

        text = hub_config_path(text, argument=argument)
    if not text.startswith("{"):
        from flopcast.tokens.files import resolve_path

        roots = _ROOTS.get()
        if roots is not None and not roots:
            raise InvalidInputError(argument, "reading a config.json is not allowed here: no "
                                    "folder has been granted (--allow-dir FOLDER, or an MCP "
                                    "root); pass the config's JSON object itself instead")
        path = resolve_path(text, _ROOTS.get(), argument=argument)
        if path.is_dir():
            path = resolve_path(str(path / "config.json"), _ROOTS.get(), argument=argument)
        if not path.is_file():
            raise InvalidInputError(argument, f"{path.name} is not a file")
        if path.stat().st_size > MAX_CONFIG_BYTES:
            raise InvalidInputError(argument, f"{path.name} is over {MAX_CONFIG_BYTES:,} bytes; "
                                    "a config.json is a few kB")
        try:
            text = path.read_text("utf-8")
        except (OSError, UnicodeDecodeError) as e:
            raise InvalidInputError(argument, f"cannot read {path.name}: {e}") from e
        where = path.name if path.name != "config.json" else f"{path.parent.name}/config.json"
    elif len(text) > MAX_CONFIG_BYTES:
        raise InvalidInputError(argument, f"inline config over {MAX_CONFIG_BYTES:,} characters")
    try:
        data = json.loads(text)
    except (json.JSONDecodeError, RecursionError) as e:
        msg = getattr(e, "msg", "too deeply nested")
        raise InvalidInputError(argument, f"config is not valid JSON ({msg})") from e
    if not isinstance(data, dict):
        raise InvalidInputError(argument, "a config.json must hold a JSON object")
    return data, where


def read_config(
    reference: str | Mapping[str, Any], *, argument: str = "model"
) -> tuple[ConfigArchitecture, str]:
    """Read a config (path, folder, JSON text or mapping) into its architecture.

    Returns the architecture and where it was read (for sources and summaries).

    Raises:
        InvalidInputError: unreadable or invalid JSON, a path outside the granted folders,
            an unsupported `model_type` (the message lists the supported ones) or a field the
            architecture needs and the config lacks (named).
    """
    data, where = _load(reference, argument)
    return parse_config(data, argument), where


def preset_from_config(
    reference: str | Mapping[str, Any], *, argument: str = "model"
) -> ModelPreset:
    """A `ModelPreset` for a config (see `read_config`): the figures the tools take from a
    preset, computed from the architecture; no training tokens (give `tokens` or `flops`).

    A mixture of experts gets `active_params` (see the module docstring); a dense model's
    `params` counts every weight, embeddings included, as the presets do.
    """
    a, where = read_config(reference, argument=argument)
    variant = {"mha": "multi-head attention", "gqa": f"grouped-query attention ({a.kv_heads} "
               "K/V heads)", "mqa": "multi-query attention (1 K/V head)",
               "mla": f"multi-head latent attention (caches a {a.kv_lora_rank}-wide latent + "
               f"{a.qk_rope_head_dim}-wide RoPE key per layer)"}[a.attention]
    notes = [f"Read from {where}: model_type {a.model_type}, {a.layers} layers, hidden "
             f"{a.d_model}, {a.heads} heads, {variant}."]
    if a.local_layers:
        notes.append(f"{a.local_layers} of {a.layers} layers attend within a {a.sliding_window}"
                     "-token window (their KV cache holds at most that many tokens).")
    if a.is_moe:
        shared = f" + shared width {a.shared_d_ff}" if a.shared_d_ff else ""
        notes.append(f"Mixture of experts: {a.moe_layers} MoE layers, {a.experts_per_token} of "
                     f"{a.experts} experts of width {a.expert_d_ff} per token{shared}; "
                     f"{a.layers - a.moe_layers} dense layers. Active parameters: attention, "
                     "routed top-k and shared experts, routers and the output head.")
    if a.mtp_layers:
        notes.append(f"{a.mtp_layers} multi-token-prediction module(s) not counted.")
    if a.text_only:
        notes.append("Multimodal config: the language model (text_config) only; the vision "
                     "encoder is not counted.")
    if a.defaults_used:
        notes.append("Configuration-class defaults used: " + ", ".join(a.defaults_used) + ".")
    notes.append("Context = max_position_embeddings (what the model serves), not the training "
                 "sequence length; training tokens are not in a config: give tokens or flops.")
    source = ModelSource(title=f"Hugging Face config.json ({where}), read as transformers' "
                         f"{a.model_type} configuration class defines its fields",
                         fields=sorted(_CONFIG_FIELDS))
    return ModelPreset(
        id="config:" + "-".join(where.lower().split()), name=f"{where} ({a.model_type})",
        family=a.model_type,
        params=float(a.total_params),
        active_params=float(a.active_params) if a.is_moe else None,
        layers=a.layers, d_model=a.d_model, heads=a.heads, kv_heads=a.kv_heads,
        head_dim=a.head_dim, d_ff=a.expert_d_ff if a.is_moe else a.d_ff, gated_ffn=a.gated_ffn,
        vocab=a.vocab, context=a.context,
        kv_lora_rank=a.kv_lora_rank or None, qk_rope_head_dim=a.qk_rope_head_dim or None,
        sliding_window=a.sliding_window or None, local_layers=a.local_layers,
        experts=a.experts or None, experts_per_token=a.experts_per_token or None,
        shared_d_ff=a.shared_d_ff, moe_layers=a.moe_layers if a.is_moe else None,
        dense_d_ff=(a.d_ff or None) if a.is_moe and a.moe_layers < a.layers else None,
        sources=[source], notes=notes)


_CONFIG_FIELDS = frozenset({"params", "active_params", "layers", "d_model", "heads", "kv_heads",
                            "head_dim", "d_ff", "gated_ffn", "vocab", "context", "experts",
                            "experts_per_token", "shared_d_ff", "moe_layers", "dense_d_ff"})
