"""The public API: a sorted __all__, every name resolvable, and a light import."""

from __future__ import annotations

import subprocess
import sys

import flopcast


def test_all_is_sorted_and_unique():
    assert flopcast.__all__ == sorted(set(flopcast.__all__))


def test_every_public_name_resolves():
    for name in flopcast.__all__:
        assert getattr(flopcast, name) is not None, name


def test_private_names_are_not_exported():
    assert not [n for n in flopcast.__all__ if n.startswith("_") and n != "__version__"]


def test_import_is_light():
    code = (
        "import sys, flopcast; "
        "heavy = ('fastmcp', 'langchain_core', 'tiktoken', 'rich', 'flopcast.catalog.hardware'); "
        "print(','.join(m for m in heavy if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


def test_version_matches_the_distribution():
    from importlib.metadata import version

    assert flopcast.__version__ == version("flopcast")


def test_the_signature_stub_matches_the_input_models():
    # Editors and type checkers read the tools' signatures from core/_signatures.pyi,
    # generated from the input models; a model change without regenerating it fails here.
    import importlib.util
    from pathlib import Path

    script = Path(__file__).resolve().parents[1] / "scripts" / "gen_signatures.py"
    spec = importlib.util.spec_from_file_location("gen_signatures", script)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert module.STUB.read_text(encoding="utf-8") == module.stub_text(), (
        "run: python scripts/gen_signatures.py")
    text = module.STUB.read_text(encoding="utf-8")
    assert "def estimate_training(\n    *,\n    model: str | None = None," in text
    assert "hardware: str,\n" in text  # required: no default
