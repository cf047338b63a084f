"""Reading files for count_tokens: a file checked by the walk is the file that is read."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from flopcast.errors import InvalidInputError
from flopcast.token_engine import Source
from flopcast.token_files import open_checked, walk_files

pytestmark = pytest.mark.skipif(not hasattr(os, "O_NOFOLLOW"), reason="needs O_NOFOLLOW")


def _granted(tmp_path: Path) -> tuple[Path, Path]:
    root, outside = tmp_path / "granted", tmp_path / "secret"
    (root / "sub").mkdir(parents=True)
    outside.mkdir()
    (root / "sub" / "notes.txt").write_text("inside")
    (outside / "notes.txt").write_text("outside")
    return root, outside


def test_the_checked_file_is_read(tmp_path: Path) -> None:
    root, _ = _granted(tmp_path)
    [found] = walk_files(root, None, None, [root]).files
    with Source(found.kind, found.size, path=found.path, identity=found.identity).open() as f:
        assert f.read() == b"inside"


def test_a_file_swapped_for_a_symlink_after_the_check_is_refused(tmp_path: Path) -> None:
    root, outside = _granted(tmp_path)
    [found] = walk_files(root, None, None, [root]).files
    found.path.unlink()
    found.path.symlink_to(outside / "notes.txt")
    with pytest.raises(InvalidInputError, match="^path"):
        open_checked(found.path, found.identity)


def test_a_folder_swapped_for_a_symlink_after_the_check_is_refused(tmp_path: Path) -> None:
    root, outside = _granted(tmp_path)
    [found] = walk_files(root, None, None, [root]).files
    (root / "sub").rename(root / "old")
    (root / "sub").symlink_to(outside, target_is_directory=True)
    # The path now leads to secret/notes.txt, a different file: refused, nothing read.
    with pytest.raises(InvalidInputError, match="replaced after it was checked"):
        open_checked(found.path, found.identity)


def test_a_file_deleted_after_the_check_says_so(tmp_path: Path) -> None:
    root, _ = _granted(tmp_path)
    [found] = walk_files(root, None, None, [root]).files
    found.path.unlink()
    with pytest.raises(InvalidInputError, match="could not be opened"):
        open_checked(found.path, found.identity)


def test_a_folder_swapped_before_the_check_is_not_entered(tmp_path: Path) -> None:
    # The race one step earlier: the path was resolved, then a folder on it became a symlink
    # before the file was opened for the check. Opening part by part from the granted
    # folder refuses to follow it, so the outside file is never opened.
    from flopcast.token_files import _sniff

    root, outside = _granted(tmp_path)
    real = (root / "sub" / "notes.txt").resolve()
    (root / "sub").rename(root / "old")
    (root / "sub").symlink_to(outside, target_is_directory=True)
    assert _sniff(real, [root.resolve()]) is None
    assert _sniff((root / "old" / "notes.txt").resolve(), [root.resolve()]) is not None
