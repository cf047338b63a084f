"""`model="hf:<owner>/<name>[@revision]"`: a config.json from the Hugging Face hub cache, opt-in.

flopcast makes no network call by default. A hub id is read only when the operator opts in
with the environment variable `FLOPCAST_HF_HUB`:

- `cache` (or `1`): read the local cache that `huggingface_hub` and the libraries built on it
  fill, never the network. Layout (Hugging Face, "Hub Local Cache",
  https://huggingface.co/docs/hub/local-cache): the cache folder is `$HF_HUB_CACHE`, else
  `$HF_HOME/hub`, else `~/.cache/huggingface/hub`; a model lives in
  `models--<owner>--<name>/`, `refs/<revision>` holds the commit, and
  `snapshots/<commit>/config.json` the file.
- `download`: the cache first; when the file is missing, `huggingface_hub.hf_hub_download`
  fetches it (install `flopcast[hub]`), unless `HF_HUB_OFFLINE` is set, which is honoured.

The file found is then read like any config path, so a server still reads it only below
its granted folders (grant the cache folder with `--allow-dir`).
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from flopcast.numbers.errors import InvalidInputError

__all__ = ["HUB_PREFIX", "hub_cache_dir", "hub_config_path"]

HUB_PREFIX = "hf:"
_REPO_ID = re.compile(r"^[A-Za-z0-9][\w.\-]{0,95}(/[A-Za-z0-9][\w.\-]{0,95})?$")
_TRUE = {"1", "true", "yes", "on"}


def hub_cache_dir() -> Path:
    """The hub cache folder: $HF_HUB_CACHE, else $HF_HOME/hub, else ~/.cache/huggingface/hub."""
    if os.environ.get("HF_HUB_CACHE"):
        return Path(os.environ["HF_HUB_CACHE"]).expanduser()
    if os.environ.get("HF_HOME"):
        return Path(os.environ["HF_HOME"]).expanduser() / "hub"
    return Path("~/.cache/huggingface/hub").expanduser()


def _cached(repo_id: str, revision: str) -> Path | None:
    repo = hub_cache_dir() / ("models--" + repo_id.replace("/", "--"))
    commit = revision
    ref = repo / "refs" / revision
    if ref.is_file():
        commit = ref.read_text("utf-8").strip()
    path = repo / "snapshots" / commit / "config.json"
    return path if path.is_file() else None


def hub_config_path(reference: str, *, argument: str = "model") -> str:
    """The local path of the config.json `reference` ("hf:owner/name[@revision]") names.

    Raises:
        InvalidInputError: hub access not enabled, a malformed id, a config neither cached
            nor downloadable (HF_HUB_OFFLINE set, or huggingface_hub not installed).
    """
    mode = os.environ.get("FLOPCAST_HF_HUB", "").strip().lower()
    if mode not in {"cache", "download", *_TRUE}:
        raise InvalidInputError(argument, "a Hugging Face hub id is read only when enabled: set "
                                "FLOPCAST_HF_HUB=cache (local cache) or =download; or give the "
                                "config.json path or its JSON")
    repo_id, _, revision = reference.strip()[len(HUB_PREFIX):].partition("@")
    revision = revision or "main"
    if not _REPO_ID.match(repo_id) or ".." in repo_id or not re.fullmatch(r"[\w.\-/]+", revision) \
            or ".." in revision:
        raise InvalidInputError(argument, f"{reference[:80]!r} is not a hub id like "
                                "'hf:meta-llama/Llama-3.1-8B' (optionally '@revision')")
    found = _cached(repo_id, revision)
    if found is not None:
        return str(found)
    if mode != "download":
        raise InvalidInputError(argument, f"{repo_id}: no config.json for revision {revision!r} "
                                f"in the Hugging Face cache ({hub_cache_dir()})")
    if os.environ.get("HF_HUB_OFFLINE", "").strip().lower() in _TRUE:
        raise InvalidInputError(argument, f"{repo_id}: not in the Hugging Face cache and "
                                "HF_HUB_OFFLINE is set")
    try:
        from huggingface_hub import hf_hub_download
    except ImportError as e:
        raise InvalidInputError(argument, "downloading a config needs huggingface_hub: pip "
                                "install 'flopcast[hub]'") from e
    try:
        return str(hf_hub_download(repo_id, "config.json", revision=revision))
    except Exception as e:  # the library's many network / auth / not-found errors
        raise InvalidInputError(argument, f"{repo_id}: config.json could not be fetched "
                                f"({type(e).__name__})") from e
