"""Reading files for count_tokens: a file checked by the walk is the file that is read."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from flopcast.numbers.errors import InvalidInputError
from flopcast.tokens.engine import Source
from flopcast.tokens.files import open_checked, walk_files

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
    from flopcast.tokens.files import _sniff

    root, outside = _granted(tmp_path)
    real = (root / "sub" / "notes.txt").resolve()
    (root / "sub").rename(root / "old")
    (root / "sub").symlink_to(outside, target_is_directory=True)
    assert _sniff(real, [root.resolve()]) is None
    assert _sniff((root / "old" / "notes.txt").resolve(), [root.resolve()]) is not None


def test_a_bpe_file_in_a_granted_folder_is_read_part_by_part(tmp_path: Path) -> None:
    import base64

    from flopcast.tokens.count import count_tokens

    # A vocabulary of the 256 single bytes and no merges: one token per UTF-8 byte.
    root, outside = _granted(tmp_path)
    lines = [base64.b64encode(bytes([b])) + b" " + str(b).encode() for b in range(256)]
    (root / "sub" / "bytes.tiktoken").write_bytes(b"\n".join(lines) + b"\n")
    r = count_tokens(text="héllo", bpe_file="sub/bytes.tiktoken", allowed_roots=[root])
    assert r.tokens == len("héllo".encode())
    # A ranks file reached through a symlinked folder that leads outside is refused.
    (outside / "bytes.tiktoken").write_bytes((root / "sub" / "bytes.tiktoken").read_bytes())
    (root / "link").symlink_to(outside, target_is_directory=True)
    with pytest.raises(InvalidInputError, match="^bpe_file"):
        count_tokens(text="x", bpe_file="link/bytes.tiktoken", allowed_roots=[root])
