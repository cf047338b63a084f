"""Type-check flopcast as installed: `flopcast`, `flopcast.tools`, `flopcast.prompts`.

    .venv/bin/python scripts/typecheck.py

The sources live in core/, tools/ and prompts/ and an editable install maps them to
`flopcast` with an import hook that mypy cannot follow, so `mypy core` alone would see
every `from flopcast.x import ...` as a missing module (Any) and check no call across
modules. This script lays the package out as it is installed — symbolic links in a
temporary folder, removed afterwards — and runs `mypy -p flopcast` with the project's
configuration. Exit status: mypy's.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
#: where each subpackage's sources live (pyproject.toml's package-dir mapping)
LAYOUT = {"flopcast": ROOT / "core", "flopcast/tools": ROOT / "tools",
          "flopcast/prompts": ROOT / "prompts"}


def main() -> int:
    with tempfile.TemporaryDirectory(prefix="flopcast-typecheck-") as tmp:
        base = Path(tmp)
        (base / "flopcast").mkdir()
        for entry in sorted(LAYOUT["flopcast"].iterdir()):
            if entry.name != "__pycache__":
                (base / "flopcast" / entry.name).symlink_to(entry)
        for target, source in LAYOUT.items():
            if target != "flopcast":
                (base / target).symlink_to(source, target_is_directory=True)
        env = {**os.environ, "MYPYPATH": str(base)}
        cmd = [sys.executable, "-m", "mypy", "--config-file", str(ROOT / "pyproject.toml"),
               "--cache-dir", str(base / ".mypy_cache"), "-p", "flopcast"]
        return subprocess.run(cmd, cwd=base, env=env, check=False).returncode


if __name__ == "__main__":
    sys.exit(main())
