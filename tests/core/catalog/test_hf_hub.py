"""model="hf:owner/name": the Hugging Face hub cache, read only when the operator opts in."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from flopcast.catalog.hf_config import config_roots
from flopcast.catalog.models import resolve_model
from flopcast.numbers.errors import InvalidInputError

CONFIGS = Path(__file__).parents[2] / "data" / "hf_configs"
COMMIT = "0123456789abcdef0123456789abcdef01234567"


@pytest.fixture
def hub_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A hub cache laid out as huggingface_hub writes it, holding gpt2's config.json."""
    repo = tmp_path / "hub" / "models--openai-community--gpt2"
    (repo / "refs").mkdir(parents=True)
    (repo / "refs" / "main").write_text(COMMIT + "\n")
    snapshot = repo / "snapshots" / COMMIT
    snapshot.mkdir(parents=True)
    shutil.copy(CONFIGS / "gpt2.json", snapshot / "config.json")
    monkeypatch.setenv("HF_HUB_CACHE", str(tmp_path / "hub"))
    monkeypatch.delenv("FLOPCAST_HF_HUB", raising=False)
    return tmp_path / "hub"


def test_off_by_default(hub_cache: Path) -> None:
    with pytest.raises(InvalidInputError, match="only when enabled: set FLOPCAST_HF_HUB"):
        resolve_model("hf:openai-community/gpt2")


def test_reads_the_cache_by_ref_or_commit(hub_cache: Path, monkeypatch) -> None:
    monkeypatch.setenv("FLOPCAST_HF_HUB", "cache")
    by_ref = resolve_model("hf:openai-community/gpt2")
    by_commit = resolve_model(f"hf:openai-community/gpt2@{COMMIT}")
    assert by_ref.params == by_commit.params == pytest.approx(124e6, rel=0.005)


def test_missing_from_the_cache_never_downloads_in_cache_mode(hub_cache, monkeypatch) -> None:
    monkeypatch.setenv("FLOPCAST_HF_HUB", "cache")
    with pytest.raises(InvalidInputError, match="no config.json for revision 'main'"):
        resolve_model("hf:meta-llama/Llama-3.1-8B")


def test_hf_hub_offline_is_honoured_in_download_mode(hub_cache, monkeypatch) -> None:
    monkeypatch.setenv("FLOPCAST_HF_HUB", "download")
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    with pytest.raises(InvalidInputError, match="HF_HUB_OFFLINE is set"):
        resolve_model("hf:meta-llama/Llama-3.1-8B")


@pytest.mark.parametrize("bad", ["hf:../etc", "hf:a/b/c", "hf:x/y@../../z", "hf:"])
def test_malformed_ids_are_refused(hub_cache, monkeypatch, bad: str) -> None:
    monkeypatch.setenv("FLOPCAST_HF_HUB", "cache")
    with pytest.raises(InvalidInputError, match="is not a hub id"):
        resolve_model(bad)


def test_a_server_reads_the_cache_only_when_it_is_granted(hub_cache, monkeypatch,
                                                          tmp_path) -> None:
    monkeypatch.setenv("FLOPCAST_HF_HUB", "cache")
    with config_roots([tmp_path / "elsewhere"]), pytest.raises(InvalidInputError):
        resolve_model("hf:openai-community/gpt2")
    with config_roots([hub_cache]):
        assert resolve_model("hf:openai-community/gpt2").layers == 12
